// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated physical memory: frames, struct page, segments, alloc_pages.
 *
 * The vmemmap (one struct page per frame of the simulated address space) is
 * a lazily-touched anonymous reservation made once per process; only the
 * struct pages of allocated frames are ever written.  A bitmap tracks which
 * frames are in use.  Every allocated frame belongs to exactly one segment
 * and is released when its page's reference count drops to zero; a segment
 * goes away with its last referenced page.
 *
 * Foreign frames (host pages the simulator did not allocate, pinned through
 * GUP) are one-page segments found by host address in a hash table; they
 * have no owner reference and go away with their last page reference.
 *
 * Locking: one host mutex (physmem_lock) protects the bitmap, the segment
 * set, the foreign table and segment owner/user counts.  Page reference
 * counts are atomics; the transition to zero takes the lock to release the
 * frame.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <glib.h>
#include <linux/bitmap.h>
#include <linux/bug.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <kshim/fault.h>
#include <kshim/physmem.h>
#include <kshim/world.h>

struct page *kshim_vmemmap;

static pthread_mutex_t physmem_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long *frame_map;	/* bit per frame, set = allocated */
static unsigned long frames_used;
static GTree *segments;			/* direct-map base -> segment */
static GHashTable *foreign;		/* host page -> foreign segment */
static unsigned long segments_live;

#define FRAMES_PER_2M	(HPAGE_SIZE / PAGE_SIZE)

static gint seg_cmp(gconstpointer a, gconstpointer b, gpointer data)
{
	uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;

	return x < y ? -1 : x > y;
}

/* Set up the vmemmap and this world's bitmap; physmem_lock held. */
static void physmem_init_locked(void)
{
	if (!kshim_vmemmap) {
		void *p = mmap(NULL, KSHIM_PHYS_PFNS * sizeof(struct page),
			       PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			       -1, 0);

		if (p == MAP_FAILED) {
			fprintf(stderr, "kshim: cannot reserve the vmemmap\n");
			abort();
		}
		kshim_vmemmap = p;
	}
	if (!frame_map) {
		frame_map = calloc(BITS_TO_LONGS(KSHIM_PHYS_PFNS),
				   sizeof(unsigned long));
		segments = g_tree_new_full(seg_cmp, NULL, NULL, NULL);
		foreign = g_hash_table_new(g_direct_hash, g_direct_equal);
		if (!frame_map || !segments || !foreign)
			abort();
	}
}

static inline unsigned long frame_index(unsigned long pfn)
{
	return pfn - KSHIM_PHYS_PFN_BASE;
}

static void frames_take(unsigned long idx, unsigned long n)
{
	bitmap_set(frame_map, idx, n);
	frames_used += n;
}

/* @n consecutive free frames aligned to @align frames, from a random start. */
static long find_run(unsigned long n, unsigned long align)
{
	unsigned long start, idx;
	int pass;

	start = ALIGN_DOWN(kshim_random_u64() % KSHIM_PHYS_PFNS, align);
	for (pass = 0; pass < 2; pass++) {
		idx = bitmap_find_next_zero_area(frame_map, KSHIM_PHYS_PFNS,
						 pass ? 0 : start, n,
						 align - 1);
		if (idx + n <= KSHIM_PHYS_PFNS)
			return idx;
	}
	return -1;
}

static long find_single(unsigned long avoid_a, unsigned long avoid_b)
{
	int tries;

	for (tries = 0; tries < 64; tries++) {
		unsigned long idx = kshim_random_u64() % KSHIM_PHYS_PFNS;

		if (idx == avoid_a || idx == avoid_b)
			continue;
		if (!test_bit(idx, frame_map))
			return idx;
	}
	/* Nearly full: take the first free frame. */
	return find_run(1, 1);
}

/* Choose frames for @seg's pages according to @policy; lock held. */
static int place_frames(struct kshim_phys_seg *seg,
			enum kshim_phys_policy policy)
{
	unsigned long i, n = seg->npages;
	long idx;

