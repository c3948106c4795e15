/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/mm_types.h - struct page.
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
 */
#ifndef _KSHIM_LINUX_MM_TYPES_H
#define _KSHIM_LINUX_MM_TYPES_H

#include <linux/types.h>

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

#endif /* _KSHIM_LINUX_MM_TYPES_H */
