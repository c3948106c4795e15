/* SPDX-License-Identifier: GPL-2.0 */
/*
 * io_pagetable.h - the IOVA layout of an IOAS and the page storage behind it.
 *
 * An io_pagetable (struct io_pagetable, in iommufd_private.h) is a set of
 * non-overlapping IOVA intervals, the areas.  Each area is a window onto
 * an iopt_pages: a logical array of PAGE_SIZE slots backed by user memory
 * (a user VA range) or by a file (a memfd range).  Several areas, in one
 * IOAS or in several (IOMMU_IOAS_COPY, vfio split), may look at the same
 * iopt_pages; its slots are pinned once no matter how many areas, domains
 * and in-kernel accesses use them.
 *
 * Intervals are inclusive everywhere: node.last is the last byte of IOVA
 * (or the last page index), never one past it, so a range that ends at
 * ULONG_MAX can be represented.
 *
 * Locking (outer to inner): iopt->domains_rwsem -> iopt->iova_rwsem ->
 * pages->mutex.  Which lock protects which field is written next to it.
 */
#ifndef __IO_PAGETABLE_H
#define __IO_PAGETABLE_H

#include <linux/interval_tree.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/xarray.h>

#include "iommufd_private.h"

struct iommu_domain;
struct file;
struct mm_struct;
struct task_struct;
struct user_struct;

/**
 * struct iopt_area - one mapping of an IOAS
 * @node: the IOVA interval [start, last]; in iopt->area_itree, changed
 *	  only under iova_rwsem (write)
 * @pages_node: the page-index interval of @pages this area covers; in
 *		pages->domains_itree while @storage_domain is set.  Protected
 *		by pages->mutex
 * @iopt: the io_pagetable the area is inserted in (NULL before insertion)
 * @pages: the storage.  NULL while the area is being built by a map or
 *	   torn down by an unmap: such an area claims its IOVA but is not
 *	   usable, and every other path must leave it alone
 * @storage_domain: the domain the area's PFNs are read back from when
 *		    no access holds them in pages->pinned_pfns; NULL when the
 *		    IOAS has no domain.  Protected by pages->mutex
 * @page_offset: byte offset of the first IOVA inside the first page
 * @iommu_prot: IOMMU_READ/WRITE/CACHE, fixed at creation
 * @prevent_access: set by unmap before it asks accesses to unpin: new
 *		    pins and rw on this area fail from then on
 * @num_accesses: access pins (iopt_area_add_access) on this area.  Changed
 *		  under pages->mutex while iova_rwsem is held, so holding
 *		  iova_rwsem for write is enough to read it
 * @num_locks: the share of @num_accesses taken by internal accesses; unmap
 *	       of the area is refused (-EBUSY) while it is non-zero.  Same
 *	       locking as @num_accesses.  (The seed threads call this
 *	       "num_locked"; we use the merged name.)
 */
struct iopt_area {
	struct interval_tree_node node;
	struct interval_tree_node pages_node;
	struct io_pagetable *iopt;
	struct iopt_pages *pages;
	struct iommu_domain *storage_domain;
	int iommu_prot;
	bool prevent_access : 1;
	unsigned int page_offset;
	unsigned int num_accesses;
	unsigned int num_locks;
};

/* An IOVA range user space allowed for automatic allocation. */
struct iopt_allowed {
	struct interval_tree_node node;
};

/*
 * An IOVA range that may never become an area: outside a domain's
 * aperture (owner = the domain), a device's reserved region (owner = the
 * device), or a test/compat reservation (owner = NULL).
 */
struct iopt_reserved {
	struct interval_tree_node node;
	void *owner;
};

/* Where the slots of an iopt_pages come from. */
enum iopt_address_type {
	IOPT_ADDRESS_USER = 0,	/* a user VA range, pinned with GUP */
	IOPT_ADDRESS_FILE = 1,	/* a memfd range, pinned by file offset */
};

/**
 * struct iopt_pages - a logical array of pages and where its PFNs live
 * @kref: areas and copy lists hold references
 * @mutex: protects everything below that is not immutable, plus the
 *	   area fields documented as such
 * @npages: slots in the array
 * @npinned: slots currently pinned (each pinned exactly once)
 * @last_npinned: @npinned as last charged to the accounting; between a
 *		  pin and the charge that follows it the two differ
 * @source_task: group leader of the mapping process (referenced); its
 *		 RLIMIT_MEMLOCK applies in USER mode
 * @source_mm: mm of the mapping process (mmgrab); pinned_vm is kept here
 *	       and GUP of USER pages goes through it
 * @source_user: user_struct charged in USER mode (get_uid)
 * @type: USER or FILE: which member of the union is valid
 * @uptr: USER: page-aligned user address of slot 0
 * @file: FILE: the file (referenced)
 * @start: FILE: page-aligned byte offset in @file of slot 0
 * @writable: pins are taken for write and device writes are allowed
 * @account_mode: IOPT_PAGES_ACCOUNT_*
 * @pinned_pfns: PFNs (xa value entries) of the slots an access holds
 * @access_itree: struct iopt_pages_access interval locks
 * @domains_itree: pages_node of every area whose storage_domain is set
 */
