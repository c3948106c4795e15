// SPDX-License-Identifier: GPL-2.0
/*
 * struct device: reference counting, names, add/del (linux/device.h).
 *
 * A device lives from device_initialize() until its last put_device(),
 * which calls its release callback.  Between device_add() and device_del()
 * it is visible to the IOMMU core, which probes it as the kernel's bus
 * notifier would.  Every live device is on this world's list, guarded by a
 * host mutex (bookkeeping only: no simulated lock is taken under it and no
 * callback runs under it), so the world audit can name what was leaked.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <linux/bug.h>
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/slab.h>
#include <kshim/world.h>

static pthread_mutex_t devices_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(devices_live);
static unsigned long devices_count;

void device_initialize(struct device *dev)
{
	kref_init(&dev->kshim_ref);
	pthread_mutex_lock(&devices_lock);
	list_add_tail(&dev->kshim_node, &devices_live);
	devices_count++;
	pthread_mutex_unlock(&devices_lock);
}

int dev_set_name(struct device *dev, const char *fmt, ...)
{
	va_list ap;
	char *name;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		return -EINVAL;
	name = kmalloc(len + 1, GFP_KERNEL);
	if (!name)
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(name, len + 1, fmt, ap);
	va_end(ap);
	kfree(dev->kshim_name);
	dev->kshim_name = name;
	return 0;
}

struct device *get_device(struct device *dev)
{
	if (dev)
		kref_get(&dev->kshim_ref);
	return dev;
}

static void device_release(struct kref *kref)
{
	struct device *dev = container_of(kref, struct device, kshim_ref);
	char *name = dev->kshim_name;

	/* The device memory may go with release(): read nothing after it. */
	WARN(dev->kshim_added, "device %s released while still added\n",
	     dev_name(dev));
	pthread_mutex_lock(&devices_lock);
	list_del(&dev->kshim_node);
	devices_count--;
	pthread_mutex_unlock(&devices_lock);
	if (dev->release)
		dev->release(dev);
	else
		WARN(1, "device '%s' does not have a release() function\n",
		     name ? name : "(unnamed)");
	kfree(name);
}

void put_device(struct device *dev)
{
	if (dev)
		kref_put(&dev->kshim_ref, device_release);
}

int device_add(struct device *dev)
{
	int rc;

	if (WARN_ON(dev->kshim_added))
		return -EEXIST;
	get_device(dev);
	dev->kshim_added = true;
	rc = iommu_probe_device(dev);
	if (rc && rc != -ENODEV) {
		dev->kshim_added = false;
		put_device(dev);
		return rc;
	}
	return 0;
}

void device_del(struct device *dev)
{
	if (WARN_ON(!dev->kshim_added))
		return;
	iommu_release_device(dev);
	dev->kshim_added = false;
	put_device(dev);
}

void device_unregister(struct device *dev)
{
	device_del(dev);
	put_device(dev);
}

unsigned long kshim_devices_live(void)
{
	unsigned long n;

	pthread_mutex_lock(&devices_lock);
	n = devices_count;
	pthread_mutex_unlock(&devices_lock);
	return n;
}

static int devices_audit(FILE *out)
{
	struct device *dev;
	int problems = 0;

	pthread_mutex_lock(&devices_lock);
	list_for_each_entry(dev, &devices_live, kshim_node) {
		if (out)
			fprintf(out, "device: %s still referenced (%u refs)%s\n",
				dev_name(dev), kref_read(&dev->kshim_ref),
				dev->kshim_added ? ", still added" : "");
		problems++;
	}
	pthread_mutex_unlock(&devices_lock);
	return problems;
}

/* A new world starts with no device; leaked ones are forgotten. */
static void devices_reset(void)
{
	pthread_mutex_lock(&devices_lock);
	INIT_LIST_HEAD(&devices_live);
	devices_count = 0;
	pthread_mutex_unlock(&devices_lock);
}

KSHIM_WORLD_HOOK(devices_hook,
	.prio = KSHIM_PRIO_CORE,
	.name = "devices",
	.begin = devices_reset,
	.audit = devices_audit,
	.end = devices_reset,
);
