/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mock_iommu.h - the software IOMMU driver and its mock devices.
 *
 * One IOMMU instance (mock_iommu_init()/mock_iommu_exit(), the analogue of
 * the driver's module init and exit) serves mock devices created with the
 * kernel test ABI's MOCK_FLAGS_DEVICE_* flags.  Each device is its own
 * iommu group (unless told to share one, for core tests).  Its paging
 * domains are real multi-level page tables (docs/mock-iommu.md): by
 * default the kernel mock's geometry (2048-byte IO pages, aperture
 * [2^24, 2^31 - 1], a 1 MiB huge IO page with HUGE_IOVA), or any geometry
 * given in struct mock_dev_opts.  A device's DMA engine reads and writes
 * bytes through the domain attached to its RID or to a PASID, through an
 * IOTLB that keeps serving what it cached until it is invalidated, and
 * raises I/O page faults to fault-capable domains.
 *
 * Everything here is driver-side API: iommufd's selftest.c and the tests
 * call it; the IOMMU core reaches the driver only through its iommu_ops.
 */
#ifndef _MOCK_IOMMU_H
#define _MOCK_IOMMU_H

#include <linux/bitops.h>
#include <linux/iommu.h>
#include <linux/types.h>

struct mock_dev;

/* ---- page-table format (shared with "guest" code building stage 1) --- */

#define MOCK_PT_ENTRIES		512		/* per table, 8 bytes each */
#define MOCK_PT_BITS_PER_LEVEL	9

#define MOCK_PTE_PRESENT	BIT_ULL(0)
#define MOCK_PTE_READ		BIT_ULL(1)
#define MOCK_PTE_WRITE		BIT_ULL(2)
#define MOCK_PTE_LEAF		BIT_ULL(3)	/* a leaf, at any level */
#define MOCK_PTE_DIRTY		BIT_ULL(4)	/* set by device writes */
#define MOCK_PTE_START		BIT_ULL(5)	/* first leaf of a map call */
#define MOCK_PTE_LAST		BIT_ULL(6)	/* last leaf of a map call */
#define MOCK_PTE_ADDR_MASK	GENMASK_ULL(55, 11)

/*
 * The stage-1 format of nested domains: 4 KiB granule, 48-bit input,
 * four levels, leaves of 4 KiB, 2 MiB or 1 GiB.  Table and output
 * addresses are guest physical addresses, i.e. IOVAs of the parent
 * (stage-2) domain.
 */
#define MOCK_S1_GRANULE_SHIFT	12
#define MOCK_S1_IAS		48
#define MOCK_S1_LEVELS		4

static inline u64 mock_pte_table(phys_addr_t table)
{
	return (table & MOCK_PTE_ADDR_MASK) | MOCK_PTE_PRESENT;
}

static inline u64 mock_pte_leaf(phys_addr_t out, int prot)
{
	u64 pte = (out & MOCK_PTE_ADDR_MASK) | MOCK_PTE_PRESENT | MOCK_PTE_LEAF;

	if (prot & IOMMU_READ)
		pte |= MOCK_PTE_READ;
	if (prot & IOMMU_WRITE)
		pte |= MOCK_PTE_WRITE;
	return pte;
}

/**
 * struct mock_pt_cfg - geometry of a paging domain's page table
 * @granule_shift: log2 of the smallest leaf (11: the mock's 2048-byte IO
 *		   page; 12: 4 KiB)
 * @ias: IOVA bits the table translates
 * @pgsize_bitmap: leaf sizes, each granule << (9 * level)
 * @aperture_start: first IOVA of the domain's geometry
 * @aperture_last: last IOVA of the domain's geometry
 */
struct mock_pt_cfg {
	unsigned int granule_shift;
	unsigned int ias;
	unsigned long pgsize_bitmap;
	dma_addr_t aperture_start;
	dma_addr_t aperture_last;
};

/* The kernel mock's geometry, and the same with the 1 MiB huge IO page. */
extern const struct mock_pt_cfg mock_pt_cfg_default;
extern const struct mock_pt_cfg mock_pt_cfg_huge;
/* An x86-like table: 4 KiB/2 MiB/1 GiB leaves, 48-bit IOVA. */
extern const struct mock_pt_cfg mock_pt_cfg_x86;

/* ---- the driver ------------------------------------------------------ */

/**
 * mock_iommu_init() - register the mock IOMMU (once per world)
 *
 * iommufd's module init calls it; so do tests without iommufd.  The
 * instance may stay registered until the world ends (its end hook
 * unregisters a driver nobody unregistered); devices may not.
 *
 * Return: 0, or -EBUSY if already registered.
 */
int mock_iommu_init(void);

/**
 * mock_iommu_exit() - unregister it; every mock device must be gone (WARN)
 */
void mock_iommu_exit(void);

/**
 * struct mock_dev_opts - how to build a mock device
 * @flags: MOCK_FLAGS_DEVICE_* of the test ABI; other bits give -EINVAL
 * @pt_cfg: geometry of the device's paging domains, NULL for the kernel
 *	    mock's (with the huge IO page if @flags has HUGE_IOVA)
 * @share_group_with: put the device in this device's group instead of a
 *		      group of its own (core tests of multi-device groups)
 */
