# IOMMU_IOAS_COPY: the pages behind a range of one IOAS mapped in another,
# shared (a device on either sees the same bytes).
scenario "copy a mapping between IOASes"

buffer buf size=32K fill=0x33
open ictx
ioas_alloc src                                                  => ok
ioas_alloc dst                                                  => ok
mock_domain d_src pt=src                                        => ok
mock_domain d_dst pt=dst                                        => ok
ioas_map m1 ioas=src buf=buf                                    => ok
ioas_copy c1 dst=dst src=src src_iova=m1.iova length=32K        => ok length=32K
dma_write d_src iova=m1.iova+100 data="shared"                  => ok
dma_read d_dst iova=c1.iova+100 length=6                        => ok data="shared"
check_refs buf=buf length=32K refs=1                            => ok
ioas_copy c2 dst=dst src=src src_iova=m1.iova+4K length=64K     => ENOENT
ioas_unmap m1                                                   => ok
dma_read d_dst iova=c1.iova length=1                            => ok data=33
ioas_unmap c1                                                   => ok
