// SPDX-License-Identifier: GPL-2.0
/*
 * device.c - devices bound to a context, their attachments, and in-kernel
 * accesses.
 *
 * Devices.  A driver binds a device (the DEVICE object; the driver owns a
 * @users reference until unbind).  Devices of one iommu_group share an
 * iommufd_group, which records per PASID (IOMMU_NO_PASID for the RID) which
 * HWPT the group is attached to and which of its devices asked for it.
 * The first device of a group at a PASID attaches the group; the others
 * follow, each adding its own reserved regions to the IOAS and a @users
 * reference to the HWPT.  Attaching to an IOAS picks an automatic HWPT: an
 * existing automatic one that accepts the device, or a new one that is
 * destroyed when its last device leaves.  A replace never leaves the group
 * half switched: reserved ranges go into the new IOAS first, the IOMMU
 * core switches atomically (or restores the old domain), and only then are
 * the old IOAS's ranges and the references moved.
 *
 * Accesses.  An access is an in-kernel user of an IOAS (an emulated device
 * reading guest memory, or an internal user such as a HW queue).  Its
 * @ioas is where new pins go and @ioas_unpin where existing pins live;
 * they differ only while a change is in flight, which is what makes a
 * concurrent second change fail with -EBUSY and new pins fail with -ENOENT
 * during the window.  A change adds the access to the new IOAS first (the
 * only step that can fail), then asks the driver to unpin everything from
 * the old one (without ioas_lock held, since the driver's unmap callback
 * unpins), then removes it from the old IOAS.
 *
 * An internal access (NULL @ictx) holds no context reference and has no
 * driver callbacks: its owner is an object of the same context, destroyed
 * by the context's release, which a context reference would prevent from
 * ever running.  Its pins lock their areas: IOAS_UNMAP of a locked area is
 * -EBUSY instead of a request to the owner.
 */
#include <linux/bug.h>
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/log2.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <uapi/linux/iommufd.h>

#include "io_pagetable.h"
#include "iommufd_private.h"
#include <uapi/iommufd_test.h>

static bool allow_unsafe_interrupts;

static void iommufd_group_release(struct kref *kref)
{
	struct iommufd_group *igroup =
		container_of(kref, struct iommufd_group, ref);

	WARN_ON(!xa_empty(&igroup->pasid_attach));

	/* Only if it is still this igroup: a successor may already be there. */
	xa_cmpxchg(&igroup->ictx->groups, iommu_group_id(igroup->group), igroup,
		   NULL, GFP_KERNEL);
	iommu_group_put(igroup->group);
	mutex_destroy(&igroup->lock);
	kfree(igroup);
}

static void iommufd_put_group(struct iommufd_group *group)
{
	kref_put(&group->ref, iommufd_group_release);
}

static bool iommufd_group_try_get(struct iommufd_group *igroup,
				  struct iommu_group *group)
{
	if (!igroup)
		return false;
	/*
	 * An iommu_group ID is not reused while an igroup holds the group,
	 * and we found this igroup under the xa_lock.
	 */
	if (WARN_ON(igroup->group != group))
		return false;
	return kref_get_unless_zero(&igroup->ref);
}

/*
 * The igroup of @dev's iommu_group in @ictx, created on first use.  A
 * dying igroup (reference count already zero) may still sit in the table:
 * it is replaced by the new one with a compare-and-exchange loop.
 */
static struct iommufd_group *iommufd_get_group(struct iommufd_ctx *ictx,
					       struct device *dev)
{
	struct iommufd_group *new_igroup;
	struct iommufd_group *cur_igroup;
	struct iommufd_group *igroup;
	struct iommu_group *group;
	unsigned int id;

	group = iommu_group_get(dev);
	if (!group)
		return ERR_PTR(-ENODEV);

	id = iommu_group_id(group);

	xa_lock(&ictx->groups);
	igroup = xa_load(&ictx->groups, id);
	if (iommufd_group_try_get(igroup, group)) {
		xa_unlock(&ictx->groups);
		iommu_group_put(group);
		return igroup;
	}
	xa_unlock(&ictx->groups);

	new_igroup = kzalloc(sizeof(*new_igroup), GFP_KERNEL);
	if (!new_igroup) {
		iommu_group_put(group);
		return ERR_PTR(-ENOMEM);
	}

	kref_init(&new_igroup->ref);
	mutex_init(&new_igroup->lock);
	xa_init(&new_igroup->pasid_attach);
	new_igroup->sw_msi_start = PHYS_ADDR_MAX;
	/* The group reference moves into the igroup. */
	new_igroup->group = group;

	/*
	 * No context reference: every object that uses an igroup puts it
	 * before its own destruction completes.
	 */
	new_igroup->ictx = ictx;

	/* The lock was dropped: start from the likely empty slot. */
	cur_igroup = NULL;
	xa_lock(&ictx->groups);
	while (true) {
		igroup = __xa_cmpxchg(&ictx->groups, id, cur_igroup, new_igroup,
				      GFP_KERNEL);
		if (xa_is_err(igroup)) {
			xa_unlock(&ictx->groups);
			iommufd_put_group(new_igroup);
			return ERR_PTR(xa_err(igroup));
		}

		/* Installed. */
		if (cur_igroup == igroup) {
			xa_unlock(&ictx->groups);
			return new_igroup;
		}

		/* Someone else installed one meanwhile: is it alive? */
		if (iommufd_group_try_get(igroup, group)) {
			xa_unlock(&ictx->groups);
			iommufd_put_group(new_igroup);
			return igroup;
		}
		cur_igroup = igroup;
	}
}

/*
 * The device is being unbound while something still holds a short-term
 * reference on it: revoke the one such holder that is not short-lived, its
 * vDEVICE.  From here no vDEVICE can be created on the device.  A vDEVICE
 * that is still published is destroyed on the user's behalf and its ID
 * stays occupied (a tombstone) until the context closes, so the user's
 * later IOMMU_DESTROY of it is -ENOENT and the ID is never reused for
 * something else.  A vDEVICE that a user DESTROY already took out of the
 * table, but whose destroy waits for igroup->lock, is left to finish: it
 * puts the device reference itself, which is what the unbind waits for.
 *
 * The vDEVICE is looked up directly, not with iommufd_get_object(): that
 * lookup is a fault-injection point, and failing it here would leave the
 * unbind waiting for a reference nobody would drop.
 */
static void iommufd_device_remove_vdev(struct iommufd_device *idev)
{
	struct iommufd_ctx *ictx = idev->ictx;
	struct iommufd_vdevice *vdev;
	struct iommufd_object *obj;

	mutex_lock(&idev->igroup->lock);
	idev->destroying = true;
	vdev = idev->vdev;
	if (!vdev)
		goto out_unlock;

	xa_lock(&ictx->objects);
	obj = xa_load(&ictx->objects, vdev->obj.id);
	if (obj != &vdev->obj || !iommufd_lock_obj(obj)) {
		/*
		 * A user destroy removed it and will finish it (its ID may
		 * even hold a new object already).
		 */
		xa_unlock(&ictx->objects);
		goto out_unlock;
	}
	xa_unlock(&ictx->objects);

	/*
	 * Keep it with a @users reference of our own (a racing user destroy
	 * now sees it busy), drop the short-term one, and destroy it without
	 * igroup->lock, which its destroy takes.
	 */
	refcount_inc(&vdev->obj.users);
	iommufd_put_object(ictx, &vdev->obj);
	mutex_unlock(&idev->igroup->lock);
	iommufd_object_tombstone_user(ictx, &vdev->obj);
	return;

out_unlock:
	mutex_unlock(&idev->igroup->lock);
}

