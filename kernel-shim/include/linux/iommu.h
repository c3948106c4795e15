/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/iommu.h - the IOMMU core API: devices, groups, domains, attach and
 * replace, map/unmap, reserved regions, dirty tracking, I/O page faults.
 *
 * Contract
 *   Kept:    the names, signatures and return conventions of the newest
 *            kernels (v6.12 .. v6.18) for the part of drivers/iommu/iommu.c
 *            and io-pgfault.c that iommufd and IOMMU drivers use:
 *            - struct iommu_ops / iommu_domain_ops / iommu_dirty_ops with
 *              the driver callbacks listed below;
 *            - iommu_device_register()/unregister(), iommu_probe_device()
 *              (ops->probe_device, ops->device_group, the default domain),
 *              iommu_release_device();
 *            - groups: iommu_group_alloc(), generic_device_group(),
 *              iommu_group_get()/put()/id(), DMA ownership claims,
 *              iommu_group_has_isolated_msi();
 *            - attach: iommu_attach_group()/iommu_detach_group(),
 *              iommu_group_replace_domain(), the attach-handle calls and the
 *              PASID calls.  A group switches domain device by device; when
 *              a driver refuses, every device already switched (and the one
 *              that failed) is put back on the old domain with a
 *              must-succeed attach, so the group is never left split;
 *            - iommu_map() (iommu_map_sg is not provided), iommu_unmap(),
 *              iommu_unmap_fast(), iommu_iova_to_phys(), with the core's page
 *              size choice: the largest size in the domain's pgsize_bitmap
 *              allowed by the alignment of IOVA and physical address and by
 *              the remaining length, and counts of that size up to the next
 *              larger size's boundary; a failed map unmaps what it mapped;
 *            - the IOTLB gather helpers, iommu_iotlb_sync(),
 *              iommu_flush_iotlb_all();
 *            - reserved regions (iommu_get_resv_regions(),
 *              iommu_put_resv_regions(), iommu_alloc_resv_region());
 *            - I/O page faults: iopf queues, iommu_report_device_fault()
 *              (partial requests kept until the last of their group, the
 *              group handed to the iopf_handler of the domain whose attach
 *              handle sits at the fault's PASID, or at the RID for a
 *              user-managed PASID table), iopf_group_response() through
 *              ops->page_response, iopf_free_group(); removing a device
 *              from its queue answers what is still pending with INVALID;
 *            - iommu_copy_struct_from_user() and the array variants.
 *   Dropped: buses, fwspec/of_xlate, the DMA API and its DMA domains (a
 *            default domain is the driver's static default_domain, else its
 *            identity domain when def_domain_type() asks for it, else a
 *            paging domain), the re-probe of devices that were added
 *            before their IOMMU registered, SVA, iommu_map_sg(), sysfs,
 *            the group notifier, deferred attach, RCU (the device's fault
 *            parameter is guarded by a mutex instead), workqueues (the iopf
 *            handler runs in the reporting thread, which is what iommufd's
 *            handler expects).  The registries of live groups and domains
 *            kept for the audit sit behind a host mutex: bookkeeping the
 *            scheduler does not see.
 *   Added:   domains a driver creates are announced with
 *            kshim_iommu_domain_created() and retired by
 *            iommu_domain_free(); the world audit names every live group
 *            and live domain left at the end of a run (IOMMU instances may
 *            stay registered: drivers own them for the world's lifetime;
 *            devices are audited by linux/device.h).
 *            struct iommu_dirty_bitmap carries an
 *            optional kshim_record callback so that the mock's dirty bits
 *            can be read without iommufd's iova_bitmap.
 */
#ifndef _KSHIM_LINUX_IOMMU_H
#define _KSHIM_LINUX_IOMMU_H

#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/iova_bitmap.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/uaccess.h>

#include <uapi/linux/iommufd.h>

#ifndef offsetofend
#define offsetofend(TYPE, MEMBER) \
	(offsetof(TYPE, MEMBER) + sizeof(((TYPE *)0)->MEMBER))
#endif

/* Protection bits of iommu_map(). */
#define IOMMU_READ	(1 << 0)
#define IOMMU_WRITE	(1 << 1)
#define IOMMU_CACHE	(1 << 2)	/* DMA cache coherency */
#define IOMMU_NOEXEC	(1 << 3)
#define IOMMU_MMIO	(1 << 4)	/* e.g. MSI doorbells */
#define IOMMU_PRIV	(1 << 5)

struct module;
struct iommu_ops;
struct iommu_group;
struct iommu_domain;
struct iommu_device;
struct iopf_group;
struct iommufd_hw_pagetable;
struct iommufd_viommu;

typedef unsigned int ioasid_t;

#define IOMMU_NO_PASID		(0U)	/* the RID's "PASID" */
#define IOMMU_FIRST_GLOBAL_PASID (1U)
#define IOMMU_PASID_INVALID	(-1U)

/* ---- I/O page faults ------------------------------------------------- */

enum iommu_fault_type {
	IOMMU_FAULT_PAGE_REQ = 1,	/* page request */
};