	if (n > KSHIM_PHYS_PFNS - frames_used)
		return -ENOSPC;
	switch (policy) {
	case KSHIM_PHYS_CONTIGUOUS:
		idx = find_run(n, n >= FRAMES_PER_2M ? FRAMES_PER_2M :
				  roundup_pow_of_two(n));
		if (idx < 0)
			idx = find_run(n, 1);
		if (idx < 0)
			return -ENOSPC;
		frames_take(idx, n);
		for (i = 0; i < n; i++)
			seg->pfns[i] = KSHIM_PHYS_PFN_BASE + idx + i;
		return 0;
	case KSHIM_PHYS_CHUNK_2M:
		for (i = 0; i < n; i += FRAMES_PER_2M) {
			unsigned long run = min(n - i, FRAMES_PER_2M), j;

			idx = find_run(run, FRAMES_PER_2M);
			if (idx < 0)
				idx = find_run(run, 1);
			if (idx < 0)
				goto err_undo;
			frames_take(idx, run);
			for (j = 0; j < run; j++)
				seg->pfns[i + j] = KSHIM_PHYS_PFN_BASE + idx + j;
		}
		return 0;
	case KSHIM_PHYS_SCATTERED:
		for (i = 0; i < n; i++) {
			unsigned long prev = i ? frame_index(seg->pfns[i - 1]) :
						 ~0UL;

			idx = find_single(prev + 1, prev - 1);
			if (idx < 0)
				goto err_undo;
			frames_take(idx, 1);
			seg->pfns[i] = KSHIM_PHYS_PFN_BASE + idx;
		}
		return 0;
	}
	return -EINVAL;

err_undo:
	while (i--) {
		if (seg->pfns[i]) {
			bitmap_clear(frame_map, frame_index(seg->pfns[i]), 1);
			frames_used--;
		}
	}
	return -ENOSPC;
}

static void init_pages(struct kshim_phys_seg *seg)
{
	unsigned long i;

	for (i = 0; i < seg->npages; i++) {
		struct page *page = pfn_to_page(seg->pfns[i]);

		memset(page, 0, sizeof(*page));
		atomic_set(&page->_refcount, 1);
		page->virtual = (char *)seg->direct + i * PAGE_SIZE;
		page->seg = seg;
		if (seg->user)
			__set_bit(PG_kshim_user, &page->flags);
	}
	seg->users = seg->npages;
}

static struct kshim_phys_seg *seg_alloc(unsigned long npages, bool user,
					const char *name)
{
	struct kshim_phys_seg *seg = calloc(1, sizeof(*seg));

	if (!seg)
		return NULL;
	seg->pfns = calloc(npages, sizeof(unsigned long));
	if (!seg->pfns) {
		free(seg);
		return NULL;
	}
	seg->npages = npages;
	seg->user = user;
	seg->memfd = -1;
	seg->owners = 1;
	seg->name = name;
	return seg;
}

/* Release a segment whose pages are all unreferenced; lock held. */
static void seg_free_locked(struct kshim_phys_seg *seg)
{
	size_t size = seg->npages * PAGE_SIZE;
	unsigned long i;

	for (i = 0; i < seg->npages; i++) {
		memset(pfn_to_page(seg->pfns[i]), 0, sizeof(struct page));
		bitmap_clear(frame_map, frame_index(seg->pfns[i]), 1);
	}
	frames_used -= seg->npages;
	segments_live--;
	if (seg->foreign) {
		/* A newer frame may have replaced a dying one in the table. */
		if (g_hash_table_lookup(foreign, seg->direct) == seg)
			g_hash_table_remove(foreign, seg->direct);
	} else {
		g_tree_remove(segments, seg->direct);
	}
	if (seg->foreign) {
		/* The host page is the program's, not ours. */
	} else if (seg->user) {
		munmap(seg->direct, size);
		close(seg->memfd);
	} else {
		free(seg->direct);
	}
	free(seg->pfns);
	free(seg);
}

struct kshim_phys_seg *kshim_phys_seg_create(unsigned long npages,
					     enum kshim_phys_policy policy,
					     const char *name, int *err)
{
	size_t size = npages * PAGE_SIZE;
	struct kshim_phys_seg *seg;
	int rc;

	*err = -ENOMEM;
	if (!npages || npages > KSHIM_PHYS_PFNS)
		return NULL;
	seg = seg_alloc(npages, true, name);
	if (!seg)
		return NULL;
	seg->memfd = memfd_create(name ? name : "kshim-user", MFD_CLOEXEC);
	if (seg->memfd < 0)
		goto err_free;
	if (ftruncate(seg->memfd, size))
		goto err_close;
	seg->direct = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			   seg->memfd, 0);
	if (seg->direct == MAP_FAILED)
		goto err_close;

	pthread_mutex_lock(&physmem_lock);
	physmem_init_locked();
	rc = place_frames(seg, policy);
	if (rc) {
		pthread_mutex_unlock(&physmem_lock);
		*err = rc;
		goto err_unmap;
	}
	init_pages(seg);
	g_tree_insert(segments, seg->direct, seg);
	segments_live++;
	pthread_mutex_unlock(&physmem_lock);
	*err = 0;
	return seg;

err_unmap:
	munmap(seg->direct, size);
err_close:
	close(seg->memfd);
err_free:
	free(seg->pfns);
	free(seg);
	return NULL;
}

struct page *kshim_phys_seg_page(struct kshim_phys_seg *seg,
				 unsigned long idx)
{
	if (WARN_ON(idx >= seg->npages))
		return NULL;
	return pfn_to_page(seg->pfns[idx]);
}

