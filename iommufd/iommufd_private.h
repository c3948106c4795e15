/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iommufd_private.h - the iommufd core's own definitions.
 *
 * Object lifetimes.  Every object starts with struct iommufd_object
 * (linux/iommufd.h).  Its @users count is the long-term reference graph:
 * the context's ID table owns one while the object is published and every
 * dependent object, file, mapping or driver owns one more.  @wait_cnt is
 * what a destroyer sleeps on: the table owns a bias of 1 and every
 * short-term lookup (iommufd_get_object()) takes a @wait_cnt and a @users
 * reference together, dropping @users first on put.
 *
 * Lock order (outer to inner):
 *
 *   access->ioas_lock  |  ioas->mutex            (never nested together)
 *     -> igroup->lock
 *       -> idev->iopf_lock, iommu group->mutex
 *       -> iopt->domains_rwsem -> iopt->iova_rwsem -> iopt_pages->mutex
 *   fault->mutex -> eventq->lock
 *   igroup->lock -> viommu->vdevs xa_lock (vDEVICE alloc and destroy)
 *   viommu->veventqs_rwsem -> eventq->lock (vEVENTQ report and destroy)
 *   ictx->mmaps_lock (mmap regions; nothing nests inside)
 *   ictx->objects xa_lock and iopt->access_list xa_lock are innermost.
 *
 * Never put or destroy a HWPT while holding ioas->mutex: the paging HWPT's
 * destroy takes it (iommufd_hw_pagetable_put() asserts this).
 */
#ifndef __IOMMUFD_PRIVATE_H
#define __IOMMUFD_PRIVATE_H

#include <linux/bug.h>
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/iova_bitmap.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <uapi/linux/iommufd.h>
#include <kshim/fault.h>

struct file;
struct file_operations;
struct inode;
struct iommu_domain;
struct iommu_group;
struct iommu_option;
struct iommufd_device;
struct iommufd_fault;

/* Pinned-memory accounting of an iopt_pages (IOMMU_OPTION_RLIMIT_MODE). */
enum {
	IOPT_PAGES_ACCOUNT_NONE = 0,
	IOPT_PAGES_ACCOUNT_USER = 1,
	IOPT_PAGES_ACCOUNT_MM = 2,
	IOPT_PAGES_ACCOUNT_MODE_NUM = 3,
};

/* One context per open /dev/iommu file. */
struct iommufd_ctx {
	struct file *file;
	struct xarray objects;
	struct xarray groups;
	wait_queue_head_t destroy_wait;
	struct rw_semaphore ioas_creation_lock;

	u8 account_mode;
	/* On the list of live contexts (debug.c). */
	struct list_head debug_node;
	/* Compatibility with VFIO no-iommu mode. */
	bool no_iommu_mode;
	struct iommufd_ioas *vfio_ioas;

	/*
	 * Driver regions user space may mmap() (struct iommufd_mmap, sorted
	 * by offset): the kernel's mt_mmap range allocator.
	 */
	struct mutex mmaps_lock;
	struct list_head mmaps;
};

/**
 * struct iommufd_mmap - a driver region user space may mmap() on the fd
 * @node: on iommufd_ctx::mmaps
 * @owner: the object the region belongs to; every VMA holds a @users on it
 * @mmio_addr: physical address of the region (page aligned)
 * @length: bytes (page aligned, non-zero)
 * @vm_pgoff: the mmap offset in pages; only exactly this offset with
 *	      exactly @length maps the region
 */
struct iommufd_mmap {
	struct list_head node;
	struct iommufd_object *owner;
	phys_addr_t mmio_addr;
	size_t length;
	unsigned long vm_pgoff;
};

/*
 * The IO address space: the IOVA layout (areas, reserved and allowed
 * ranges) and the domains that mirror it.  Locks: see the top of file.
 */
struct io_pagetable {
	struct rw_semaphore domains_rwsem;
	struct xarray domains;		/* dense: 0 .. next_domain_id - 1 */
	struct xarray access_list;
	unsigned int next_domain_id;

