// SPDX-License-Identifier: GPL-2.0
/*
 * The mock IOMMU's virtualisation hardware: its vIOMMU
 * (IOMMU_VIOMMU_TYPE_SELFTEST), vDEVICEs, nested domains allocated
 * through the vIOMMU, the per-device caches the guest invalidates by
 * virtual device ID, HW queues, the events a device raises to the guest,
 * and the two MMIO pages user space can mmap().
 *
 * The iommufd core allocates the driver structs below as its objects
 * (struct iommufd_viommu / iommufd_vdevice / iommufd_hw_queue at offset 0)
 * and calls back through mock_ops and mock_viommu_ops; what the driver
 * needs from the core it gets from the iommufd driver helpers (guest ID
 * lookups, event reports, queue dependencies, mmap regions).
 *
 * vIOMMU.  Created over a mock nest-parent paging domain (its stage 2).
 * With driver data (struct iommu_viommu_selftest, at least in_data and
 * out_data): out_data echoes in_data, and two zeroed pages are registered
 * for mmap whose first u32 is in_data; their offset and length are
 * returned.
 *
 * Cache invalidation through the vIOMMU names devices by guest ID: each
 * entry zeroes one cache slot (or all four) of the device whose vDEVICE
 * has that virt_id on this vIOMMU.
 *
 * HW queues.  Index 0 and 1; index 1 needs index 0 and depends on it (so
 * queue 0 cannot be destroyed before queue 1); the physical address the
 * core computed must be what the stage 2 translates the queue's base to.
 *
 * Events.  A device attached (RID) to a nested domain of a vIOMMU is
 * linked to that vIOMMU with its guest ID (mock_dev_attach());
 * mock_dev_trigger_vevent() reports a selftest event {virt_id} there.
 */
#include <linux/bug.h>
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "mock.h"

/* Two pages: enough to check that a mapping covers more than one. */
#define MOCK_VIOMMU_MMIO_ORDER	1

/**
 * struct mock_hw_queue - one HW queue of a mock vIOMMU
 * @core: the iommufd object (first)
 * @mock_viommu: its vIOMMU
 * @prev: the queue of the index below, which this one depends on
 * @index: its index
 * @base_pa: where the hardware reads the queue
 */
struct mock_hw_queue {
	struct iommufd_hw_queue core;
	struct mock_viommu *mock_viommu;
	struct mock_hw_queue *prev;
	u32 index;
	phys_addr_t base_pa;
};

static struct mock_hw_queue *to_mock_hw_queue(struct iommufd_hw_queue *q)
{
	return container_of(q, struct mock_hw_queue, core);
}

/**
 * struct mock_vdevice - a mock device's identity on a mock vIOMMU
 * @core: the iommufd object (first)
 * @mdev: the device
 */
struct mock_vdevice {
	struct iommufd_vdevice core;
	struct mock_dev *mdev;
};

static struct mock_vdevice *to_mock_vdevice(struct iommufd_vdevice *vdev)
{
	return container_of(vdev, struct mock_vdevice, core);
}

/* ---- vIOMMU ops ------------------------------------------------------ */

static void mock_viommu_destroy(struct iommufd_viommu *viommu)
{
	struct mock_viommu *mock_viommu = to_mock_viommu(viommu);
	int i;

	/* Every queue holds the vIOMMU: none can be left. */
	for (i = 0; i < IOMMU_TEST_HW_QUEUE_MAX; i++)
		WARN_ON(mock_viommu->hw_queue[i]);
	if (mock_viommu->mmap_offset)
		iommufd_viommu_destroy_mmap(viommu, mock_viommu->mmap_offset);
	if (mock_viommu->mmio)
		__free_pages(mock_viommu->mmio, MOCK_VIOMMU_MMIO_ORDER);
	mutex_destroy(&mock_viommu->queue_mutex);
	/* The core frees the struct. */
}

static struct iommu_domain *
mock_viommu_alloc_domain_nested(struct iommufd_viommu *viommu, u32 flags,
				const struct iommu_user_data *user_data)
{
	struct mock_viommu *mock_viommu = to_mock_viommu(viommu);
	struct mock_iommu_domain_nested *nested;

	nested = mock_nested_alloc(&mock_viommu->s2_parent->domain, flags,
				   user_data);
	if (IS_ERR(nested))
		return ERR_CAST(nested);
	nested->mock_viommu = mock_viommu;
	return &nested->domain;
}

/*
 * Entries are handled one by one, in order; the first bad one stops the
 * call and entry_num reports how many were done.
 */
static int mock_viommu_cache_invalidate(struct iommufd_viommu *viommu,
					struct iommu_user_data_array *array)
{
	struct iommu_viommu_invalidate_selftest inv;
	u32 done = 0;
	int rc = 0;

	/* No entries: a probe of whether the type is supported. */
	if (!array->entry_num) {
		if (array->type != IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST)
			rc = -EINVAL;
		goto out;
	}

