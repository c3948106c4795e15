# A deliberately wrong expectation: the second unmap of the same range
# finds nothing, but the scenario says it succeeds.
buffer buf size=16K
open ictx
ioas_alloc ioas1                                  => ok
ioas_map m1 ioas=ioas1 buf=buf                    => ok
ioas_unmap m1                                     => ok length=16K
ioas_unmap m1                                     => ok
