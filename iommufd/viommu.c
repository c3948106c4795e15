// SPDX-License-Identifier: GPL-2.0
/*
 * viommu.c - virtual IOMMUs and what hangs off them: vDEVICEs and HW
 * queues (vEVENTQs are in eventq.c, nested HWPTs in hw_pagetable.c).
 *
 * A vIOMMU (IOMMU_VIOMMU_ALLOC) is the slice of one physical IOMMU that a
 * guest's virtual IOMMU is backed by.  It sits over a nest-parent paging
 * HWPT (the stage 2, guest physical -> host physical) and holds a @users
 * reference on it.  The driver allocates the object (its own struct, with
 * struct iommufd_viommu at offset 0) and fills viommu->ops in viommu_init.
 *
 * A vDEVICE (IOMMU_VDEVICE_ALLOC) gives a bound device its guest ID
 * (virt_id) on a vIOMMU: one vDEVICE per device, one device per virt_id.
 * It holds @users on the vIOMMU and keeps the lookup reference it took on
 * the device (@users and @wait_cnt).  That reference is revocable: when
 * the device is unbound first, the device's pre_destroy destroys the
 * vDEVICE on the user's behalf and leaves its ID as a tombstone
 * (device.c), so the unbind never waits for user space.
 *
 * A HW queue (IOMMU_HW_QUEUE_ALLOC) is guest memory the hardware reads by
 * physical address (a command queue).  Its memory is pinned through an
 * internal access on the parent HWPT's IOAS, which locks the IOAS areas it
 * pins (IOAS_UNMAP of them is -EBUSY) and takes no context reference: the
 * queue is a context object destroyed by the context's release, and its
 * access must not keep the context alive.
 *
 * Object graph:
 *   vdevice --> viommu --> hwpt_paging (nest parent) --> ioas
 *   vdevice --> device (kept lookup reference, revoked by pre_destroy)
 *   hw_queue --> viommu;  hw_queue --owns--> internal access --> ioas
 *   hw_queue --> hw_queue (driver dependency);  veventq --> viommu
 *
 * Lock order: igroup->lock -> viommu->vdevs xa_lock (vDEVICE alloc and
 * destroy, driver lookups); the HW queue allocation takes access and iopt
 * locks only inside the access API, and the driver's queue lock inside
 * hw_queue_init_phys, with no core lock held.
 */
#include <linux/bug.h>
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <uapi/linux/iommufd.h>

#include "iommufd_private.h"

/* ---- vIOMMU ------------------------------------------------------------ */

/**
 * iommufd_viommu_destroy - destroy a vIOMMU (also its ucmd abort)
 * @obj: the object; nothing references it any more
 *
 * Tolerates a vIOMMU whose driver init failed (no ops).
 */
void iommufd_viommu_destroy(struct iommufd_object *obj)
{
	struct iommufd_viommu *viommu =
		container_of(obj, struct iommufd_viommu, obj);

	if (viommu->ops && viommu->ops->destroy)
		viommu->ops->destroy(viommu);
	refcount_dec(&viommu->hwpt->common.obj.users);
	WARN_ON(!xa_empty(&viommu->vdevs));
	xa_destroy(&viommu->vdevs);
	WARN_ON(!list_empty(&viommu->veventqs));
	kshim_rwsem_destroy(&viommu->veventqs_rwsem);
}

/**
 * iommufd_viommu_alloc_ioctl - IOMMU_VIOMMU_ALLOC
 * @ucmd: the ioctl; struct iommu_viommu_alloc
 *
 * The object is allocated through the ucmd: the dispatcher publishes it on
 * success and destroys it (driver destroy, parent reference) on failure.
 *
 * Return: 0, -EOPNOTSUPP (flags, DEFAULT type, driver or type without
 * vIOMMU support), -ENOENT (device, or hwpt_id not a paging HWPT), -EINVAL
 * (not a nest parent), the driver's init errors, -EFAULT.
 */
