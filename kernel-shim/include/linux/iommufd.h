/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/iommufd.h - what the iommufd core offers drivers.
 *
 * Contract
 *   Kept:    the object header every iommufd object starts with (struct
 *            iommufd_object: the users count, the wait count, type, ID),
 *            the object types, the in-kernel access API an emulated-device
 *            driver uses (iommufd_access_create/attach/replace/detach/
 *            destroy, pin_pages/unpin_pages/rw with IOMMUFD_ACCESS_RW_*),
 *            iommufd_ctx_get/put/from_file/from_fd, and device bind/
 *            attach/replace/detach/unbind.  The uAPI itself is in
 *            <uapi/linux/iommufd.h>.
 *            What the newest kernels give IOMMU drivers that virtualise
 *            their hardware: the core structs a driver embeds at offset 0
 *            of its own (struct iommufd_viommu, iommufd_vdevice,
 *            iommufd_hw_queue, sized with VIOMMU_STRUCT_SIZE and friends),
 *            struct iommufd_viommu_ops, and the helpers of the kernel's
 *            iommufd_driver module: iommufd_viommu_find_dev/get_vdev_id,
 *            iommufd_viommu_report_event, iommufd_hw_queue_depend/undepend
 *            and iommufd_viommu_alloc_mmap/destroy_mmap.
 *   Dropped: module namespaces and exports.
 *   Added:   struct iommufd_hw_queue records the one queue it depends on
 *            (@kshim_depended), so that the object graph can name that
 *            reference; iommufd_hw_queue_depend() allows one dependency
 *            per queue, which is what every driver does (a queue depends
 *            on its predecessor).  The implementation is iommufd/ (the
 *            core; the driver helpers are iommufd/driver.c, a library of
 *            their own as the kernel's iommufd_driver module is): as in the
 *            kernel this header belongs to the iommufd subsystem even
 *            though it sits with the other kernel-named headers.
 */
#ifndef _KSHIM_LINUX_IOMMUFD_H
#define _KSHIM_LINUX_IOMMUFD_H

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include <uapi/linux/iommufd.h>

/* Also in linux/iommu.h; C11 allows the identical repeat. */
typedef unsigned int ioasid_t;

struct device;
struct file;
struct iommu_device;
struct iommu_domain;
struct iommu_group;
struct iommu_user_data;
struct iommu_user_data_array;
struct iommufd_hwpt_paging;
struct iommufd_access;
struct iommufd_ctx;
struct iommufd_device;
struct page;

enum iommufd_object_type {
	IOMMUFD_OBJ_NONE,
	IOMMUFD_OBJ_ANY = IOMMUFD_OBJ_NONE,
	IOMMUFD_OBJ_DEVICE,
	IOMMUFD_OBJ_HWPT_PAGING,
	IOMMUFD_OBJ_HWPT_NESTED,
	IOMMUFD_OBJ_IOAS,
	IOMMUFD_OBJ_ACCESS,
	IOMMUFD_OBJ_FAULT,
	IOMMUFD_OBJ_VIOMMU,
	IOMMUFD_OBJ_VDEVICE,
	IOMMUFD_OBJ_VEVENTQ,
	IOMMUFD_OBJ_HW_QUEUE,
	IOMMUFD_OBJ_SELFTEST,
	IOMMUFD_OBJ_MAX,
};

/*
 * The header of every object.  @users is the long-term count that forms
 * the object graph (the ID table holds one while the object is published;
 * every object, fd, mapping or driver that depends on it holds one).
 * @wait_cnt is what a destroyer can sleep on: the table owns a bias of 1,
 * and every short-term lookup takes one together with a @users reference.
 */
struct iommufd_object {
	refcount_t wait_cnt;
	refcount_t users;
	enum iommufd_object_type type;
	unsigned int id;
};

/* Device binding (the VFIO-side API; the mock device uses it too). */
struct iommufd_device *iommufd_device_bind(struct iommufd_ctx *ictx,
					   struct device *dev, u32 *id);
void iommufd_device_unbind(struct iommufd_device *idev);
int iommufd_device_attach(struct iommufd_device *idev, ioasid_t pasid,
			  u32 *pt_id);
int iommufd_device_replace(struct iommufd_device *idev, ioasid_t pasid,
			   u32 *pt_id);
void iommufd_device_detach(struct iommufd_device *idev, ioasid_t pasid);
struct iommufd_ctx *iommufd_device_to_ictx(struct iommufd_device *idev);
u32 iommufd_device_to_id(struct iommufd_device *idev);

/* In-kernel accesses (emulated devices such as a VFIO mdev). */
struct iommufd_access_ops {
	u8 needs_pin_pages : 1;
	void (*unmap)(void *data, unsigned long iova, unsigned long length);
};

enum {
	IOMMUFD_ACCESS_RW_READ = 0,
	IOMMUFD_ACCESS_RW_WRITE = 1 << 0,
	/* The caller is a kthread with no mm of its own. */
	IOMMUFD_ACCESS_RW_KTHREAD = 1 << 1,
	/* Test builds only: force the slow path. */
	__IOMMUFD_ACCESS_RW_SLOW_PATH = 1 << 2,
};

struct iommufd_access *
iommufd_access_create(struct iommufd_ctx *ictx,
		      const struct iommufd_access_ops *ops, void *data, u32 *id);
void iommufd_access_destroy(struct iommufd_access *access);
int iommufd_access_attach(struct iommufd_access *access, u32 ioas_id);
int iommufd_access_replace(struct iommufd_access *access, u32 ioas_id);
void iommufd_access_detach(struct iommufd_access *access);

int iommufd_access_pin_pages(struct iommufd_access *access,
			     unsigned long iova, unsigned long length,
			     struct page **out_pages, unsigned int flags);
void iommufd_access_unpin_pages(struct iommufd_access *access,
				unsigned long iova, unsigned long length);
int iommufd_access_rw(struct iommufd_access *access, unsigned long iova,
		      void *data, size_t len, unsigned int flags);

/* Context references, for drivers that keep one. */
void iommufd_ctx_get(struct iommufd_ctx *ictx);
void iommufd_ctx_put(struct iommufd_ctx *ictx);
struct iommufd_ctx *iommufd_ctx_from_file(struct file *file);
struct iommufd_ctx *iommufd_ctx_from_fd(int fd);
bool iommufd_ctx_has_group(struct iommufd_ctx *ictx,
			   struct iommu_group *group);

/* ---- virtual IOMMUs (what drivers that virtualise their hardware use) -- */

struct iommufd_viommu_ops;

/**
 * struct iommufd_viommu - a virtual IOMMU (IOMMUFD_OBJ_VIOMMU)
 * @obj: the object header
 * @ictx: the context it lives in
 * @iommu_dev: the physical IOMMU instance it is a slice of; vDEVICEs and
 *	       nested HWPTs must be of devices behind the same instance
 * @hwpt: the nest-parent paging HWPT (stage 2) it holds a @users on
 * @ops: the driver's callbacks, set by its viommu_init
 * @vdevs: virt_id -> struct iommufd_vdevice; xa_lock protects lookups by
 *	   drivers (iommufd_viommu_find_dev())
 * @veventqs: the vEVENTQs, at most one per type
 * @veventqs_rwsem: protects @veventqs (write: alloc and destroy; read:
 *		    iommufd_viommu_report_event())
 * @type: enum iommu_viommu_type
 *
 * A driver embeds it at offset 0 of its own struct, whose size it returns
 * from iommu_ops::get_viommu_size (see VIOMMU_STRUCT_SIZE()).
 */
struct iommufd_viommu {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	struct iommu_device *iommu_dev;
	struct iommufd_hwpt_paging *hwpt;
	const struct iommufd_viommu_ops *ops;
	struct xarray vdevs;
	struct list_head veventqs;
	struct rw_semaphore veventqs_rwsem;
	enum iommu_viommu_type type;
};

/**
 * struct iommufd_vdevice - a device's identity on a vIOMMU
 *			    (IOMMUFD_OBJ_VDEVICE)
 * @obj: the object header
 * @viommu: the vIOMMU (a @users reference)
 * @idev: the device; the lookup reference (@users and @wait_cnt) is kept
 *	  until the vDEVICE goes, and revoked by the device's pre_destroy
 * @virt_id: the guest's ID of the device (vSID, vRID, vDeviceID)
 * @destroy: the driver's undo of its vdevice_init, or NULL
 */
struct iommufd_vdevice {
	struct iommufd_object obj;
	struct iommufd_viommu *viommu;
	struct iommufd_device *idev;
	u64 virt_id;
	void (*destroy)(struct iommufd_vdevice *vdev);
};

/**
 * struct iommufd_hw_queue - a queue the hardware reads from guest memory
 *			     (IOMMUFD_OBJ_HW_QUEUE)
 * @obj: the object header
 * @viommu: the vIOMMU (a @users reference)
 * @access: the internal access pinning the queue's memory in the parent
 *	    IOAS
 * @base_addr: the queue's address in the parent IOAS (guest physical)
 * @length: bytes
 * @type: enum iommu_hw_queue_type
 * @destroy: the driver's undo of its hw_queue_init_phys, or NULL; set by
 *	     the driver only once its init succeeded
 * @kshim_depended: the queue this one depends on (simulator: for the
 *		    object graph), set by iommufd_hw_queue_depend()
 */
struct iommufd_hw_queue {
	struct iommufd_object obj;
	struct iommufd_viommu *viommu;
	struct iommufd_access *access;
	u64 base_addr;
	size_t length;
	enum iommu_hw_queue_type type;
	void (*destroy)(struct iommufd_hw_queue *hw_queue);
	struct iommufd_hw_queue *kshim_depended;
};

/**
 * struct iommufd_viommu_ops - a driver's vIOMMU callbacks
 * @destroy: undo viommu_init (the core frees the struct)
 * @alloc_domain_nested: a nested domain (user stage 1) of this vIOMMU, from
 *			 the user's data; flags are IOMMU_HWPT_* without
 *			 FAULT_ID_VALID
 * @cache_invalidate: handle the user's invalidation entries in order; set
 *		      @array->entry_num to the number handled
 * @vdevice_size: bytes of the driver's vDEVICE struct (VDEVICE_STRUCT_SIZE)
 *		  or 0 for the core's; needs @vdevice_init
 * @vdevice_init: set up a new vDEVICE (may set vdev->destroy)
 * @get_hw_queue_size: bytes of the driver's HW queue struct for @queue_type
 *		       (HW_QUEUE_STRUCT_SIZE), 0 if unsupported
 * @hw_queue_init_phys: set up queue @index whose memory starts at the
 *			physical address @base_addr_pa; sets hw_queue->destroy
 *			on success
 */
struct iommufd_viommu_ops {
	void (*destroy)(struct iommufd_viommu *viommu);
	struct iommu_domain *(*alloc_domain_nested)(
		struct iommufd_viommu *viommu, u32 flags,
		const struct iommu_user_data *user_data);
	int (*cache_invalidate)(struct iommufd_viommu *viommu,
				struct iommu_user_data_array *array);
	const size_t vdevice_size;
	int (*vdevice_init)(struct iommufd_vdevice *vdev);
	size_t (*get_hw_queue_size)(struct iommufd_viommu *viommu,
				    enum iommu_hw_queue_type queue_type);
	int (*hw_queue_init_phys)(struct iommufd_hw_queue *hw_queue, u32 index,
				  phys_addr_t base_addr_pa);
};

/*
 * The size of a driver struct that embeds a core struct at offset 0 (the
 * core allocates the driver's struct as the object).
 */
#define __IOMMUFD_DRV_STRUCT_SIZE(core, drv_struct, member)		\
	(sizeof(drv_struct) +						\
	 BUILD_BUG_ON_ZERO(offsetof(drv_struct, member)) +		\
	 BUILD_BUG_ON_ZERO(!__same_type(core,				\
					((drv_struct *)NULL)->member)))
#define VIOMMU_STRUCT_SIZE(drv_struct, member)				\
	__IOMMUFD_DRV_STRUCT_SIZE(struct iommufd_viommu, drv_struct, member)
#define VDEVICE_STRUCT_SIZE(drv_struct, member)				\
	__IOMMUFD_DRV_STRUCT_SIZE(struct iommufd_vdevice, drv_struct, member)
#define HW_QUEUE_STRUCT_SIZE(drv_struct, member)			\
	__IOMMUFD_DRV_STRUCT_SIZE(struct iommufd_hw_queue, drv_struct, member)

/* Driver helpers (iommufd/driver.c, the kernel's iommufd_driver module). */
int _iommufd_object_depend(struct iommufd_object *obj_dependent,
			   struct iommufd_object *obj_depended);
void _iommufd_object_undepend(struct iommufd_object *obj_dependent,
			      struct iommufd_object *obj_depended);
int _iommufd_alloc_mmap(struct iommufd_ctx *ictx, struct iommufd_object *owner,
			phys_addr_t mmio_addr, size_t length,
			unsigned long *offset);
void _iommufd_destroy_mmap(struct iommufd_ctx *ictx,
			   struct iommufd_object *owner, unsigned long offset);
struct device *iommufd_viommu_find_dev(struct iommufd_viommu *viommu,
				       unsigned long vdev_id);
struct device *iommufd_vdevice_to_device(struct iommufd_vdevice *vdev);
int iommufd_viommu_get_vdev_id(struct iommufd_viommu *viommu,
			       struct device *dev, unsigned long *vdev_id);
int iommufd_viommu_report_event(struct iommufd_viommu *viommu,
				enum iommu_veventq_type type, void *event_data,
				size_t data_len);
int __iommufd_hw_queue_depend(struct iommufd_hw_queue *dependent,
			      struct iommufd_hw_queue *depended);
void __iommufd_hw_queue_undepend(struct iommufd_hw_queue *dependent,
				 struct iommufd_hw_queue *depended);

/*
 * Make the driver's queue @dependent depend on @depended (both embed a
 * struct iommufd_hw_queue as @member, of the same vIOMMU): @depended
 * cannot be destroyed (EBUSY) until iommufd_hw_queue_undepend().
 */
#define iommufd_hw_queue_depend(dependent, depended, member)		\
	({								\
		static_assert(__same_type(struct iommufd_hw_queue,	\
					  (dependent)->member));	\
		static_assert(__same_type(*(dependent), *(depended)));	\
		__iommufd_hw_queue_depend(&(dependent)->member,		\
					  &(depended)->member);		\
	})

#define iommufd_hw_queue_undepend(dependent, depended, member)		\
	({								\
		static_assert(__same_type(struct iommufd_hw_queue,	\
					  (dependent)->member));	\
		static_assert(__same_type(*(dependent), *(depended)));	\
		__iommufd_hw_queue_undepend(&(dependent)->member,	\
					    &(depended)->member);	\
	})

/*
 * Register @length bytes of MMIO at @mmio_addr (both page aligned) for
 * mmap() on the iommufd; the mapping keeps @viommu alive.  *@offset
 * receives the mmap offset user space must pass, never 0.
 */
static inline int iommufd_viommu_alloc_mmap(struct iommufd_viommu *viommu,
					    phys_addr_t mmio_addr,
					    size_t length,
					    unsigned long *offset)
{
	return _iommufd_alloc_mmap(viommu->ictx, &viommu->obj, mmio_addr,
				   length, offset);
}

static inline void iommufd_viommu_destroy_mmap(struct iommufd_viommu *viommu,
					       unsigned long offset)
{
	_iommufd_destroy_mmap(viommu->ictx, &viommu->obj, offset);
}

#endif /* _KSHIM_LINUX_IOMMUFD_H */
