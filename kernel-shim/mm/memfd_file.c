// SPDX-License-Identifier: GPL-2.0
/*
 * memfds as struct file (kshim/memfd_file.h).
 */
#include <fcntl.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <kshim/memfd_file.h>
#include <kshim/umem.h>

static int memfd_release(struct inode *inode, struct file *file)
{
	kshim_memfd_put(file->private_data);
	return 0;
}

static const struct file_operations memfd_fops = {
	.release = memfd_release,
	.llseek = noop_llseek,
};

struct file *kshim_memfd_file(struct kshim_memfd *mf)
{
	struct file *file = kshim_file_alloc("memfd:iommufd-sim", &memfd_fops,
					     mf, O_RDWR);

	if (!file)
		return ERR_PTR(-ENOMEM);
	kshim_memfd_get(mf);
	return file;
}

struct kshim_memfd *kshim_memfd_from_file(struct file *file)
{
	return file->f_op == &memfd_fops ? file->private_data : NULL;
}
