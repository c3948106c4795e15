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
 *
 * struct vm_area_struct (a mapping of a file made by mmap(), for the
 * ->mmap file operation; see linux/mm.h for its operations):
 *   Kept:    vm_start/vm_end/vm_pgoff, vm_flags (VM_*), vm_page_prot,
 *            vm_file, vm_ops and vm_private_data, with the kernel's
 *            protocol: ->mmap fills the VMA (its first reference is
 *            ->mmap's to take), vm_ops->open runs for every copy (split,
 *            fork), vm_ops->close for every VMA that goes.
 *   Dropped: the VMA tree, page tables and faults: a file mapping is a
 *            PFN map set up at once by remap_pfn_range().
 *   Added:   @kshim_pfn/@kshim_npages, the PFN range the mapping shows;
 *            the front end that made the VMA picks its user address from
 *            them (the frames' direct map).
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

/* Page protection bits of a mapping (the simulator keeps them opaque). */
typedef struct {
	unsigned long pgprot;
} pgprot_t;

struct file;
struct vm_operations_struct;

struct vm_area_struct {
	unsigned long vm_start;		/* first user address */
	unsigned long vm_end;		/* first address after the mapping */
	unsigned long vm_pgoff;		/* offset in the file, in pages */
	unsigned long vm_flags;		/* VM_* */
	pgprot_t vm_page_prot;
	struct mm_struct *vm_mm;
	struct file *vm_file;		/* a reference, dropped at close */
	const struct vm_operations_struct *vm_ops;
	void *vm_private_data;
	/* shim: the PFN map remap_pfn_range() set up */
	unsigned long kshim_pfn;
	unsigned long kshim_npages;
};

#endif /* _KSHIM_LINUX_MM_TYPES_H */
