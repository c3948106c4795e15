// SPDX-License-Identifier: GPL-2.0
/*
 * io_pagetable.c - the IOVA layout of an IOAS and its mirror in domains.
 *
 * The io_pagetable owns three interval trees of IOVA (areas, reserved
 * ranges, allowed ranges) and a dense array of iommu_domains.  Every
 * domain translates exactly the union of the areas whose pages are set:
 *
 *   - map claims IOVA with an area whose pages is NULL, fills every domain
 *     with domains_rwsem held for read, then publishes pages still inside
 *     domains_rwsem, so a domain added afterwards is sure to see the area;
 *   - unmap detaches pages (NULL again), unfills the domains with
 *     domains_rwsem still held for read, then removes the area;
 *   - a domain add/remove holds domains_rwsem for write and fills or
 *     unfills every published area.
 *
 * In-kernel accesses that pin an area block its removal only through the
 * notify-and-retry protocol of iopt_unmap_iova_range(); internal accesses
 * (num_locks) make it fail with -EBUSY instead.
 *
 * Lock order: domains_rwsem -> iova_rwsem -> pages->mutex.
 */
#include <linux/bug.h>
#include <linux/err.h>
#include <linux/interval_tree.h>
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/iova_bitmap.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/sched/user.h>
#include <linux/cred.h>
#include <linux/slab.h>
#include <uapi/linux/iommufd.h>

#include "double_span.h"
#include "io_pagetable.h"

/* ---- the contiguous-area walk --------------------------------------------- */

/**
 * iopt_area_contig_init() - start a walk of abutting areas at @iova
 * @iter: the walk
 * @iopt: the table, iova_rwsem held
 * @iova: first IOVA
 * @last_iova: last IOVA (inclusive)
 *
 * Return: the area containing @iova, or NULL if there is none or it is
 * not usable (pages NULL).
 */
struct iopt_area *iopt_area_contig_init(struct iopt_area_contig_iter *iter,
					struct io_pagetable *iopt,
					unsigned long iova,
					unsigned long last_iova)
{
	lockdep_assert_held(&iopt->iova_rwsem);

	iter->cur_iova = iova;
	iter->last_iova = last_iova;
	iter->area = iopt_area_iter_first(iopt, iova, iova);
	if (iter->area && !iter->area->pages)
		iter->area = NULL;
	return iter->area;
}

/**
 * iopt_area_contig_next() - the area starting right after the current one
 * @iter: the walk
 *
 * Return: that area, or NULL at the end of the walk, at a gap or at an
 * unusable area (iopt_area_contig_done() tells which).
 */
struct iopt_area *iopt_area_contig_next(struct iopt_area_contig_iter *iter)
{
	unsigned long cur_last;
	struct iopt_area *next;

	if (!iter->area)
		return NULL;
	cur_last = iopt_area_last_iova(iter->area);
	if (cur_last >= iter->last_iova)
		return NULL;

	iter->cur_iova = cur_last + 1;
	next = iopt_area_iter_next(iter->area, iter->cur_iova, iter->last_iova);
	if (!next)
		return NULL;	/* iter->area stays: done() sees it fall short */
	if (iopt_area_iova(next) != iter->cur_iova || !next->pages) {
		iter->area = NULL;
		return NULL;
	}
	iter->area = next;
	return next;
}

/* ---- IOVA allocation ------------------------------------------------------ */

/*
 * Can [*start, last] hold @length bytes at an IOVA that is @iova_alignment
 * aligned and then carries @page_offset in its low bits?  If so *start is
 * moved to that IOVA.
 */
static bool __alloc_iova_check_range(unsigned long *start, unsigned long last,
				     unsigned long length,
				     unsigned long iova_alignment,
				     unsigned long page_offset)
{
	unsigned long candidate;

	if (check_add_overflow(*start, iova_alignment - 1, &candidate))
		return false;
	candidate &= ~(iova_alignment - 1);
	candidate |= page_offset;

	if (candidate >= last || last - candidate < length - 1)
		return false;
	*start = candidate;
	return true;
}

static bool __alloc_iova_check_hole(struct interval_tree_double_span_iter *span,
				    unsigned long length,
				    unsigned long iova_alignment,
				    unsigned long page_offset)
{
	if (span->is_used)
		return false;
	return __alloc_iova_check_range(&span->start_hole, span->last_hole,
					length, iova_alignment, page_offset);
}

static bool __alloc_iova_check_used(struct interval_tree_span_iter *span,
				    unsigned long length,
				    unsigned long iova_alignment,
				    unsigned long page_offset)
{
	if (span->is_hole)
		return false;
	return __alloc_iova_check_range(&span->start_used, span->last_used,
					length, iova_alignment, page_offset);
}

/*
 * Pick a free IOVA for @length bytes of memory that starts at @addr (a
 * user VA or file offset).  The IOVA keeps @addr's offset in its page and
 * as much of its alignment as useful, so huge pages in the memory can
 * become huge IOPTEs.  First fit from low addresses, inside the allowed
 * ranges if there are any, never IOVA 0 nor the last page.
 */
static int iopt_alloc_iova(struct io_pagetable *iopt, unsigned long *iova,
			   unsigned long addr, unsigned long length)
{
	unsigned long page_offset = addr % PAGE_SIZE;
	struct interval_tree_double_span_iter used_span;
	struct interval_tree_span_iter allowed_span;
	unsigned long iova_alignment;

	lockdep_assert_held(&iopt->iova_rwsem);

	/* roundup_pow_of_two() below must not overflow */
	if (length == 0 || length >= ULONG_MAX / 2)
		return -EOVERFLOW;

	iova_alignment = roundup_pow_of_two(length);
	if (addr)
		iova_alignment = min_t(unsigned long, iova_alignment,
				       1UL << __ffs(addr));
	/* Also keeps the ALIGN in __alloc_iova_check_range() cheap. */
	if (iova_alignment >= IOPT_MAX_ALLOC_ALIGNMENT)
		iova_alignment = IOPT_MAX_ALLOC_ALIGNMENT;

	if (iova_alignment < iopt->iova_alignment)
		return -EINVAL;

	interval_tree_for_each_span(&allowed_span, &iopt->allowed_itree,
				    PAGE_SIZE, ULONG_MAX - PAGE_SIZE) {
		/* No allowed range at all: everything is allowed. */
		if (RB_EMPTY_ROOT(&iopt->allowed_itree.rb_root)) {
			allowed_span.start_used = PAGE_SIZE;
			allowed_span.last_used = ULONG_MAX - PAGE_SIZE;
			allowed_span.is_hole = 0;
		}

		if (!__alloc_iova_check_used(&allowed_span, length,
					     iova_alignment, page_offset))
			continue;

		interval_tree_for_each_double_span(
			&used_span, &iopt->reserved_itree, &iopt->area_itree,
			allowed_span.start_used, allowed_span.last_used) {
			if (!__alloc_iova_check_hole(&used_span, length,
						     iova_alignment,
						     page_offset))
				continue;

			*iova = used_span.start_hole;
			return 0;
		}
	}
	return -ENOSPC;
}

