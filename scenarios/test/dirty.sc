# IOMMU_TEST_OP_DIRTY: mark IOPTEs dirty by bitmap, as device writes would,
# then read them back with GET_DIRTY_BITMAP.
scenario "mark dirty by test op"

buffer buf size=64K
open ictx
ioas_alloc ioas1                                                 => ok
mock_domain dev1 pt=ioas1                                        => ok
hwpt_alloc track dev=dev1 pt=ioas1 flags=dirty_tracking          => ok
mock_domain_replace dev1 pt=track                                => ok
ioas_map m1 ioas=ioas1 buf=buf iova=0x1000000                    => ok
set_dirty_tracking track enable                                  => ok
dirty track iova=0x1000000 length=64K page_size=4K bits=[1,3,15] => ok count=3
get_dirty_bitmap track iova=0x1000000 length=64K page_size=4K    => ok bits=[1,3,15]
mock_domain_replace dev1 pt=ioas1                                => ok
