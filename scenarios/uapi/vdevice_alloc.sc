# IOMMU_VDEVICE_ALLOC: a device's virtual ID on a vIOMMU, and vIOMMU cache
# invalidation by that device (IOMMU_HWPT_INVALIDATE on the vIOMMU).
scenario "a vDEVICE and its cache"
include "../common/guest.inc"

viommu_alloc vi dev=dev1 hwpt=parent                      => ok
vdevice_alloc vd viommu=vi dev=dev1 virt_id=0x99          => ok
vdevice_alloc again viommu=vi dev=dev1 virt_id=0x98       => EEXIST
check_dev_cache dev1 id=2 value=0xbaddad                  => ok
viommu_invalidate vi vdev=vd.virt_id entries=[2]                  => ok done=1
check_dev_cache dev1 id=2 value=0                         => ok
check_dev_cache dev1 id=1 value=0xbaddad                  => ok
viommu_invalidate vi vdev=vd.virt_id entries=[all]                => ok done=1
check_dev_cache dev1 id=1 value=0                         => ok
destroy vi                                                => EBUSY
destroy vd                                                => ok
destroy vi                                                => ok
