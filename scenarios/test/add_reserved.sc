# IOMMU_TEST_OP_ADD_RESERVED: a reserved range is never an IOVA: fixed
# maps into it fail, automatic ones avoid it.
scenario "reserved IOVA"

buffer buf size=16K
open ictx
ioas_alloc ioas1                                              => ok
add_reserved ioas1 start=0x1000000 length=16M                 => ok
ioas_map m1 ioas=ioas1 buf=buf iova=0x1004000                 => EINVAL
allow_iovas ioas1 ranges=[0x1000000-0x2ffffff]                => EADDRINUSE
allow_iovas ioas1 ranges=[0x2000000-0x2ffffff]                => ok
ioas_map m2 ioas=ioas1 buf=buf                                => ok iova=0x2000000
ioas_map m3 ioas=ioas1 buf=buf iova=0x3000000                 => ok
add_reserved ioas1 start=0x3000000 length=4K                  => EADDRINUSE
