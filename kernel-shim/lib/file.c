// SPDX-License-Identifier: GPL-2.0
/*
 * Files, descriptor tables and deferred release (linux/fs.h, file.h,
 * anon_inodes.h).
 *
 * A descriptor table maps numbers to files.  A reserved number (from
 * get_unused_fd_flags()) holds a sentinel until fd_install() publishes the
 * file, so fget() never returns a half-made descriptor.  The table's own
 * lock is a shim spinlock, like the kernel's file_lock.
 *
 * The last fput() queues the file on the current task's task-work list; the
 * front end runs it at every simulated syscall exit (and a thread runs its
 * own at exit), so ->release() happens after the syscall that dropped the
 * last reference has unwound, as in the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <linux/anon_inodes.h>
#include <linux/bug.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <kshim/world.h>

#define FD_RESERVED	((struct file *)1)

struct files_struct {
	refcount_t count;
	spinlock_t lock;
	struct file **fds;
	unsigned int nr;
	struct kshim_fd_allocator alloc;
	bool has_alloc;
};

static struct files_struct *default_files;

struct files_struct *kshim_files_create(const struct kshim_fd_allocator *a)
{
	struct files_struct *files = kzalloc(sizeof(*files), GFP_KERNEL);

	if (!files)
		return NULL;
	refcount_set(&files->count, 1);
	spin_lock_init(&files->lock);
	if (a) {
		files->alloc = *a;
		files->has_alloc = true;
	}
	return files;
}

void kshim_files_get(struct files_struct *files)
{
	refcount_inc(&files->count);
}

static struct files_struct *current_files(void)
{
	struct task_struct *t = current;

	if (t->files)
		return t->files;
	if (!default_files)
		default_files = kshim_files_create(NULL);
	return default_files;
}

struct files_struct *kshim_files_default(void)
{
	if (!default_files)
		default_files = kshim_files_create(NULL);
	return default_files;
}

/* Make room for descriptor @fd; lock held, may drop it to allocate. */
static int expand(struct files_struct *files, unsigned int fd)
{
	unsigned int nr = max(16u, files->nr);
	struct file **fds;

	while (nr <= fd)
		nr *= 2;
	if (nr == files->nr)
		return 0;
	fds = kcalloc(nr, sizeof(*fds), GFP_ATOMIC);
	if (!fds)
		return -EMFILE;
	if (files->nr)
		memcpy(fds, files->fds, files->nr * sizeof(*fds));
	kfree(files->fds);
	files->fds = fds;
	files->nr = nr;
	return 0;
}

int get_unused_fd_flags(unsigned int flags)
{
	struct files_struct *files = current_files();
	int fd, rc;

	if (files->has_alloc) {
		fd = files->alloc.alloc(files->alloc.data, flags);
		if (fd < 0)
			return fd;
		spin_lock(&files->lock);
		rc = expand(files, fd);
		if (!rc && !WARN_ON(files->fds[fd]))
			files->fds[fd] = FD_RESERVED;
		spin_unlock(&files->lock);
		if (rc)
			files->alloc.free(files->alloc.data, fd);
		return rc ? rc : fd;
	}

	spin_lock(&files->lock);
	for (fd = 3; fd < (int)files->nr && files->fds[fd]; fd++)
		;
	rc = expand(files, fd);
	if (!rc)
		files->fds[fd] = FD_RESERVED;
	spin_unlock(&files->lock);
	return rc ? rc : fd;
}

void put_unused_fd(unsigned int fd)
{
	struct files_struct *files = current_files();

	spin_lock(&files->lock);
	if (!WARN_ON(fd >= files->nr || files->fds[fd] != FD_RESERVED))
		files->fds[fd] = NULL;
	spin_unlock(&files->lock);
	if (files->has_alloc)
		files->alloc.free(files->alloc.data, fd);
}

void fd_install(unsigned int fd, struct file *file)
{
	struct files_struct *files = current_files();

	spin_lock(&files->lock);
	if (!WARN_ON(fd >= files->nr || files->fds[fd] != FD_RESERVED))
		files->fds[fd] = file;
	spin_unlock(&files->lock);
}

struct file *fget(unsigned int fd)
{
	struct files_struct *files = current_files();
	struct file *file = NULL;

	spin_lock(&files->lock);
	if (fd < files->nr && files->fds[fd] && files->fds[fd] != FD_RESERVED)
		file = get_file(files->fds[fd]);
	spin_unlock(&files->lock);
	return file;
}

int close_fd(unsigned int fd)
{
	struct files_struct *files = current_files();
	struct file *file = NULL;

	spin_lock(&files->lock);
	if (fd < files->nr && files->fds[fd] != FD_RESERVED) {
		file = files->fds[fd];
		files->fds[fd] = NULL;
	}
	spin_unlock(&files->lock);
	if (!file)
		return -EBADF;
	if (files->has_alloc)
		files->alloc.free(files->alloc.data, fd);
	fput(file);
	return 0;
}

