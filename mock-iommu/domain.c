// SPDX-License-Identifier: GPL-2.0
/*
 * Mock IOMMU domains: paging domains over struct mock_pt, nested domains
 * whose stage 1 lives in guest memory, the blocking domain, the IOTLB
 * model and the translation the DMA engine uses.
 *
 * Paging domain: one page table, one IOTLB, a dirty-tracking switch.  The
 * domain's mutex serialises map, unmap, walks, dirty reads and IOTLB
 * changes (real page tables let disjoint ranges proceed in parallel; the
 * core never relies on that).  Maps outside the domain's aperture are a
 * caller bug (WARN).
 *
 * IOTLB: a translation the DMA engine resolves is cached (8 entries, round
 * robin) and reused without looking at the page table until iotlb_sync()
 * covers it or flush_iotlb_all() runs.  An unmap without a flush therefore
 * leaves a translation that keeps serving DMA into the old page.  Only
 * successful translations are cached.  Dirty bits follow the hardware
 * rule: the first write through an entry sets the leaf's dirty bit and
 * marks the entry, later writes through the same entry do not touch the
 * table.  So after read_and_clear_dirty() the caller must flush the
 * gathered range, or the next write is not seen.
 *
 * Nested domain: the stage-1 table (format in mock_iommu.h) sits in guest
 * memory: its table addresses and output addresses are guest physical
 * addresses, i.e. IOVAs of the parent paging domain.  A walk reads each
 * stage-1 entry by translating the entry's address through the parent's
 * page table (a stage-2 fault during the walk is reported as stage 2),
 * then translates the stage-1 output through the parent again.  The
 * combined translation is cached in the nested domain's own IOTLB, which
 * is emptied by any user invalidation (the ABI's four IOTLB slots are
 * zeroed as the kernel mock does) and by any flush of the parent, since
 * stage-2 changes invalidate combined entries.  Nested state is protected
 * by the parent's mutex.
 */
#include <linux/bug.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <kshim/fault.h>
#include "mock.h"

extern const struct iommu_ops mock_ops;

/* ---- IOTLB ------------------------------------------------------------ */

/**
 * mock_iotlb_lookup() - the cached translation covering @iova
 * @tlb: the IOTLB
 * @iova: the address
 *
 * Return: the entry, or NULL on a miss.
 */
struct mock_iotlb_entry *mock_iotlb_lookup(struct mock_iotlb *tlb,
					   unsigned long iova)
{
	unsigned int i;

	for (i = 0; i < MOCK_IOTLB_ENTRIES; i++) {
		struct mock_iotlb_entry *e = &tlb->e[i];

		if (e->valid && iova - e->iova < e->size)
			return e;
	}
	return NULL;
}

/**
 * mock_iotlb_insert() - cache a translation, evicting round robin
 * @tlb: the IOTLB
 * @iova: first IOVA covered, aligned to @size
 * @size: bytes covered
 * @phys: what @iova translates to
 * @prot: IOMMU_READ/IOMMU_WRITE allowed
 * @dirty_seen: the leaf's dirty bit is already set
 *
 * Return: the new entry.
 */
struct mock_iotlb_entry *mock_iotlb_insert(struct mock_iotlb *tlb,
					   unsigned long iova, size_t size,
					   phys_addr_t phys, int prot,
					   bool dirty_seen)
{
	struct mock_iotlb_entry *e = &tlb->e[tlb->next];

	tlb->next = (tlb->next + 1) % MOCK_IOTLB_ENTRIES;
	e->valid = true;
	e->dirty_seen = dirty_seen;
	e->prot = prot;
	e->iova = iova;
	e->size = size;
	e->phys = phys;
	return e;
}

/**
 * mock_iotlb_invalidate() - drop the entries overlapping [first, last]
 * @tlb: the IOTLB
 * @first: first IOVA
 * @last: last IOVA (inclusive)
 */
void mock_iotlb_invalidate(struct mock_iotlb *tlb, unsigned long first,
			   unsigned long last)
{
	unsigned int i;

	for (i = 0; i < MOCK_IOTLB_ENTRIES; i++) {
		struct mock_iotlb_entry *e = &tlb->e[i];

		if (e->valid && e->iova <= last && e->iova + e->size - 1 >= first)
			e->valid = false;
	}
}