int iommufd_viommu_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
	struct iommu_viommu_alloc *cmd = ucmd->cmd;
	const struct iommu_user_data user_data = {
		.type = cmd->type,
		.uptr = u64_to_user_ptr(cmd->data_uptr),
		.len = cmd->data_len,
	};
	struct iommufd_hwpt_paging *hwpt_paging;
	struct iommufd_viommu *viommu;
	struct iommufd_device *idev;
	const struct iommu_ops *ops;
	size_t viommu_size;
	int rc;

	if (cmd->flags || cmd->type == IOMMU_VIOMMU_TYPE_DEFAULT)
		return -EOPNOTSUPP;

	idev = iommufd_get_device(ucmd, cmd->dev_id);
	if (IS_ERR(idev))
		return PTR_ERR(idev);

	ops = dev_iommu_ops(idev->dev);
	if (!ops->get_viommu_size || !ops->viommu_init) {
		rc = -EOPNOTSUPP;
		goto out_put_idev;
	}

	viommu_size = ops->get_viommu_size(idev->dev, cmd->type);
	if (!viommu_size) {
		rc = -EOPNOTSUPP;
		goto out_put_idev;
	}
	/* A driver struct smaller than the core's is a driver bug. */
	if (WARN_ON_ONCE(viommu_size < sizeof(*viommu))) {
		rc = -EOPNOTSUPP;
		goto out_put_idev;
	}

	hwpt_paging = iommufd_get_hwpt_paging(ucmd, cmd->hwpt_id);
	if (IS_ERR(hwpt_paging)) {
		rc = PTR_ERR(hwpt_paging);
		goto out_put_idev;
	}
	if (!hwpt_paging->nest_parent) {
		rc = -EINVAL;
		goto out_put_hwpt;
	}

	viommu = (struct iommufd_viommu *)_iommufd_object_alloc_ucmd(
		ucmd, viommu_size, IOMMUFD_OBJ_VIOMMU);
	if (IS_ERR(viommu)) {
		rc = PTR_ERR(viommu);
		goto out_put_hwpt;
	}

	/* Everything destroy looks at is set before anything can fail. */
	xa_init(&viommu->vdevs);
	INIT_LIST_HEAD(&viommu->veventqs);
	init_rwsem(&viommu->veventqs_rwsem);
	viommu->type = cmd->type;
	viommu->ictx = ucmd->ictx;
	viommu->hwpt = hwpt_paging;
	refcount_inc(&hwpt_paging->common.obj.users);
	/*
	 * The physical IOMMU outlives every device behind it, so it needs no
	 * reference here.
	 */
	viommu->iommu_dev = __iommu_get_iommu_dev(idev->dev);

	rc = ops->viommu_init(viommu, hwpt_paging->common.domain,
			      user_data.len ? &user_data : NULL);
	if (rc)
		goto out_put_hwpt;

	/* A driver that succeeds without ops is buggy. */
	if (WARN_ON_ONCE(!viommu->ops)) {
		rc = -EOPNOTSUPP;
		goto out_put_hwpt;
	}

	cmd->out_viommu_id = viommu->obj.id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));

out_put_hwpt:
	iommufd_put_object(ucmd->ictx, &hwpt_paging->common.obj);
out_put_idev:
	iommufd_put_object(ucmd->ictx, &idev->obj);
	return rc;
}

/* ---- vDEVICE ----------------------------------------------------------- */

/**
 * iommufd_vdevice_abort - undo a vDEVICE (also the guts of its destroy)
 * @obj: the object
 *
 * Caller holds the device's igroup->lock.  The kept device reference is
 * the caller's to put (destroy puts it; the allocation's error path puts
 * its lookup).
 */
void iommufd_vdevice_abort(struct iommufd_object *obj)
{
	struct iommufd_vdevice *vdev =
		container_of(obj, struct iommufd_vdevice, obj);
	struct iommufd_viommu *viommu = vdev->viommu;
	struct iommufd_device *idev = vdev->idev;

	lockdep_assert_held(&idev->igroup->lock);

	if (vdev->destroy)
		vdev->destroy(vdev);
	/* Not there if the allocation failed at the insertion. */
	xa_cmpxchg(&viommu->vdevs, vdev->virt_id, vdev, NULL, GFP_KERNEL);
	refcount_dec(&viommu->obj.users);
	idev->vdev = NULL;
}

/**
 * iommufd_vdevice_destroy - destroy a vDEVICE
 * @obj: the object (removed from the table, or tombstoned by the device's
 *	 pre_destroy)
 *
 * Putting the device's reference last wakes a device unbind that waits for
 * it.
 */
