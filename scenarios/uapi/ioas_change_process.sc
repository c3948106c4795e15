# IOMMU_IOAS_CHANGE_PROCESS: the pinned-memory charge of file-backed
# mappings moves to the calling process; user-memory mappings refuse.
scenario "change the charged process"

memfd mf size=32K
open ictx
ioas_alloc ioas1                                             => ok
mock_domain dev1 pt=ioas1                                    => ok
ioas_map_file m1 ioas=ioas1 memfd=mf                         => ok
ioas_change_process                                          => ok
buffer buf size=16K
ioas_map m2 ioas=ioas1 buf=buf                               => ok
ioas_change_process                                          => EINVAL
ioas_unmap m2                                                => ok
ioas_change_process                                          => ok
