// SPDX-License-Identifier: GPL-2.0
/*
 * The mock IOMMU driver: its iommu_ops, its one IOMMU instance, mock
 * devices and their DMA engine.
 *
 * Devices: a mock device is a struct device added on the simulator's one
 * bus; the core probes it through mock_ops (probe_device accepts only mock
 * devices), puts it in its own group (or a sibling's, on request) and
 * attaches the driver's static blocking domain, which is also the default
 * domain, as in the kernel mock.  Capabilities: cache coherency, and dirty
 * tracking unless MOCK_FLAGS_DEVICE_NO_DIRTY; a PASID device has 20 PASID
 * bits.  hw_info is the selftest record.
 *
 * Attach: the driver keeps, per device, the domain of the RID and of each
 * PASID, switched under the device's dma_sem (write) so a DMA in flight
 * finishes on the old domain and the next one starts on the new.  A device
 * is on the driver's iopf queue while at least one attached domain has an
 * iopf handler (the newest kernels enable IOPF at attach time); leaving
 * the queue answers its pending page requests INVALID.
 *
 * DMA: see mock_dev_dma_read().  A page request carries a 9-bit group ID
 * (PCIe PRI); the DMA waits on a completion, with a timeout, for the
 * page_response() that carries its group ID.
 */
#include <string.h>
#include <linux/bug.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <kshim/world.h>
#include "mock.h"

#define MOCK_PRQ_GRPID_MASK	0x1ff
#define MOCK_PRQ_TIMEOUT_MS	10000

/*
 * The driver's one instance.  The iopf queue exists while a device is on
 * it (@iopf_users devices): the kernel mock allocates it at module init,
 * but a module's state must not look like a leak to a world's audit.
 */
static struct {
	struct iommu_device iommu_dev;
	bool registered;
	struct mutex lock;		/* @devices, @iopf_queue, @iopf_users */
	struct list_head devices;	/* sorted by id */
	struct iopf_queue *iopf_queue;
	unsigned int iopf_users;
} mock_iommu;

static void mock_dev_release(struct device *dev);
static void mock_iopf_queue_leave(struct mock_dev *mdev);

/* ---- iommu_ops --------------------------------------------------------- */

static bool mock_capable(struct device *dev, enum iommu_cap cap)
{
	struct mock_dev *mdev = to_mock_dev(dev);

	switch (cap) {
	case IOMMU_CAP_CACHE_COHERENCY:
		return true;
	case IOMMU_CAP_DIRTY_TRACKING:
		return !(mdev->flags & MOCK_FLAGS_DEVICE_NO_DIRTY);
	default:
		return false;
	}
}

static void *mock_hw_info(struct device *dev, u32 *length,
			  enum iommu_hw_info_type *type)
{
	struct iommu_test_hw_info *info;

	if (*type != IOMMU_HW_INFO_TYPE_DEFAULT &&
	    *type != (enum iommu_hw_info_type)IOMMU_HW_INFO_TYPE_SELFTEST)
		return ERR_PTR(-EOPNOTSUPP);
	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return ERR_PTR(-ENOMEM);
	info->flags = 0;
	info->test_reg = IOMMU_HW_INFO_SELFTEST_REGVAL;
	*length = sizeof(*info);
	*type = (enum iommu_hw_info_type)IOMMU_HW_INFO_TYPE_SELFTEST;
	return info;
}

static struct iommu_device *mock_probe_device(struct device *dev)
{
	if (dev->release != mock_dev_release)
		return ERR_PTR(-ENODEV);
	return &mock_iommu.iommu_dev;
}

static void mock_release_device(struct device *dev)
{
	struct mock_dev *mdev = to_mock_dev(dev);

	/* The core WARNed already if the device was still on the queue. */
	down_write(&mdev->dma_sem);
	if (mdev->iopf_refcount) {
		mdev->iopf_refcount = 0;
		mock_iopf_queue_leave(mdev);
	}
	up_write(&mdev->dma_sem);

	down_write(&mdev->viommu_sem);
	mdev->viommu = NULL;
	mdev->vdev_id = 0;
	up_write(&mdev->viommu_sem);
}

static struct iommu_group *mock_device_group(struct device *dev)
{
	struct mock_dev *mdev = to_mock_dev(dev);
	struct iommu_group *group;

