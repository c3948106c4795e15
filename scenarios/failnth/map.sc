# fail-nth over IOAS_MAP with domains attached: every allocation, pin and
# user-memory access on the way fails once, in turn; each run must end
# clean (no leak, no pin or charge left, no WARN, no lock held).
scenario "fail-nth: map"
set fail-nth on

buffer buf size=64K placement=chunk2m fill=0x5a
open ictx
ioas_alloc ioas1                                             => ok
mock_domain dev1 pt=ioas1                                    => ok
mock_domain dev2 pt=ioas1 flags=huge_iova                    => ok
ioas_map m1 ioas=ioas1 buf=buf                               => ok
ioas_map m2 ioas=ioas1 buf=buf offset=16K length=16K iova=0x4000000 => ok
check_map hwpt=dev1 iova=m2.iova length=16K buf=buf offset=16K => ok
ioas_unmap m1                                                => ok
