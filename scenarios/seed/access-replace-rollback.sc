# S-replace: a replace that fails leaves the access exactly as it was.
# The new IOAS holds a mapping at a 2K-aligned IOVA (the mock's IO page),
# which an access that pins whole pages cannot accept: EADDRINUSE.  No
# unmap is delivered: the pins stay, the access stays on the old IOAS and
# keeps pinning and unpinning there.
scenario "a failed access replace rolls back"

kmutex drv
buffer a size=16K
buffer odd size=8K
open ictx
ioas_alloc ioas1                                             => ok
ioas_alloc ioas2                                             => ok
ioas_map ma ioas=ioas1 buf=a iova=0x1000000                  => ok
ioas_map mo ioas=ioas2 buf=odd offset=2K length=2K iova=0x1000800 => ok
kaccess_create acc unmap=drop lock=drv                       => ok
kaccess_attach acc ioas=ioas1                                => ok
kaccess_pin acc iova=ma.iova length=8K                       => ok

kaccess_replace acc ioas=ioas2                               => EADDRINUSE
# no unmap reached the driver: the pin is still there
expect pins buf=a length=8K count=1
expect object ioas1 users=2
expect object ioas2 users=1
ioas_unmap mo                                                => ok
# the access still works on the old IOAS
kaccess_pin acc iova=ma.iova+8K length=4K                    => ok
expect pins buf=a offset=8K count=1
kaccess_unpin acc iova=ma.iova length=8K
expect pins buf=a length=8K count=0
kaccess_unpin acc all
kaccess_detach acc
kaccess_destroy acc