/* A fixed IOVA: allowed ranges are not consulted, only reserved and used. */
static int iopt_check_iova(struct io_pagetable *iopt, unsigned long iova,
			   unsigned long length)
{
	unsigned long last;

	lockdep_assert_held(&iopt->iova_rwsem);

	if ((iova & (iopt->iova_alignment - 1)))
		return -EINVAL;

	if (check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;

	if (iopt_reserved_iter_first(iopt, iova, last))
		return -EINVAL;

	/* Existing IOVA is never replaced. */
	if (iopt_area_iter_first(iopt, iova, last))
		return -EEXIST;
	return 0;
}

/* ---- areas ------------------------------------------------------------------ */

/*
 * Insert @area for [iova, iova + length - 1] over bytes [start_byte, ...)
 * of @pages.  area->pages stays NULL: the IOVA is claimed but the area is
 * not usable until the map publishes it.
 */
static int iopt_insert_area(struct io_pagetable *iopt, struct iopt_area *area,
			    struct iopt_pages *pages, unsigned long iova,
			    unsigned long start_byte, unsigned long length,
			    int iommu_prot)
{
	lockdep_assert_held_write(&iopt->iova_rwsem);

	if ((iommu_prot & IOMMU_WRITE) && !pages->writable)
		return -EPERM;

	area->iommu_prot = iommu_prot;
	area->page_offset = start_byte % PAGE_SIZE;
	if (area->page_offset & (iopt->iova_alignment - 1))
		return -EINVAL;

	area->node.start = iova;
	if (check_add_overflow(iova, length - 1, &area->node.last))
		return -EOVERFLOW;

	area->pages_node.start = start_byte / PAGE_SIZE;
	if (check_add_overflow(start_byte, length - 1, &area->pages_node.last))
		return -EOVERFLOW;
	area->pages_node.last = area->pages_node.last / PAGE_SIZE;
	if (WARN_ON(area->pages_node.last >= pages->npages))
		return -EOVERFLOW;

	area->iopt = iopt;
	interval_tree_insert(&area->node, &iopt->area_itree);
	return 0;
}

static struct iopt_area *iopt_area_alloc(void)
{
	return kzalloc(sizeof(struct iopt_area), GFP_KERNEL_ACCOUNT);
}

/* Free an area that never got (or no longer has) pages. */
static void iopt_abort_area(struct iopt_area *area)
{
	if (IS_ENABLED(CONFIG_IOMMUFD_TEST))
		WARN_ON(area->pages);
	if (area->iopt) {
		down_write(&area->iopt->iova_rwsem);
		interval_tree_remove(&area->node, &area->iopt->area_itree);
		up_write(&area->iopt->iova_rwsem);
	}
	kfree(area);
}

/**
 * iopt_free_pages_list() - release what a map request still owns
 * @pages_list: list of struct iopt_pages_list
 *
 * Areas that were not published are removed, references on pages dropped.
 */
void iopt_free_pages_list(struct list_head *pages_list)
{
	struct iopt_pages_list *elm;

	while ((elm = list_first_entry_or_null(pages_list,
					       struct iopt_pages_list, next))) {
		if (elm->area)
			iopt_abort_area(elm->area);
		if (elm->pages)
			iopt_put_pages(elm->pages);
		list_del(&elm->next);
		kfree(elm);
	}
}

/* Phase 1 of a map: claim the IOVA with unpublished areas. */
static int iopt_alloc_area_pages(struct io_pagetable *iopt,
				 struct list_head *pages_list,
				 unsigned long length, unsigned long *dst_iova,
				 int iommu_prot, unsigned int flags)
{
	struct iopt_pages_list *elm;
	unsigned long start;
	unsigned long iova;
	int rc = 0;

	/* Allocate before taking the lock. */
	list_for_each_entry(elm, pages_list, next) {
		elm->area = iopt_area_alloc();
		if (!elm->area)
			return -ENOMEM;
	}

	down_write(&iopt->iova_rwsem);
	if ((length & (iopt->iova_alignment - 1)) || !length) {
		rc = -EINVAL;
		goto out_unlock;
	}

	if (flags & IOPT_ALLOC_IOVA) {
		/* The first piece's origin decides the preferred alignment. */
		elm = list_first_entry(pages_list, struct iopt_pages_list, next);
		if (elm->pages->type == IOPT_ADDRESS_FILE)
			start = elm->start_byte + elm->pages->start;
		else
			start = elm->start_byte + (uintptr_t)elm->pages->uptr;
		rc = iopt_alloc_iova(iopt, dst_iova, start, length);
		if (rc)
			goto out_unlock;
		if (IS_ENABLED(CONFIG_IOMMUFD_TEST) &&
		    WARN_ON(iopt_check_iova(iopt, *dst_iova, length))) {
			rc = -EINVAL;
			goto out_unlock;
		}
	} else {
		rc = iopt_check_iova(iopt, *dst_iova, length);
		if (rc)
			goto out_unlock;
	}

	iova = *dst_iova;
	list_for_each_entry(elm, pages_list, next) {
		rc = iopt_insert_area(iopt, elm->area, elm->pages, iova,
				      elm->start_byte, elm->length, iommu_prot);
		if (rc)
			goto out_unlock;
		iova += elm->length;
	}

out_unlock:
	up_write(&iopt->iova_rwsem);
	return rc;
}

/* Phase 2 of a map: every domain gets every new area, or none does. */
static int iopt_fill_domains_pages(struct list_head *pages_list)
{
	struct iopt_pages_list *undo_elm;
	struct iopt_pages_list *elm;
	int rc;

	list_for_each_entry(elm, pages_list, next) {
		rc = iopt_area_fill_domains(elm->area, elm->pages);
		if (rc)
			goto err_undo;
	}
	return 0;

err_undo:
	list_for_each_entry(undo_elm, pages_list, next) {
		if (undo_elm == elm)
			break;
		iopt_area_unfill_domains(undo_elm->area, undo_elm->pages);
	}
	return rc;
}

/**
 * iopt_map_pages() - map a list of iopt_pages pieces at consecutive IOVA
 * @iopt: the table
 * @pages_list: struct iopt_pages_list pieces, each holding a pages ref
 * @length: total bytes
 * @dst_iova: in: the IOVA (without IOPT_ALLOC_IOVA); out: the IOVA used
 * @iommu_prot: IOMMU_READ/WRITE/CACHE
 * @flags: IOPT_ALLOC_IOVA to let the table choose
 *
 * On success the pages references moved into the new areas.  On failure
 * the caller still owns the list (iopt_free_pages_list() undoes it).
 *
 * Return: 0 or -errno.
 */
int iopt_map_pages(struct io_pagetable *iopt, struct list_head *pages_list,
		   unsigned long length, unsigned long *dst_iova,
		   int iommu_prot, unsigned int flags)
{
	struct iopt_pages_list *elm;
	int rc;

	rc = iopt_alloc_area_pages(iopt, pages_list, length, dst_iova,
				   iommu_prot, flags);
	if (rc)
		return rc;

	down_read(&iopt->domains_rwsem);
	rc = iopt_fill_domains_pages(pages_list);
	if (rc)
		goto out_unlock_domains;

	/*
	 * Phase 3: publish.  Still under domains_rwsem, so a domain added
	 * later finds the areas with pages set and fills them.
	 */
	down_write(&iopt->iova_rwsem);
	list_for_each_entry(elm, pages_list, next) {
		elm->area->pages = elm->pages;
		elm->pages = NULL;
		elm->area = NULL;
	}
	up_write(&iopt->iova_rwsem);
out_unlock_domains:
	up_read(&iopt->domains_rwsem);
	return rc;
}

static int iopt_map_common(struct iommufd_ctx *ictx, struct io_pagetable *iopt,
			   struct iopt_pages *pages, unsigned long *iova,
			   unsigned long length, unsigned long start_byte,
			   int iommu_prot, unsigned int flags)
{
	struct iopt_pages_list elm = {};
	LIST_HEAD(pages_list);
	int rc;

	elm.pages = pages;
	elm.start_byte = start_byte;
	/* The context's vfio-compatible mode upgrades per-user charging. */
	if (ictx->account_mode == IOPT_PAGES_ACCOUNT_MM &&
	    elm.pages->account_mode == IOPT_PAGES_ACCOUNT_USER)
		elm.pages->account_mode = IOPT_PAGES_ACCOUNT_MM;
	elm.length = length;
	list_add(&elm.next, &pages_list);

	rc = iopt_map_pages(iopt, &pages_list, length, iova, iommu_prot, flags);
	if (rc) {
		if (elm.area)
			iopt_abort_area(elm.area);
		if (elm.pages)
			iopt_put_pages(elm.pages);
		return rc;
	}
	return 0;
}

/**
 * iopt_map_user_pages() - map user memory of the current process
 * @ictx: the context (its accounting mode applies)
 * @iopt: the table
 * @iova: in: fixed IOVA; out: the IOVA used
 * @uptr: user address
 * @length: bytes
 * @iommu_prot: IOMMU_READ/WRITE/CACHE
 * @flags: IOPT_ALLOC_IOVA or 0
 *
 * Memory is pinned now only if the IOAS has a domain (or later, when one
 * is attached or an access pins it).
 *
 * Return: 0 or -errno.
 */
int iopt_map_user_pages(struct iommufd_ctx *ictx, struct io_pagetable *iopt,
			unsigned long *iova, void __user *uptr,
			unsigned long length, int iommu_prot,
			unsigned int flags)
{
	struct iopt_pages *pages;

	pages = iopt_alloc_user_pages(uptr, length, iommu_prot & IOMMU_WRITE);
	if (IS_ERR(pages))
		return PTR_ERR(pages);

	return iopt_map_common(ictx, iopt, pages, iova, length,
			       uptr - pages->uptr, iommu_prot, flags);
}

/**
 * iopt_map_file_pages() - map a byte range of a memfd
 * @ictx: the context
 * @iopt: the table
 * @iova: in: fixed IOVA; out: the IOVA used
 * @file: the file
 * @start: first byte in the file
 * @length: bytes
 * @iommu_prot: IOMMU_READ/WRITE/CACHE
 * @flags: IOPT_ALLOC_IOVA or 0
 *
 * Return: 0 or -errno.
 */
int iopt_map_file_pages(struct iommufd_ctx *ictx, struct io_pagetable *iopt,
			unsigned long *iova, struct file *file,
			unsigned long start, unsigned long length,
			int iommu_prot, unsigned int flags)
{
	struct iopt_pages *pages;

	pages = iopt_alloc_file_pages(file, start, length,
				      iommu_prot & IOMMU_WRITE);
	if (IS_ERR(pages))
		return PTR_ERR(pages);
	return iopt_map_common(ictx, iopt, pages, iova, length,
			       start - pages->start, iommu_prot, flags);
}

/**
 * iopt_get_pages() - reference the pages behind an IOVA range
 * @iopt: the table
 * @iova: first IOVA
 * @length: bytes
 * @pages_list: receives one struct iopt_pages_list per area
 *
 * The range must be covered by abutting, usable areas (it may span
 * several).  Used by IOMMU_IOAS_COPY: the destination shares the pages.
 *
 * Return: 0, -EINVAL, -EOVERFLOW, -ENOENT for a gap, -ENOMEM.
 */
int iopt_get_pages(struct io_pagetable *iopt, unsigned long iova,
		   unsigned long length, struct list_head *pages_list)
{
	struct iopt_area_contig_iter iter;
	unsigned long last_iova;
	struct iopt_area *area;
	int rc;

	if (!length)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last_iova))
		return -EOVERFLOW;

	down_read(&iopt->iova_rwsem);
	iopt_for_each_contig_area(&iter, area, iopt, iova, last_iova) {
		unsigned long last = iopt_area_contig_last(&iter);
		struct iopt_pages_list *elm;

		elm = kzalloc(sizeof(*elm), GFP_KERNEL_ACCOUNT);
		if (!elm) {
			rc = -ENOMEM;
			goto err_free;
		}
		elm->start_byte = iopt_area_start_byte(area, iter.cur_iova);
		elm->pages = area->pages;
		elm->length = (last - iter.cur_iova) + 1;
		kref_get(&elm->pages->kref);
		list_add_tail(&elm->next, pages_list);
	}
	if (!iopt_area_contig_done(&iter)) {
		rc = -ENOENT;
		goto err_free;
	}
	up_read(&iopt->iova_rwsem);
	return 0;
