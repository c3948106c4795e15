# IOMMU_TEST_OP_MD_CHECK_MAP and MD_CHECK_REFS: the mock page table maps
# each IO page of the range to the frame behind the buffer, and every page
# is pinned once, however many domains map it.
scenario "check translations and pin counts"

buffer buf size=32K placement=scattered
open ictx
ioas_alloc ioas1                                           => ok
mock_domain dev1 pt=ioas1                                  => ok
mock_domain dev2 pt=ioas1                                  => ok
ioas_map m1 ioas=ioas1 buf=buf                             => ok
check_map hwpt=dev1.hwpt iova=m1.iova length=32K buf=buf   => ok
check_map hwpt=dev2 iova=m1.iova+4K length=8K buf=buf offset=4K => ok
check_map hwpt=dev1 iova=m1.iova length=4K buf=buf offset=4K    => EINVAL
check_refs buf=buf length=32K refs=1                       => ok
check_refs buf=buf length=32K refs=2                       => EIO
expect pins buf=buf length=32K count=1
ioas_unmap m1                                              => ok
check_refs buf=buf length=32K refs=0                       => ok
