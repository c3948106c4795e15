# IOMMU_OPTION: the context's accounting mode (choosing it needs
# CAP_SYS_RESOURCE) and an IOAS's huge pages.
scenario "options"

process admin root
open ictx                                               # in p, uid 1000
ioas_alloc ioas1                                        => ok
option id=rlimit_mode op=get                            => ok value=0
option id=rlimit_mode op=set value=1                    => EPERM
option id=huge_pages op=get object=ioas1                => ok value=1
option id=huge_pages op=set object=ioas1 value=0        => ok
option id=huge_pages op=get object=ioas1                => ok value=0
option id=huge_pages op=set object=ioas1 value=2        => EINVAL
as admin
open actx
option id=rlimit_mode op=set value=1                    => ok
option id=rlimit_mode op=get                            => ok value=1