/**
 * struct iommu_fault_page_request - one page request from a device
 * @flags: IOMMU_FAULT_PAGE_REQUEST_* below
 * @pasid: the PASID, valid with IOMMU_FAULT_PAGE_REQUEST_PASID_VALID
 * @grpid: the page request group; one response answers the whole group
 * @perm: IOMMU_FAULT_PERM_* the access needs
 * @addr: the faulting page address
 * @private_data: device- or driver-specific, copied into records
 */
struct iommu_fault_page_request {
#define IOMMU_FAULT_PAGE_REQUEST_PASID_VALID	(1 << 0)
#define IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE	(1 << 1)
#define IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID	(1 << 2)
	u32 flags;
	u32 pasid;
	u32 grpid;
#define IOMMU_FAULT_PERM_READ	(1 << 0)
#define IOMMU_FAULT_PERM_WRITE	(1 << 1)
#define IOMMU_FAULT_PERM_EXEC	(1 << 2)
#define IOMMU_FAULT_PERM_PRIV	(1 << 3)
	u32 perm;
	u64 addr;
	u64 private_data[2];
};

/**
 * struct iommu_fault - a fault reported by an IOMMU driver
 * @type: enum iommu_fault_type
 * @prm: the page request
 */
struct iommu_fault {
	u32 type;
	struct iommu_fault_page_request prm;
};

enum iommu_page_response_code {
	IOMMU_PAGE_RESP_SUCCESS = 0,
	IOMMU_PAGE_RESP_INVALID,
	IOMMU_PAGE_RESP_FAILURE,
};

/**
 * struct iommu_page_response - the answer to a page request group
 * @pasid: the PASID of the request
 * @grpid: the group answered
 * @code: enum iommu_page_response_code
 */
struct iommu_page_response {
	u32 pasid;
	u32 grpid;
	u32 code;
};

/**
 * struct iopf_fault - a fault as queued by the core
 * @fault: the fault
 * @list: on the device's partial list, or on its group's faults list
 */
struct iopf_fault {
	struct iommu_fault fault;
	struct list_head list;
};

/**
 * struct iopf_group - a page request group handed to a fault handler
 * @last_fault: the fault that completed the group (LAST_PAGE)
 * @faults: every fault of the group, @last_fault included
 * @fault_count: length of @faults
 * @pending_node: on the device's list of groups waiting for a response
 * @attach_handle: the handle whose domain handles the group
 * @fault_param: the device's fault parameter (referenced)
 * @node: free for the handler's own queueing (iommufd)
 * @cookie: free for the handler (iommufd's response cookie)
 *
 * A handler that accepts a group (returns 0) must eventually call
 * iopf_group_response() and then iopf_free_group().
 */
struct iopf_group {
	struct iopf_fault last_fault;
	struct list_head faults;
	size_t fault_count;
	struct list_head pending_node;
	struct iommu_attach_handle *attach_handle;
	struct iommu_fault_param *fault_param;
	struct list_head node;
	u32 cookie;
};

/**
 * struct iopf_queue - a queue of devices whose faults an IOMMU reports
 * @devices: fault parameters of the devices on the queue
 * @lock: protects @devices and each device's membership
 */
struct iopf_queue {
	struct list_head devices;
	struct mutex lock;
};

/**
 * struct iommu_fault_param - a device's fault state
 * @lock: protects @partial and @faults
 * @users: references: the device's own and one per group in flight
 * @dev: the device
 * @queue: the queue the device is on
 * @queue_list: on @queue's device list
 * @partial: faults of groups whose last request has not arrived
 * @faults: groups delivered and not yet answered
 */
struct iommu_fault_param {
	struct mutex lock;
	refcount_t users;
	struct device *dev;
	struct iopf_queue *queue;
	struct list_head queue_list;
	struct list_head partial;
	struct list_head faults;
};

/* ---- domains ------------------------------------------------------- */

/**
 * struct iommu_domain_geometry - what a paging domain can translate
 * @aperture_start: first IOVA that can be mapped
 * @aperture_end: last IOVA that can be mapped (inclusive)
 * @force_aperture: DMA only allowed inside the aperture
 */
struct iommu_domain_geometry {
	dma_addr_t aperture_start;
	dma_addr_t aperture_end;
	bool force_aperture;
};

#define __IOMMU_DOMAIN_PAGING	(1U << 0)	/* iommu_map/unmap work */
#define __IOMMU_DOMAIN_DMA_API	(1U << 1)	/* owned by the DMA API */
#define __IOMMU_DOMAIN_PT	(1U << 2)	/* identity mapped */
#define __IOMMU_DOMAIN_DMA_FQ	(1U << 3)	/* DMA API flush queue */
#define __IOMMU_DOMAIN_SVA	(1U << 4)	/* shares a CPU page table */
#define __IOMMU_DOMAIN_PLATFORM	(1U << 5)
#define __IOMMU_DOMAIN_NESTED	(1U << 6)	/* user-managed stage 1 */

