# fail-nth over access creation: the test uAPI's access (with its fd), an
# in-kernel access with callbacks and an internal one, each attached and
# pinning.
scenario "fail-nth: access creation"
set fail-nth on

kmutex drv
buffer buf size=16K
open ictx
ioas_alloc ioas1                                             => ok
mock_domain dev1 pt=ioas1                                    => ok
ioas_map m1 ioas=ioas1 buf=buf                               => ok
access_create acc ioas=ioas1 needs_pin_pages                 => ok
access_pages it access=acc iova=m1.iova length=4K buf=buf    => ok
kaccess_create ka unmap=drop lock=drv                        => ok
kaccess_attach ka ioas=ioas1                                 => ok
kaccess_pin ka iova=m1.iova+4K length=4K                     => ok
kaccess_create ki internal                                   => ok
kaccess_attach ki ioas=ioas1                                 => ok
kaccess_pin ki iova=m1.iova+8K length=4K                     => ok
kaccess_unpin ki iova=m1.iova+8K length=4K
kaccess_detach ki
kaccess_destroy ki
kaccess_unpin ka all
kaccess_detach ka
kaccess_destroy ka
close acc
