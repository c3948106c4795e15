/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/fs.h - open files and their operations.
 *
 * Contract
 *   Kept:    struct file with f_op, private_data, f_flags, f_mode, f_pos and
 *            a reference count; struct file_operations with the methods
 *            iommufd uses (read, write, poll, unlocked_ioctl, mmap, release,
 *            llseek, open); get_file()/fput() and __fput_sync().  As in the
 *            kernel, the final fput() of a file does not release it at
 *            once: the release runs as task work when the task returns to
 *            user space (the simulator's syscall exit) or exits, which is
 *            what makes __fput_sync() necessary on abort paths.
 *            no_llseek/noop_llseek, stream_open/nonseekable_open.
 *   Dropped: inodes and dentries beyond a name; the page cache.
 *   Added:   kshim_task_work_run(), called by the front end at every
 *            simulated syscall exit.
 */
#ifndef _KSHIM_LINUX_FS_H
#define _KSHIM_LINUX_FS_H

#include <sys/types.h>
#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/types.h>

/* loff_t comes from the C library (same 64-bit type on x86-64). */
typedef unsigned int fmode_t;
typedef unsigned int __poll_t;

#define FMODE_READ		0x1u
#define FMODE_WRITE		0x2u
#define FMODE_LSEEK		0x4u
#define FMODE_PREAD		0x8u
#define FMODE_PWRITE		0x10u
#define FMODE_ATOMIC_POS	0x8000u
#define FMODE_STREAM		0x200000u

struct file;
struct inode;
struct poll_table_struct;
struct vm_area_struct;

struct file_operations {
	void *owner;
	loff_t (*llseek)(struct file *, loff_t, int);
	ssize_t (*read)(struct file *, char __user *, size_t, loff_t *);
	ssize_t (*write)(struct file *, const char __user *, size_t,
			 loff_t *);
	__poll_t (*poll)(struct file *, struct poll_table_struct *);
	long (*unlocked_ioctl)(struct file *, unsigned int, unsigned long);
	long (*compat_ioctl)(struct file *, unsigned int, unsigned long);
	int (*mmap)(struct file *, struct vm_area_struct *);
	int (*open)(struct inode *, struct file *);
	int (*release)(struct inode *, struct file *);
};

struct inode {
	const char *i_name;	/* the anon inode's name, e.g. "[iommufd]" */
};

struct file {
	atomic_long_t f_count;
	const struct file_operations *f_op;
	void *private_data;
	unsigned int f_flags;
	fmode_t f_mode;
	loff_t f_pos;
	struct inode *f_inode;
	/* shim: deferred release */
	struct list_head f_task_work;
	/* shim: a front end's own tag (preload placeholder fd, ...) */
	unsigned long f_kshim_tag;
};

static inline struct inode *file_inode(const struct file *f)
{
	return f->f_inode;
}

static inline struct file *get_file(struct file *f)
{
	atomic_long_inc(&f->f_count);
	return f;
}

static inline long file_count(struct file *f)
{
	return atomic_long_read(&f->f_count);
}

/* Drop a reference; the last one releases the file at task-work time. */
void fput(struct file *file);
/* Drop the last reference and release the file now. */
void __fput_sync(struct file *file);
/* Run the current task's pending file releases. */
void kshim_task_work_run(void);

/* A file with @fops and @priv; used by anon_inode_getfile() and memfds. */
struct file *kshim_file_alloc(const char *name,
			      const struct file_operations *fops, void *priv,
			      unsigned int flags);

loff_t no_llseek(struct file *file, loff_t offset, int whence);
loff_t noop_llseek(struct file *file, loff_t offset, int whence);
int stream_open(struct inode *inode, struct file *filp);
int nonseekable_open(struct inode *inode, struct file *filp);

#endif /* _KSHIM_LINUX_FS_H */
