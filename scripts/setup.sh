#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install what building and testing iommufd-sim needs on Debian 12, and
# nothing when it is all there already.  Sourced by the run-*.sh scripts;
# can also be run on its own.
set -eu

PACKAGES="cmake make gcc pkg-config libglib2.0-dev check libjson-glib-dev gdb"

missing=""
for pkg in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
	     grep -q "install ok installed"; then
		missing="$missing $pkg"
	fi
done

if [ -n "$missing" ]; then
	echo "setup: installing:$missing"
	if [ "$(id -u)" -eq 0 ]; then
		SUDO=""
	elif command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "setup: need root (or sudo) to install:$missing" >&2
		exit 1
	fi
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
		--no-install-recommends $missing >/dev/null
else
	echo "setup: all build dependencies present"
fi