	struct rw_semaphore iova_rwsem;
	struct rb_root_cached area_itree;
	/* IOVA that may be allocated automatically, if non-empty. */
	struct rb_root_cached allowed_itree;
	/* IOVA that cannot become an area. */
	struct rb_root_cached reserved_itree;
	u8 disable_large_pages;
	unsigned long iova_alignment;
};

void iopt_init_table(struct io_pagetable *iopt);
void iopt_destroy_table(struct io_pagetable *iopt);
int iopt_get_pages(struct io_pagetable *iopt, unsigned long iova,
		   unsigned long length, struct list_head *pages_list);
void iopt_free_pages_list(struct list_head *pages_list);
enum {
	IOPT_ALLOC_IOVA = 1 << 0,
};
int iopt_map_user_pages(struct iommufd_ctx *ictx, struct io_pagetable *iopt,
			unsigned long *iova, void __user *uptr,
			unsigned long length, int iommu_prot,
			unsigned int flags);
int iopt_map_file_pages(struct iommufd_ctx *ictx, struct io_pagetable *iopt,
			unsigned long *iova, struct file *file,
			unsigned long start, unsigned long length,
			int iommu_prot, unsigned int flags);
int iopt_map_pages(struct io_pagetable *iopt, struct list_head *pages_list,
		   unsigned long length, unsigned long *dst_iova,
		   int iommu_prot, unsigned int flags);
int iopt_unmap_iova(struct io_pagetable *iopt, unsigned long iova,
		    unsigned long length, unsigned long *unmapped);
int iopt_unmap_all(struct io_pagetable *iopt, unsigned long *unmapped);

int iopt_read_and_clear_dirty_data(struct io_pagetable *iopt,
				   struct iommu_domain *domain,
				   unsigned long flags,
				   struct iommu_hwpt_get_dirty_bitmap *bitmap);
int iopt_set_dirty_tracking(struct io_pagetable *iopt,
			    struct iommu_domain *domain, bool enable);

void iommufd_access_notify_unmap(struct io_pagetable *iopt,
				 unsigned long iova, unsigned long length);
int iopt_table_add_domain(struct io_pagetable *iopt,
			  struct iommu_domain *domain);
void iopt_table_remove_domain(struct io_pagetable *iopt,
			      struct iommu_domain *domain);
int iopt_table_enforce_dev_resv_regions(struct io_pagetable *iopt,
					struct device *dev,
					phys_addr_t *sw_msi_start);
int iopt_set_allow_iova(struct io_pagetable *iopt,
			struct rb_root_cached *allowed_iova);
int iopt_reserve_iova(struct io_pagetable *iopt, unsigned long start,
		      unsigned long last, void *owner);
void iopt_remove_reserved_iova(struct io_pagetable *iopt, void *owner);
int iopt_cut_iova(struct io_pagetable *iopt, unsigned long *iovas,
		  size_t num_iovas);
void iopt_enable_large_pages(struct io_pagetable *iopt);
int iopt_disable_large_pages(struct io_pagetable *iopt);

/* The state of one ioctl call. */
struct iommufd_ucmd {
	struct iommufd_ctx *ictx;
	void __user *ubuffer;
	u32 user_size;
	void *cmd;
	/* An object the handler allocated with iommufd_object_alloc_ucmd(). */
	struct iommufd_object *new_obj;
};

int iommufd_vfio_ioctl(struct iommufd_ctx *ictx, unsigned int cmd,
		       unsigned long arg);

/* Copy the response back: min(user size, kernel size) bytes. */
static inline int iommufd_ucmd_respond(struct iommufd_ucmd *ucmd,
				       size_t cmd_len)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd,
			 min_t(size_t, ucmd->user_size, cmd_len)))
		return -EFAULT;
	return 0;
}

/*
 * Take a short-term reference on an object the caller already knows is
 * alive through another reference (or under the objects xa_lock).
 */
static inline bool iommufd_lock_obj(struct iommufd_object *obj)
{
	if (!refcount_inc_not_zero(&obj->users))
		return false;
	if (!refcount_inc_not_zero(&obj->wait_cnt)) {
		/*
		 * A destroyer already dropped the table's bias and is about to
		 * free the object; give the @users reference back.
		 */
		refcount_dec(&obj->users);
		return false;
	}
	return true;
}