#define IOMMU_DOMAIN_BLOCKED	(0U)
#define IOMMU_DOMAIN_IDENTITY	(__IOMMU_DOMAIN_PT)
#define IOMMU_DOMAIN_UNMANAGED	(__IOMMU_DOMAIN_PAGING)
#define IOMMU_DOMAIN_DMA	(__IOMMU_DOMAIN_PAGING | __IOMMU_DOMAIN_DMA_API)
#define IOMMU_DOMAIN_DMA_FQ	(__IOMMU_DOMAIN_PAGING | \
				 __IOMMU_DOMAIN_DMA_API | \
				 __IOMMU_DOMAIN_DMA_FQ)
#define IOMMU_DOMAIN_SVA	(__IOMMU_DOMAIN_SVA)
#define IOMMU_DOMAIN_PLATFORM	(__IOMMU_DOMAIN_PLATFORM)
#define IOMMU_DOMAIN_NESTED	(__IOMMU_DOMAIN_NESTED)

/**
 * struct iommu_domain - a translation context devices can be attached to
 * @type: IOMMU_DOMAIN_*
 * @ops: the driver's domain callbacks
 * @dirty_ops: dirty tracking callbacks, NULL if the domain cannot track
 * @owner: the iommu_ops of the driver that made the domain
 * @pgsize_bitmap: leaf sizes the domain's page table can map
 * @geometry: what a paging domain can translate
 * @iova_cookie: the MSI cookie (iommu_get_msi_cookie()), core-owned
 * @iopf_handler: receives I/O page fault groups (set by the domain's user)
 * @fault_data: the handler's data (v6.12 iommufd)
 * @iommufd_hwpt: the owning iommufd HWPT (newest iommufd)
 * @kshim_node: on the world's list of live domains
 * @kshim_tracked: on that list
 */
struct iommu_domain {
	unsigned int type;
	const struct iommu_domain_ops *ops;
	const struct iommu_dirty_ops *dirty_ops;
	const struct iommu_ops *owner;
	unsigned long pgsize_bitmap;
	struct iommu_domain_geometry geometry;
	void *iova_cookie;
	int (*iopf_handler)(struct iopf_group *group);
	void *fault_data;
	struct iommufd_hw_pagetable *iommufd_hwpt;

	struct list_head kshim_node;
	bool kshim_tracked;
};

static inline bool iommu_is_dma_domain(struct iommu_domain *domain)
{
	return domain->type & __IOMMU_DOMAIN_DMA_API;
}

enum iommu_cap {
	IOMMU_CAP_CACHE_COHERENCY,	/* IOMMU_CACHE is supported */
	IOMMU_CAP_NOEXEC,		/* IOMMU_NOEXEC flag */
	IOMMU_CAP_PRE_BOOT_PROTECTION,	/* firmware says it used the IOMMU */
	IOMMU_CAP_ENFORCE_CACHE_COHERENCY, /* enforce_cache_coherency works */
	IOMMU_CAP_DEFERRED_FLUSH,	/* flush queues are cheap */
	IOMMU_CAP_DIRTY_TRACKING,	/* dirty tracking is supported */
};

/* ---- reserved regions -------------------------------------------------- */

enum iommu_resv_type {
	IOMMU_RESV_DIRECT,		/* must be identity mapped */
	IOMMU_RESV_DIRECT_RELAXABLE,	/* identity, relaxable for assignment */
	IOMMU_RESV_RESERVED,		/* never map, never give to a device */
	IOMMU_RESV_MSI,			/* hardware MSI window (untranslated) */
	IOMMU_RESV_SW_MSI,		/* software-managed MSI window */
};

/**
 * struct iommu_resv_region - a reserved range of a device's IOVA space
 * @list: on the caller's list
 * @start: first address
 * @length: bytes
 * @prot: IOMMU_READ/WRITE/... for direct mappings
 * @type: enum iommu_resv_type
 * @free: releases the region; NULL means kfree()
 */
struct iommu_resv_region {
	struct list_head list;
	phys_addr_t start;
	size_t length;
	int prot;
	enum iommu_resv_type type;
	void (*free)(struct device *dev, struct iommu_resv_region *region);
};

/* ---- IOTLB gather ---------------------------------------------------- */

/**
 * struct iommu_iotlb_gather - IOVA range whose IOTLB flush is pending
 * @start: first IOVA to flush
 * @end: last IOVA to flush (inclusive)
 * @pgsize: the page size the range was unmapped with
 * @freelist: page-table pages to free after the flush (driver-owned)
 * @queued: the flush is deferred to a flush queue (never, here)
 *
 * unmap_pages() adds what it unmapped; iommu_iotlb_sync() hands the range
 * to the driver and resets the gather.
 */
struct iommu_iotlb_gather {
	unsigned long start;
	unsigned long end;
	size_t pgsize;
	struct list_head freelist;
	bool queued;
};

static inline void iommu_iotlb_gather_init(struct iommu_iotlb_gather *gather)
{
	gather->start = ULONG_MAX;
	gather->end = 0;
	gather->pgsize = 0;
	INIT_LIST_HEAD(&gather->freelist);
	gather->queued = false;
}

