#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check-installed.sh BUILD_DIR CC "SANITIZER_FLAGS" "RUNTIME:" - install
# the build into a scratch prefix, build the example from the installed
# copy with pkg-config only, and run it both ways.
set -u
build=$1 cc=$2 san=$3 runtime=$4
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT

cmake --install "$build" --prefix "$prefix" >"$prefix/install.log" 2>&1 || {
	cat "$prefix/install.log"; exit 1
}
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
for d in lib lib64 lib/x86_64-linux-gnu; do
	[ -f "$prefix/$d/pkgconfig/iommufd-sim.pc" ] &&
		PKG_CONFIG_PATH="$prefix/$d/pkgconfig"
done
cflags=$(pkg-config --cflags iommufd-sim) || exit 1
libs=$(pkg-config --libs iommufd-sim) || exit 1
preload=$(pkg-config --variable=preload iommufd-sim) || exit 1
src=$(pkg-config --variable=prefix iommufd-sim)/share/doc/iommufd-sim/examples/vmm-backend.c
[ -f "$src" ] || { echo "FAIL: $src not installed"; exit 1; }
[ -f "$preload" ] || { echo "FAIL: $preload not installed"; exit 1; }
libdir=$(pkg-config --variable=libdir iommufd-sim)

# shellcheck disable=SC2086 # flag lists are meant to split
"$cc" $san $cflags -o "$prefix/vmm-plain" "$src" || exit 1
# shellcheck disable=SC2086
"$cc" $san $cflags -DVMM_EMBEDDED -o "$prefix/vmm-embedded" "$src" $libs \
	-Wl,-rpath,"$libdir" || exit 1

exec "$(dirname "$0")/compare.sh" "LD_PRELOAD=$runtime$preload" \
	"$prefix/vmm-plain" "$prefix/vmm-embedded"
