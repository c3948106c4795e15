# A scenario written to deadlock: the run must end in a deadlock with a
# wait-for cycle between the reset thread and the unmapping thread (the
# checker's report names both, the locks each holds and where it took
# them).  Without 'expect-failure' this fails and prints that report with
# a replay command (tests/scenario checks both).
scenario "driver lock inversion through the unmap callback"
expect-failure deadlock
include "deadlock-abba.inc"