void kshim_phys_seg_get(struct kshim_phys_seg *seg)
{
	pthread_mutex_lock(&physmem_lock);
	WARN_ON(!seg->owners || !seg->user || seg->foreign);
	seg->owners++;
	pthread_mutex_unlock(&physmem_lock);
}

void kshim_phys_seg_put(struct kshim_phys_seg *seg)
{
	unsigned long i, n = seg->npages, *pfns = seg->pfns;
	bool last;

	pthread_mutex_lock(&physmem_lock);
	last = !WARN_ON(!seg->owners) && !--seg->owners;
	pthread_mutex_unlock(&physmem_lock);
	if (!last)
		return;
	/*
	 * The owners' references go; the last put_page() may free @seg and
	 * @pfns, so the index of the final page is computed before it.
	 */
	for (i = 0; i + 1 < n; i++)
		put_page(pfn_to_page(pfns[i]));
	put_page(pfn_to_page(pfns[n - 1]));
}

struct page *kshim_phys_foreign_get(void *host_page, int refs, int *err)
{
	struct kshim_phys_seg *seg;
	struct page *page;
	long idx;
	int old;

	if (WARN_ON(!PAGE_ALIGNED(host_page) || refs <= 0)) {
		*err = -EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&physmem_lock);
	physmem_init_locked();
	seg = g_hash_table_lookup(foreign, host_page);
	if (seg) {
		page = pfn_to_page(seg->pfns[0]);
		old = atomic_read(&page->_refcount);
		/* A count of 0 means its last put is releasing it: replace. */
		while (old > 0) {
			if (atomic_try_cmpxchg(&page->_refcount, &old,
					       old + refs)) {
				pthread_mutex_unlock(&physmem_lock);
				*err = 0;
				return page;
			}
		}
		g_hash_table_remove(foreign, host_page);
	}
	*err = -ENOMEM;
	seg = seg_alloc(1, true, "foreign");
	if (!seg)
		goto err_unlock;
	seg->foreign = true;
	seg->direct = host_page;
	*err = -ENOSPC;
	idx = frames_used < KSHIM_PHYS_PFNS ? find_single(~0UL, ~0UL) : -1;
	if (idx < 0) {
		free(seg->pfns);
		free(seg);
		goto err_unlock;
	}
	frames_take(idx, 1);
	seg->pfns[0] = KSHIM_PHYS_PFN_BASE + idx;
	init_pages(seg);
	page = pfn_to_page(seg->pfns[0]);
	atomic_set(&page->_refcount, refs);
	g_hash_table_insert(foreign, host_page, seg);
	segments_live++;
	pthread_mutex_unlock(&physmem_lock);
	*err = 0;
	return page;

err_unlock:
	pthread_mutex_unlock(&physmem_lock);
	return NULL;
}

void kshim_page_released(struct page *page)
{
	struct kshim_phys_seg *seg = page->seg;

	if (WARN_ON(!seg))
		return;
	pthread_mutex_lock(&physmem_lock);
	if (!WARN_ON(!seg->users) && !--seg->users)
		seg_free_locked(seg);
	pthread_mutex_unlock(&physmem_lock);
}

void kshim_page_ref_sub(struct page *page, int nr)
{
	int left = atomic_sub_return(nr, &page->_refcount);

	if (WARN_ON(left < 0))
		return;
	if (!left)
		kshim_page_released(page);
}

void put_page(struct page *page)
{
	kshim_page_ref_sub(page, 1);
}

bool pfn_valid(unsigned long pfn)
{
	bool valid;

	if (pfn < KSHIM_PHYS_PFN_BASE ||
	    pfn >= KSHIM_PHYS_PFN_BASE + KSHIM_PHYS_PFNS)
		return false;
	pthread_mutex_lock(&physmem_lock);
	valid = frame_map && test_bit(frame_index(pfn), frame_map);
	pthread_mutex_unlock(&physmem_lock);
	return valid;
}

void *phys_to_virt(phys_addr_t phys)
{
	if (WARN(!pfn_valid(PHYS_PFN(phys)),
		 "phys_to_virt of unallocated frame %#llx\n",
		 (unsigned long long)phys))
		return NULL;
	return (char *)page_address(phys_to_page(phys)) +
	       (phys & ~PAGE_MASK);
}

struct page *kshim_alloc_pages(gfp_t gfp, unsigned int order,
			       struct kshim_site *site)
{
	unsigned long npages = 1UL << order;
	struct kshim_phys_seg *seg;
	long idx;
	unsigned long i;