void iommufd_vdevice_destroy(struct iommufd_object *obj)
{
	struct iommufd_vdevice *vdev =
		container_of(obj, struct iommufd_vdevice, obj);
	struct iommufd_device *idev = vdev->idev;
	struct iommufd_ctx *ictx = idev->ictx;

	mutex_lock(&idev->igroup->lock);
	iommufd_vdevice_abort(obj);
	mutex_unlock(&idev->igroup->lock);
	iommufd_put_object(ictx, &idev->obj);
}

/**
 * iommufd_vdevice_alloc_ioctl - IOMMU_VDEVICE_ALLOC
 * @ucmd: the ioctl; struct iommu_vdevice_alloc
 *
 * Built and published (or aborted) under the device's igroup->lock, which
 * is what orders it against the device's pre_destroy: a device that is
 * being unbound gets no new vDEVICE.
 *
 * Return: 0, -EINVAL (virt_id beyond ULONG_MAX, device behind another
 * IOMMU), -ENOENT (vIOMMU, device, or device being unbound), -EEXIST (the
 * device has a vDEVICE, or virt_id is taken), -EOPNOTSUPP (driver bug),
 * -ENOMEM, the driver's vdevice_init errors, -EFAULT.
 */
int iommufd_vdevice_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
	struct iommu_vdevice_alloc *cmd = ucmd->cmd;
	struct iommufd_vdevice *vdev, *curr;
	size_t vdev_size = sizeof(*vdev);
	struct iommufd_viommu *viommu;
	struct iommufd_device *idev;
	u64 virt_id = cmd->virt_id;
	int rc = 0;

	/* virt_id indexes an xarray. */
	if (virt_id > ULONG_MAX)
		return -EINVAL;

	viommu = iommufd_get_viommu(ucmd, cmd->viommu_id);
	if (IS_ERR(viommu))
		return PTR_ERR(viommu);

	idev = iommufd_get_device(ucmd, cmd->dev_id);
	if (IS_ERR(idev)) {
		rc = PTR_ERR(idev);
		goto out_put_viommu;
	}

	if (viommu->iommu_dev != __iommu_get_iommu_dev(idev->dev)) {
		rc = -EINVAL;
		goto out_put_idev;
	}

	if (viommu->ops->vdevice_size) {
		/* Too small, or without the init that goes with it: a bug. */
		if (WARN_ON_ONCE(viommu->ops->vdevice_size < vdev_size ||
				 !viommu->ops->vdevice_init)) {
			rc = -EOPNOTSUPP;
			goto out_put_idev;
		}
		vdev_size = viommu->ops->vdevice_size;
	}

	mutex_lock(&idev->igroup->lock);
	if (idev->destroying) {
		rc = -ENOENT;
		goto out_unlock_igroup;
	}
	if (idev->vdev) {
		rc = -EEXIST;
		goto out_unlock_igroup;
	}

	/* Not the ucmd variant: the abort must run under igroup->lock. */
	vdev = (struct iommufd_vdevice *)_iommufd_object_alloc(
		ucmd->ictx, vdev_size, IOMMUFD_OBJ_VDEVICE);
	if (IS_ERR(vdev)) {
		rc = PTR_ERR(vdev);
		goto out_unlock_igroup;
	}

	vdev->virt_id = virt_id;
	vdev->viommu = viommu;
	refcount_inc(&viommu->obj.users);
	/*
	 * The device lookup's reference (@users and @wait_cnt) stays with the
	 * vDEVICE as long as it has the pointer; the device's pre_destroy
	 * revokes it by destroying the vDEVICE.
	 */
	vdev->idev = idev;
	idev->vdev = vdev;

	curr = xa_cmpxchg(&viommu->vdevs, virt_id, NULL, vdev, GFP_KERNEL);
	if (curr) {
		rc = xa_is_err(curr) ? xa_err(curr) : -EEXIST;
		goto out_abort;
	}

	if (viommu->ops->vdevice_init) {
		rc = viommu->ops->vdevice_init(vdev);
		if (rc)
			goto out_abort;
	}

	cmd->out_vdevice_id = vdev->obj.id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_abort;
	iommufd_object_finalize(ucmd->ictx, &vdev->obj);
	goto out_unlock_igroup;

out_abort:
	iommufd_object_abort_and_destroy(ucmd->ictx, &vdev->obj);
