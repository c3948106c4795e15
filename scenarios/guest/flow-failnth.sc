# The guest built and torn down with every fault point failing in turn:
# each failure must unwind cleanly (no leak, pin, charge or WARN), and a
# context closed with whatever was built must release it all.
scenario "guest flow under fail-nth"
set fail-nth on
include "guest.inc"

trigger_vevent dev1                                            => ok
veventq_read evq count=2                                       => ok records=1
destroy q1                                                     => ok
destroy q0                                                     => ok
close evq
destroy evq                                                    => ok
mock_domain_replace dev=dev1 pt=ioas1                          => ok
destroy nested                                                 => ok
destroy vd                                                     => ok
destroy vi                                                     => ok
close ictx
