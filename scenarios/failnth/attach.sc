# fail-nth over attaching devices: automatic domains, a HWPT allocated
# first, replace between them, and a nested HWPT.
scenario "fail-nth: attach"
set fail-nth on

buffer buf size=16K
open ictx
ioas_alloc ioas1                                             => ok
ioas_map m1 ioas=ioas1 buf=buf iova=0x1000000                => ok
mock_domain dev1 pt=ioas1                                    => ok
hwpt_alloc h1 dev=dev1 pt=ioas1                              => ok
mock_domain dev2 pt=h1                                       => ok
mock_domain_replace dev1 pt=h1                               => ok
hwpt_alloc parent dev=dev1 pt=ioas1 flags=nest_parent        => ok
hwpt_alloc nested dev=dev1 pt=parent data=selftest:1         => ok
mock_domain_replace dev2 pt=nested                           => ok
mock_domain_replace dev2 pt=ioas1                            => ok
