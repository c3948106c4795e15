# S-setioas, the driver's side: the core calls the unmap callback with no
# iommufd lock held, so the callback may unpin (and take the driver's own
# lock, which its pin path also takes) without a lockdep report; and a
# driver destroying its access while a callback is running waits for it
# instead of freeing the access under it.
scenario "driver unmap callback contract"

kmutex drv
buffer buf size=16K
open ictx
ioas_alloc ioas1                                             => ok
ioas_map m1 ioas=ioas1 buf=buf iova=0x1000000                => ok
kaccess_create acc unmap=drop lock=drv                       => ok
kaccess_attach acc ioas=ioas1                                => ok
kaccess_pin acc iova=m1.iova length=4K                       => ok

klock drv                              # hold the callback at its lock
thread unmapper {
    ioas_unmap m1                                            => ok length=16K
}
wait blocked unmapper                  # in the callback, on drv
thread closer {
    kaccess_detach acc
    kaccess_destroy acc                # must wait for the callback
}
wait blocked closer
kunlock drv
join
expect pins buf=buf length=16K count=0
expect object acc gone
