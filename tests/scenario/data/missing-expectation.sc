open ictx
ioas_alloc ioas1 => ok
buffer buf size=16K
ioas_map m1 ioas=ioas1 buf=buf => ok
ioas_unmap ioas=ioas1 iova=m1.iova length=16K
