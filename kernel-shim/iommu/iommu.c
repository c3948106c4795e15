// SPDX-License-Identifier: GPL-2.0
/*
 * The IOMMU core: instances, device probe, groups, domains, attach and
 * replace, PASIDs, map/unmap, reserved regions (linux/iommu.h).
 *
 * Objects and their rules:
 *
 *   iommu_device  One registered IOMMU instance.  The instance list is
 *                 protected by iommu_probe_lock, which also serialises
 *                 device probe and release (the kernel's
 *                 iommu_probe_device_lock).
 *
 *   device        A probed device has dev->iommu (struct dev_iommu) and is
 *                 a member of exactly one group (dev->iommu_group, which
 *                 holds a group reference) until iommu_release_device().
 *
 *   iommu_group   Reference counted (kref).  group->mutex protects the
 *                 device list, the domain pointers, DMA ownership and the
 *                 writers of pasid_array.  Invariants, with the mutex held
 *                 and at least one device in the group:
 *                   - group->domain is the domain every device of the group
 *                     is attached to (a switch is per device, and either
 *                     completes or is reverted before the mutex is dropped);
 *                   - group->domain is the default domain, unless DMA
 *                     ownership is claimed (then the blocking domain or a
 *                     domain its owner attached);
 *                   - pasid_array holds, per PASID (IOMMU_NO_PASID for the
 *                     RID), the attach handle (tagged HANDLE) or the bare
 *                     domain (tagged DOMAIN) of the current attachment, or
 *                     a zero entry while an attach is in flight, so that a
 *                     fault never finds a handle whose attach may still
 *                     fail.  Readers (fault reporting) use xa_lock.
 *                 When the last device leaves, the group's default and
 *                 blocking domains are freed; group IDs are the lowest free
 *                 ones, as with the kernel's ida.
 *
 *   iommu_domain  Allocated by drivers (announced with
 *                 kshim_iommu_domain_created()) and freed with
 *                 iommu_domain_free(); freeing a domain that a group still
 *                 uses is a WARN.
 *
 * Lock order: group->mutex -> (driver locks) ; iommu_probe_lock ->
 * group->mutex.  The lists of live groups and domains, kept for the world
 * audit, sit behind a host mutex that is never held across a call out.
 */
#define pr_fmt(fmt) "iommu: " fmt

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <linux/bug.h>
#include <linux/iommu.h>
#include <linux/lockdep.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <kshim/world.h>
#include "iommu-priv.h"

#include <linux/uaccess.h>

struct iommu_group {
	struct kref ref;
	struct mutex mutex;
	struct list_head devices;
	struct xarray pasid_array;
	int id;
	void *iommu_data;
	void (*iommu_data_release)(void *iommu_data);
	struct iommu_domain *default_domain;
	struct iommu_domain *blocking_domain;
	struct iommu_domain *domain;
	unsigned int owner_cnt;
	void *owner;
	struct list_head kshim_node;	/* groups_live, sorted by id */
};

struct group_device {
	struct list_head list;
	struct device *dev;
};

#define for_each_group_device(group, pos) \
	list_for_each_entry(pos, &(group)->devices, list)

/* Tags of the entries of group->pasid_array. */
enum {
	IOMMU_PASID_ARRAY_DOMAIN = 0,
	IOMMU_PASID_ARRAY_HANDLE = 1,
};

enum {
	/* Attach cannot fail: a driver that refuses is a WARN. */
	IOMMU_SET_DOMAIN_MUST_SUCCEED = 1 << 0,
};

/* Instances and probe (simulated lock, re-initialised per world). */
static struct mutex iommu_probe_lock;
static LIST_HEAD(iommu_device_list);

/* Bookkeeping for the audit (host lock, never held across a call out). */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(groups_live);
static LIST_HEAD(domains_live);
static unsigned long groups_count, domains_count;

/* ---- instances ------------------------------------------------------- */

int iommu_device_register(struct iommu_device *iommu,
			  const struct iommu_ops *ops, struct device *hwdev)
{
	if (WARN_ON(!ops))
		return -EINVAL;
	iommu->ops = ops;
	iommu->dev = hwdev;
	iommu->singleton_group = NULL;
	mutex_lock(&iommu_probe_lock);
	list_add_tail(&iommu->list, &iommu_device_list);
	mutex_unlock(&iommu_probe_lock);
	return 0;
}

void iommu_device_unregister(struct iommu_device *iommu)
{
	mutex_lock(&iommu_probe_lock);
	list_del(&iommu->list);
	mutex_unlock(&iommu_probe_lock);
	if (iommu->singleton_group) {
		iommu_group_put(iommu->singleton_group);
		iommu->singleton_group = NULL;
	}
}

/* ---- groups ---------------------------------------------------------- */

static void iommu_group_release(struct kref *ref)
{
	struct iommu_group *group = container_of(ref, struct iommu_group, ref);

	WARN_ON(!list_empty(&group->devices));
	WARN_ON(group->default_domain || group->blocking_domain);
	WARN_ON(!xa_empty(&group->pasid_array));
	if (group->iommu_data_release)
		group->iommu_data_release(group->iommu_data);
	xa_destroy(&group->pasid_array);
	mutex_destroy(&group->mutex);

	pthread_mutex_lock(&registry_lock);
	list_del(&group->kshim_node);
	groups_count--;
	pthread_mutex_unlock(&registry_lock);
	kfree(group);
}

/**
 * iommu_group_alloc() - allocate a new, empty group
 *
 * Return: the group with one reference, or ERR_PTR(-ENOMEM).
 */
struct iommu_group *iommu_group_alloc(void)
{
	struct iommu_group *group, *pos;
	struct list_head *before;
	int id = 0;

	group = kzalloc(sizeof(*group), GFP_KERNEL);
	if (!group)
		return ERR_PTR(-ENOMEM);
	kref_init(&group->ref);
	mutex_init(&group->mutex);
	INIT_LIST_HEAD(&group->devices);
	xa_init(&group->pasid_array);

	/* The lowest free ID: walk the sorted list to the first gap. */
	pthread_mutex_lock(&registry_lock);
	before = &groups_live;
	list_for_each_entry(pos, &groups_live, kshim_node) {
		if (pos->id != id) {
			before = &pos->kshim_node;
			break;
		}
		id++;
	}
	group->id = id;
	list_add_tail(&group->kshim_node, before);
	groups_count++;
	pthread_mutex_unlock(&registry_lock);
	return group;
}

/**
 * generic_device_group() - a new group for every device
 * @dev: the device
 */
struct iommu_group *generic_device_group(struct device *dev)
{
	return iommu_group_alloc();
}

/**
 * generic_single_device_group() - one group for every device of an IOMMU
 * @dev: the device
 */
struct iommu_group *generic_single_device_group(struct device *dev)
{
	struct iommu_device *iommu = dev->iommu->iommu_dev;

	if (!iommu->singleton_group) {
		struct iommu_group *group = iommu_group_alloc();

		if (IS_ERR(group))
			return group;
		iommu->singleton_group = group;
	}
	return iommu_group_ref_get(iommu->singleton_group);
}

