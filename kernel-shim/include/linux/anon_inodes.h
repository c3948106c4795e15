/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/anon_inodes.h - files without a path.
 *
 * Contract
 *   Kept:    anon_inode_getfile() returns a new file (reference count 1)
 *            with the given operations and private data; anon_inode_getfd()
 *            also installs it in the current task's table.  Flags O_RDWR,
 *            O_RDONLY, O_WRONLY decide f_mode; O_CLOEXEC is recorded.
 *   Dropped: the shared anonymous inode: each file has its own name-only
 *            inode.
 *   Added:   nothing.
 */
#ifndef _KSHIM_LINUX_ANON_INODES_H
#define _KSHIM_LINUX_ANON_INODES_H

#include <linux/fs.h>

struct file *anon_inode_getfile(const char *name,
				const struct file_operations *fops,
				void *priv, int flags);
int anon_inode_getfd(const char *name, const struct file_operations *fops,
		     void *priv, int flags);

#endif /* _KSHIM_LINUX_ANON_INODES_H */
