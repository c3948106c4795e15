/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/file.h - file descriptors.
 *
 * Contract
 *   Kept:    a task's descriptor table: get_unused_fd_flags() reserves the
 *            lowest free number, fd_install() publishes a file there (the
 *            table then owns that reference), put_unused_fd() gives back a
 *            reservation, fget()/fdget() take a reference on the file behind
 *            a number (NULL / empty for a bad fd), close_fd() removes and
 *            puts.  A number is visible to fget() only after fd_install().
 *   Dropped: O_CLOEXEC has no exec to act on; it is recorded in f_flags.
 *   Added:   tables are kshim objects (kshim_files_create/put) that a
 *            simulated process's threads share through current->files; a
 *            front end may supply its own number allocator (the preload
 *            library makes simulated numbers equal to placeholder host
 *            descriptors).
 */
#ifndef _KSHIM_LINUX_FILE_H
#define _KSHIM_LINUX_FILE_H

#include <linux/fs.h>

struct files_struct;

int get_unused_fd_flags(unsigned int flags);
void put_unused_fd(unsigned int fd);
void fd_install(unsigned int fd, struct file *file);
struct file *fget(unsigned int fd);
int close_fd(unsigned int fd);

struct fd {
	struct file *file;
};

static inline struct fd fdget(unsigned int fd)
{
	struct fd f = { .file = fget(fd) };

	return f;
}

static inline void fdput(struct fd f)
{
	if (f.file)
		fput(f.file);
}

static inline struct file *fd_file(struct fd f)
{
	return f.file;
}

#define fd_empty(f)	(!(f).file)

/* Number allocator of a front end: returns a number >= 0 or -errno. */
struct kshim_fd_allocator {
	int (*alloc)(void *data, unsigned int flags);
	void (*free)(void *data, int fd);
	void *data;
};

struct files_struct *kshim_files_create(const struct kshim_fd_allocator *a);
void kshim_files_get(struct files_struct *files);
/* Drop a reference; the last one closes every descriptor left. */
void kshim_files_put(struct files_struct *files);
/*
 * Install @file at number @fd of @files, as dup2() does once the number is
 * free (the front end made it so).  The table takes the caller's
 * reference.  Return: 0, or -EBUSY if @fd is in use.
 */
int kshim_files_install_at(struct files_struct *files, unsigned int fd,
			   struct file *file);
/* The table used by tasks whose ->files is NULL (per world). */
struct files_struct *kshim_files_default(void);
/* Number of open descriptors in @files. */
unsigned int kshim_files_count(struct files_struct *files);

#endif /* _KSHIM_LINUX_FILE_H */
