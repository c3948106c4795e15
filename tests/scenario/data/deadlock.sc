# race/deadlock-abba.sc without 'expect-failure': the deadlock is a
# failure, reported with its wait-for cycle and a replay command.
scenario "deadlock, reported"
include "../../../scenarios/race/deadlock-abba.inc"
