# IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE: move an attached mock device to
# another IOAS (an automatic HWPT) or HWPT, atomically.
scenario "replace a device's page table"

buffer a size=16K fill=0xaa
buffer b size=16K fill=0xbb
open ictx
ioas_alloc ioas1                                           => ok
ioas_alloc ioas2                                           => ok
ioas_map ma ioas=ioas1 buf=a iova=0x1000000                => ok
ioas_map mb ioas=ioas2 buf=b iova=0x1000000                => ok
mock_domain dev1 pt=ioas1                                  => ok
dma_read dev1 iova=0x1000000 length=1                      => ok data=aa
mock_domain_replace dev1 pt=ioas2                          => ok
dma_read dev1 iova=0x1000000 length=1                      => ok data=bb
expect object ioas1 users=1
hwpt_alloc h1 dev=dev1 pt=ioas1                            => ok
mock_domain_replace dev1 pt=h1                             => ok hwpt=h1
dma_read dev1 iova=0x1000000 length=1                      => ok data=aa
mock_domain_replace dev1 pt=1000                           => ENOENT
dma_read dev1 iova=0x1000000 length=1                      => ok data=aa