	if (!mdev->share_group)
		return generic_device_group(dev);
	group = iommu_group_get(&mdev->share_group->dev);
	return group ? group : ERR_PTR(-ENODEV);
}

static void mock_get_resv_regions(struct device *dev, struct list_head *head)
{
	struct mock_dev *mdev = to_mock_dev(dev);
	struct iommu_resv_region *r, *region;

	list_for_each_entry(r, &mdev->resv_regions, list) {
		region = iommu_alloc_resv_region(r->start, r->length, r->prot,
						 r->type, GFP_KERNEL);
		if (!region)
			return;
		list_add_tail(&region->list, head);
	}
}

static void mock_page_response(struct device *dev, struct iopf_fault *evt,
			       struct iommu_page_response *msg)
{
	struct mock_dev *mdev = to_mock_dev(dev);
	struct mock_prq_waiter *w;

	spin_lock(&mdev->prq_lock);
	mdev->last_response = msg->code;
	mdev->responses++;
	list_for_each_entry(w, &mdev->prq_waiters, node) {
		if (w->grpid == msg->grpid && w->pasid == msg->pasid) {
			w->code = msg->code;
			w->answered = true;
			list_del_init(&w->node);
			complete(&w->done);
			break;
		}
	}
	spin_unlock(&mdev->prq_lock);
}

const struct iommu_ops mock_ops = {
	.capable = mock_capable,
	.hw_info = mock_hw_info,
	.domain_alloc_paging_flags = mock_domain_alloc_paging_flags,
	.domain_alloc_nested = mock_domain_alloc_nested,
	.get_viommu_size = mock_get_viommu_size,
	.viommu_init = mock_viommu_init,
	.probe_device = mock_probe_device,
	.release_device = mock_release_device,
	.device_group = mock_device_group,
	.get_resv_regions = mock_get_resv_regions,
	.page_response = mock_page_response,
	.default_domain_ops = &mock_paging_ops,
	.user_pasid_table = true,
	.blocked_domain = &mock_blocking_domain,
	.default_domain = &mock_blocking_domain,
	.pgsize_bitmap = PAGE_SIZE / 2,
};

/* ---- attach ------------------------------------------------------------ */

/* Put @mdev on the driver's iopf queue, creating the queue if needed. */
static int mock_iopf_queue_join(struct mock_dev *mdev)
{
	int rc;

	mutex_lock(&mock_iommu.lock);
	if (!mock_iommu.iopf_queue) {
		mock_iommu.iopf_queue = iopf_queue_alloc("mock-iopfq");
		if (!mock_iommu.iopf_queue) {
			rc = -ENOMEM;
			goto out_unlock;
		}
	}
	rc = iopf_queue_add_device(mock_iommu.iopf_queue, &mdev->dev);
	if (!rc)
		mock_iommu.iopf_users++;
	else if (!mock_iommu.iopf_users)
		goto out_free;
out_unlock:
	mutex_unlock(&mock_iommu.lock);
	return rc;

out_free:
	iopf_queue_free(mock_iommu.iopf_queue);
	mock_iommu.iopf_queue = NULL;
	mutex_unlock(&mock_iommu.lock);
	return rc;
}

/* Take @mdev off the queue (answering its pending requests INVALID). */
static void mock_iopf_queue_leave(struct mock_dev *mdev)
{
	mutex_lock(&mock_iommu.lock);
	iopf_queue_remove_device(mock_iommu.iopf_queue, &mdev->dev);
	if (!--mock_iommu.iopf_users) {
		iopf_queue_free(mock_iommu.iopf_queue);
		mock_iommu.iopf_queue = NULL;
	}
	mutex_unlock(&mock_iommu.lock);
}

/* The device joins the iopf queue with its first fault-capable domain. */
static int mock_dev_iopf_get(struct mock_dev *mdev, struct iommu_domain *domain)
{
	int rc;

	if (!domain || !domain->iopf_handler)
		return 0;
	if (!mdev->iopf_refcount) {
		rc = mock_iopf_queue_join(mdev);
		if (rc)
			return rc;
	}
	mdev->iopf_refcount++;
	return 0;
}