struct iommufd_object *iommufd_get_object(struct iommufd_ctx *ictx, u32 id,
					  enum iommufd_object_type type);

static inline void iommufd_put_object(struct iommufd_ctx *ictx,
				      struct iommufd_object *obj)
{
	/*
	 * @users first: a destroyer that sees @wait_cnt reach zero must not
	 * then see a @users reference that is about to go away.
	 */
	refcount_dec(&obj->users);
	if (refcount_dec_and_test(&obj->wait_cnt))
		wake_up_interruptible_all(&ictx->destroy_wait);
}

void iommufd_object_abort(struct iommufd_ctx *ictx,
			  struct iommufd_object *obj);
void iommufd_object_abort_and_destroy(struct iommufd_ctx *ictx,
				      struct iommufd_object *obj);
void iommufd_object_finalize(struct iommufd_ctx *ictx,
			     struct iommufd_object *obj);

enum {
	REMOVE_WAIT = BIT(0),
	REMOVE_OBJ_TOMBSTONE = BIT(1),
};
int iommufd_object_remove(struct iommufd_ctx *ictx,
			  struct iommufd_object *to_destroy, u32 id,
			  unsigned int flags);

/*
 * Drop the caller's @users reference and destroy the object if that left it
 * with only the table's reference; otherwise someone else will.
 */
static inline void iommufd_object_put_and_try_destroy(struct iommufd_ctx *ictx,
						      struct iommufd_object *obj)
{
	iommufd_object_remove(ictx, obj, obj->id, 0);
}

/*
 * Destroy an object the kernel created for a driver (device, access): the
 * caller holds a @users reference and no short-term one; short-term holders
 * are waited for.  Failing is a refcount bug.
 */
static inline void iommufd_object_destroy_user(struct iommufd_ctx *ictx,
					       struct iommufd_object *obj)
{
	WARN_ON(iommufd_object_remove(ictx, obj, obj->id, REMOVE_WAIT));
}

/* As destroy_user, but the ID stays occupied until the context closes. */
static inline void iommufd_object_tombstone_user(struct iommufd_ctx *ictx,
						 struct iommufd_object *obj)
{
	iommufd_object_remove(ictx, obj, obj->id,
			      REMOVE_WAIT | REMOVE_OBJ_TOMBSTONE);
}

struct iommufd_object *_iommufd_object_alloc(struct iommufd_ctx *ictx,
					     size_t size,
					     enum iommufd_object_type type);
struct iommufd_object *_iommufd_object_alloc_ucmd(struct iommufd_ucmd *ucmd,
						  size_t size,
						  enum iommufd_object_type type);

#define __iommufd_object_alloc(ictx, ptr, type, obj)			\
	container_of(_iommufd_object_alloc(				\
			     ictx,					\
			     sizeof(*(ptr)) + BUILD_BUG_ON_ZERO(	\
				     offsetof(typeof(*(ptr)), obj) != 0),\
			     type),					\
		     typeof(*(ptr)), obj)

#define iommufd_object_alloc(ictx, ptr, type) \
	__iommufd_object_alloc(ictx, ptr, type, obj)

#define __iommufd_object_alloc_ucmd(ucmd, ptr, type, obj)		\
	container_of(_iommufd_object_alloc_ucmd(			\
			     ucmd,					\
			     sizeof(*(ptr)) + BUILD_BUG_ON_ZERO(	\
				     offsetof(typeof(*(ptr)), obj) != 0),\
			     type),					\
		     typeof(*(ptr)), obj)

#define iommufd_object_alloc_ucmd(ucmd, ptr, type) \
	__iommufd_object_alloc_ucmd(ucmd, ptr, type, obj)

/*
 * The IO Address Space: user memory mapped at IOVAs, mirrored into every
 * paging HWPT attached to it.  @mutex protects @hwpt_list and is held
 * across HWPT allocation and auto-domain selection.
 */
struct iommufd_ioas {
	struct iommufd_object obj;
	struct io_pagetable iopt;
	struct mutex mutex;
	struct list_head hwpt_list;
};

