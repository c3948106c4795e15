// SPDX-License-Identifier: GPL-2.0
/*
 * kmalloc and slab caches over the host allocator, with accounting.
 *
 * Every object carries a header in front of it:
 *
 *   [ struct alloc_hdr | padding to the alignment ][ object ... ]
 *
 * The header links the object into the world's list of live allocations
 * and names its call site.  kfree() checks the header's magic, so a double
 * free or a pointer that kmalloc never returned is a BUG with a backtrace
 * instead of host heap corruption.  Freed objects are filled with
 * POISON_FREE before the memory returns to the host.
 *
 * Freed objects wait in a small quarantine before going back to the host,
 * so that a double kfree() finds the FREED magic and BUGs with the
 * allocation site; the object bytes are poisoned for ASan meanwhile, so a
 * use after free is still caught there.
 *
 * Objects that are still live when a world ends are unlinked but not freed:
 * something may still point at them, and the world's audit has already
 * reported them.
 */
#include <stdlib.h>
#include <string.h>
#ifdef KSHIM_ASAN
#include <sanitizer/asan_interface.h>
#define QUARANTINE_POISON(p, n)		ASAN_POISON_MEMORY_REGION(p, n)
#define QUARANTINE_UNPOISON(p, n)	ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define QUARANTINE_POISON(p, n)		do { } while (0)
#define QUARANTINE_UNPOISON(p, n)	do { } while (0)
#endif
#include <linux/bug.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sprintf.h>
#include <kshim/alloc.h>
#include <kshim/fault.h>
#include "kshim_internal.h"

#define POISON_FREE		0x6b
#define ALLOC_MAGIC_LIVE	0x6b6d616c6c6f6321ULL	/* "kmalloc!" */
#define ALLOC_MAGIC_FREED	0x6672656564212121ULL	/* "freed!!!" */

struct alloc_hdr {
	u64 magic;
	size_t size;
	size_t offset;			/* from block start to the object */
	struct kshim_site *site;
	struct kmem_cache *cache;
	struct alloc_hdr *prev, *next;
	unsigned long serial;
};

struct kmem_cache {
	const char *name;
	unsigned int size;
	unsigned int align;
	unsigned int flags;
	void (*ctor)(void *);
	unsigned long live;
};

static pthread_mutex_t alloc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct alloc_hdr alloc_live = {
	.prev = &alloc_live, .next = &alloc_live,
};
static unsigned long alloc_nr_live, alloc_live_bytes, alloc_total;
static unsigned long alloc_serial;

#define QUARANTINE_SIZE	1024
static struct alloc_hdr *quarantine[QUARANTINE_SIZE];
static unsigned int quarantine_next;

static void hdr_release(struct alloc_hdr *h)
{
	char *obj = (char *)(h + 1);

	QUARANTINE_UNPOISON(obj, h->size);
	free(obj - h->offset);
}

/* Park a freed object; the oldest parked one goes back to the host. */
static void quarantine_put(struct alloc_hdr *h)
{
	struct alloc_hdr *old;

	QUARANTINE_POISON((char *)(h + 1), h->size);
	pthread_mutex_lock(&alloc_lock);
	old = quarantine[quarantine_next];
	quarantine[quarantine_next] = h;
	quarantine_next = (quarantine_next + 1) % QUARANTINE_SIZE;
	pthread_mutex_unlock(&alloc_lock);
	if (old)
		hdr_release(old);
}

static void quarantine_flush(void)
{
	unsigned int i;

	pthread_mutex_lock(&alloc_lock);
	for (i = 0; i < QUARANTINE_SIZE; i++) {
		if (quarantine[i])
			hdr_release(quarantine[i]);
		quarantine[i] = NULL;
	}
	quarantine_next = 0;
	pthread_mutex_unlock(&alloc_lock);
}

static inline struct alloc_hdr *obj_to_hdr(const void *obj)
{
	return (struct alloc_hdr *)((char *)obj - sizeof(struct alloc_hdr));
}

static void alloc_link(struct alloc_hdr *h)
{
	pthread_mutex_lock(&alloc_lock);
	h->serial = ++alloc_serial;
	h->next = &alloc_live;
	h->prev = alloc_live.prev;
	alloc_live.prev->next = h;
	alloc_live.prev = h;
	alloc_nr_live++;
	alloc_live_bytes += h->size;
	alloc_total++;
	pthread_mutex_unlock(&alloc_lock);
	__atomic_add_fetch(&h->site->live, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&h->site->live_bytes, h->size, __ATOMIC_RELAXED);
}

static void alloc_unlink(struct alloc_hdr *h)
{
	pthread_mutex_lock(&alloc_lock);
	/* Objects of an ended world are no longer on the list. */
	if (h->next) {
		h->prev->next = h->next;
		h->next->prev = h->prev;
		alloc_nr_live--;
		alloc_live_bytes -= h->size;
		__atomic_sub_fetch(&h->site->live, 1, __ATOMIC_RELAXED);
		__atomic_sub_fetch(&h->site->live_bytes, h->size,
				   __ATOMIC_RELAXED);
	}
	h->prev = h->next = NULL;
	pthread_mutex_unlock(&alloc_lock);
}

