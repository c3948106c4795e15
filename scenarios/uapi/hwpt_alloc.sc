# IOMMU_HWPT_ALLOC: a paging HWPT over an IOAS, a nesting parent, and a
# nested HWPT with the mock's driver data; a device moves between them.
scenario "allocate HWPTs"

buffer buf size=16K fill=0x44
open ictx
ioas_alloc ioas1                                                  => ok
mock_domain dev1 pt=ioas1                                         => ok
ioas_map m1 ioas=ioas1 buf=buf                                    => ok
hwpt_alloc paging dev=dev1 pt=ioas1                               => ok
hwpt_alloc parent dev=dev1 pt=ioas1 flags=nest_parent             => ok
hwpt_alloc nested dev=dev1 pt=parent data=selftest:0x1234         => ok
hwpt_alloc bad dev=dev1 pt=paging data=selftest:0x1234            => EINVAL
check_iotlb hwpt=nested id=0 value=0x1234                         => ok
mock_domain_replace dev=dev1 pt=paging                            => ok hwpt=paging
check_map hwpt=paging iova=m1.iova length=16K buf=buf             => ok
mock_domain_replace dev=dev1 pt=nested                            => ok hwpt=nested
destroy paging                                                    => ok
destroy parent                                                    => EBUSY
destroy dev1                                                      => ok
destroy nested                                                    => ok
destroy parent                                                    => ok
