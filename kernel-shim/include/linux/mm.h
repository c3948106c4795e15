/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/mm.h - pages, frames, the page allocator, GUP and locked_vm.
 *
 * Contract
 *   Kept:    pfn_to_page/page_to_pfn (O(1)), page_to_phys, page_address
 *            (the frame's direct map), phys_to_virt for any allocated
 *            frame, alloc_pages/alloc_page/__free_pages/__free_page and
 *            __get_free_pages/get_zeroed_page/free_pages/free_page (order-n
 *            allocations are physically contiguous), page reference counts
 *            (get_page/put_page/page_ref_count), dirty flags
 *            (set_page_dirty, set_page_dirty_lock, PageDirty).
 *            GUP on user memory (mm/gup.c): pin_user_pages_fast,
 *            pin_user_pages_remote (with the @locked protocol: the lock may
 *            be dropped while a fault waits and is taken again),
 *            pin_user_pages, get_user_pages_fast/_remote, unpin_user_page(s),
 *            unpin_user_pages_dirty_lock, unpin_user_page_range_dirty_lock,
 *            with the kernel's results: the number of pages handled, fewer
 *            than asked when a later page fails, -errno when the first does;
 *            -EFAULT outside any mapping, for FOLL_WRITE on a read-only
 *            mapping (FOLL_FORCE does not help on shared mappings), for
 *            PROT_NONE without FOLL_FORCE; a pin adds GUP_PIN_COUNTING_BIAS
 *            to the page's count, FOLL_GET adds 1.  account_locked_vm and
 *            __account_locked_vm (mm/util.c semantics: RLIMIT_MEMLOCK unless
 *            bypassed, -ENOMEM, WARN on underflow).
 *   Dropped: zones, NUMA, highmem (every frame has a direct map), compound
 *            pages and folios larger than one page, page migration (so
 *            FOLL_LONGTERM never migrates), FOLL_NOWAIT/FOLL_NOFAULT
 *            semantics beyond refusing to wait.
 *   Added:   frames come from the simulated physical memory described in
 *            kshim/physmem.h; pfn_valid() is true only for frames that are
 *            currently allocated, so a stale PFN is caught.  Allocations
 *            pass the fault point like kmalloc; so do GUP (-ENOMEM) and
 *            the locked_vm charge.  A first touch of simulator-allocated
 *            user memory consults its fault plan (kshim/umem.h): it may
 *            stall or fail with -EFAULT.  Host memory the simulator did not
 *            allocate is pinnable too, as foreign frames (kshim/physmem.h).
 *
 * File mappings (the ->mmap file operation): struct vm_operations_struct
 * (open/close), the VM_* flags, pgprot_noncached(), remap_pfn_range() and
 * io_remap_pfn_range().  A PFN map must cover its whole VMA and its frames
 * must be allocated and one run of the direct map (-EINVAL otherwise),
 * because the simulated user sees the mapping through that direct map.
 */
#ifndef _KSHIM_LINUX_MM_H
#define _KSHIM_LINUX_MM_H

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mm_types.h>
#include <linux/mmap_lock.h>
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

/* The byte offset of @p within its page. */
#define offset_in_page(p)	((unsigned long)(p) & ~PAGE_MASK)

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

/* GUP flags, as the kernel numbers the public ones. */
enum {
	FOLL_WRITE = 1 << 0,		/* the pages will be written */
	FOLL_GET = 1 << 1,		/* take a plain reference */
	FOLL_DUMP = 1 << 2,
	FOLL_FORCE = 1 << 3,		/* ignore VMA permissions (ptrace) */
	FOLL_NOWAIT = 1 << 4,
	FOLL_NOFAULT = 1 << 5,		/* do not fault pages in */
	FOLL_HWPOISON = 1 << 6,
	FOLL_ANON = 1 << 7,
	FOLL_LONGTERM = 1 << 8,		/* the pin lasts indefinitely (DMA) */
	FOLL_SPLIT_PMD = 1 << 9,
	FOLL_PCI_P2PDMA = 1 << 10,
	FOLL_INTERRUPTIBLE = 1 << 11,
	FOLL_HONOR_NUMA_FAULT = 1 << 12,
	/* Internal to GUP: set by the pin_* entry points. */
	FOLL_PIN = 1 << 16,
};

static inline void page_ref_add(struct page *page, int nr)
{
	atomic_add(nr, &page->_refcount);
}

/* True if @page may be pinned (its count reached the pin bias). */
static inline bool page_maybe_dma_pinned(const struct page *page)
{
	return page_ref_count(page) >= (int)GUP_PIN_COUNTING_BIAS;
}

int pin_user_pages_fast(unsigned long start, int nr_pages,
			unsigned int gup_flags, struct page **pages);
long pin_user_pages_remote(struct mm_struct *mm, unsigned long start,
			   unsigned long nr_pages, unsigned int gup_flags,
			   struct page **pages, int *locked);
/* current->mm; the caller holds mmap_read_lock. */
long pin_user_pages(unsigned long start, unsigned long nr_pages,
		    unsigned int gup_flags, struct page **pages);
int get_user_pages_fast(unsigned long start, int nr_pages,
			unsigned int gup_flags, struct page **pages);
long get_user_pages_remote(struct mm_struct *mm, unsigned long start,
			   unsigned long nr_pages, unsigned int gup_flags,
			   struct page **pages, int *locked);
void unpin_user_page(struct page *page);
void unpin_user_pages(struct page **pages, unsigned long npages);
void unpin_user_pages_dirty_lock(struct page **pages, unsigned long npages,
				 bool make_dirty);
/* @npages consecutive frames starting at @page. */
void unpin_user_page_range_dirty_lock(struct page *page, unsigned long npages,
				      bool make_dirty);

int account_locked_vm(struct mm_struct *mm, unsigned long pages, bool inc);
int __account_locked_vm(struct mm_struct *mm, unsigned long pages, bool inc,
			const struct task_struct *task, bool bypass_rlim);

/* ---- file mappings --------------------------------------------------- */

#define VM_NONE		0x00000000UL
#define VM_READ		0x00000001UL
#define VM_WRITE	0x00000002UL
#define VM_EXEC		0x00000004UL
#define VM_SHARED	0x00000008UL
#define VM_MAYREAD	0x00000010UL
#define VM_MAYWRITE	0x00000020UL
#define VM_MAYEXEC	0x00000040UL
#define VM_MAYSHARE	0x00000080UL
#define VM_PFNMAP	0x00000400UL	/* a PFN map: no struct page use */
#define VM_IO		0x00004000UL	/* device memory */
#define VM_DONTEXPAND	0x00040000UL	/* mremap() may not grow it */
#define VM_DONTDUMP	0x04000000UL	/* not in core dumps */

/* The one protection bit the simulator tracks: uncached device memory. */
#define KSHIM_PGPROT_NONCACHED	0x1UL

#define pgprot_val(x)	((x).pgprot)
#define __pgprot(x)	((pgprot_t){ (x) })

static inline pgprot_t pgprot_noncached(pgprot_t prot)
{
	return __pgprot(pgprot_val(prot) | KSHIM_PGPROT_NONCACHED);
}

/**
 * struct vm_operations_struct - what a file mapping's owner is told
 * @open: a new VMA copies this one (split, fork); not called for the VMA
 *	  ->mmap set up
 * @close: the VMA goes (munmap, exit)
 */
struct vm_operations_struct {
	void (*open)(struct vm_area_struct *vma);
	void (*close)(struct vm_area_struct *vma);
};

static inline void vm_flags_set(struct vm_area_struct *vma,
				unsigned long flags)
{
	vma->vm_flags |= flags;
}

/**
 * remap_pfn_range - map frames into a VMA (from a ->mmap method)
 * @vma: the VMA being set up
 * @addr: its start (the whole VMA is mapped)
 * @pfn: the first frame
 * @size: bytes, the VMA's length
 * @prot: the protection
 *
 * Return: 0, or -EINVAL for a partial map or frames that are not allocated
 * or not one run of the direct map.
 */
static inline int remap_pfn_range(struct vm_area_struct *vma,
				  unsigned long addr, unsigned long pfn,
				  unsigned long size, pgprot_t prot)
{
	unsigned long i, npages = size >> PAGE_SHIFT;
	char *base;

	if (addr != vma->vm_start || size != vma->vm_end - vma->vm_start ||
	    !npages || !PAGE_ALIGNED(size))
		return -EINVAL;
	if (!pfn_valid(pfn))
		return -EINVAL;
	base = page_address(pfn_to_page(pfn));
	for (i = 1; i < npages; i++) {
		if (!pfn_valid(pfn + i) ||
		    page_address(pfn_to_page(pfn + i)) != base + i * PAGE_SIZE)
			return -EINVAL;
	}
	vma->kshim_pfn = pfn;
	vma->kshim_npages = npages;
	vma->vm_page_prot = prot;
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	return 0;
}

#define io_remap_pfn_range	remap_pfn_range

#endif /* _KSHIM_LINUX_MM_H */