err_free:
	up_read(&iopt->iova_rwsem);
	iopt_free_pages_list(pages_list);
	return rc;
}

/* ---- unmap -------------------------------------------------------------------- */

static int iopt_unmap_iova_range(struct io_pagetable *iopt, unsigned long start,
				 unsigned long last, unsigned long *unmapped)
{
	unsigned long unmapped_bytes = 0;
	unsigned int tries = 0;
	struct iopt_area *area;
	int rc = 0;

again:
	down_read(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);
	while ((area = iopt_area_iter_first(iopt, start, last))) {
		unsigned long area_last = iopt_area_last_iova(area);
		unsigned long area_first = iopt_area_iova(area);
		struct iopt_pages *pages;

		/* A racing map or unmap owns it; user space should not race. */
		if (!area->pages) {
			rc = -EBUSY;
			goto out_unlock_iova;
		}

		/* An internal access (HW queue) holds it: refuse, no notify. */
		if (area->num_locks) {
			rc = -EBUSY;
			goto out_unlock_iova;
		}

		/* Areas are never truncated or split by an unmap. */
		if (area_first < start || area_last > last) {
			rc = -ENOENT;
			goto out_unlock_iova;
		}

		/* A new area: progress was made, the retry budget resets. */
		if (area_first != start)
			tries = 0;

		/*
		 * num_accesses only changes with iova_rwsem held, so the write
		 * lock makes this read stable without pages->mutex.
		 */
		if (area->num_accesses) {
			size_t length = iopt_area_length(area);

			start = area_first;
			area->prevent_access = true;
			/*
			 * The drivers' unmap callbacks unpin, which takes
			 * iova_rwsem and pages->mutex: drop everything.
			 */
			up_write(&iopt->iova_rwsem);
			up_read(&iopt->domains_rwsem);

			iommufd_access_notify_unmap(iopt, area_first, length);
			/* Something is not answering unmap requests. */
			tries++;
			if (WARN_ON(tries > 100)) {
				rc = -EDEADLOCK;
				goto out_unmapped;
			}
			goto again;
		}

		pages = area->pages;
		area->pages = NULL;
		/*
		 * Unfilling takes pages->mutex and may take a while; domains
		 * cannot come or go meanwhile since domains_rwsem stays held.
		 */
		up_write(&iopt->iova_rwsem);

		iopt_area_unfill_domains(area, pages);
		iopt_abort_area(area);
		iopt_put_pages(pages);

		unmapped_bytes += area_last - area_first + 1;

		down_write(&iopt->iova_rwsem);

		/*
		 * While the lock was dropped a racing auto-allocated map may
		 * have landed in the IOVA just freed; only look further on.
		 */
		if (area_last >= last)
			break;
		start = area_last + 1;
	}

out_unlock_iova:
	up_write(&iopt->iova_rwsem);
	up_read(&iopt->domains_rwsem);
out_unmapped:
	if (unmapped)
		*unmapped = unmapped_bytes;
	return rc;
}

/**
 * iopt_unmap_iova() - unmap every area inside a range
 * @iopt: the table
 * @iova: first IOVA
 * @length: bytes
 * @unmapped: bytes unmapped (also on error), may be NULL
 *
 * Return: 0 (even if nothing was mapped), -EINVAL, -EOVERFLOW, -ENOENT if
 * an area sticks out of the range, -EBUSY, -EDEADLOCK.
 */
int iopt_unmap_iova(struct io_pagetable *iopt, unsigned long iova,
		    unsigned long length, unsigned long *unmapped)
{
	unsigned long iova_last;

	if (!length)
		return -EINVAL;

	if (check_add_overflow(iova, length - 1, &iova_last))
		return -EOVERFLOW;

	return iopt_unmap_iova_range(iopt, iova, iova_last, unmapped);
}

/**
 * iopt_unmap_all() - unmap everything
 * @iopt: the table
 * @unmapped: bytes unmapped, may be NULL
 *
 * Return: 0 or the first error (see iopt_unmap_iova()).
 */
int iopt_unmap_all(struct io_pagetable *iopt, unsigned long *unmapped)
{
	return iopt_unmap_iova_range(iopt, 0, ULONG_MAX, unmapped);
}

/* ---- reserved and allowed IOVA ------------------------------------------------ */

/**
 * iopt_reserve_iova() - make [start, last] unusable for areas
 * @iopt: the table, iova_rwsem held for write
 * @start: first IOVA
 * @last: last IOVA (inclusive)
 * @owner: who reserved it (a domain, a device, or NULL)
 *
 * Return: 0, -EADDRINUSE if an area or an allowed range is there, -ENOMEM.
 */
int iopt_reserve_iova(struct io_pagetable *iopt, unsigned long start,
		      unsigned long last, void *owner)
{
	struct iopt_reserved *reserved;

	lockdep_assert_held_write(&iopt->iova_rwsem);

	if (iopt_area_iter_first(iopt, start, last) ||
	    iopt_allowed_iter_first(iopt, start, last))
		return -EADDRINUSE;

	reserved = kzalloc(sizeof(*reserved), GFP_KERNEL_ACCOUNT);
	if (!reserved)
		return -ENOMEM;
	reserved->node.start = start;
	reserved->node.last = last;
	reserved->owner = owner;
	interval_tree_insert(&reserved->node, &iopt->reserved_itree);
	return 0;
}

