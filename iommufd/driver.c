// SPDX-License-Identifier: GPL-2.0
/*
 * driver.c - what the iommufd core offers IOMMU drivers that virtualise
 * their hardware (the kernel's iommufd_driver module).
 *
 * A driver's vIOMMU code runs inside iommufd ioctls (viommu_init, nested
 * domain allocation, cache invalidation, HW queue init) and from its own
 * hardware events.  From there it needs to translate between the guest's
 * device IDs and devices (vDEVICEs), to push events to user space
 * (vEVENTQs), to order the destruction of its HW queues, and to expose MMIO
 * pages through mmap() on the iommufd.  These helpers touch only what the
 * object structs carry, never the core's functions, so that this file is a
 * library of its own that an IOMMU driver (mock-iommu) can link without the
 * rest of iommufd, as the kernel's module split allows.
 *
 * Locking: iommufd_viommu_find_dev() runs under viommu->vdevs' xa_lock,
 * held by its caller, which keeps the vDEVICE (and so its device binding)
 * alive while the driver uses the device.  iommufd_viommu_report_event()
 * takes veventqs_rwsem for read and the queue's spinlock; it may be called
 * with driver locks held, but not from within iommufd callbacks that hold
 * veventqs_rwsem for write (there are none).
 */
#include <linux/bug.h>
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "iommufd_private.h"

/**
 * _iommufd_object_depend - make one object depend on another
 * @obj_dependent: the object that needs @obj_depended to stay
 * @obj_depended: the object that must outlive it
 *
 * Only between two objects of the same type, which the same driver created
 * (HW queues of one vIOMMU): the core never sees hidden edges between
 * types.  Depending on oneself would make the object undestroyable.
 *
 * Return: 0, or -EINVAL for a self or cross-type dependency.
 */
int _iommufd_object_depend(struct iommufd_object *obj_dependent,
			   struct iommufd_object *obj_depended)
{
	if (obj_dependent == obj_depended)
		return -EINVAL;
	if (obj_dependent->type != obj_depended->type)
		return -EINVAL;

	refcount_inc(&obj_depended->users);
	return 0;
}

/**
 * _iommufd_object_undepend - undo _iommufd_object_depend()
 * @obj_dependent: the dependent object
 * @obj_depended: the object it depended on
 */
void _iommufd_object_undepend(struct iommufd_object *obj_dependent,
			      struct iommufd_object *obj_depended)
{
	if (WARN_ON_ONCE(obj_dependent == obj_depended ||
			 obj_dependent->type != obj_depended->type))
		return;

	refcount_dec(&obj_depended->users);
}

/**
 * __iommufd_hw_queue_depend - iommufd_hw_queue_depend() on the core structs
 * @dependent: the queue that depends
 * @depended: the queue it depends on, of the same vIOMMU
 *
 * One dependency per queue (each queue depends on its predecessor).
 *
 * Return: 0, or -EINVAL.
 */
int __iommufd_hw_queue_depend(struct iommufd_hw_queue *dependent,
			      struct iommufd_hw_queue *depended)
{
	int rc;

	if (WARN_ON_ONCE(dependent->viommu != depended->viommu ||
			 dependent->kshim_depended))
		return -EINVAL;
	rc = _iommufd_object_depend(&dependent->obj, &depended->obj);
	if (rc)
		return rc;
	dependent->kshim_depended = depended;
	return 0;
}

/**
 * __iommufd_hw_queue_undepend - iommufd_hw_queue_undepend() on core structs
 * @dependent: the queue that depended
 * @depended: the queue it depended on
 */
void __iommufd_hw_queue_undepend(struct iommufd_hw_queue *dependent,
				 struct iommufd_hw_queue *depended)
{
	if (WARN_ON_ONCE(dependent->viommu != depended->viommu ||
			 dependent->kshim_depended != depended))
		return;
	_iommufd_object_undepend(&dependent->obj, &depended->obj);
	dependent->kshim_depended = NULL;
}

