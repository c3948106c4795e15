# A device's DMA to an IOVA that is not mapped, through a fault-capable
# HWPT: the device sends a page request and waits; user space reads the
# fault, maps the page, answers SUCCESS, and the DMA completes.
scenario "DMA through an I/O page fault"

buffer buf size=16K fill=0x77
open ictx
ioas_alloc ioas1                                             => ok
mock_domain dev1 pt=ioas1                                    => ok
fault_queue_alloc fq                                         => ok
hwpt_alloc iopf dev=dev1 pt=ioas1 fault=fq                   => ok
mock_domain_replace dev1 pt=iopf                             => ok
thread device {
    dma_read dev1 iova=0x1004010 length=2                    => ok data=7777
}
wait blocked device                  # waiting for the page response
fault_read fq                        => ok records=1 addr=0x1004000 dev=dev1 perm=read
ioas_map m1 ioas=ioas1 buf=buf iova=0x1004000                => ok
fault_respond fq code=success                                => ok
join
mock_domain_replace dev1 pt=ioas1                            => ok