static void __iopt_remove_reserved_iova(struct io_pagetable *iopt, void *owner)
{
	struct iopt_reserved *reserved, *next;

	lockdep_assert_held_write(&iopt->iova_rwsem);

	for (reserved = iopt_reserved_iter_first(iopt, 0, ULONG_MAX); reserved;
	     reserved = next) {
		next = iopt_reserved_iter_next(reserved, 0, ULONG_MAX);

		if (reserved->owner == owner) {
			interval_tree_remove(&reserved->node,
					     &iopt->reserved_itree);
			kfree(reserved);
		}
	}
}

/**
 * iopt_remove_reserved_iova() - drop every reservation of @owner
 * @iopt: the table
 * @owner: the owner given to iopt_reserve_iova()
 */
void iopt_remove_reserved_iova(struct io_pagetable *iopt, void *owner)
{
	down_write(&iopt->iova_rwsem);
	__iopt_remove_reserved_iova(iopt, owner);
	up_write(&iopt->iova_rwsem);
}

/**
 * iopt_set_allow_iova() - replace the allowed ranges
 * @iopt: the table
 * @allowed_iova: the new tree of struct iopt_allowed; on return it holds
 *		  whichever tree is not in use (the caller frees it)
 *
 * Return: 0, or -EADDRINUSE (old ranges kept) if a new range intersects
 * reserved IOVA.
 */
int iopt_set_allow_iova(struct io_pagetable *iopt,
			struct rb_root_cached *allowed_iova)
{
	struct iopt_allowed *allowed;

	down_write(&iopt->iova_rwsem);
	swap(*allowed_iova, iopt->allowed_itree);

	for (allowed = iopt_allowed_iter_first(iopt, 0, ULONG_MAX); allowed;
	     allowed = iopt_allowed_iter_next(allowed, 0, ULONG_MAX)) {
		if (iopt_reserved_iter_first(iopt, allowed->node.start,
					     allowed->node.last)) {
			swap(*allowed_iova, iopt->allowed_itree);
			up_write(&iopt->iova_rwsem);
			return -EADDRINUSE;
		}
	}
	up_write(&iopt->iova_rwsem);
	return 0;
}

/**
 * iopt_table_enforce_dev_resv_regions() - reserve a device's regions
 * @iopt: the table
 * @dev: the device (owner of the reservations)
 * @sw_msi_start: receives the software MSI window's address, if any (may
 *		  be NULL when MSI does not matter)
 *
 * Return: 0, -EADDRINUSE, -ENOMEM, or -EINVAL for a driver offering both
 * hardware and software MSI or more than one software MSI window.
 */
int iopt_table_enforce_dev_resv_regions(struct io_pagetable *iopt,
					struct device *dev,
					phys_addr_t *sw_msi_start)
{
	struct iommu_resv_region *resv;
	LIST_HEAD(resv_regions);
	unsigned int num_hw_msi = 0;
	unsigned int num_sw_msi = 0;
	int rc;

	if (iommufd_should_fail())
		return -EINVAL;

	down_write(&iopt->iova_rwsem);
	iommu_get_resv_regions(dev, &resv_regions);

	list_for_each_entry(resv, &resv_regions, list) {
		/* Assignment may ignore relaxable direct mappings. */
		if (resv->type == IOMMU_RESV_DIRECT_RELAXABLE)
			continue;

		if (sw_msi_start && resv->type == IOMMU_RESV_MSI)
			num_hw_msi++;
		if (sw_msi_start && resv->type == IOMMU_RESV_SW_MSI) {
			*sw_msi_start = resv->start;
			num_sw_msi++;
		}

		rc = iopt_reserve_iova(iopt, resv->start,
				       resv->length - 1 + resv->start, dev);
		if (rc)
			goto out_reserved;
	}

	if (WARN_ON(num_sw_msi && num_hw_msi) || WARN_ON(num_sw_msi > 1)) {
		rc = -EINVAL;
		goto out_reserved;
	}

	rc = 0;
	goto out_free_resv;

out_reserved:
	__iopt_remove_reserved_iova(iopt, dev);
out_free_resv:
	iommu_put_resv_regions(dev, &resv_regions);
	up_write(&iopt->iova_rwsem);
	return rc;
}

/* ---- table life ------------------------------------------------------------- */

/**
 * iopt_init_table() - initialise an empty table
 * @iopt: the table
 *
 * A table starts as a software table: the whole unsigned long IOVA space,
 * no alignment constraint.
 */
void iopt_init_table(struct io_pagetable *iopt)
{
	init_rwsem(&iopt->iova_rwsem);
	init_rwsem(&iopt->domains_rwsem);
	iopt->area_itree = RB_ROOT_CACHED;
	iopt->allowed_itree = RB_ROOT_CACHED;
	iopt->reserved_itree = RB_ROOT_CACHED;
	xa_init_flags(&iopt->domains, XA_FLAGS_ACCOUNT);
	xa_init_flags(&iopt->access_list, XA_FLAGS_ALLOC);
	iopt->next_domain_id = 0;
	iopt->disable_large_pages = false;
	iopt->iova_alignment = 1;
}

/**
 * iopt_destroy_table() - free an empty table
 * @iopt: the table: no areas, domains or accesses left
 */
void iopt_destroy_table(struct io_pagetable *iopt)
{
	struct interval_tree_node *node;

	/* Test and compat reservations have no owner to remove them. */
	if (IS_ENABLED(CONFIG_IOMMUFD_TEST))
		iopt_remove_reserved_iova(iopt, NULL);

	while ((node = interval_tree_iter_first(&iopt->allowed_itree, 0,
						ULONG_MAX))) {
		interval_tree_remove(node, &iopt->allowed_itree);
		kfree(container_of(node, struct iopt_allowed, node));
	}

	WARN_ON(!RB_EMPTY_ROOT(&iopt->reserved_itree.rb_root));
	WARN_ON(!xa_empty(&iopt->domains));
	WARN_ON(!xa_empty(&iopt->access_list));
	WARN_ON(!RB_EMPTY_ROOT(&iopt->area_itree.rb_root));
	xa_destroy(&iopt->domains);
	xa_destroy(&iopt->access_list);
	kshim_rwsem_destroy(&iopt->iova_rwsem);
	kshim_rwsem_destroy(&iopt->domains_rwsem);
}

/* ---- domains ------------------------------------------------------------------ */

/* Map every published area into @domain (a new domain of the table). */
static int iopt_fill_domain(struct io_pagetable *iopt,
			    struct iommu_domain *domain)
{
	struct iopt_area *end_area;
	struct iopt_area *area;
	int rc;

	lockdep_assert_held(&iopt->domains_rwsem);
	lockdep_assert_held_write(&iopt->iova_rwsem);

	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX)) {
		struct iopt_pages *pages = area->pages;

		/* A map in phase 1 fills it itself once we let go. */
		if (!pages)
			continue;

		mutex_lock(&pages->mutex);
		rc = iopt_area_fill_domain(area, domain);
		if (rc) {
			mutex_unlock(&pages->mutex);
			goto out_unfill;
		}
		if (!area->storage_domain) {
			/* Only the first domain finds areas without storage. */
			WARN_ON(iopt->next_domain_id != 0);
			area->storage_domain = domain;
			interval_tree_insert(&area->pages_node,
					     &pages->domains_itree);
		}
		mutex_unlock(&pages->mutex);
	}
	return 0;

out_unfill:
	end_area = area;
	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX)) {
		struct iopt_pages *pages = area->pages;

		if (area == end_area)
			break;
		if (!pages)
			continue;
		mutex_lock(&pages->mutex);
		if (iopt->next_domain_id == 0) {
			interval_tree_remove(&area->pages_node,
					     &pages->domains_itree);
			area->storage_domain = NULL;
		}
		iopt_area_unfill_domain(area, pages, domain);
		mutex_unlock(&pages->mutex);
	}
	return rc;
}

/* Unmap every area from @domain, which is leaving the table. */
static void iopt_unfill_domain(struct io_pagetable *iopt,
			       struct iommu_domain *domain)
{
	struct iopt_area *area;

	lockdep_assert_held(&iopt->domains_rwsem);
	lockdep_assert_held_write(&iopt->iova_rwsem);