/**
 * _iommufd_alloc_mmap - register a region user space may mmap()
 * @ictx: the context whose fd will be mapped
 * @owner: the object owning the region; every mapping holds a @users on it
 * @mmio_addr: physical address of the region (page aligned)
 * @length: bytes (page aligned, non-zero)
 * @offset: receives the mmap offset of the region
 *
 * Offsets are allocated first-fit, lowest first, from PAGE_SIZE up: 0 is
 * never an offset, so a driver can use 0 for "no region".
 *
 * Return: 0, -EINVAL for an unaligned or empty region, -ENOMEM, -ENOSPC.
 */
int _iommufd_alloc_mmap(struct iommufd_ctx *ictx, struct iommufd_object *owner,
			phys_addr_t mmio_addr, size_t length,
			unsigned long *offset)
{
	struct list_head *before;
	struct iommufd_mmap *immap, *cur;
	unsigned long start = PAGE_SIZE;
	unsigned long last;

	if (!PAGE_ALIGNED(mmio_addr))
		return -EINVAL;
	if (!length || !PAGE_ALIGNED(length))
		return -EINVAL;

	immap = kzalloc(sizeof(*immap), GFP_KERNEL);
	if (!immap)
		return -ENOMEM;
	immap->owner = owner;
	immap->mmio_addr = mmio_addr;
	immap->length = length;

	mutex_lock(&ictx->mmaps_lock);
	/* The list is sorted by offset: take the first gap that fits. */
	before = &ictx->mmaps;
	list_for_each_entry(cur, &ictx->mmaps, node) {
		unsigned long cur_start = cur->vm_pgoff << PAGE_SHIFT;

		if (!check_add_overflow(start, length - 1, &last) &&
		    last < cur_start) {
			before = &cur->node;
			break;
		}
		start = cur_start + cur->length;
	}
	if (check_add_overflow(start, length - 1, &last)) {
		mutex_unlock(&ictx->mmaps_lock);
		kfree(immap);
		return -ENOSPC;
	}
	/* The mmap() syscall hands the offset over in pages. */
	immap->vm_pgoff = start >> PAGE_SHIFT;
	list_add_tail(&immap->node, before);
	mutex_unlock(&ictx->mmaps_lock);

	*offset = start;
	return 0;
}

/**
 * _iommufd_destroy_mmap - unregister a region of _iommufd_alloc_mmap()
 * @ictx: the context
 * @owner: the owner given at registration
 * @offset: the offset it returned
 *
 * Mappings of the region hold @owner, so none can exist when the owner
 * is being destroyed; new mmap() calls fail with -ENXIO from now on.
 */
void _iommufd_destroy_mmap(struct iommufd_ctx *ictx,
			   struct iommufd_object *owner, unsigned long offset)
{
	struct iommufd_mmap *immap, *found = NULL;

	mutex_lock(&ictx->mmaps_lock);
	list_for_each_entry(immap, &ictx->mmaps, node) {
		if (immap->vm_pgoff << PAGE_SHIFT == offset) {
			found = immap;
			break;
		}
	}
	if (!WARN_ON_ONCE(!found || found->owner != owner))
		list_del(&found->node);
	else
		found = NULL;
	mutex_unlock(&ictx->mmaps_lock);
	kfree(found);
}

/**
 * iommufd_viommu_find_dev - the device behind a guest device ID
 * @viommu: the vIOMMU
 * @vdev_id: the vDEVICE's virt_id
 *
 * The caller holds xa_lock(&viommu->vdevs) while it uses the device: a
 * vDEVICE leaves the array (under that lock) before it lets go of its
 * device.
 *
 * Return: the device, or NULL if no vDEVICE has that ID.
 */
struct device *iommufd_viommu_find_dev(struct iommufd_viommu *viommu,
				       unsigned long vdev_id)
{
	struct iommufd_vdevice *vdev;

	lockdep_assert_held(&viommu->vdevs.xa_lock);

	vdev = xa_load(&viommu->vdevs, vdev_id);
	return vdev ? vdev->idev->dev : NULL;
}

/**
 * iommufd_vdevice_to_device - the device a vDEVICE stands for
 * @vdev: the vDEVICE (alive: the caller is its vdevice_init or destroy, or
 *	  holds the vIOMMU's vdevs xa_lock)
 *
 * Return: the device.
 */