/**
 * mock_iotlb_flush() - drop every entry
 * @tlb: the IOTLB
 */
void mock_iotlb_flush(struct mock_iotlb *tlb)
{
	unsigned int i;

	for (i = 0; i < MOCK_IOTLB_ENTRIES; i++)
		tlb->e[i].valid = false;
}

/**
 * mock_iotlb_used() - valid entries
 * @tlb: the IOTLB
 */
unsigned int mock_iotlb_used(struct mock_iotlb *tlb)
{
	unsigned int i, n = 0;

	for (i = 0; i < MOCK_IOTLB_ENTRIES; i++)
		n += tlb->e[i].valid;
	return n;
}

static int pte_prot(u64 pte)
{
	return (pte & MOCK_PTE_READ ? IOMMU_READ : 0) |
	       (pte & MOCK_PTE_WRITE ? IOMMU_WRITE : 0);
}

/* ---- paging domains -------------------------------------------------- */

/**
 * mock_domain_alloc_paging_flags() - iommu_ops.domain_alloc_paging_flags
 * @dev: the mock device the domain is for (its geometry is used)
 * @flags: NEST_PARENT, DIRTY_TRACKING, PASID
 * @user_data: must be NULL (the mock has no paging driver data)
 *
 * Return: the domain, or ERR_PTR(-EOPNOTSUPP) for user data, other flags
 * or dirty tracking on a NO_DIRTY device; -ENOMEM.
 */
struct iommu_domain *
mock_domain_alloc_paging_flags(struct device *dev, u32 flags,
			       const struct iommu_user_data *user_data)
{
	const u32 paging_flags = IOMMU_HWPT_ALLOC_NEST_PARENT |
				 IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
				 IOMMU_HWPT_ALLOC_PASID;
	struct mock_dev *mdev = dev ? to_mock_dev(dev) : NULL;
	const struct mock_pt_cfg *cfg = mdev ? &mdev->pt_cfg :
					       &mock_pt_cfg_default;
	bool dirty = flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	struct mock_iommu_domain *mock;
	int rc;

	if (user_data)
		return ERR_PTR(-EOPNOTSUPP);
	if ((flags & ~paging_flags) ||
	    (dirty && mdev && (mdev->flags & MOCK_FLAGS_DEVICE_NO_DIRTY)))
		return ERR_PTR(-EOPNOTSUPP);

	mock = kzalloc(sizeof(*mock), GFP_KERNEL);
	if (!mock)
		return ERR_PTR(-ENOMEM);
	rc = mock_pt_init(&mock->pt, cfg, GFP_KERNEL);
	if (rc) {
		kfree(mock);
		return ERR_PTR(rc);
	}
	mutex_init(&mock->lock);
	INIT_LIST_HEAD(&mock->nested);
	mock->nest_parent = flags & IOMMU_HWPT_ALLOC_NEST_PARENT;
	mock->domain.type = IOMMU_DOMAIN_UNMANAGED;
	mock->domain.ops = &mock_paging_ops;
	mock->domain.owner = &mock_ops;
	mock->domain.pgsize_bitmap = cfg->pgsize_bitmap;
	mock->domain.geometry.aperture_start = cfg->aperture_start;
	mock->domain.geometry.aperture_end = cfg->aperture_last;
	mock->domain.geometry.force_aperture = true;
	if (dirty)
		mock->domain.dirty_ops = &mock_dirty_ops;
	kshim_iommu_domain_created(&mock->domain);
	return &mock->domain;
}

static void mock_paging_free(struct iommu_domain *domain)
{
	struct mock_iommu_domain *mock = to_mock_domain(domain);

	WARN(!list_empty(&mock->nested),
	     "freeing a paging domain that nested domains still use\n");
	mock_pt_destroy(&mock->pt);
	mutex_destroy(&mock->lock);
	kfree(mock);
}