	kshim_site_register(site);
	if (gfpflags_allow_blocking(gfp))
		kshim_might_sleep(site->file, site->line);
	kshim_sched_point(KSHIM_PT_ALLOC, site);
	if (WARN_ON_ONCE(order > 10 && !(gfp & __GFP_NOWARN)))
		return NULL;
	if (!(gfp & __GFP_NOFAIL) && kshim_should_fail(site))
		return NULL;

	seg = seg_alloc(npages, false, "kernel");
	if (!seg)
		return NULL;
	if (posix_memalign(&seg->direct, PAGE_SIZE, npages * PAGE_SIZE))
		goto err_free;
	memset(seg->direct, gfp & __GFP_ZERO ? 0 : 0xa5, npages * PAGE_SIZE);

	pthread_mutex_lock(&physmem_lock);
	physmem_init_locked();
	/* The buddy allocator aligns a block to its size. */
	idx = find_run(npages, npages);
	if (idx < 0) {
		pthread_mutex_unlock(&physmem_lock);
		free(seg->direct);
		goto err_free;
	}
	frames_take(idx, npages);
	for (i = 0; i < npages; i++)
		seg->pfns[i] = KSHIM_PHYS_PFN_BASE + idx + i;
	init_pages(seg);
	g_tree_insert(segments, seg->direct, seg);
	segments_live++;
	pthread_mutex_unlock(&physmem_lock);
	return pfn_to_page(seg->pfns[0]);

err_free:
	free(seg->pfns);
	free(seg);
	return NULL;
}

void __free_pages(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page), i;
	struct kshim_phys_seg *seg = page->seg;

	if (WARN_ON(!seg || seg->user || seg->npages != 1UL << order ||
		    seg->pfns[0] != pfn))
		return;
	for (i = 0; i < (1UL << order); i++)
		put_page(pfn_to_page(pfn + i));
}

struct page *virt_to_page(const void *addr)
{
	struct kshim_phys_seg *seg = NULL;
	GTreeNode *node;
	uintptr_t a = (uintptr_t)addr;

	pthread_mutex_lock(&physmem_lock);
	if (segments) {
		/* The last segment whose base is <= addr. */
		node = g_tree_upper_bound(segments, (gpointer)a);
		node = node ? g_tree_node_previous(node) :
			      g_tree_node_last(segments);
		if (node) {
			seg = g_tree_node_value(node);
			if (a >= (uintptr_t)seg->direct +
				 seg->npages * PAGE_SIZE)
				seg = NULL;
		}
	}
	pthread_mutex_unlock(&physmem_lock);
	if (WARN(!seg, "virt_to_page of %p: not a direct-map address\n", addr))
		return NULL;
	return pfn_to_page(seg->pfns[(a - (uintptr_t)seg->direct) / PAGE_SIZE]);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page((void *)addr), order);
}

unsigned long kshim_phys_frames_used(void)
{
	unsigned long n;

	pthread_mutex_lock(&physmem_lock);
	n = frames_used;
	pthread_mutex_unlock(&physmem_lock);
	return n;
}

unsigned long kshim_phys_segments_live(void)
{
	unsigned long n;

	pthread_mutex_lock(&physmem_lock);
	n = segments_live;
	pthread_mutex_unlock(&physmem_lock);
	return n;
}

static gboolean collect_seg(gpointer key, gpointer value, gpointer data)
{
	g_ptr_array_add(data, value);
	return FALSE;
}

static void collect_foreign(gpointer key, gpointer value, gpointer data)
{
	g_ptr_array_add(data, value);
}

static int physmem_audit(FILE *out)
{
	unsigned long used = kshim_phys_frames_used();

	if (!used)
		return 0;
	if (out)
		fprintf(out, "physmem: %lu frame(s) in %lu segment(s) still allocated\n",
			used, kshim_phys_segments_live());
	return 1;
}

/* Release everything the world left behind. */
static void physmem_end(void)
{
	GPtrArray *all = g_ptr_array_new();
	unsigned int i;

	pthread_mutex_lock(&physmem_lock);
	if (segments) {
		g_tree_foreach(segments, collect_seg, all);
		g_hash_table_foreach(foreign, collect_foreign, all);
		for (i = 0; i < all->len; i++)
			seg_free_locked(g_ptr_array_index(all, i));
		g_tree_destroy(segments);
		segments = NULL;
		g_hash_table_destroy(foreign);
		foreign = NULL;
	}
	free(frame_map);
	frame_map = NULL;
	frames_used = 0;
	segments_live = 0;
	pthread_mutex_unlock(&physmem_lock);
	g_ptr_array_free(all, TRUE);
}

KSHIM_WORLD_HOOK(physmem_hook,
	.name = "physmem",
	.prio = KSHIM_PRIO_PHYSMEM,
	.audit = physmem_audit,
	.end = physmem_end,
);