/**
 * iommufd_device_pre_destroy - revoke what would keep an unbind waiting
 * @obj: the device; its unbind found short-term references on it
 */
void iommufd_device_pre_destroy(struct iommufd_object *obj)
{
	struct iommufd_device *idev =
		container_of(obj, struct iommufd_device, obj);

	iommufd_device_remove_vdev(idev);
}

void iommufd_device_destroy(struct iommufd_object *obj)
{
	struct iommufd_device *idev =
		container_of(obj, struct iommufd_device, obj);

	iommu_device_release_dma_owner(idev->dev);
	iommufd_put_group(idev->igroup);
	if (!iommufd_selftest_is_mock_dev(idev->dev))
		iommufd_ctx_put(idev->ictx);
	mutex_destroy(&idev->iopf_lock);
}

/**
 * iommufd_device_bind - bind a physical device to an iommu fd
 * @ictx: the context
 * @dev: the device
 * @id: receives the ID of the new DEVICE object
 *
 * The device's DMA ownership is claimed for @ictx, so the kernel's own DMA
 * API can no longer use it.  The caller must call iommufd_device_unbind()
 * when done; until then the device holds a context reference (mock devices
 * excepted: their DEVICE lives inside a context-owned object).
 *
 * Return: the bound device or an ERR_PTR.
 */
struct iommufd_device *iommufd_device_bind(struct iommufd_ctx *ictx,
					   struct device *dev, u32 *id)
{
	struct iommufd_device *idev;
	struct iommufd_group *igroup;
	int rc;

	/*
	 * iommufd always maps with IOMMU_CACHE: a device that cannot do
	 * coherent DMA cannot be used.
	 */
	if (!device_iommu_capable(dev, IOMMU_CAP_CACHE_COHERENCY))
		return ERR_PTR(-EINVAL);

	igroup = iommufd_get_group(ictx, dev);
	if (IS_ERR(igroup))
		return ERR_CAST(igroup);

	/*
	 * A device whose DMA writes could raise interrupts outside this
	 * context is refused, unless the administrator said otherwise.
	 */
	if (!iommufd_selftest_is_mock_dev(dev) &&
	    !iommu_group_has_isolated_msi(igroup->group)) {
		if (!allow_unsafe_interrupts) {
			rc = -EPERM;
			goto out_group_put;
		}
		dev_warn(dev,
			 "MSI interrupts are not secure, they cannot be isolated by the platform. Check that platform features like interrupt remapping are enabled. Use the \"allow_unsafe_interrupts\" module parameter to override\n");
	}

	rc = iommu_device_claim_dma_owner(dev, ictx);
	if (rc)
		goto out_group_put;

	idev = iommufd_object_alloc(ictx, idev, IOMMUFD_OBJ_DEVICE);
	if (IS_ERR(idev)) {
		rc = PTR_ERR(idev);
		goto out_release_owner;
	}
	idev->ictx = ictx;
	if (!iommufd_selftest_is_mock_dev(dev))
		iommufd_ctx_get(ictx);
	idev->dev = dev;
	idev->enforce_cache_coherency =
		device_iommu_capable(dev, IOMMU_CAP_ENFORCE_CACHE_COHERENCY);
	/* The calling driver is a user until iommufd_device_unbind(). */
	refcount_inc(&idev->obj.users);
	/* The igroup reference moves into the device. */
	idev->igroup = igroup;
	mutex_init(&idev->iopf_lock);

	/*
	 * Nothing can fail after this point.  No other object takes a
	 * @users reference on a device: it is a leaf of the graph.
	 */
	iommufd_object_finalize(ictx, &idev->obj);
	*id = idev->obj.id;
	return idev;

out_release_owner:
	iommu_device_release_dma_owner(dev);
out_group_put:
	iommufd_put_group(igroup);
	return ERR_PTR(rc);
}

/**
 * iommufd_ctx_has_group - true if any device of @group is bound to @ictx
 * @ictx: the context
 * @group: the iommu group
 */
bool iommufd_ctx_has_group(struct iommufd_ctx *ictx, struct iommu_group *group)
{
	struct iommufd_object *obj;
	unsigned long index;

	if (!ictx || !group)
		return false;

	xa_lock(&ictx->objects);
	xa_for_each(&ictx->objects, index, obj) {
		if (obj->type == IOMMUFD_OBJ_DEVICE &&
		    container_of(obj, struct iommufd_device, obj)
				    ->igroup->group == group) {
			xa_unlock(&ictx->objects);
			return true;
		}
	}
	xa_unlock(&ictx->objects);
	return false;
}

/**
 * iommufd_device_unbind - undo iommufd_device_bind()
 * @idev: the device
 *
 * Waits for short-term users of the device to finish.  The caller must
 * have detached every attachment first.
 */
void iommufd_device_unbind(struct iommufd_device *idev)
{
	iommufd_object_destroy_user(idev->ictx, &idev->obj);
}

struct iommufd_ctx *iommufd_device_to_ictx(struct iommufd_device *idev)
{
	return idev->ictx;
}

u32 iommufd_device_to_id(struct iommufd_device *idev)
{
	return idev->obj.id;
}

static unsigned int iommufd_group_device_num(struct iommufd_group *igroup,
					     ioasid_t pasid)
{
	struct iommufd_attach *attach;
	struct iommufd_device *idev;
	unsigned int count = 0;
	unsigned long index;

	lockdep_assert_held(&igroup->lock);

	attach = xa_load(&igroup->pasid_attach, pasid);
	if (attach)
		xa_for_each(&attach->device_array, index, idev)
			count++;
	return count;
}

/*
 * A driver that reports an IOMMU_RESV_SW_MSI region wants the core to set
 * up the MSI window in each paging domain its devices use; that can be done
 * once per domain.
 */
static int iommufd_group_setup_msi(struct iommufd_group *igroup,
				   struct iommufd_hwpt_paging *hwpt_paging)
{
	phys_addr_t sw_msi_start = igroup->sw_msi_start;
	int rc;

	if (sw_msi_start != PHYS_ADDR_MAX && !hwpt_paging->msi_cookie) {
		rc = iommu_get_msi_cookie(hwpt_paging->common.domain,
					  sw_msi_start);
		if (rc)
			return rc;
		hwpt_paging->msi_cookie = true;
	}
	return 0;
}

static bool iommufd_group_first_attach(struct iommufd_group *igroup,
				       ioasid_t pasid)
{
	lockdep_assert_held(&igroup->lock);
	return !xa_load(&igroup->pasid_attach, pasid);
}

static int
iommufd_device_attach_reserved_iova(struct iommufd_device *idev,
				    struct iommufd_hwpt_paging *hwpt_paging)
{
	struct iommufd_group *igroup = idev->igroup;
	int rc;

