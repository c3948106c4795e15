# IOMMU_IOAS_IOVA_RANGES: the usable IOVA of an IOAS; a mock device's
# aperture narrows it, a small array gives EMSGSIZE with the count.
scenario "usable IOVA ranges"

open ictx
ioas_alloc ioas1                                    => ok
iova_ranges ioas1                                   => ok num=1 ranges=[0-0xffffffffffffffff]
mock_domain dev1 pt=ioas1                           => ok
iova_ranges ioas1                                   => ok num=1 ranges=[0x1000000-0x7fffffff] alignment=2K
add_reserved ioas=ioas1 start=0x2000000 length=16M  => ok
iova_ranges ioas1                                   => ok num=2 ranges=[0x1000000-0x1ffffff,0x3000000-0x7fffffff]
iova_ranges ioas1 capacity=1                        => EMSGSIZE
