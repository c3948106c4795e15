# IOMMU_IOAS_MAP at a fixed IOVA: the IOVA is taken as given, an overlap
# is EEXIST, a read-only mapping cannot be written by a device, and an
# unaligned length is EINVAL.
scenario "map at fixed IOVAs"

buffer a size=16K fill=0x11
buffer b size=16K fill=0x22
open ictx
ioas_alloc ioas1                                                 => ok
mock_domain dev1 pt=ioas1                                        => ok
ioas_map ma ioas=ioas1 buf=a iova=0x1000000                      => ok iova=0x1000000 length=16K
ioas_map overlap ioas=ioas1 buf=b iova=0x1002000                 => EEXIST
ioas_map mb ioas=ioas1 buf=b iova=0x1004000 flags=read           => ok
expect translation hwpt=dev1 iova=0x1004000+8 buf=b offset=8
dma_write dev1 iova=mb.iova data=ffff                            => EPERM
dma_write dev1 iova=ma.iova+4K data="hi"                         => ok
expect bytes buf=a offset=4K data="hi"
ioas_map odd ioas=ioas1 buf=a length=100 iova=0x1008000          => EINVAL
ioas_unmap ioas=ioas1 all                                        => ok length=32K
