# S-setioas / S-replace: a successful replace of an access's IOAS asks
# the driver to unmap the *whole* old IOAS (0 .. ULONG_MAX): pins in two
# mappings far apart are both dropped.  The access then lives on the new
# IOAS: the old one can be destroyed, the new one is held.
scenario "access replace unmaps the whole old IOAS"

kmutex drv
buffer a size=16K
buffer b size=16K
buffer c size=16K
open ictx
ioas_alloc ioas1                                             => ok
ioas_alloc ioas2                                             => ok
ioas_map ma ioas=ioas1 buf=a iova=0x1000000                  => ok
ioas_map mb ioas=ioas1 buf=b iova=0x40000000                 => ok
ioas_map mc ioas=ioas2 buf=c iova=0x1000000                  => ok
kaccess_create acc unmap=drop lock=drv                       => ok
kaccess_attach acc ioas=ioas1                                => ok
kaccess_pin acc iova=ma.iova+4K length=4K                    => ok
kaccess_pin acc iova=mb.iova+8K length=8K                    => ok
expect pins buf=a offset=4K count=1
expect pins buf=b offset=8K length=8K count=1

kaccess_replace acc ioas=ioas2                               => ok
# every pin was asked for, however far apart
expect pins buf=a length=16K count=0
expect pins buf=b length=16K count=0
expect object ioas1 users=1
expect object ioas2 users=2
destroy ioas1                                                => ok
destroy ioas2                                                => EBUSY
kaccess_pin acc iova=mc.iova length=4K                       => ok
expect pins buf=c count=1
kaccess_unpin acc all
kaccess_detach acc
kaccess_destroy acc
destroy ioas2                                                => ok
