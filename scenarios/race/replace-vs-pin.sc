# S-setioas: a driver's pin racing a replace of its access's IOAS.  In the
# change window (the replace has taken the access off the old IOAS and is
# running the unmap callback) a pin fails with ENOENT; before it, the pin
# lands in the old IOAS and the replace's callback drops it; after it,
# the pin lands in the new IOAS.  Every interleaving ends with the replace
# done and the pins accounted for.
scenario "replace racing pin"
set scheduler pct
set explore 200

kmutex drv
buffer a size=16K
buffer b size=16K
open ictx
ioas_alloc ioas1                                             => ok
ioas_alloc ioas2                                             => ok
ioas_map ma ioas=ioas1 buf=a iova=0x1000000                  => ok
ioas_map mb ioas=ioas2 buf=b iova=0x1000000                  => ok
kaccess_create acc unmap=drop lock=drv                       => ok
kaccess_attach acc ioas=ioas1                                => ok
thread pinner {
    kaccess_pin acc iova=0x1000000 length=4K                 => ok | ENOENT
}
thread replacer {
    kaccess_replace acc ioas=ioas2                           => ok
}
join
expect pins buf=a length=16K count=0
expect object ioas1 users=1
kaccess_unpin acc all
expect pins buf=b length=16K count=0
kaccess_detach acc
kaccess_destroy acc