	for (; done < array->entry_num; done++) {
		struct mock_dev *mdev;
		struct device *dev;

		rc = iommu_copy_struct_from_user_array(
			&inv, array, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
			done, cache_id);
		if (rc)
			break;
		if (inv.flags & ~IOMMU_TEST_INVALIDATE_FLAG_ALL) {
			rc = -EOPNOTSUPP;
			break;
		}
		if (inv.cache_id > MOCK_DEV_CACHE_ID_MAX) {
			rc = -EINVAL;
			break;
		}

		/* The vDEVICE (and its device) stays while xa_lock is held. */
		xa_lock(&viommu->vdevs);
		dev = iommufd_viommu_find_dev(viommu, inv.vdev_id);
		if (!dev) {
			xa_unlock(&viommu->vdevs);
			rc = -EINVAL;
			break;
		}
		mdev = to_mock_dev(dev);
		mock_dev_cache_invalidate(
			mdev, inv.cache_id,
			inv.flags & IOMMU_TEST_INVALIDATE_FLAG_ALL);
		xa_unlock(&viommu->vdevs);
	}
out:
	array->entry_num = done;
	return rc;
}

static void mock_vdevice_destroy(struct iommufd_vdevice *vdev)
{
	struct mock_dev *mdev = to_mock_vdevice(vdev)->mdev;

	spin_lock(&mdev->prq_lock);
	WARN_ON(!mdev->vdevs);
	mdev->vdevs--;
	spin_unlock(&mdev->prq_lock);
}

/* The hardware learns the device's guest ID (a stream table entry). */
static int mock_vdevice_init(struct iommufd_vdevice *vdev)
{
	struct mock_vdevice *mock_vdev = to_mock_vdevice(vdev);
	struct mock_dev *mdev = to_mock_dev(iommufd_vdevice_to_device(vdev));

	mock_vdev->mdev = mdev;
	spin_lock(&mdev->prq_lock);
	mdev->vdevs++;
	spin_unlock(&mdev->prq_lock);
	vdev->destroy = mock_vdevice_destroy;
	return 0;
}

static size_t mock_get_hw_queue_size(struct iommufd_viommu *viommu,
				     enum iommu_hw_queue_type queue_type)
{
	if (queue_type !=
	    (enum iommu_hw_queue_type)IOMMU_HW_QUEUE_TYPE_SELFTEST)
		return 0;
	return HW_QUEUE_STRUCT_SIZE(struct mock_hw_queue, core);
}

static void mock_hw_queue_destroy(struct iommufd_hw_queue *hw_queue)
{
	struct mock_hw_queue *mock_hw_queue = to_mock_hw_queue(hw_queue);
	struct mock_viommu *mock_viommu = mock_hw_queue->mock_viommu;

	mutex_lock(&mock_viommu->queue_mutex);
	mock_viommu->hw_queue[mock_hw_queue->index] = NULL;
	if (mock_hw_queue->prev)
		iommufd_hw_queue_undepend(mock_hw_queue, mock_hw_queue->prev,
					  core);
	mutex_unlock(&mock_viommu->queue_mutex);
}

static int mock_hw_queue_init_phys(struct iommufd_hw_queue *hw_queue,
				   u32 index, phys_addr_t base_addr_pa)
{
	struct mock_viommu *mock_viommu = to_mock_viommu(hw_queue->viommu);
	struct mock_hw_queue *mock_hw_queue = to_mock_hw_queue(hw_queue);
	struct mock_hw_queue *prev = NULL;
	int rc = 0;

	if (index >= IOMMU_TEST_HW_QUEUE_MAX)
		return -EINVAL;

	mutex_lock(&mock_viommu->queue_mutex);
	if (mock_viommu->hw_queue[index]) {
		rc = -EEXIST;
		goto out_unlock;
	}
	if (index) {
		prev = mock_viommu->hw_queue[index - 1];
		if (!prev) {
			rc = -EIO;
			goto out_unlock;
		}
	}

	/*
	 * The hardware reads the queue at @base_addr_pa: it must be where
	 * stage 2 puts the queue's guest address, or the core converted it
	 * wrongly.
	 */
	if (base_addr_pa != iommu_iova_to_phys(&mock_viommu->s2_parent->domain,
					       hw_queue->base_addr)) {
		rc = -EFAULT;
		goto out_unlock;
	}

	if (prev) {
		rc = iommufd_hw_queue_depend(mock_hw_queue, prev, core);
		if (rc)
			goto out_unlock;
	}

	mock_hw_queue->prev = prev;
	mock_hw_queue->mock_viommu = mock_viommu;
	mock_hw_queue->index = index;
	mock_hw_queue->base_pa = base_addr_pa;
	mock_viommu->hw_queue[index] = mock_hw_queue;
	/* Only a queue that was set up has anything to undo. */
	hw_queue->destroy = mock_hw_queue_destroy;
out_unlock:
	mutex_unlock(&mock_viommu->queue_mutex);
	return rc;
}