/* Grow @gather to cover [iova, iova + size - 1]. */
static inline void
iommu_iotlb_gather_add_range(struct iommu_iotlb_gather *gather,
			     unsigned long iova, size_t size)
{
	unsigned long end = iova + size - 1;

	if (gather->start > iova)
		gather->start = iova;
	if (gather->end < end)
		gather->end = end;
}

/* True if [iova, iova + size - 1] neither overlaps nor touches @gather. */
static inline bool
iommu_iotlb_gather_is_disjoint(struct iommu_iotlb_gather *gather,
			       unsigned long iova, size_t size)
{
	unsigned long start = iova, end = start + size - 1;

	return gather->end != 0 &&
	       (end + 1 < gather->start || start > gather->end + 1);
}

static inline bool iommu_iotlb_gather_queued(struct iommu_iotlb_gather *gather)
{
	return gather && gather->queued;
}

/* ---- dirty tracking -------------------------------------------------- */

#define IOMMU_DIRTY_NO_CLEAR	(1 << 0)	/* read without clearing */

/**
 * struct iommu_dirty_bitmap - where read_and_clear_dirty() reports
 * @bitmap: iommufd's IOVA bitmap, or NULL
 * @gather: IOTLB range to flush for the dirty bits cleared, or NULL
 * @kshim_record: if set, receives the dirty ranges instead of @bitmap
 * @kshim_priv: for @kshim_record
 */
struct iommu_dirty_bitmap {
	struct iova_bitmap *bitmap;
	struct iommu_iotlb_gather *gather;
	void (*kshim_record)(struct iommu_dirty_bitmap *dirty,
			     unsigned long iova, size_t length);
	void *kshim_priv;
};

/**
 * struct iommu_dirty_ops - dirty tracking callbacks of a paging domain
 * @set_dirty_tracking: turn tracking on or off for the whole domain
 * @read_and_clear_dirty: report the dirty leaves in [iova, iova + size)
 *			  into @dirty and clear them, unless @flags has
 *			  IOMMU_DIRTY_NO_CLEAR.  Cleared ranges are added to
 *			  @dirty->gather; the caller flushes them, since an
 *			  IOTLB entry that already saw a write would not set
 *			  the bit again.
 */
struct iommu_dirty_ops {
	int (*set_dirty_tracking)(struct iommu_domain *domain, bool enabled);
	int (*read_and_clear_dirty)(struct iommu_domain *domain,
				    unsigned long iova, size_t size,
				    unsigned long flags,
				    struct iommu_dirty_bitmap *dirty);
};

static inline void iommu_dirty_bitmap_init(struct iommu_dirty_bitmap *dirty,
					   struct iova_bitmap *bitmap,
					   struct iommu_iotlb_gather *gather)
{
	if (gather)
		iommu_iotlb_gather_init(gather);
	dirty->bitmap = bitmap;
	dirty->gather = gather;
	dirty->kshim_record = NULL;
	dirty->kshim_priv = NULL;
}

static inline void iommu_dirty_bitmap_record(struct iommu_dirty_bitmap *dirty,
					     unsigned long iova,
					     unsigned long length)
{
	if (dirty->kshim_record)
		dirty->kshim_record(dirty, iova, length);
	else if (dirty->bitmap)
		iova_bitmap_set(dirty->bitmap, iova, length);
	if (dirty->gather)
		iommu_iotlb_gather_add_range(dirty->gather, iova, length);
}

/* ---- user data (nested domain allocation, cache invalidation) ---------- */

/**
 * struct iommu_user_data - driver data of a user request
 * @type: the data type (IOMMU_HWPT_DATA_*), checked by the driver
 * @uptr: user pointer to the data
 * @len: bytes at @uptr
 */
struct iommu_user_data {
	unsigned int type;
	void __user *uptr;
	size_t len;
};

/**
 * struct iommu_user_data_array - an array of driver entries from the user
 * @type: the entry type, checked by the driver
 * @uptr: user pointer to the first entry
 * @entry_len: bytes per entry (the user's struct size)
 * @entry_num: entries; the driver writes back how many it handled
 */
struct iommu_user_data_array {
	unsigned int type;
	void __user *uptr;
	size_t entry_len;
	u32 entry_num;
};

/**
 * kshim_iommu_copy_struct_from_user() - copy_struct_from_user() for the
 * iommu user-data helpers
 * @dst: kernel struct of @ksize bytes
 * @ksize: the kernel's size of the struct
 * @src: user pointer
 * @usize: the user's size of the struct
 *
 * The one place user data enters the IOMMU core: a shorter user struct is
 * zero-extended, a longer one must be zero beyond @ksize (-E2BIG).
 *
 * Return: 0, -E2BIG or -EFAULT.
 */
int kshim_iommu_copy_struct_from_user(void *dst, size_t ksize,
				      const void __user *src, size_t usize);