out_unlock_igroup:
	mutex_unlock(&idev->igroup->lock);
out_put_idev:
	/* On success the vDEVICE keeps this reference. */
	if (rc)
		iommufd_put_object(ucmd->ictx, &idev->obj);
out_put_viommu:
	iommufd_put_object(ucmd->ictx, &viommu->obj);
	return rc;
}

/* ---- HW queue ---------------------------------------------------------- */

/*
 * Unpin, detach and destroy a HW queue's internal access; @length is the
 * page-rounded length that was pinned at @aligned_iova.
 */
static void iommufd_hw_queue_destroy_access(struct iommufd_ctx *ictx,
					    struct iommufd_access *access,
					    u64 aligned_iova, size_t length)
{
	iommufd_access_unpin_pages(access, aligned_iova, length);
	iommufd_access_detach_internal(access);
	iommufd_access_destroy_internal(ictx, access);
}

/*
 * The page-rounded range holding [base, base + length - 1]: its start and
 * length.  -ERANGE when rounding overflows.
 */
static int iommufd_hw_queue_range(u64 base, u64 length, u64 *aligned_iova,
				  size_t *aligned_length)
{
	u64 offset = base - PAGE_ALIGN_DOWN(base);
	u64 len;

	if (check_add_overflow(offset, length, &len) ||
	    check_add_overflow(len, (u64)PAGE_SIZE - 1, &len) ||
	    len / PAGE_SIZE > SIZE_MAX / sizeof(struct page *))
		return -ERANGE;
	*aligned_iova = PAGE_ALIGN_DOWN(base);
	*aligned_length = (len / PAGE_SIZE) * PAGE_SIZE;
	return 0;
}

/*
 * Pin the queue's memory through a new internal access on the vIOMMU's
 * parent IOAS: create, attach, pin the page-rounded range, check the
 * frames are physically contiguous (the hardware reads the queue by
 * physical address).  Unwinds in reverse on failure.
 */
static struct iommufd_access *
iommufd_hw_queue_alloc_phys(struct iommu_hw_queue_alloc *cmd,
			    struct iommufd_viommu *viommu, phys_addr_t *base_pa)
{
	struct iommufd_access *access;
	struct page **pages;
	size_t length, npages, i;
	u64 aligned_iova;
	int rc;

	rc = iommufd_hw_queue_range(cmd->nesting_parent_iova, cmd->length,
				    &aligned_iova, &length);
	if (rc)
		return ERR_PTR(rc);
	npages = length / PAGE_SIZE;

	/* A guest can ask for anything: no allocation warning. */
	pages = kvcalloc(npages, sizeof(*pages), GFP_KERNEL | __GFP_NOWARN);
	if (!pages)
		return ERR_PTR(-ENOMEM);

	access = iommufd_access_create_internal(viommu->ictx);
	if (IS_ERR(access)) {
		rc = PTR_ERR(access);
		goto out_free;
	}

	rc = iommufd_access_attach_internal(access, viommu->hwpt->ioas);
	if (rc)
		goto out_destroy;

	rc = iommufd_access_pin_pages(access, aligned_iova, length, pages, 0);
	if (rc)
		goto out_detach;

	for (i = 1; i < npages; i++) {
		if (page_to_pfn(pages[i]) != page_to_pfn(pages[i - 1]) + 1) {
			rc = -EFAULT;
			goto out_unpin;
		}
	}

	*base_pa = page_to_phys(pages[0]) +
		   (cmd->nesting_parent_iova - aligned_iova);
	kvfree(pages);
	return access;

out_unpin:
	iommufd_access_unpin_pages(access, aligned_iova, length);
out_detach:
	iommufd_access_detach_internal(access);
out_destroy:
	iommufd_access_destroy_internal(viommu->ictx, access);
out_free:
	kvfree(pages);
	return ERR_PTR(rc);
}

/**
 * iommufd_hw_queue_destroy - destroy a HW queue (also its ucmd abort)
 * @obj: the object
 *
 * The reverse of the allocation: the driver stops the hardware first (it
 * must not read the memory once it is unpinned), then the memory is
 * unpinned, the internal access detached and destroyed, and the vIOMMU
 * released.  Every step tolerates a queue whose allocation stopped early.
 */
