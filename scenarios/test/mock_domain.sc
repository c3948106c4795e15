# IOMMU_TEST_OP_MOCK_DOMAIN(_FLAGS): a mock device, bound and attached in
# one step; it gives its SELFTEST, DEVICE and HWPT IDs.  The huge-IOVA
# variant maps 1M pieces with one IOPTE.
scenario "mock devices"

buffer big size=2M placement=contiguous fill=0x5a
open ictx
ioas_alloc ioas1                                           => ok
mock_domain dev1 pt=ioas1                                  => ok id=2 idev=3 hwpt=4
mock_domain dev2 pt=ioas1 flags=huge_iova                  => ok
ioas_map m1 ioas=ioas1 buf=big iova=0x1000000              => ok
check_map hwpt=dev2 iova=m1.iova length=2M buf=big         => ok
dma_read dev2 iova=m1.iova+1M length=2                     => ok data=5a5a
mock_domain dev3 pt=ioas1 flags=pasid                      => ok
mock_domain dev4 pt=1000                                   => ENOENT
destroy dev1                                               => ok
destroy dev2                                               => ok