/* Copy and check one struct of user data; see iommu_copy_struct_from_user. */
static inline int
__iommu_copy_struct_from_user(void *dst_data,
			      const struct iommu_user_data *src_data,
			      unsigned int data_type, size_t data_len,
			      size_t min_len)
{
	if (WARN_ON(!dst_data || !src_data))
		return -EINVAL;
	if (src_data->type != data_type)
		return -EINVAL;
	if (src_data->len < min_len)
		return -EINVAL;
	return kshim_iommu_copy_struct_from_user(dst_data, data_len,
						 src_data->uptr,
						 src_data->len);
}

/*
 * iommu_copy_struct_from_user - copy user data into a kernel struct
 * @kdst: the kernel struct
 * @user_data: the user data (type, pointer, length)
 * @data_type: the type the caller expects (else -EINVAL)
 * @min_last: the last member the user must provide (else -EINVAL)
 */
#define iommu_copy_struct_from_user(kdst, user_data, data_type, min_last) \
	__iommu_copy_struct_from_user(kdst, user_data, data_type,	 \
				      sizeof(*kdst),			 \
				      offsetofend(typeof(*kdst), min_last))

/* Copy a kernel struct back into the user's data (driver output fields). */
static inline int
__iommu_copy_struct_to_user(const struct iommu_user_data *dst_data,
			    const void *src_data, unsigned int data_type,
			    size_t data_len, size_t min_len)
{
	size_t n;

	if (WARN_ON(!dst_data || !src_data))
		return -EINVAL;
	if (dst_data->type != data_type)
		return -EINVAL;
	if (dst_data->len < min_len)
		return -EINVAL;
	/*
	 * As copy_struct_to_user(): the common part is copied, a longer user
	 * struct has its tail zeroed.
	 */
	n = min(dst_data->len, data_len);
	if (copy_to_user(dst_data->uptr, src_data, n))
		return -EFAULT;
	if (dst_data->len > data_len &&
	    clear_user((char __user *)dst_data->uptr + data_len,
		       dst_data->len - data_len))
		return -EFAULT;
	return 0;
}

/*
 * iommu_copy_struct_to_user - copy a kernel struct back to the user data
 * @user_data: the user data (type, pointer, length)
 * @ksrc: the kernel struct
 * @data_type: the type the caller expects (else -EINVAL)
 * @min_last: the last member the user must have room for (else -EINVAL)
 */
#define iommu_copy_struct_to_user(user_data, ksrc, data_type, min_last)	\
	__iommu_copy_struct_to_user(user_data, ksrc, data_type,		\
				    sizeof(*ksrc),			\
				    offsetofend(typeof(*ksrc), min_last))

static inline int
__iommu_copy_struct_from_user_array(void *dst_data,
				    const struct iommu_user_data_array *src_array,
				    unsigned int data_type, unsigned int index,
				    size_t data_len, size_t min_len)
{
	struct iommu_user_data src_data;

	if (WARN_ON(!src_array || index >= src_array->entry_num))
		return -EINVAL;
	if (!src_array->entry_num)
		return -EINVAL;
	src_data.uptr = (char __user *)src_array->uptr +
			src_array->entry_len * index;
	src_data.len = src_array->entry_len;
	src_data.type = src_array->type;
	return __iommu_copy_struct_from_user(dst_data, &src_data, data_type,
					     data_len, min_len);
}

/*
 * iommu_copy_struct_from_user_array - copy entry @index of a user array
 */
#define iommu_copy_struct_from_user_array(kdst, user_array, data_type,	\
					  index, min_last)		\
	__iommu_copy_struct_from_user_array(kdst, user_array, data_type, \
					    index, sizeof(*(kdst)),	\
					    offsetofend(typeof(*(kdst)),	\
							min_last))

/* ---- driver callbacks ------------------------------------------------ */

/**
 * struct iommu_domain_ops - callbacks of one kind of domain
 * @attach_dev: make @dev translate through the domain (RID).  Called under
 *		the group mutex.  May fail; the core then puts the device
 *		back where it was.
 * @set_dev_pasid: make @pasid of @dev translate through the domain; @old
 *		   is the domain there now (NULL if none).  The driver's
 *		   blocked domain's set_dev_pasid detaches a PASID.
 * @map_pages: map @pgcount leaves of @pgsize (one of pgsize_bitmap) from
 *	       @iova to @paddr; adds the bytes mapped to *@mapped
 * @unmap_pages: unmap @pgcount * @pgsize bytes from @iova, record the
 *		 range in @iotlb_gather; returns the bytes unmapped, which
 *		 may be fewer (a hole) or more (a larger leaf) than asked
 * @flush_iotlb_all: flush every IOTLB entry of the domain
 * @iotlb_sync_map: make new mappings visible (only hardware that caches
 *		    non-present entries needs it)
 * @iotlb_sync: flush the range gathered by unmap_pages
 * @cache_invalidate_user: handle the user's invalidation entries (nested)
 * @iova_to_phys: the physical address @iova translates to, 0 if none
 * @enforce_cache_coherency: make every later mapping coherent; true on
 *			     success
 * @free: free the domain
 */
