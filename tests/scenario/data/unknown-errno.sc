open ictx
ioas_alloc ioas1 => ok
destroy ioas1 => EBUZY
