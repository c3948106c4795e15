#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Set up, build (the `default` preset) and run the bundled scenarios with
# the iommufd-sim command.
set -eu
cd "$(dirname "$0")/.."
./scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset default
cmake --build --preset default -j "$jobs"

exec build/default/sim/iommufd-sim run scenarios