	/*
	 * Other domains remain: one of them takes over as storage and the
	 * PFNs stay pinned, so this domain is only unmapped.
	 */
	if (iopt->next_domain_id != 0) {
		struct iommu_domain *storage_domain =
			xa_load(&iopt->domains, 0);

		for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area;
		     area = iopt_area_iter_next(area, 0, ULONG_MAX)) {
			struct iopt_pages *pages = area->pages;

			if (!pages)
				continue;

			mutex_lock(&pages->mutex);
			if (IS_ENABLED(CONFIG_IOMMUFD_TEST))
				WARN_ON(!area->storage_domain);
			if (area->storage_domain == domain)
				area->storage_domain = storage_domain;
			mutex_unlock(&pages->mutex);

			iopt_area_unmap_domain(area, domain);
		}
		return;
	}

	/* The last domain: unmap and unpin what no access holds. */
	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX)) {
		struct iopt_pages *pages = area->pages;

		if (!pages)
			continue;

		mutex_lock(&pages->mutex);
		interval_tree_remove(&area->pages_node, &pages->domains_itree);
		WARN_ON(area->storage_domain != domain);
		area->storage_domain = NULL;
		iopt_area_unfill_domain(area, pages, domain);
		mutex_unlock(&pages->mutex);
	}
}

/* Every area must conform to a (raised) alignment. */
static int iopt_check_iova_alignment(struct io_pagetable *iopt,
				     unsigned long new_iova_alignment)
{
	unsigned long align_mask = new_iova_alignment - 1;
	struct iopt_area *area;

	lockdep_assert_held(&iopt->iova_rwsem);
	lockdep_assert_held(&iopt->domains_rwsem);

	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX))
		if ((iopt_area_iova(area) & align_mask) ||
		    (iopt_area_length(area) & align_mask) ||
		    (area->page_offset & align_mask))
			return -EADDRINUSE;

	if (IS_ENABLED(CONFIG_IOMMUFD_TEST)) {
		struct iommufd_access *access;
		unsigned long index;

		xa_for_each(&iopt->access_list, index, access)
			if (WARN_ON(access->iova_alignment >
				    new_iova_alignment))
				return -EADDRINUSE;
	}
	return 0;
}

/* The alignment the current domains, accesses and options call for. */
static unsigned long iopt_wanted_iova_alignment(struct io_pagetable *iopt)
{
	unsigned long new_iova_alignment;
	struct iommufd_access *access;
	struct iommu_domain *domain;
	unsigned long index;

	/* Small-page maps (batch_iommu_map_small) work in PAGE_SIZE. */
	new_iova_alignment = iopt->disable_large_pages ? PAGE_SIZE : 1;

	xa_for_each(&iopt->domains, index, domain)
		new_iova_alignment = max_t(unsigned long,
					   1UL << __ffs(domain->pgsize_bitmap),
					   new_iova_alignment);
	xa_for_each(&iopt->access_list, index, access)
		new_iova_alignment = max_t(unsigned long,
					   access->iova_alignment,
					   new_iova_alignment);
	return new_iova_alignment;
}

static int iopt_calculate_iova_alignment(struct io_pagetable *iopt)
{
	unsigned long new_iova_alignment;
	int rc;

	lockdep_assert_held_write(&iopt->iova_rwsem);
	lockdep_assert_held(&iopt->domains_rwsem);

	new_iova_alignment = iopt_wanted_iova_alignment(iopt);
	if (new_iova_alignment > iopt->iova_alignment) {
		rc = iopt_check_iova_alignment(iopt, new_iova_alignment);
		if (rc)
			return rc;
	}
	iopt->iova_alignment = new_iova_alignment;
	return 0;
}

/**
 * iopt_table_add_domain() - mirror the table into a new domain
 * @iopt: the table
 * @domain: a paging domain that accepts PAGE_SIZE mappings
 *
 * Everything outside the domain's aperture becomes reserved (owner: the
 * domain) and every area is mapped into it.
 *
 * Return: 0, -EEXIST (WARN) if already added, -EINVAL for a smallest page
 * size above PAGE_SIZE, -EADDRINUSE if areas or allowed ranges conflict
 * with the alignment or aperture, or a fill error.
 */
int iopt_table_add_domain(struct io_pagetable *iopt,
			  struct iommu_domain *domain)
{
	const struct iommu_domain_geometry *geometry = &domain->geometry;
	struct iommu_domain *iter_domain;
	unsigned int new_iova_alignment;
	unsigned long index;
	int rc;

	down_write(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);

	xa_for_each(&iopt->domains, index, iter_domain) {
		if (WARN_ON(iter_domain == domain)) {
			rc = -EEXIST;
			goto out_unlock;
		}
	}

	/*
	 * iopt_pages works in PAGE_SIZE units, mapped piecewise when the
	 * IO page is smaller; a domain must accept PAGE_SIZE since we cannot
	 * promise more contiguity than that.
	 */
	new_iova_alignment = max_t(unsigned long,
				   1UL << __ffs(domain->pgsize_bitmap),
				   iopt->iova_alignment);
	if (new_iova_alignment > PAGE_SIZE) {
		rc = -EINVAL;
		goto out_unlock;
	}
	if (new_iova_alignment != iopt->iova_alignment) {
		rc = iopt_check_iova_alignment(iopt, new_iova_alignment);
		if (rc)
			goto out_unlock;
	}

	/* IOVA outside the aperture can never be mapped from now on. */
	if (geometry->aperture_start != 0) {
		rc = iopt_reserve_iova(iopt, 0, geometry->aperture_start - 1,
				       domain);
		if (rc)
			goto out_reserved;
	}
	if (geometry->aperture_end != ULONG_MAX) {
		rc = iopt_reserve_iova(iopt, geometry->aperture_end + 1,
				       ULONG_MAX, domain);
		if (rc)
			goto out_reserved;
	}

	rc = xa_reserve(&iopt->domains, iopt->next_domain_id, GFP_KERNEL);
	if (rc)
		goto out_reserved;

	rc = iopt_fill_domain(iopt, domain);
	if (rc)
		goto out_release;

	iopt->iova_alignment = new_iova_alignment;
	/* The slot was reserved: this store cannot fail. */
	xa_store(&iopt->domains, iopt->next_domain_id, domain, GFP_KERNEL);
	iopt->next_domain_id++;
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
	return 0;
out_release:
	xa_release(&iopt->domains, iopt->next_domain_id);
out_reserved:
	__iopt_remove_reserved_iova(iopt, domain);
out_unlock:
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
	return rc;
}

/**
 * iopt_table_remove_domain() - stop mirroring into a domain
 * @iopt: the table
 * @domain: a domain added with iopt_table_add_domain()
 *
 * The domain is left empty.  Cannot fail.
 */
void iopt_table_remove_domain(struct io_pagetable *iopt,
			      struct iommu_domain *domain)
{
	struct iommu_domain *iter_domain = NULL;
	unsigned long index;

	down_write(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);

	xa_for_each(&iopt->domains, index, iter_domain)
		if (iter_domain == domain)
			break;
	if (WARN_ON(iter_domain != domain) || index >= iopt->next_domain_id)
		goto out_unlock;

	/* Keep the array dense: the tail entry moves into the hole. */
	iopt->next_domain_id--;
	iter_domain = xa_erase(&iopt->domains, iopt->next_domain_id);
	if (index != iopt->next_domain_id)
		xa_store(&iopt->domains, index, iter_domain, GFP_KERNEL);

	iopt_unfill_domain(iopt, domain);
	__iopt_remove_reserved_iova(iopt, domain);

	WARN_ON(iopt_calculate_iova_alignment(iopt));
out_unlock:
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
}

/* ---- accesses ---------------------------------------------------------------- */

/**
 * iopt_add_access() - put an access on the table's access list
 * @iopt: the table
 * @access: the access; its iopt_access_list_id is set
 *
 * Return: 0, -EADDRINUSE if areas do not fit the access's alignment, or
 * the xa_alloc() error (-EBUSY when 65536 accesses exist).
 */
int iopt_add_access(struct io_pagetable *iopt, struct iommufd_access *access)
{
	u32 new_id;
	int rc;

	down_write(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);
	rc = xa_alloc(&iopt->access_list, &new_id, access, xa_limit_16b,
		      GFP_KERNEL_ACCOUNT);
	if (rc)
		goto out_unlock;

	rc = iopt_calculate_iova_alignment(iopt);
	if (rc) {
		xa_erase(&iopt->access_list, new_id);
		goto out_unlock;
	}
	access->iopt_access_list_id = new_id;

out_unlock:
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
	return rc;
}