	lockdep_assert_held(&igroup->lock);

	rc = iopt_table_enforce_dev_resv_regions(&hwpt_paging->ioas->iopt,
						 idev->dev,
						 &igroup->sw_msi_start);
	if (rc)
		return rc;

	if (iommufd_group_first_attach(igroup, IOMMU_NO_PASID)) {
		rc = iommufd_group_setup_msi(igroup, hwpt_paging);
		if (rc)
			iopt_remove_reserved_iova(&hwpt_paging->ioas->iopt,
						  idev->dev);
	}
	return rc;
}

/*
 * A PASID attachment needs a HWPT allocated with IOMMU_HWPT_ALLOC_PASID,
 * and then the RID attachment of the group must be one too (and the other
 * way round).
 */
int iommufd_hwpt_pasid_compat(struct iommufd_hw_pagetable *hwpt,
			      struct iommufd_device *idev, ioasid_t pasid)
{
	struct iommufd_group *igroup = idev->igroup;

	lockdep_assert_held(&igroup->lock);

	if (pasid == IOMMU_NO_PASID) {
		unsigned long start = IOMMU_NO_PASID;

		if (!hwpt->pasid_compat &&
		    xa_find_after(&igroup->pasid_attach, &start, UINT_MAX,
				  XA_PRESENT))
			return -EINVAL;
	} else {
		struct iommufd_attach *attach;

		if (!hwpt->pasid_compat)
			return -EINVAL;

		attach = xa_load(&igroup->pasid_attach, IOMMU_NO_PASID);
		if (attach && attach->hwpt && !attach->hwpt->pasid_compat)
			return -EINVAL;
	}
	return 0;
}

static int iommufd_hwpt_attach_device(struct iommufd_hw_pagetable *hwpt,
				      struct iommufd_device *idev,
				      ioasid_t pasid)
{
	struct iommufd_attach_handle *handle;
	int rc;

	/*
	 * (The kernel also refuses a PASID-capable HWPT for a PCI device
	 * that has PASID disabled; mock devices are not PCI devices.)
	 */
	rc = iommufd_hwpt_pasid_compat(hwpt, idev, pasid);
	if (rc)
		return rc;

	handle = kzalloc(sizeof(*handle), GFP_KERNEL);
	if (!handle)
		return -ENOMEM;

	if (hwpt->fault) {
		rc = iommufd_fault_iopf_enable(idev);
		if (rc)
			goto out_free_handle;
	}

	handle->idev = idev;
	if (pasid == IOMMU_NO_PASID)
		rc = iommu_attach_group_handle(hwpt->domain, idev->igroup->group,
					       &handle->handle);
	else
		rc = iommu_attach_device_pasid(hwpt->domain, idev->dev, pasid,
					       &handle->handle);
	if (rc)
		goto out_disable_iopf;

	return 0;

out_disable_iopf:
	if (hwpt->fault)
		iommufd_fault_iopf_disable(idev);
out_free_handle:
	kfree(handle);
	return rc;
}

static struct iommufd_attach_handle *
iommufd_device_get_attach_handle(struct iommufd_device *idev, ioasid_t pasid)
{
	struct iommu_attach_handle *handle;

	lockdep_assert_held(&idev->igroup->lock);

	handle = iommu_attach_handle_get(idev->igroup->group, pasid, 0);
	if (IS_ERR(handle))
		return NULL;
	return to_iommufd_handle(handle);
}

static void iommufd_hwpt_detach_device(struct iommufd_hw_pagetable *hwpt,
				       struct iommufd_device *idev,
				       ioasid_t pasid)
{
	struct iommufd_attach_handle *handle;

	handle = iommufd_device_get_attach_handle(idev, pasid);
	if (pasid == IOMMU_NO_PASID)
		iommu_detach_group_handle(hwpt->domain, idev->igroup->group);
	else
		iommu_detach_device_pasid(hwpt->domain, idev->dev, pasid);

	/* Faults of this attachment that nobody will answer now: INVALID. */
	if (hwpt->fault) {
		iommufd_auto_response_faults(hwpt, handle);
		iommufd_fault_iopf_disable(idev);
	}
	kfree(handle);
}

static int iommufd_hwpt_replace_device(struct iommufd_device *idev,
				       ioasid_t pasid,
				       struct iommufd_hw_pagetable *hwpt,
				       struct iommufd_hw_pagetable *old)
{
	struct iommufd_attach_handle *handle, *old_handle;
	int rc;

	rc = iommufd_hwpt_pasid_compat(hwpt, idev, pasid);
	if (rc)
		return rc;

	old_handle = iommufd_device_get_attach_handle(idev, pasid);

	handle = kzalloc(sizeof(*handle), GFP_KERNEL);
	if (!handle)
		return -ENOMEM;

	if (hwpt->fault && !old->fault) {
		rc = iommufd_fault_iopf_enable(idev);
		if (rc)
			goto out_free_handle;
	}

	handle->idev = idev;
	if (pasid == IOMMU_NO_PASID)
		rc = iommu_replace_group_handle(idev->igroup->group,
						hwpt->domain, &handle->handle);
	else
		rc = iommu_replace_device_pasid(hwpt->domain, idev->dev, pasid,
						&handle->handle);
	if (rc)
		goto out_disable_iopf;

	/* The groups of the old attachment sit in the old HWPT's queue. */
	if (old->fault) {
		iommufd_auto_response_faults(old, old_handle);
		if (!hwpt->fault)
			iommufd_fault_iopf_disable(idev);
	}
	kfree(old_handle);

	return 0;

out_disable_iopf:
	if (hwpt->fault && !old->fault)
		iommufd_fault_iopf_disable(idev);
out_free_handle:
	kfree(handle);
	return rc;
}

int iommufd_hw_pagetable_attach(struct iommufd_hw_pagetable *hwpt,
				struct iommufd_device *idev, ioasid_t pasid)
{
	struct iommufd_hwpt_paging *hwpt_paging = find_hwpt_paging(hwpt);
	bool attach_resv = hwpt_paging && pasid == IOMMU_NO_PASID;
	struct iommufd_group *igroup = idev->igroup;
	struct iommufd_hw_pagetable *old_hwpt;
	struct iommufd_attach *attach;
	int rc;

	mutex_lock(&igroup->lock);

	/* Reserve the slot so a racing first attach cannot start too. */
	attach = xa_cmpxchg(&igroup->pasid_attach, pasid, NULL, XA_ZERO_ENTRY,
			    GFP_KERNEL);
	if (xa_is_err(attach)) {
		rc = xa_err(attach);
		goto err_unlock;
	}

	if (!attach) {
		attach = kzalloc(sizeof(*attach), GFP_KERNEL);
		if (!attach) {
			rc = -ENOMEM;
			goto err_release_pasid;
		}
		xa_init(&attach->device_array);
	}

	old_hwpt = attach->hwpt;

	rc = xa_insert(&attach->device_array, idev->obj.id, XA_ZERO_ENTRY,
		       GFP_KERNEL);
	if (rc) {
		/* Attached already at this PASID. */
		WARN_ON(rc == -EBUSY && !old_hwpt);
		goto err_free_attach;
	}