struct mock_dev_opts {
	u32 flags;
	const struct mock_pt_cfg *pt_cfg;
	struct mock_dev *share_group_with;
};

/**
 * mock_dev_create_opts() - create, add and probe a mock device
 * @opts: see struct mock_dev_opts
 *
 * The device starts on the mock's blocking domain.
 *
 * Return: the device or an ERR_PTR (-EINVAL, -ENODEV without the driver,
 * -ENOMEM).
 */
struct mock_dev *mock_dev_create_opts(const struct mock_dev_opts *opts);

/**
 * mock_dev_create() - mock_dev_create_opts() with only ABI flags
 * @flags: MOCK_FLAGS_DEVICE_*
 */
struct mock_dev *mock_dev_create(u32 flags);

/**
 * mock_dev_destroy() - remove a mock device (it must be back on its
 * default domain, as after iommufd's unbind)
 * @mdev: the device
 */
void mock_dev_destroy(struct mock_dev *mdev);

struct device *mock_dev_device(struct mock_dev *mdev);
/* The mock device behind @dev, or NULL if it is not one. */
struct mock_dev *mock_dev_from_device(struct device *dev);
unsigned int mock_dev_id(struct mock_dev *mdev);
u32 mock_dev_flags(struct mock_dev *mdev);

/**
 * mock_dev_add_resv_region() - give the device a reserved region
 * @mdev: the device, before anyone reads its regions
 * @start: first IOVA
 * @length: bytes
 * @prot: IOMMU_READ/WRITE/MMIO...
 * @type: the kind of region
 *
 * The kernel's mock devices have none; this is for tests of callers.
 *
 * Return: 0 or -ENOMEM.
 */
int mock_dev_add_resv_region(struct mock_dev *mdev, phys_addr_t start,
			     size_t length, int prot,
			     enum iommu_resv_type type);

/**
 * mock_dev_fail_next_attach() - make the next attach of the device's RID to
 * a domain other than the blocking one fail
 * @mdev: the device
 * @err: the error attach_dev() returns (0 disarms)
 */
void mock_dev_fail_next_attach(struct mock_dev *mdev, int err);

/* The domain the device's RID or @pasid translates through (or NULL). */
struct iommu_domain *mock_dev_domain(struct mock_dev *mdev, ioasid_t pasid);

/* ---- device caches (DEV_CHECK_CACHE, vIOMMU invalidation) ------------ */

/**
 * mock_dev_cache_get() - read cache slot @id (initially 0xbaddad)
 * @mdev: the device
 * @id: 0 .. MOCK_DEV_CACHE_ID_MAX
 * @val: the value
 *
 * Return: 0 or -EINVAL for a bad @id.
 */
int mock_dev_cache_get(struct mock_dev *mdev, u32 id, u32 *val);

/**
 * mock_dev_cache_invalidate() - zero one cache slot, or all of them
 * @mdev: the device
 * @id: the slot (ignored with @all)
 * @all: every slot
 *
 * Return: 0 or -EINVAL for a bad @id.
 */
int mock_dev_cache_invalidate(struct mock_dev *mdev, u32 id, bool all);

/* ---- vIOMMU events (TRIGGER_VEVENT) ----------------------------------- */

/**
 * mock_dev_trigger_vevent() - the device raises an event to its guest
 * @mdev: the device
 *
 * The device must be attached (RID) to a nested domain allocated through
 * a mock vIOMMU, on which it has a vDEVICE (its guest ID was looked up at
 * attach).  The event, IOMMU_VEVENTQ_TYPE_SELFTEST with payload {virt_id},
 * goes to that vIOMMU's vEVENTQ of that type.
 *
 * Return: 0 (also when the queue was full and the event was lost),
 * -ENOENT if the device is not linked to a vIOMMU, -EOPNOTSUPP if the
 * vIOMMU has no selftest vEVENTQ, -ENOMEM (the event was lost).
 */
int mock_dev_trigger_vevent(struct mock_dev *mdev);

/* ---- DMA ------------------------------------------------------------- */

enum mock_fault_reason {
	MOCK_FAULT_NONE,
	MOCK_FAULT_BLOCKED,		/* no domain, or a blocking one */
	MOCK_FAULT_RANGE,		/* outside what the table translates */
	MOCK_FAULT_NOT_PRESENT,		/* no leaf */
	MOCK_FAULT_PERMISSION,		/* leaf without the access right */
	MOCK_FAULT_BUS,			/* the frame is not allocated memory */
};

/**
 * struct mock_dma_fault - the last DMA fault of a device
 * @count: faults so far
 * @iova: the faulting address
 * @pasid: its PASID (IOMMU_NO_PASID for the RID)
 * @write: the access was a write
 * @stage: 1 or 2 for a nested domain (which stage faulted), else 0
 * @reason: why
 */