static bool in_aperture(struct iommu_domain *domain, unsigned long first,
			unsigned long last)
{
	return first >= domain->geometry.aperture_start &&
	       last <= domain->geometry.aperture_end && first <= last;
}

static int mock_paging_map_pages(struct iommu_domain *domain,
				 unsigned long iova, phys_addr_t paddr,
				 size_t pgsize, size_t pgcount, int prot,
				 gfp_t gfp, size_t *mapped)
{
	struct mock_iommu_domain *mock = to_mock_domain(domain);
	u64 perm = 0;
	size_t size;
	int ret;

	/* The kernel mock's map fault point (fail_iommufd), as -ENOENT. */
	if (kshim_fault_point())
		return -ENOENT;
	if (WARN_ON(check_mul_overflow(pgsize, pgcount, &size) || !size ||
		    !in_aperture(domain, iova, iova + size - 1)))
		return -EINVAL;
	if (prot & IOMMU_READ)
		perm |= MOCK_PTE_READ;
	if (prot & IOMMU_WRITE)
		perm |= MOCK_PTE_WRITE;
	mutex_lock(&mock->lock);
	ret = mock_pt_map(&mock->pt, iova, paddr, pgsize, pgcount, perm, gfp,
			  mapped);
	mutex_unlock(&mock->lock);
	return ret;
}

static size_t mock_paging_unmap_pages(struct iommu_domain *domain,
				      unsigned long iova, size_t pgsize,
				      size_t pgcount,
				      struct iommu_iotlb_gather *gather)
{
	struct mock_iommu_domain *mock = to_mock_domain(domain);
	struct mock_pt_unmap_info info = {
		/*
		 * With one page size unmaps mirror maps exactly; with more,
		 * the core may cut a range differently than it mapped it.
		 */
		.check_markers = hweight_long(domain->pgsize_bitmap) == 1,
	};
	size_t size, ret;

	if (WARN_ON(check_mul_overflow(pgsize, pgcount, &size)))
		return 0;
	mutex_lock(&mock->lock);
	ret = mock_pt_unmap(&mock->pt, iova, size, &info);
	if (ret)
		iommu_iotlb_gather_add_range(gather, info.first,
					     info.last - info.first + 1);
	mutex_unlock(&mock->lock);
	return ret;
}

static phys_addr_t mock_paging_iova_to_phys(struct iommu_domain *domain,
					    dma_addr_t iova)
{
	struct mock_iommu_domain *mock = to_mock_domain(domain);
	struct mock_pt_leaf leaf;
	phys_addr_t phys = 0;

	mutex_lock(&mock->lock);
	if (mock_pt_lookup(&mock->pt, iova, &leaf))
		phys = (leaf.pte & MOCK_PTE_ADDR_MASK) + (iova - leaf.start);
	mutex_unlock(&mock->lock);
	return phys;
}

/* Combined stage-1/stage-2 entries depend on the parent: drop them. */
static void mock_flush_nested_locked(struct mock_iommu_domain *mock)
{
	struct mock_iommu_domain_nested *nested;

	lockdep_assert_held(&mock->lock);
	list_for_each_entry(nested, &mock->nested, parent_node)
		mock_iotlb_flush(&nested->tlb);
}

static void mock_paging_iotlb_sync(struct iommu_domain *domain,
				   struct iommu_iotlb_gather *gather)
{
	struct mock_iommu_domain *mock = to_mock_domain(domain);

	if (gather->start > gather->end)
		return;
	mutex_lock(&mock->lock);
	mock_iotlb_invalidate(&mock->iotlb, gather->start, gather->end);
	mock_flush_nested_locked(mock);
	mutex_unlock(&mock->lock);
}

static void mock_paging_flush_iotlb_all(struct iommu_domain *domain)
{
	struct mock_iommu_domain *mock = to_mock_domain(domain);

	mutex_lock(&mock->lock);
	mock_iotlb_flush(&mock->iotlb);
	mock_flush_nested_locked(mock);
	mutex_unlock(&mock->lock);
}