struct iommu_domain_ops {
	int (*attach_dev)(struct iommu_domain *domain, struct device *dev);
	int (*set_dev_pasid)(struct iommu_domain *domain, struct device *dev,
			     ioasid_t pasid, struct iommu_domain *old);
	int (*map_pages)(struct iommu_domain *domain, unsigned long iova,
			 phys_addr_t paddr, size_t pgsize, size_t pgcount,
			 int prot, gfp_t gfp, size_t *mapped);
	size_t (*unmap_pages)(struct iommu_domain *domain, unsigned long iova,
			      size_t pgsize, size_t pgcount,
			      struct iommu_iotlb_gather *iotlb_gather);
	void (*flush_iotlb_all)(struct iommu_domain *domain);
	int (*iotlb_sync_map)(struct iommu_domain *domain, unsigned long iova,
			      size_t size);
	void (*iotlb_sync)(struct iommu_domain *domain,
			   struct iommu_iotlb_gather *iotlb_gather);
	int (*cache_invalidate_user)(struct iommu_domain *domain,
				     struct iommu_user_data_array *array);
	phys_addr_t (*iova_to_phys)(struct iommu_domain *domain,
				    dma_addr_t iova);
	bool (*enforce_cache_coherency)(struct iommu_domain *domain);
	void (*free)(struct iommu_domain *domain);
};

/**
 * struct iommu_ops - an IOMMU driver
 * @capable: does @dev's IOMMU have @cap
 * @hw_info: kmalloc'd hardware information for iommufd; *@type is the
 *	     requested type on entry (DEFAULT for the driver's choice) and
 *	     the returned type on exit, *@length its size
 * @domain_alloc_paging: allocate a paging domain for @dev
 * @domain_alloc_paging_flags: the same with IOMMU_HWPT_ALLOC_* flags and
 *			       optional user data
 * @domain_alloc_nested: allocate a nested domain over @parent from user
 *			 data
 * @get_viommu_size: bytes of the driver's vIOMMU struct for @viommu_type
 *		     (VIOMMU_STRUCT_SIZE() of linux/iommufd.h), 0 if the
 *		     type is not supported
 * @viommu_init: set up a vIOMMU over the nest-parent @parent_domain from
 *		 the optional user data; must set viommu->ops
 * @probe_device: return the IOMMU instance serving @dev, or
 *		  ERR_PTR(-ENODEV) if it is not this driver's
 * @release_device: the device is going away
 * @probe_finalize: after the device joined its group and default domain
 * @device_group: the group @dev belongs to (a new reference)
 * @get_resv_regions: add @dev's reserved regions to @list
 * @page_response: send a page request response to the device
 * @def_domain_type: IOMMU_DOMAIN_IDENTITY or _DMA if the device needs one,
 *		     0 for no preference
 * @default_domain_ops: ops of domains the driver returns without ops
 * @owner: the driver module (unused)
 * @user_pasid_table: faults on any PASID go to the RID's nested domain
 * @identity_domain: a static identity domain, if the driver has one
 * @blocked_domain: a static blocking domain, if the driver has one
 * @release_domain: attached to a device before release_device
 * @default_domain: a static default domain for every device
 * @pgsize_bitmap: page sizes of domains that do not set their own
 */
struct iommu_ops {
	bool (*capable)(struct device *dev, enum iommu_cap cap);
	void *(*hw_info)(struct device *dev, u32 *length,
			 enum iommu_hw_info_type *type);
	struct iommu_domain *(*domain_alloc_paging)(struct device *dev);
	struct iommu_domain *(*domain_alloc_paging_flags)(
		struct device *dev, u32 flags,
		const struct iommu_user_data *user_data);
	struct iommu_domain *(*domain_alloc_nested)(
		struct device *dev, struct iommu_domain *parent, u32 flags,
		const struct iommu_user_data *user_data);
	size_t (*get_viommu_size)(struct device *dev,
				  enum iommu_viommu_type viommu_type);
	int (*viommu_init)(struct iommufd_viommu *viommu,
			   struct iommu_domain *parent_domain,
			   const struct iommu_user_data *user_data);
	struct iommu_device *(*probe_device)(struct device *dev);
	void (*release_device)(struct device *dev);
	void (*probe_finalize)(struct device *dev);
	struct iommu_group *(*device_group)(struct device *dev);
	void (*get_resv_regions)(struct device *dev, struct list_head *list);
	void (*page_response)(struct device *dev, struct iopf_fault *evt,
			      struct iommu_page_response *msg);
	int (*def_domain_type)(struct device *dev);

	const struct iommu_domain_ops *default_domain_ops;
	struct module *owner;
	u8 user_pasid_table:1;
	struct iommu_domain *identity_domain;
	struct iommu_domain *blocked_domain;
	struct iommu_domain *release_domain;
	struct iommu_domain *default_domain;
	unsigned long pgsize_bitmap;
};

