// SPDX-License-Identifier: GPL-2.0
/*
 * pages.c - PFN storage for io_pagetable areas.
 *
 * An iopt_pages is a logical array of PAGE_SIZE slots over user memory or
 * a memfd.  The PFN of a slot can be found in one of three places, tried
 * in this order:
 *
 *   1. pages->pinned_pfns, an xarray of value entries.  It holds exactly
 *      the slots covered by an in-kernel access (pages->access_itree).
 *   2. An iommu_domain.  A slot covered by an area in pages->domains_itree
 *      is mapped in that area's storage_domain and its PFN is read back
 *      with iommu_iova_to_phys(); it is not duplicated in the xarray.
 *   3. The origin: GUP on the source mm, or the memfd by file offset.
 *
 * A slot is pinned while (and only while) one of the two trees covers
 * it, and it is pinned once however many areas, domains and accesses use
 * it.  The code below keeps that invariant through every fill, unfill and
 * error path.  Two more rules shape it:
 *
 *   - A PFN is never unpinned while a domain still translates to it:
 *     every unfill unmaps first and unpins after.
 *   - Paths that tear things down cannot fail.  They run with small
 *     on-stack buffers when an allocation is refused, and unmapping from
 *     a domain never allocates.
 *
 * PFNs move around in a pfn_batch, a run-length list of contiguous PFNs;
 * a pfn_reader produces batches for a slot range from the best tier.
 * Domains are mapped one contiguous run per iommu_map() call, which lets
 * the IOMMU use large IOPTEs; consequently an unmap may only cut a domain
 * where PFNs are discontiguous (see __iopt_area_unfill_domain()).
 *
 * Pinned-memory accounting is settled after the fact: pins raise
 * pages->npinned as they happen and the difference to last_npinned is
 * charged (or credited) in one step when an operation completes.
 */
#include <linux/bug.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/interval_tree.h>
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/user.h>
#include <linux/cred.h>
#include <linux/capability.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <kshim/memfd_file.h>
#include <kshim/umem.h>

#include "double_span.h"
#include "io_pagetable.h"

/*
 * Upper bound of a temporary buffer (batches, GUP page lists).  The test
 * uAPI (IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT) lowers it so that small test
 * mappings walk the multi-batch paths.
 */
size_t iommufd_test_memory_limit = 65536;
#define TEMP_MEMORY_LIMIT	iommufd_test_memory_limit

/* Size in u64 of the on-stack batch used by paths that must not fail. */
#define BATCH_BACKUP_SIZE	32

/*
 * Allocate a scratch buffer of up to *@size bytes, and say in *@size how
 * much was obtained: the full request capped at TEMP_MEMORY_LIMIT, else a
 * single page, else @backup (when the caller has one).  NULL only when
 * everything failed and there is no backup.
 */
static void *temp_kmalloc(size_t *size, void *backup, size_t backup_len)
{
	const gfp_t gfp_try = GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY;
	size_t want = *size;
	void *buf;

	if (WARN_ON(!want))
		return NULL;
	/* A request the caller's stack buffer can hold needs no allocation. */
	if (want < backup_len)
		return backup;
	/*
	 * Callers with a backup are on paths that must not fail, so only
	 * the others are a fault point of their own.
	 */
	if (!backup && iommufd_should_fail())
		return NULL;

	*size = min_t(size_t, want, TEMP_MEMORY_LIMIT);
	buf = kmalloc(*size, gfp_try);
	if (buf)
		return buf;

	/* One page always lets the caller make progress. */
	*size = PAGE_SIZE;
	if (!backup_len)
		return kmalloc(*size, GFP_KERNEL);
	buf = kmalloc(*size, gfp_try);
	if (buf)
		return buf;
	*size = backup_len;
	return backup;
}

/* ---- helpers over the two trees of an iopt_pages ----------------------- */

/* The area (with a storage domain) whose pages_node covers @index. */
static struct iopt_area *iopt_pages_find_domain_area(struct iopt_pages *pages,
						     unsigned long index)
{
	struct interval_tree_node *node;

	node = interval_tree_iter_first(&pages->domains_itree, index, index);
	if (!node)
		return NULL;
	return container_of(node, struct iopt_area, pages_node);
}

static struct iopt_pages_access *
iopt_pages_get_exact_access(struct iopt_pages *pages, unsigned long index,
			    unsigned long last)
{
	struct interval_tree_node *node;

	lockdep_assert_held(&pages->mutex);

	/* Accesses may overlap: only an identical interval matches. */
	for (node = interval_tree_iter_first(&pages->access_itree, index, last);
	     node; node = interval_tree_iter_next(node, index, last))
		if (node->start == index && node->last == last)
			return container_of(node, struct iopt_pages_access,
					    node);
	return NULL;
}

static void iopt_pages_add_npinned(struct iopt_pages *pages, size_t npages)
{
	int rc;

	rc = check_add_overflow(pages->npinned, npages, &pages->npinned);
	if (IS_ENABLED(CONFIG_IOMMUFD_TEST))
		WARN_ON(rc || pages->npinned > pages->npages);
}

static void iopt_pages_sub_npinned(struct iopt_pages *pages, size_t npages)
{
	int rc;

	rc = check_sub_overflow(pages->npinned, npages, &pages->npinned);
	if (IS_ENABLED(CONFIG_IOMMUFD_TEST))
		WARN_ON(rc || pages->npinned > pages->npages);
}

/* Undo a pin of slots [start_index, last_index] held in @page_list. */
static void iopt_pages_err_unpin(struct iopt_pages *pages,
				 unsigned long start_index,
				 unsigned long last_index,
				 struct page **page_list)
{
	unsigned long npages = last_index - start_index + 1;

	unpin_user_pages(page_list, npages);
	iopt_pages_sub_npinned(pages, npages);
}

/* ---- unmapping from a domain ------------------------------------------- */

/*
 * Drivers may neither fail nor allocate on unmap, and the range always
 * starts and ends on map-call boundaries, so anything but the full size
 * coming back is a bug.
 */
static void iommu_unmap_nofail(struct iommu_domain *domain, unsigned long iova,
			       size_t size)
{
	size_t ret;

	ret = iommu_unmap(domain, iova, size);
	WARN_ON(ret != size);
}

static void iopt_area_unmap_domain_range(struct iopt_area *area,
					 struct iommu_domain *domain,
					 unsigned long start_index,
					 unsigned long last_index)
{
	unsigned long start_iova = iopt_area_index_to_iova(area, start_index);

	iommu_unmap_nofail(domain, start_iova,
			   iopt_area_index_to_iova_last(area, last_index) -
				   start_iova + 1);
}

/**
 * iopt_area_unmap_domain() - unmap a whole area from one domain
 * @area: the area
 * @domain: a domain the area is mapped in
 *
 * Nothing is unpinned: the caller knows another domain or an access keeps
 * the PFNs.
 */
void iopt_area_unmap_domain(struct iopt_area *area, struct iommu_domain *domain)
{
	iommu_unmap_nofail(domain, iopt_area_iova(area), iopt_area_length(area));
}

/* ---- pfn_batch --------------------------------------------------------- */

/*
 * A pfn_batch is a list of runs: run i is npfns[i] consecutive PFNs from
 * pfns[i].  @total_pfns is the sum of npfns[0..end).
 */
struct pfn_batch {
	unsigned long *pfns;
	u32 *npfns;
	unsigned int array_size;
	unsigned int end;
	unsigned int total_pfns;
};

static void batch_clear(struct pfn_batch *batch)
{
	batch->total_pfns = 0;
	batch->end = 0;
	batch->pfns[0] = 0;
	batch->npfns[0] = 0;
}

/*
 * The unfill path reads PFNs past the point it may unpin, up to where a
 * run breaks, so it can unmap whole runs.  Those extra PFNs are the
 * "carry": they stay at the front of the batch for the next span.  This
 * keeps only the last @keep_pfns PFNs, which are all in the last run.
 */
static void batch_clear_carry(struct pfn_batch *batch, unsigned int keep_pfns)
{
	if (!keep_pfns)
		return batch_clear(batch);

	if (IS_ENABLED(CONFIG_IOMMUFD_TEST))
		WARN_ON(!batch->end ||
			batch->npfns[batch->end - 1] < keep_pfns);

	batch->total_pfns = keep_pfns;
	batch->pfns[0] = batch->pfns[batch->end - 1] +
			 (batch->npfns[batch->end - 1] - keep_pfns);
	batch->npfns[0] = keep_pfns;
	batch->end = 1;
}