const struct iommu_domain_ops mock_paging_ops = {
	.attach_dev = mock_dev_attach,
	.set_dev_pasid = mock_dev_set_pasid,
	.map_pages = mock_paging_map_pages,
	.unmap_pages = mock_paging_unmap_pages,
	.iova_to_phys = mock_paging_iova_to_phys,
	.iotlb_sync = mock_paging_iotlb_sync,
	.flush_iotlb_all = mock_paging_flush_iotlb_all,
	.free = mock_paging_free,
};

/* ---- dirty tracking ------------------------------------------------- */

static int mock_set_dirty_tracking(struct iommu_domain *domain, bool enable)
{
	struct mock_iommu_domain *mock = to_mock_domain(domain);

	if (enable && !domain->dirty_ops)
		return -EINVAL;
	mutex_lock(&mock->lock);
	mock->dirty_tracking = enable;
	mutex_unlock(&mock->lock);
	return 0;
}

static int mock_read_and_clear_dirty(struct iommu_domain *domain,
				     unsigned long iova, size_t size,
				     unsigned long flags,
				     struct iommu_dirty_bitmap *dirty)
{
	struct mock_iommu_domain *mock = to_mock_domain(domain);
	int ret;

	mutex_lock(&mock->lock);
	/* Reading needs tracking on; clearing alone (no bitmap) does not. */
	if (!mock->dirty_tracking && (dirty->bitmap || dirty->kshim_record))
		ret = -EINVAL;
	else
		ret = mock_pt_read_and_clear_dirty(&mock->pt, iova, size,
						   flags, dirty);
	mutex_unlock(&mock->lock);
	return ret;
}

const struct iommu_dirty_ops mock_dirty_ops = {
	.set_dirty_tracking = mock_set_dirty_tracking,
	.read_and_clear_dirty = mock_read_and_clear_dirty,
};

/* ---- the blocking domain ------------------------------------------ */

static const struct iommu_domain_ops mock_blocking_ops = {
	.attach_dev = mock_dev_attach,
	.set_dev_pasid = mock_dev_set_pasid,
};

struct iommu_domain mock_blocking_domain = {
	.type = IOMMU_DOMAIN_BLOCKED,
	.ops = &mock_blocking_ops,
};

/* ---- nested domains ----------------------------------------------- */

/**
 * mock_nested_alloc() - a nested domain over the mock paging domain @parent
 * @parent: the stage-2 domain
 * @flags: only IOMMU_HWPT_ALLOC_PASID
 * @user_data: IOMMU_HWPT_DATA_SELFTEST, struct iommu_hwpt_selftest
 *
 * All four IOTLB slots start at the data's iotlb value; stage 1 starts
 * off (see mock_nested_set_stage1()).  Shared by the iommu_ops path and
 * the vIOMMU's alloc_domain_nested.
 *
 * Return: the domain or ERR_PTR: -EOPNOTSUPP (flags, data type), -EINVAL
 * (parent, short data), -E2BIG (non-zero tail), -EFAULT, -ENOMEM.
 */
struct mock_iommu_domain_nested *
mock_nested_alloc(struct iommu_domain *parent, u32 flags,
		  const struct iommu_user_data *user_data)
{
	struct mock_iommu_domain_nested *nested;
	struct iommu_hwpt_selftest user_cfg;
	struct mock_iommu_domain *mock_parent;
	int rc, i;

	if (flags & ~IOMMU_HWPT_ALLOC_PASID)
		return ERR_PTR(-EOPNOTSUPP);
	if (!parent || parent->ops != &mock_paging_ops)
		return ERR_PTR(-EINVAL);
	if (!user_data || user_data->type != IOMMU_HWPT_DATA_SELFTEST)
		return ERR_PTR(-EOPNOTSUPP);
	rc = iommu_copy_struct_from_user(&user_cfg, user_data,
					 IOMMU_HWPT_DATA_SELFTEST, iotlb);
	if (rc)
		return ERR_PTR(rc);

	nested = kzalloc(sizeof(*nested), GFP_KERNEL);
	if (!nested)
		return ERR_PTR(-ENOMEM);
	mock_parent = to_mock_domain(parent);
	nested->parent = mock_parent;
	nested->domain.type = IOMMU_DOMAIN_NESTED;
	nested->domain.ops = &mock_nested_ops;
	nested->domain.owner = &mock_ops;
	for (i = 0; i < MOCK_NESTED_DOMAIN_IOTLB_NUM; i++)
		nested->iotlb[i] = user_cfg.iotlb;
	mutex_lock(&mock_parent->lock);
	list_add_tail(&nested->parent_node, &mock_parent->nested);
	mutex_unlock(&mock_parent->lock);
	kshim_iommu_domain_created(&nested->domain);
	return nested;
}

