# IOMMU_TEST_OP_ACCESS_RW: an access reads and writes IOAS memory with the
# CPU, fast path and slow path, across mappings.
scenario "test access: CPU read and write"

buffer a size=8K fill=0x61
buffer b size=8K fill=0x62
open ictx
ioas_alloc ioas1                                                 => ok
ioas_map ma ioas=ioas1 buf=a iova=0x1000000                      => ok
ioas_map mb ioas=ioas1 buf=b iova=0x1002000                      => ok
access_create acc ioas=ioas1                                     => ok
access_rw acc iova=0x1001ffe length=4                            => ok data=61616262
access_rw acc iova=0x1001ffe length=4 slow                       => ok data=61616262
access_rw acc iova=0x1001fff write data="xy"                     => ok
expect bytes buf=a offset=8K-1 data="x"
expect bytes buf=b data="y"
access_rw acc iova=0x1004000 length=1                            => ENOENT
close acc