static void mock_dev_iopf_put(struct mock_dev *mdev, struct iommu_domain *domain)
{
	if (!domain || !domain->iopf_handler)
		return;
	if (WARN_ON(!mdev->iopf_refcount))
		return;
	if (!--mdev->iopf_refcount)
		mock_iopf_queue_leave(mdev);
}

static struct iommu_domain *mock_dev_domain_locked(struct mock_dev *mdev,
						   ioasid_t pasid)
{
	if (pasid == IOMMU_NO_PASID)
		return mdev->domain;
	return xa_load(&mdev->pasid_domains, pasid);
}

/*
 * Point the RID or @pasid at @new.  Called under the group mutex; the
 * switch itself happens under dma_sem so no DMA straddles it.
 */
static int mock_dev_update_domain(struct mock_dev *mdev, ioasid_t pasid,
				  struct iommu_domain *new)
{
	struct iommu_domain *old;
	int rc = 0;

	iommu_group_mutex_assert(&mdev->dev);
	old = mock_dev_domain_locked(mdev, pasid);
	if (old == new)
		return 0;

	/*
	 * The iopf queue membership changes with the domain, under the same
	 * lock: a DMA that reports a fault holds dma_sem for read, so the
	 * domain it saw and the device's queue membership agree.
	 */
	down_write(&mdev->dma_sem);
	rc = mock_dev_iopf_get(mdev, new);
	if (rc)
		goto out_unlock;
	if (pasid == IOMMU_NO_PASID) {
		mdev->domain = new;
	} else if (new->type == IOMMU_DOMAIN_BLOCKED) {
		xa_erase(&mdev->pasid_domains, pasid);
	} else {
		void *curr = xa_store(&mdev->pasid_domains, pasid, new,
				      GFP_KERNEL);

		if (xa_is_err(curr)) {
			rc = xa_err(curr);
			mock_dev_iopf_put(mdev, new);
			goto out_unlock;
		}
	}
	mock_dev_iopf_put(mdev, old);
out_unlock:
	up_write(&mdev->dma_sem);
	return rc;
}

/**
 * mock_dev_attach() - iommu_domain_ops.attach_dev of every mock domain
 * @domain: the new domain of the device's RID
 * @dev: a mock device
 *
 * Attaching to a nested domain of a vIOMMU links the device to that
 * vIOMMU with its vDEVICE's guest ID (TRIGGER_VEVENT reports through the
 * link); any other attach unlinks it.
 *
 * Return: 0, -EINVAL for a dirty-tracking domain on a NO_DIRTY device, the
 * error armed by mock_dev_fail_next_attach(), -ENOENT for a vIOMMU's
 * nested domain when the device has no vDEVICE there, or an iopf queue
 * error.
 */
int mock_dev_attach(struct iommu_domain *domain, struct device *dev)
{
	struct mock_dev *mdev = to_mock_dev(dev);
	struct mock_viommu *viommu = NULL;
	unsigned long vdev_id = 0;
	int rc;

	if (domain->dirty_ops && (mdev->flags & MOCK_FLAGS_DEVICE_NO_DIRTY))
		return -EINVAL;
	if (domain->type != IOMMU_DOMAIN_BLOCKED && mdev->attach_fail_err) {
		int err = mdev->attach_fail_err;

		mdev->attach_fail_err = 0;
		return err;
	}

	/*
	 * A nested domain of a vIOMMU: the device must have a vDEVICE there,
	 * whose guest ID the device's events will carry.
	 */
	if (domain->type == IOMMU_DOMAIN_NESTED &&
	    to_mock_nested(domain)->mock_viommu) {
		viommu = to_mock_nested(domain)->mock_viommu;
		rc = iommufd_viommu_get_vdev_id(&viommu->core, dev, &vdev_id);
		if (rc)
			return rc;
	}

	rc = mock_dev_update_domain(mdev, IOMMU_NO_PASID, domain);
	if (rc)
		return rc;

	down_write(&mdev->viommu_sem);
	mdev->viommu = viommu;
	mdev->vdev_id = vdev_id;
	up_write(&mdev->viommu_sem);
	return 0;
}

/**
 * mock_dev_set_pasid() - iommu_domain_ops.set_dev_pasid of every mock domain
 * @domain: the new domain of @pasid (the blocking domain detaches)
 * @dev: a mock device
 * @pasid: the PASID
 * @old: the domain there now (unused)
 *
 * Return: 0, -ENOMEM (the reserved PASID's armed failure, or no memory).
 */
