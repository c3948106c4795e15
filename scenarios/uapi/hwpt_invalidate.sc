# IOMMU_HWPT_INVALIDATE of a nested HWPT: the mock's IOTLB slots are
# cleared one by one or all at once; a bad slot stops the batch.
scenario "invalidate a nested HWPT's IOTLB"

open ictx
ioas_alloc ioas1                                                => ok
mock_domain dev1 pt=ioas1                                       => ok
hwpt_alloc parent dev=dev1 pt=ioas1 flags=nest_parent           => ok
hwpt_alloc nested dev=dev1 pt=parent data=selftest:0xbeef       => ok
check_iotlb hwpt=nested id=1 value=0xbeef                       => ok
hwpt_invalidate nested entries=[1]                              => ok done=1
check_iotlb hwpt=nested id=1 value=0                            => ok
check_iotlb hwpt=nested id=2 value=0xbeef                       => ok
hwpt_invalidate nested entries=[0,9]                            => EINVAL done=1
hwpt_invalidate nested entries=[all]                            => ok done=1
check_iotlb hwpt=nested id=3 value=0                            => ok
hwpt_invalidate nested type=selftest_invalid entries=[0]        => EINVAL
