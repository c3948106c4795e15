# Two threads of the VMM: one tears the guest down object by object while
# the other closes the iommufd.  Whatever the interleaving, every DESTROY
# either happens or finds the descriptor gone (EBADF) or the object
# already released, and the context's release frees the rest: the audit of
# every explored run is clean.
scenario "guest flow: destroy racing close"
set scheduler pct
set explore 100
include "guest.inc"

close evq
thread destroyer {
    destroy q1                                                 => ok | EBADF
    destroy q0                                                 => ok | EBADF
    mock_domain_replace dev=dev1 pt=ioas1                      => ok | EBADF
    destroy nested                                             => ok | EBADF | EBUSY
    destroy vd                                                 => ok | EBADF
    destroy evq                                                => ok | EBADF
    destroy vi                                                 => ok | EBADF | EBUSY
}
thread closer {
    close ictx
}
join
expect pins buf=gmem length=64K count=0
