# IOMMU_IOAS_ALLOC and IOMMU_DESTROY of an empty IOAS: IDs are handed out
# and reused, and a destroyed IOAS is gone.
scenario "allocate and destroy IOASes"

open ictx
ioas_alloc ioas1                 => ok id=1
ioas_alloc ioas2                 => ok id=2
destroy ioas1                    => ok
expect object ioas1 gone
destroy ioas1                    => ENOENT
ioas_alloc ioas3                 => ok id=1
destroy ioas3                    => ok
destroy ioas2                    => ok