/**
 * iopt_remove_access() - take an access off the access list
 * @iopt: the table
 * @access: the access
 * @iopt_access_list_id: its ID in this table, passed explicitly because a
 *			 replace adds the access to the new table (which
 *			 overwrites access->iopt_access_list_id) first
 */
void iopt_remove_access(struct io_pagetable *iopt,
			struct iommufd_access *access, u32 iopt_access_list_id)
{
	down_write(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);
	WARN_ON(xa_erase(&iopt->access_list, iopt_access_list_id) != access);
	WARN_ON(iopt_calculate_iova_alignment(iopt));
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
}

/* ---- split, cut and the large-page option ---------------------------------- */

/* Split @area so that @iova is the last byte of the left part. */
static int iopt_area_split(struct iopt_area *area, unsigned long iova)
{
	unsigned long alignment = area->iopt->iova_alignment;
	unsigned long last_iova = iopt_area_last_iova(area);
	unsigned long start_iova = iopt_area_iova(area);
	unsigned long new_start = iova + 1;
	struct io_pagetable *iopt = area->iopt;
	struct iopt_pages *pages = area->pages;
	struct iopt_area *lhs;
	struct iopt_area *rhs;
	int rc;

	lockdep_assert_held_write(&iopt->iova_rwsem);

	if (iova == start_iova || iova == last_iova)
		return 0;

	if (!pages || area->prevent_access)
		return -EBUSY;

	if (new_start & (alignment - 1) ||
	    iopt_area_start_byte(area, new_start) & (alignment - 1))
		return -EINVAL;

	lhs = iopt_area_alloc();
	if (!lhs)
		return -ENOMEM;

	rhs = iopt_area_alloc();
	if (!rhs) {
		rc = -ENOMEM;
		goto err_free_lhs;
	}

	mutex_lock(&pages->mutex);
	/* Access intervals are per area; they cannot follow a split. */
	if (area->num_accesses) {
		rc = -EINVAL;
		goto err_unlock;
	}

	/* A large IOPTE could straddle the cut. */
	if (area->storage_domain && !iopt->disable_large_pages) {
		rc = -EINVAL;
		goto err_unlock;
	}

	interval_tree_remove(&area->node, &iopt->area_itree);
	rc = iopt_insert_area(iopt, lhs, area->pages, start_iova,
			      iopt_area_start_byte(area, start_iova),
			      (new_start - 1) - start_iova + 1,
			      area->iommu_prot);
	if (WARN_ON(rc))
		goto err_insert;

	rc = iopt_insert_area(iopt, rhs, area->pages, new_start,
			      iopt_area_start_byte(area, new_start),
			      last_iova - new_start + 1, area->iommu_prot);
	if (WARN_ON(rc))
		goto err_remove_lhs;

	/* The domains' contents do not change, only who describes them. */
	if (area->storage_domain) {
		interval_tree_remove(&area->pages_node, &pages->domains_itree);
		interval_tree_insert(&lhs->pages_node, &pages->domains_itree);
		interval_tree_insert(&rhs->pages_node, &pages->domains_itree);
	}

	lhs->storage_domain = area->storage_domain;
	lhs->pages = area->pages;
	rhs->storage_domain = area->storage_domain;
	rhs->pages = area->pages;
	kref_get(&rhs->pages->kref);
	kfree(area);
	mutex_unlock(&pages->mutex);
	return 0;

err_remove_lhs:
	interval_tree_remove(&lhs->node, &iopt->area_itree);
err_insert:
	interval_tree_insert(&area->node, &iopt->area_itree);
err_unlock:
	mutex_unlock(&pages->mutex);
	kfree(rhs);
err_free_lhs:
	kfree(lhs);
	return rc;
}

/**
 * iopt_cut_iova() - split areas so each given IOVA ends an area
 * @iopt: the table
 * @iovas: IOVAs that become the last byte of the left part
 * @num_iovas: how many
 *
 * The vfio type1 partial unmap.  IOVAs outside any area are ignored.
 *
 * Return: 0, -EBUSY, -EINVAL, -ENOMEM; earlier cuts stay done.
 */
int iopt_cut_iova(struct io_pagetable *iopt, unsigned long *iovas,
		  size_t num_iovas)
{
	int rc = 0;
	size_t i;

	down_write(&iopt->iova_rwsem);
	for (i = 0; i < num_iovas; i++) {
		struct iopt_area *area;

		area = iopt_area_iter_first(iopt, iovas[i], iovas[i]);
		if (!area)
			continue;
		rc = iopt_area_split(area, iovas[i]);
		if (rc)
			break;
	}
	up_write(&iopt->iova_rwsem);
	return rc;
}

/**
 * iopt_enable_large_pages() - allow multi-page IOPTEs again
 * @iopt: the table
 */
void iopt_enable_large_pages(struct io_pagetable *iopt)
{
	int rc;

	down_write(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);
	WRITE_ONCE(iopt->disable_large_pages, false);
	rc = iopt_calculate_iova_alignment(iopt);
	WARN_ON(rc);
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
}

/**
 * iopt_disable_large_pages() - map in PAGE_SIZE IOPTEs only
 * @iopt: the table
 *
 * Return: 0, -EINVAL if domains already hold mappings, -EADDRINUSE if an
 * area is not PAGE_SIZE aligned.
 */
int iopt_disable_large_pages(struct io_pagetable *iopt)
{
	int rc = 0;

	down_write(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);
	if (iopt->disable_large_pages)
		goto out_unlock;

	/* Existing maps may already use large IOPTEs. */
	if (!xa_empty(&iopt->domains) &&
	    !RB_EMPTY_ROOT(&iopt->area_itree.rb_root)) {
		rc = -EINVAL;
		goto out_unlock;
	}

	WRITE_ONCE(iopt->disable_large_pages, true);
	rc = iopt_calculate_iova_alignment(iopt);
	if (rc)
		WRITE_ONCE(iopt->disable_large_pages, false);
out_unlock:
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
	return rc;
}

/* ---- dirty tracking ---------------------------------------------------------- */

struct iova_bitmap_fn_arg {
	unsigned long flags;
	struct io_pagetable *iopt;
	struct iommu_domain *domain;
	struct iommu_dirty_bitmap *dirty;
};

/* One bitmap window: read the dirty bits of the areas covering it. */
static int __iommu_read_and_clear_dirty(struct iova_bitmap *bitmap,
					unsigned long iova, size_t length,
					void *opaque)
{
	struct iova_bitmap_fn_arg *arg = opaque;
	struct iommu_domain *domain = arg->domain;
	const struct iommu_dirty_ops *ops = domain->dirty_ops;
	unsigned long last_iova = iova + length - 1;
	struct iopt_area_contig_iter iter;
	struct iopt_area *area;
	int ret;

	iopt_for_each_contig_area(&iter, area, arg->iopt, iova, last_iova) {
		unsigned long last = iopt_area_contig_last(&iter);

		ret = ops->read_and_clear_dirty(domain, iter.cur_iova,
						last - iter.cur_iova + 1,
						arg->flags, arg->dirty);
		if (ret)
			return ret;
	}

	if (!iopt_area_contig_done(&iter))
		return -EINVAL;
	return 0;
}

static int iommu_read_and_clear_dirty(struct iommu_domain *domain,
				      struct io_pagetable *iopt,
				      unsigned long flags,
				      struct iommu_hwpt_get_dirty_bitmap *bitmap)
{
	const struct iommu_dirty_ops *ops = domain->dirty_ops;
	struct iommu_iotlb_gather gather;
	struct iommu_dirty_bitmap dirty;
	struct iova_bitmap_fn_arg arg;
	struct iova_bitmap *iter;
	int ret;

	if (!ops || !ops->read_and_clear_dirty)
		return -EOPNOTSUPP;

	iter = iova_bitmap_alloc(bitmap->iova, bitmap->length,
				 bitmap->page_size,
				 u64_to_user_ptr(bitmap->data));
	if (IS_ERR(iter))
		return -ENOMEM;

	iommu_dirty_bitmap_init(&dirty, iter, &gather);

	arg.flags = flags;
	arg.iopt = iopt;
	arg.domain = domain;
	arg.dirty = &dirty;
	ret = iova_bitmap_for_each(iter, &arg, __iommu_read_and_clear_dirty);