	/* Devices of a group all use the same HWPT at a PASID. */
	if (old_hwpt && old_hwpt != hwpt) {
		rc = -EINVAL;
		goto err_release_devid;
	}

	if (attach_resv) {
		rc = iommufd_device_attach_reserved_iova(idev, hwpt_paging);
		if (rc)
			goto err_release_devid;
	}

	/*
	 * Only the group's first device attaches the group; the others
	 * follow it, but each one still added its own reserved regions
	 * above.
	 */
	if (iommufd_group_first_attach(igroup, pasid)) {
		rc = iommufd_hwpt_attach_device(hwpt, idev, pasid);
		if (rc)
			goto err_unresv;
		attach->hwpt = hwpt;
		WARN_ON(xa_is_err(xa_store(&igroup->pasid_attach, pasid, attach,
					   GFP_KERNEL)));
	}
	refcount_inc(&hwpt->obj.users);
	WARN_ON(xa_is_err(xa_store(&attach->device_array, idev->obj.id, idev,
				   GFP_KERNEL)));
	mutex_unlock(&igroup->lock);
	return 0;

err_unresv:
	if (attach_resv)
		iopt_remove_reserved_iova(&hwpt_paging->ioas->iopt, idev->dev);
err_release_devid:
	xa_release(&attach->device_array, idev->obj.id);
err_free_attach:
	if (iommufd_group_first_attach(igroup, pasid))
		kfree(attach);
err_release_pasid:
	if (iommufd_group_first_attach(igroup, pasid))
		xa_release(&igroup->pasid_attach, pasid);
err_unlock:
	mutex_unlock(&igroup->lock);
	return rc;
}

/* Detach @idev at @pasid; the caller puts the returned HWPT. */
struct iommufd_hw_pagetable *
iommufd_hw_pagetable_detach(struct iommufd_device *idev, ioasid_t pasid)
{
	struct iommufd_group *igroup = idev->igroup;
	struct iommufd_hwpt_paging *hwpt_paging;
	struct iommufd_hw_pagetable *hwpt;
	struct iommufd_attach *attach;

	mutex_lock(&igroup->lock);
	attach = xa_load(&igroup->pasid_attach, pasid);
	if (!attach) {
		mutex_unlock(&igroup->lock);
		return NULL;
	}

	hwpt = attach->hwpt;
	hwpt_paging = find_hwpt_paging(hwpt);

	xa_erase(&attach->device_array, idev->obj.id);
	if (xa_empty(&attach->device_array)) {
		iommufd_hwpt_detach_device(hwpt, idev, pasid);
		xa_erase(&igroup->pasid_attach, pasid);
		kfree(attach);
	}
	if (hwpt_paging && pasid == IOMMU_NO_PASID)
		iopt_remove_reserved_iova(&hwpt_paging->ioas->iopt, idev->dev);
	mutex_unlock(&igroup->lock);

	return hwpt;
}

static struct iommufd_hw_pagetable *
iommufd_device_do_attach(struct iommufd_device *idev, ioasid_t pasid,
			 struct iommufd_hw_pagetable *hwpt)
{
	int rc;

	rc = iommufd_hw_pagetable_attach(hwpt, idev, pasid);
	if (rc)
		return ERR_PTR(rc);
	return NULL;
}

static void
iommufd_group_remove_reserved_iova(struct iommufd_group *igroup,
				   struct iommufd_hwpt_paging *hwpt_paging)
{
	struct iommufd_attach *attach;
	struct iommufd_device *cur;
	unsigned long index;

	lockdep_assert_held(&igroup->lock);

	attach = xa_load(&igroup->pasid_attach, IOMMU_NO_PASID);
	xa_for_each(&attach->device_array, index, cur)
		iopt_remove_reserved_iova(&hwpt_paging->ioas->iopt, cur->dev);
}

/*
 * Reserved ranges for a replace onto @hwpt_paging: every device of the
 * group enforces its regions in the new IOAS, unless it is the IOAS the
 * group already uses (those ranges are there).  *@added says whether
 * anything was added, so that a failure undoes exactly that.
 *
 * The kernel's 6.12 code undoes the group's ranges in the new IOAS even
 * when they were not added here (same IOAS), which silently drops the old
 * attachment's reservations; the simulator only undoes its own work.
 */
static int
iommufd_group_do_replace_reserved_iova(struct iommufd_group *igroup,
				       struct iommufd_hwpt_paging *hwpt_paging,
				       bool *added)
{
	struct iommufd_hwpt_paging *old_hwpt_paging;
	struct iommufd_attach *attach;
	struct iommufd_device *cur;
	unsigned long index;
	int rc;

	lockdep_assert_held(&igroup->lock);

	*added = false;
	attach = xa_load(&igroup->pasid_attach, IOMMU_NO_PASID);
	old_hwpt_paging = find_hwpt_paging(attach->hwpt);
	if (!old_hwpt_paging || hwpt_paging->ioas != old_hwpt_paging->ioas) {
		*added = true;
		xa_for_each(&attach->device_array, index, cur) {
			rc = iopt_table_enforce_dev_resv_regions(
				&hwpt_paging->ioas->iopt, cur->dev, NULL);
			if (rc)
				goto err_unresv;
		}
	}

	rc = iommufd_group_setup_msi(igroup, hwpt_paging);
	if (rc)
		goto err_unresv;
	return 0;

err_unresv:
	if (*added)
		iommufd_group_remove_reserved_iova(igroup, hwpt_paging);
	*added = false;
	return rc;
}

static bool iommufd_device_is_attached(struct iommufd_device *idev,
				       ioasid_t pasid)
{
	struct iommufd_attach *attach;

	attach = xa_load(&idev->igroup->pasid_attach, pasid);
	return attach && xa_load(&attach->device_array, idev->obj.id);
}

static struct iommufd_hw_pagetable *
iommufd_device_do_replace(struct iommufd_device *idev, ioasid_t pasid,
			  struct iommufd_hw_pagetable *hwpt)
{
	struct iommufd_hwpt_paging *hwpt_paging = find_hwpt_paging(hwpt);
	bool attach_resv = hwpt_paging && pasid == IOMMU_NO_PASID;
	struct iommufd_hwpt_paging *old_hwpt_paging;
	struct iommufd_group *igroup = idev->igroup;
	struct iommufd_hw_pagetable *old_hwpt;
	struct iommufd_attach *attach;
	unsigned int num_devices;
	bool resv_added = false;
	int rc;

	mutex_lock(&igroup->lock);

	attach = xa_load(&igroup->pasid_attach, pasid);
	if (!attach) {
		rc = -EINVAL;
		goto err_unlock;
	}

	old_hwpt = attach->hwpt;

	WARN_ON(!old_hwpt || xa_empty(&attach->device_array));

	if (!iommufd_device_is_attached(idev, pasid)) {
		rc = -EINVAL;
		goto err_unlock;
	}

	if (hwpt == old_hwpt) {
		mutex_unlock(&igroup->lock);
		return NULL;
	}

	if (attach_resv) {
		rc = iommufd_group_do_replace_reserved_iova(igroup, hwpt_paging,
							    &resv_added);
		if (rc)
			goto err_unlock;
	}

	rc = iommufd_hwpt_replace_device(idev, pasid, hwpt, old_hwpt);
	if (rc)
		goto err_unresv;

