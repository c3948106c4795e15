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
 *   Dropped: module namespaces and exports.
 *   Added:   nothing: the implementation is iommufd/ (the core), as in the
 *            kernel this header belongs to the iommufd subsystem even
 *            though it sits with the other kernel-named headers.
 */
#ifndef _KSHIM_LINUX_IOMMUFD_H
#define _KSHIM_LINUX_IOMMUFD_H

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <uapi/linux/iommufd.h>

/* Also in linux/iommu.h; C11 allows the identical repeat. */
typedef unsigned int ioasid_t;

struct device;
struct file;
struct iommu_group;
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

#endif /* _KSHIM_LINUX_IOMMUFD_H */
