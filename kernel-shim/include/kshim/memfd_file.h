/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim/memfd_file.h - memfds as struct file.
 *
 * A memfd (kshim/umem.h) opened into a simulated process is a struct file
 * whose private data is the memfd; the file holds a reference on it.  The
 * core recognises such files (IOMMU_IOAS_MAP_FILE) with
 * kshim_memfd_from_file().
 */
#ifndef _KSHIM_MEMFD_FILE_H
#define _KSHIM_MEMFD_FILE_H

#include <linux/fs.h>

struct kshim_memfd;

/* A new file (reference count 1) for @mf, or ERR_PTR(-ENOMEM). */
struct file *kshim_memfd_file(struct kshim_memfd *mf);
/* The memfd behind @file (no reference taken), or NULL for other files. */
struct kshim_memfd *kshim_memfd_from_file(struct file *file);

#endif /* _KSHIM_MEMFD_FILE_H */
