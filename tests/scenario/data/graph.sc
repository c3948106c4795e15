# An object graph to draw: step 9 (the hwpt_alloc) is the chosen step.
buffer buf size=16K
open ictx
ioas_alloc ioas1                                          => ok
ioas_map m1 ioas=ioas1 buf=buf iova=0x1000000             => ok
mock_domain dev1 pt=ioas1                                 => ok
kmutex drv
kaccess_create acc unmap=drop lock=drv                    => ok
kaccess_attach acc ioas=ioas1                             => ok
hwpt_alloc h1 dev=dev1 pt=ioas1                           => ok
kaccess_pin acc iova=m1.iova length=4K                    => ok
kaccess_unpin acc all
kaccess_detach acc
kaccess_destroy acc
