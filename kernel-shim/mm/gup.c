// SPDX-License-Identifier: GPL-2.0
/*
 * GUP: pinning and referencing user pages (linux/mm.h).
 *
 * Each page of the range is resolved on its own, like the kernel's
 * follow_page/fault loop:
 *   - a simulator mapping of the mm (mm/umem.c): its protection is checked
 *     as check_vma_flags() does (write needs VM_WRITE, and FOLL_FORCE
 *     cannot write a shared mapping; read needs VM_READ unless
 *     FOLL_FORCE), a first touch goes through the fault plan, and the page
 *     is the frame behind it;
 *   - a simulator mapping of another mm: -EFAULT (not mapped here);
 *   - any other host memory ("foreign"): it must be mapped with the needed
 *     protection (a cache of /proc/self/maps, checked with mincore so that
 *     a stale entry cannot hand out an unmapped page), and its frame is the
 *     foreign frame of that host page (kshim/physmem.h).
 *
 * The result is the kernel's: the number of pages done when at least one
 * was, else -errno.  The fast entry points take no lock while every page
 * is populated; at the first page that must be faulted in they take
 * mmap_lock for read (the slow path), and a fault that waits drops it, as
 * the kernel's fault retry does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <glib.h>
#include <linux/bug.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <kshim/fault.h>
#include <kshim/physmem.h>
#include "mm_internal.h"

#define GUP_PUBLIC_FLAGS	(FOLL_WRITE | FOLL_GET | FOLL_DUMP | FOLL_FORCE | \
				 FOLL_NOWAIT | FOLL_NOFAULT | FOLL_HWPOISON | \
				 FOLL_ANON | FOLL_LONGTERM | FOLL_SPLIT_PMD | \
				 FOLL_PCI_P2PDMA | FOLL_INTERRUPTIBLE | \
				 FOLL_HONOR_NUMA_FAULT)

/* Host memory outside simulator mappings: a cache of /proc/self/maps. */
struct host_map {
	unsigned long start, end;
	int prot;
	bool special;			/* [vvar], [vsyscall]: no struct pages */
};

static pthread_mutex_t maps_lock = PTHREAD_MUTEX_INITIALIZER;
static GArray *host_maps;		/* sorted by start */

static void maps_reload_locked(void)
{
	char *text = NULL, *line, *save = NULL;
	struct host_map m;

	if (!host_maps)
		host_maps = g_array_new(FALSE, FALSE, sizeof(struct host_map));
	g_array_set_size(host_maps, 0);
	if (!g_file_get_contents("/proc/self/maps", &text, NULL, NULL))
		return;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char perms[8] = "";

		if (sscanf(line, "%lx-%lx %7s", &m.start, &m.end, perms) != 3)
			continue;
		m.prot = (perms[0] == 'r' ? PROT_READ : 0) |
			 (perms[1] == 'w' ? PROT_WRITE : 0);
		m.special = strstr(line, "[vvar") || strstr(line, "[vsyscall]");
		g_array_append_val(host_maps, m);
	}
	g_free(text);
}

static const struct host_map *maps_find_locked(unsigned long addr)
{
	unsigned int lo = 0, hi = host_maps ? host_maps->len : 0;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		const struct host_map *m = &g_array_index(host_maps,
							  struct host_map, mid);

		if (addr < m->start)
			hi = mid;
		else if (addr >= m->end)
			lo = mid + 1;
		else
			return m;
	}
	return NULL;
}

static bool host_map_allows(const struct host_map *m, unsigned int flags)
{
	if (!m || m->special)
		return false;
	if (flags & FOLL_WRITE)
		return m->prot & PROT_WRITE;
	return (m->prot & PROT_READ) || (flags & FOLL_FORCE);
}

/* Is the host page at @addr mapped with what @flags need? */
static int foreign_check(unsigned long addr, unsigned int flags)
{
	unsigned char vec;
	bool ok;
	int pass;

	pthread_mutex_lock(&maps_lock);
	for (pass = 0; pass < 2; pass++) {
		if (pass)
			maps_reload_locked();
		ok = host_map_allows(maps_find_locked(addr), flags);
		/* A cached mapping may be gone: ask the host kernel. */
		if (ok && mincore((void *)addr, PAGE_SIZE, &vec))
			ok = false;
		if (ok)
			break;
	}
	pthread_mutex_unlock(&maps_lock);
	return ok ? 0 : -EFAULT;
}

