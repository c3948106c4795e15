/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/miscdevice.h - character devices with a node under /dev.
 *
 * Contract
 *   Kept:    misc_register() makes /dev/<nodename or name> openable with the
 *            device's file_operations (open() is called with the new file,
 *            whose private_data is the struct miscdevice),
 *            misc_deregister() removes it; registering the same node twice
 *            is -EBUSY.
 *   Dropped: minor numbers beyond bookkeeping, sysfs, permissions (the
 *            mode is recorded).
 *   Added:   kshim_misc_open(), which front ends call for open("/dev/...").
 */
#ifndef _KSHIM_LINUX_MISCDEVICE_H
#define _KSHIM_LINUX_MISCDEVICE_H

#include <linux/fs.h>
#include <linux/list.h>

#define MISC_DYNAMIC_MINOR	255
#define IOMMUFD_MINOR		MISC_DYNAMIC_MINOR
#define VFIO_MINOR		196

typedef unsigned short umode_t;

struct miscdevice {
	int minor;
	const char *name;
	const struct file_operations *fops;
	const char *nodename;
	umode_t mode;
	struct list_head list;
};

int misc_register(struct miscdevice *misc);
void misc_deregister(struct miscdevice *misc);

/*
 * Open the device node @path ("/dev/iommu") with @flags: a new file whose
 * inode is named after the node.  Return: the file, or ERR_PTR(-ENOENT)
 * when no device has that node, or the error of the device's open().
 */
struct file *kshim_misc_open(const char *path, unsigned int flags);

#endif /* _KSHIM_LINUX_MISCDEVICE_H */