/**
 * iommu_group_get() - the group of a device, with a reference
 * @dev: the device
 *
 * Return: the group, or NULL if the device has none.
 */
struct iommu_group *iommu_group_get(struct device *dev)
{
	struct iommu_group *group = dev->iommu_group;

	if (group)
		kref_get(&group->ref);
	return group;
}

/**
 * iommu_group_ref_get() - take another reference on a group
 * @group: the group
 */
struct iommu_group *iommu_group_ref_get(struct iommu_group *group)
{
	kref_get(&group->ref);
	return group;
}

/**
 * iommu_group_put() - drop a group reference
 * @group: the group, or NULL
 */
void iommu_group_put(struct iommu_group *group)
{
	if (group)
		kref_put(&group->ref, iommu_group_release);
}

/**
 * iommu_group_id() - the group's ID (lowest free at allocation)
 * @group: the group
 */
int iommu_group_id(struct iommu_group *group)
{
	return group->id;
}

/**
 * iommu_group_get_iommudata() - the driver's data of a group
 * @group: the group
 */
void *iommu_group_get_iommudata(struct iommu_group *group)
{
	return group->iommu_data;
}

/**
 * iommu_group_set_iommudata() - attach driver data to a group
 * @group: the group
 * @iommu_data: the data
 * @release: called with @iommu_data when the group is released
 */
void iommu_group_set_iommudata(struct iommu_group *group, void *iommu_data,
			       void (*release)(void *iommu_data))
{
	group->iommu_data = iommu_data;
	group->iommu_data_release = release;
}

/**
 * iommu_group_for_each_dev() - call @fn for every device of a group
 * @group: the group
 * @data: passed to @fn
 * @fn: stops the walk by returning non-zero
 *
 * Return: the last value @fn returned, or 0.
 */
int iommu_group_for_each_dev(struct iommu_group *group, void *data,
			     int (*fn)(struct device *, void *))
{
	struct group_device *gdev;
	int ret = 0;

	mutex_lock(&group->mutex);
	for_each_group_device(group, gdev) {
		ret = fn(gdev->dev, data);
		if (ret)
			break;
	}
	mutex_unlock(&group->mutex);
	return ret;
}

/**
 * iommu_group_has_isolated_msi() - are the MSIs of every device isolated
 * @group: the group
 */
bool iommu_group_has_isolated_msi(struct iommu_group *group)
{
	struct group_device *gdev;
	bool ret = true;

	mutex_lock(&group->mutex);
	for_each_group_device(group, gdev)
		ret &= gdev->dev->kshim_isolated_msi;
	mutex_unlock(&group->mutex);
	return ret;
}

/**
 * iommu_group_mutex_assert() - assert the device's group mutex is held
 * @dev: a probed device
 *
 * For drivers: attach_dev() and set_dev_pasid() run under it.
 */
void iommu_group_mutex_assert(struct device *dev)
{
	lockdep_assert_held(&dev->iommu_group->mutex);
}

/* ---- domains --------------------------------------------------------- */

void kshim_iommu_domain_created(struct iommu_domain *domain)
{
	if (WARN_ON(domain->kshim_tracked))
		return;
	pthread_mutex_lock(&registry_lock);
	list_add_tail(&domain->kshim_node, &domains_live);
	domain->kshim_tracked = true;
	domains_count++;
	pthread_mutex_unlock(&registry_lock);
}

