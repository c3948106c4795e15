# A guest's life with a vIOMMU (issue 9): the guest's stage-1 table is a
# nested HWPT through its vIOMMU, it invalidates its caches through the
# vIOMMU (by virtual device ID) and through the nested HWPT (IOTLB), its
# device raises an event that reaches the vEVENTQ, and its command queues
# live in guest memory pinned through internal accesses: the IOAS cannot
# unmap that memory until the queues are gone.  Then the VMM tears it down
# in dependency order, each DESTROY of an object still in use refused.
scenario "guest flow: vIOMMU, vDEVICE, nested HWPT, invalidation, HW queues, vEVENTQ"
include "guest.inc"

# translation through the nested HWPT reaches guest memory (the buffer
# is filled with a pattern: the byte at offset i is i mod 251)
dma_read dev1 iova=gmap.iova+4K length=4                       => ok data=50515253

# cache invalidation: the device's caches through the vIOMMU ...
check_dev_cache dev1 id=0 value=0xbaddad                       => ok
viommu_invalidate vi vdev=vd.virt_id entries=[0,1]             => ok done=2
check_dev_cache dev1 id=0 value=0                              => ok
check_dev_cache dev1 id=2 value=0xbaddad                       => ok
viommu_invalidate vi vdev=0x43 entries=[0]                     => EINVAL done=0
# ... and the nested HWPT's IOTLB
check_iotlb nested id=1 value=0                                => ok
hwpt_invalidate nested type=selftest entries=[all]             => ok done=1

# an event of the device reaches the guest's queue with its virtual ID
veventq_read evq                                               => ok records=0
trigger_vevent dev1                                            => ok
trigger_vevent dev1                                            => ok
veventq_read evq count=4                                       => ok records=2 sequence=0 lost=0 virt_id=0x42

# the queues' memory is pinned and locked: no unmap while they exist
expect pins buf=gmem offset=0 length=4K count=1
expect pins buf=gmem offset=8K length=4K count=1
ioas_unmap gmap                                                => EBUSY

# teardown: every DESTROY of an object something still needs is refused
destroy vi                                                     => EBUSY
destroy q0                                                     => EBUSY
destroy q1                                                     => ok
destroy q0                                                     => ok
ioas_unmap gmap                                                => ok length=64K
expect pins buf=gmem length=64K count=0
destroy nested                                                 => EBUSY
mock_domain_replace dev=dev1 pt=ioas1                          => ok
destroy nested                                                 => ok
destroy vd                                                     => ok
close evq
destroy evq                                                    => ok
destroy vi                                                     => ok
destroy parent                                                 => ok
destroy dev1                                                   => ok
expect object vi gone
expect object ioas1 users=1
close ictx
