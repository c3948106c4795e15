/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/slab.h - kmalloc and slab caches.
 *
 * Contract
 *   Kept:    kmalloc/kzalloc/kcalloc/kmalloc_array/krealloc/kmemdup/kstrdup,
 *            kvmalloc/kvzalloc/kvcalloc/kvmalloc_array with kvfree, kfree
 *            (NULL and ZERO_SIZE_PTR are no-ops), ksize, and kmem_cache_*.
 *            Results are aligned to 16 bytes (ARCH_KMALLOC_MINALIGN on
 *            x86-64 is 8; more is allowed).  kmalloc of more than
 *            KMALLOC_MAX_SIZE fails with a WARN (unless __GFP_NOWARN), as
 *            does kvmalloc above INT_MAX; kcalloc-style size overflow
 *            returns NULL silently.  A zero-size request returns
 *            ZERO_SIZE_PTR.  kmem_cache_destroy() with live objects WARNs
 *            and keeps the cache, as the kernel does.
 *   Dropped: NUMA nodes, slab merging, per-cpu caches.
 *   Added:   every allocation passes one fault point (kshim/fault.h) and is
 *            counted at its call site (kshim/site.h); live allocations are
 *            listed by kshim_leak_report(); freed memory is poisoned with
 *            0x6b before it goes back to the host allocator; a double or
 *            foreign kfree() is a BUG.  A sleeping allocation in atomic
 *            context is reported.
 */
#ifndef _KSHIM_LINUX_SLAB_H
#define _KSHIM_LINUX_SLAB_H

#include <limits.h>
#include <linux/gfp.h>
#include <linux/overflow.h>
#include <linux/types.h>
#include <kshim/site.h>

#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(x)	((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)
#define KMALLOC_MAX_SIZE	(4UL << 20)
#define ARCH_KMALLOC_MINALIGN	16

#define SLAB_HWCACHE_ALIGN	0x00002000u
#define SLAB_ACCOUNT		0x04000000u
#define SLAB_PANIC		0x00040000u

struct kmem_cache;

void *kshim_kmalloc(size_t size, gfp_t flags, struct kshim_site *site);
void *kshim_kvmalloc(size_t size, gfp_t flags, struct kshim_site *site);
void *kshim_krealloc(const void *p, size_t new_size, gfp_t flags,
		     struct kshim_site *site);
void *kshim_kmemdup(const void *src, size_t len, gfp_t flags,
		    struct kshim_site *site);
char *kshim_kstrdup(const char *s, gfp_t flags, struct kshim_site *site);
void *kshim_kmem_cache_alloc(struct kmem_cache *cache, gfp_t flags,
			     struct kshim_site *site);

void kfree(const void *objp);
void kvfree(const void *addr);
void kfree_sensitive(const void *objp);
size_t ksize(const void *objp);

/* Overflowing element counts give NULL, as the kernel's array helpers. */
#define __kshim_array_bytes(n, size) ({					\
	size_t __bytes;							\
	check_mul_overflow((size_t)(n), (size_t)(size), &__bytes) ?	\
		SIZE_MAX : __bytes; })

#define kmalloc(size, flags)	kshim_kmalloc((size), (flags), KSHIM_SITE())
#define kzalloc(size, flags)						\
	kshim_kmalloc((size), (flags) | __GFP_ZERO, KSHIM_SITE())
#define kmalloc_array(n, size, flags)					\
	kshim_kmalloc(__kshim_array_bytes(n, size), (flags), KSHIM_SITE())
#define kcalloc(n, size, flags)						\
	kshim_kmalloc(__kshim_array_bytes(n, size), (flags) | __GFP_ZERO,\
		      KSHIM_SITE())
#define krealloc(p, size, flags)					\
	kshim_krealloc((p), (size), (flags), KSHIM_SITE())
#define kmemdup(src, len, flags)					\
	kshim_kmemdup((src), (len), (flags), KSHIM_SITE())
#define kstrdup(s, flags)	kshim_kstrdup((s), (flags), KSHIM_SITE())

#define kvmalloc(size, flags)	kshim_kvmalloc((size), (flags), KSHIM_SITE())
#define kvzalloc(size, flags)						\
	kshim_kvmalloc((size), (flags) | __GFP_ZERO, KSHIM_SITE())
#define kvmalloc_array(n, size, flags)					\
	kshim_kvmalloc(__kshim_array_bytes(n, size), (flags), KSHIM_SITE())
#define kvcalloc(n, size, flags)					\
	kshim_kvmalloc(__kshim_array_bytes(n, size), (flags) | __GFP_ZERO,\
		       KSHIM_SITE())

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned int flags,
				     void (*ctor)(void *));
void kmem_cache_destroy(struct kmem_cache *cache);
void kmem_cache_free(struct kmem_cache *cache, void *objp);

#define KMEM_CACHE(__struct, __flags)					\
	kmem_cache_create(#__struct, sizeof(struct __struct),		\
			  __alignof__(struct __struct), (__flags), NULL)
#define kmem_cache_alloc(cache, flags)					\
	kshim_kmem_cache_alloc((cache), (flags), KSHIM_SITE())
#define kmem_cache_zalloc(cache, flags)					\
	kshim_kmem_cache_alloc((cache), (flags) | __GFP_ZERO, KSHIM_SITE())

#endif /* _KSHIM_LINUX_SLAB_H */
