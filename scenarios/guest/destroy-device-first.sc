# The device goes first (hot unplug): destroying its mock device unbinds
# it, which destroys its vDEVICE on the way (the vDEVICE's ID stays
# reserved, a tombstone, so the VMM cannot mistake a new object for it)
# and detaches it from the nested HWPT; then the vIOMMU side goes in
# whatever order is allowed.
scenario "guest flow: the device goes first"
include "guest.inc"

destroy dev1                                                   => ok
trigger_vevent dev1                                            => ENOENT
# the vDEVICE went with the device: its ID names nothing to destroy
destroy vd                                                     => ENOENT
expect object vd gone
destroy nested                                                 => ok
destroy vi                                                     => EBUSY
destroy q0                                                     => EBUSY
destroy q1                                                     => ok
destroy q0                                                     => ok
close evq
destroy evq                                                    => ok
destroy vi                                                     => ok
destroy parent                                                 => ok
ioas_unmap gmap                                                => ok
expect pins buf=gmem length=64K count=0
close ictx