static inline struct iommufd_ioas *iommufd_get_ioas(struct iommufd_ctx *ictx,
						    u32 id)
{
	return container_of(iommufd_get_object(ictx, id, IOMMUFD_OBJ_IOAS),
			    struct iommufd_ioas, obj);
}

struct iommufd_ioas *iommufd_ioas_alloc(struct iommufd_ctx *ictx);
int iommufd_ioas_alloc_ioctl(struct iommufd_ucmd *ucmd);
void iommufd_ioas_destroy(struct iommufd_object *obj);
int iommufd_ioas_iova_ranges(struct iommufd_ucmd *ucmd);
int iommufd_ioas_allow_iovas(struct iommufd_ucmd *ucmd);
int iommufd_ioas_map(struct iommufd_ucmd *ucmd);
int iommufd_ioas_map_file(struct iommufd_ucmd *ucmd);
int iommufd_ioas_change_process(struct iommufd_ucmd *ucmd);
int iopt_change_process(struct iommufd_ctx *ictx);
int iommufd_ioas_copy(struct iommufd_ucmd *ucmd);
int iommufd_ioas_unmap(struct iommufd_ucmd *ucmd);
int iommufd_ioas_option(struct iommufd_ucmd *ucmd);
int iommufd_option_rlimit_mode(struct iommu_option *cmd,
			       struct iommufd_ctx *ictx);
int iommufd_vfio_ioas(struct iommufd_ucmd *ucmd);
int iommufd_check_iova_range(struct io_pagetable *iopt,
			     struct iommu_hwpt_get_dirty_bitmap *bitmap);

/*
 * A hardware page table: an iommu_domain plus its place in the object
 * graph.  HWPT_PAGING mirrors an IOAS; HWPT_NESTED is a user-owned
 * stage-1 over a paging parent (or a vIOMMU).
 */
struct iommufd_hw_pagetable {
	struct iommufd_object obj;
	struct iommu_domain *domain;
	struct iommufd_fault *fault;
	bool pasid_compat : 1;
};

struct iommufd_hwpt_paging {
	struct iommufd_hw_pagetable common;
	struct iommufd_ioas *ioas;
	bool auto_domain : 1;
	bool enforce_cache_coherency : 1;
	bool nest_parent : 1;
	/* iommu_get_msi_cookie() was called: only once per domain. */
	bool msi_cookie : 1;
	/* Head at iommufd_ioas::hwpt_list */
	struct list_head hwpt_item;
};

struct iommufd_hwpt_nested {
	struct iommufd_hw_pagetable common;
	struct iommufd_hwpt_paging *parent;
	struct iommufd_viommu *viommu;
};

static inline bool hwpt_is_paging(struct iommufd_hw_pagetable *hwpt)
{
	return hwpt->obj.type == IOMMUFD_OBJ_HWPT_PAGING;
}

static inline struct iommufd_hwpt_paging *
to_hwpt_paging(struct iommufd_hw_pagetable *hwpt)
{
	return container_of(hwpt, struct iommufd_hwpt_paging, common);
}

static inline struct iommufd_hwpt_nested *
to_hwpt_nested(struct iommufd_hw_pagetable *hwpt)
{
	return container_of(hwpt, struct iommufd_hwpt_nested, common);
}

static inline struct iommufd_hwpt_paging *
find_hwpt_paging(struct iommufd_hw_pagetable *hwpt)
{
	switch (hwpt->obj.type) {
	case IOMMUFD_OBJ_HWPT_PAGING:
		return to_hwpt_paging(hwpt);
	case IOMMUFD_OBJ_HWPT_NESTED:
		return to_hwpt_nested(hwpt)->parent;
	default:
		return NULL;
	}
}

static inline struct iommufd_hwpt_paging *
iommufd_get_hwpt_paging(struct iommufd_ucmd *ucmd, u32 id)
{
	return container_of(iommufd_get_object(ucmd->ictx, id,
					       IOMMUFD_OBJ_HWPT_PAGING),
			    struct iommufd_hwpt_paging, common.obj);
}

int iommufd_hwpt_alloc(struct iommufd_ucmd *ucmd);
int iommufd_hwpt_invalidate(struct iommufd_ucmd *ucmd);
int iommufd_hwpt_get_dirty_bitmap(struct iommufd_ucmd *ucmd);
int iommufd_hwpt_set_dirty_tracking(struct iommufd_ucmd *ucmd);

