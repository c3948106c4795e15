# IOMMU_DESTROY: an object others depend on is EBUSY until they are gone;
# destroying in dependency order works; an unknown ID is ENOENT.
scenario "destroy in dependency order"

buffer buf size=16K
open ictx
ioas_alloc ioas1                              => ok
mock_domain dev1 pt=ioas1                     => ok
hwpt_alloc hwpt1 dev=dev1 pt=ioas1            => ok
expect object ioas1 users=3
destroy ioas1                                 => EBUSY
destroy hwpt1                                 => ok
destroy ioas1                                 => EBUSY
destroy dev1                                  => ok
expect object ioas1 users=1
destroy ioas1                                 => ok
destroy 1000                                  => ENOENT
