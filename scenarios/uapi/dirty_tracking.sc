# IOMMU_HWPT_SET_DIRTY_TRACKING and IOMMU_HWPT_GET_DIRTY_BITMAP: device
# writes mark IOPTEs dirty; reading the bitmap clears them (unless
# no_clear).
scenario "dirty tracking"

buffer buf size=32K
open ictx
ioas_alloc ioas1                                                    => ok
mock_domain dev1 pt=ioas1                                           => ok
hwpt_alloc dhwpt dev=dev1 pt=ioas1 flags=dirty_tracking             => ok
mock_domain_replace dev=dev1 pt=dhwpt                               => ok
ioas_map m1 ioas=ioas1 buf=buf iova=0x1000000                       => ok
set_dirty_tracking dhwpt enable                                     => ok
dma_write dev1 iova=0x1000000 data=01                               => ok
dma_write dev1 iova=0x1006000 data=01                               => ok
get_dirty_bitmap dhwpt iova=0x1000000 length=32K page_size=4K no_clear => ok bits=[0,6]
get_dirty_bitmap dhwpt iova=0x1000000 length=32K page_size=4K       => ok bits=[0,6]
get_dirty_bitmap dhwpt iova=0x1000000 length=32K page_size=4K       => ok bits=[]
set_dirty_tracking dhwpt                                            => ok
mock_domain_replace dev=dev1 pt=ioas1                               => ok
destroy dhwpt                                                       => ok
