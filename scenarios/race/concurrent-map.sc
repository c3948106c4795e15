# Two VMM threads map and unmap in one IOAS at the same time, with two
# devices attached (every map pins and fills both domains), while a third
# thread reads through the devices; a barrier lines the threads up.
# Every interleaving PCT tries ends with both mappings gone, nothing
# pinned, no lock-order report.
scenario "concurrent map and unmap in one IOAS"
set scheduler pct
set explore 100

buffer a size=32K fill=0xaa
buffer b size=32K fill=0xbb
open ictx
ioas_alloc ioas1                                             => ok
mock_domain dev1 pt=ioas1                                    => ok
mock_domain dev2 pt=ioas1                                    => ok
thread vcpu_a {
    barrier go
    ioas_map ma ioas=ioas1 buf=a iova=0x1000000              => ok
    dma_read dev1 iova=ma.iova+8K length=2                   => ok data=aaaa
    ioas_unmap ma                                            => ok length=32K
}
thread vcpu_b {
    barrier go
    ioas_map mb ioas=ioas1 buf=b iova=0x2000000              => ok
    dma_read dev2 iova=mb.iova length=2                      => ok data=bbbb
    ioas_unmap mb                                            => ok length=32K
}
thread reader {
    barrier go
    dma_read dev1 iova=0x1000000 length=1                    => ok | EFAULT
    dma_read dev2 iova=0x2000000 length=1                    => ok | EFAULT
}
barrier go
join
expect pins buf=a length=32K count=0
expect pins buf=b length=32K count=0
iova_ranges ioas1                                            => ok num=1