/**
 * mock_domain_alloc_nested() - iommu_ops.domain_alloc_nested
 * @dev: the device
 * @parent: a mock paging domain (stage 2)
 * @flags: only IOMMU_HWPT_ALLOC_PASID
 * @user_data: IOMMU_HWPT_DATA_SELFTEST, struct iommu_hwpt_selftest
 *
 * Return: see mock_nested_alloc().
 */
struct iommu_domain *
mock_domain_alloc_nested(struct device *dev, struct iommu_domain *parent,
			 u32 flags, const struct iommu_user_data *user_data)
{
	struct mock_iommu_domain_nested *nested;

	nested = mock_nested_alloc(parent, flags, user_data);
	if (IS_ERR(nested))
		return ERR_CAST(nested);
	return &nested->domain;
}

static void mock_nested_free(struct iommu_domain *domain)
{
	struct mock_iommu_domain_nested *nested = to_mock_nested(domain);
	struct mock_iommu_domain *parent = nested->parent;

	mutex_lock(&parent->lock);
	list_del(&nested->parent_node);
	mutex_unlock(&parent->lock);
	kfree(nested);
}

static int mock_nested_cache_invalidate_user(struct iommu_domain *domain,
					     struct iommu_user_data_array *array)
{
	struct mock_iommu_domain_nested *nested = to_mock_nested(domain);
	struct iommu_hwpt_invalidate_selftest inv;
	u32 processed = 0;
	int rc = 0, i, j;

	if (array->type != IOMMU_HWPT_INVALIDATE_DATA_SELFTEST) {
		rc = -EINVAL;
		goto out;
	}
	for (i = 0; i < array->entry_num; i++) {
		rc = iommu_copy_struct_from_user_array(
			&inv, array, IOMMU_HWPT_INVALIDATE_DATA_SELFTEST, i,
			iotlb_id);
		if (rc)
			break;
		if (inv.flags & ~IOMMU_TEST_INVALIDATE_FLAG_ALL) {
			rc = -EOPNOTSUPP;
			break;
		}
		if (inv.iotlb_id > MOCK_NESTED_DOMAIN_IOTLB_ID_MAX) {
			rc = -EINVAL;
			break;
		}
		mutex_lock(&nested->parent->lock);
		if (inv.flags & IOMMU_TEST_INVALIDATE_FLAG_ALL) {
			for (j = 0; j < MOCK_NESTED_DOMAIN_IOTLB_NUM; j++)
				nested->iotlb[j] = 0;
		} else {
			nested->iotlb[inv.iotlb_id] = 0;
		}
		/* The translation cache has no per-ID tags: empty it. */
		mock_iotlb_flush(&nested->tlb);
		mutex_unlock(&nested->parent->lock);
		processed++;
	}
out:
	array->entry_num = processed;
	return rc;
}

const struct iommu_domain_ops mock_nested_ops = {
	.attach_dev = mock_dev_attach,
	.set_dev_pasid = mock_dev_set_pasid,
	.cache_invalidate_user = mock_nested_cache_invalidate_user,
	.free = mock_nested_free,
};

/* ---- translation for the DMA engine ----------------------------------- */

static int xlate_fault(struct mock_xlate *x, int stage,
		       enum mock_fault_reason reason)
{
	x->stage = stage;
	x->reason = reason;
	return reason == MOCK_FAULT_PERMISSION ? -EPERM : -EFAULT;
}

static int mock_paging_xlate_locked(struct mock_iommu_domain *mock,
				    unsigned long iova, bool write,
				    struct mock_xlate *x)
{
	int need = write ? IOMMU_WRITE : IOMMU_READ;
	struct mock_iotlb_entry *e;
	struct mock_pt_leaf leaf;