struct iopt_pages {
	struct kref kref;
	struct mutex mutex;
	size_t npages;
	size_t npinned;
	size_t last_npinned;
	struct task_struct *source_task;
	struct mm_struct *source_mm;
	struct user_struct *source_user;
	enum iopt_address_type type;
	union {
		void __user *uptr;		/* IOPT_ADDRESS_USER */
		struct {			/* IOPT_ADDRESS_FILE */
			struct file *file;
			unsigned long start;
		};
	};
	bool writable : 1;
	u8 account_mode;

	struct xarray pinned_pfns;
	struct rb_root_cached access_itree;
	struct rb_root_cached domains_itree;
};

/**
 * struct iopt_pages_access - an interval lock on iopt_pages slots
 * @node: page-index interval, in pages->access_itree
 * @users: pins with exactly this interval
 *
 * While it exists every slot in @node is pinned and its PFN is in
 * pages->pinned_pfns.  Overlapping intervals are separate nodes; a pin is
 * matched to its node by the exact interval.
 */
struct iopt_pages_access {
	struct interval_tree_node node;
	unsigned int users;
};

/**
 * struct iopt_pages_list - one piece of a map request
 * @pages: storage (a reference, moved into @area when the map commits)
 * @area: the area being built for it, or NULL
 * @next: on the request's list
 * @start_byte: byte offset of the first IOVA in @pages
 * @length: bytes
 */
struct iopt_pages_list {
	struct iopt_pages *pages;
	struct iopt_area *area;
	struct list_head next;
	unsigned long start_byte;
	unsigned long length;
};

/* ---- area geometry ---------------------------------------------------- */

static inline unsigned long iopt_area_index(struct iopt_area *area)
{
	return area->pages_node.start;
}

static inline unsigned long iopt_area_last_index(struct iopt_area *area)
{
	return area->pages_node.last;
}

static inline unsigned long iopt_area_iova(struct iopt_area *area)
{
	return area->node.start;
}

static inline unsigned long iopt_area_last_iova(struct iopt_area *area)
{
	return area->node.last;
}

static inline size_t iopt_area_length(struct iopt_area *area)
{
	return (area->node.last - area->node.start) + 1;
}

/*
 * Byte position of @iova inside the area's iopt_pages: counts from byte 0
 * of slot 0, so it includes the area's first index and its page_offset.
 */
static inline unsigned long iopt_area_start_byte(struct iopt_area *area,
						 unsigned long iova)
{
	if (IS_ENABLED(CONFIG_IOMMUFD_TEST))
		WARN_ON(iova < iopt_area_iova(area) ||
			iova > iopt_area_last_iova(area));
	return (iova - iopt_area_iova(area)) + area->page_offset +
	       iopt_area_index(area) * PAGE_SIZE;
}

static inline unsigned long iopt_area_iova_to_index(struct iopt_area *area,
						    unsigned long iova)
{
	return iopt_area_start_byte(area, iova) / PAGE_SIZE;
}

/*
 * First IOVA of slot @index.  The area's first slot starts page_offset
 * bytes into its page, so its first IOVA is the area's start; every later
 * slot starts on a page boundary relative to the area.
 */
static inline unsigned long iopt_area_index_to_iova(struct iopt_area *area,
						    unsigned long index)
{
	if (IS_ENABLED(CONFIG_IOMMUFD_TEST))
		WARN_ON(index < iopt_area_index(area) ||
			index > iopt_area_last_index(area));
	index -= iopt_area_index(area);
	if (index == 0)
		return iopt_area_iova(area);
	return iopt_area_iova(area) - area->page_offset + index * PAGE_SIZE;
}

/* Last IOVA (inclusive) of slot @index; the last slot may be partial. */
static inline unsigned long iopt_area_index_to_iova_last(struct iopt_area *area,
							 unsigned long index)
{
	if (IS_ENABLED(CONFIG_IOMMUFD_TEST))
		WARN_ON(index < iopt_area_index(area) ||
			index > iopt_area_last_index(area));
	if (index == iopt_area_last_index(area))
		return iopt_area_last_iova(area);
	return iopt_area_iova(area) - area->page_offset +
	       (index - iopt_area_index(area) + 1) * PAGE_SIZE - 1;
}

/* ---- tree iterators ----------------------------------------------------- */

/*
 * The three IOVA trees of an io_pagetable are read under iova_rwsem; the
 * helpers below return the containing structure of the first/next node
 * intersecting [start, last].
 */