struct device *iommufd_vdevice_to_device(struct iommufd_vdevice *vdev)
{
	return vdev->idev->dev;
}

/**
 * iommufd_viommu_get_vdev_id - the guest device ID of a device
 * @viommu: the vIOMMU
 * @dev: a device that may have a vDEVICE on it
 * @vdev_id: receives the virt_id
 *
 * Return: 0, -ENOENT if @dev has no vDEVICE on @viommu.
 */
int iommufd_viommu_get_vdev_id(struct iommufd_viommu *viommu,
			       struct device *dev, unsigned long *vdev_id)
{
	struct iommufd_vdevice *vdev;
	unsigned long index;
	int rc = -ENOENT;

	if (WARN_ON_ONCE(!vdev_id))
		return -EINVAL;

	xa_lock(&viommu->vdevs);
	xa_for_each(&viommu->vdevs, index, vdev) {
		if (vdev->idev->dev == dev) {
			*vdev_id = vdev->virt_id;
			rc = 0;
			break;
		}
	}
	xa_unlock(&viommu->vdevs);
	return rc;
}

/*
 * Append @vevent (a new event, or the lost-events header) with the next
 * sequence number.  A lost-events header at the tail goes away first: a
 * new event after a loss is told by the gap in the sequence, and a
 * repeated loss moves the one header to the tail with the newest number.
 */
static void iommufd_vevent_queue(struct iommufd_veventq *veventq,
				 struct iommufd_vevent *vevent)
{
	struct iommufd_eventq *eventq = &veventq->common;

	lockdep_assert_held(&eventq->lock);

	if (!list_empty(&veventq->lost_events_header.node))
		list_del_init(&veventq->lost_events_header.node);
	list_add_tail(&vevent->node, &eventq->deliver);
	vevent->header.sequence = veventq->sequence;
	veventq->sequence = (veventq->sequence + 1) & INT_MAX;

	wake_up_interruptible(&eventq->wait_queue);
}

/**
 * iommufd_viommu_report_event - queue a driver event for user space
 * @viommu: the vIOMMU the event belongs to
 * @type: the vEVENTQ type (and so the payload format)
 * @event_data: the payload
 * @data_len: its bytes
 *
 * A full queue (depth events waiting), or no memory for the event, drops
 * it and queues the lost-events header instead.
 *
 * Return: 0 (also when the event was dropped because the queue was full),
 * -EOPNOTSUPP if @viommu has no vEVENTQ of @type, -ENOMEM if the event was
 * dropped for lack of memory, -EINVAL for an empty payload.
 */
int iommufd_viommu_report_event(struct iommufd_viommu *viommu,
				enum iommu_veventq_type type, void *event_data,
				size_t data_len)
{
	struct iommufd_veventq *veventq;
	struct iommufd_vevent *vevent;
	int rc = 0;

	if (WARN_ON_ONCE(!data_len || !event_data))
		return -EINVAL;

	down_read(&viommu->veventqs_rwsem);
	veventq = iommufd_viommu_find_veventq(viommu, type);
	if (!veventq) {
		rc = -EOPNOTSUPP;
		goto out_unlock_veventqs;
	}

	spin_lock(&veventq->common.lock);
	if (veventq->num_events == veventq->depth) {
		vevent = &veventq->lost_events_header;
		goto out_queue;
	}

	/* Drivers report from atomic context: no sleeping allocation. */
	vevent = kzalloc(struct_size(vevent, event_data,
				     DIV_ROUND_UP(data_len, sizeof(u64))),
			 GFP_ATOMIC);
	if (!vevent) {
		rc = -ENOMEM;
		vevent = &veventq->lost_events_header;
		goto out_queue;
	}
	memcpy(vevent->event_data, event_data, data_len);
	vevent->data_len = data_len;
	veventq->num_events++;

out_queue:
	iommufd_vevent_queue(veventq, vevent);
	spin_unlock(&veventq->common.lock);
out_unlock_veventqs:
	up_read(&viommu->veventqs_rwsem);
	return rc;
}