/* True if a live group still uses @domain. */
static bool domain_in_use(struct iommu_domain *domain)
{
	struct iommu_group *group;
	bool used = false;

	pthread_mutex_lock(&registry_lock);
	list_for_each_entry(group, &groups_live, kshim_node) {
		if (READ_ONCE(group->domain) == domain ||
		    READ_ONCE(group->default_domain) == domain ||
		    READ_ONCE(group->blocking_domain) == domain) {
			used = true;
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
	return used;
}

/**
 * iommu_domain_free() - free a domain
 * @domain: a domain no group uses any more (WARN otherwise)
 *
 * Static domains (without a free callback) are left alone.
 */
void iommu_domain_free(struct iommu_domain *domain)
{
	/* Static domains (blocked, identity) are shared by every group. */
	WARN(domain->ops->free && domain_in_use(domain),
	     "freeing a domain that is still attached\n");
	kfree(domain->iova_cookie);
	domain->iova_cookie = NULL;
	if (domain->kshim_tracked) {
		pthread_mutex_lock(&registry_lock);
		list_del(&domain->kshim_node);
		domain->kshim_tracked = false;
		domains_count--;
		pthread_mutex_unlock(&registry_lock);
	}
	if (domain->ops->free)
		domain->ops->free(domain);
}

static void iommu_domain_init(struct iommu_domain *domain, unsigned int type,
			      const struct iommu_ops *ops)
{
	domain->type = type;
	domain->owner = ops;
	if (!domain->ops)
		domain->ops = ops->default_domain_ops;
	if (!domain->pgsize_bitmap)
		domain->pgsize_bitmap = ops->pgsize_bitmap;
}

static struct iommu_domain *
__iommu_paging_domain_alloc_flags(struct device *dev, unsigned int type,
				  unsigned int flags)
{
	const struct iommu_ops *ops = dev_iommu_ops(dev);
	struct iommu_domain *domain;

	if (ops->domain_alloc_paging && !flags)
		domain = ops->domain_alloc_paging(dev);
	else if (ops->domain_alloc_paging_flags)
		domain = ops->domain_alloc_paging_flags(dev, flags, NULL);
	else
		return ERR_PTR(-EOPNOTSUPP);
	if (IS_ERR(domain))
		return domain;
	if (!domain)
		return ERR_PTR(-ENOMEM);
	iommu_domain_init(domain, type, ops);
	return domain;
}

/**
 * iommu_paging_domain_alloc_flags() - allocate a paging domain for a device
 * @dev: a probed device; the domain comes from its IOMMU driver
 * @flags: IOMMU_HWPT_ALLOC_* flags
 *
 * Return: an IOMMU_DOMAIN_UNMANAGED domain or an ERR_PTR.
 */
struct iommu_domain *iommu_paging_domain_alloc_flags(struct device *dev,
						     unsigned int flags)
{
	if (!dev_has_iommu(dev))
		return ERR_PTR(-ENODEV);
	return __iommu_paging_domain_alloc_flags(dev, IOMMU_DOMAIN_UNMANAGED,
						 flags);
}

/**
 * iommu_get_domain_for_dev() - the domain a device's RID is attached to
 * @dev: the device
 */
struct iommu_domain *iommu_get_domain_for_dev(struct device *dev)
{
	struct iommu_group *group = dev->iommu_group;

	return group ? READ_ONCE(group->domain) : NULL;
}

/**
 * iommu_get_msi_cookie() - reserve a software MSI window in a domain
 * @domain: an unmanaged paging domain
 * @base: IOVA of the window
 *
 * Only the bookkeeping is modelled: the cookie records @base and makes a
 * second call fail, as iommufd relies on.
 *
 * Return: 0, -EINVAL, -EBUSY or -ENOMEM.
 */
int iommu_get_msi_cookie(struct iommu_domain *domain, dma_addr_t base)
{
	dma_addr_t *cookie;

	if (domain->type != IOMMU_DOMAIN_UNMANAGED)
		return -EINVAL;
	if (domain->iova_cookie)
		return -EBUSY;
	cookie = kzalloc(sizeof(*cookie), GFP_KERNEL);
	if (!cookie)
		return -ENOMEM;
	*cookie = base;
	domain->iova_cookie = cookie;
	return 0;
}

/* ---- switching a group's domain ------------------------------------- */

static int __iommu_attach_device(struct iommu_domain *domain,
				 struct device *dev)
{
	if (unlikely(!domain->ops->attach_dev))
		return -ENODEV;
	return domain->ops->attach_dev(domain, dev);
}

static int __iommu_device_set_domain(struct iommu_group *group,
				     struct device *dev,
				     struct iommu_domain *new_domain,
				     unsigned int flags)
{
	int ret;

	/* A device with direct-mapped regions must never be blocked. */
	if (dev->iommu->require_direct &&
	    (new_domain->type == IOMMU_DOMAIN_BLOCKED ||
	     new_domain == group->blocking_domain)) {
		dev_warn(dev, "cannot block a device with direct mappings\n");
		return -EINVAL;
	}

	ret = __iommu_attach_device(new_domain, dev);
	if (ret) {
		/*
		 * The device is now in a state the driver chose.  When this
		 * must not fail, fall back to blocking so it cannot keep
		 * using a domain that may be freed next.
		 */
		if ((flags & IOMMU_SET_DOMAIN_MUST_SUCCEED) &&
		    group->blocking_domain &&
		    group->blocking_domain != new_domain)
			__iommu_attach_device(group->blocking_domain, dev);
		return ret;
	}
	return 0;
}

/*
 * Move every device of @group to @new_domain, one at a time.  Between the
 * first and the last attach, DMA of the group may be translated by the old
 * or the new domain, never by anything else.  If a device refuses, the
 * devices already moved, and the refusing one whose state is unknown, go
 * back to the old domain, so the group stays whole on group->domain.
 */
static int __iommu_group_set_domain_internal(struct iommu_group *group,
					     struct iommu_domain *new_domain,
					     unsigned int flags)
{
	struct group_device *last_gdev, *gdev;
	int result = 0, ret;

	lockdep_assert_held(&group->mutex);
	if (group->domain == new_domain)
		return 0;
	if (WARN_ON(!new_domain))
		return -EINVAL;

	for_each_group_device(group, gdev) {
		ret = __iommu_device_set_domain(group, gdev->dev, new_domain,
						flags);
		if (ret) {
			result = ret;
			/* A must-succeed switch keeps going: no way back. */
			if (flags & IOMMU_SET_DOMAIN_MUST_SUCCEED)
				continue;
			goto err_revert;
		}
	}
	group->domain = new_domain;
	return result;

err_revert:
	last_gdev = gdev;
	for_each_group_device(group, gdev) {
		/*
		 * Re-attaching a domain the device used a moment ago must
		 * work; only a group still being probed has no old domain.
		 */
		if (group->domain)
			WARN_ON(__iommu_device_set_domain(
				group, gdev->dev, group->domain,
				IOMMU_SET_DOMAIN_MUST_SUCCEED));
		if (gdev == last_gdev)
			break;
	}
	return ret;
}

static int __iommu_group_set_domain(struct iommu_group *group,
				    struct iommu_domain *new_domain)
{
	return __iommu_group_set_domain_internal(group, new_domain, 0);
}

static void __iommu_group_set_domain_nofail(struct iommu_group *group,
					    struct iommu_domain *new_domain)
{
	WARN_ON(__iommu_group_set_domain_internal(
		group, new_domain, IOMMU_SET_DOMAIN_MUST_SUCCEED));
}

/* Back to the domain the core owns: blocking if claimed, else default. */
static void __iommu_group_set_core_domain(struct iommu_group *group)
{
	struct iommu_domain *new_domain;

	if (group->owner)
		new_domain = group->blocking_domain;
	else
		new_domain = group->default_domain;
	__iommu_group_set_domain_nofail(group, new_domain);
}

static struct device *iommu_group_first_dev(struct iommu_group *group)
{
	lockdep_assert_held(&group->mutex);
	return list_first_entry(&group->devices, struct group_device,
				list)->dev;
}

static int __iommu_group_alloc_blocking_domain(struct iommu_group *group)
{
	struct device *dev = iommu_group_first_dev(group);
	const struct iommu_ops *ops = dev_iommu_ops(dev);
	struct iommu_domain *domain;

	if (group->blocking_domain)
		return 0;
	if (ops->blocked_domain) {
		group->blocking_domain = ops->blocked_domain;
		return 0;
	}
	/* No blocked domain: an empty paging domain blocks just as well. */
	domain = __iommu_paging_domain_alloc_flags(dev, IOMMU_DOMAIN_BLOCKED,
						   0);
	if (IS_ERR(domain))
		return PTR_ERR(domain);
	group->blocking_domain = domain;
	return 0;
}

/* ---- DMA ownership ----------------------------------------------------- */

static int __iommu_take_dma_ownership(struct iommu_group *group, void *owner)
{
	int ret;

	/* Someone attached a domain of their own: not ours to take. */
	if (group->domain && group->domain != group->default_domain &&
	    group->domain != group->blocking_domain)
		return -EBUSY;
	ret = __iommu_group_alloc_blocking_domain(group);
	if (ret)
		return ret;
	ret = __iommu_group_set_domain(group, group->blocking_domain);
	if (ret)
		return ret;
	group->owner = owner;
	group->owner_cnt++;
	return 0;
}

static void __iommu_release_dma_ownership(struct iommu_group *group)
{
	if (WARN_ON(!group->owner_cnt || !group->owner ||
		    !xa_empty(&group->pasid_array)))
		return;
	group->owner_cnt = 0;
	group->owner = NULL;
	__iommu_group_set_domain_nofail(group, group->default_domain);
}

/**
 * iommu_group_claim_dma_owner() - take a group for user-controlled DMA
 * @group: the group
 * @owner: an opaque owner cookie
 *
 * The group moves to its blocking domain.
 *
 * Return: 0, -EPERM if the group is already owned, -EBUSY if a domain of
 * someone else is attached, or an allocation error.
 */
int iommu_group_claim_dma_owner(struct iommu_group *group, void *owner)
{
	int ret;

	if (WARN_ON(!owner))
		return -EINVAL;
	mutex_lock(&group->mutex);
	if (group->owner_cnt)
		ret = -EPERM;
	else
		ret = __iommu_take_dma_ownership(group, owner);
	mutex_unlock(&group->mutex);
	return ret;
}

/**
 * iommu_group_release_dma_owner() - give a claimed group back
 * @group: the group; it returns to its default domain
 */
void iommu_group_release_dma_owner(struct iommu_group *group)
{
	mutex_lock(&group->mutex);
	__iommu_release_dma_ownership(group);
	mutex_unlock(&group->mutex);
}

/**
 * iommu_group_dma_owner_claimed() - is the group claimed
 * @group: the group
 */
bool iommu_group_dma_owner_claimed(struct iommu_group *group)
{
	unsigned int user;

	mutex_lock(&group->mutex);
	user = group->owner_cnt;
	mutex_unlock(&group->mutex);
	return user;
}

/**
 * iommu_device_claim_dma_owner() - claim a device's group, counted
 * @dev: the device
 * @owner: an opaque owner cookie; claims by the same owner nest
 *
 * Return: 0, -ENODEV, -EPERM (another owner), -EBUSY, or an allocation
 * error.
 */
int iommu_device_claim_dma_owner(struct device *dev, void *owner)
{
	struct iommu_group *group = dev->iommu_group;
	int ret = 0;

	if (WARN_ON(!owner))
		return -EINVAL;
	if (!group)
		return -ENODEV;
	mutex_lock(&group->mutex);
	if (group->owner_cnt) {
		if (group->owner != owner)
			ret = -EPERM;
		else
			group->owner_cnt++;
		goto out_unlock;
	}
	ret = __iommu_take_dma_ownership(group, owner);
out_unlock:
	mutex_unlock(&group->mutex);
	return ret;
}

/**
 * iommu_device_release_dma_owner() - drop one claim of a device's group
 * @dev: the device; the last claim returns the group to its default domain
 */
void iommu_device_release_dma_owner(struct device *dev)
{
	struct iommu_group *group = dev->iommu_group;

	mutex_lock(&group->mutex);
	if (group->owner_cnt > 1)
		group->owner_cnt--;
	else
		__iommu_release_dma_ownership(group);
	mutex_unlock(&group->mutex);
}

/* ---- attach, detach, replace --------------------------------------- */

static int __iommu_attach_group(struct iommu_domain *domain,
				struct iommu_group *group)
{
	struct device *dev;

	if (group->domain && group->domain != group->default_domain &&
	    group->domain != group->blocking_domain)
		return -EBUSY;
	dev = iommu_group_first_dev(group);
	if (!dev_has_iommu(dev) || dev_iommu_ops(dev) != domain->owner)
		return -EINVAL;
	return __iommu_group_set_domain(group, domain);
}

/**
 * iommu_attach_group() - attach every device of a group to a domain
 * @domain: a domain of the group's driver
 * @group: a group on its default or blocking domain
 *
 * Return: 0, -EBUSY if another domain is attached, -EINVAL for a foreign
 * domain, or the driver's error (the group is then unchanged).
 */
int iommu_attach_group(struct iommu_domain *domain, struct iommu_group *group)
{
	int ret;

	mutex_lock(&group->mutex);
	ret = __iommu_attach_group(domain, group);
	mutex_unlock(&group->mutex);
	return ret;
}

/**
 * iommu_detach_group() - back to the core's domain
 * @domain: the domain attached (unused, as in the kernel)
 * @group: the group
 */
void iommu_detach_group(struct iommu_domain *domain, struct iommu_group *group)
{
	mutex_lock(&group->mutex);
	__iommu_group_set_core_domain(group);
	mutex_unlock(&group->mutex);
}

/**
 * iommu_attach_device() - iommu_attach_group() for a device alone in its
 * group
 * @domain: the domain
 * @dev: the device
 *
 * Return: as iommu_attach_group(), or -EINVAL if the group has other
 * devices, -ENODEV if the device has none.
 */
int iommu_attach_device(struct iommu_domain *domain, struct device *dev)
{
	struct iommu_group *group = dev->iommu_group;
	int ret = -EINVAL;

	if (!group)
		return -ENODEV;
	mutex_lock(&group->mutex);
	if (list_is_singular(&group->devices))
		ret = __iommu_attach_group(domain, group);
	mutex_unlock(&group->mutex);
	return ret;
}

/**
 * iommu_detach_device() - undo iommu_attach_device()
 * @domain: the domain attached (WARN otherwise)
 * @dev: the device
 */
void iommu_detach_device(struct iommu_domain *domain, struct device *dev)
{
	struct iommu_group *group = dev->iommu_group;

	if (!group)
		return;
	mutex_lock(&group->mutex);
	if (!WARN_ON(domain != group->domain) &&
	    !WARN_ON(!list_is_singular(&group->devices)))
		__iommu_group_set_core_domain(group);
	mutex_unlock(&group->mutex);
}

/**
 * iommu_group_replace_domain() - switch a group to another domain
 * @group: the group
 * @new_domain: the new domain
 *
 * If a device's driver refuses @new_domain, every device is put back on
 * the old domain and the error is returned; the group is then unchanged.
 *
 * Return: 0 or an error.
 */
int iommu_group_replace_domain(struct iommu_group *group,
			       struct iommu_domain *new_domain)
{
	int ret;

	if (!new_domain)
		return -EINVAL;
	mutex_lock(&group->mutex);
	ret = __iommu_group_set_domain(group, new_domain);
	mutex_unlock(&group->mutex);
	return ret;
}

static void *iommu_make_pasid_array_entry(struct iommu_domain *domain,
					  struct iommu_attach_handle *handle)
{
	if (handle) {
		handle->domain = domain;
		return xa_tag_pointer(handle, IOMMU_PASID_ARRAY_HANDLE);
	}
	return xa_tag_pointer(domain, IOMMU_PASID_ARRAY_DOMAIN);
}

static struct iommu_domain *pasid_array_entry_to_domain(void *entry)
{
	if (xa_pointer_tag(entry) == IOMMU_PASID_ARRAY_DOMAIN)
		return xa_untag_pointer(entry);
	return ((struct iommu_attach_handle *)xa_untag_pointer(entry))->domain;
}

/**
 * iommu_attach_group_handle() - attach a group and record a handle
 * @domain: the domain
 * @group: the group
 * @handle: stored at IOMMU_NO_PASID once the attach succeeded
 *
 * Return: 0, -EBUSY if a handle is already stored, or as
 * iommu_attach_group().
 */
int iommu_attach_group_handle(struct iommu_domain *domain,
			      struct iommu_group *group,
			      struct iommu_attach_handle *handle)
{
	void *entry;
	int ret;

	mutex_lock(&group->mutex);
	entry = iommu_make_pasid_array_entry(domain, handle);
	/* Reserve the slot; faults must not see the handle before success. */
	ret = xa_insert(&group->pasid_array, IOMMU_NO_PASID, XA_ZERO_ENTRY,
			GFP_KERNEL);
	if (ret)
		goto out_unlock;
	ret = __iommu_attach_group(domain, group);
	if (ret) {
		xa_release(&group->pasid_array, IOMMU_NO_PASID);
		goto out_unlock;
	}
	/* The slot's memory exists and the mutex is held: cannot fail. */
	WARN_ON(xa_is_err(xa_store(&group->pasid_array, IOMMU_NO_PASID, entry,
				   GFP_KERNEL)));
out_unlock:
	mutex_unlock(&group->mutex);
	return ret;
}

/**
 * iommu_detach_group_handle() - undo iommu_attach_group_handle()
 * @domain: the domain attached
 * @group: the group; it returns to the core's domain
 */
void iommu_detach_group_handle(struct iommu_domain *domain,
			       struct iommu_group *group)
{
	mutex_lock(&group->mutex);
	__iommu_group_set_core_domain(group);
	xa_erase(&group->pasid_array, IOMMU_NO_PASID);
	mutex_unlock(&group->mutex);
}

/**
 * iommu_replace_group_handle() - switch domain and handle together
 * @group: the group
 * @new_domain: the new domain
 * @handle: the new handle, replacing the stored one on success
 *
 * Return: 0, -EINVAL without a handle, or the switch's error (nothing
 * changed then).
 */
int iommu_replace_group_handle(struct iommu_group *group,
			       struct iommu_domain *new_domain,
			       struct iommu_attach_handle *handle)
{
	void *curr, *entry;
	int ret;

	if (!new_domain || !handle)
		return -EINVAL;
	mutex_lock(&group->mutex);
	entry = iommu_make_pasid_array_entry(new_domain, handle);
	ret = xa_reserve(&group->pasid_array, IOMMU_NO_PASID, GFP_KERNEL);
	if (ret)
		goto out_unlock;
	ret = __iommu_group_set_domain(group, new_domain);
	if (ret) {
		xa_release(&group->pasid_array, IOMMU_NO_PASID);
		goto out_unlock;
	}
	curr = xa_store(&group->pasid_array, IOMMU_NO_PASID, entry, GFP_KERNEL);
	WARN_ON(xa_is_err(curr));
out_unlock:
	mutex_unlock(&group->mutex);
	return ret;
}

/**
 * iommu_attach_handle_get() - the handle stored for a PASID of a group
 * @group: the group
 * @pasid: the PASID, IOMMU_NO_PASID for the RID
 * @type: if non-zero, the domain type the handle must have
 *
 * Return: the handle, ERR_PTR(-ENOENT) if none is stored, or
 * ERR_PTR(-EBUSY) if its domain is of another type.
 */
struct iommu_attach_handle *iommu_attach_handle_get(struct iommu_group *group,
						    ioasid_t pasid,
						    unsigned int type)
{
	struct iommu_attach_handle *handle;
	void *entry;

	xa_lock(&group->pasid_array);
	entry = xa_load(&group->pasid_array, pasid);
	if (!entry || xa_pointer_tag(entry) != IOMMU_PASID_ARRAY_HANDLE) {
		handle = ERR_PTR(-ENOENT);
		goto out_unlock;
	}
	handle = xa_untag_pointer(entry);
	if (type && handle->domain->type != type)
		handle = ERR_PTR(-EBUSY);
out_unlock:
	xa_unlock(&group->pasid_array);
	return handle;
}

/* ---- PASID attach ----------------------------------------------------- */

static void iommu_remove_dev_pasid(struct device *dev, ioasid_t pasid,
				   struct iommu_domain *domain)
{
	const struct iommu_ops *ops = dev_iommu_ops(dev);
	struct iommu_domain *blocked = ops->blocked_domain;

	WARN_ON(blocked->ops->set_dev_pasid(blocked, dev, pasid, domain));
}

/*
 * Program @pasid of every PASID-capable device of @group with @domain; on
 * failure the devices already programmed go back to @old, or are blocked
 * if there was none.
 */
static int __iommu_set_group_pasid(struct iommu_domain *domain,
				   struct iommu_group *group, ioasid_t pasid,
				   struct iommu_domain *old)
{
	struct group_device *gdev, *last_gdev;
	int ret = 0;

	for_each_group_device(group, gdev) {
		if (!gdev->dev->iommu->max_pasids)
			continue;
		ret = domain->ops->set_dev_pasid(domain, gdev->dev, pasid, old);
		if (ret)
			goto err_revert;
	}
	return 0;

err_revert:
	last_gdev = gdev;
	for_each_group_device(group, gdev) {
		if (gdev == last_gdev)
			break;
		if (!gdev->dev->iommu->max_pasids)
			continue;
		if (!old ||
		    WARN_ON(old->ops->set_dev_pasid(old, gdev->dev, pasid,
						    domain)))
			iommu_remove_dev_pasid(gdev->dev, pasid, domain);
	}
	return ret;
}

static void __iommu_remove_group_pasid(struct iommu_group *group,
				       ioasid_t pasid,
				       struct iommu_domain *domain)
{
	struct group_device *gdev;

	for_each_group_device(group, gdev) {
		if (gdev->dev->iommu->max_pasids)
			iommu_remove_dev_pasid(gdev->dev, pasid, domain);
	}
}

static int iommu_pasid_attach_check(struct iommu_domain *domain,
				    struct device *dev, ioasid_t pasid)
{
	const struct iommu_ops *ops;

	if (!dev->iommu_group)
		return -ENODEV;
	ops = dev_iommu_ops(dev);
	if (!domain->ops->set_dev_pasid || !ops->blocked_domain ||
	    !ops->blocked_domain->ops->set_dev_pasid)
		return -EOPNOTSUPP;
	if (domain->owner != ops || pasid == IOMMU_NO_PASID)
		return -EINVAL;
	return 0;
}

/**
 * iommu_attach_device_pasid() - attach a domain to one PASID of a device
 * @domain: the domain
 * @dev: a device whose group's PASID-capable devices all take the PASID
 * @pasid: the PASID, not IOMMU_NO_PASID, below every max_pasids
 * @handle: optional handle stored with the attachment
 *
 * Return: 0, -EBUSY if the PASID is in use, -EINVAL, -EOPNOTSUPP, or the
 * driver's error.
 */
int iommu_attach_device_pasid(struct iommu_domain *domain, struct device *dev,
			      ioasid_t pasid, struct iommu_attach_handle *handle)
{
	struct iommu_group *group = dev->iommu_group;
	struct group_device *gdev;
	void *entry;
	int ret;

	ret = iommu_pasid_attach_check(domain, dev, pasid);
	if (ret)
		return ret;
	mutex_lock(&group->mutex);
	for_each_group_device(group, gdev) {
		u32 max = gdev->dev->iommu->max_pasids;

		if (max && pasid >= max) {
			ret = -EINVAL;
			goto out_unlock;
		}
	}
	entry = iommu_make_pasid_array_entry(domain, handle);
	ret = xa_insert(&group->pasid_array, pasid, XA_ZERO_ENTRY, GFP_KERNEL);
	if (ret)
		goto out_unlock;
	ret = __iommu_set_group_pasid(domain, group, pasid, NULL);
	if (ret) {
		xa_release(&group->pasid_array, pasid);
		goto out_unlock;
	}
	WARN_ON(xa_is_err(xa_store(&group->pasid_array, pasid, entry,
				   GFP_KERNEL)));
out_unlock:
	mutex_unlock(&group->mutex);
	return ret;
}

/**
 * iommu_replace_device_pasid() - switch an attached PASID to another domain
 * @domain: the new domain
 * @dev: the device
 * @pasid: an attached PASID
 * @handle: the new handle (or NULL)
 *
 * Return: 0, -EINVAL if nothing is attached at @pasid, or the driver's
 * error, in which case the old attachment stays.
 */
int iommu_replace_device_pasid(struct iommu_domain *domain,
			       struct device *dev, ioasid_t pasid,
			       struct iommu_attach_handle *handle)
{
	struct iommu_group *group = dev->iommu_group;
	struct iommu_domain *curr_domain;
	void *entry, *curr;
	int ret;

	ret = iommu_pasid_attach_check(domain, dev, pasid);
	if (ret)
		return ret;
	mutex_lock(&group->mutex);
	entry = iommu_make_pasid_array_entry(domain, handle);
	curr = xa_cmpxchg(&group->pasid_array, pasid, NULL, XA_ZERO_ENTRY,
			  GFP_KERNEL);
	if (xa_is_err(curr)) {
		ret = xa_err(curr);
		goto out_unlock;
	}
	/* Nothing was attached: this is not a replace. */
	if (!curr) {
		xa_release(&group->pasid_array, pasid);
		ret = -EINVAL;
		goto out_unlock;
	}
	curr_domain = pasid_array_entry_to_domain(curr);
	if (curr_domain != domain) {
		ret = __iommu_set_group_pasid(domain, group, pasid,
					      curr_domain);
		if (ret)
			goto out_unlock;
	}
	WARN_ON(xa_is_err(xa_store(&group->pasid_array, pasid, entry,
				   GFP_KERNEL)));
out_unlock:
	mutex_unlock(&group->mutex);
	return ret;
}

/**
 * iommu_detach_device_pasid() - undo iommu_attach_device_pasid()
 * @domain: the domain attached at @pasid
 * @dev: the device
 * @pasid: the PASID
 */
void iommu_detach_device_pasid(struct iommu_domain *domain,
			       struct device *dev, ioasid_t pasid)
{
	struct iommu_group *group = dev->iommu_group;

	mutex_lock(&group->mutex);
	__iommu_remove_group_pasid(group, pasid, domain);
	xa_erase(&group->pasid_array, pasid);
	mutex_unlock(&group->mutex);
}

/* ---- probe and release ----------------------------------------------- */

static u32 dev_iommu_get_max_pasids(struct device *dev,
				    struct iommu_device *iommu)
{
	u32 bits = dev->kshim_pasid_num_bits;
	u32 dev_max;

	if (!bits)
		return 0;
	dev_max = bits >= 32 ? U32_MAX : 1U << bits;
	return min(dev_max, iommu->max_pasids);
}

/* Does the device have regions that must stay identity mapped? */
static bool dev_requires_direct(struct device *dev)
{
	struct iommu_resv_region *region;
	bool direct = false;
	LIST_HEAD(regions);

	iommu_get_resv_regions(dev, &regions);
	list_for_each_entry(region, &regions, list)
		if (region->type == IOMMU_RESV_DIRECT)
			direct = true;
	iommu_put_resv_regions(dev, &regions);
	return direct;
}

static int iommu_setup_default_domain(struct iommu_group *group,
				      struct device *dev)
{
	const struct iommu_ops *ops = dev_iommu_ops(dev);
	struct iommu_domain *domain;
	int type = 0, ret;

	if (ops->default_domain) {
		domain = ops->default_domain;
	} else {
		if (ops->def_domain_type)
			type = ops->def_domain_type(dev);
		if (type == IOMMU_DOMAIN_IDENTITY && ops->identity_domain) {
			domain = ops->identity_domain;
		} else {
			domain = __iommu_paging_domain_alloc_flags(
				dev, IOMMU_DOMAIN_DMA, 0);
			if (IS_ERR(domain))
				return PTR_ERR(domain);
		}
	}
	group->default_domain = domain;
	ret = __iommu_group_set_domain(group, domain);
	if (ret) {
		group->default_domain = NULL;
		iommu_domain_free(domain);
	}
	return ret;
}

/* The group is empty: its own domains go now. */
static void iommu_group_free_domains(struct iommu_group *group)
{
	struct iommu_domain *def = group->default_domain;
	struct iommu_domain *blocking = group->blocking_domain;

	group->domain = NULL;
	group->default_domain = NULL;
	group->blocking_domain = NULL;
	if (def)
		iommu_domain_free(def);
	if (blocking && blocking != def)
		iommu_domain_free(blocking);
}

static int __iommu_probe_device(struct device *dev)
{
	const struct iommu_ops *ops = NULL;
	struct iommu_device *iommu_dev = NULL, *iter;
	struct group_device *gdev;
	struct iommu_group *group;
	struct dev_iommu *param;
	int ret;

	lockdep_assert_held(&iommu_probe_lock);
	if (dev->iommu)
		return 0;
	param = kzalloc(sizeof(*param), GFP_KERNEL);
	if (!param)
		return -ENOMEM;
	mutex_init(&param->lock);
	dev->iommu = param;

	ret = -ENODEV;
	list_for_each_entry(iter, &iommu_device_list, list) {
		if (!iter->ops->probe_device)
			continue;
		iommu_dev = iter->ops->probe_device(dev);
		if (!IS_ERR(iommu_dev)) {
			ops = iter->ops;
			ret = 0;
			break;
		}
		ret = PTR_ERR(iommu_dev);
		if (ret != -ENODEV)
			break;
	}
	if (ret)
		goto err_free;
	param->iommu_dev = iommu_dev;
	param->max_pasids = dev_iommu_get_max_pasids(dev, iommu_dev);
	param->require_direct = dev_requires_direct(dev);

	group = ops->device_group(dev);
	if (WARN_ON(!group))
		group = ERR_PTR(-EINVAL);
	if (IS_ERR(group)) {
		ret = PTR_ERR(group);
		goto err_release;
	}
	gdev = kzalloc(sizeof(*gdev), GFP_KERNEL);
	if (!gdev) {
		ret = -ENOMEM;
		goto err_put_group;
	}
	gdev->dev = dev;

	mutex_lock(&group->mutex);
	list_add_tail(&gdev->list, &group->devices);
	dev->iommu_group = group;	/* the device_group() reference */
	if (!group->default_domain) {
		ret = iommu_setup_default_domain(group, dev);
	} else if (group->domain) {
		ret = __iommu_device_set_domain(group, dev, group->domain, 0);
	}
	if (ret) {
		list_del(&gdev->list);
		dev->iommu_group = NULL;
		if (list_empty(&group->devices))
			iommu_group_free_domains(group);
		mutex_unlock(&group->mutex);
		kfree(gdev);
		goto err_put_group;
	}
	mutex_unlock(&group->mutex);

	if (ops->probe_finalize)
		ops->probe_finalize(dev);
	return 0;

err_put_group:
	iommu_group_put(group);
err_release:
	if (ops->release_device)
		ops->release_device(dev);
err_free:
	mutex_destroy(&param->lock);
	kfree(param);
	dev->iommu = NULL;
	return ret;
}

int iommu_probe_device(struct device *dev)
{
	int ret;

	mutex_lock(&iommu_probe_lock);
	ret = __iommu_probe_device(dev);
	mutex_unlock(&iommu_probe_lock);
	return ret;
}

void iommu_release_device(struct device *dev)
{
	struct iommu_group *group = dev->iommu_group;
	struct dev_iommu *param = dev->iommu;
	const struct iommu_ops *ops;
	struct group_device *gdev, *found = NULL;

	if (!param)
		return;
	mutex_lock(&iommu_probe_lock);
	ops = dev_iommu_ops(dev);
	WARN(param->fault_param, "%s released while on an iopf queue\n",
	     dev_name(dev));
	if (group) {
		mutex_lock(&group->mutex);
		for_each_group_device(group, gdev) {
			if (gdev->dev == dev) {
				found = gdev;
				break;
			}
		}
		if (!WARN_ON(!found))
			list_del(&found->list);
		if (list_empty(&group->devices))
			WARN_ON(group->owner_cnt ||
				group->domain != group->default_domain ||
				!xa_empty(&group->pasid_array));
		if (!param->require_direct && ops->release_domain)
			ops->release_domain->ops->attach_dev(ops->release_domain,
							     dev);
		if (ops->release_device)
			ops->release_device(dev);
		if (list_empty(&group->devices))
			iommu_group_free_domains(group);
		dev->iommu_group = NULL;
		mutex_unlock(&group->mutex);
		kfree(found);
		iommu_group_put(group);
	} else if (ops->release_device) {
		ops->release_device(dev);
	}
	dev->iommu = NULL;
	mutex_destroy(&param->lock);
	kfree(param);
	mutex_unlock(&iommu_probe_lock);
}

bool device_iommu_capable(struct device *dev, enum iommu_cap cap)
{
	const struct iommu_ops *ops;

	if (!dev_has_iommu(dev))
		return false;
	ops = dev_iommu_ops(dev);
	if (!ops->capable)
		return false;
	return ops->capable(dev, cap);
}

/* ---- map and unmap ---------------------------------------------------- */

/*
 * Choose the leaf size for the next run of a map or unmap: the largest size
 * the domain supports that is no larger than @size and to which both @iova
 * and @paddr are aligned.  *@count says how many such leaves to do in one
 * call: all of @size, except that when the next larger supported size
 * could be used further on (IOVA and physical address have the same offset
 * within it, and a whole one fits), the run stops at that boundary so that
 * the next round can pick the larger size.
 */
static size_t iommu_pgsize(struct iommu_domain *domain, unsigned long iova,
			   phys_addr_t paddr, size_t size, size_t *count)
{
	unsigned long both = (unsigned long)paddr | iova;
	unsigned long usable, larger;
	unsigned int shift;
	size_t run = size;

	usable = domain->pgsize_bitmap & GENMASK(__fls(size), 0);
	if (both)
		usable &= GENMASK(__ffs(both), 0);
	BUG_ON(!usable);
	shift = __fls(usable);

	larger = domain->pgsize_bitmap & ~GENMASK(shift, 0);
	if (larger) {
		size_t next = 1UL << __ffs(larger);

		if (!((iova ^ (unsigned long)paddr) & (next - 1))) {
			size_t to_boundary = next - (both & (next - 1));

			if (to_boundary + next <= size)
				run = to_boundary;
		}
	}
	*count = run >> shift;
	return 1UL << shift;
}

static int __iommu_map(struct iommu_domain *domain, unsigned long iova,
		       phys_addr_t paddr, size_t size, int prot, gfp_t gfp)
{
	const struct iommu_domain_ops *ops = domain->ops;
	unsigned long orig_iova = iova;
	size_t orig_size = size;
	unsigned long min_pagesz;
	int ret = 0;

	if (WARN_ON(!ops->map_pages || !domain->pgsize_bitmap))
		return -ENODEV;
	if (WARN_ON(!(domain->type & __IOMMU_DOMAIN_PAGING)))
		return -EINVAL;
	min_pagesz = 1UL << __ffs(domain->pgsize_bitmap);
	if (!IS_ALIGNED(iova | (unsigned long)paddr | size, min_pagesz)) {
		pr_err("unaligned: iova 0x%lx pa 0x%llx size 0x%zx min_pagesz 0x%lx\n",
		       iova, (unsigned long long)paddr, size, min_pagesz);
		return -EINVAL;
	}

	while (size) {
		size_t pgsize, count, mapped = 0;

		pgsize = iommu_pgsize(domain, iova, paddr, size, &count);
		ret = ops->map_pages(domain, iova, paddr, pgsize, count, prot,
				     gfp, &mapped);
		/* What was mapped before an error must be unmapped below. */
		size -= mapped;
		if (ret)
			break;
		if (WARN_ON(!mapped)) {
			ret = -EINVAL;
			break;
		}
		iova += mapped;
		paddr += mapped;
	}
	if (ret)
		iommu_unmap(domain, orig_iova, orig_size - size);
	return ret;
}

/**
 * iommu_map() - map a physically contiguous range
 * @domain: a paging domain
 * @iova: first IOVA, aligned to the smallest page size
 * @paddr: first physical address, equally aligned
 * @size: bytes, equally aligned
 * @prot: IOMMU_READ/WRITE/CACHE/...
 * @gfp: for page-table memory
 *
 * Return: 0, or an error after unmapping whatever part was mapped.
 */
int iommu_map(struct iommu_domain *domain, unsigned long iova,
	      phys_addr_t paddr, size_t size, int prot, gfp_t gfp)
{
	const struct iommu_domain_ops *ops = domain->ops;
	int ret;

	might_sleep_if(gfpflags_allow_blocking(gfp));
	/* Page-table memory never needs these. */
	if (WARN_ON_ONCE(gfp & (__GFP_COMP | __GFP_DMA | __GFP_DMA32 |
				__GFP_HIGHMEM)))
		return -EINVAL;
	ret = __iommu_map(domain, iova, paddr, size, prot, gfp);
	if (!ret && ops->iotlb_sync_map) {
		ret = ops->iotlb_sync_map(domain, iova, size);
		if (ret)
			iommu_unmap(domain, iova, size);
	}
	return ret;
}

static size_t __iommu_unmap(struct iommu_domain *domain, unsigned long iova,
			    size_t size, struct iommu_iotlb_gather *gather)
{
	const struct iommu_domain_ops *ops = domain->ops;
	unsigned long min_pagesz;
	size_t unmapped = 0;

	if (WARN_ON(!ops->unmap_pages || !domain->pgsize_bitmap))
		return 0;
	if (WARN_ON(!(domain->type & __IOMMU_DOMAIN_PAGING)))
		return 0;
	min_pagesz = 1UL << __ffs(domain->pgsize_bitmap);
	if (!IS_ALIGNED(iova | size, min_pagesz)) {
		pr_err("unaligned: iova 0x%lx size 0x%zx min_pagesz 0x%lx\n",
		       iova, size, min_pagesz);
		return 0;
	}

	while (unmapped < size) {
		size_t pgsize, count, done;

		pgsize = iommu_pgsize(domain, iova, iova, size - unmapped,
				      &count);
		done = ops->unmap_pages(domain, iova, pgsize, count, gather);
		if (!done)
			break;
		iova += done;
		unmapped += done;
	}
	return unmapped;
}

/**
 * iommu_unmap() - unmap a range and flush the IOTLB for it
 * @domain: a paging domain
 * @iova: first IOVA
 * @size: bytes
 *
 * Does not allocate.  Stops at the first hole.
 *
 * Return: bytes unmapped; more than @size if the range ended inside a
 * larger leaf (the driver removed it whole).
 */
size_t iommu_unmap(struct iommu_domain *domain, unsigned long iova,
		   size_t size)
{
	struct iommu_iotlb_gather gather;
	size_t ret;

	iommu_iotlb_gather_init(&gather);
	ret = __iommu_unmap(domain, iova, size, &gather);
	iommu_iotlb_sync(domain, &gather);
	return ret;
}

/**
 * iommu_unmap_fast() - unmap without flushing
 * @domain: a paging domain
 * @iova: first IOVA
 * @size: bytes
 * @iotlb_gather: collects the range; the caller calls iommu_iotlb_sync()
 *
 * Return: bytes unmapped, as iommu_unmap().
 */
size_t iommu_unmap_fast(struct iommu_domain *domain, unsigned long iova,
			size_t size, struct iommu_iotlb_gather *iotlb_gather)
{
	return __iommu_unmap(domain, iova, size, iotlb_gather);
}

/**
 * iommu_iova_to_phys() - what an IOVA translates to
 * @domain: the domain
 * @iova: the IOVA, any offset
 *
 * Return: the physical address including the offset, or 0.
 */
phys_addr_t iommu_iova_to_phys(struct iommu_domain *domain, dma_addr_t iova)
{
	if (domain->type == IOMMU_DOMAIN_IDENTITY)
		return iova;
	if (domain->type == IOMMU_DOMAIN_BLOCKED)
		return 0;
	if (WARN_ON(!domain->ops->iova_to_phys))
		return 0;
	return domain->ops->iova_to_phys(domain, iova);
}

/* ---- reserved regions ----------------------------------------------- */

/**
 * iommu_get_resv_regions() - a device's reserved regions
 * @dev: the device
 * @list: the regions are added here; free them with
 *	  iommu_put_resv_regions()
 */
void iommu_get_resv_regions(struct device *dev, struct list_head *list)
{
	const struct iommu_ops *ops;

	if (!dev_has_iommu(dev))
		return;
	ops = dev_iommu_ops(dev);
	if (ops->get_resv_regions)
		ops->get_resv_regions(dev, list);
}

/**
 * iommu_put_resv_regions() - free what iommu_get_resv_regions() gave
 * @dev: the device
 * @list: the regions
 */
void iommu_put_resv_regions(struct device *dev, struct list_head *list)
{
	struct iommu_resv_region *entry, *next;

	list_for_each_entry_safe(entry, next, list, list) {
		if (entry->free)
			entry->free(dev, entry);
		else
			kfree(entry);
	}
	INIT_LIST_HEAD(list);
}

/**
 * iommu_alloc_resv_region() - allocate a reserved region descriptor
 * @start: first address
 * @length: bytes
 * @prot: IOMMU_READ/WRITE/... (direct regions)
 * @type: the kind of region
 * @gfp: allocation flags
 *
 * Return: the region (freed with kfree by iommu_put_resv_regions), or NULL.
 */
struct iommu_resv_region *iommu_alloc_resv_region(phys_addr_t start,
						  size_t length, int prot,
						  enum iommu_resv_type type,
						  gfp_t gfp)
{
	struct iommu_resv_region *region;

	region = kzalloc(sizeof(*region), gfp);
	if (!region)
		return NULL;
	INIT_LIST_HEAD(&region->list);
	region->start = start;
	region->length = length;
	region->prot = prot;
	region->type = type;
	return region;
}

/* ---- user data ------------------------------------------------------ */

int kshim_iommu_copy_struct_from_user(void *dst, size_t ksize,
				      const void __user *src, size_t usize)
{
	return copy_struct_from_user(dst, ksize, src, usize);
}

/*
 * iommufd implements iova_bitmap_set() (iommufd/iova_bitmap.c) and its
 * definition wins at link time.  Programs without iommufd record dirty
 * ranges through iommu_dirty_bitmap.kshim_record and never get here.
 */
__attribute__((weak)) void iova_bitmap_set(struct iova_bitmap *bitmap,
					   unsigned long iova, size_t length)
{
	WARN(1, "iova_bitmap_set() without an iova_bitmap implementation\n");
}

/* ---- the world ---------------------------------------------------------- */

unsigned long kshim_iommu_domains_live(void)
{
	unsigned long n;

	pthread_mutex_lock(&registry_lock);
	n = domains_count;
	pthread_mutex_unlock(&registry_lock);
	return n;
}

unsigned long kshim_iommu_groups_live(void)
{
	unsigned long n;

	pthread_mutex_lock(&registry_lock);
	n = groups_count;
	pthread_mutex_unlock(&registry_lock);
	return n;
}

static void iommu_world_begin(void)
{
	mutex_init(&iommu_probe_lock);
	INIT_LIST_HEAD(&iommu_device_list);
	pthread_mutex_lock(&registry_lock);
	INIT_LIST_HEAD(&groups_live);
	INIT_LIST_HEAD(&domains_live);
	groups_count = 0;
	domains_count = 0;
	pthread_mutex_unlock(&registry_lock);
}

static int iommu_world_audit(FILE *out)
{
	struct iommu_domain *domain;
	struct iommu_group *group;
	int problems = 0;

	/*
	 * Registered IOMMU instances are not a problem: drivers register
	 * them for the world's lifetime (module init).
	 */
	pthread_mutex_lock(&registry_lock);
	list_for_each_entry(group, &groups_live, kshim_node) {
		if (out)
			fprintf(out, "iommu: group %d still referenced (%u refs)\n",
				group->id, kref_read(&group->ref));
		problems++;
	}
	list_for_each_entry(domain, &domains_live, kshim_node) {
		if (out)
			fprintf(out, "iommu: domain %p (type %#x) never freed\n",
				(void *)domain, domain->type);
		problems++;
	}
	pthread_mutex_unlock(&registry_lock);
	return problems;
}

/* Forget what the world left behind; its memory is gone with it. */
static void iommu_world_end(void)
{
	INIT_LIST_HEAD(&iommu_device_list);
	pthread_mutex_lock(&registry_lock);
	INIT_LIST_HEAD(&groups_live);
	INIT_LIST_HEAD(&domains_live);
	groups_count = 0;
	domains_count = 0;
	pthread_mutex_unlock(&registry_lock);
}

KSHIM_WORLD_HOOK(iommu_world_hook,
	.prio = KSHIM_PRIO_CORE,
	.name = "iommu",
	.begin = iommu_world_begin,
	.audit = iommu_world_audit,
	.end = iommu_world_end,
);
