#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# compare.sh LD_PRELOAD=... PLAIN EMBEDDED - run the plain example under the
# preload library and the embedded one as is; both must succeed and print
# the same lines.
set -u
preload=$1 plain=$2 embedded=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

env "$preload" "$plain" >"$dir/preload.out" || {
	echo "FAIL: $plain under the preload library:"; cat "$dir/preload.out"
	exit 1
}
"$embedded" >"$dir/embedded.out" || {
	echo "FAIL: $embedded:"; cat "$dir/embedded.out"
	exit 1
}
if ! diff -u "$dir/preload.out" "$dir/embedded.out"; then
	echo "FAIL: the two builds printed different results"
	exit 1
fi
cat "$dir/preload.out"
echo "same result preloaded and embedded"