	old_hwpt_paging = find_hwpt_paging(old_hwpt);
	if (old_hwpt_paging && pasid == IOMMU_NO_PASID &&
	    (!hwpt_paging || hwpt_paging->ioas != old_hwpt_paging->ioas))
		iommufd_group_remove_reserved_iova(igroup, old_hwpt_paging);

	attach->hwpt = hwpt;

	num_devices = iommufd_group_device_num(igroup, pasid);
	/*
	 * Every device of the group holds a reference on the HWPT it uses:
	 * move them to the new one, but leave one on the old HWPT for the
	 * caller to put once every lock is dropped.
	 */
	refcount_add(num_devices, &hwpt->obj.users);
	if (num_devices > 1)
		WARN_ON(refcount_sub_and_test(num_devices - 1,
					      &old_hwpt->obj.users));
	mutex_unlock(&igroup->lock);

	/* The caller puts old_hwpt. */
	return old_hwpt;
err_unresv:
	if (resv_added)
		iommufd_group_remove_reserved_iova(igroup, hwpt_paging);
err_unlock:
	mutex_unlock(&igroup->lock);
	return ERR_PTR(rc);
}

typedef struct iommufd_hw_pagetable *(*attach_fn)(
	struct iommufd_device *idev, ioasid_t pasid,
	struct iommufd_hw_pagetable *hwpt);

/*
 * Attach (or replace) @idev onto an automatic HWPT of @ioas: the first
 * existing automatic domain that accepts the device (-EINVAL from the
 * driver means "incompatible, try the next"), or a new one.  Returns the
 * HWPT the caller must put after unlocking, NULL, or an ERR_PTR.
 */
static struct iommufd_hw_pagetable *
iommufd_device_auto_get_domain(struct iommufd_device *idev, ioasid_t pasid,
			       struct iommufd_ioas *ioas, u32 *pt_id,
			       attach_fn do_attach)
{
	/* A new domain is attached by its allocation when attaching. */
	bool immediate_attach = do_attach == iommufd_device_do_attach;
	struct iommufd_hw_pagetable *destroy_hwpt;
	struct iommufd_hwpt_paging *hwpt_paging;
	struct iommufd_hw_pagetable *hwpt;
	u32 flags = 0;

	/*
	 * Automatic domains are not told apart when they are made: any one
	 * that accepts the device is as good as any other.
	 */
	mutex_lock(&ioas->mutex);
	list_for_each_entry(hwpt_paging, &ioas->hwpt_list, hwpt_item) {
		if (!hwpt_paging->auto_domain)
			continue;

		hwpt = &hwpt_paging->common;
		if (!iommufd_lock_obj(&hwpt->obj))
			continue;
		destroy_hwpt = (*do_attach)(idev, pasid, hwpt);
		if (IS_ERR(destroy_hwpt)) {
			iommufd_put_object(idev->ictx, &hwpt->obj);
			if (PTR_ERR(destroy_hwpt) == -EINVAL)
				continue;
			goto out_unlock;
		}
		*pt_id = hwpt->obj.id;
		iommufd_put_object(idev->ictx, &hwpt->obj);
		goto out_unlock;
	}

	/*
	 * A device with PASIDs gets a PASID-capable automatic domain, so that
	 * its RID and PASID attachments stay compatible with each other.
	 */
	if (idev->dev->iommu && idev->dev->iommu->max_pasids)
		flags |= IOMMU_HWPT_ALLOC_PASID;
	hwpt_paging = iommufd_hwpt_paging_alloc(idev->ictx, ioas, idev, pasid,
						flags, immediate_attach, NULL);
	if (IS_ERR(hwpt_paging)) {
		destroy_hwpt = ERR_CAST(hwpt_paging);
		goto out_unlock;
	}
	hwpt = &hwpt_paging->common;

	if (!immediate_attach) {
		destroy_hwpt = (*do_attach)(idev, pasid, hwpt);
		if (IS_ERR(destroy_hwpt))
			goto out_abort;
	} else {
		destroy_hwpt = NULL;
	}

	hwpt_paging->auto_domain = true;
	*pt_id = hwpt->obj.id;

	iommufd_object_finalize(idev->ictx, &hwpt->obj);
	mutex_unlock(&ioas->mutex);
	return destroy_hwpt;

out_abort:
	iommufd_object_abort_and_destroy(idev->ictx, &hwpt->obj);
out_unlock:
	mutex_unlock(&ioas->mutex);
	return destroy_hwpt;
}

static int iommufd_device_change_pt(struct iommufd_device *idev,
				    ioasid_t pasid, u32 *pt_id,
				    attach_fn do_attach)
{
	struct iommufd_hw_pagetable *destroy_hwpt;
	struct iommufd_object *pt_obj;

	pt_obj = iommufd_get_object(idev->ictx, *pt_id, IOMMUFD_OBJ_ANY);
	if (IS_ERR(pt_obj))
		return PTR_ERR(pt_obj);

	switch (pt_obj->type) {
	case IOMMUFD_OBJ_HWPT_NESTED:
	case IOMMUFD_OBJ_HWPT_PAGING: {
		struct iommufd_hw_pagetable *hwpt =
			container_of(pt_obj, struct iommufd_hw_pagetable, obj);

		destroy_hwpt = (*do_attach)(idev, pasid, hwpt);
		if (IS_ERR(destroy_hwpt))
			goto out_put_pt_obj;
		break;
	}
	case IOMMUFD_OBJ_IOAS: {
		struct iommufd_ioas *ioas =
			container_of(pt_obj, struct iommufd_ioas, obj);

		destroy_hwpt = iommufd_device_auto_get_domain(idev, pasid, ioas,
							      pt_id, do_attach);
		if (IS_ERR(destroy_hwpt))
			goto out_put_pt_obj;
		break;
	}
	default:
		destroy_hwpt = ERR_PTR(-EINVAL);
		goto out_put_pt_obj;
	}
	iommufd_put_object(idev->ictx, pt_obj);

	/* Only now: destroying an automatic domain takes ioas->mutex. */
	if (destroy_hwpt)
		iommufd_hw_pagetable_put(idev->ictx, destroy_hwpt);
	return 0;

out_put_pt_obj:
	iommufd_put_object(idev->ictx, pt_obj);
	return PTR_ERR(destroy_hwpt);
}

/**
 * iommufd_device_attach - connect a device (or one of its PASIDs) to a
 *	page table
 * @idev: the device
 * @pasid: the PASID, or IOMMU_NO_PASID for the RID
 * @pt_id: an IOAS or HWPT ID; receives the HWPT actually used
 *
 * Attaching to an IOAS uses an automatic HWPT.  The device's reserved
 * regions are added to the IOAS.
 *
 * Return: 0 or -errno.
 */
int iommufd_device_attach(struct iommufd_device *idev, ioasid_t pasid,
			  u32 *pt_id)
{
	int rc;

	rc = iommufd_device_change_pt(idev, pasid, pt_id,
				      &iommufd_device_do_attach);
	if (rc)
		return rc;

	/*
	 * Paired with iommufd_device_detach(): an unbind with an attachment
	 * left is then a refcount error the destroy path catches.
	 */
	refcount_inc(&idev->obj.users);
	return 0;
}