/* Drop up to @skip_pfns carried PFNs from the front (they stay pinned). */
static void batch_skip_carry(struct pfn_batch *batch, unsigned int skip_pfns)
{
	if (!batch->total_pfns)
		return;
	if (IS_ENABLED(CONFIG_IOMMUFD_TEST))
		WARN_ON(batch->total_pfns != batch->npfns[0]);
	skip_pfns = min(batch->total_pfns, skip_pfns);
	batch->pfns[0] += skip_pfns;
	batch->npfns[0] -= skip_pfns;
	batch->total_pfns -= skip_pfns;
}

static int __batch_init(struct pfn_batch *batch, size_t max_pages, void *backup,
			size_t backup_len)
{
	const size_t elmsz = sizeof(*batch->pfns) + sizeof(*batch->npfns);
	size_t size = max_pages * elmsz;

	batch->pfns = temp_kmalloc(&size, backup, backup_len);
	if (!batch->pfns)
		return -ENOMEM;
	if (IS_ENABLED(CONFIG_IOMMUFD_TEST) && WARN_ON(size < elmsz))
		return -EINVAL;
	batch->array_size = size / elmsz;
	batch->npfns = (u32 *)(batch->pfns + batch->array_size);
	batch_clear(batch);
	return 0;
}

static int batch_init(struct pfn_batch *batch, size_t max_pages)
{
	return __batch_init(batch, max_pages, NULL, 0);
}

/* For paths that cannot fail: falls back to @backup, never returns error. */
static void batch_init_backup(struct pfn_batch *batch, size_t max_pages,
			      void *backup, size_t backup_len)
{
	__batch_init(batch, max_pages, backup, backup_len);
}

static void batch_destroy(struct pfn_batch *batch, void *backup)
{
	if (batch->pfns != backup)
		kfree(batch->pfns);
}

/*
 * Append one PFN, extending the last run when it is contiguous (and the
 * run's u32 count has room).  False when the batch is full.
 */
static bool batch_add_pfn(struct pfn_batch *batch, unsigned long pfn)
{
	const u32 MAX_NPFNS = U32_MAX;

	if (batch->end &&
	    pfn == batch->pfns[batch->end - 1] + batch->npfns[batch->end - 1] &&
	    batch->npfns[batch->end - 1] != MAX_NPFNS) {
		batch->npfns[batch->end - 1]++;
		batch->total_pfns++;
		return true;
	}
	if (batch->end == batch->array_size)
		return false;
	batch->total_pfns++;
	batch->pfns[batch->end] = pfn;
	batch->npfns[batch->end] = 1;
	batch->end++;
	return true;
}

/* Read back the PFNs of slots [start_index, last_index] from @domain. */
static void batch_from_domain(struct pfn_batch *batch,
			      struct iommu_domain *domain,
			      struct iopt_area *area, unsigned long start_index,
			      unsigned long last_index)
{
	unsigned int page_offset = 0;
	unsigned long iova;
	phys_addr_t phys;

	iova = iopt_area_index_to_iova(area, start_index);
	if (start_index == iopt_area_index(area))
		page_offset = area->page_offset;
	while (start_index <= last_index) {
		/*
		 * The first slot of an area is mapped from page_offset on;
		 * remove it to get back to the start of the frame.
		 */
		phys = iommu_iova_to_phys(domain, iova) - page_offset;
		if (!batch_add_pfn(batch, PHYS_PFN(phys)))
			return;
		iova += PAGE_SIZE - page_offset;
		page_offset = 0;
		start_index++;
	}
}

/*
 * Like batch_from_domain(), but only while the PFNs extend the batch's
 * last run: no new run may start.  Used to find the end of the run the
 * unfill is about to unmap.
 */
static void batch_from_domain_continue(struct pfn_batch *batch,
				       struct iommu_domain *domain,
				       struct iopt_area *area,
				       unsigned long start_index,
				       unsigned long last_index)
{
	unsigned int array_size = batch->array_size;

	batch->array_size = batch->end;
	batch_from_domain(batch, domain, area, start_index, last_index);
	batch->array_size = array_size;
}

/* The struct page of slots [start_index, last_index] read from @domain. */
static struct page **raw_pages_from_domain(struct iommu_domain *domain,
					   struct iopt_area *area,
					   unsigned long start_index,
					   unsigned long last_index,
					   struct page **out_pages)
{
	unsigned int page_offset = 0;
	unsigned long iova;
	phys_addr_t phys;

	iova = iopt_area_index_to_iova(area, start_index);
	if (start_index == iopt_area_index(area))
		page_offset = area->page_offset;
	while (start_index <= last_index) {
		phys = iommu_iova_to_phys(domain, iova) - page_offset;
		*(out_pages++) = pfn_to_page(PHYS_PFN(phys));
		iova += PAGE_SIZE - page_offset;
		page_offset = 0;
		start_index++;
	}
	return out_pages;
}

/*
 * With large pages disabled every IOPTE is PAGE_SIZE and every iommu_map()
 * call maps one page, so any page boundary is a legal unmap cut (what
 * the vfio type1 partial unmap relies on).
 */
static int batch_iommu_map_small(struct iommu_domain *domain,
				 unsigned long iova, phys_addr_t paddr,
				 size_t size, int prot)
{
	unsigned long start_iova = iova;
	int rc;

	if (IS_ENABLED(CONFIG_IOMMUFD_TEST))
		WARN_ON(paddr % PAGE_SIZE || iova % PAGE_SIZE ||
			size % PAGE_SIZE);

	while (size) {
		rc = iommu_map(domain, iova, paddr, PAGE_SIZE, prot,
			       GFP_KERNEL_ACCOUNT);
		if (rc)
			goto err_unmap;
		iova += PAGE_SIZE;
		paddr += PAGE_SIZE;
		size -= PAGE_SIZE;
	}
	return 0;

err_unmap:
	if (start_iova != iova)
		iommu_unmap_nofail(domain, start_iova, iova - start_iova);
	return rc;
}

/*
 * Map the batch into @domain at the IOVA of slot @start_index, one
 * iommu_map() per run.  The first slot of the area starts at page_offset
 * and the last run stops at the area's last IOVA.  On failure whatever
 * this call mapped is unmapped again.
 */
static int batch_to_domain(struct pfn_batch *batch, struct iommu_domain *domain,
			   struct iopt_area *area, unsigned long start_index)
{
	bool disable_large_pages = area->iopt->disable_large_pages;
	unsigned long last_iova = iopt_area_last_iova(area);
	unsigned int page_offset = 0;
	unsigned long start_iova;
	unsigned long next_iova;
	unsigned int cur = 0;
	unsigned long iova;
	int rc;

	/* The first index might be a partial page */
	if (start_index == iopt_area_index(area))
		page_offset = area->page_offset;
	next_iova = iova = start_iova =
		iopt_area_index_to_iova(area, start_index);
	while (cur < batch->end) {
		next_iova = min(last_iova + 1,
				next_iova + batch->npfns[cur] * PAGE_SIZE -
					page_offset);
		if (disable_large_pages)
			rc = batch_iommu_map_small(
				domain, iova,
				PFN_PHYS(batch->pfns[cur]) + page_offset,
				next_iova - iova, area->iommu_prot);
		else
			rc = iommu_map(domain, iova,
				       PFN_PHYS(batch->pfns[cur]) + page_offset,
				       next_iova - iova, area->iommu_prot,
				       GFP_KERNEL_ACCOUNT);
		if (rc)
			goto err_unmap;
		iova = next_iova;
		page_offset = 0;
		cur++;
	}
	return 0;
err_unmap:
	if (start_iova != iova)
		iommu_unmap_nofail(domain, start_iova, iova - start_iova);
	return rc;
}

static void batch_from_xarray(struct pfn_batch *batch, struct xarray *xa,
			      unsigned long start_index,
			      unsigned long last_index)
{
	unsigned long index;
	void *entry;

	for (index = start_index; index <= last_index; index++) {
		entry = xa_load(xa, index);
		if (WARN_ON(!xa_is_value(entry)))
			break;
		if (!batch_add_pfn(batch, xa_to_value(entry)))
			break;
	}
}

/* As batch_from_xarray(), and the entries taken are erased. */
static void batch_from_xarray_clear(struct pfn_batch *batch, struct xarray *xa,
				    unsigned long start_index,
				    unsigned long last_index)
{
	unsigned long index;
	void *entry;

	for (index = start_index; index <= last_index; index++) {
		entry = xa_load(xa, index);
		if (WARN_ON(!xa_is_value(entry)))
			break;
		if (!batch_add_pfn(batch, xa_to_value(entry)))
			break;
		xa_erase(xa, index);
	}
}