int mock_dev_set_pasid(struct iommu_domain *domain, struct device *dev,
		       ioasid_t pasid, struct iommu_domain *old)
{
	struct mock_dev *mdev = to_mock_dev(dev);

	/*
	 * IOMMU_TEST_PASID_RESERVED alternates so that the core's rollback
	 * runs: a successful attach arms a failure of the next attach or
	 * replace to a real domain; blocking disarms it.
	 */
	if (pasid == IOMMU_TEST_PASID_RESERVED) {
		if (domain->type == IOMMU_DOMAIN_BLOCKED) {
			mdev->pasid_1024_fake_error = false;
		} else if (mdev->pasid_1024_fake_error) {
			mdev->pasid_1024_fake_error = false;
			return -ENOMEM;
		} else {
			mdev->pasid_1024_fake_error = true;
		}
	}
	return mock_dev_update_domain(mdev, pasid, domain);
}

/* ---- the driver ---------------------------------------------------- */

int mock_iommu_init(void)
{
	int rc;

	if (mock_iommu.registered)
		return -EBUSY;
	mock_iommu.iommu_dev.max_pasids = 1U << MOCK_PASID_WIDTH;
	rc = iommu_device_register(&mock_iommu.iommu_dev, &mock_ops, NULL);
	if (rc)
		return rc;
	mock_iommu.registered = true;
	return 0;
}

void mock_iommu_exit(void)
{
	if (WARN_ON(!mock_iommu.registered))
		return;
	mutex_lock(&mock_iommu.lock);
	WARN(!list_empty(&mock_iommu.devices) || mock_iommu.iopf_users,
	     "mock IOMMU unregistered with mock devices left\n");
	mutex_unlock(&mock_iommu.lock);
	iommu_device_unregister(&mock_iommu.iommu_dev);
	mock_iommu.registered = false;
}

/* ---- devices ------------------------------------------------------- */

static void mock_dev_release(struct device *dev)
{
	struct mock_dev *mdev = to_mock_dev(dev);
	struct iommu_resv_region *r, *next;

	mutex_lock(&mock_iommu.lock);
	list_del(&mdev->node);
	mutex_unlock(&mock_iommu.lock);
	list_for_each_entry_safe(r, next, &mdev->resv_regions, list)
		kfree(r);
	WARN_ON(!xa_empty(&mdev->pasid_domains));
	xa_destroy(&mdev->pasid_domains);
	WARN_ON(!list_empty(&mdev->prq_waiters));
	WARN(mdev->vdevs, "mock device released with %u vDEVICE(s)\n",
	     mdev->vdevs);
	kshim_rwsem_destroy(&mdev->viommu_sem);
	kshim_rwsem_destroy(&mdev->dma_sem);
	kshim_spin_lock_destroy(&mdev->prq_lock);
	kfree(mdev);
}

/* Give @mdev the lowest free id and put it on the list. */
static void mock_dev_add_to_list(struct mock_dev *mdev)
{
	struct list_head *before = &mock_iommu.devices;
	struct mock_dev *pos;
	unsigned int id = 0;

	mutex_lock(&mock_iommu.lock);
	list_for_each_entry(pos, &mock_iommu.devices, node) {
		if (pos->id != id) {
			before = &pos->node;
			break;
		}
		id++;
	}
	mdev->id = id;
	list_add_tail(&mdev->node, before);
	mutex_unlock(&mock_iommu.lock);
}

struct mock_dev *mock_dev_create_opts(const struct mock_dev_opts *opts)
{
	const u32 known = MOCK_FLAGS_DEVICE_NO_DIRTY |
			  MOCK_FLAGS_DEVICE_HUGE_IOVA |
			  MOCK_FLAGS_DEVICE_PASID;
	const struct mock_pt_cfg *cfg;
	struct mock_dev *mdev;
	int i, rc;

	if (opts->flags & ~known)
		return ERR_PTR(-EINVAL);
	if (opts->pt_cfg)
		cfg = opts->pt_cfg;
	else if (opts->flags & MOCK_FLAGS_DEVICE_HUGE_IOVA)
		cfg = &mock_pt_cfg_huge;
	else
		cfg = &mock_pt_cfg_default;
	if (mock_pt_check_cfg(cfg))
		return ERR_PTR(-EINVAL);
	if (!mock_iommu.registered)
		return ERR_PTR(-ENODEV);

