# IOMMU_IOAS_MAP: a mapping is visible through a mock domain, and
# unmapping it twice fails.  (The example of docs/scenario-format.md.)
scenario "map, check, unmap"

buffer buf size=64K fill=0x5a placement=contiguous
open ictx
ioas_alloc ioas1                                  => ok
mock_domain dev1 pt=ioas1                         => ok
ioas_map map1 ioas=ioas1 buf=buf length=64K flags=read,write   => ok
check_map hwpt=dev1.hwpt iova=map1.iova length=64K buf=buf     => ok
dma_read dev1 iova=map1.iova length=4               => ok data=5a5a5a5a
ioas_unmap ioas=ioas1 iova=map1.iova length=64K   => ok length=64K
ioas_unmap ioas=ioas1 iova=map1.iova length=64K   => ENOENT
destroy dev1                                      => ok
close ictx
