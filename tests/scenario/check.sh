#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tests/scenario: what iommufd-sim promises, checked from the outside.
#
#   check.sh SIM SRCDIR CASE
#
# SIM is the iommufd-sim binary, SRCDIR the top of the source tree, CASE
# one of the cases below.  Runs in the current directory (ctest gives each
# case one of its own: traces and graphs land there).  Exit 0 if the case
# holds, 1 with the reason otherwise, 77 if it cannot run here.
set -u

SIM=$1
SRC=$2
CASE=$3
DATA=$SRC/tests/scenario/data
OUT=out.txt
ERR=err.txt

fail() {
	echo "FAIL $CASE: $*"
	echo "--- stdout"; cat "$OUT" 2>/dev/null
	echo "--- stderr"; cat "$ERR" 2>/dev/null
	exit 1
}

# run EXPECTED_STATUS ARGS...: iommufd-sim with ARGS, status must match.
run() {
	want=$1
	shift
	"$SIM" "$@" >"$OUT" 2>"$ERR"
	got=$?
	[ "$got" -eq "$want" ] || fail "exit status $got, expected $want ($*)"
}

# has FILE TEXT: FILE contains TEXT (fixed string).  FILE may be two
# file names run together ("$OUT$ERR"): either may contain it.
has() {
	case $1 in
	"$OUT$ERR") cat "$OUT" "$ERR" | grep -qF -- "$2" ;;
	*) grep -qF -- "$2" "$1" ;;
	esac || fail "$1 does not contain: $2"
}

# An author error: the file's mistake is reported as file:line: message,
# nothing runs, the status is 1.
author_error() {
	file=$DATA/$1.sc
	run 1 run "$file"
	has "$ERR" "$file:$2: $3"
	has "$OUT" "ERROR $file: 1 mistake in the scenario; nothing ran"
}

case $CASE in
error-unknown-op)
	author_error unknown-op 4 "unknown operation 'ioas_mapp' (did you mean 'ioas_map'?)" ;;
error-unknown-handle)
	author_error unknown-handle 4 "unknown handle 'ioas2' (defined so far: p, ictx, ioas1, buf)" ;;
error-bad-number)
	author_error bad-number 4 "field 'length': '12Q' is not a number (write 12K, 0x3000 or 12288)" ;;
error-missing-expectation)
	author_error missing-expectation 5 "ioas_unmap: missing expectation (end the step with '=> ok' or '=> ERRNO')" ;;
error-unknown-field)
	author_error unknown-field 4 "ioas_map: unknown field 'lenght' (did you mean 'length'? fields: ioas, buf, offset, length, iova, flags, ctx)" ;;
error-wrong-handle-type)
	author_error wrong-handle-type 4 "field 'ioas': 'buf' is a buffer, not an IOAS (candidates so far: ioas1)" ;;
error-unknown-errno)
	author_error unknown-errno 3 "destroy: unknown outcome 'EBUZY' (did you mean 'EBUSY'?" ;;

wrong-expectation)
	file=$DATA/wrong-expectation.sc
	run 1 run "$file"
	has "$OUT" "FAIL  $file: $file:8: ioas_unmap: expected ok, got ENOENT"
	has "$OUT" "at step 6 in thread main"
	has "$OUT" "replay: "
	has "$OUT" "--break-at-step 6"
	file=$DATA/wrong-value.sc
	run 1 run "$file"
	has "$OUT" "$file:6: ioas_unmap: expected length=8K (0x2000), got 0x4000"
	;;

deadlock)
	# Reported with its wait-for cycle and one replay command ...
	file=$DATA/deadlock.sc
	run 1 run "$file"
	has "$OUT" "FAIL  $file: deadlock: BUG: deadlock: wait-for cycle between simulated threads"
	has "$OUT" "wait-for cycle:"
	has "$OUT" "T1 mutex -> T2 mutex -> T1"
	has "$OUT" "T1 reset/"
	has "$OUT" "T2 unmapper/"
	has "$OUT" "(checked: it reproduces)"
	replay=$(sed -n 's/^  replay: \(.*\)   (checked.*/\1/p' "$OUT")
	[ -n "$replay" ] || fail "no replay command"
	trace=$(echo "$replay" | sed -n 's/.* --replay \([^ ]*\).*/\1/p')
	[ -f "$trace" ] || fail "the trace $trace was not written"
	cp "$OUT" first.txt
	# ... and that replay reproduces it, step for step.
	eval "$replay" >"$OUT" 2>"$ERR"
	[ $? -eq 1 ] || fail "the replay did not fail"
	has "$OUT" "deadlock: BUG: deadlock: wait-for cycle between simulated threads"
	has "$OUT" "T1 mutex -> T2 mutex -> T1"
	grep -o 'seed 1, [0-9]* scheduler steps' first.txt >steps1.txt
	grep -o 'seed 1, [0-9]* scheduler steps' "$OUT" >steps2.txt
	cmp -s steps1.txt steps2.txt || fail "the replay took other steps: $(cat steps1.txt) vs $(cat steps2.txt)"
	# The bundled scenario expects exactly this deadlock.
	run 0 run "$SRC/scenarios/race/deadlock-abba.sc"
	has "$OUT" "found the expected deadlock"
	;;