/**
 * iommufd_device_replace - change the page table of an attached device
 * @idev: the device
 * @pasid: the PASID, or IOMMU_NO_PASID
 * @pt_id: an IOAS or HWPT ID; receives the HWPT actually used
 *
 * The switch is atomic for the device: DMA uses the old or the new
 * translation, never none.  On failure the old attachment, its reserved
 * ranges and references are as they were.
 *
 * Return: 0 or -errno (-EINVAL if @idev is not attached at @pasid).
 */
int iommufd_device_replace(struct iommufd_device *idev, ioasid_t pasid,
			   u32 *pt_id)
{
	return iommufd_device_change_pt(idev, pasid, pt_id,
					&iommufd_device_do_replace);
}

/**
 * iommufd_device_detach - disconnect a device (or PASID) from its HWPT
 * @idev: the device
 * @pasid: the PASID, or IOMMU_NO_PASID
 */
void iommufd_device_detach(struct iommufd_device *idev, ioasid_t pasid)
{
	struct iommufd_hw_pagetable *hwpt;

	hwpt = iommufd_hw_pagetable_detach(idev, pasid);
	if (!hwpt)
		return;
	iommufd_hw_pagetable_put(idev->ictx, hwpt);
	refcount_dec(&idev->obj.users);
}

/* --- accesses --------------------------------------------------------- */

/*
 * Move @access from its IOAS to @new_ioas (NULL to detach).  Called with
 * access->ioas_lock held, which it drops around the driver's unmap
 * callback.  The only step that can fail comes first, so on error the
 * access is exactly as before.
 */
static int iommufd_access_change_ioas(struct iommufd_access *access,
				      struct iommufd_ioas *new_ioas)
{
	/* Adding to the new IOAS overwrites it: keep the old ID. */
	u32 iopt_access_list_id = access->iopt_access_list_id;
	struct iommufd_ioas *cur_ioas = access->ioas;
	int rc;

	lockdep_assert_held(&access->ioas_lock);

	/* Another change is in flight (its unmap callback is running). */
	if (cur_ioas != access->ioas_unpin)
		return -EBUSY;

	if (cur_ioas == new_ioas)
		return 0;

	/*
	 * From here new pins fail with -ENOENT; unpins keep working through
	 * ioas_unpin.
	 */
	access->ioas = NULL;

	if (new_ioas) {
		rc = iopt_add_access(&new_ioas->iopt, access);
		if (rc) {
			access->ioas = cur_ioas;
			return rc;
		}
		refcount_inc(&new_ioas->obj.users);
	}

	if (cur_ioas) {
		/*
		 * Every pin of the old IOAS is revoked.  The driver's callback
		 * unpins, which takes ioas_lock: it is dropped around it.  An
		 * internal access has no callback; its owner unpins before
		 * detaching.
		 */
		if (!iommufd_access_is_internal(access) && access->ops->unmap) {
			mutex_unlock(&access->ioas_lock);
			access->ops->unmap(access->data, 0, ULONG_MAX);
			mutex_lock(&access->ioas_lock);
		}
		iopt_remove_access(&cur_ioas->iopt, access,
				   iopt_access_list_id);
		refcount_dec(&cur_ioas->obj.users);
	}

	access->ioas = new_ioas;
	access->ioas_unpin = new_ioas;

	return 0;
}

static int iommufd_access_change_ioas_id(struct iommufd_access *access,
					 u32 id)
{
	struct iommufd_ioas *ioas = iommufd_get_ioas(access->ictx, id);
	int rc;

	if (IS_ERR(ioas))
		return PTR_ERR(ioas);
	rc = iommufd_access_change_ioas(access, ioas);
	iommufd_put_object(access->ictx, &ioas->obj);
	return rc;
}

void iommufd_access_destroy_object(struct iommufd_object *obj)
{
	struct iommufd_access *access =
		container_of(obj, struct iommufd_access, obj);

	mutex_lock(&access->ioas_lock);
	if (access->ioas)
		WARN_ON(iommufd_access_change_ioas(access, NULL));
	mutex_unlock(&access->ioas_lock);
	mutex_destroy(&access->ioas_lock);
	if (!iommufd_access_is_internal(access))
		iommufd_ctx_put(access->ictx);
}

static struct iommufd_access *__iommufd_access_create(struct iommufd_ctx *ictx)
{
	struct iommufd_access *access;

	/*
	 * No uAPI creates an access, but it is an object all the same, so
	 * that its lifetime follows the same rules as everything else.
	 */
	access = iommufd_object_alloc(ictx, access, IOMMUFD_OBJ_ACCESS);
	if (IS_ERR(access))
		return access;

	/* The creator is a user until it destroys the access. */
	refcount_inc(&access->obj.users);
	mutex_init(&access->ioas_lock);
	return access;
}

/**
 * iommufd_access_create_internal - an access owned by another object
 * @ictx: the context of the owner
 *
 * No context reference is taken and there are no callbacks (see the top
 * of the file).  Destroy it with iommufd_access_destroy_internal().
 *
 * Return: the access or an ERR_PTR.
 */
struct iommufd_access *iommufd_access_create_internal(struct iommufd_ctx *ictx)
{
	struct iommufd_access *access;

	access = __iommufd_access_create(ictx);
	if (IS_ERR(access))
		return access;
	access->iova_alignment = PAGE_SIZE;

	iommufd_object_finalize(ictx, &access->obj);
	return access;
}

/**
 * iommufd_access_create - an access for an emulated-device driver
 * @ictx: the context
 * @ops: the driver's callbacks; ->unmap is required for pinning
 * @data: passed to @ops
 * @id: receives the access's object ID
 *
 * The access holds a context reference until iommufd_access_destroy().
 *
 * Return: the access or an ERR_PTR.
 */
struct iommufd_access *
iommufd_access_create(struct iommufd_ctx *ictx,
		      const struct iommufd_access_ops *ops, void *data, u32 *id)
{
	struct iommufd_access *access;

	access = __iommufd_access_create(ictx);
	if (IS_ERR(access))
		return access;

	access->data = data;
	access->ops = ops;

	if (ops->needs_pin_pages)
		access->iova_alignment = PAGE_SIZE;
	else
		access->iova_alignment = 1;

	access->ictx = ictx;
	iommufd_ctx_get(ictx);
	iommufd_object_finalize(ictx, &access->obj);
	*id = access->obj.id;
	return access;
}

/**
 * iommufd_access_destroy - destroy an access made by iommufd_access_create()
 * @access: the access
 *
 * Waits for short-term users (such as an unmap notification that is
 * calling the driver right now).  The driver must not hold a lock here that
 * its unmap callback takes.
 */
void iommufd_access_destroy(struct iommufd_access *access)
{
	iommufd_object_destroy_user(access->ictx, &access->obj);
}

/**
 * iommufd_access_attach - attach an unattached access to an IOAS
 * @access: the access
 * @ioas_id: the IOAS
 *
 * Return: 0, -ENOENT for a bad IOAS, -EADDRINUSE if the IOAS's alignment
 * cannot accommodate the access, -EINVAL if already attached.
 */