	/* Cleared bits must not be hidden by IOTLB entries that saw a write. */
	if (!(flags & IOMMU_DIRTY_NO_CLEAR))
		iommu_iotlb_sync(domain, &gather);

	iova_bitmap_free(iter);
	return ret;
}

/**
 * iommufd_check_iova_range() - validate a GET_DIRTY_BITMAP range
 * @iopt: the table
 * @bitmap: the user's request
 *
 * Return: 0, -EINVAL (zero length, misaligned, zero page size), or
 * -EOVERFLOW.
 */
int iommufd_check_iova_range(struct io_pagetable *iopt,
			     struct iommu_hwpt_get_dirty_bitmap *bitmap)
{
	size_t iommu_pgsize = iopt->iova_alignment;
	u64 last_iova;

	if (!bitmap->length)
		return -EINVAL;

	if (check_add_overflow(bitmap->iova, bitmap->length - 1, &last_iova))
		return -EOVERFLOW;

	if (bitmap->iova > ULONG_MAX || last_iova > ULONG_MAX)
		return -EOVERFLOW;

	if ((bitmap->iova & (iommu_pgsize - 1)) ||
	    ((last_iova + 1) & (iommu_pgsize - 1)))
		return -EINVAL;

	if (!bitmap->page_size)
		return -EINVAL;

	if ((bitmap->iova & (bitmap->page_size - 1)) ||
	    ((last_iova + 1) & (bitmap->page_size - 1)))
		return -EINVAL;

	return 0;
}

/**
 * iopt_read_and_clear_dirty_data() - report dirty IOVA into a user bitmap
 * @iopt: the table
 * @domain: a domain of the table with dirty tracking
 * @flags: IOMMU_DIRTY_NO_CLEAR or 0
 * @bitmap: the request (range, page size, user bitmap)
 *
 * Return: 0, -EOPNOTSUPP without dirty ops, a range error, -EINVAL for a
 * range not covered by areas, -ENOMEM, -EFAULT.
 */
int iopt_read_and_clear_dirty_data(struct io_pagetable *iopt,
				   struct iommu_domain *domain,
				   unsigned long flags,
				   struct iommu_hwpt_get_dirty_bitmap *bitmap)
{
	int ret;

	ret = iommufd_check_iova_range(iopt, bitmap);
	if (ret)
		return ret;

	down_read(&iopt->iova_rwsem);
	ret = iommu_read_and_clear_dirty(domain, iopt, flags, bitmap);
	up_read(&iopt->iova_rwsem);

	return ret;
}

/* Forget dirty state left from before tracking is (re)enabled. */
static int iopt_clear_dirty_data(struct io_pagetable *iopt,
				 struct iommu_domain *domain)
{
	const struct iommu_dirty_ops *ops = domain->dirty_ops;
	struct iommu_iotlb_gather gather;
	struct iommu_dirty_bitmap dirty;
	struct iopt_area *area;
	int ret = 0;

	lockdep_assert_held_read(&iopt->iova_rwsem);

	iommu_dirty_bitmap_init(&dirty, NULL, &gather);

	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX)) {
		if (!area->pages)
			continue;

		ret = ops->read_and_clear_dirty(domain, iopt_area_iova(area),
						iopt_area_length(area), 0,
						&dirty);
		if (ret)
			break;
	}

	iommu_iotlb_sync(domain, &gather);
	return ret;
}

/**
 * iopt_set_dirty_tracking() - turn a domain's dirty tracking on or off
 * @iopt: the table
 * @domain: a domain of the table
 * @enable: on or off
 *
 * Enabling first clears stale dirty bits so the first read is a clean
 * snapshot.
 *
 * Return: 0, -EOPNOTSUPP without dirty ops, or the driver's error.
 */
int iopt_set_dirty_tracking(struct io_pagetable *iopt,
			    struct iommu_domain *domain, bool enable)
{
	const struct iommu_dirty_ops *ops = domain->dirty_ops;
	int ret = 0;

	if (!ops)
		return -EOPNOTSUPP;

	down_read(&iopt->iova_rwsem);

	if (enable) {
		ret = iopt_clear_dirty_data(iopt, domain);
		if (ret)
			goto out_unlock;
	}

	ret = ops->set_dirty_tracking(domain, enable);

out_unlock:
	up_read(&iopt->iova_rwsem);
	return ret;
}

/* ---- IOMMU_IOAS_CHANGE_PROCESS ----------------------------------------------- */

/* Called with every IOAS's iova_rwsem held: areas cannot change. */
#define for_each_ioas_area(_xa, _index, _ioas, _area)			\
	xa_for_each((_xa), (_index), (_ioas))				\
		for (_area = iopt_area_iter_first(&(_ioas)->iopt, 0,	\
						  ULONG_MAX);		\
		     _area;						\
		     _area = iopt_area_iter_next(_area, 0, ULONG_MAX))

static void iopt_release_all_iova_rwsem(struct iommufd_ctx *ictx,
					struct xarray *ioas_list)
{
	struct iommufd_ioas *ioas;
	unsigned long index;

	xa_for_each(ioas_list, index, ioas) {
		up_write(&ioas->iopt.iova_rwsem);
		refcount_dec(&ioas->obj.users);
	}
	up_write(&ictx->ioas_creation_lock);
	xa_destroy(ioas_list);
}

static int iopt_take_all_iova_rwsem(struct iommufd_ctx *ictx,
				    struct xarray *ioas_list)
{
	struct iommufd_object *obj;
	unsigned long index;
	int rc;

	/*
	 * No IOAS can be created meanwhile; the ones that exist are pinned
	 * with a users reference so a concurrent destroy fails with EBUSY.
	 */
	down_write(&ictx->ioas_creation_lock);
	xa_init_flags(ioas_list, XA_FLAGS_ALLOC);

	xa_lock(&ictx->objects);
	xa_for_each(&ictx->objects, index, obj) {
		struct iommufd_ioas *ioas;

		if (!obj || obj->type != IOMMUFD_OBJ_IOAS)
			continue;
		if (!refcount_inc_not_zero(&obj->users))
			continue;
		xa_unlock(&ictx->objects);

		ioas = container_of(obj, struct iommufd_ioas, obj);
		rc = xa_err(xa_store(ioas_list, index, ioas, GFP_KERNEL));
		if (rc) {
			refcount_dec(&obj->users);
			iopt_release_all_iova_rwsem(ictx, ioas_list);
			return rc;
		}
		/* Any number of them: ioas_creation_lock orders the takers. */
		down_write_nest_lock(&ioas->iopt.iova_rwsem,
				     &ictx->ioas_creation_lock);
		xa_lock(&ictx->objects);
	}
	xa_unlock(&ictx->objects);
	return 0;
}

/* Swap the owner of @pages to current; the old refs are dropped. */
static void iopt_pages_change_owner(struct iopt_pages *pages)
{
	struct task_struct *old_task = pages->source_task;
	struct user_struct *old_user = pages->source_user;
	struct mm_struct *old_mm = pages->source_mm;

	pages->source_mm = current->mm;
	mmgrab(pages->source_mm);
	mmdrop(old_mm);

	pages->source_task = current->group_leader;
	get_task_struct(pages->source_task);
	put_task_struct(old_task);

	pages->source_user = get_uid(current_user());
	free_uid(old_user);
}

/**
 * iopt_change_process() - move the accounting of every mapping to current
 * @ictx: the context
 *
 * IOMMU_IOAS_CHANGE_PROCESS.  Only file-backed mappings can move (their
 * pins do not depend on the old address space); any other mapping makes
 * the whole call fail with -EINVAL.  All-or-nothing: the caller is
 * charged for every pinned page first (each iopt_pages once, however
 * many areas share it); only if all charges succeed are the old owners
 * credited and the owners switched.
 *
 * Return: 0, -EINVAL, -ENOMEM (the new owner is over its limit).
 */
