# IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT: a tiny limit on temporary memory
# makes the core work in small batches; results do not change.
scenario "small temporary memory"

buffer buf size=1M placement=scattered fill=pattern
open ictx
ioas_alloc ioas1                                            => ok
temp_memory_limit bytes=11                                  => EINVAL
temp_memory_limit bytes=16                                  => ok
mock_domain dev1 pt=ioas1                                   => ok
ioas_map m1 ioas=ioas1 buf=buf                              => ok
check_map hwpt=dev1 iova=m1.iova length=1M buf=buf          => ok
mock_domain dev2 pt=ioas1                                   => ok
check_map hwpt=dev2 iova=m1.iova length=1M buf=buf          => ok
dma_read dev2 iova=m1.iova+1000 length=2                    => ok data=f7f8
temp_memory_limit bytes=65536                               => ok
