# IOMMU_TEST_OP_PASID_ATTACH, PASID_REPLACE, PASID_DETACH and
# PASID_CHECK_HWPT: a PASID-capable mock device attaches PASIDs to HWPTs
# allocated for PASID use; the mock's PASID 1024 fails every other attach
# to test rollback.
scenario "PASIDs"

buffer a size=8K fill=0x0a
buffer b size=8K fill=0x0b
open ictx
ioas_alloc ioas1                                                => ok
ioas_alloc ioas2                                                => ok
ioas_map ma ioas=ioas1 buf=a iova=0x1000000                     => ok
ioas_map mb ioas=ioas2 buf=b iova=0x1000000                     => ok
mock_domain dev1 pt=ioas1 flags=pasid                           => ok
hwpt_alloc h1 dev=dev1 pt=ioas1 flags=pasid                     => ok
hwpt_alloc h2 dev=dev1 pt=ioas2 flags=pasid                     => ok
pasid_check dev1 pasid=7                                        => ok
pasid_attach dev1 pasid=7 pt=h1                                 => ok hwpt=h1
pasid_check dev1 pasid=7 pt=h1                                  => ok
dma_read dev1 iova=0x1000000 length=1 pasid=7                   => ok data=0a
pasid_replace dev1 pasid=7 pt=h2                                => ok
dma_read dev1 iova=0x1000000 length=1 pasid=7                   => ok data=0b
pasid_attach dev1 pasid=1024 pt=h1                              => ok
pasid_replace dev1 pasid=1024 pt=h2                             => ENOMEM
pasid_check dev1 pasid=1024 pt=h1                               => ok
pasid_detach dev1 pasid=1024                                    => ok
pasid_detach dev1 pasid=7                                       => ok
pasid_check dev1 pasid=7                                        => ok