#define __make_iopt_iter(name)						\
	static inline struct iopt_##name *iopt_##name##_iter_first(	\
		struct io_pagetable *iopt, unsigned long start,		\
		unsigned long last)					\
	{								\
		struct interval_tree_node *node;			\
									\
		lockdep_assert_held(&iopt->iova_rwsem);			\
		node = interval_tree_iter_first(&iopt->name##_itree,	\
						start, last);		\
		if (!node)						\
			return NULL;					\
		return container_of(node, struct iopt_##name, node);	\
	}								\
	static inline struct iopt_##name *iopt_##name##_iter_next(	\
		struct iopt_##name *last_node, unsigned long start,	\
		unsigned long last)					\
	{								\
		struct interval_tree_node *node;			\
									\
		node = interval_tree_iter_next(&last_node->node, start, last); \
		if (!node)						\
			return NULL;					\
		return container_of(node, struct iopt_##name, node);	\
	}

__make_iopt_iter(area)
__make_iopt_iter(allowed)
__make_iopt_iter(reserved)

/**
 * struct iopt_area_contig_iter - walk areas that abut exactly
 * @cur_iova: first IOVA of the current area that lies in the walk
 * @last_iova: last IOVA of the walk (inclusive)
 * @area: the current area; NULL once a gap or an unusable area stopped
 *	  the walk
 *
 * Used by every path that needs [iova, last_iova] covered without holes
 * (access pin/unpin/rw, copy, dirty read).  After the loop
 * iopt_area_contig_done() says whether the walk reached @last_iova.
 */
struct iopt_area_contig_iter {
	unsigned long cur_iova;
	unsigned long last_iova;
	struct iopt_area *area;
};

struct iopt_area *iopt_area_contig_init(struct iopt_area_contig_iter *iter,
					struct io_pagetable *iopt,
					unsigned long iova,
					unsigned long last_iova);
struct iopt_area *iopt_area_contig_next(struct iopt_area_contig_iter *iter);

static inline bool iopt_area_contig_done(struct iopt_area_contig_iter *iter)
{
	if (!iter->area || !iter->area->pages)
		return false;
	return iopt_area_last_iova(iter->area) >= iter->last_iova;
}

/* Last IOVA of the current area that lies inside the walk. */
static inline unsigned long
iopt_area_contig_last(struct iopt_area_contig_iter *iter)
{
	return min(iter->last_iova, iopt_area_last_iova(iter->area));
}

#define iopt_for_each_contig_area(iter, area, iopt, iova, last_iova)	\
	for (area = iopt_area_contig_init(iter, iopt, iova, last_iova); \
	     area; area = iopt_area_contig_next(iter))

/* ---- iopt_pages (pages.c) ---------------------------------------------- */

struct iopt_pages *iopt_alloc_user_pages(void __user *uptr,
					 unsigned long length, bool writable);
struct iopt_pages *iopt_alloc_file_pages(struct file *file,
					 unsigned long start,
					 unsigned long length, bool writable);
void iopt_release_pages(struct kref *kref);

static inline void iopt_put_pages(struct iopt_pages *pages)
{
	kref_put(&pages->kref, iopt_release_pages);
}

int iopt_area_fill_domains(struct iopt_area *area, struct iopt_pages *pages);
void iopt_area_unfill_domains(struct iopt_area *area,
			      struct iopt_pages *pages);
int iopt_area_fill_domain(struct iopt_area *area, struct iommu_domain *domain);
void iopt_area_unfill_domain(struct iopt_area *area, struct iopt_pages *pages,
			     struct iommu_domain *domain);
void iopt_area_unmap_domain(struct iopt_area *area,
			    struct iommu_domain *domain);

int iopt_area_add_access(struct iopt_area *area, unsigned long start_index,
			 unsigned long last_index, struct page **out_pages,
			 unsigned int flags, bool lock_area);
void iopt_area_remove_access(struct iopt_area *area, unsigned long start_index,
			     unsigned long last_index, bool unlock_area);
int iopt_pages_rw_access(struct iopt_pages *pages, unsigned long start_byte,
			 void *data, unsigned long length, unsigned int flags);

int iopt_pages_update_pinned(struct iopt_pages *pages, unsigned long npages,
			     bool inc);
int iopt_pages_charge_owner(struct task_struct *task, struct mm_struct *mm,
			    struct user_struct *user, u8 account_mode,
			    unsigned long npages, bool inc);

/* The memfd behind a file of IOPT_ADDRESS_FILE pages (see pages.c). */
struct kshim_memfd *iopt_file_memfd(struct file *file);

/*
 * Largest IOVA alignment automatic allocation tries to keep from the
 * user address: the transparent huge page size.
 */
#define IOPT_MAX_ALLOC_ALIGNMENT	HPAGE_SIZE

/* ---- io_pagetable debug ----------------------------------------------- */

int iopt_check_invariants(struct io_pagetable *iopt);

#endif /* __IO_PAGETABLE_H */
