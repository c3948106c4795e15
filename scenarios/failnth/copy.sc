# fail-nth over IOAS_COPY between two IOASes with domains.
scenario "fail-nth: copy"
set fail-nth on

buffer buf size=32K fill=0x33
open ictx
ioas_alloc src                                               => ok
ioas_alloc dst                                               => ok
mock_domain dsrc pt=src                                      => ok
mock_domain ddst pt=dst                                      => ok
ioas_map m1 ioas=src buf=buf                                 => ok
ioas_copy c1 dst=dst src=src src_iova=m1.iova length=32K     => ok
dma_read ddst iova=c1.iova length=1                          => ok data=33
ioas_unmap m1                                                => ok