int iommufd_access_attach(struct iommufd_access *access, u32 ioas_id)
{
	int rc;

	mutex_lock(&access->ioas_lock);
	if (WARN_ON(access->ioas)) {
		mutex_unlock(&access->ioas_lock);
		return -EINVAL;
	}

	rc = iommufd_access_change_ioas_id(access, ioas_id);
	mutex_unlock(&access->ioas_lock);
	return rc;
}

/**
 * iommufd_access_attach_internal - attach an internal access by pointer
 * @access: an access from iommufd_access_create_internal()
 * @ioas: the IOAS (the owner already holds a reference on it)
 */
int iommufd_access_attach_internal(struct iommufd_access *access,
				   struct iommufd_ioas *ioas)
{
	int rc;

	mutex_lock(&access->ioas_lock);
	if (WARN_ON(access->ioas)) {
		mutex_unlock(&access->ioas_lock);
		return -EINVAL;
	}

	rc = iommufd_access_change_ioas(access, ioas);
	mutex_unlock(&access->ioas_lock);
	return rc;
}

/**
 * iommufd_access_replace - move an attached access to another IOAS
 * @access: the access
 * @ioas_id: the new IOAS
 *
 * The driver is asked to unmap the whole old IOAS.  On failure the access
 * stays on the old IOAS with its pins intact.
 *
 * Return: 0, -ENOENT if not attached or no such IOAS, -EBUSY if another
 * change is in flight, or the error of adding it to the new IOAS.
 */
int iommufd_access_replace(struct iommufd_access *access, u32 ioas_id)
{
	int rc;

	mutex_lock(&access->ioas_lock);
	if (!access->ioas) {
		mutex_unlock(&access->ioas_lock);
		return -ENOENT;
	}
	rc = iommufd_access_change_ioas_id(access, ioas_id);
	mutex_unlock(&access->ioas_lock);
	return rc;
}

/**
 * iommufd_access_detach - detach an access from its IOAS
 * @access: the access
 */
void iommufd_access_detach(struct iommufd_access *access)
{
	mutex_lock(&access->ioas_lock);
	if (WARN_ON(!access->ioas))
		goto out;
	/*
	 * Detaching cannot fail but for a concurrent change, which would be
	 * a driver bug.
	 */
	WARN_ON(iommufd_access_change_ioas(access, NULL));
out:
	mutex_unlock(&access->ioas_lock);
}

/**
 * iommufd_access_notify_unmap - ask every external access to let go
 * @iopt: the IOAS's page table
 * @iova: the range being unmapped
 * @length: its length
 *
 * Called by IOAS unmap, without iopt locks held, for areas that accesses
 * have pinned.  Every external access of the IOAS is told (each driver
 * filters by range); the access is kept alive by a short-term reference
 * across its callback, with the list's lock dropped.  Internal accesses
 * are skipped before any reference is taken: their pins lock their areas
 * and are never revoked this way.
 */
void iommufd_access_notify_unmap(struct io_pagetable *iopt, unsigned long iova,
				 unsigned long length)
{
	struct iommufd_ioas *ioas =
		container_of(iopt, struct iommufd_ioas, iopt);
	struct iommufd_access *access;
	unsigned long index;

	xa_lock(&ioas->iopt.access_list);
	xa_for_each(&ioas->iopt.access_list, index, access) {
		if (iommufd_access_is_internal(access))
			continue;
		if (!iommufd_lock_obj(&access->obj))
			continue;
		xa_unlock(&ioas->iopt.access_list);

		access->ops->unmap(access->data, iova, length);

		iommufd_put_object(access->ictx, &access->obj);
		xa_lock(&ioas->iopt.access_list);
	}
	xa_unlock(&ioas->iopt.access_list);
}

/*
 * Pins are whole pages: the piece of the current area must start at byte
 * 0 of a page and, unless it is the last piece of the walk, run to the
 * last byte of one (the next area continues with the next page).
 */
static bool iopt_area_contig_is_aligned(struct iopt_area_contig_iter *iter)
{
	if (iopt_area_start_byte(iter->area, iter->cur_iova) % PAGE_SIZE)
		return false;

	if (!iopt_area_contig_done(iter) &&
	    (iopt_area_start_byte(iter->area, iopt_area_last_iova(iter->area)) %
	     PAGE_SIZE) != (PAGE_SIZE - 1))
		return false;
	return true;
}

static bool check_area_prot(struct iopt_area *area, unsigned int flags)
{
	if (flags & IOMMUFD_ACCESS_RW_WRITE)
		return area->iommu_prot & IOMMU_WRITE;
	return area->iommu_prot & IOMMU_READ;
}

/**
 * iommufd_access_unpin_pages - undo iommufd_access_pin_pages()
 * @access: the access
 * @iova: exactly the IOVA given to the pin
 * @length: exactly the length given to the pin
 */
void iommufd_access_unpin_pages(struct iommufd_access *access,
				unsigned long iova, unsigned long length)
{
	bool internal = iommufd_access_is_internal(access);
	struct iopt_area_contig_iter iter;
	struct io_pagetable *iopt;
	unsigned long last_iova;
	struct iopt_area *area;

	if (WARN_ON(!length) ||
	    WARN_ON(check_add_overflow(iova, length - 1, &last_iova)))
		return;

	mutex_lock(&access->ioas_lock);
	/* Unpinning before attach or after detach is a driver bug. */
	if (WARN_ON(!access->ioas_unpin)) {
		mutex_unlock(&access->ioas_lock);
		return;
	}
	iopt = &access->ioas_unpin->iopt;

	down_read(&iopt->iova_rwsem);
	iopt_for_each_contig_area(&iter, area, iopt, iova, last_iova)
		iopt_area_remove_access(
			area, iopt_area_iova_to_index(area, iter.cur_iova),
			iopt_area_iova_to_index(area,
						min(last_iova,
						    iopt_area_last_iova(area))),
			internal);
	WARN_ON(!iopt_area_contig_done(&iter));
	up_read(&iopt->iova_rwsem);
	mutex_unlock(&access->ioas_lock);
}

/**
 * iommufd_access_pin_pages - keep pages of an IOVA range pinned
 * @access: the access
 * @iova: first IOVA, page aligned
 * @length: bytes; the range must end at the end of a page
 * @out_pages: receives the struct page of every page
 * @flags: IOMMUFD_ACCESS_RW_WRITE if the pages will be written
 *
 * The pages stay pinned until iommufd_access_unpin_pages() with the same
 * range.  An external access's pins are revoked by IOAS unmap through the
 * driver's unmap callback; an internal access's pins make such an unmap
 * fail with -EBUSY instead.
 *
 * Return: 0, -ENOENT if detached or a hole is in the range, -EINVAL for a
 * misaligned range or an area being unmapped, -EPERM without the needed
 * permission, or an error from pinning.
 */
