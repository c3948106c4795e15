# The call succeeds, but returns something else than the scenario says.
buffer buf size=16K
open ictx
ioas_alloc ioas1                                  => ok
ioas_map m1 ioas=ioas1 buf=buf                    => ok
ioas_unmap m1                                     => ok length=8K