static void clear_xarray(struct xarray *xa, unsigned long start_index,
			 unsigned long last_index)
{
	unsigned long index;

	/* Erasing never allocates, so this cannot fail. */
	for (index = start_index; index <= last_index; index++)
		xa_erase(xa, index);
}

/*
 * Store the PFNs of @pages as value entries for slots [start_index,
 * last_index].  On failure the part stored so far is erased again.
 */
static int pages_to_xarray(struct xarray *xa, unsigned long start_index,
			   unsigned long last_index, struct page **pages)
{
	unsigned long half_index = start_index + (last_index - start_index + 1) / 2;
	unsigned long index;
	void *old;
	int rc = 0;

	for (index = start_index; index <= last_index; index++, pages++) {
		/*
		 * A fault point half way through so that fail-nth reaches the
		 * partial-store cleanup even when no node allocation fails.
		 */
		if (index == half_index && iommufd_should_fail()) {
			rc = -EINVAL;
			break;
		}
		old = xa_store(xa, index, xa_mk_value(page_to_pfn(*pages)),
			       GFP_KERNEL);
		if (xa_is_err(old)) {
			rc = xa_err(old);
			break;
		}
		/* Only an access-covered slot may be in the xarray. */
		WARN_ON(old);
	}
	if (rc && index != start_index)
		clear_xarray(xa, start_index, index - 1);
	return rc;
}

static void batch_from_pages(struct pfn_batch *batch, struct page **pages,
			     size_t npages)
{
	struct page **end = pages + npages;

	for (; pages != end; pages++)
		if (!batch_add_pfn(batch, page_to_pfn(*pages)))
			break;
}

/*
 * Unpin @npages PFNs of the batch starting @first_page_off PFNs into it.
 * Writable pages are marked dirty: a device may have written them.
 */
static void batch_unpin(struct pfn_batch *batch, struct iopt_pages *pages,
			unsigned int first_page_off, size_t npages)
{
	unsigned int cur = 0;

	while (first_page_off) {
		if (batch->npfns[cur] > first_page_off)
			break;
		first_page_off -= batch->npfns[cur];
		cur++;
	}

	while (npages) {
		size_t to_unpin = min_t(size_t, npages,
					batch->npfns[cur] - first_page_off);

		unpin_user_page_range_dirty_lock(
			pfn_to_page(batch->pfns[cur] + first_page_off),
			to_unpin, pages->writable);
		iopt_pages_sub_npinned(pages, to_unpin);
		cur++;
		first_page_off = 0;
		npages -= to_unpin;
	}
}

/* CPU copy through the frames of the batch; returns the bytes copied. */
static unsigned long batch_rw(struct pfn_batch *batch, void *data,
			      unsigned long offset, unsigned long length,
			      unsigned int flags)
{
	unsigned long copied = 0;
	unsigned int npage = 0;
	unsigned int cur = 0;

	while (cur < batch->end) {
		unsigned long bytes = min(length, PAGE_SIZE - offset);
		struct page *page = pfn_to_page(batch->pfns[cur] + npage);
		void *kaddr = page_address(page);

		if (flags & IOMMUFD_ACCESS_RW_WRITE) {
			memcpy(kaddr + offset, data, bytes);
			set_page_dirty_lock(page);
		} else {
			memcpy(data, kaddr + offset, bytes);
		}

		offset = 0;
		length -= bytes;
		data += bytes;
		copied += bytes;
		if (!length)
			break;
		npage++;
		if (npage == batch->npfns[cur]) {
			npage = 0;
			cur++;
		}
	}
	return copied;
}

/* ---- pinning from the origin and accounting ----------------------------- */

/*
 * struct pfn_reader_user - pins slots from the origin
 * @upages: the pinned pages, of which [upages_start, upages_end) are valid
 * @upages_len: bytes of @upages
 * @gup_flags: FOLL_LONGTERM, plus FOLL_WRITE for writable pages
 * @locked: for remote GUP, whether mmap_read_lock of the source mm is held
 *	    (GUP may drop it); -1 until the first pin set the reader up
 * @mm_ref: an mmget() on the source mm is held (remote USER pages)
 */
struct pfn_reader_user {
	struct page **upages;
	size_t upages_len;
	unsigned long upages_start;
	unsigned long upages_end;
	unsigned int gup_flags;
	int locked;
	bool mm_ref;
};

static void pfn_reader_user_init(struct pfn_reader_user *user,
				 struct iopt_pages *pages)
{
	user->upages = NULL;
	user->upages_len = 0;
	user->upages_start = 0;
	user->upages_end = 0;
	user->locked = -1;
	user->mm_ref = false;
	user->gup_flags = FOLL_LONGTERM;
	if (pages->writable)
		user->gup_flags |= FOLL_WRITE;
}

static void pfn_reader_user_destroy(struct pfn_reader_user *user,
				    struct iopt_pages *pages)
{
	if (user->locked == 1)
		mmap_read_unlock(pages->source_mm);
	if (user->mm_ref)
		mmput(pages->source_mm);
	user->locked = -1;
	user->mm_ref = false;

	kfree(user->upages);
	user->upages = NULL;
}

/* The memfd behind @file, or NULL if @file is not a memfd. */
struct kshim_memfd *iopt_file_memfd(struct file *file)
{
	return kshim_memfd_from_file(file);
}

static long pin_file_pages(struct iopt_pages *pages, unsigned long start_index,
			   unsigned long npages, struct page **upages)
{
	struct kshim_memfd *memfd = iopt_file_memfd(pages->file);

	/* Only memfd (shmem) files can be pinned by offset. */
	if (!memfd)
		return -EINVAL;
	return kshim_memfd_pin_pages(memfd,
				     (pages->start >> PAGE_SHIFT) + start_index,
				     npages, upages, pages->writable);
}

/*
 * Pin slots from @start_index (up to @last_index, as many as fit in
 * upages) from the origin.  Sets [upages_start, upages_end).
 */
static int pfn_reader_user_pin(struct pfn_reader_user *user,
			       struct iopt_pages *pages,
			       unsigned long start_index,
			       unsigned long last_index)
{
	bool remote_mm = pages->source_mm != current->mm;
	unsigned long npages;
	uintptr_t uptr;
	long rc;

	if (IS_ENABLED(CONFIG_IOMMUFD_TEST) &&
	    WARN_ON(last_index < start_index))
		return -EINVAL;

	if (!user->upages) {
		/* Freed by pfn_reader_user_destroy() */
		user->upages_len =
			(last_index - start_index + 1) * sizeof(*user->upages);
		user->upages = temp_kmalloc(&user->upages_len, NULL, 0);
		if (!user->upages)
			return -ENOMEM;
	}

	if (user->locked == -1) {
		/*
		 * GUP from another process's mm needs that mm to stay alive
		 * (mm_users, not just the mmgrab the pages hold).  Usually the
		 * mapping task itself pins and the fast path applies.
		 */
		if (pages->type == IOPT_ADDRESS_USER && remote_mm) {
			if (!mmget_not_zero(pages->source_mm))
				return -EFAULT;
			user->mm_ref = true;
		}
		user->locked = 0;
	}

	npages = min_t(unsigned long, last_index - start_index + 1,
		       user->upages_len / sizeof(*user->upages));

	if (iommufd_should_fail())
		return -EFAULT;

	if (pages->type == IOPT_ADDRESS_FILE) {
		rc = pin_file_pages(pages, start_index, npages, user->upages);
	} else {
		uptr = (uintptr_t)(pages->uptr + start_index * PAGE_SIZE);
		if (!remote_mm) {
			rc = pin_user_pages_fast(uptr, npages, user->gup_flags,
						 user->upages);
		} else {
			if (!user->locked) {
				mmap_read_lock(pages->source_mm);
				user->locked = 1;
			}
			rc = pin_user_pages_remote(pages->source_mm, uptr,
						   npages, user->gup_flags,
						   user->upages,
						   &user->locked);
		}
	}
	if (rc <= 0) {
		if (WARN_ON(!rc))
			return -EFAULT;
		return rc;
	}
	iopt_pages_add_npinned(pages, rc);
	user->upages_start = start_index;
	user->upages_end = start_index + rc;
	return 0;
}

/* USER mode: the io_uring-style per-user counter against the task's limit */
static int incr_user_locked_vm(struct task_struct *task,
			       struct user_struct *user, unsigned long npages)
{
	unsigned long lock_limit;
	long cur_pages;
	long new_pages;

