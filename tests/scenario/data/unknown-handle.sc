open ictx
ioas_alloc ioas1 => ok
buffer buf size=16K
ioas_map m1 ioas=ioas2 buf=buf => ok