	lockdep_assert_held(&mock->lock);
	if (!in_aperture(&mock->domain, iova, iova))
		return xlate_fault(x, 0, MOCK_FAULT_RANGE);
	e = mock_iotlb_lookup(&mock->iotlb, iova);
	if (!e) {
		if (!mock_pt_lookup(&mock->pt, iova, &leaf))
			return xlate_fault(x, 0, MOCK_FAULT_NOT_PRESENT);
		if (!(pte_prot(leaf.pte) & need))
			return xlate_fault(x, 0, MOCK_FAULT_PERMISSION);
		e = mock_iotlb_insert(&mock->iotlb, leaf.start, leaf.size,
				      leaf.pte & MOCK_PTE_ADDR_MASK,
				      pte_prot(leaf.pte),
				      leaf.pte & MOCK_PTE_DIRTY);
	}
	if (!(e->prot & need))
		return xlate_fault(x, 0, MOCK_FAULT_PERMISSION);
	if (write && mock->dirty_tracking && !e->dirty_seen) {
		/* The first write through the entry marks the leaf. */
		if (mock_pt_lookup(&mock->pt, iova, &leaf))
			*leaf.ptep |= MOCK_PTE_DIRTY;
		e->dirty_seen = true;
	}
	x->phys = e->phys + (iova - e->iova);
	x->left = e->size - (iova - e->iova);
	return 0;
}

/* Stage 2 of a nested translation: @gpa through the parent's table. */
static int mock_s2_walk(struct mock_iommu_domain *parent, u64 gpa, int need,
			bool set_dirty, struct mock_pt_leaf *leaf,
			struct mock_xlate *x)
{
	if (!in_aperture(&parent->domain, gpa, gpa))
		return xlate_fault(x, 2, MOCK_FAULT_RANGE);
	if (!mock_pt_lookup(&parent->pt, gpa, leaf))
		return xlate_fault(x, 2, MOCK_FAULT_NOT_PRESENT);
	if (!(pte_prot(leaf->pte) & need))
		return xlate_fault(x, 2, MOCK_FAULT_PERMISSION);
	if (set_dirty && parent->dirty_tracking) {
		*leaf->ptep |= MOCK_PTE_DIRTY;
		leaf->pte = *leaf->ptep;
	}
	return 0;
}

static phys_addr_t s2_out(struct mock_pt_leaf *leaf, u64 gpa)
{
	return (leaf->pte & MOCK_PTE_ADDR_MASK) + (gpa - leaf->start);
}

/* Walk the stage-1 table for @iova: output GPA, leaf size and rights. */
static int mock_s1_walk(struct mock_iommu_domain_nested *nested,
			unsigned long iova, u64 *gpa, size_t *size, int *prot,
			struct mock_xlate *x)
{
	u64 table = nested->s1_root;
	int level;

	if (iova >> MOCK_S1_IAS)
		return xlate_fault(x, 1, MOCK_FAULT_RANGE);
	for (level = MOCK_S1_LEVELS - 1; level >= 0; level--) {
		unsigned int shift = MOCK_S1_GRANULE_SHIFT +
				     MOCK_PT_BITS_PER_LEVEL * level;
		u64 entry_gpa = table + 8 * ((iova >> shift) &
					     (MOCK_PT_ENTRIES - 1));
		struct mock_pt_leaf s2;
		u64 *entry, pte;
		int rc;

		/* The guest's table is guest memory: read it via stage 2. */
		rc = mock_s2_walk(nested->parent, entry_gpa, IOMMU_READ, false,
				  &s2, x);
		if (rc)
			return rc;
		if (!pfn_valid(PHYS_PFN(s2_out(&s2, entry_gpa))))
			return xlate_fault(x, 2, MOCK_FAULT_BUS);
		entry = phys_to_virt(s2_out(&s2, entry_gpa));
		pte = READ_ONCE(*entry);
		if (!(pte & MOCK_PTE_PRESENT))
			return xlate_fault(x, 1, MOCK_FAULT_NOT_PRESENT);
		if (level == 0 || (pte & MOCK_PTE_LEAF)) {
			/* Leaves of 4 KiB, 2 MiB and 1 GiB only. */
			if (level > 2)
				return xlate_fault(x, 1, MOCK_FAULT_NOT_PRESENT);
			*size = 1UL << shift;
			*gpa = ((pte & MOCK_PTE_ADDR_MASK) & ~(u64)(*size - 1)) +
			       (iova & (*size - 1));
			*prot = pte_prot(pte);
			return 0;
		}
		table = pte & MOCK_PTE_ADDR_MASK & PAGE_MASK;
	}
	return xlate_fault(x, 1, MOCK_FAULT_NOT_PRESENT);
}