	mdev = kzalloc(sizeof(*mdev), GFP_KERNEL);
	if (!mdev)
		return ERR_PTR(-ENOMEM);
	mdev->flags = opts->flags;
	mdev->pt_cfg = *cfg;
	mdev->share_group = opts->share_group_with;
	init_rwsem(&mdev->dma_sem);
	init_rwsem(&mdev->viommu_sem);
	xa_init(&mdev->pasid_domains);
	spin_lock_init(&mdev->prq_lock);
	INIT_LIST_HEAD(&mdev->prq_waiters);
	INIT_LIST_HEAD(&mdev->resv_regions);
	mdev->prq_timeout = msecs_to_jiffies(MOCK_PRQ_TIMEOUT_MS);
	for (i = 0; i < MOCK_DEV_CACHE_NUM; i++)
		mdev->cache[i] = IOMMU_TEST_DEV_CACHE_DEFAULT;
	mock_dev_add_to_list(mdev);

	mdev->dev.release = mock_dev_release;
	if (opts->flags & MOCK_FLAGS_DEVICE_PASID)
		mdev->dev.kshim_pasid_num_bits = MOCK_PASID_WIDTH;
	device_initialize(&mdev->dev);
	rc = dev_set_name(&mdev->dev, "iommufd_mock%u", mdev->id);
	if (rc)
		goto err_put;
	rc = device_add(&mdev->dev);
	if (rc)
		goto err_put;
	if (WARN_ON(!mdev->dev.iommu_group)) {
		device_del(&mdev->dev);
		rc = -ENODEV;
		goto err_put;
	}
	return mdev;

err_put:
	put_device(&mdev->dev);
	return ERR_PTR(rc);
}

struct mock_dev *mock_dev_create(u32 flags)
{
	struct mock_dev_opts opts = { .flags = flags };

	return mock_dev_create_opts(&opts);
}

void mock_dev_destroy(struct mock_dev *mdev)
{
	device_unregister(&mdev->dev);
}

struct device *mock_dev_device(struct mock_dev *mdev)
{
	return &mdev->dev;
}

struct mock_dev *mock_dev_from_device(struct device *dev)
{
	if (!dev || dev->release != mock_dev_release)
		return NULL;
	return to_mock_dev(dev);
}

unsigned int mock_dev_id(struct mock_dev *mdev)
{
	return mdev->id;
}

u32 mock_dev_flags(struct mock_dev *mdev)
{
	return mdev->flags;
}

int mock_dev_add_resv_region(struct mock_dev *mdev, phys_addr_t start,
			     size_t length, int prot,
			     enum iommu_resv_type type)
{
	struct iommu_resv_region *region;

	region = iommu_alloc_resv_region(start, length, prot, type,
					 GFP_KERNEL);
	if (!region)
		return -ENOMEM;
	list_add_tail(&region->list, &mdev->resv_regions);
	return 0;
}

void mock_dev_fail_next_attach(struct mock_dev *mdev, int err)
{
	mdev->attach_fail_err = err;
}

struct iommu_domain *mock_dev_domain(struct mock_dev *mdev, ioasid_t pasid)
{
	struct iommu_domain *domain;

	down_read(&mdev->dma_sem);
	domain = mock_dev_domain_locked(mdev, pasid);
	up_read(&mdev->dma_sem);
	return domain;
}

int mock_dev_cache_get(struct mock_dev *mdev, u32 id, u32 *val)
{
	if (id > MOCK_DEV_CACHE_ID_MAX)
		return -EINVAL;
	spin_lock(&mdev->prq_lock);
	*val = mdev->cache[id];
	spin_unlock(&mdev->prq_lock);
	return 0;
}

int mock_dev_cache_invalidate(struct mock_dev *mdev, u32 id, bool all)
{
	int i;

	if (!all && id > MOCK_DEV_CACHE_ID_MAX)
		return -EINVAL;
	spin_lock(&mdev->prq_lock);
	for (i = 0; i < MOCK_DEV_CACHE_NUM; i++)
		if (all || i == id)
			mdev->cache[i] = 0;
	spin_unlock(&mdev->prq_lock);
	return 0;
}

