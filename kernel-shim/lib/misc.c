// SPDX-License-Identifier: GPL-2.0
/*
 * Misc character devices and module start-up (linux/miscdevice.h,
 * linux/module.h).
 */
#include <errno.h>
#include <string.h>
#include <linux/bug.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include "kshim_internal.h"

static LIST_HEAD(misc_list);
static pthread_mutex_t misc_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *misc_node(const struct miscdevice *misc)
{
	return misc->nodename ? misc->nodename : misc->name;
}

int misc_register(struct miscdevice *misc)
{
	struct miscdevice *c;
	int rc = 0;

	pthread_mutex_lock(&misc_lock);
	list_for_each_entry(c, &misc_list, list) {
		if (!strcmp(misc_node(c), misc_node(misc))) {
			rc = -EBUSY;
			goto out;
		}
	}
	list_add_tail(&misc->list, &misc_list);
out:
	pthread_mutex_unlock(&misc_lock);
	return rc;
}

void misc_deregister(struct miscdevice *misc)
{
	pthread_mutex_lock(&misc_lock);
	list_del_init(&misc->list);
	pthread_mutex_unlock(&misc_lock);
}

struct file *kshim_misc_open(const char *path, unsigned int flags)
{
	const struct miscdevice *found = NULL;
	struct miscdevice *c;
	struct file *file;
	int rc;

	if (strncmp(path, "/dev/", 5))
		return ERR_PTR(-ENOENT);
	pthread_mutex_lock(&misc_lock);
	list_for_each_entry(c, &misc_list, list)
		if (!strcmp(misc_node(c), path + 5))
			found = c;
	pthread_mutex_unlock(&misc_lock);
	if (!found)
		return ERR_PTR(-ENOENT);

	/*
	 * The inode carries the device name ("iommu", "vfio"); open() finds
	 * its device in private_data, as misc_open() leaves it.
	 */
	file = kshim_file_alloc(found->name, found->fops, (void *)found, flags);
	if (!file)
		return ERR_PTR(-ENOMEM);
	if (found->fops->open) {
		rc = found->fops->open(file->f_inode, file);
		if (rc) {
			/* The open failed: there is nothing to release. */
			kfree(file);
			return ERR_PTR(rc);
		}
	}
	return file;
}

void kshim_module_init_failed(const char *fn, int err)
{
	WARN(1, "module init %s failed: %d\n", fn, err);
}
