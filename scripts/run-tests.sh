#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Set up, build (the `default` preset: Debug, ASan + UBSan) and run the
# whole ctest suite.  This is what CI runs (.ci/run).
set -eu
cd "$(dirname "$0")/.."
./scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset default
cmake --build --preset default -j "$jobs"
ctest --preset default -j "$jobs"
