# IOMMU_TEST_OP_CREATE_ACCESS, ACCESS_PAGES and DESTROY_ACCESS_PAGES: an
# emulated device's access pins IOVA ranges (items); an unmap of a pinned
# range goes through the driver's callback, which drops the items.
scenario "test access: pin and unpin"

buffer buf size=32K
open ictx
ioas_alloc ioas1                                                => ok
ioas_map m1 ioas=ioas1 buf=buf                                  => ok
access_create acc ioas=ioas1 needs_pin_pages                    => ok
access_pages it1 access=acc iova=m1.iova length=8K buf=buf      => ok
access_pages it2 access=acc iova=m1.iova+16K length=4K buf=buf offset=16K write => ok
access_pages bad access=acc iova=m1.iova length=4K buf=buf offset=4K => EBADE
check_refs buf=buf length=8K refs=1                             => ok
access_unpin it1                                                => ok
access_unpin it1                                                => ENOENT
check_refs buf=buf length=8K refs=0                             => ok
ioas_unmap m1                                                   => ok
access_unpin it2                                                => ENOENT
check_refs buf=buf length=32K refs=0                            => ok
close acc
