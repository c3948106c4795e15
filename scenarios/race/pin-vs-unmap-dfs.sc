# A pin through a stalled fault racing an IOAS unmap, explored by bounded
# depth-first search: every schedule with at most one preemption (about
# 230 runs; the run stops at 1000).  --preempt-bound 2 goes further.
scenario "pin vs unmap (bounded search)"
set scheduler dfs
set preempt-bound 1
set explore 1000
include "pin-vs-unmap.inc"
