# IOMMU_IOAS_MAP_FILE: map part of a memfd; the pages are the file's.
scenario "map a memfd"

memfd mf size=64K
open ictx
ioas_alloc ioas1                                               => ok
mock_domain dev1 pt=ioas1                                      => ok
ioas_map_file m1 ioas=ioas1 memfd=mf start=16K length=32K      => ok length=32K
dma_write dev1 iova=m1.iova data="memfd"                       => ok
dma_read dev1 iova=m1.iova length=5                            => ok data="memfd"
ioas_map_file m2 ioas=ioas1 memfd=mf start=48K length=32K      => EINVAL
ioas_unmap m1                                                  => ok
close mf