int iommufd_access_pin_pages(struct iommufd_access *access, unsigned long iova,
			     unsigned long length, struct page **out_pages,
			     unsigned int flags)
{
	bool internal = iommufd_access_is_internal(access);
	struct iopt_area_contig_iter iter;
	struct io_pagetable *iopt;
	unsigned long last_iova;
	struct iopt_area *area;
	int rc;

	/* A driver that pins must work in whole pages and handle unmap. */
	if (IS_ENABLED(CONFIG_IOMMUFD_TEST) &&
	    WARN_ON(access->iova_alignment != PAGE_SIZE ||
		    (!internal && !access->ops->unmap)))
		return -EINVAL;

	if (!length)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last_iova))
		return -EOVERFLOW;

	mutex_lock(&access->ioas_lock);
	if (!access->ioas) {
		mutex_unlock(&access->ioas_lock);
		return -ENOENT;
	}
	iopt = &access->ioas->iopt;

	down_read(&iopt->iova_rwsem);
	iopt_for_each_contig_area(&iter, area, iopt, iova, last_iova) {
		unsigned long last = min(last_iova, iopt_area_last_iova(area));
		unsigned long last_index = iopt_area_iova_to_index(area, last);
		unsigned long index =
			iopt_area_iova_to_index(area, iter.cur_iova);

		if (area->prevent_access ||
		    !iopt_area_contig_is_aligned(&iter)) {
			rc = -EINVAL;
			goto err_remove;
		}

		if (!check_area_prot(area, flags)) {
			rc = -EPERM;
			goto err_remove;
		}

		rc = iopt_area_add_access(area, index, last_index, out_pages,
					  flags, internal);
		if (rc)
			goto err_remove;
		out_pages += last_index - index + 1;
	}
	if (!iopt_area_contig_done(&iter)) {
		rc = -ENOENT;
		goto err_remove;
	}

	up_read(&iopt->iova_rwsem);
	mutex_unlock(&access->ioas_lock);
	return 0;

err_remove:
	/* Undo the areas pinned before the failing one. */
	if (iova < iter.cur_iova) {
		last_iova = iter.cur_iova - 1;
		iopt_for_each_contig_area(&iter, area, iopt, iova, last_iova)
			iopt_area_remove_access(
				area,
				iopt_area_iova_to_index(area, iter.cur_iova),
				iopt_area_iova_to_index(
					area, min(last_iova,
						  iopt_area_last_iova(area))),
				internal);
	}
	up_read(&iopt->iova_rwsem);
	mutex_unlock(&access->ioas_lock);
	return rc;
}

/**
 * iommufd_access_rw - read or write IOAS memory with the CPU
 * @access: the access
 * @iova: first IOVA
 * @data: kernel buffer
 * @length: bytes
 * @flags: IOMMUFD_ACCESS_RW_WRITE to write, IOMMUFD_ACCESS_RW_KTHREAD when
 *	the caller has no mm of its own
 *
 * Return: 0, -ENOENT (detached, or a hole), -EINVAL (area being unmapped),
 * -EPERM (permission), -EFAULT (the user memory is gone).
 */
int iommufd_access_rw(struct iommufd_access *access, unsigned long iova,
		      void *data, size_t length, unsigned int flags)
{
	struct iopt_area_contig_iter iter;
	struct io_pagetable *iopt;
	struct iopt_area *area;
	unsigned long last_iova;
	int rc = 0;

	if (!length)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last_iova))
		return -EOVERFLOW;

	mutex_lock(&access->ioas_lock);
	if (!access->ioas) {
		mutex_unlock(&access->ioas_lock);
		return -ENOENT;
	}
	iopt = &access->ioas->iopt;

	down_read(&iopt->iova_rwsem);
	iopt_for_each_contig_area(&iter, area, iopt, iova, last_iova) {
		unsigned long last = min(last_iova, iopt_area_last_iova(area));
		unsigned long bytes = (last - iter.cur_iova) + 1;

		if (area->prevent_access) {
			rc = -EINVAL;
			break;
		}

		if (!check_area_prot(area, flags)) {
			rc = -EPERM;
			break;
		}

		rc = iopt_pages_rw_access(
			area->pages, iopt_area_start_byte(area, iter.cur_iova),
			data, bytes, flags);
		if (rc)
			break;
		data += bytes;
	}
	if (!rc && !iopt_area_contig_done(&iter))
		rc = -ENOENT;

	up_read(&iopt->iova_rwsem);
	mutex_unlock(&access->ioas_lock);
	return rc;
}

int iommufd_get_hw_info(struct iommufd_ucmd *ucmd)
{
	const u32 supported_flags = IOMMU_HW_INFO_FLAG_INPUT_TYPE;
	struct iommu_hw_info *cmd = ucmd->cmd;
	void __user *user_ptr = u64_to_user_ptr(cmd->data_uptr);
	const struct iommu_ops *ops;
	struct iommufd_device *idev;
	unsigned int data_len;
	unsigned int copy_len;
	void *data;
	unsigned int i;
	int rc;

	if (cmd->flags & ~supported_flags)
		return -EOPNOTSUPP;
	for (i = 0; i < ARRAY_SIZE(cmd->__reserved); i++)
		if (cmd->__reserved[i])
			return -EOPNOTSUPP;
	/* Without the flag the input type is ignored. */
	if (!(cmd->flags & IOMMU_HW_INFO_FLAG_INPUT_TYPE))
		cmd->in_data_type = IOMMU_HW_INFO_TYPE_DEFAULT;

	idev = iommufd_get_device(ucmd, cmd->dev_id);
	if (IS_ERR(idev))
		return PTR_ERR(idev);

	ops = dev_iommu_ops(idev->dev);
	if (ops->hw_info) {
		data = ops->hw_info(idev->dev, &data_len, &cmd->out_data_type);
		if (IS_ERR(data)) {
			rc = PTR_ERR(data);
			goto out_put;
		}

		/* A driver with hw_info must have a type of its own. */
		if (WARN_ON_ONCE(cmd->out_data_type ==
				 IOMMU_HW_INFO_TYPE_NONE)) {
			rc = -EOPNOTSUPP;
			goto out_free;
		}
	} else {
		cmd->out_data_type = IOMMU_HW_INFO_TYPE_NONE;
		data_len = 0;
		data = NULL;
	}

	copy_len = min(cmd->data_len, data_len);
	if (copy_to_user(user_ptr, data, copy_len)) {
		rc = -EFAULT;
		goto out_free;
	}

	/* The rest of a larger user buffer is zeroed. */
	if (copy_len < cmd->data_len) {
		if (clear_user(user_ptr + copy_len, cmd->data_len - copy_len)) {
			rc = -EFAULT;
			goto out_free;
		}
	}

	/* The kernel's size goes back, so user space learns what exists. */
	cmd->data_len = data_len;

	cmd->out_capabilities = 0;
	if (device_iommu_capable(idev->dev, IOMMU_CAP_DIRTY_TRACKING))
		cmd->out_capabilities |= IOMMU_HW_CAP_DIRTY_TRACKING;

	/*
	 * A non-zero max_pasids means the driver enabled PASID for the
	 * device.  The PCI PASID exec/priv capabilities are reported for
	 * PCI devices only; mock devices are not.
	 */
	cmd->out_max_pasid_log2 = 0;
	if (idev->dev->iommu && idev->dev->iommu->max_pasids)
		cmd->out_max_pasid_log2 = ilog2(idev->dev->iommu->max_pasids);

	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
out_free:
	kfree(data);
out_put:
	iommufd_put_object(ucmd->ictx, &idev->obj);
	return rc;
}
