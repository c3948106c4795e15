# The guest torn down leaves first, the way a VMM unplugs a device: the
# queues (newest first), the event queue, the device back to the IOAS and
# its nested HWPT, the vDEVICE, the vIOMMU, the nest parent, the device.
scenario "guest flow: destroy in reverse order of creation"
include "guest.inc"

destroy q1                                                     => ok
destroy q0                                                     => ok
close evq
destroy evq                                                    => ok
mock_domain_replace dev=dev1 pt=ioas1                          => ok
destroy nested                                                 => ok
destroy vd                                                     => ok
destroy vi                                                     => ok
destroy parent                                                 => ok
destroy dev1                                                   => ok
ioas_unmap gmap                                                => ok length=64K
destroy ioas1                                                  => ok
expect pins buf=gmem length=64K count=0
close ictx
