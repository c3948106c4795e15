# S-setioas: while a replace of an access's IOAS is in its unmap callback
# (the change window), the access is on no IOAS for new work: a second
# replace finds nothing attached (ENOENT), a second change through attach
# sees a change in flight (EBUSY).  The driver's lock holds the first
# replace inside its callback, so the window is open for sure; the
# explored schedules vary everything around it.
scenario "a second change during a replace"
set scheduler random
set explore 50

kmutex drv
buffer a size=16K
open ictx
ioas_alloc ioas1                                             => ok
ioas_alloc ioas2                                             => ok
ioas_alloc ioas3                                             => ok
ioas_map ma ioas=ioas1 buf=a iova=0x1000000                  => ok
kaccess_create acc unmap=drop lock=drv                       => ok
kaccess_attach acc ioas=ioas1                                => ok
klock drv
thread first {
    kaccess_replace acc ioas=ioas2                           => ok
}
wait blocked first                     # in the callback, on drv
kaccess_replace acc ioas=ioas3                               => ENOENT
kaccess_attach acc ioas=ioas3                                => EBUSY
kunlock drv
join
expect object ioas2 users=2
expect object ioas3 users=1
kaccess_detach acc
kaccess_destroy acc