	lock_limit = task_rlimit(task, RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	cur_pages = atomic_long_read(&user->locked_vm);
	do {
		new_pages = cur_pages + npages;
		if ((unsigned long)new_pages > lock_limit)
			return -ENOMEM;
	} while (!atomic_long_try_cmpxchg(&user->locked_vm, &cur_pages,
					  new_pages));
	return 0;
}

static void decr_user_locked_vm(struct user_struct *user,
				unsigned long npages)
{
	WARN_ON(atomic_long_sub_return(npages, &user->locked_vm) < 0);
}

/*
 * MM mode (vfio compatible): mm->locked_vm under mmap_write_lock.  A
 * charge needs the address space alive (mm_users); when the caller does
 * not hold an mm reference one is taken here.  A credit is made even if
 * the process has exited: the mm struct is still grabbed and its counter
 * must return to zero.
 */
static int update_mm_locked_vm(struct task_struct *task, struct mm_struct *mm,
			       unsigned long npages, bool inc, bool have_mm_ref)
{
	bool do_put = false;
	int rc;

	if (!have_mm_ref && mm != current->mm) {
		if (mmget_not_zero(mm))
			do_put = true;
		else if (inc)
			return -EINVAL;
	}

	mmap_write_lock(mm);
	rc = __account_locked_vm(mm, npages, inc, task, false);
	mmap_write_unlock(mm);

	if (do_put)
		mmput(mm);
	return rc;
}

static int __iopt_charge_owner(struct task_struct *task, struct mm_struct *mm,
			       struct user_struct *user, u8 account_mode,
			       unsigned long npages, bool inc, bool have_mm_ref)
{
	int rc = 0;

	switch (account_mode) {
	case IOPT_PAGES_ACCOUNT_NONE:
		break;
	case IOPT_PAGES_ACCOUNT_USER:
		if (inc)
			rc = incr_user_locked_vm(task, user, npages);
		else
			decr_user_locked_vm(user, npages);
		break;
	case IOPT_PAGES_ACCOUNT_MM:
		rc = update_mm_locked_vm(task, mm, npages, inc, have_mm_ref);
		break;
	}
	if (rc)
		return rc;

	/* pinned_vm is kept in every mode, even when nothing is charged. */
	if (inc)
		atomic64_add(npages, &mm->pinned_vm);
	else
		atomic64_sub(npages, &mm->pinned_vm);
	return 0;
}

/**
 * iopt_pages_charge_owner() - charge or credit pinned pages to an owner
 * @task: whose RLIMIT_MEMLOCK applies
 * @mm: the owner's mm (pinned_vm, and locked_vm in MM mode)
 * @user: the owner's user_struct (USER mode)
 * @account_mode: IOPT_PAGES_ACCOUNT_*
 * @npages: pages
 * @inc: charge (true) or credit (false)
 *
 * The accounting step of iopt_pages, usable for an owner that is not (yet)
 * the owner of any iopt_pages: IOMMU_IOAS_CHANGE_PROCESS charges the new
 * owner with it before anything changes.
 *
 * Return: 0, or -ENOMEM over the limit, -EINVAL if the mm is gone.
 */
int iopt_pages_charge_owner(struct task_struct *task, struct mm_struct *mm,
			    struct user_struct *user, u8 account_mode,
			    unsigned long npages, bool inc)
{
	return __iopt_charge_owner(task, mm, user, account_mode, npages, inc,
				   false);
}

static int __iopt_pages_update_pinned(struct iopt_pages *pages,
				      unsigned long npages, bool inc,
				      struct pfn_reader_user *user)
{
	bool have_mm_ref = false;
	int rc;

	if (user) {
		/*
		 * MM accounting takes mmap_write_lock: give up the read lock
		 * a remote GUP left held.  The reader's mmget stays.
		 */
		if (user->locked == 1) {
			mmap_read_unlock(pages->source_mm);
			user->locked = 0;
		}
		have_mm_ref = user->mm_ref;
	}

	rc = __iopt_charge_owner(pages->source_task, pages->source_mm,
				 pages->source_user, pages->account_mode,
				 npages, inc, have_mm_ref);
	if (rc)
		return rc;
	if (inc)
		pages->last_npinned += npages;
	else
		pages->last_npinned -= npages;
	return 0;
}

/**
 * iopt_pages_update_pinned() - charge or credit @npages to the owner of @pages
 * @pages: the pages, mutex held
 * @npages: pages
 * @inc: charge or credit
 *
 * last_npinned follows the charge.
 *
 * Return: 0 or the accounting error.
 */
int iopt_pages_update_pinned(struct iopt_pages *pages, unsigned long npages,
			     bool inc)
{
	lockdep_assert_held(&pages->mutex);
	return __iopt_pages_update_pinned(pages, npages, inc, NULL);
}

/* Settle npinned - last_npinned after a successful fill. */
static int pfn_reader_user_update_pinned(struct pfn_reader_user *user,
					 struct iopt_pages *pages)
{
	unsigned long npages;
	bool inc;

	lockdep_assert_held(&pages->mutex);

	if (pages->npinned == pages->last_npinned)
		return 0;

	if (pages->npinned < pages->last_npinned) {
		npages = pages->last_npinned - pages->npinned;
		inc = false;
	} else {
		if (iommufd_should_fail())
			return -ENOMEM;
		npages = pages->npinned - pages->last_npinned;
		inc = true;
	}
	return __iopt_pages_update_pinned(pages, npages, inc, user);
}

/* After an unfill: give back what is no longer pinned.  Cannot fail. */
static void update_unpinned(struct iopt_pages *pages)
{
	if (WARN_ON(pages->npinned > pages->last_npinned))
		return;
	if (pages->npinned == pages->last_npinned)
		return;
	__iopt_pages_update_pinned(pages,
				   pages->last_npinned - pages->npinned,
				   false, NULL);
}

/* ---- pfn_reader -------------------------------------------------------- */

/*
 * struct pfn_reader - produce batches of PFNs for a slot range
 * @pages: the pages, mutex held throughout
 * @span: the walk of (access_itree, domains_itree) over the range
 * @batch: the current batch: slots [batch_start_index, batch_end_index)
 * @batch_start_index: first slot in @batch
 * @batch_end_index: one past the last slot in @batch
 * @last_index: last slot of the range
 * @user: pins taken from the origin for holes
 *
 * Slots read from the origin are pinned as a side effect; the caller
 * either settles them with pfn_reader_update_pinned() (they are now owned
 * by a tree) or drops them (pfn_reader_unpin(), pfn_reader_release_pins()).
 */
struct pfn_reader {
	struct iopt_pages *pages;
	struct interval_tree_double_span_iter span;
	struct pfn_batch batch;
	unsigned long batch_start_index;
	unsigned long batch_end_index;
	unsigned long last_index;