/* check_vma_flags() for a simulator mapping (always shared). */
static int vma_allows(int prot, unsigned int flags)
{
	if (flags & FOLL_WRITE)
		return prot & PROT_WRITE ? 0 : -EFAULT;
	if (!(prot & PROT_READ) && !(flags & FOLL_FORCE))
		return -EFAULT;
	return 0;
}

/*
 * The loop behind every entry point.  @mm may be NULL (a thread in no
 * process): host memory outside simulator mappings belongs to every
 * address space, including none.  @lock_mode: 0 lockless fast path that
 * escalates to taking mmap_lock itself; 1 the caller holds mmap_lock and it
 * may be dropped while a fault waits; 2 the caller holds it, not droppable.
 */
static long __gup(struct mm_struct *mm, unsigned long start,
		  unsigned long nr_pages, unsigned int flags,
		  struct page **pages, int lock_mode)
{
	int refs = flags & FOLL_PIN ? GUP_PIN_COUNTING_BIAS : 1;
	bool took_lock = false;
	struct umem_lookup l = {};
	bool have = false;
	unsigned long i = 0;
	long err = 0;

	while (i < nr_pages) {
		unsigned long addr = start + i * PAGE_SIZE, idx;
		struct mm_struct *droppable;
		struct page *page;
		int ret;

		if (have && addr >= l.end) {
			umem_inflight_put(l.um);
			have = false;
		}
		if (!have) {
			if (!umem_lookup(mm, addr, &l)) {
				have = true;
				ret = vma_allows(l.prot, flags);
				if (ret) {
					err = ret;
					break;
				}
			} else if (l.other_mm) {
				err = -EFAULT;
				break;
			}
		}
		if (!have) {
			/* Foreign host memory. */
			ret = foreign_check(addr, flags);
			if (!ret && pages) {
				page = kshim_phys_foreign_get((void *)addr, refs,
							      &ret);
				if (page)
					pages[i] = page;
			}
			if (ret) {
				err = ret;
				break;
			}
			i++;
			continue;
		}

		idx = umem_lookup_idx(&l, addr);
		if (!umem_page_populated(l.um, idx)) {
			if (flags & FOLL_NOFAULT) {
				err = -EFAULT;
				break;
			}
			if (lock_mode == 0 && mm && !took_lock) {
				/* The slow path runs under mmap_lock. */
				umem_inflight_put(l.um);
				have = false;
				mmap_read_lock(mm);
				took_lock = true;
				continue;
			}
			droppable = lock_mode == 1 || took_lock ? mm : NULL;
			ret = umem_fault_in(l.um, idx, flags & FOLL_WRITE,
					    droppable);
			if (ret == -EAGAIN) {
				/* It waited: look the mapping up again. */
				umem_inflight_put(l.um);
				have = false;
				continue;
			}
			if (ret) {
				err = ret;
				break;
			}
		}
		if (pages) {
			page = kshim_umem_frame(l.um, idx);
			page_ref_add(page, refs);
			pages[i] = page;
		}
		i++;
	}
	if (have)
		umem_inflight_put(l.um);
	if (took_lock)
		mmap_read_unlock(mm);
	return i ? (long)i : err;
}

/* is_valid_gup_args(): flags a caller may pass, then the internal ones. */
static bool gup_args_ok(struct page **pages, unsigned int *flags,
			unsigned int to_set)
{
	if (WARN_ON_ONCE(*flags & ~GUP_PUBLIC_FLAGS))
		return false;
	if (to_set == FOLL_PIN && WARN_ON_ONCE(*flags & FOLL_GET))
		return false;
	if (WARN_ON_ONCE((*flags & FOLL_LONGTERM) && !pages))
		return false;
	if (WARN_ON_ONCE(!pages && (to_set & (FOLL_PIN | FOLL_GET))))
		return false;
	*flags |= to_set;
	return true;
}

