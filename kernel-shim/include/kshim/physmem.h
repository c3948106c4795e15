/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim/physmem.h - the simulated physical memory.
 *
 * Frames are not host addresses.  The world owns a physical address space
 * of KSHIM_PHYS_PFNS frames starting at PFN KSHIM_PHYS_PFN_BASE (4 GiB), so
 * that a physical address is never mistaken for a pointer and 0 is never a
 * valid frame.  Every frame's bytes live in a "segment": a run of host
 * memory that is the frame's direct map.
 *
 * Two kinds of segment exist:
 *   kernel  alloc_pages() memory: private host memory, physically
 *           contiguous frames (as the kernel's buddy allocator gives).
 *   user    memory the simulator hands to the simulated user (scenario
 *           buffers, memfd files): a memfd mapped once as the direct map;
 *           the user layer maps the same memfd again as the user's view, so
 *           a pinned page stays readable through its frame after the user
 *           unmaps it.  Which frames its pages get is a placement policy,
 *           so that huge IOPTEs can be exercised or avoided.  A user
 *           segment may have several owners (a memfd file and the user
 *           mappings of it): kshim_phys_seg_get()/kshim_phys_seg_put().
 *   foreign one page of host memory the simulator did not allocate (a
 *           program's malloc or mmap memory, pinned through GUP): its
 *           direct map IS the host page.  It is created by the first
 *           reference (kshim_phys_foreign_get()) and released with the
 *           last, so a foreign frame exists exactly while it is pinned or
 *           referenced.  Unlike a user segment it cannot keep the memory
 *           alive: if the program unmaps the page, the direct map dangles
 *           (docs/user-memory.md).
 *
 * Frames are allocated from a bitmap over the address space with the
 * world's deterministic random numbers, so a seed reproduces the layout.
 */
#ifndef _KSHIM_PHYSMEM_H
#define _KSHIM_PHYSMEM_H

#include <stdbool.h>
#include <linux/mm_types.h>
#include <linux/pfn.h>

#define KSHIM_PHYS_PFN_BASE	(1UL << 20)	/* 4 GiB */
#define KSHIM_PHYS_PFNS		(1UL << 24)	/* 64 GiB of frames */

/* How the frames of a user segment are placed. */
enum kshim_phys_policy {
	KSHIM_PHYS_CONTIGUOUS,	/* one run of consecutive frames */
	KSHIM_PHYS_CHUNK_2M,	/* 2 MiB-aligned runs of 512, runs scattered */
	KSHIM_PHYS_SCATTERED,	/* no two neighbours adjacent (when possible) */
};

struct kshim_phys_seg {
	unsigned long npages;
	void *direct;			/* direct map of the whole segment */
	int memfd;			/* -1 for kernel segments */
	bool user;
	bool foreign;			/* one host page; @direct not ours */
	unsigned long *pfns;		/* frame of each page */
	unsigned long users;		/* pages still referenced (see below) */
	unsigned long owners;		/* kshim_phys_seg_get() holders */
	const char *name;
};

/*
 * Create a user segment of @npages backed by a new memfd (named @name),
 * placing frames with @policy.  Return: the segment, or NULL with errno-like
 * -ENOMEM/-ENOSPC in *@err when the host or the address space is full.
 */
struct kshim_phys_seg *kshim_phys_seg_create(unsigned long npages,
					     enum kshim_phys_policy policy,
					     const char *name, int *err);
/*
 * Another owner of a user segment (a second user mapping of a memfd file).
 * Each owner calls kshim_phys_seg_put() once.
 */
void kshim_phys_seg_get(struct kshim_phys_seg *seg);
/*
 * An owner of a user segment is done with it.  When the last owner is gone
 * the owners' page references are dropped, and the segment (memfd, direct
 * map, frames) is released when no page of it has a reference left, so a
 * frame pinned by a device outlives the buffer, as in the kernel.
 */
void kshim_phys_seg_put(struct kshim_phys_seg *seg);
/* Page @idx of @seg. */
struct page *kshim_phys_seg_page(struct kshim_phys_seg *seg,
				 unsigned long idx);

/*
 * The frame of the host page at @host_page (page aligned), with @refs
 * references added atomically (1 for FOLL_GET, GUP_PIN_COUNTING_BIAS for a
 * pin).  An existing foreign frame of that page is reused, so two pins of
 * the same host page see one struct page and one pin count.  Return: the
 * page, or NULL with -ENOSPC/-ENOMEM in *@err.
 */
struct page *kshim_phys_foreign_get(void *host_page, int refs, int *err);
/* True if @page is the frame of a foreign (not simulator-owned) host page. */
static inline bool kshim_page_is_foreign(const struct page *page)
{
	return page->seg && page->seg->foreign;
}

/* Frames in use / segments alive in this world (for audits and benches). */
unsigned long kshim_phys_frames_used(void);
unsigned long kshim_phys_segments_live(void);

#endif /* _KSHIM_PHYSMEM_H */
