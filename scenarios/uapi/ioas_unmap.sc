# IOMMU_IOAS_UNMAP: whole mappings only (a range cutting one is ENOENT),
# several mappings at once, 'all', and an empty range.
scenario "unmap rules"

buffer buf size=64K
open ictx
ioas_alloc ioas1                                            => ok
ioas_map m1 ioas=ioas1 buf=buf length=16K iova=0x1000000    => ok
ioas_map m2 ioas=ioas1 buf=buf offset=16K length=16K iova=0x1004000 => ok
ioas_map m3 ioas=ioas1 buf=buf offset=32K length=32K iova=0x2000000 => ok
ioas_unmap ioas=ioas1 iova=0x1000000 length=8K              => ENOENT
ioas_unmap ioas=ioas1 iova=0x1000000 length=32K             => ok length=32K
ioas_unmap ioas=ioas1 iova=0x1000000 length=32K             => ENOENT
ioas_unmap m3                                               => ok length=32K
ioas_unmap ioas=ioas1 all                                   => ok length=0
