# IOMMU_TEST_OP_ACCESS_REPLACE_IOAS: an access moves to another IOAS; the
# driver is asked to unmap everything of the old one first.
scenario "test access: replace its IOAS"

buffer a size=16K
buffer b size=16K
open ictx
ioas_alloc ioas1                                                => ok
ioas_alloc ioas2                                                => ok
ioas_map ma ioas=ioas1 buf=a iova=0x1000000                     => ok
ioas_map mb ioas=ioas2 buf=b iova=0x1000000                     => ok
access_create acc ioas=ioas1 needs_pin_pages                    => ok
access_pages it1 access=acc iova=0x1000000 length=4K buf=a      => ok
access_replace acc ioas=ioas2                                   => ok
access_unpin it1                                                => ENOENT
check_refs buf=a length=16K refs=0                              => ok
access_pages it2 access=acc iova=0x1000000 length=4K buf=b      => ok
destroy ioas1                                                   => ok
destroy ioas2                                                   => EBUSY
access_replace acc ioas=1000                                    => ENOENT
close acc
destroy ioas2                                                   => ok
