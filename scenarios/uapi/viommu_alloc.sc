# IOMMU_VIOMMU_ALLOC: a virtual IOMMU over a nest-parent HWPT; it holds the
# parent, and nested HWPTs can be allocated through it.
scenario "allocate a vIOMMU"
include "../common/guest.inc"

hwpt_alloc paging dev=dev1 pt=ioas1                       => ok
viommu_alloc bad dev=dev1 hwpt=paging                     => EINVAL
viommu_alloc vi dev=dev1 hwpt=parent                      => ok
hwpt_alloc nested dev=dev1 pt=vi data=selftest:0x77       => ok
check_iotlb hwpt=nested id=0 value=0x77                   => ok
destroy parent                                            => EBUSY
destroy vi                                                => EBUSY
destroy nested                                            => ok
destroy vi                                                => ok
destroy parent                                            => ok
