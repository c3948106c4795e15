# IOMMU_VFIO_IOAS: the IOAS the VFIO container compatibility uses.
scenario "vfio compat IOAS"

open ictx
ioas_alloc ioas1                  => ok
vfio_ioas op=get                  => ENODEV
vfio_ioas op=set ioas=ioas1       => ok
vfio_ioas op=get                  => ok ioas=ioas1
vfio_ioas op=clear                => ok
vfio_ioas op=get                  => ENODEV
