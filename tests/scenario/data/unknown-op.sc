open ictx
ioas_alloc ioas1 => ok
buffer buf size=16K
ioas_mapp m1 ioas=ioas1 buf=buf => ok
