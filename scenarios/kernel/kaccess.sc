# The in-kernel access API, as an emulated-device driver (a VFIO mdev)
# uses it: create with callbacks, attach, pin, read and write with the
# CPU, unpin, detach, destroy.  An IOAS unmap of pinned pages goes through
# the driver's unmap callback, which unpins ('unmap=drop'), so the unmap
# succeeds; the access takes a context reference until it is destroyed.
scenario "in-kernel access: the driver API"

kmutex drv
buffer buf size=32K fill=0x5a
open ictx
ioas_alloc ioas1                                             => ok
ioas_map m1 ioas=ioas1 buf=buf iova=0x1000000                => ok
kaccess_create a1 unmap=drop lock=drv                        => ok
kaccess_pin a1 iova=m1.iova length=4K                        => ENOENT
kaccess_attach a1 ioas=ioas1                                 => ok
expect object ioas1 users=2
kaccess_pin a1 iova=m1.iova length=8K write                  => ok
kaccess_pin a1 iova=m1.iova+100 length=4K                    => EINVAL
expect pins buf=buf offset=0 length=8K count=1
kaccess_rw a1 iova=m1.iova+4094 length=4                     => ok data=5a5a5a5a
kaccess_rw a1 iova=m1.iova+4K write data="kernel"            => ok
expect bytes buf=buf offset=4K data="kernel"
kaccess_unpin a1 iova=m1.iova length=8K
expect pins buf=buf offset=0 length=8K count=0
kaccess_pin a1 iova=m1.iova+16K length=4K                    => ok
ioas_unmap m1                                                => ok length=32K
expect pins buf=buf offset=16K length=4K count=0
kaccess_detach a1
expect object ioas1 users=1
kaccess_destroy a1
expect object a1 gone
