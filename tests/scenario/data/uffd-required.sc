# Needs userfaultfd: skipped (77) where the host does not allow it.
set uffd required
buffer buf size=4K