/* The common entry: checks, fault point, then the loop. */
static long gup_entry(struct mm_struct *mm, unsigned long start,
		      long nr_pages, unsigned int flags, struct page **pages,
		      unsigned int to_set, int lock_mode)
{
	unsigned long end;

	kshim_might_sleep(__FILE__, __LINE__);
	kshim_sched_point(KSHIM_PT_UACCESS, (void *)start);
	if (!gup_args_ok(pages, &flags, to_set))
		return -EINVAL;
	if (nr_pages <= 0)
		return nr_pages ? -EINVAL : 0;
	start &= PAGE_MASK;
	if (check_add_overflow(start, (unsigned long)nr_pages << PAGE_SHIFT,
			       &end))
		return -EOVERFLOW;
	if (end > TASK_SIZE_MAX)
		return -EFAULT;
	if (mm && !atomic_read(&mm->mm_users))
		return -EFAULT;
	if (kshim_fault_point())
		return -ENOMEM;
	return __gup(mm, start, nr_pages, flags, pages, lock_mode);
}

int pin_user_pages_fast(unsigned long start, int nr_pages,
			unsigned int gup_flags, struct page **pages)
{
	return gup_entry(current->mm, start, nr_pages, gup_flags, pages,
			 FOLL_PIN, 0);
}

int get_user_pages_fast(unsigned long start, int nr_pages,
			unsigned int gup_flags, struct page **pages)
{
	return gup_entry(current->mm, start, nr_pages, gup_flags, pages,
			 FOLL_GET, 0);
}

/*
 * The @locked protocol: *@locked == 1, the caller holds mmap_lock for read
 * and GUP may drop and retake it while a fault waits; *@locked == 0, GUP
 * takes it and releases it before returning (*@locked is 0 then); @locked
 * NULL, the caller holds it and it is never dropped.
 */
static long gup_remote(struct mm_struct *mm, unsigned long start,
		       unsigned long nr_pages, unsigned int gup_flags,
		       struct page **pages, int *locked, unsigned int to_set)
{
	bool must_unlock = false;
	long ret;

	if (locked && !*locked) {
		mmap_read_lock(mm);
		must_unlock = true;
		*locked = 1;
	} else {
		mmap_assert_locked(mm);
	}
	ret = gup_entry(mm, start, nr_pages, gup_flags, pages, to_set,
			locked ? 1 : 2);
	if (must_unlock) {
		mmap_read_unlock(mm);
		*locked = 0;
	}
	return ret;
}

long pin_user_pages_remote(struct mm_struct *mm, unsigned long start,
			   unsigned long nr_pages, unsigned int gup_flags,
			   struct page **pages, int *locked)
{
	return gup_remote(mm, start, nr_pages, gup_flags, pages, locked,
			  FOLL_PIN);
}

long get_user_pages_remote(struct mm_struct *mm, unsigned long start,
			   unsigned long nr_pages, unsigned int gup_flags,
			   struct page **pages, int *locked)
{
	return gup_remote(mm, start, nr_pages, gup_flags, pages, locked,
			  FOLL_GET);
}

long pin_user_pages(unsigned long start, unsigned long nr_pages,
		    unsigned int gup_flags, struct page **pages)
{
	return gup_remote(current->mm, start, nr_pages, gup_flags, pages,
			  NULL, FOLL_PIN);
}

void unpin_user_page(struct page *page)
{
	if (WARN(page_ref_count(page) < (int)GUP_PIN_COUNTING_BIAS,
		 "unpin of frame %#lx which is not pinned (count %d)\n",
		 page_to_pfn(page), page_ref_count(page)))
		return;
	kshim_page_ref_sub(page, GUP_PIN_COUNTING_BIAS);
}

void unpin_user_pages(struct page **pages, unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		unpin_user_page(pages[i]);
}

void unpin_user_pages_dirty_lock(struct page **pages, unsigned long npages,
				 bool make_dirty)
{
	unsigned long i;

	for (i = 0; i < npages; i++) {
		if (make_dirty && !PageDirty(pages[i]))
			set_page_dirty_lock(pages[i]);
		unpin_user_page(pages[i]);
	}
}

void unpin_user_page_range_dirty_lock(struct page *page, unsigned long npages,
				      bool make_dirty)
{
	unsigned long i;

	for (i = 0; i < npages; i++) {
		if (make_dirty && !PageDirty(page + i))
			set_page_dirty_lock(page + i);
		unpin_user_page(page + i);
	}
}

void kshim_gup_world_begin(void)
{
	/* The host's mappings changed since the last world: start afresh. */
	pthread_mutex_lock(&maps_lock);
	if (host_maps)
		g_array_set_size(host_maps, 0);
	pthread_mutex_unlock(&maps_lock);
}
