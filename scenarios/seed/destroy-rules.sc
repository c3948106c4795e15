# S-destroy: interior objects are EBUSY until their dependents are gone;
# a user DESTROY of an object an ioctl is using right now is EBUSY (the
# ioctl here is a map stalled on a user-memory fault while it pins for
# the domain: it holds the IOAS); closing the context tears down whatever
# is left, leaves first.
scenario "destroy rules"

buffer slow size=16K stall=[0+4K]
open ictx
ioas_alloc ioas1                                             => ok
ioas_alloc ioas2                                             => ok
mock_domain dev1 pt=ioas1                                    => ok
mock_domain dev2 pt=ioas2                                    => ok
hwpt_alloc h1 dev=dev1 pt=ioas1                              => ok
destroy ioas1                                                => EBUSY
thread mapper {
    ioas_map m1 ioas=ioas2 buf=slow                          => ok
}
wait blocked mapper
destroy ioas2                                                => EBUSY
release slow
join
destroy h1                                                   => ok
destroy ioas1                                                => EBUSY
hwpt_alloc h2 dev=dev1 pt=ioas2                              => ok
mock_domain_replace dev1 pt=h2                               => ok
destroy ioas1                                                => ok
close ictx
