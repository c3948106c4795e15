/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim/alloc.h - what the simulated kernel's allocator knows.
 */
#ifndef _KSHIM_ALLOC_H
#define _KSHIM_ALLOC_H

#include <stdio.h>

/* Live kmalloc/kvmalloc/kmem_cache objects in this world. */
unsigned long kshim_alloc_live(void);
unsigned long kshim_alloc_live_bytes(void);
/* Allocations made in this world (successful ones). */
unsigned long kshim_alloc_total(void);
/*
 * List what is still live, grouped by call site ("N objects, B bytes
 * allocated at file:line func"), to @out.  Return: live objects.
 */
unsigned long kshim_leak_report(FILE *out);

#endif /* _KSHIM_ALLOC_H */