int iommufd_hw_pagetable_attach(struct iommufd_hw_pagetable *hwpt,
				struct iommufd_device *idev, ioasid_t pasid);
struct iommufd_hw_pagetable *
iommufd_hw_pagetable_detach(struct iommufd_device *idev, ioasid_t pasid);
int iommufd_hwpt_pasid_compat(struct iommufd_hw_pagetable *hwpt,
			      struct iommufd_device *idev, ioasid_t pasid);
struct iommufd_hwpt_paging *
iommufd_hwpt_paging_alloc(struct iommufd_ctx *ictx, struct iommufd_ioas *ioas,
			  struct iommufd_device *idev, ioasid_t pasid,
			  u32 flags, bool immediate_attach,
			  const struct iommu_user_data *user_data);
void iommufd_hwpt_paging_destroy(struct iommufd_object *obj);
void iommufd_hwpt_paging_abort(struct iommufd_object *obj);
void iommufd_hwpt_nested_destroy(struct iommufd_object *obj);
void iommufd_hwpt_nested_abort(struct iommufd_object *obj);

static inline void iommufd_hw_pagetable_put(struct iommufd_ctx *ictx,
					    struct iommufd_hw_pagetable *hwpt)
{
	if (hwpt->obj.type == IOMMUFD_OBJ_HWPT_PAGING) {
		struct iommufd_hwpt_paging *hwpt_paging = to_hwpt_paging(hwpt);

		lockdep_assert_not_held(&hwpt_paging->ioas->mutex);
		if (hwpt_paging->auto_domain) {
			iommufd_object_put_and_try_destroy(ictx, &hwpt->obj);
			return;
		}
	}
	refcount_dec(&hwpt->obj.users);
}

/* Devices of one iommu_group bound to one context share an igroup. */
struct iommufd_group {
	struct kref ref;
	struct mutex lock;
	struct iommufd_ctx *ictx;
	struct iommu_group *group;
	struct xarray pasid_attach;	/* pasid -> struct iommufd_attach */
	phys_addr_t sw_msi_start;
};

/* What is attached at one PASID (or the RID) of a group. */
struct iommufd_attach {
	struct iommufd_hw_pagetable *hwpt;
	struct xarray device_array;	/* idev->obj.id -> idev */
};

/*
 * A device bound to a context by a driver (VFIO, or the mock).  The driver
 * owns a @users reference from bind to unbind.
 */
struct iommufd_device {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	struct iommufd_group *igroup;
	struct list_head group_item;
	struct device *dev;
	bool enforce_cache_coherency;
	struct iommufd_vdevice *vdev;
	bool destroying;
	/* Serialises iopf enable and disable. */
	struct mutex iopf_lock;
	unsigned int iopf_enabled;
};

static inline struct iommufd_device *
iommufd_get_device(struct iommufd_ucmd *ucmd, u32 id)
{
	return container_of(iommufd_get_object(ucmd->ictx, id,
					       IOMMUFD_OBJ_DEVICE),
			    struct iommufd_device, obj);
}

void iommufd_device_pre_destroy(struct iommufd_object *obj);
void iommufd_device_destroy(struct iommufd_object *obj);
int iommufd_get_hw_info(struct iommufd_ucmd *ucmd);

/* The handle iommufd gives the IOMMU core at attach time. */
struct iommufd_attach_handle {
	struct iommu_attach_handle handle;
	struct iommufd_device *idev;
};

#define to_iommufd_handle(hdl)	\
	container_of(hdl, struct iommufd_attach_handle, handle)

/*
 * An in-kernel user of an IOAS.  @ioas is where new pins go (NULL while
 * detached or while a change is in flight); @ioas_unpin is where existing
 * pins live.  A NULL @ictx marks an internal access (owned by another
 * object, such as a HW queue): it holds no context reference and has no
 * driver callbacks.
 */
struct iommufd_access {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	struct iommufd_ioas *ioas;
	struct iommufd_ioas *ioas_unpin;
	struct mutex ioas_lock;
	const struct iommufd_access_ops *ops;
	void *data;
	unsigned long iova_alignment;
	u32 iopt_access_list_id;
};

