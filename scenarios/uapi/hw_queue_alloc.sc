# IOMMU_HW_QUEUE_ALLOC: a vIOMMU's hardware queue in guest memory.  Its
# pages are pinned through an internal access: the queue's range cannot be
# unmapped while the queue exists.  Queue 1 depends on queue 0.
scenario "HW queues"
include "../common/guest.inc"

viommu_alloc vi dev=dev1 hwpt=parent                              => ok
hw_queue_alloc early viommu=vi index=1 iova=gmap.iova length=4K   => EIO
hw_queue_alloc q0 viommu=vi index=0 iova=gmap.iova length=4K      => ok
hw_queue_alloc dup viommu=vi index=0 iova=gmap.iova+16K length=4K => EEXIST
hw_queue_alloc two viommu=vi index=2 iova=gmap.iova+16K length=4K => EINVAL
hw_queue_alloc q1 viommu=vi index=1 iova=0x9000000 length=4K      => ENOENT
hw_queue_alloc q1b viommu=vi index=1 iova=gmap.iova+8K length=8K  => ok
expect pins buf=gmem offset=0 length=4K count=1
ioas_unmap gmap                                                   => EBUSY
destroy q0                                                        => EBUSY
destroy q1b                                                       => ok
destroy q0                                                        => ok
destroy vi                                                        => ok
ioas_unmap gmap                                                   => ok
