# S-numlocked: unmap is EBUSY only on the ranges an internal access has
# locked (per area, not per IOAS): the HW queue's own mapping is EBUSY,
# another mapping of the same IOAS unmaps; an external access's pin never
# makes unmap fail (its driver is asked to unpin, then the unmap
# succeeds); once the queue is destroyed the first unmap succeeds.
scenario "unmap EBUSY only on internally locked ranges"
include "../common/guest.inc"

kmutex drv
buffer other size=16K
buffer ext size=16K
ioas_map omap ioas=ioas1 buf=other iova=0x2000000            => ok
ioas_map emap ioas=ioas1 buf=ext iova=0x3000000              => ok
viommu_alloc vi dev=dev1 hwpt=parent                         => ok
hw_queue_alloc q0 viommu=vi index=0 iova=gmap.iova length=4K => ok
kaccess_create mdev unmap=drop lock=drv                      => ok
kaccess_attach mdev ioas=ioas1                               => ok
kaccess_pin mdev iova=emap.iova length=8K                    => ok

ioas_unmap gmap                                              => EBUSY
ioas_unmap omap                                              => ok length=16K
ioas_unmap emap                                              => ok length=16K
expect pins buf=ext length=16K count=0
expect pins buf=gmem length=4K count=1
ioas_unmap ioas=ioas1 all                                    => EBUSY
destroy q0                                                   => ok
ioas_unmap gmap                                              => ok length=64K
kaccess_detach mdev
kaccess_destroy mdev