int iopt_add_access(struct io_pagetable *iopt, struct iommufd_access *access);
void iopt_remove_access(struct io_pagetable *iopt,
			struct iommufd_access *access, u32 iopt_access_list_id);
void iommufd_access_destroy_object(struct iommufd_object *obj);

static inline bool iommufd_access_is_internal(struct iommufd_access *access)
{
	return !access->ictx;
}

struct iommufd_access *iommufd_access_create_internal(struct iommufd_ctx *ictx);

static inline void
iommufd_access_destroy_internal(struct iommufd_ctx *ictx,
				struct iommufd_access *access)
{
	iommufd_object_destroy_user(ictx, &access->obj);
}

int iommufd_access_attach_internal(struct iommufd_access *access,
				   struct iommufd_ioas *ioas);

static inline void iommufd_access_detach_internal(struct iommufd_access *access)
{
	iommufd_access_detach(access);
}

/* The common part of FAULT and VEVENTQ: a queue read through an fd. */
struct iommufd_eventq {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	struct file *filep;

	spinlock_t lock;		/* protects @deliver */
	struct list_head deliver;

	struct wait_queue_head wait_queue;
};

/*
 * I/O page faults are delivered to user space through the fault fd in
 * whole groups; a group that was read waits in @response (keyed by its
 * cookie) until user space answers it.
 */
struct iommufd_fault {
	struct iommufd_eventq common;
	struct mutex mutex;		/* serialises responses */
	struct xarray response;
};

static inline struct iommufd_fault *
eventq_to_fault(struct iommufd_eventq *eventq)
{
	return container_of(eventq, struct iommufd_fault, common);
}

static inline struct iommufd_fault *
iommufd_get_fault(struct iommufd_ucmd *ucmd, u32 id)
{
	return container_of(iommufd_get_object(ucmd->ictx, id,
					       IOMMUFD_OBJ_FAULT),
			    struct iommufd_fault, common.obj);
}

int iommufd_eventq_init(struct iommufd_eventq *eventq, const char *name,
			struct iommufd_ctx *ictx,
			const struct file_operations *fops);
void iommufd_eventq_fini(struct iommufd_eventq *eventq);
int iommufd_eventq_fops_release(struct inode *inode, struct file *filep);

int iommufd_fault_alloc(struct iommufd_ucmd *ucmd);
void iommufd_fault_destroy(struct iommufd_object *obj);
int iommufd_fault_iopf_handler(struct iopf_group *group);
int iommufd_fault_iopf_enable(struct iommufd_device *idev);
void iommufd_fault_iopf_disable(struct iommufd_device *idev);
void iommufd_auto_response_faults(struct iommufd_hw_pagetable *hwpt,
				  struct iommufd_attach_handle *handle);

/* ---- vIOMMU, vDEVICE, HW queue (viommu.c), vEVENTQ (eventq.c) -------- */

static inline struct iommufd_viommu *
iommufd_get_viommu(struct iommufd_ucmd *ucmd, u32 id)
{
	return container_of(iommufd_get_object(ucmd->ictx, id,
					       IOMMUFD_OBJ_VIOMMU),
			    struct iommufd_viommu, obj);
}

int iommufd_viommu_alloc_ioctl(struct iommufd_ucmd *ucmd);
void iommufd_viommu_destroy(struct iommufd_object *obj);
int iommufd_vdevice_alloc_ioctl(struct iommufd_ucmd *ucmd);
void iommufd_vdevice_destroy(struct iommufd_object *obj);
void iommufd_vdevice_abort(struct iommufd_object *obj);
int iommufd_hw_queue_alloc_ioctl(struct iommufd_ucmd *ucmd);
void iommufd_hw_queue_destroy(struct iommufd_object *obj);

/*
 * One event of a vEVENTQ: the header user space reads, then @data_len
 * bytes of driver payload.  The queue's embedded lost_events_header is an
 * iommufd_vevent too, with no payload.
 */
struct iommufd_vevent {
	struct iommufd_vevent_header header;
	struct list_head node;		/* on iommufd_eventq::deliver */
	size_t data_len;
	u64 event_data[];
};

