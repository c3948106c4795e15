/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to mock-iommu: the driver's structures and the page-table,
 * IOTLB and translation helpers its files share.
 *
 * Lock order (outer to inner):
 *   group->mutex (core) -> mdev->dma_sem -> mock_iommu.lock (the iopf
 *	queue's existence) -> iopf locks (core) -> mdev->prq_lock
 *   mdev->dma_sem (read, DMA) -> mock domain lock
 *   mdev->dma_sem (read, DMA) -> iopf locks (report) -> handler
 *   group->mutex (core) -> viommu->vdevs xa_lock (vDEVICE lookup at attach)
 *   group->mutex (core) -> mdev->viommu_sem (write, attach)
 *   mdev->viommu_sem (read) -> veventqs_rwsem -> eventq lock (vevents)
 *   viommu->vdevs xa_lock -> mdev->prq_lock (vIOMMU cache invalidation)
 *   mock_viommu->queue_mutex (HW queue init and destroy)
 * A nested domain has no lock of its own: its state (stage-1 root, IOTLB,
 * IOTLB slots) is protected by its parent's lock, since every nested
 * translation walks the parent anyway.
 */
#ifndef _MOCK_IOMMU_PRIV_H
#define _MOCK_IOMMU_PRIV_H

#include <linux/completion.h>
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>
#include <mock_iommu.h>
#include <uapi/iommufd_test.h>

/* ---- page table (pgtable.c) ------------------------------------------- */

/**
 * struct mock_pt - one multi-level page table in simulated frames
 * @granule_shift: log2 of the level-0 leaf size
 * @ias: IOVA bits
 * @levels: table levels; level 0 holds the smallest leaves
 * @pgsize_bitmap: leaf sizes allowed
 * @root: physical address of the top table
 * @nr_tables: table pages allocated, root included
 *
 * Every table is one alloc_page() frame of MOCK_PT_ENTRIES entries, read
 * and written through phys_to_virt().  The page's ->private counts the
 * table's present entries, so a table that becomes empty during an unmap
 * is freed at once (the model has no paging-structure cache that would
 * need a deferred free).  The caller serialises all calls.
 */
struct mock_pt {
	unsigned int granule_shift;
	unsigned int ias;
	unsigned int levels;
	unsigned long pgsize_bitmap;
	phys_addr_t root;
	unsigned long nr_tables;
};

/* What a walk found for one address. */
struct mock_pt_leaf {
	u64 *ptep;		/* the leaf entry, NULL if none */
	u64 pte;		/* its value */
	unsigned int level;
	size_t size;		/* bytes the leaf maps */
	unsigned long start;	/* first IOVA of the leaf */
};

/* What an unmap did, for the IOTLB gather and the marker check. */
struct mock_pt_unmap_info {
	bool check_markers;	/* in: WARN unless on map-call boundaries */
	unsigned long first;	/* out: first IOVA of the first leaf removed */
	unsigned long last;	/* out: last IOVA of the last leaf removed */
};

int mock_pt_check_cfg(const struct mock_pt_cfg *cfg);
int mock_pt_init(struct mock_pt *pt, const struct mock_pt_cfg *cfg, gfp_t gfp);
void mock_pt_destroy(struct mock_pt *pt);
int mock_pt_map(struct mock_pt *pt, unsigned long iova, phys_addr_t paddr,
		size_t pgsize, size_t pgcount, u64 perm, gfp_t gfp,
		size_t *mapped);
size_t mock_pt_unmap(struct mock_pt *pt, unsigned long iova, size_t size,
		     struct mock_pt_unmap_info *info);
bool mock_pt_lookup(struct mock_pt *pt, unsigned long iova,
		    struct mock_pt_leaf *leaf);
int mock_pt_read_and_clear_dirty(struct mock_pt *pt, unsigned long iova,
				 size_t size, unsigned long flags,
				 struct iommu_dirty_bitmap *dirty);

/* ---- IOTLB ------------------------------------------------------------ */

#define MOCK_IOTLB_ENTRIES	8

/**
 * struct mock_iotlb_entry - one cached translation
 * @valid: in use
 * @dirty_seen: the leaf's dirty bit is known set: writes through this
 *		entry do not touch the page table again
 * @prot: IOMMU_READ/IOMMU_WRITE allowed
 * @iova: first IOVA covered (aligned to @size)
 * @size: bytes covered: the leaf, or for nested domains the smaller of
 *	  the stage-1 and stage-2 leaves
 * @phys: what @iova translates to
 */
struct mock_iotlb_entry {
	bool valid;
	bool dirty_seen;
	int prot;
	unsigned long iova;
	size_t size;
	phys_addr_t phys;
};

/*
 * A small fully associative translation cache, filled by DMA and emptied
 * only by invalidation (iotlb_sync, flush_iotlb_all, nested cache
 * invalidation): a missing flush leaves a stale entry that keeps serving
 * DMA.  Replacement is round robin.
 */
struct mock_iotlb {
	struct mock_iotlb_entry e[MOCK_IOTLB_ENTRIES];
	unsigned int next;
};

struct mock_iotlb_entry *mock_iotlb_lookup(struct mock_iotlb *tlb,
					   unsigned long iova);
struct mock_iotlb_entry *mock_iotlb_insert(struct mock_iotlb *tlb,
					   unsigned long iova, size_t size,
					   phys_addr_t phys, int prot,
					   bool dirty_seen);
void mock_iotlb_invalidate(struct mock_iotlb *tlb, unsigned long first,
			   unsigned long last);
void mock_iotlb_flush(struct mock_iotlb *tlb);
unsigned int mock_iotlb_used(struct mock_iotlb *tlb);

/* ---- domains (domain.c) ---------------------------------------------- */

/**
 * struct mock_iommu_domain - a paging domain
 * @domain: the core's domain
 * @lock: protects everything below, and the nested domains' state
 * @pt: the page table
 * @iotlb: the translation cache
 * @dirty_tracking: device writes set dirty bits
 * @nest_parent: allocated with IOMMU_HWPT_ALLOC_NEST_PARENT
 * @nested: nested domains using this one as stage 2
 */
struct mock_iommu_domain {
	struct iommu_domain domain;
	struct mutex lock;
	struct mock_pt pt;
	struct mock_iotlb iotlb;
	bool dirty_tracking;
	bool nest_parent;
	struct list_head nested;
};

/**
 * struct mock_iommu_domain_nested - a nested domain (user stage 1)
 * @domain: the core's domain
 * @parent: the stage-2 paging domain
 * @mock_viommu: the vIOMMU it was allocated through, or NULL
 * @parent_node: on @parent->nested
 * @iotlb: the ABI's four IOTLB slots (MD_CHECK_IOTLB)
 * @s1_root: GPA of the stage-1 top table, 0 when stage 1 is off
 * @tlb: cached combined (stage 1 + stage 2) translations
 */
struct mock_iommu_domain_nested {
	struct iommu_domain domain;
	struct mock_iommu_domain *parent;
	struct mock_viommu *mock_viommu;
	struct list_head parent_node;
	u32 iotlb[MOCK_NESTED_DOMAIN_IOTLB_NUM];
	u64 s1_root;
	struct mock_iotlb tlb;
};

extern const struct iommu_domain_ops mock_paging_ops;
extern const struct iommu_domain_ops mock_nested_ops;
extern const struct iommu_dirty_ops mock_dirty_ops;
extern struct iommu_domain mock_blocking_domain;

static inline struct mock_iommu_domain *to_mock_domain(struct iommu_domain *d)
{
	return container_of(d, struct mock_iommu_domain, domain);
}

static inline struct mock_iommu_domain_nested *
to_mock_nested(struct iommu_domain *d)
{
	return container_of(d, struct mock_iommu_domain_nested, domain);
}

struct iommu_domain *mock_domain_alloc_paging_flags(
	struct device *dev, u32 flags, const struct iommu_user_data *user_data);
struct iommu_domain *mock_domain_alloc_nested(
	struct device *dev, struct iommu_domain *parent, u32 flags,
	const struct iommu_user_data *user_data);
struct mock_iommu_domain_nested *
mock_nested_alloc(struct iommu_domain *parent, u32 flags,
		  const struct iommu_user_data *user_data);

/* ---- the vIOMMU (viommu.c) ------------------------------------------- */

struct mock_hw_queue;

/**
 * struct mock_viommu - the mock's vIOMMU (IOMMU_VIOMMU_TYPE_SELFTEST)
 * @core: the iommufd object (first)
 * @s2_parent: the nest-parent domain (stage 2)
 * @queue_mutex: protects @hw_queue
 * @hw_queue: the HW queues by index
 * @mmio: the two zeroed pages registered for mmap (with driver data)
 * @mmap_offset: their mmap offset, 0 if none
 */
struct mock_viommu {
	struct iommufd_viommu core;
	struct mock_iommu_domain *s2_parent;
	struct mutex queue_mutex;
	struct mock_hw_queue *hw_queue[IOMMU_TEST_HW_QUEUE_MAX];
	struct page *mmio;
	unsigned long mmap_offset;
};

static inline struct mock_viommu *to_mock_viommu(struct iommufd_viommu *v)
{
	return container_of(v, struct mock_viommu, core);
}

size_t mock_get_viommu_size(struct device *dev,
			    enum iommu_viommu_type viommu_type);
int mock_viommu_init(struct iommufd_viommu *viommu,
		     struct iommu_domain *parent_domain,
		     const struct iommu_user_data *user_data);

/* The result of translating one address for the DMA engine. */
struct mock_xlate {
	phys_addr_t phys;	/* where the address goes */
	size_t left;		/* bytes from there that translate linearly */
	int stage;		/* on a fault: which stage (nested) */
	enum mock_fault_reason reason;
};

/* Translate @iova for an access; 0 or -EFAULT/-EPERM with @x->reason. */
int mock_domain_translate(struct iommu_domain *domain, unsigned long iova,
			  bool write, struct mock_xlate *x);

/* ---- devices (mock.c) -------------------------------------------------- */

/* A DMA waiting for the answer to its page request. */
struct mock_prq_waiter {
	struct list_head node;
	u32 grpid;
	u32 pasid;
	u32 code;
	bool answered;
	struct completion done;
};

/**
 * struct mock_dev - a mock device
 * @dev: the device
 * @node: on mock_iommu.devices
 * @flags: MOCK_FLAGS_DEVICE_*
 * @id: mock device number (lowest free)
 * @pt_cfg: geometry of the device's paging domains
 * @share_group: the device whose group to join at probe, or NULL
 * @dma_sem: DMA holds it for read while it uses @domain or a PASID's
 *	     domain; switching them takes it for write, so a DMA never uses
 *	     a domain that is being detached
 * @domain: the RID's domain (written under the group mutex and @dma_sem)
 * @pasid_domains: PASID -> domain (same rules)
 * @iopf_refcount: attached domains with an iopf handler (group mutex and
 *		   @dma_sem for write); the device is on the iopf queue while
 *		   non-zero
 * @pasid_1024_fake_error: IOMMU_TEST_PASID_RESERVED alternation
 * @attach_fail_err: mock_dev_fail_next_attach()
 * @cache: DEV_CHECK_CACHE slots (@prq_lock)
 * @prq_lock: protects @prq_waiters, @next_grpid, @last_fault, responses
 * @prq_waiters: DMAs waiting for page responses
 * @next_grpid: the next page request group ID (9 bits, as PCIe PRI)
 * @prq_timeout: jiffies a DMA waits for a response
 * @last_fault: see mock_dev_last_fault()
 * @last_response: code of the last page response
 * @responses: page responses received
 * @resv_regions: extra reserved regions (mock_dev_add_resv_region())
 * @viommu_sem: protects @viommu and @vdev_id (write: attach; read:
 *		TRIGGER_VEVENT)
 * @viommu: the vIOMMU of the nested domain the RID is attached to, if that
 *	    domain was allocated through one
 * @vdev_id: the device's virt_id on @viommu, looked up at attach
 * @vdevs: vDEVICEs of the device (@prq_lock); none may outlive it
 */
struct mock_dev {
	struct device dev;
	struct list_head node;
	u32 flags;
	unsigned int id;
	struct mock_pt_cfg pt_cfg;
	struct mock_dev *share_group;

	struct rw_semaphore dma_sem;
	struct iommu_domain *domain;
	struct xarray pasid_domains;
	unsigned int iopf_refcount;
	bool pasid_1024_fake_error;
	int attach_fail_err;

	spinlock_t prq_lock;
	u32 cache[MOCK_DEV_CACHE_NUM];
	struct list_head prq_waiters;
	u32 next_grpid;
	unsigned long prq_timeout;
	struct mock_dma_fault last_fault;
	u32 last_response;
	unsigned long responses;

	struct list_head resv_regions;

	struct rw_semaphore viommu_sem;
	struct mock_viommu *viommu;
	unsigned long vdev_id;
	unsigned int vdevs;
};

static inline struct mock_dev *to_mock_dev(struct device *dev)
{
	return container_of(dev, struct mock_dev, dev);
}

int mock_dev_attach(struct iommu_domain *domain, struct device *dev);
int mock_dev_set_pasid(struct iommu_domain *domain, struct device *dev,
		       ioasid_t pasid, struct iommu_domain *old);

#endif /* _MOCK_IOMMU_PRIV_H */