/* ---- DMA ---------------------------------------------------------------- */

void mock_dev_set_prq_timeout(struct mock_dev *mdev, unsigned int msecs)
{
	spin_lock(&mdev->prq_lock);
	mdev->prq_timeout = msecs_to_jiffies(msecs);
	spin_unlock(&mdev->prq_lock);
}

void mock_dev_last_fault(struct mock_dev *mdev, struct mock_dma_fault *fault)
{
	spin_lock(&mdev->prq_lock);
	*fault = mdev->last_fault;
	spin_unlock(&mdev->prq_lock);
}

u32 mock_dev_last_page_response(struct mock_dev *mdev, unsigned long *count)
{
	u32 code;

	spin_lock(&mdev->prq_lock);
	code = mdev->last_response;
	if (count)
		*count = mdev->responses;
	spin_unlock(&mdev->prq_lock);
	return code;
}

static void mock_dev_record_fault(struct mock_dev *mdev, ioasid_t pasid,
				  unsigned long iova, bool write,
				  const struct mock_xlate *x)
{
	spin_lock(&mdev->prq_lock);
	mdev->last_fault.count++;
	mdev->last_fault.iova = iova;
	mdev->last_fault.pasid = pasid;
	mdev->last_fault.write = write;
	mdev->last_fault.stage = x->stage;
	mdev->last_fault.reason = x->reason;
	spin_unlock(&mdev->prq_lock);
}

static void mock_fill_page_request(struct iopf_fault *evt, ioasid_t pasid,
				   u32 grpid, u32 perm, u64 addr)
{
	memset(evt, 0, sizeof(*evt));
	evt->fault.type = IOMMU_FAULT_PAGE_REQ;
	evt->fault.prm.flags = IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE;
	if (pasid != IOMMU_NO_PASID)
		evt->fault.prm.flags |= IOMMU_FAULT_PAGE_REQUEST_PASID_VALID;
	evt->fault.prm.pasid = pasid;
	evt->fault.prm.grpid = grpid;
	evt->fault.prm.perm = perm;
	evt->fault.prm.addr = addr;
}

/*
 * Send a page request for @addr and wait for its response.  Called with
 * dma_sem held for read, so the domain whose handler gets the request
 * stays attached until it is queued; returns with dma_sem released, since
 * answering may need an attach (a replace, or the detach that answers
 * INVALID).
 */
static int mock_dev_page_request(struct mock_dev *mdev, ioasid_t pasid,
				 unsigned long addr, bool write)
{
	struct mock_prq_waiter w = { .pasid = pasid };
	struct iopf_fault evt;
	unsigned long timeout;

	init_completion(&w.done);
	spin_lock(&mdev->prq_lock);
	w.grpid = mdev->next_grpid;
	mdev->next_grpid = (mdev->next_grpid + 1) & MOCK_PRQ_GRPID_MASK;
	timeout = mdev->prq_timeout;
	list_add_tail(&w.node, &mdev->prq_waiters);
	spin_unlock(&mdev->prq_lock);

	mock_fill_page_request(&evt, pasid, w.grpid,
			       write ? IOMMU_FAULT_PERM_WRITE :
				       IOMMU_FAULT_PERM_READ,
			       addr & PAGE_MASK);
	iommu_report_device_fault(&mdev->dev, &evt);
	up_read(&mdev->dma_sem);

	wait_for_completion_timeout(&w.done, timeout);
	spin_lock(&mdev->prq_lock);
	/* An answer after the timeout must find nothing to wake. */
	if (!w.answered)
		list_del(&w.node);
	spin_unlock(&mdev->prq_lock);
	kshim_completion_destroy(&w.done);
	if (!w.answered)
		return -ETIMEDOUT;
	return w.code == IOMMU_PAGE_RESP_SUCCESS ? 0 : -EFAULT;
}

