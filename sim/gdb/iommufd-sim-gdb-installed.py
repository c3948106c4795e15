# SPDX-License-Identifier: GPL-2.0
# Auto-load script of an installed iommufd-sim (cmake --install puts it in
# <datadir>/gdb/auto-load/<bindir>/): finds the helper relative to the
# binary, in <prefix>/share/iommufd-sim/gdb, so the install can move.
import os
import sys

import gdb

_objfile = gdb.current_objfile()
_dir = os.path.join(os.path.dirname(os.path.realpath(_objfile.filename)),
                    os.pardir, "share", "iommufd-sim", "gdb")
if _dir not in sys.path:
    sys.path.insert(0, _dir)
import iommufd_sim  # noqa: E402

iommufd_sim.register(_objfile)