/* The common path of every allocation; @align is a power of two >= 16. */
static void *alloc_obj(size_t size, size_t align, gfp_t flags,
		       struct kshim_site *site, struct kmem_cache *cache)
{
	size_t offset = ALIGN(sizeof(struct alloc_hdr), align);
	struct alloc_hdr *h;
	void *block;
	char *obj;

	kshim_site_register(site);
	if (gfpflags_allow_blocking(flags))
		kshim_might_sleep(site->file, site->line);
	kshim_sched_point(KSHIM_PT_ALLOC, site);

	if (!(flags & __GFP_NOFAIL) && kshim_should_fail(site))
		return NULL;

	if (posix_memalign(&block, align, offset + (size ? size : 1)))
		return NULL;
	obj = (char *)block + offset;
	h = obj_to_hdr(obj);
	h->magic = ALLOC_MAGIC_LIVE;
	h->size = size;
	h->offset = offset;
	h->site = site;
	h->cache = cache;
	if (flags & __GFP_ZERO)
		memset(obj, 0, size);
	else
		memset(obj, 0xa5, size);	/* uninitialised, visibly */
	alloc_link(h);
	return obj;
}

void *kshim_kmalloc(size_t size, gfp_t flags, struct kshim_site *site)
{
	if (unlikely(size == SIZE_MAX))		/* array size overflow */
		return NULL;
	if (unlikely(size > KMALLOC_MAX_SIZE)) {
		WARN_ON_ONCE(!(flags & __GFP_NOWARN));
		return NULL;
	}
	if (!size) {
		kshim_site_register(site);
		return ZERO_SIZE_PTR;
	}
	return alloc_obj(size, ARCH_KMALLOC_MINALIGN, flags, site, NULL);
}

void *kshim_kvmalloc(size_t size, gfp_t flags, struct kshim_site *site)
{
	if (unlikely(size == SIZE_MAX))
		return NULL;
	if (unlikely(size > INT_MAX)) {
		WARN_ON_ONCE(!(flags & __GFP_NOWARN));
		return NULL;
	}
	if (!size) {
		kshim_site_register(site);
		return ZERO_SIZE_PTR;
	}
	return alloc_obj(size, ARCH_KMALLOC_MINALIGN, flags, site, NULL);
}

void *kshim_krealloc(const void *p, size_t new_size, gfp_t flags,
		     struct kshim_site *site)
{
	void *n;

	if (!new_size) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	n = kshim_kmalloc(new_size, flags & ~__GFP_ZERO, site);
	if (!n)
		return NULL;
	if (!ZERO_OR_NULL_PTR(p)) {
		size_t old = ksize(p);

		memcpy(n, p, min(old, new_size));
		if ((flags & __GFP_ZERO) && new_size > old)
			memset((char *)n + old, 0, new_size - old);
		kfree(p);
	} else if (flags & __GFP_ZERO) {
		memset(n, 0, new_size);
	}
	return n;
}

void *kshim_kmemdup(const void *src, size_t len, gfp_t flags,
		    struct kshim_site *site)
{
	void *p = kshim_kmalloc(len, flags & ~__GFP_ZERO, site);

	if (p && !ZERO_OR_NULL_PTR(p))
		memcpy(p, src, len);
	return p;
}

char *kshim_kstrdup(const char *s, gfp_t flags, struct kshim_site *site)
{
	if (!s)
		return NULL;
	return kshim_kmemdup(s, strlen(s) + 1, flags, site);
}

static struct alloc_hdr *checked_hdr(const void *objp, const char *op)
{
	struct alloc_hdr *h = obj_to_hdr(objp);

	if (h->magic == ALLOC_MAGIC_FREED) {
		pr_err("%s: double free of %p (allocated at %s)\n", op, objp,
		       kshim_site_name(h->site));
		BUG();
	}
	if (h->magic != ALLOC_MAGIC_LIVE) {
		pr_err("%s: %p was not returned by kmalloc\n", op, objp);
		BUG();
	}
	return h;
}

static void free_obj(const void *objp, struct kmem_cache *cache,
		     const char *op)
{
	struct alloc_hdr *h;

	if (ZERO_OR_NULL_PTR(objp))
		return;
	h = checked_hdr(objp, op);
	if (h->cache != cache) {
		pr_err("%s: %p belongs to %s, not %s\n", op, objp,
		       h->cache ? h->cache->name : "kmalloc",
		       cache ? cache->name : "kmalloc");
		BUG();
	}
	if (cache)
		__atomic_sub_fetch(&cache->live, 1, __ATOMIC_RELAXED);
	alloc_unlink(h);
	memset((void *)objp, POISON_FREE, h->size);
	h->magic = ALLOC_MAGIC_FREED;
	quarantine_put(h);
}