	struct pfn_reader_user user;
};

static int pfn_reader_update_pinned(struct pfn_reader *pfns)
{
	return pfn_reader_user_update_pinned(&pfns->user, pfns->pages);
}

/*
 * Unpin the PFNs of the current batch that no tree covers: they were
 * pinned by this reader and nobody else holds them.
 */
static void pfn_reader_unpin(struct pfn_reader *pfns)
{
	unsigned long last = pfns->batch_end_index - 1;
	unsigned long start = pfns->batch_start_index;
	struct interval_tree_double_span_iter span;
	struct iopt_pages *pages = pfns->pages;

	lockdep_assert_held(&pages->mutex);

	interval_tree_for_each_double_span(&span, &pages->access_itree,
					   &pages->domains_itree, start, last) {
		if (span.is_used)
			continue;

		batch_unpin(&pfns->batch, pages, span.start_hole - start,
			    span.last_hole - span.start_hole + 1);
	}
}

/* Add PFNs from the current span to the batch, starting at batch_end_index */
static int pfn_reader_fill_span(struct pfn_reader *pfns)
{
	struct interval_tree_double_span_iter *span = &pfns->span;
	unsigned long start_index = pfns->batch_end_index;
	struct pfn_reader_user *user = &pfns->user;
	unsigned long npages;
	struct iopt_area *area;
	int rc;

	if (IS_ENABLED(CONFIG_IOMMUFD_TEST) &&
	    WARN_ON(span->last_used < start_index))
		return -EINVAL;

	if (span->is_used == 1) {
		batch_from_xarray(&pfns->batch, &pfns->pages->pinned_pfns,
				  start_index, span->last_used);
		return 0;
	}

	if (span->is_used == 2) {
		/*
		 * Take as much as the first area covering start_index has;
		 * if the span goes on, the next call finds the next area.
		 * storage_domain cannot change under pages->mutex.
		 */
		area = iopt_pages_find_domain_area(pfns->pages, start_index);
		if (WARN_ON(!area))
			return -EINVAL;

		batch_from_domain(&pfns->batch, area->storage_domain, area,
				  start_index,
				  min(iopt_area_last_index(area),
				      span->last_used));
		return 0;
	}

	if (start_index >= user->upages_end) {
		rc = pfn_reader_user_pin(user, pfns->pages, start_index,
					 span->last_hole);
		if (rc)
			return rc;
	}

	npages = user->upages_end - start_index;
	start_index -= user->upages_start;
	batch_from_pages(&pfns->batch, user->upages + start_index, npages);
	return 0;
}

static bool pfn_reader_done(struct pfn_reader *pfns)
{
	return pfns->batch_start_index == pfns->last_index + 1;
}

static int pfn_reader_next(struct pfn_reader *pfns)
{
	int rc;

	batch_clear(&pfns->batch);
	pfns->batch_start_index = pfns->batch_end_index;

	while (pfns->batch_end_index != pfns->last_index + 1) {
		unsigned int npfns = pfns->batch.total_pfns;

		if (IS_ENABLED(CONFIG_IOMMUFD_TEST) &&
		    WARN_ON(interval_tree_double_span_iter_done(&pfns->span)))
			return -EINVAL;

		rc = pfn_reader_fill_span(pfns);
		if (rc)
			return rc;

		if (WARN_ON(!pfns->batch.total_pfns))
			return -EINVAL;

		pfns->batch_end_index =
			pfns->batch_start_index + pfns->batch.total_pfns;
		if (pfns->batch_end_index == pfns->span.last_used + 1)
			interval_tree_double_span_iter_next(&pfns->span);

		/* Nothing was added: the batch is full. */
		if (npfns == pfns->batch.total_pfns)
			return 0;
	}
	return 0;
}

static int pfn_reader_init(struct pfn_reader *pfns, struct iopt_pages *pages,
			   unsigned long start_index, unsigned long last_index)
{
	int rc;

	lockdep_assert_held(&pages->mutex);

	pfns->pages = pages;
	pfns->batch_start_index = start_index;
	pfns->batch_end_index = start_index;
	pfns->last_index = last_index;
	pfn_reader_user_init(&pfns->user, pages);
	rc = batch_init(&pfns->batch, last_index - start_index + 1);
	if (rc)
		return rc;
	interval_tree_double_span_iter_first(&pfns->span, &pages->access_itree,
					     &pages->domains_itree, start_index,
					     last_index);
	return 0;
}

/*
 * Error path: unpin what the reader pinned and has not handed over, i.e.
 * GUP results beyond the batch and the uncovered part of the batch.
 */
static void pfn_reader_release_pins(struct pfn_reader *pfns)
{
	struct pfn_reader_user *user = &pfns->user;
	struct iopt_pages *pages = pfns->pages;

	if (user->upages_end > pfns->batch_end_index) {
		unsigned long start_index = pfns->batch_end_index;
		unsigned long last_index = user->upages_end - 1;

		iopt_pages_err_unpin(pages, start_index, last_index,
				     user->upages +
					     (start_index - user->upages_start));
		user->upages_end = pfns->batch_end_index;
	}
	if (pfns->batch_start_index != pfns->batch_end_index) {
		pfn_reader_unpin(pfns);
		pfns->batch_start_index = pfns->batch_end_index;
	}
}

static void pfn_reader_destroy(struct pfn_reader *pfns)
{
	struct iopt_pages *pages = pfns->pages;

	pfn_reader_release_pins(pfns);
	pfn_reader_user_destroy(&pfns->user, pfns->pages);
	batch_destroy(&pfns->batch, NULL);
	/* Every user settles or releases its pins before destroying. */
	WARN_ON(pages->last_npinned != pages->npinned);
}

static int pfn_reader_first(struct pfn_reader *pfns, struct iopt_pages *pages,
			    unsigned long start_index, unsigned long last_index)
{
	int rc;

	if (IS_ENABLED(CONFIG_IOMMUFD_TEST) &&
	    WARN_ON(last_index < start_index))
		return -EINVAL;

	rc = pfn_reader_init(pfns, pages, start_index, last_index);
	if (rc)
		return rc;
	rc = pfn_reader_next(pfns);
	if (rc) {
		pfn_reader_destroy(pfns);
		return rc;
	}
	return 0;
}

/* ---- allocation and release --------------------------------------------- */

static struct iopt_pages *iopt_alloc_pages(unsigned long start_byte,
					   unsigned long length, bool writable)
{
	struct iopt_pages *pages;

	/*
	 * Lengths are size_t in the iommu API; the bound also keeps the
	 * DIV_ROUND_UP below from overflowing.
	 */
	if (length > SIZE_MAX - PAGE_SIZE || length == 0)
		return ERR_PTR(-EINVAL);

	pages = kzalloc(sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return ERR_PTR(-ENOMEM);

	kref_init(&pages->kref);
	xa_init_flags(&pages->pinned_pfns, XA_FLAGS_ACCOUNT);
	mutex_init(&pages->mutex);
	pages->source_mm = current->mm;
	mmgrab(pages->source_mm);
	pages->npages = DIV_ROUND_UP(length + start_byte, PAGE_SIZE);
	pages->access_itree = RB_ROOT_CACHED;
	pages->domains_itree = RB_ROOT_CACHED;
	pages->writable = writable;
	if (capable(CAP_IPC_LOCK))
		pages->account_mode = IOPT_PAGES_ACCOUNT_NONE;
	else
		pages->account_mode = IOPT_PAGES_ACCOUNT_USER;
	pages->source_task = current->group_leader;
	get_task_struct(current->group_leader);
	pages->source_user = get_uid(current_user());
	return pages;
}

/**
 * iopt_alloc_user_pages() - pages over a user VA range of current's mm
 * @uptr: first byte
 * @length: bytes
 * @writable: pin for write
 *
 * Nothing is pinned yet.
 *
 * Return: the pages (one reference) or ERR_PTR(-EINVAL/-EOVERFLOW/-ENOMEM).
 */
struct iopt_pages *iopt_alloc_user_pages(void __user *uptr,
					 unsigned long length, bool writable)
{
	unsigned long start_byte = (uintptr_t)uptr % PAGE_SIZE;
	struct iopt_pages *pages;
	unsigned long end;

	if (length > SIZE_MAX - PAGE_SIZE || length == 0)
		return ERR_PTR(-EINVAL);
	if (check_add_overflow((unsigned long)uptr, length, &end))
		return ERR_PTR(-EOVERFLOW);

	pages = iopt_alloc_pages(start_byte, length, writable);
	if (IS_ERR(pages))
		return pages;
	pages->uptr = (void __user *)((uintptr_t)uptr - start_byte);
	pages->type = IOPT_ADDRESS_USER;
	return pages;
}

/**
 * iopt_alloc_file_pages() - pages over a byte range of a file
 * @file: the file (a reference is taken)
 * @start: first byte
 * @length: bytes
 * @writable: pin for write
 *
 * Whether the file can be pinned is found out at the first pin.
 *
 * Return: the pages (one reference) or an ERR_PTR.
 */
struct iopt_pages *iopt_alloc_file_pages(struct file *file, unsigned long start,
					 unsigned long length, bool writable)
{
	unsigned long start_down = ALIGN_DOWN(start, PAGE_SIZE);
	struct iopt_pages *pages;
	unsigned long end;

	if (length > SIZE_MAX - PAGE_SIZE || length == 0)
		return ERR_PTR(-EINVAL);
	if (check_add_overflow(start, length - 1, &end))
		return ERR_PTR(-EOVERFLOW);

	pages = iopt_alloc_pages(start - start_down, length, writable);
	if (IS_ERR(pages))
		return pages;
	pages->file = get_file(file);
	pages->start = start_down;
	pages->type = IOPT_ADDRESS_FILE;
	return pages;
}

/**
 * iopt_release_pages() - kref release of an iopt_pages
 * @kref: &pages->kref
 *
 * By now no area, domain or access may use the pages.
 */
void iopt_release_pages(struct kref *kref)
{
	struct iopt_pages *pages = container_of(kref, struct iopt_pages, kref);

	WARN_ON(!RB_EMPTY_ROOT(&pages->access_itree.rb_root));
	WARN_ON(!RB_EMPTY_ROOT(&pages->domains_itree.rb_root));
	WARN_ON(pages->npinned);
	WARN_ON(!xa_empty(&pages->pinned_pfns));
	mmdrop(pages->source_mm);
	mutex_destroy(&pages->mutex);
	put_task_struct(pages->source_task);
	free_uid(pages->source_user);
	if (pages->type == IOPT_ADDRESS_FILE)
		fput(pages->file);
	kfree(pages);
}

/* ---- filling and unfilling domains -------------------------------------- */

/*
 * Unmap slots [start_index, last_index] of @area from @domain and unpin
 * those no other domain area or access holds.  @pages_node of @area must
 * not be in domains_itree (so it does not count as a holder); the PFNs
 * are read back from @domain itself.
 */
static void iopt_area_unpin_domain(struct pfn_batch *batch,
				   struct iopt_area *area,
				   struct iopt_pages *pages,
				   struct iommu_domain *domain,
				   unsigned long start_index,
				   unsigned long last_index,
				   unsigned long *unmapped_end_index,
				   unsigned long real_last_index)
{
	while (start_index <= last_index) {
		unsigned long batch_last_index;

		if (*unmapped_end_index <= last_index) {
			unsigned long start =
				max(start_index, *unmapped_end_index);

			/* A carry must begin exactly at start_index. */
			if (IS_ENABLED(CONFIG_IOMMUFD_TEST) &&
			    batch->total_pfns)
				WARN_ON(*unmapped_end_index -
						batch->total_pfns !=
					start_index);
			batch_from_domain(batch, domain, area, start,
					  last_index);
			batch_last_index = start_index + batch->total_pfns - 1;
		} else {
			/* The carry already covers this whole hole. */
			batch_last_index = last_index;
		}

		if (IS_ENABLED(CONFIG_IOMMUFD_TEST))
			WARN_ON(batch_last_index > real_last_index);

		/*
		 * The hole ends here but the area goes on: the unmap below
		 * must not split a contiguous run that a single iommu_map()
		 * may have installed as a large IOPTE.  Keep reading until
		 * the run breaks; the extra PFNs become the carry.
		 */
		if (batch_last_index == last_index &&
		    last_index != real_last_index)
			batch_from_domain_continue(batch, domain, area,
						   last_index + 1,
						   real_last_index);

		if (*unmapped_end_index <= batch_last_index) {
			iopt_area_unmap_domain_range(
				area, domain, *unmapped_end_index,
				start_index + batch->total_pfns - 1);
			*unmapped_end_index = start_index + batch->total_pfns;
		}

		/* Only now that the IOVA is gone may the frames go. */
		batch_unpin(batch, pages, 0,
			    batch_last_index - start_index + 1);
		start_index = batch_last_index + 1;

		batch_clear_carry(batch,
				  *unmapped_end_index - batch_last_index - 1);
	}
}

static void __iopt_area_unfill_domain(struct iopt_area *area,
				      struct iopt_pages *pages,
				      struct iommu_domain *domain,
				      unsigned long last_index)
{
	struct interval_tree_double_span_iter span;
	unsigned long start_index = iopt_area_index(area);
	unsigned long unmapped_end_index = start_index;
	u64 backup[BATCH_BACKUP_SIZE];
	struct pfn_batch batch;

	lockdep_assert_held(&pages->mutex);

	/*
	 * Walk the slots.  Spans another domain area or an access still holds
	 * are unmapped but not unpinned; holes are unmapped then unpinned.
	 * Unmaps happen in whole contiguous runs, so PFNs read past a span
	 * boundary (the carry) travel into the next span, where they are
	 * either skipped (still held) or unpinned (hole).
	 */
	batch_init_backup(&batch, last_index + 1, backup, sizeof(backup));
	interval_tree_for_each_double_span(&span, &pages->domains_itree,
					   &pages->access_itree, start_index,
					   last_index) {
		if (span.is_used) {
			batch_skip_carry(&batch,
					 span.last_used - span.start_used + 1);
			continue;
		}
		iopt_area_unpin_domain(&batch, area, pages, domain,
				       span.start_hole, span.last_hole,
				       &unmapped_end_index, last_index);
	}
	/*
	 * If the range ended inside a held span, what remains mapped is
	 * unmapped now; nothing there may be unpinned.
	 */
	if (unmapped_end_index != last_index + 1)
		iopt_area_unmap_domain_range(area, domain, unmapped_end_index,
					     last_index);
	WARN_ON(batch.total_pfns);
	batch_destroy(&batch, backup);
	update_unpinned(pages);
}

static void iopt_area_unfill_partial_domain(struct iopt_area *area,
					    struct iopt_pages *pages,
					    struct iommu_domain *domain,
					    unsigned long end_index)
{
	if (end_index != iopt_area_index(area))
		__iopt_area_unfill_domain(area, pages, domain, end_index - 1);
}

/**
 * iopt_area_unfill_domain() - unmap and unpin an area from a domain
 * @area: the area; its pages_node must not be in domains_itree
 * @pages: area->pages (or the pages being detached from it), mutex held
 * @domain: the domain to clear
 *
 * Slots held by another domain area or by an access stay pinned.
 */
void iopt_area_unfill_domain(struct iopt_area *area, struct iopt_pages *pages,
			     struct iommu_domain *domain)
{
	__iopt_area_unfill_domain(area, pages, domain,
				  iopt_area_last_index(area));
}

/**
 * iopt_area_fill_domain() - map an existing area into one more domain
 * @area: the area, with area->pages->mutex held
 * @domain: the domain
 *
 * If the area has no storage domain yet (this is the IOAS's first domain)
 * the PFNs come from accesses or are pinned; otherwise they are read back
 * from the storage domain.  The caller publishes storage_domain.
 *
 * Return: 0, or an error with nothing left mapped or pinned.
 */
int iopt_area_fill_domain(struct iopt_area *area, struct iommu_domain *domain)
{
	unsigned long done_end_index = iopt_area_index(area);
	struct pfn_reader pfns;
	int rc;

	lockdep_assert_held(&area->pages->mutex);

	rc = pfn_reader_first(&pfns, area->pages, iopt_area_index(area),
			      iopt_area_last_index(area));
	if (rc)
		return rc;

	while (!pfn_reader_done(&pfns)) {
		done_end_index = pfns.batch_start_index;
		rc = batch_to_domain(&pfns.batch, domain, area,
				     pfns.batch_start_index);
		if (rc)
			goto out_unmap;
		done_end_index = pfns.batch_end_index;

		rc = pfn_reader_next(&pfns);
		if (rc)
			goto out_unmap;
	}

	rc = pfn_reader_update_pinned(&pfns);
	if (rc)
		goto out_unmap;
	goto out_destroy;

out_unmap:
	pfn_reader_release_pins(&pfns);
	iopt_area_unfill_partial_domain(area, area->pages, domain,
					done_end_index);
out_destroy:
	pfn_reader_destroy(&pfns);
	return rc;
}

/**
 * iopt_area_fill_domains() - map a new area into every domain of its iopt
 * @area: the area, inserted with area->pages still NULL
 * @pages: the pages it will get
 *
 * Called with iopt->domains_rwsem held for read, so the domain set cannot
 * change.  On success the area has a storage domain (slot 0) and its
 * pages_node is in domains_itree.  Nothing to do without domains.
 *
 * Return: 0, or an error with nothing left mapped or pinned.
 */
int iopt_area_fill_domains(struct iopt_area *area, struct iopt_pages *pages)
{
	unsigned long done_first_end_index = iopt_area_index(area);
	unsigned long done_all_end_index = iopt_area_index(area);
	struct io_pagetable *iopt = area->iopt;
	struct iommu_domain *domain;
	unsigned long failed_index;
	unsigned long unmap_index;
	struct pfn_reader pfns;
	unsigned long index;
	int rc;

	lockdep_assert_held(&iopt->domains_rwsem);

	if (xa_empty(&iopt->domains))
		return 0;

	mutex_lock(&pages->mutex);
	rc = pfn_reader_first(&pfns, pages, iopt_area_index(area),
			      iopt_area_last_index(area));
	if (rc)
		goto out_unlock;

	while (!pfn_reader_done(&pfns)) {
		/*
		 * Domains before failed_index get the batch mapped completely,
		 * the others (from failed_index on) only what came before it.
		 */
		done_first_end_index = pfns.batch_end_index;
		done_all_end_index = pfns.batch_start_index;
		xa_for_each(&iopt->domains, index, domain) {
			rc = batch_to_domain(&pfns.batch, domain, area,
					     pfns.batch_start_index);
			if (rc) {
				failed_index = index;
				goto out_unmap;
			}
		}
		done_all_end_index = done_first_end_index;

		rc = pfn_reader_next(&pfns);
		if (rc) {
			failed_index = iopt->next_domain_id;
			goto out_unmap;
		}
	}
	rc = pfn_reader_update_pinned(&pfns);
	if (rc) {
		failed_index = iopt->next_domain_id;
		goto out_unmap;
	}

	area->storage_domain = xa_load(&iopt->domains, 0);
	interval_tree_insert(&area->pages_node, &pages->domains_itree);
	goto out_destroy;

out_unmap:
	pfn_reader_release_pins(&pfns);
	xa_for_each(&iopt->domains, unmap_index, domain) {
		unsigned long end_index;

		if (unmap_index < failed_index)
			end_index = done_first_end_index;
		else
			end_index = done_all_end_index;

		/*
		 * The area is not in domains_itree, so nothing marks its
		 * slots as held: unmap every domain but the last without
		 * unpinning, and let the last one unpin.
		 */
		if (unmap_index != iopt->next_domain_id - 1) {
			if (end_index != iopt_area_index(area))
				iopt_area_unmap_domain_range(
					area, domain, iopt_area_index(area),
					end_index - 1);
		} else {
			iopt_area_unfill_partial_domain(area, pages, domain,
							end_index);
		}
	}
out_destroy:
	pfn_reader_destroy(&pfns);
out_unlock:
	mutex_unlock(&pages->mutex);
	return rc;
}

/**
 * iopt_area_unfill_domains() - unmap an area from every domain, for its
 * destruction
 * @area: the area, detached (area->pages already NULL)
 * @pages: the pages it had
 *
 * Called with iopt->domains_rwsem held for read.  Unpins every slot that
 * no other area or access holds.
 */
void iopt_area_unfill_domains(struct iopt_area *area, struct iopt_pages *pages)
{
	struct io_pagetable *iopt = area->iopt;
	struct iommu_domain *domain;
	unsigned long index;

	lockdep_assert_held(&iopt->domains_rwsem);

	mutex_lock(&pages->mutex);
	if (!area->storage_domain)
		goto out_unlock;

	xa_for_each(&iopt->domains, index, domain)
		if (domain != area->storage_domain)
			iopt_area_unmap_domain_range(
				area, domain, iopt_area_index(area),
				iopt_area_last_index(area));

	if (IS_ENABLED(CONFIG_IOMMUFD_TEST))
		WARN_ON(!interval_tree_iter_first(&pages->domains_itree,
						  iopt_area_index(area),
						  iopt_area_last_index(area)));
	interval_tree_remove(&area->pages_node, &pages->domains_itree);
	iopt_area_unfill_domain(area, pages, area->storage_domain);
	area->storage_domain = NULL;
out_unlock:
	mutex_unlock(&pages->mutex);
}

/* ---- access pins: the xarray tier --------------------------------------- */

static void iopt_pages_unpin_xarray(struct pfn_batch *batch,
				   struct iopt_pages *pages,
				   unsigned long start_index,
				   unsigned long end_index)
{
	while (start_index <= end_index) {
		batch_from_xarray_clear(batch, &pages->pinned_pfns, start_index,
					end_index);
		/* A non-value entry: already WARNed, give up on the rest. */
		if (!batch->total_pfns)
			break;
		batch_unpin(batch, pages, 0, batch->total_pfns);
		start_index += batch->total_pfns;
		batch_clear(batch);
	}
}

/*
 * Slots [start_index, last_index] are no longer covered by the access
 * being removed: drop them from the xarray, unpinning those that neither
 * a domain nor another access holds.
 */
static void iopt_pages_unfill_xarray(struct iopt_pages *pages,
				     unsigned long start_index,
				     unsigned long last_index)
{
	struct interval_tree_double_span_iter span;
	u64 backup[BATCH_BACKUP_SIZE];
	struct pfn_batch batch;
	bool batch_inited = false;

	lockdep_assert_held(&pages->mutex);

	interval_tree_for_each_double_span(&span, &pages->access_itree,
					   &pages->domains_itree, start_index,
					   last_index) {
		if (!span.is_used) {
			if (!batch_inited) {
				batch_init_backup(&batch,
						  last_index - start_index + 1,
						  backup, sizeof(backup));
				batch_inited = true;
			}
			iopt_pages_unpin_xarray(&batch, pages, span.start_hole,
						span.last_hole);
		} else if (span.is_used == 2) {
			/* A domain keeps these pinned: just forget the PFNs. */
			clear_xarray(&pages->pinned_pfns, span.start_used,
				     span.last_used);
		}
		/* is_used == 1: another access still needs them. */
	}
	if (batch_inited)
		batch_destroy(&batch, backup);
	update_unpinned(pages);
}

static void iopt_pages_fill_from_xarray(struct iopt_pages *pages,
					unsigned long start_index,
					unsigned long last_index,
					struct page **out_pages)
{
	unsigned long index;
	void *entry;

	for (index = start_index; index <= last_index; index++) {
		entry = xa_load(&pages->pinned_pfns, index);
		if (WARN_ON(!xa_is_value(entry)))
			*(out_pages++) = NULL;
		else
			*(out_pages++) = pfn_to_page(xa_to_value(entry));
	}
}

static void iopt_pages_fill_from_domain(struct iopt_pages *pages,
					unsigned long start_index,
					unsigned long last_index,
					struct page **out_pages)
{
	while (start_index <= last_index) {
		struct iopt_area *area;
		unsigned long area_last;

		area = iopt_pages_find_domain_area(pages, start_index);
		if (WARN_ON(!area))
			return;
		area_last = min(iopt_area_last_index(area), last_index);
		out_pages = raw_pages_from_domain(area->storage_domain, area,
						  start_index, area_last,
						  out_pages);
		start_index = area_last + 1;
	}
}

/* Pin [start_index, last_index] from the origin straight into out_pages. */
static int iopt_pages_fill_from_mm(struct iopt_pages *pages,
				   struct pfn_reader_user *user,
				   unsigned long start_index,
				   unsigned long last_index,
				   struct page **out_pages)
{
	unsigned long cur_index = start_index;
	int rc;

	while (cur_index != last_index + 1) {
		user->upages = out_pages + (cur_index - start_index);
		rc = pfn_reader_user_pin(user, pages, cur_index, last_index);
		if (rc)
			goto out_unpin;
		cur_index = user->upages_end;
	}
	return 0;

out_unpin:
	if (start_index != cur_index)
		iopt_pages_err_unpin(pages, start_index, cur_index - 1,
				     out_pages);
	return rc;
}

/*
 * Make slots [start_index, last_index] present in the xarray and return
 * their pages.  Slots of other accesses are already there; slots a domain
 * holds are read back and copied in; the rest are pinned.
 */
static int iopt_pages_fill_xarray(struct iopt_pages *pages,
				  unsigned long start_index,
				  unsigned long last_index,
				  struct page **out_pages)
{
	struct interval_tree_double_span_iter span;
	unsigned long xa_end = start_index;
	struct pfn_reader_user user;
	int rc;

	lockdep_assert_held(&pages->mutex);

	pfn_reader_user_init(&user, pages);
	user.upages_len = (last_index - start_index + 1) * sizeof(*out_pages);
	interval_tree_for_each_double_span(&span, &pages->access_itree,
					   &pages->domains_itree, start_index,
					   last_index) {
		struct page **cur_pages;

		if (span.is_used == 1) {
			cur_pages = out_pages + (span.start_used - start_index);
			iopt_pages_fill_from_xarray(pages, span.start_used,
						    span.last_used, cur_pages);
			continue;
		}

		if (span.is_used == 2) {
			cur_pages = out_pages + (span.start_used - start_index);
			iopt_pages_fill_from_domain(pages, span.start_used,
						    span.last_used, cur_pages);
			rc = pages_to_xarray(&pages->pinned_pfns,
					     span.start_used, span.last_used,
					     cur_pages);
			if (rc)
				goto out_clean_xa;
			xa_end = span.last_used + 1;
			continue;
		}

		/* hole */
		cur_pages = out_pages + (span.start_hole - start_index);
		rc = iopt_pages_fill_from_mm(pages, &user, span.start_hole,
					     span.last_hole, cur_pages);
		if (rc)
			goto out_clean_xa;
		rc = pages_to_xarray(&pages->pinned_pfns, span.start_hole,
				     span.last_hole, cur_pages);
		if (rc) {
			iopt_pages_err_unpin(pages, span.start_hole,
					     span.last_hole, cur_pages);
			goto out_clean_xa;
		}
		xa_end = span.last_hole + 1;
	}
	rc = pfn_reader_user_update_pinned(&user, pages);
	if (rc)
		goto out_clean_xa;
	/* upages pointed into out_pages: not ours to free. */
	user.upages = NULL;
	pfn_reader_user_destroy(&user, pages);
	return 0;

out_clean_xa:
	if (start_index != xa_end)
		iopt_pages_unfill_xarray(pages, start_index, xa_end - 1);
	user.upages = NULL;
	pfn_reader_user_destroy(&user, pages);
	return rc;
}

/**
 * iopt_area_add_access() - pin slots of an area for an in-kernel access
 * @area: the area (iova_rwsem held by the caller)
 * @start_index: first slot
 * @last_index: last slot (inclusive)
 * @out_pages: receives the pages of the slots
 * @flags: IOMMUFD_ACCESS_RW_*
 * @lock_area: the pin is an internal access's: also raise num_locks, so
 *	       unmapping the area fails with -EBUSY until it is removed
 *
 * An access with exactly the same interval is shared (its users count
 * goes up); otherwise a new interval lock is created.
 *
 * Return: 0, -EPERM for a write pin of read-only pages, or a pin or
 * accounting error with nothing changed.
 */
int iopt_area_add_access(struct iopt_area *area, unsigned long start_index,
			 unsigned long last_index, struct page **out_pages,
			 unsigned int flags, bool lock_area)
{
	struct iopt_pages *pages = area->pages;
	struct iopt_pages_access *access;
	int rc;

	if ((flags & IOMMUFD_ACCESS_RW_WRITE) && !pages->writable)
		return -EPERM;

	mutex_lock(&pages->mutex);
	access = iopt_pages_get_exact_access(pages, start_index, last_index);
	if (access) {
		area->num_accesses++;
		if (lock_area)
			area->num_locks++;
		access->users++;
		iopt_pages_fill_from_xarray(pages, start_index, last_index,
					    out_pages);
		mutex_unlock(&pages->mutex);
		return 0;
	}

	access = kzalloc(sizeof(*access), GFP_KERNEL_ACCOUNT);
	if (!access) {
		rc = -ENOMEM;
		goto err_unlock;
	}

	rc = iopt_pages_fill_xarray(pages, start_index, last_index, out_pages);
	if (rc)
		goto err_free;

	access->node.start = start_index;
	access->node.last = last_index;
	access->users = 1;
	area->num_accesses++;
	if (lock_area)
		area->num_locks++;
	interval_tree_insert(&access->node, &pages->access_itree);
	mutex_unlock(&pages->mutex);
	return 0;

err_free:
	kfree(access);
err_unlock:
	mutex_unlock(&pages->mutex);
	return rc;
}

/**
 * iopt_area_remove_access() - drop a pin taken by iopt_area_add_access()
 * @area: the area the pin was taken through
 * @start_index: first slot, as pinned
 * @last_index: last slot, as pinned
 * @unlock_area: the pin was an internal access's (undo num_locks)
 *
 * The last user of an interval releases it; its slots are unpinned unless
 * a domain or another access holds them.
 */
void iopt_area_remove_access(struct iopt_area *area, unsigned long start_index,
			     unsigned long last_index, bool unlock_area)
{
	struct iopt_pages *pages = area->pages;
	struct iopt_pages_access *access;

	mutex_lock(&pages->mutex);
	access = iopt_pages_get_exact_access(pages, start_index, last_index);
	if (WARN_ON(!access))
		goto out_unlock;

	WARN_ON(area->num_accesses == 0 || access->users == 0);
	if (unlock_area) {
		WARN_ON(area->num_locks == 0);
		area->num_locks--;
	}
	area->num_accesses--;
	access->users--;
	if (access->users)
		goto out_unlock;

	interval_tree_remove(&access->node, &pages->access_itree);
	iopt_pages_unfill_xarray(pages, start_index, last_index);
	kfree(access);
out_unlock:
	mutex_unlock(&pages->mutex);
}

/* ---- CPU access without a long-term pin ---------------------------------- */

/* Read slots through a temporary pfn_reader: pins like DMA, then lets go. */
static int iopt_pages_rw_slow(struct iopt_pages *pages,
			      unsigned long start_index,
			      unsigned long last_index, unsigned long offset,
			      void *data, unsigned long length,
			      unsigned int flags)
{
	struct pfn_reader pfns;
	int rc;

	mutex_lock(&pages->mutex);

	rc = pfn_reader_first(&pfns, pages, start_index, last_index);
	if (rc)
		goto out_unlock;

	while (!pfn_reader_done(&pfns)) {
		unsigned long done;

		done = batch_rw(&pfns.batch, data, offset, length, flags);
		data += done;
		length -= done;
		offset = 0;
		pfn_reader_unpin(&pfns);

		rc = pfn_reader_next(&pfns);
		if (rc)
			goto out_destroy;
	}
	if (WARN_ON(length != 0))
		rc = -EINVAL;
out_destroy:
	pfn_reader_destroy(&pfns);
out_unlock:
	mutex_unlock(&pages->mutex);
	return rc;
}

/* A single page of another mm: a one-off remote pin. */
static int iopt_pages_rw_page(struct iopt_pages *pages, unsigned long index,
			      unsigned long offset, void *data,
			      unsigned long length, unsigned int flags)
{
	struct page *page = NULL;
	void *kaddr;
	long rc;

	if (!mmget_not_zero(pages->source_mm))
		return iopt_pages_rw_slow(pages, index, index, offset, data,
					  length, flags);

	if (iommufd_should_fail()) {
		rc = -EINVAL;
		goto out_mmput;
	}

	mmap_read_lock(pages->source_mm);
	rc = pin_user_pages_remote(
		pages->source_mm, (uintptr_t)(pages->uptr + index * PAGE_SIZE),
		1, (flags & IOMMUFD_ACCESS_RW_WRITE) ? FOLL_WRITE : 0, &page,
		NULL);
	mmap_read_unlock(pages->source_mm);
	if (rc != 1) {
		if (WARN_ON(rc >= 0))
			rc = -EINVAL;
		goto out_mmput;
	}

	kaddr = page_address(page);
	if (flags & IOMMUFD_ACCESS_RW_WRITE)
		memcpy(kaddr + offset, data, length);
	else
		memcpy(data, kaddr + offset, length);
	unpin_user_pages_dirty_lock(&page, 1,
				    flags & IOMMUFD_ACCESS_RW_WRITE);
	rc = 0;

out_mmput:
	mmput(pages->source_mm);
	return rc;
}

/**
 * iopt_pages_rw_access() - copy to or from the memory behind @pages
 * @pages: the pages
 * @start_byte: byte position in @pages
 * @data: kernel buffer
 * @length: bytes (non-zero, within the pages)
 * @flags: IOMMUFD_ACCESS_RW_*
 *
 * From the mapping process itself (or a kthread borrowing its mm) this is
 * a plain copy_{to,from}_user(); otherwise the pages are pinned for the
 * duration of the copy.
 *
 * Return: 0, -EPERM writing read-only pages, -EFAULT.
 */
int iopt_pages_rw_access(struct iopt_pages *pages, unsigned long start_byte,
			 void *data, unsigned long length, unsigned int flags)
{
	unsigned long start_index = start_byte / PAGE_SIZE;
	unsigned long last_index = (start_byte + length - 1) / PAGE_SIZE;
	bool change_mm = current->mm != pages->source_mm;
	int rc = 0;

	if (IS_ENABLED(CONFIG_IOMMUFD_TEST) &&
	    (flags & __IOMMUFD_ACCESS_RW_SLOW_PATH))
		change_mm = true;

	if ((flags & IOMMUFD_ACCESS_RW_WRITE) && !pages->writable)
		return -EPERM;

	if (pages->type == IOPT_ADDRESS_FILE)
		return iopt_pages_rw_slow(pages, start_index, last_index,
					  start_byte % PAGE_SIZE, data, length,
					  flags);

	if (!(flags & IOMMUFD_ACCESS_RW_KTHREAD) && change_mm) {
		if (start_index == last_index)
			return iopt_pages_rw_page(pages, start_index,
						  start_byte % PAGE_SIZE, data,
						  length, flags);
		return iopt_pages_rw_slow(pages, start_index, last_index,
					  start_byte % PAGE_SIZE, data, length,
					  flags);
	}

	/*
	 * The fast path is a user copy.  Unlike DMA it does not keep the
	 * pages pinned, which is fine for a CPU access.
	 */
	if (change_mm) {
		if (!mmget_not_zero(pages->source_mm))
			return iopt_pages_rw_slow(pages, start_index,
						  last_index,
						  start_byte % PAGE_SIZE, data,
						  length, flags);
		kthread_use_mm(pages->source_mm);
	}

	if (flags & IOMMUFD_ACCESS_RW_WRITE) {
		if (copy_to_user(pages->uptr + start_byte, data, length))
			rc = -EFAULT;
	} else {
		if (copy_from_user(data, pages->uptr + start_byte, length))
			rc = -EFAULT;
	}

	if (change_mm) {
		kthread_unuse_mm(pages->source_mm);
		mmput(pages->source_mm);
	}
	return rc;
}
