/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/device.h - struct device, its reference count and its log helpers.
 *
 * Contract
 *   Kept:    device_initialize() starts the reference count at 1;
 *            get_device()/put_device() (both NULL-safe) and the release
 *            callback, called exactly once when the last reference goes,
 *            after which the name set with dev_set_name() is freed;
 *            dev_name() (init_name wins, as in the kernel);
 *            dev_get_drvdata()/dev_set_drvdata(); device_add(),
 *            device_del() and device_unregister(); dev_err/dev_warn/
 *            dev_notice/dev_info/dev_dbg print "<name>: <message>" through
 *            printk at the matching level.  A device without a release
 *            callback WARNs when its last reference goes, as the kernel's
 *            "does not have a release() function" complaint does.
 *   Dropped: kobjects, sysfs, buses, classes, drivers and driver binding,
 *            power management, device links, firmware nodes and
 *            properties.  There is one implicit bus: device_add() offers
 *            the device to every registered IOMMU (iommu_probe_device()),
 *            which is what the IOMMU core's bus notifier does in the kernel
 *            when a device appears on a bus with an IOMMU.
 *   Added:   device_add() fails when that IOMMU probe fails with anything
 *            but -ENODEV (in the kernel the same failure surfaces when a
 *            driver binds, through dma_configure), so a caller sees
 *            injected allocation failures.  Two fields stand in for
 *            firmware/platform facts the kernel reads elsewhere:
 *            kshim_pasid_num_bits (the "pasid-num-bits" device property or
 *            the PCI PASID capability width) and kshim_isolated_msi (the
 *            MSI irq domain's IRQ_DOMAIN_FLAG_ISOLATED_MSI).  Every
 *            initialised device is on a per-world list; the world audit
 *            reports devices whose last reference was never dropped.
 */
#ifndef _KSHIM_LINUX_DEVICE_H
#define _KSHIM_LINUX_DEVICE_H

#include <linux/compiler.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/printk.h>
#include <linux/types.h>

struct dev_iommu;
struct iommu_group;

/**
 * struct device - a device as the IOMMU core and its drivers see it
 * @parent: the parent device, or NULL (not referenced by the shim)
 * @init_name: a constant name, used when no name was set
 * @release: called when the last reference is dropped; frees the device
 * @driver_data: for dev_get_drvdata()/dev_set_drvdata()
 * @iommu: per-device IOMMU data, set by iommu_probe_device()
 * @iommu_group: the group, set while the device is a member of one
 * @kshim_name: the name set by dev_set_name() (kmalloc'd)
 * @kshim_ref: the reference count (the kernel keeps it in a kobject)
 * @kshim_pasid_num_bits: PASID width the device supports, 0 for none
 * @kshim_isolated_msi: the device's MSIs are isolated by the platform
 * @kshim_added: between device_add() and device_del()
 * @kshim_node: on the world's list of live devices
 */
struct device {
	struct device *parent;
	const char *init_name;
	void (*release)(struct device *dev);
	void *driver_data;
	struct dev_iommu *iommu;
	struct iommu_group *iommu_group;

	char *kshim_name;
	struct kref kshim_ref;
	u32 kshim_pasid_num_bits;
	bool kshim_isolated_msi;
	bool kshim_added;
	struct list_head kshim_node;
};

/**
 * device_initialize() - prepare a device for use
 * @dev: the device, zeroed by the caller except for the fields it sets
 *
 * The reference count starts at 1; drop it with put_device().
 */
void device_initialize(struct device *dev);

/**
 * dev_set_name() - set the device's name
 * @dev: the device
 * @fmt: printf format
 *
 * Return: 0, or -ENOMEM (the name is a counted allocation).
 */
int dev_set_name(struct device *dev, const char *fmt, ...) __printf(2, 3);

/**
 * device_add() - make the device visible
 * @dev: an initialised device
 *
 * Offers the device to the registered IOMMUs, as a bus notifier would.
 *
 * Return: 0, or the IOMMU probe's error (other than -ENODEV, which means no
 * IOMMU wanted the device).
 */
int device_add(struct device *dev);

/**
 * device_del() - undo device_add()
 * @dev: the device; it keeps the caller's reference
 *
 * Releases the device from its IOMMU (group membership, IOMMU data).
 */
void device_del(struct device *dev);

/**
 * device_unregister() - device_del() and drop a reference
 * @dev: the device
 */
void device_unregister(struct device *dev);

/**
 * get_device() - take a reference
 * @dev: the device, or NULL
 *
 * Return: @dev.
 */
struct device *get_device(struct device *dev);

/**
 * put_device() - drop a reference; the last one calls @dev->release
 * @dev: the device, or NULL
 */
void put_device(struct device *dev);

static inline const char *dev_name(const struct device *dev)
{
	if (dev->init_name)
		return dev->init_name;
	return dev->kshim_name ? dev->kshim_name : "(unnamed)";
}

static inline void *dev_get_drvdata(const struct device *dev)
{
	return dev->driver_data;
}

static inline void dev_set_drvdata(struct device *dev, void *data)
{
	dev->driver_data = data;
}

/* Devices initialised and not yet released in this world. */
unsigned long kshim_devices_live(void);

#define dev_printk(level, dev, fmt, ...)				\
	printk(level "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_emerg(dev, fmt, ...)  dev_printk(KERN_EMERG, dev, fmt, ##__VA_ARGS__)
#define dev_crit(dev, fmt, ...)   dev_printk(KERN_CRIT, dev, fmt, ##__VA_ARGS__)
#define dev_err(dev, fmt, ...)    dev_printk(KERN_ERR, dev, fmt, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...)   dev_printk(KERN_WARNING, dev, fmt, ##__VA_ARGS__)
#define dev_notice(dev, fmt, ...) dev_printk(KERN_NOTICE, dev, fmt, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...)   dev_printk(KERN_INFO, dev, fmt, ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...)    dev_printk(KERN_DEBUG, dev, fmt, ##__VA_ARGS__)
#define dev_err_ratelimited(dev, fmt, ...)  dev_err(dev, fmt, ##__VA_ARGS__)
#define dev_warn_ratelimited(dev, fmt, ...) dev_warn(dev, fmt, ##__VA_ARGS__)
#define dev_info_ratelimited(dev, fmt, ...) dev_info(dev, fmt, ##__VA_ARGS__)

#endif /* _KSHIM_LINUX_DEVICE_H */