static int mock_nested_xlate_locked(struct mock_iommu_domain_nested *nested,
				    unsigned long iova, bool write,
				    struct mock_xlate *x)
{
	struct mock_iommu_domain *parent = nested->parent;
	int need = write ? IOMMU_WRITE : IOMMU_READ;
	struct mock_iotlb_entry *e;
	struct mock_pt_leaf s2;
	size_t s1_size, size;
	int s1_prot, rc;
	u64 gpa;

	lockdep_assert_held(&parent->lock);
	e = mock_iotlb_lookup(&nested->tlb, iova);
	if (e) {
		if (!(e->prot & need))
			return xlate_fault(x, 1, MOCK_FAULT_PERMISSION);
		if (write && parent->dirty_tracking && !e->dirty_seen) {
			/* Re-walk stage 1 only to find the stage-2 leaf. */
			if (!nested->s1_root) {
				gpa = iova;
			} else if (mock_s1_walk(nested, iova, &gpa, &s1_size,
						&s1_prot, x)) {
				goto out_hit;
			}
			if (!mock_s2_walk(parent, gpa, IOMMU_WRITE, true, &s2,
					  x))
				e->dirty_seen = true;
		}
out_hit:
		x->phys = e->phys + (iova - e->iova);
		x->left = e->size - (iova - e->iova);
		return 0;
	}

	if (nested->s1_root) {
		rc = mock_s1_walk(nested, iova, &gpa, &s1_size, &s1_prot, x);
		if (rc)
			return rc;
	} else {
		/* Stage 1 off: the IOVA is the guest physical address. */
		gpa = iova;
		s1_size = ULONG_MAX;
		s1_prot = IOMMU_READ | IOMMU_WRITE;
	}
	if (!(s1_prot & need))
		return xlate_fault(x, 1, MOCK_FAULT_PERMISSION);
	rc = mock_s2_walk(parent, gpa, need, write, &s2, x);
	if (rc)
		return rc;

	size = min(s1_size, s2.size);
	e = mock_iotlb_insert(&nested->tlb, iova & ~(size - 1), size,
			      s2_out(&s2, gpa) - (iova & (size - 1)),
			      s1_prot & pte_prot(s2.pte),
			      s2.pte & MOCK_PTE_DIRTY);
	x->phys = e->phys + (iova - e->iova);
	x->left = e->size - (iova - e->iova);
	return 0;
}

/**
 * mock_domain_translate() - translate one address for the DMA engine
 * @domain: the domain the device uses (NULL or blocking: everything faults)
 * @iova: the address
 * @write: the access is a write (needs WRITE, may set a dirty bit)
 * @x: the result: physical address and linear length, or the fault
 *
 * Return: 0, -EFAULT (translation fault) or -EPERM (permission fault).
 */
int mock_domain_translate(struct iommu_domain *domain, unsigned long iova,
			  bool write, struct mock_xlate *x)
{
	int rc;

	x->stage = 0;
	x->reason = MOCK_FAULT_NONE;
	if (!domain || domain->type == IOMMU_DOMAIN_BLOCKED)
		return xlate_fault(x, 0, MOCK_FAULT_BLOCKED);
	if (domain->ops == &mock_nested_ops) {
		struct mock_iommu_domain_nested *nested =
			to_mock_nested(domain);

		mutex_lock(&nested->parent->lock);
		rc = mock_nested_xlate_locked(nested, iova, write, x);
		mutex_unlock(&nested->parent->lock);
		return rc;
	}
	if (WARN_ON(domain->ops != &mock_paging_ops))
		return xlate_fault(x, 0, MOCK_FAULT_BLOCKED);
	mutex_lock(&to_mock_domain(domain)->lock);
	rc = mock_paging_xlate_locked(to_mock_domain(domain), iova, write, x);
	mutex_unlock(&to_mock_domain(domain)->lock);
	return rc;
}