static int mock_dev_dma(struct mock_dev *mdev, ioasid_t pasid,
			unsigned long iova, void *buf, size_t len, bool write)
{
	unsigned long requested = ULONG_MAX;	/* page already requested */
	size_t pos = 0;
	int ret = 0;

	might_sleep();
	while (pos < len) {
		struct iommu_domain *domain;
		struct mock_xlate x;

		down_read(&mdev->dma_sem);
		domain = mock_dev_domain_locked(mdev, pasid);
		for (ret = 0; pos < len && !ret;) {
			phys_addr_t phys;
			size_t n;
			char *va;

			ret = mock_domain_translate(domain, iova + pos, write,
						    &x);
			if (ret)
				break;
			phys = x.phys;
			n = min3(len - pos, x.left,
				 (size_t)(PAGE_SIZE - (phys & ~PAGE_MASK)));
			/* A DMA into a frame nobody owns is a use after free. */
			va = phys_to_virt(phys);
			if (!va) {
				x.reason = MOCK_FAULT_BUS;
				x.stage = 0;
				ret = -EIO;
				break;
			}
			if (write)
				memcpy(va, (char *)buf + pos, n);
			else
				memcpy((char *)buf + pos, va, n);
			pos += n;
		}
		if (!ret) {
			up_read(&mdev->dma_sem);
			break;
		}
		mock_dev_record_fault(mdev, pasid, iova + pos, write, &x);
		/*
		 * Only a fault-capable domain gets a page request, and each
		 * page only once: after a SUCCESS the access is retried, and
		 * a second fault on the same page fails the DMA.
		 */
		if (ret == -EIO || !domain || !domain->iopf_handler ||
		    ((iova + pos) & PAGE_MASK) == requested) {
			up_read(&mdev->dma_sem);
			break;
		}
		requested = (iova + pos) & PAGE_MASK;
		ret = mock_dev_page_request(mdev, pasid, iova + pos, write);
		if (ret)
			break;
	}
	return ret;
}

int mock_dev_dma_read(struct mock_dev *mdev, ioasid_t pasid,
		      unsigned long iova, void *buf, size_t len)
{
	return mock_dev_dma(mdev, pasid, iova, buf, len, false);
}

int mock_dev_dma_write(struct mock_dev *mdev, ioasid_t pasid,
		       unsigned long iova, const void *buf, size_t len)
{
	return mock_dev_dma(mdev, pasid, iova, (void *)buf, len, true);
}

int mock_dev_trigger_iopf(struct mock_dev *mdev, ioasid_t pasid, u32 grpid,
			  u32 perm, u64 addr)
{
	struct iopf_fault evt;
	int rc = 0;

	down_read(&mdev->dma_sem);
	if (mdev->iopf_refcount) {
		mock_fill_page_request(&evt, pasid, grpid, perm, addr);
		iommu_report_device_fault(&mdev->dev, &evt);
	} else {
		rc = -ENODEV;
	}
	up_read(&mdev->dma_sem);
	return rc;
}

/* ---- the world ---------------------------------------------------------- */

static void mock_world_begin(void)
{
	memset(&mock_iommu, 0, sizeof(mock_iommu));
	mutex_init(&mock_iommu.lock);
	INIT_LIST_HEAD(&mock_iommu.devices);
}

/*
 * The instance itself may stay registered through the audit: it belongs to
 * whoever called mock_iommu_init() (iommufd's module init does, for the
 * world's lifetime).  Devices must be gone.
 */
static int mock_world_audit(FILE *out)
{
	struct mock_dev *mdev;
	int problems = 0;

	list_for_each_entry(mdev, &mock_iommu.devices, node) {
		if (out)
			fprintf(out, "mock-iommu: mock device %u not destroyed\n",
				mdev->id);
		problems++;
	}
	return problems;
}

/*
 * After the modules' exits (end hooks run in reverse priority order): a
 * driver nobody unregistered is unregistered here; anything else the world
 * left behind goes with its memory.
 */
static void mock_world_end(void)
{
	if (mock_iommu.registered && list_empty(&mock_iommu.devices) &&
	    !mock_iommu.iopf_users)
		mock_iommu_exit();
	mock_iommu.registered = false;
	mock_iommu.iopf_queue = NULL;
	mock_iommu.iopf_users = 0;
	INIT_LIST_HEAD(&mock_iommu.devices);
}

/* A driver: after the IOMMU core, before the modules that use it. */
KSHIM_WORLD_HOOK(mock_iommu_world_hook,
	.name = "mock-iommu",
	.prio = KSHIM_PRIO_CORE + 5,
	.begin = mock_world_begin,
	.audit = mock_world_audit,
	.end = mock_world_end,
);