int iopt_change_process(struct iommufd_ctx *ictx)
{
	unsigned long all_npinned[IOPT_PAGES_ACCOUNT_MODE_NUM] = {};
	struct task_struct *task = current->group_leader;
	struct user_struct *user = current_user();
	struct mm_struct *mm = current->mm;
	struct xarray pages_seen;
	struct iommufd_ioas *ioas;
	struct xarray ioas_list;
	struct iopt_pages *pages;
	struct iopt_area *area;
	unsigned long index;
	unsigned int mode;
	int rc;

	if (!mm)
		return -EINVAL;

	rc = iopt_take_all_iova_rwsem(ictx, &ioas_list);
	if (rc)
		return rc;

	xa_init(&pages_seen);
	for_each_ioas_area(&ioas_list, index, ioas, area) {
		/* A map still being built or torn down; it is the caller's. */
		if (!area->pages) {
			rc = -EBUSY;
			goto out_unlock;
		}
		if (area->pages->type != IOPT_ADDRESS_FILE) {
			rc = -EINVAL;
			goto out_unlock;
		}
	}

	/*
	 * Collect each iopt_pages once (COPY shares them between areas and
	 * IOASes).  With every iova_rwsem held for write nothing can pin or
	 * unpin through any area (pins, rw and fills all need iova_rwsem),
	 * so npinned == last_npinned stays true until we let go; each
	 * pages->mutex is taken only briefly, as lockdep wants one at a time.
	 */
	for_each_ioas_area(&ioas_list, index, ioas, area) {
		unsigned long key = (uintptr_t)area->pages / sizeof(void *);

		pages = area->pages;
		if (pages->source_mm == mm)
			continue;
		if (xa_load(&pages_seen, key))
			continue;
		rc = xa_err(xa_store(&pages_seen, key, pages, GFP_KERNEL));
		if (rc)
			goto out_unlock;
		mutex_lock(&pages->mutex);
		WARN_ON(pages->npinned != pages->last_npinned);
		all_npinned[pages->account_mode] += pages->last_npinned;
		mutex_unlock(&pages->mutex);
	}

	for (mode = 0; mode != IOPT_PAGES_ACCOUNT_MODE_NUM; mode++) {
		if (!all_npinned[mode])
			continue;
		rc = iopt_pages_charge_owner(task, mm, user, mode,
					     all_npinned[mode], true);
		if (rc)
			break;
	}
	if (rc) {
		/* Undo the modes already charged; nothing else changed. */
		while (mode--)
			if (all_npinned[mode])
				iopt_pages_charge_owner(task, mm, user, mode,
							all_npinned[mode],
							false);
		goto out_unlock;
	}

	xa_for_each(&pages_seen, index, pages) {
		unsigned long npinned;

		mutex_lock(&pages->mutex);
		npinned = pages->last_npinned;
		/* Credit the old owner, then hand the pins over. */
		iopt_pages_update_pinned(pages, npinned, false);
		iopt_pages_change_owner(pages);
		pages->last_npinned = npinned;
		mutex_unlock(&pages->mutex);
	}

out_unlock:
	xa_destroy(&pages_seen);
	iopt_release_all_iova_rwsem(ictx, &ioas_list);
	return rc;
}

/* ---- debug: simulator-level invariants ------------------------------------ */

static int iopt_check_pages(struct io_pagetable *iopt, struct iopt_pages *pages)
{
	struct interval_tree_node *node;
	unsigned long covered = 0;
	struct interval_tree_span_iter span;
	unsigned long index;
	int problems = 0;
	void *entry;

	lockdep_assert_held(&pages->mutex);

	/*
	 * npinned counts distinct slots covered by either tree.  Walk the
	 * union with the double-span iterator: used spans of either tree.
	 */
	{
		struct interval_tree_double_span_iter dspan;

		interval_tree_for_each_double_span(&dspan,
						   &pages->access_itree,
						   &pages->domains_itree, 0,
						   pages->npages ?
							   pages->npages - 1 :
							   0) {
			if (dspan.is_used)
				covered += dspan.last_used -
					   dspan.start_used + 1;
		}
	}
	if (WARN(pages->npinned != covered,
		 "npinned %zu, %lu slots covered", pages->npinned, covered))
		problems++;
	if (WARN_ON(pages->npinned != pages->last_npinned))
		problems++;

	/* The xarray holds exactly the access-covered slots. */
	interval_tree_for_each_span(&span, &pages->access_itree, 0,
				    pages->npages ? pages->npages - 1 : 0) {
		unsigned long i;

		if (span.is_hole)
			continue;
		for (i = span.start_used; i <= span.last_used; i++)
			if (WARN_ON(!xa_is_value(
				    xa_load(&pages->pinned_pfns, i))))
				problems++;
	}
	xa_for_each(&pages->pinned_pfns, index, entry) {
		if (WARN_ON(!interval_tree_iter_first(&pages->access_itree,
						      index, index)))
			problems++;
	}

	/* Every area in domains_itree has a storage domain of some iopt. */
	for (node = interval_tree_iter_first(&pages->domains_itree, 0,
					     ULONG_MAX);
	     node; node = interval_tree_iter_next(node, 0, ULONG_MAX)) {
		struct iopt_area *area =
			container_of(node, struct iopt_area, pages_node);

		if (WARN_ON(!area->storage_domain))
			problems++;
	}
	return problems;
}

/**
 * iopt_check_invariants() - check the simulator-level invariants of a table
 * @iopt: the table; no operation may be in flight on it
 *
 * Checks, each with a WARN (so a violation also fails the test's audit):
 * the alignment equals its recomputation; every published area of a table
 * with domains has a storage domain that is one of the table's domains and
 * is in its pages' domains_itree, and no area otherwise; num_locks does
 * not exceed num_accesses; every domain translates every slot of each
 * published area, all domains to the same frame as the storage domain,
 * and to the xarray's PFN where an access holds the slot; per iopt_pages, npinned equals the slots covered by the two trees and
 * the xarray holds exactly the access-covered slots.
 *
 * Return: the number of problems found.
 */
int iopt_check_invariants(struct io_pagetable *iopt)
{
	struct iommu_domain *domain;
	struct iopt_area *area;
	unsigned long index;
	int problems = 0;

	down_read(&iopt->domains_rwsem);
	down_read(&iopt->iova_rwsem);

	if (WARN_ON(iopt->iova_alignment != iopt_wanted_iova_alignment(iopt)))
		problems++;
	if (WARN_ON(iopt->next_domain_id != 0 &&
		    !xa_load(&iopt->domains, iopt->next_domain_id - 1)))
		problems++;

	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX)) {
		struct iopt_pages *pages = area->pages;
		bool storage_ok = false;

		if (WARN_ON(!pages)) {
			problems++;
			continue;
		}

		mutex_lock(&pages->mutex);
		if (WARN_ON(area->num_locks > area->num_accesses))
			problems++;

		xa_for_each(&iopt->domains, index, domain)
			if (domain == area->storage_domain)
				storage_ok = true;
		if (iopt->next_domain_id) {
			struct interval_tree_node *node;
			bool in_tree = false;

			for (node = interval_tree_iter_first(
				     &pages->domains_itree,
				     iopt_area_index(area),
				     iopt_area_last_index(area));
			     node; node = interval_tree_iter_next(
					   node, iopt_area_index(area),
					   iopt_area_last_index(area)))
				if (node == &area->pages_node)
					in_tree = true;
			if (WARN_ON(!storage_ok || !in_tree))
				problems++;
		} else if (WARN_ON(area->storage_domain)) {
			problems++;
		}

		/* Every domain translates the area to the same frames. */
		xa_for_each(&iopt->domains, index, domain) {
			if (!area->storage_domain)
				break;
			unsigned long idx;

			for (idx = iopt_area_index(area);
			     idx <= iopt_area_last_index(area); idx++) {
				unsigned long iova =
					iopt_area_index_to_iova(area, idx);
				unsigned long off =
					idx == iopt_area_index(area) ?
						area->page_offset : 0;
				phys_addr_t phys =
					iommu_iova_to_phys(domain, iova);
				void *entry = xa_load(&pages->pinned_pfns, idx);
				phys_addr_t want;

				if (WARN_ON(!phys)) {
					problems++;
					break;
				}
				want = iommu_iova_to_phys(area->storage_domain,
							  iova);
				if (WARN_ON(phys != want)) {
					problems++;
					break;
				}
				if (entry &&
				    WARN_ON(PHYS_PFN(phys - off) !=
					    xa_to_value(entry))) {
					problems++;
					break;
				}
			}
		}

		problems += iopt_check_pages(iopt, pages);
		mutex_unlock(&pages->mutex);
	}

	up_read(&iopt->iova_rwsem);
	up_read(&iopt->domains_rwsem);
	return problems;
}
