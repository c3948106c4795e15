# IOMMU_IOAS_ALLOW_IOVAS: automatic IOVAs come from the allowed ranges,
# and an allowed range may not cover a reserved one.
scenario "allowed IOVA ranges"

buffer buf size=16K
open ictx
ioas_alloc ioas1                                           => ok
allow_iovas ioas1 ranges=[0x4000000-0x4ffffff]             => ok
ioas_map m1 ioas=ioas1 buf=buf                             => ok iova=0x4000000
add_reserved ioas=ioas1 start=0x6000000 length=1M          => ok
allow_iovas ioas1 ranges=[0x5000000-0x6ffffff]             => EADDRINUSE
ioas_unmap m1                                              => ok
allow_iovas ioas1 ranges=[]                                => ok