gdb-break)
	command -v gdb >/dev/null || { echo "SKIP: gdb is not installed"; exit 77; }
	file=$DATA/wrong-expectation.sc
	gdb -nx -batch -iex "set auto-load safe-path /" \
	    -ex run -ex bt -ex kshim-threads -ex iommufd-objects \
	    -ex scenario-handles -ex kshim-report \
	    --args "$SIM" run "$file" --break-at-step 6 >"$OUT" 2>"$ERR"
	has "$OUT" "received signal SIGTRAP"
	has "$OUT" "scenario_break (st="
	has "$OUT" "step=6"
	has "$OUT$ERR" "iommufd-sim: step 6, $file:8: ioas_unmap m1"
	# the helper loaded from the build tree
	has "$OUT" "T0 main/"
	has "$OUT" "ioas 1 users=1"
	has "$OUT" "scenario step 6"
	has "$OUT" "m1           mapping          0x2000 0x4000 0x1"
	has "$OUT" "no issues"
	;;

dot)
	command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
	file=$DATA/graph.sc
	run 0 run "$file" --dot graph.dot --dot-step 9
	[ -f graph.dot ] || fail "no graph.dot"
	has "$OUT" "graph:  graph.dot"
	# Every live object at step 9, with its scenario name, and every
	# reference between them (the walk of iommufd_debug.h), and nothing
	# from later steps.
	python3 - graph.dot <<'PY' || fail "graph.dot does not show the objects and references of step 9"
import re, sys
dot = open(sys.argv[1]).read()
nodes = dict(re.findall(r'^\s*(c\d+_o\d+) \[label="([^"]*)"', dot, re.M))
want = {
    "ioas 1": "'ioas1'",
    "selftest 2": "'dev1'",
    "device 3": None,
    "hwpt_paging 4": None,
    "access 5": "'acc'",
    "hwpt_paging 6": "'h1'",
}
labels = list(nodes.values())
for obj, name in want.items():
    hit = [l for l in labels if l.startswith(obj + "\\n") or l == obj]
    assert hit, "missing " + obj
    if name:
        assert name in hit[0], "%s is not named %s: %s" % (obj, name, hit[0])
assert len(labels) == len(want), labels
edges = re.findall(r'(c\d+_o\d+) -> (c\d+_o\d+) \[label="([a-z]+)"\]', dot)
def label(n):
    return nodes[n].split("\\n")[0]
have = {(label(a), label(b), w) for a, b, w in edges}
for e in [("selftest 2", "device 3", "driver"),
          ("device 3", "hwpt_paging 4", "attached"),
          ("hwpt_paging 4", "ioas 1", "ioas"),
          ("hwpt_paging 6", "ioas 1", "ioas"),
          ("access 5", "ioas 1", "ioas")]:
    assert e in have, "missing reference %s" % (e,)
assert "area 0x1000000-0x1003fff" in dot
assert "holds the context" in dot
PY
	if command -v dot >/dev/null; then
		[ -s graph.dot.png ] || fail "dot is installed but there is no graph.dot.png"
	fi
	# At the failure of a failing run, by default.
	run 1 run "$DATA/wrong-expectation.sc" --dot fail.dot
	has fail.dot "after step 6"
	;;

json)
	command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
	run 1 run --json "$SRC/scenarios/uapi/ioas_map.sc" "$DATA/wrong-expectation.sc" "$DATA/unknown-op.sc"
	python3 - "$OUT" <<'PY' || fail "the JSON is not what docs/cli.md says"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["schema"] == "iommufd-sim-results"
assert doc["schema_version"] == 1
s = doc["scenarios"]
assert [x["result"] for x in s] == ["pass", "fail", "error"], s
f = s[1]["failure"]
assert f["kind"] == "expectation" and f["line"] == 8 and f["step"] == 6, f
assert f["replay_command"] and f["trace_file"] and f["gdb_command"], f
assert s[2]["errors"][0].endswith("unknown operation 'ioas_mapp' (did you mean 'ioas_map'?)")
assert doc["summary"] == {"passed": 1, "failed": 1, "skipped": 0, "errors": 1,
                          "seconds": doc["summary"]["seconds"]}
PY
	;;

usage)
	run 0 --help
	has "$OUT" "Usage: iommufd-sim COMMAND"
	run 0 run --help
	has "$OUT" "--break-at-step"
	run 2 run
	has "$ERR" "no scenario given"
	run 2 run --explore 12Q "$DATA/graph.sc"
	has "$ERR" "--explore: '12Q' is not a number"
	run 2 run --no-such-option "$DATA/graph.sc"
	has "$ERR" "Usage:"
	run 2 run "$DATA/no-such-file.sc"
	has "$ERR" "no such file or directory"
	run 2 frobnicate
	has "$ERR" "unknown command 'frobnicate'"
	run 0 --version
	has "$OUT" "iommufd-sim "
	;;

skip)
	KSHIM_USERFAULTFD=0 "$SIM" run "$DATA/uffd-required.sc" >"$OUT" 2>"$ERR"
	[ $? -eq 77 ] || fail "a scenario that needs userfaultfd did not skip with 77"
	has "$OUT" "skip  $DATA/uffd-required.sc: needs userfaultfd"
	;;

trace)
	run 0 run --trace "$SRC/scenarios/uapi/ioas_map.sc"
	has "$OUT" "[3] main $SRC/scenarios/uapi/ioas_map.sc:7: ioas_alloc ioas1"
	has "$OUT" "[3] main -> ok ioas1.id=0x1"
	has "$OUT" "[9] main -> ENOENT"
	;;

*)
	echo "check.sh: unknown case '$CASE'"
	exit 2 ;;
esac
echo "ok $CASE"
exit 0