int kshim_files_install_at(struct files_struct *files, unsigned int fd,
			   struct file *file)
{
	int rc;

	spin_lock(&files->lock);
	rc = expand(files, fd);
	if (!rc && files->fds[fd])
		rc = -EBUSY;
	if (!rc)
		files->fds[fd] = file;
	spin_unlock(&files->lock);
	return rc;
}

unsigned int kshim_files_count(struct files_struct *files)
{
	unsigned int i, n = 0;

	spin_lock(&files->lock);
	for (i = 0; i < files->nr; i++)
		n += files->fds[i] && files->fds[i] != FD_RESERVED;
	spin_unlock(&files->lock);
	return n;
}

void kshim_files_put(struct files_struct *files)
{
	unsigned int i;

	if (!refcount_dec_and_test(&files->count))
		return;
	for (i = 0; i < files->nr; i++) {
		struct file *file = files->fds[i];

		if (!file || file == FD_RESERVED)
			continue;
		files->fds[i] = NULL;
		if (files->has_alloc)
			files->alloc.free(files->alloc.data, i);
		fput(file);
	}
	kfree(files->fds);
	kfree(files);
}

struct file *kshim_file_alloc(const char *name,
			      const struct file_operations *fops, void *priv,
			      unsigned int flags)
{
	struct file *file = kzalloc(sizeof(*file) + sizeof(struct inode),
				    GFP_KERNEL);

	if (!file)
		return NULL;
	atomic_long_set(&file->f_count, 1);
	file->f_op = fops;
	file->private_data = priv;
	file->f_flags = flags;
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		file->f_mode = FMODE_READ;
		break;
	case O_WRONLY:
		file->f_mode = FMODE_WRITE;
		break;
	default:
		file->f_mode = FMODE_READ | FMODE_WRITE;
		break;
	}
	file->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	file->f_inode = (struct inode *)(file + 1);
	file->f_inode->i_name = name;
	INIT_LIST_HEAD(&file->f_task_work);
	return file;
}

static void file_release(struct file *file)
{
	if (file->f_op && file->f_op->release)
		file->f_op->release(file->f_inode, file);
	kfree(file);
}

void fput(struct file *file)
{
	struct task_struct *t = current;

	if (!atomic_long_dec_and_test(&file->f_count))
		return;
	list_add_tail(&file->f_task_work, &t->kshim.task_works);
}

void __fput_sync(struct file *file)
{
	if (WARN_ON(atomic_long_read(&file->f_count) != 1))
		return;
	atomic_long_set(&file->f_count, 0);
	file_release(file);
}

void kshim_task_work_run(void)
{
	struct task_struct *t = current;

	while (!list_empty(&t->kshim.task_works)) {
		struct file *file = list_first_entry(&t->kshim.task_works,
						     struct file, f_task_work);

		list_del_init(&file->f_task_work);
		file_release(file);
	}
}

struct file *anon_inode_getfile(const char *name,
				const struct file_operations *fops,
				void *priv, int flags)
{
	struct file *file = kshim_file_alloc(name, fops, priv, flags);

	return file ? file : ERR_PTR(-ENOMEM);
}

int anon_inode_getfd(const char *name, const struct file_operations *fops,
		     void *priv, int flags)
{
	struct file *file;
	int fd = get_unused_fd_flags(flags);

	if (fd < 0)
		return fd;
	file = anon_inode_getfile(name, fops, priv, flags);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	fd_install(fd, file);
	return fd;
}

loff_t no_llseek(struct file *file, loff_t offset, int whence)
{
	return -ESPIPE;
}

loff_t noop_llseek(struct file *file, loff_t offset, int whence)
{
	return file->f_pos;
}

int stream_open(struct inode *inode, struct file *filp)
{
	filp->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE |
			  FMODE_ATOMIC_POS);
	filp->f_mode |= FMODE_STREAM;
	return 0;
}

int nonseekable_open(struct inode *inode, struct file *filp)
{
	filp->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE);
	return 0;
}

/*
 * The default table belongs to the world: before the audit, run the task
 * work of the auditing task (a test that closed its last fd just now);
 * at the end, close whatever the world left open.
 */
static int files_audit(FILE *out)
{
	unsigned int n;

	kshim_task_work_run();
	if (!default_files)
		return 0;
	n = kshim_files_count(default_files);
	if (n && out)
		fprintf(out, "files: %u descriptor(s) still open\n", n);
	return n ? 1 : 0;
}

static void files_end(void)
{
	if (default_files) {
		kshim_files_put(default_files);
		default_files = NULL;
	}
	kshim_task_work_run();
}

KSHIM_WORLD_HOOK(files_hook,
	.name = "files",
	.prio = KSHIM_PRIO_FILES,
	.audit = files_audit,
	.end = files_end,
);
