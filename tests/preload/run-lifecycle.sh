#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run-lifecycle.sh PROGRAM - how a preloaded program ends (see lifecycle.c).
# LD_PRELOAD comes from ctest.  Every case checks the exit status and the
# audit report the library wrote.
set -u
prog=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0

bad() {
	echo "FAIL: $*"
	for f in "$dir"/*; do
		[ -f "$f" ] && { echo "--- $f"; cat "$f"; }
	done
	fail=1
}

# 1. Objects left open at exit: closed, audited, clean, status unchanged.
IOMMUFD_SIM_REPORT="$dir/leave.report" "$prog" leave-open >"$dir/leave.out" 2>&1
rc=$?
[ $rc -eq 0 ] || bad "leave-open exited $rc"
grep -q "atexit handler: the iommufd still works" "$dir/leave.out" ||
	bad "leave-open: the program's exit handler did not run first"
grep -q "exit status 0, [1-9][0-9]* simulated descriptor(s) closed at exit, audit: 0 problem(s)" \
	"$dir/leave.report" || bad "leave-open: no clean audit in the report"

# 2. fork: the child cannot use the parent's simulator and does not audit.
IOMMUFD_SIM_REPORT="$dir/fork.report" "$prog" fork >"$dir/fork.out" 2>&1
rc=$?
[ $rc -eq 0 ] || bad "fork exited $rc"
grep -q "not usable in the child" "$dir/fork.out" ||
	bad "fork: the child was not told why its descriptors fail"
[ "$(grep -c "audit:" "$dir/fork.report")" -eq 1 ] ||
	bad "fork: expected exactly one audit (the parent's)"
grep -q "audit: 0 problem(s)" "$dir/fork.report" || bad "fork: audit not clean"

# 3. A failed audit changes the status only when asked to.
IOMMUFD_SIM_SELFTEST_PROBLEM=1 "$prog" fork >"$dir/fail1.out" 2>&1
rc=$?
[ $rc -eq 0 ] || bad "failed audit without IOMMUFD_SIM_AUDIT_STATUS exited $rc"
grep -q "audit: 1 problem(s)" "$dir/fail1.out" ||
	bad "failed audit not reported on stderr"
IOMMUFD_SIM_SELFTEST_PROBLEM=1 IOMMUFD_SIM_AUDIT_STATUS=3 "$prog" fork \
	>"$dir/fail2.out" 2>&1
rc=$?
[ $rc -eq 3 ] || bad "failed audit with IOMMUFD_SIM_AUDIT_STATUS=3 exited $rc"

# 4. Bad settings are named, not silently taken.
IOMMUFD_SIM_LOGLEVEL=loud "$prog" fork >"$dir/bad.out" 2>&1
grep -q "IOMMUFD_SIM_LOGLEVEL=loud: expected" "$dir/bad.out" ||
	bad "a bad IOMMUFD_SIM_LOGLEVEL was not reported"

[ $fail -eq 0 ] && echo "preload lifecycle: all cases passed"
exit $fail
