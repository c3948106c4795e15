# destroy-vs-close.sc under bounded depth-first search: every schedule
# with at most one preemption (within the budget).
scenario "guest flow: destroy racing close, bounded search"
set scheduler dfs
set preempt-bound 1
set explore 300
include "guest.inc"

close evq
thread destroyer {
    destroy q1                                                 => ok | EBADF
    destroy q0                                                 => ok | EBADF
    destroy vd                                                 => ok | EBADF
    destroy vi                                                 => ok | EBADF | EBUSY
}
thread closer {
    close ictx
}
join
expect pins buf=gmem length=64K count=0