/**
 * struct iommu_device - one IOMMU instance
 * @list: on the core's list of registered instances
 * @ops: its driver
 * @dev: the IOMMU's own device, or NULL
 * @singleton_group: for generic_single_device_group()
 * @max_pasids: PASIDs the instance supports (0: none)
 */
struct iommu_device {
	struct list_head list;
	const struct iommu_ops *ops;
	struct device *dev;
	struct iommu_group *singleton_group;
	u32 max_pasids;
};

/**
 * struct dev_iommu - IOMMU data of one device
 * @lock: protects @fault_param
 * @fault_param: the device's fault state while it is on an iopf queue
 * @iommu_dev: the IOMMU instance serving the device
 * @priv: driver data (dev_iommu_priv_get()/set())
 * @max_pasids: PASIDs usable by the device (min of device and IOMMU)
 * @require_direct: the device has IOMMU_RESV_DIRECT regions
 */
struct dev_iommu {
	struct mutex lock;
	struct iommu_fault_param *fault_param;
	struct iommu_device *iommu_dev;
	void *priv;
	u32 max_pasids;
	u32 require_direct:1;
};

/**
 * struct iommu_attach_handle - what a domain user stores per attachment
 * @domain: the domain attached
 *
 * Users embed it (iommufd's attach handle) and find it again with
 * iommu_attach_handle_get(), e.g. from a fault.
 */
struct iommu_attach_handle {
	struct iommu_domain *domain;
};

static inline bool dev_has_iommu(struct device *dev)
{
	return dev->iommu && dev->iommu->iommu_dev;
}

static inline const struct iommu_ops *dev_iommu_ops(struct device *dev)
{
	return dev->iommu->iommu_dev->ops;
}

/* The IOMMU instance serving @dev (a probed device). */
static inline struct iommu_device *__iommu_get_iommu_dev(struct device *dev)
{
	return dev->iommu->iommu_dev;
}

static inline void *dev_iommu_priv_get(struct device *dev)
{
	return dev->iommu ? dev->iommu->priv : NULL;
}

static inline void dev_iommu_priv_set(struct device *dev, void *priv)
{
	dev->iommu->priv = priv;
}

/* ---- the core ---------------------------------------------------------- */

/**
 * iommu_device_register() - register an IOMMU instance
 * @iommu: the instance
 * @ops: its driver
 * @hwdev: the IOMMU's own device, or NULL
 *
 * Only devices added afterwards are offered to it (the kernel's re-probe
 * of a bus's existing devices is not modelled: register the IOMMU first).
 *
 * Return: 0.
 */
int iommu_device_register(struct iommu_device *iommu,
			  const struct iommu_ops *ops, struct device *hwdev);
/**
 * iommu_device_unregister() - remove an IOMMU instance
 * @iommu: the instance; no device may still be probed through it (WARN)
 */
void iommu_device_unregister(struct iommu_device *iommu);

/**
 * iommu_probe_device() - give @dev to the IOMMU that wants it
 * @dev: an added device
 *
 * Allocates the device's IOMMU data, asks each registered instance's
 * probe_device(), places the device in its group (device_group()) and
 * attaches it to the group's domain, allocating the default domain for the
 * group's first device.
 *
 * Return: 0, -ENODEV if no IOMMU wants the device, or another error.
 */
int iommu_probe_device(struct device *dev);
/**
 * iommu_release_device() - undo iommu_probe_device()
 * @dev: the device
 */
void iommu_release_device(struct device *dev);

/**
 * device_iommu_capable() - does @dev's IOMMU have @cap
 * @dev: the device
 * @cap: the capability
 */
bool device_iommu_capable(struct device *dev, enum iommu_cap cap);

struct iommu_group *iommu_group_alloc(void);
struct iommu_group *generic_device_group(struct device *dev);
struct iommu_group *generic_single_device_group(struct device *dev);
struct iommu_group *iommu_group_get(struct device *dev);
struct iommu_group *iommu_group_ref_get(struct iommu_group *group);
void iommu_group_put(struct iommu_group *group);
int iommu_group_id(struct iommu_group *group);
void *iommu_group_get_iommudata(struct iommu_group *group);
void iommu_group_set_iommudata(struct iommu_group *group, void *iommu_data,
			       void (*release)(void *iommu_data));
int iommu_group_for_each_dev(struct iommu_group *group, void *data,
			     int (*fn)(struct device *, void *));
bool iommu_group_has_isolated_msi(struct iommu_group *group);
void iommu_group_mutex_assert(struct device *dev);

int iommu_group_claim_dma_owner(struct iommu_group *group, void *owner);
void iommu_group_release_dma_owner(struct iommu_group *group);
bool iommu_group_dma_owner_claimed(struct iommu_group *group);
int iommu_device_claim_dma_owner(struct device *dev, void *owner);
void iommu_device_release_dma_owner(struct device *dev);

struct iommu_domain *iommu_paging_domain_alloc_flags(struct device *dev,
						     unsigned int flags);
