# An internal access (what a HW queue uses): no callbacks, no context
# reference, attached by pointer.  Its pins lock their areas: IOAS unmap
# of them is EBUSY until they are unpinned; other mappings unmap freely.
scenario "in-kernel access: internal"

buffer a size=16K
buffer b size=16K
open ictx
ioas_alloc ioas1                                             => ok
ioas_map ma ioas=ioas1 buf=a iova=0x1000000                  => ok
ioas_map mb ioas=ioas1 buf=b iova=0x2000000                  => ok
kaccess_create q internal                                    => ok
kaccess_attach q ioas=ioas1                                  => ok
kaccess_pin q iova=ma.iova length=4K                         => ok
ioas_unmap ma                                                => EBUSY
ioas_unmap mb                                                => ok
expect object q users=2
kaccess_unpin q iova=ma.iova length=4K
ioas_unmap ma                                                => ok
kaccess_detach q
kaccess_destroy q
expect object q gone
