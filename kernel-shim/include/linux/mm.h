/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/mm.h - pages, frames and the page allocator.
 *
 * Contract
 *   Kept:    pfn_to_page/page_to_pfn (O(1)), page_to_phys, page_address
 *            (the frame's direct map), phys_to_virt for any allocated
 *            frame, alloc_pages/alloc_page/__free_pages/__free_page and
 *            __get_free_pages/get_zeroed_page/free_pages/free_page (order-n
 *            allocations are physically contiguous), page reference counts
 *            (get_page/put_page/page_ref_count), dirty flags
 *            (set_page_dirty, set_page_dirty_lock, PageDirty).
 *   Dropped: zones, NUMA, highmem (every frame has a direct map), compound
 *            pages and folios larger than one page.
 *   Added:   frames come from the simulated physical memory described in
 *            kshim/physmem.h; pfn_valid() is true only for frames that are
 *            currently allocated, so a stale PFN is caught.  Allocations
 *            pass the fault point like kmalloc.
 */
#ifndef _KSHIM_LINUX_MM_H
#define _KSHIM_LINUX_MM_H

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mm_types.h>
#include <linux/pfn.h>
#include <kshim/physmem.h>
#include <kshim/site.h>

extern struct page *kshim_vmemmap;

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return kshim_vmemmap + (pfn - KSHIM_PHYS_PFN_BASE);
}

static inline unsigned long page_to_pfn(const struct page *page)
{
	return KSHIM_PHYS_PFN_BASE + (unsigned long)(page - kshim_vmemmap);
}

static inline phys_addr_t page_to_phys(const struct page *page)
{
	return PFN_PHYS(page_to_pfn(page));
}

static inline struct page *phys_to_page(phys_addr_t phys)
{
	return pfn_to_page(PHYS_PFN(phys));
}

/* True if @pfn is a frame of the simulated memory that is allocated now. */
bool pfn_valid(unsigned long pfn);

static inline void *page_address(const struct page *page)
{
	return page->virtual;
}

/* The direct-map address of @phys; the frame must be allocated. */
void *phys_to_virt(phys_addr_t phys);

static inline int page_ref_count(const struct page *page)
{
	return atomic_read(&page->_refcount);
}

static inline void get_page(struct page *page)
{
	atomic_inc(&page->_refcount);
}

/* Drop a reference; the frame is released with the last one. */
void put_page(struct page *page);
/* Internal: called when a page's count reached 0 (physmem.c). */
void kshim_page_released(struct page *page);
/* Drop @nr references at once (unpin uses the pin bias). */
void kshim_page_ref_sub(struct page *page, int nr);

static inline bool PageDirty(const struct page *page)
{
	return test_bit(PG_dirty, &page->flags);
}

static inline void ClearPageDirty(struct page *page)
{
	clear_bit(PG_dirty, &page->flags);
}

static inline bool set_page_dirty(struct page *page)
{
	return !test_and_set_bit(PG_dirty, &page->flags);
}

static inline bool set_page_dirty_lock(struct page *page)
{
	return set_page_dirty(page);
}

struct page *kshim_alloc_pages(gfp_t gfp, unsigned int order,
			       struct kshim_site *site);
void __free_pages(struct page *page, unsigned int order);
void free_pages(unsigned long addr, unsigned int order);

#define alloc_pages(gfp, order)	kshim_alloc_pages((gfp), (order), KSHIM_SITE())
#define alloc_page(gfp)		kshim_alloc_pages((gfp), 0, KSHIM_SITE())
#define __free_page(page)	__free_pages((page), 0)
#define free_page(addr)		free_pages((addr), 0)

#define __get_free_pages(gfp, order) ({					\
	struct page *__p = alloc_pages((gfp), (order));			\
	__p ? (unsigned long)page_address(__p) : 0UL; })
#define __get_free_page(gfp)	__get_free_pages((gfp), 0)
#define get_zeroed_page(gfp)	__get_free_pages((gfp) | __GFP_ZERO, 0)

/* The page of a direct-map address returned by __get_free_pages(). */
struct page *virt_to_page(const void *addr);

#endif /* _KSHIM_LINUX_MM_H */