static inline struct iommu_domain *iommu_paging_domain_alloc(struct device *dev)
{
	return iommu_paging_domain_alloc_flags(dev, 0);
}
void iommu_domain_free(struct iommu_domain *domain);
struct iommu_domain *iommu_get_domain_for_dev(struct device *dev);

int iommu_attach_group(struct iommu_domain *domain, struct iommu_group *group);
void iommu_detach_group(struct iommu_domain *domain,
			struct iommu_group *group);
int iommu_attach_device(struct iommu_domain *domain, struct device *dev);
void iommu_detach_device(struct iommu_domain *domain, struct device *dev);
int iommu_group_replace_domain(struct iommu_group *group,
			       struct iommu_domain *new_domain);

int iommu_attach_group_handle(struct iommu_domain *domain,
			      struct iommu_group *group,
			      struct iommu_attach_handle *handle);
void iommu_detach_group_handle(struct iommu_domain *domain,
			       struct iommu_group *group);
int iommu_replace_group_handle(struct iommu_group *group,
			       struct iommu_domain *new_domain,
			       struct iommu_attach_handle *handle);
struct iommu_attach_handle *iommu_attach_handle_get(struct iommu_group *group,
						    ioasid_t pasid,
						    unsigned int type);

int iommu_attach_device_pasid(struct iommu_domain *domain, struct device *dev,
			      ioasid_t pasid,
			      struct iommu_attach_handle *handle);
void iommu_detach_device_pasid(struct iommu_domain *domain,
			       struct device *dev, ioasid_t pasid);
int iommu_replace_device_pasid(struct iommu_domain *domain,
			       struct device *dev, ioasid_t pasid,
			       struct iommu_attach_handle *handle);

int iommu_map(struct iommu_domain *domain, unsigned long iova,
	      phys_addr_t paddr, size_t size, int prot, gfp_t gfp);
size_t iommu_unmap(struct iommu_domain *domain, unsigned long iova,
		   size_t size);
size_t iommu_unmap_fast(struct iommu_domain *domain, unsigned long iova,
			size_t size, struct iommu_iotlb_gather *iotlb_gather);
phys_addr_t iommu_iova_to_phys(struct iommu_domain *domain, dma_addr_t iova);

static inline void iommu_flush_iotlb_all(struct iommu_domain *domain)
{
	if (domain->ops->flush_iotlb_all)
		domain->ops->flush_iotlb_all(domain);
}

static inline void iommu_iotlb_sync(struct iommu_domain *domain,
				    struct iommu_iotlb_gather *iotlb_gather)
{
	if (domain->ops->iotlb_sync)
		domain->ops->iotlb_sync(domain, iotlb_gather);
	iommu_iotlb_gather_init(iotlb_gather);
}

/*
 * Add a page unmapped with @size to @gather, first flushing what is there
 * if the new range is disjoint or of another page size.
 */
static inline void iommu_iotlb_gather_add_page(struct iommu_domain *domain,
					       struct iommu_iotlb_gather *gather,
					       unsigned long iova, size_t size)
{
	if ((gather->pgsize && gather->pgsize != size) ||
	    iommu_iotlb_gather_is_disjoint(gather, iova, size))
		iommu_iotlb_sync(domain, gather);
	gather->pgsize = size;
	iommu_iotlb_gather_add_range(gather, iova, size);
}

/**
 * iommu_get_msi_cookie() - reserve a software MSI window in a domain
 * @domain: a paging domain
 * @base: IOVA of the window
 *
 * Return: 0, -EBUSY if the domain has a cookie, -ENOMEM.
 */
int iommu_get_msi_cookie(struct iommu_domain *domain, dma_addr_t base);

void iommu_get_resv_regions(struct device *dev, struct list_head *list);
void iommu_put_resv_regions(struct device *dev, struct list_head *list);
struct iommu_resv_region *iommu_alloc_resv_region(phys_addr_t start,
						  size_t length, int prot,
						  enum iommu_resv_type type,
						  gfp_t gfp);

/* I/O page faults (io-pgfault.c). */
struct iopf_queue *iopf_queue_alloc(const char *name);
void iopf_queue_free(struct iopf_queue *queue);
int iopf_queue_add_device(struct iopf_queue *queue, struct device *dev);
void iopf_queue_remove_device(struct iopf_queue *queue, struct device *dev);
void iommu_report_device_fault(struct device *dev, struct iopf_fault *evt);
void iopf_group_response(struct iopf_group *group,
			 enum iommu_page_response_code status);
void iopf_free_group(struct iopf_group *group);

/* ---- shim-only ------------------------------------------------------- */

/**
 * kshim_iommu_domain_created() - a driver announces a domain it allocated
 * @domain: the new domain; iommu_domain_free() retires it
 *
 * Lets the world audit name domains that were never freed.  Static domains
 * (a driver's blocked or identity domain) are not announced.
 */
void kshim_iommu_domain_created(struct iommu_domain *domain);

/* Live objects of this world, for tests and audits. */
unsigned long kshim_iommu_domains_live(void);
unsigned long kshim_iommu_groups_live(void);

#endif /* _KSHIM_LINUX_IOMMU_H */