struct mock_dma_fault {
	unsigned long count;
	unsigned long iova;
	ioasid_t pasid;
	bool write;
	int stage;
	enum mock_fault_reason reason;
};

/**
 * mock_dev_dma_read() - the device reads memory through its IOMMU
 * @mdev: the device
 * @pasid: the PASID of the transaction, IOMMU_NO_PASID for none
 * @iova: the address the device uses
 * @buf: where the bytes go
 * @len: bytes
 *
 * Each piece is translated through the IOTLB, then the page table.  On a
 * translation or permission fault of a domain with an iopf handler the
 * device sends a page request (iommu_report_device_fault()) and waits for
 * the response (a visible blocked thread); on SUCCESS it retries the
 * faulting address once.
 *
 * Return: 0, -EFAULT (translation fault, or a page request not answered
 * SUCCESS), -EPERM (permission fault), -ETIMEDOUT (no page response in
 * time), -EIO (the translation led to memory that is not allocated).
 */
int mock_dev_dma_read(struct mock_dev *mdev, ioasid_t pasid,
		      unsigned long iova, void *buf, size_t len);

/**
 * mock_dev_dma_write() - the device writes memory through its IOMMU
 * @mdev: the device
 * @pasid: as for mock_dev_dma_read()
 * @iova: the address
 * @buf: the bytes
 * @len: bytes
 *
 * As mock_dev_dma_read(), and a write sets the dirty bit of each leaf it
 * touches when the domain tracks dirty pages.
 */
int mock_dev_dma_write(struct mock_dev *mdev, ioasid_t pasid,
		       unsigned long iova, const void *buf, size_t len);

/* Copy the device's last DMA fault into @fault. */
void mock_dev_last_fault(struct mock_dev *mdev, struct mock_dma_fault *fault);

/* How long a DMA waits for a page response (default 10 s). */
void mock_dev_set_prq_timeout(struct mock_dev *mdev, unsigned int msecs);

/**
 * mock_dev_trigger_iopf() - send one page request without a DMA waiting
 * (IOMMU_TEST_OP_TRIGGER_IOPF)
 * @mdev: the device, on the iopf queue (attached to a fault-capable domain)
 * @pasid: IOMMU_NO_PASID, or a PASID (then PASID_VALID is set)
 * @grpid: the page request group
 * @perm: IOMMU_FAULT_PERM_*
 * @addr: the address
 *
 * Return: 0, or -ENODEV if the device reports no faults now.
 */
int mock_dev_trigger_iopf(struct mock_dev *mdev, ioasid_t pasid, u32 grpid,
			  u32 perm, u64 addr);

/* Page responses the device received (last code, and how many). */
u32 mock_dev_last_page_response(struct mock_dev *mdev, unsigned long *count);

/* ---- domains --------------------------------------------------------- */

/* True if @domain is a paging domain of the mock driver. */
bool mock_domain_is_paging(struct iommu_domain *domain);
/* True if @domain is a nested domain of the mock driver. */
bool mock_domain_is_nested(struct iommu_domain *domain);

/**
 * mock_domain_set_dirty() - mark the leaf mapping @iova dirty, as a device
 * write would (IOMMU_TEST_OP_DIRTY)
 * @domain: a mock paging domain with dirty tracking on
 * @iova: any address inside the leaf
 *
 * Return: 0, -ENOENT if nothing is mapped there, -EINVAL if tracking is
 * off or the domain is not a mock paging domain.
 */
int mock_domain_set_dirty(struct iommu_domain *domain, unsigned long iova);

/*
 * True if @domain is a mock paging domain whose dirty tracking is on
 * (IOMMU_TEST_OP_DIRTY refuses domains that do not track).
 */
bool mock_domain_dirty_tracking(struct iommu_domain *domain);

/* Bytes of page-table pages the domain holds now. */
unsigned long mock_domain_pt_bytes(struct iommu_domain *domain);

/* Valid entries of the domain's IOTLB (paging or nested). */
unsigned int mock_domain_iotlb_used(struct iommu_domain *domain);

/**
 * mock_nested_check_iotlb() - read IOTLB slot @id of a nested domain
 * (IOMMU_TEST_OP_MD_CHECK_IOTLB)
 * @domain: a mock nested domain
 * @id: 0 .. MOCK_NESTED_DOMAIN_IOTLB_ID_MAX
 * @val: the slot's value
 *
 * Return: 0, or -EINVAL.
 */
int mock_nested_check_iotlb(struct iommu_domain *domain, u32 id, u32 *val);

/**
 * mock_nested_set_stage1() - point a nested domain at its stage-1 table
 * @domain: a mock nested domain
 * @s1_root: guest physical address (stage-2 IOVA) of the top stage-1
 *	     table, 4 KiB aligned; 0 turns stage 1 off (addresses pass to
 *	     stage 2 unchanged)
 *
 * What a guest does when it programs its context or PASID entry; the
 * domain's translation cache is flushed.
 *
 * Return: 0 or -EINVAL.
 */
int mock_nested_set_stage1(struct iommu_domain *domain, u64 s1_root);

#endif /* _MOCK_IOMMU_H */
