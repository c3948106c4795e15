/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/mm_types.h - struct page and struct mm_struct.
 *
 * Contract
 *   Kept:    one struct page per frame of simulated physical memory, found
 *            in O(1) from its PFN (a vmemmap-style array); a reference
 *            count (_refcount) in which a FOLL_PIN pin counts
 *            GUP_PIN_COUNTING_BIAS, as for the kernel's small folios, so a
 *            page's pin count is page_ref_count() / GUP_PIN_COUNTING_BIAS;
 *            page flags (dirty).
 *   Dropped: folios beyond order 0 (compound pages are not modelled: every
 *            frame is its own page), LRU, mapcount, memcg.
 *   Added:   @virtual, the frame's bytes in the simulator's direct map, and
 *            @seg, the physical-memory segment that backs it
 *            (kshim/physmem.h).
 *
 * struct mm_struct (the address space of a simulated process, see
 * kshim/process.h):
 *   Kept:    mm_users/mm_count with the kernel's two-level lifetime
 *            (linux/sched/mm.h), mmap_lock as a real rw_semaphore
 *            (linux/mmap_lock.h), locked_vm (under mmap_lock for write, as
 *            __account_locked_vm() wants) and pinned_vm (atomic64).
 *   Dropped: page tables, the maple tree of VMAs, counters iommufd never
 *            reads.
 *   Added:   @kshim, the simulator's side: the user mappings the simulator
 *            made in this address space (kshim/umem.h) and its owner.
 */
#ifndef _KSHIM_LINUX_MM_TYPES_H
#define _KSHIM_LINUX_MM_TYPES_H

#include <linux/types.h>
#include <linux/rwsem.h>

struct kshim_phys_seg;

struct page {
	unsigned long flags;
	atomic_t _refcount;
	void *virtual;			/* direct-map address of the frame */
	struct kshim_phys_seg *seg;	/* backing segment; NULL if free */
	unsigned long private;		/* owner-defined */
};

/* A FOLL_PIN reference adds this much to the page's reference count. */
#define GUP_PIN_COUNTING_BIAS	(1U << 10)

/* Bits of page->flags. */
enum pageflags {
	PG_dirty,
	PG_reserved,
	PG_kshim_user,		/* backs user memory (a user segment) */
};

struct kshim_mm;

struct mm_struct {
	atomic_t mm_users;		/* address-space users: exit at 0 */
	atomic_t mm_count;		/* struct users: freed at 0 */
	struct rw_semaphore mmap_lock;
	unsigned long locked_vm;	/* pages; mmap_lock held for write */
	atomic64_t pinned_vm;		/* pages pinned long-term */
	unsigned long total_vm;		/* pages mapped by simulator VMAs */
	struct kshim_mm *kshim;		/* the simulator's side (mm/) */
};

#endif /* _KSHIM_LINUX_MM_TYPES_H */