void kfree(const void *objp)
{
	free_obj(objp, NULL, "kfree");
}

void kvfree(const void *addr)
{
	free_obj(addr, NULL, "kvfree");
}

void kfree_sensitive(const void *objp)
{
	if (!ZERO_OR_NULL_PTR(objp))
		memset((void *)objp, 0, checked_hdr(objp, "kfree")->size);
	kfree(objp);
}

size_t ksize(const void *objp)
{
	if (ZERO_OR_NULL_PTR(objp))
		return 0;
	return checked_hdr(objp, "ksize")->size;
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned int flags,
				     void (*ctor)(void *))
{
	struct kmem_cache *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	c->name = name;
	c->size = size;
	c->align = max_t(unsigned int, align ? roundup(align, 16) : 16, 16);
	if (flags & SLAB_HWCACHE_ALIGN)
		c->align = max_t(unsigned int, c->align, 64);
	c->flags = flags;
	c->ctor = ctor;
	return c;
}

void *kshim_kmem_cache_alloc(struct kmem_cache *cache, gfp_t flags,
			     struct kshim_site *site)
{
	void *obj = alloc_obj(cache->size, cache->align, flags, site, cache);

	if (!obj)
		return NULL;
	__atomic_add_fetch(&cache->live, 1, __ATOMIC_RELAXED);
	if (cache->ctor && !(flags & __GFP_ZERO))
		cache->ctor(obj);
	return obj;
}

void kmem_cache_free(struct kmem_cache *cache, void *objp)
{
	free_obj(objp, cache, "kmem_cache_free");
}

void kmem_cache_destroy(struct kmem_cache *cache)
{
	if (!cache)
		return;
	/* As in the kernel, a cache with live objects is kept (leaked). */
	if (WARN(cache->live, "kmem_cache_destroy %s: Slab cache still has objects (%lu)\n",
		 cache->name, cache->live))
		return;
	kfree(cache);
}

unsigned long kshim_alloc_live(void)
{
	unsigned long n;

	pthread_mutex_lock(&alloc_lock);
	n = alloc_nr_live;
	pthread_mutex_unlock(&alloc_lock);
	return n;
}

unsigned long kshim_alloc_live_bytes(void)
{
	unsigned long n;

	pthread_mutex_lock(&alloc_lock);
	n = alloc_live_bytes;
	pthread_mutex_unlock(&alloc_lock);
	return n;
}

unsigned long kshim_alloc_total(void)
{
	unsigned long n;

	pthread_mutex_lock(&alloc_lock);
	n = alloc_total;
	pthread_mutex_unlock(&alloc_lock);
	return n;
}

unsigned long kshim_leak_report(FILE *out)
{
	struct kshim_site *site;
	unsigned long live = kshim_alloc_live();

	if (!live || !out)
		return live;
	fprintf(out, "kmemleak: %lu object(s), %lu bytes still allocated:\n",
		live, kshim_alloc_live_bytes());
	for (site = kshim_sites_first(); site; site = site->next) {
		unsigned long n = __atomic_load_n(&site->live,
						  __ATOMIC_RELAXED);

		if (n)
			fprintf(out, "  %lu object(s), %lu bytes allocated at %s\n",
				n, __atomic_load_n(&site->live_bytes,
						   __ATOMIC_RELAXED),
				kshim_site_name(site));
	}
	return live;
}

void kshim_alloc_world_begin(void)
{
	kshim_alloc_world_end();
	pthread_mutex_lock(&alloc_lock);
	alloc_total = 0;
	alloc_serial = 0;
	pthread_mutex_unlock(&alloc_lock);
}

void kshim_alloc_world_end(void)
{
	struct alloc_hdr *h, *next;

	quarantine_flush();
	pthread_mutex_lock(&alloc_lock);
	for (h = alloc_live.next; h != &alloc_live; h = next) {
		next = h->next;
		h->prev = h->next = NULL;
	}
	alloc_live.prev = alloc_live.next = &alloc_live;
	alloc_nr_live = 0;
	alloc_live_bytes = 0;
	pthread_mutex_unlock(&alloc_lock);
}

int kshim_alloc_world_audit(FILE *out)
{
	return kshim_leak_report(out) ? 1 : 0;
}

char *kshim_kvasprintf(gfp_t gfp, struct kshim_site *site, const char *fmt,
		       va_list args)
{
	va_list aq;
	char *p;
	int len;

	va_copy(aq, args);
	len = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (len < 0)
		return NULL;
	p = kshim_kmalloc(len + 1, gfp & ~__GFP_ZERO, site);
	if (!p)
		return NULL;
	vsnprintf(p, len + 1, fmt, args);
	return p;
}

char *kshim_kasprintf(gfp_t gfp, struct kshim_site *site, const char *fmt, ...)
{
	va_list args;
	char *p;

	va_start(args, fmt);
	p = kshim_kvasprintf(gfp, site, fmt, args);
	va_end(args);
	return p;
}
