# A pin through a stalled fault racing an IOAS unmap, explored with PCT
# (probabilistic concurrency testing, bug depth 3).
scenario "pin vs unmap (PCT)"
set scheduler pct
set pct-depth 3
set explore 200
include "pin-vs-unmap.inc"