static const struct iommufd_viommu_ops mock_viommu_ops = {
	.destroy = mock_viommu_destroy,
	.alloc_domain_nested = mock_viommu_alloc_domain_nested,
	.cache_invalidate = mock_viommu_cache_invalidate,
	.vdevice_size = VDEVICE_STRUCT_SIZE(struct mock_vdevice, core),
	.vdevice_init = mock_vdevice_init,
	.get_hw_queue_size = mock_get_hw_queue_size,
	.hw_queue_init_phys = mock_hw_queue_init_phys,
};

/* ---- iommu_ops ------------------------------------------------------- */

/**
 * mock_get_viommu_size() - iommu_ops.get_viommu_size
 * @dev: a mock device
 * @viommu_type: the requested type
 *
 * Return: the size of struct mock_viommu for the selftest type, else 0.
 */
size_t mock_get_viommu_size(struct device *dev,
			    enum iommu_viommu_type viommu_type)
{
	if (viommu_type != (enum iommu_viommu_type)IOMMU_VIOMMU_TYPE_SELFTEST)
		return 0;
	return VIOMMU_STRUCT_SIZE(struct mock_viommu, core);
}

/*
 * The driver data: echo in_data, and register two MMIO pages, the first
 * u32 of which reads as in_data.
 */
static int mock_viommu_init_data(struct mock_viommu *mock_viommu,
				 const struct iommu_user_data *user_data)
{
	struct iommu_viommu_selftest data;
	int rc;

	rc = iommu_copy_struct_from_user(&data, user_data,
					 IOMMU_VIOMMU_TYPE_SELFTEST, out_data);
	if (rc)
		return rc;

	mock_viommu->mmio = alloc_pages(GFP_KERNEL | __GFP_ZERO,
					MOCK_VIOMMU_MMIO_ORDER);
	if (!mock_viommu->mmio)
		return -ENOMEM;

	rc = iommufd_viommu_alloc_mmap(&mock_viommu->core,
				       page_to_phys(mock_viommu->mmio),
				       PAGE_SIZE << MOCK_VIOMMU_MMIO_ORDER,
				       &mock_viommu->mmap_offset);
	if (rc)
		goto err_free;

	*(u32 *)page_address(mock_viommu->mmio) = data.in_data;
	data.out_data = data.in_data;
	data.out_mmap_offset = mock_viommu->mmap_offset;
	data.out_mmap_length = PAGE_SIZE << MOCK_VIOMMU_MMIO_ORDER;
	rc = iommu_copy_struct_to_user(user_data, &data,
				       IOMMU_VIOMMU_TYPE_SELFTEST, out_data);
	if (rc)
		goto err_destroy_mmap;
	return 0;

err_destroy_mmap:
	iommufd_viommu_destroy_mmap(&mock_viommu->core,
				    mock_viommu->mmap_offset);
	mock_viommu->mmap_offset = 0;
err_free:
	__free_pages(mock_viommu->mmio, MOCK_VIOMMU_MMIO_ORDER);
	mock_viommu->mmio = NULL;
	return rc;
}

/**
 * mock_viommu_init() - iommu_ops.viommu_init
 * @viommu: the core's vIOMMU, inside a struct mock_viommu
 * @parent_domain: the nest parent, a mock paging domain
 * @user_data: struct iommu_viommu_selftest, or NULL
 *
 * Return: 0, -EINVAL (parent, short data), -E2BIG, -EFAULT, -ENOMEM.
 */
int mock_viommu_init(struct iommufd_viommu *viommu,
		     struct iommu_domain *parent_domain,
		     const struct iommu_user_data *user_data)
{
	struct mock_viommu *mock_viommu = to_mock_viommu(viommu);
	int rc;

	if (parent_domain->ops != &mock_paging_ops)
		return -EINVAL;

	if (user_data) {
		rc = mock_viommu_init_data(mock_viommu, user_data);
		if (rc)
			return rc;
	}

	mutex_init(&mock_viommu->queue_mutex);
	mock_viommu->s2_parent = to_mock_domain(parent_domain);
	viommu->ops = &mock_viommu_ops;
	return 0;
}

/* ---- device events ---------------------------------------------------- */

int mock_dev_trigger_vevent(struct mock_dev *mdev)
{
	struct iommu_viommu_event_selftest event = {};
	int rc = -ENOENT;

	down_read(&mdev->viommu_sem);
	if (mdev->viommu) {
		event.virt_id = mdev->vdev_id;
		rc = iommufd_viommu_report_event(
			&mdev->viommu->core,
			(enum iommu_veventq_type)IOMMU_VEVENTQ_TYPE_SELFTEST,
			&event, sizeof(event));
	}
	up_read(&mdev->viommu_sem);
	return rc;
}
