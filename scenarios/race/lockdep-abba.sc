# The same lock inversion without forcing the interleaving: most
# schedules do not deadlock, but lockdep sees both orders in one run and
# reports the possible circular dependency every time.
scenario "driver lock inversion, seen by lockdep"
expect-failure lockdep

kmutex state_lock
kmutex pin_lock
buffer buf size=16K
open ictx
ioas_alloc ioas1                                             => ok
ioas_map map1 ioas=ioas1 buf=buf                             => ok
kaccess_create a1 unmap=drop lock=[state_lock,pin_lock]      => ok
kaccess_attach a1 ioas=ioas1                                 => ok
kaccess_pin a1 iova=map1.iova length=4K                      => ok
thread reset {
    klock pin_lock
    klock state_lock
    kunlock state_lock
    kunlock pin_lock
}
join reset
ioas_unmap map1                                              => ok length=16K
kaccess_detach a1
kaccess_destroy a1
