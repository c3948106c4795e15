# S-internal: a HW queue pins its memory through an internal access,
# which takes no reference on the context.  Closing the context with the
# queue (and everything else) live, without a single DESTROY, tears down
# the queue, its access and the pins, and frees the context: the audit
# at the end of the run finds nothing left.
scenario "internal access: released with the context"
include "../common/guest.inc"

viommu_alloc vi dev=dev1 hwpt=parent                         => ok
hw_queue_alloc q0 viommu=vi index=0 iova=gmap.iova length=4K => ok
hw_queue_alloc q1 viommu=vi index=1 iova=gmap.iova+4K length=4K => ok
expect pins buf=gmem length=8K count=1
ioas_unmap gmap                                              => EBUSY
close ictx
# the release ran: nothing of the context is left pinned
expect pins buf=gmem length=8K count=0
