# S-internal, the negative: the same owner, but its access takes a
# reference on the context (iommufd_access_create(), as an mdev driver's
# access does, instead of the internal API).  Like a HW queue, the owner
# lets go of its access only when the context is released; but the
# access now holds the context's file, so the release never runs:
#
#   ictx --releases--> owner --releases--> access --holds file--> ictx
#
# The audit reports the context kept alive by a reference cycle, which
# this scenario expects.  (The owner here is the scenario's own driver,
# built from the in-kernel access API.)
scenario "internal access taking a context reference: a cycle"
expect-failure cycle
include "../common/guest.inc"

kaccess_create queue_access                                  => ok
kaccess_attach queue_access ioas=ioas1                       => ok
kaccess_pin queue_access iova=gmap.iova length=4K            => ok
close ictx
# nothing destroys queue_access: only the context's release would