/* ---- driver-side helpers (mock_iommu.h) ---------------------------- */

bool mock_domain_is_paging(struct iommu_domain *domain)
{
	return domain && domain->ops == &mock_paging_ops &&
	       domain->type == IOMMU_DOMAIN_UNMANAGED;
}

bool mock_domain_is_nested(struct iommu_domain *domain)
{
	return domain && domain->ops == &mock_nested_ops;
}

int mock_domain_set_dirty(struct iommu_domain *domain, unsigned long iova)
{
	struct mock_iommu_domain *mock;
	struct mock_pt_leaf leaf;
	int ret = -ENOENT;

	if (!mock_domain_is_paging(domain))
		return -EINVAL;
	mock = to_mock_domain(domain);
	mutex_lock(&mock->lock);
	if (!mock->dirty_tracking) {
		ret = -EINVAL;
	} else if (mock_pt_lookup(&mock->pt, iova, &leaf)) {
		*leaf.ptep |= MOCK_PTE_DIRTY;
		ret = 0;
	}
	mutex_unlock(&mock->lock);
	return ret;
}

bool mock_domain_dirty_tracking(struct iommu_domain *domain)
{
	struct mock_iommu_domain *mock;
	bool on;

	if (!mock_domain_is_paging(domain))
		return false;
	mock = to_mock_domain(domain);
	mutex_lock(&mock->lock);
	on = mock->dirty_tracking;
	mutex_unlock(&mock->lock);
	return on;
}

unsigned long mock_domain_pt_bytes(struct iommu_domain *domain)
{
	struct mock_iommu_domain *mock;
	unsigned long bytes;

	if (!mock_domain_is_paging(domain))
		return 0;
	mock = to_mock_domain(domain);
	mutex_lock(&mock->lock);
	bytes = mock->pt.nr_tables * PAGE_SIZE;
	mutex_unlock(&mock->lock);
	return bytes;
}

unsigned int mock_domain_iotlb_used(struct iommu_domain *domain)
{
	struct mock_iommu_domain *lock_owner;
	struct mock_iotlb *tlb;
	unsigned int n;

	if (mock_domain_is_nested(domain)) {
		lock_owner = to_mock_nested(domain)->parent;
		tlb = &to_mock_nested(domain)->tlb;
	} else if (mock_domain_is_paging(domain)) {
		lock_owner = to_mock_domain(domain);
		tlb = &lock_owner->iotlb;
	} else {
		return 0;
	}
	mutex_lock(&lock_owner->lock);
	n = mock_iotlb_used(tlb);
	mutex_unlock(&lock_owner->lock);
	return n;
}

int mock_nested_check_iotlb(struct iommu_domain *domain, u32 id, u32 *val)
{
	struct mock_iommu_domain_nested *nested;

	if (!mock_domain_is_nested(domain) ||
	    id > MOCK_NESTED_DOMAIN_IOTLB_ID_MAX)
		return -EINVAL;
	nested = to_mock_nested(domain);
	mutex_lock(&nested->parent->lock);
	*val = nested->iotlb[id];
	mutex_unlock(&nested->parent->lock);
	return 0;
}

int mock_nested_set_stage1(struct iommu_domain *domain, u64 s1_root)
{
	struct mock_iommu_domain_nested *nested;

	if (!mock_domain_is_nested(domain) ||
	    !IS_ALIGNED(s1_root, 1UL << MOCK_S1_GRANULE_SHIFT))
		return -EINVAL;
	nested = to_mock_nested(domain);
	mutex_lock(&nested->parent->lock);
	nested->s1_root = s1_root;
	mock_iotlb_flush(&nested->tlb);
	mutex_unlock(&nested->parent->lock);
	return 0;
}