void iommufd_hw_queue_destroy(struct iommufd_object *obj)
{
	struct iommufd_hw_queue *hw_queue =
		container_of(obj, struct iommufd_hw_queue, obj);

	if (hw_queue->destroy)
		hw_queue->destroy(hw_queue);
	WARN_ON(hw_queue->kshim_depended);
	if (hw_queue->access) {
		u64 aligned_iova;
		size_t length;

		/* The range was computed the same way at allocation. */
		if (!WARN_ON(iommufd_hw_queue_range(hw_queue->base_addr,
						    hw_queue->length,
						    &aligned_iova, &length)))
			iommufd_hw_queue_destroy_access(hw_queue->viommu->ictx,
							hw_queue->access,
							aligned_iova, length);
	}
	if (hw_queue->viommu)
		refcount_dec(&hw_queue->viommu->obj.users);
}

/**
 * iommufd_hw_queue_alloc_ioctl - IOMMU_HW_QUEUE_ALLOC
 * @ucmd: the ioctl; struct iommu_hw_queue_alloc
 *
 * The queue object is allocated (through the ucmd) before its internal
 * access, so that the dispatcher's abort, which runs destroy, undoes
 * whatever was done.
 *
 * Return: 0, -EOPNOTSUPP (flags, DEFAULT type, driver or type not
 * supported), -EINVAL (length 0; the driver's index checks), -EOVERFLOW
 * (base + length - 1 overflows), -ERANGE (page rounding overflows),
 * -ENOENT (vIOMMU; memory not mapped in the parent IOAS), -EFAULT (memory
 * not physically contiguous; response copy), -EPERM, -ENOMEM, driver
 * errors (-EEXIST, -EIO).
 */
int iommufd_hw_queue_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
	struct iommu_hw_queue_alloc *cmd = ucmd->cmd;
	struct iommufd_hw_queue *hw_queue;
	struct iommufd_viommu *viommu;
	struct iommufd_access *access;
	size_t hw_queue_size;
	phys_addr_t base_pa = 0;	/* set on success; quiets -O2 */
	u64 last;
	int rc;

	if (cmd->flags || cmd->type == IOMMU_HW_QUEUE_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if (!cmd->length)
		return -EINVAL;
	if (check_add_overflow(cmd->nesting_parent_iova, cmd->length - 1,
			       &last))
		return -EOVERFLOW;

	viommu = iommufd_get_viommu(ucmd, cmd->viommu_id);
	if (IS_ERR(viommu))
		return PTR_ERR(viommu);

	if (!viommu->ops->get_hw_queue_size ||
	    !viommu->ops->hw_queue_init_phys) {
		rc = -EOPNOTSUPP;
		goto out_put_viommu;
	}
	hw_queue_size = viommu->ops->get_hw_queue_size(viommu, cmd->type);
	if (!hw_queue_size) {
		rc = -EOPNOTSUPP;
		goto out_put_viommu;
	}
	/* A driver struct smaller than the core's is a driver bug. */
	if (WARN_ON_ONCE(hw_queue_size < sizeof(*hw_queue))) {
		rc = -EOPNOTSUPP;
		goto out_put_viommu;
	}

	hw_queue = (struct iommufd_hw_queue *)_iommufd_object_alloc_ucmd(
		ucmd, hw_queue_size, IOMMUFD_OBJ_HW_QUEUE);
	if (IS_ERR(hw_queue)) {
		rc = PTR_ERR(hw_queue);
		goto out_put_viommu;
	}

	access = iommufd_hw_queue_alloc_phys(cmd, viommu, &base_pa);
	if (IS_ERR(access)) {
		rc = PTR_ERR(access);
		goto out_put_viommu;
	}

	hw_queue->viommu = viommu;
	refcount_inc(&viommu->obj.users);
	hw_queue->access = access;
	hw_queue->type = cmd->type;
	hw_queue->length = cmd->length;
	hw_queue->base_addr = cmd->nesting_parent_iova;

	rc = viommu->ops->hw_queue_init_phys(hw_queue, cmd->index, base_pa);
	if (rc)
		goto out_put_viommu;

	cmd->out_hw_queue_id = hw_queue->obj.id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));

out_put_viommu:
	iommufd_put_object(ucmd->ictx, &viommu->obj);
	return rc;
}