/*
 * A vIOMMU's queue of events of one type, read through its fd.
 * @num_events counts the real events queued (the lost-events header never
 * counts) and never exceeds @depth; @sequence is the number the next item
 * gets.  Both, and the deliver list, are protected by common.lock.  At
 * most one lost-events header is queued, and then always at the tail.
 */
struct iommufd_veventq {
	struct iommufd_eventq common;
	struct iommufd_viommu *viommu;
	struct list_head node;		/* on iommufd_viommu::veventqs */
	struct iommufd_vevent lost_events_header;

	enum iommu_veventq_type type;
	unsigned int depth;
	u32 num_events;
	u32 sequence;
};

static inline struct iommufd_veventq *
eventq_to_veventq(struct iommufd_eventq *eventq)
{
	return container_of(eventq, struct iommufd_veventq, common);
}

/* The vEVENTQ of @type of @viommu; veventqs_rwsem held. */
static inline struct iommufd_veventq *
iommufd_viommu_find_veventq(struct iommufd_viommu *viommu,
			    enum iommu_veventq_type type)
{
	struct iommufd_veventq *veventq;

	lockdep_assert_held(&viommu->veventqs_rwsem);
	list_for_each_entry(veventq, &viommu->veventqs, node)
		if (veventq->type == type)
			return veventq;
	return NULL;
}

int iommufd_veventq_alloc(struct iommufd_ucmd *ucmd);
void iommufd_veventq_destroy(struct iommufd_object *obj);
void iommufd_veventq_abort(struct iommufd_object *obj);

/*
 * The object graph, for reports and front ends (debug.c; the simulator's
 * addition): each type's ->refs op lists the objects it holds @users
 * references on.
 */
typedef void (*iommufd_object_ref_fn)(struct iommufd_object *holder,
				      struct iommufd_object *held,
				      const char *what, void *data);
void iommufd_object_for_each_ref(struct iommufd_object *obj,
				 iommufd_object_ref_fn fn, void *data);
bool iommufd_object_holds_ctx(struct iommufd_object *obj);
void iommufd_hwpt_paging_refs(struct iommufd_object *obj,
			      iommufd_object_ref_fn fn, void *data);
void iommufd_hwpt_nested_refs(struct iommufd_object *obj,
			      iommufd_object_ref_fn fn, void *data);
void iommufd_access_refs(struct iommufd_object *obj,
			 iommufd_object_ref_fn fn, void *data);
void iommufd_device_refs(struct iommufd_object *obj,
			 iommufd_object_ref_fn fn, void *data);
void iommufd_viommu_refs(struct iommufd_object *obj,
			 iommufd_object_ref_fn fn, void *data);
void iommufd_vdevice_refs(struct iommufd_object *obj,
			  iommufd_object_ref_fn fn, void *data);
void iommufd_hw_queue_refs(struct iommufd_object *obj,
			   iommufd_object_ref_fn fn, void *data);
void iommufd_veventq_refs(struct iommufd_object *obj,
			  iommufd_object_ref_fn fn, void *data);
void iommufd_debug_ctx_opened(struct iommufd_ctx *ictx);
void iommufd_debug_ctx_released(struct iommufd_ctx *ictx);
char *iommufd_debug_describe(struct iommufd_ctx *ictx);

/* Fault injection points of the core (the kernel's fail_iommufd). */
#define iommufd_should_fail()	kshim_fault_point()

#ifdef CONFIG_IOMMUFD_TEST
int iommufd_test(struct iommufd_ucmd *ucmd);
void iommufd_selftest_destroy(struct iommufd_object *obj);
void iommufd_selftest_refs(struct iommufd_object *obj,
			   iommufd_object_ref_fn fn, void *data);
extern size_t iommufd_test_memory_limit;
void iommufd_test_syz_conv_iova_id(struct iommufd_ucmd *ucmd,
				   unsigned int ioas_id, u64 *iova, u32 *flags);
bool iommufd_selftest_is_mock_dev(struct device *dev);
void iommufd_test_init(void);
void iommufd_test_exit(void);
#endif

#endif /* __IOMMUFD_PRIVATE_H */
