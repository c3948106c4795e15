// SPDX-License-Identifier: GPL-2.0
/*
 * The embedding API (iommufd_sim.h): simulated processes and their system
 * calls on the simulated kernel.
 *
 * Every call enters the process (the calling thread acts as it: its mm,
 * credentials and descriptor table become current), runs the kernel side,
 * then does what the kernel does on the way back to user space: runs the
 * task's pending work (deferred file releases) and checks that no lock is
 * held.  -ENOIOCTLCMD becomes ENOTTY, as the VFS makes it.
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <glib.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <kshim/memfd_file.h>
#include <kshim/process.h>
#include <kshim/umem.h>
#include <kshim/world.h>
#include "iommufd_sim.h"
#include "vfio/vfio_mock.h"

struct iommufd_sim {
	GPtrArray *procs;		/* struct iommufd_sim_proc * */
	bool own_world;
	bool vfio_devices;		/* /dev/vfio/devices/vfio* exist */
};

struct iommufd_sim_proc {
	struct iommufd_sim *sim;
	struct kshim_process *proc;
	struct files_struct *files;
	GPtrArray *mems;		/* struct kshim_umem * */
	GPtrArray *memfds;		/* struct kshim_memfd * */
	pthread_mutex_t lock;		/* front-end state below */
	GHashTable *watches;		/* fd -> struct sim_watch * */
	GPtrArray *fd_vmas;		/* struct vm_area_struct *, oldest 1st */
};

static void watch_drop(struct iommufd_sim_proc *p, int fd);
static void fd_vmas_exit(struct iommufd_sim_proc *p);
static int fd_vmas_munmap(struct iommufd_sim_proc *p, unsigned long start,
			  size_t len);
static void watch_drop_all(struct iommufd_sim_proc *p);

/* The thread's state before it entered a process. */
struct sim_call {
	struct iommufd_sim_proc *p;
	struct files_struct *saved_files;
};

static void call_enter(struct iommufd_sim_proc *p, struct sim_call *c)
{
	c->p = p;
	kshim_process_enter(p->proc);
	c->saved_files = current->files;
	current->files = p->files;
}

/* Return to user space: the result is converted to the libc convention. */
static long call_leave(struct sim_call *c, long ret)
{
	kshim_task_work_run();
	kshim_lockdep_assert_none_held("when returning to user space");
	current->files = c->saved_files;
	kshim_process_leave();
	if (ret == -ENOIOCTLCMD)
		ret = -ENOTTY;
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return ret;
}

struct iommufd_sim *iommufd_sim_create(const struct iommufd_sim_opts *opts)
{
	struct kshim_world_config cfg = {
		.mode = KSHIM_MODE_FREE_RUN,
		.seed = opts ? opts->seed : 0,
	};
	struct iommufd_sim *sim = g_new0(struct iommufd_sim, 1);

	sim->own_world = !(opts && opts->in_current_world);
	if (sim->own_world)
		kshim_world_begin(&cfg);
	sim->procs = g_ptr_array_new();
	if (opts && opts->vfio_devices) {
		int rc = vfio_mock_devices_create(opts->vfio_devices,
						  opts->vfio_device_flags);

		if (rc) {
			/* Nothing of this world is worth auditing yet. */
			g_ptr_array_free(sim->procs, TRUE);
			if (sim->own_world)
				kshim_world_end();
			g_free(sim);
			errno = -rc;
			return NULL;
		}
		sim->vfio_devices = true;
	}
	return sim;
}

int iommufd_sim_destroy(struct iommufd_sim *sim, FILE *report)
{
	bool own_world = sim->own_world;
	int problems;

	while (sim->procs->len)
		iommufd_sim_proc_destroy(g_ptr_array_index(sim->procs,
							   sim->procs->len - 1));
	/* Their files are closed: every binding is gone. */
	if (sim->vfio_devices)
		vfio_mock_devices_destroy();
	g_ptr_array_free(sim->procs, TRUE);
	g_free(sim);
	if (!own_world)
		return 0;
	problems = kshim_world_audit(report);
	kshim_world_end();
	return problems;
}

struct iommufd_sim_proc *
iommufd_sim_proc_create(struct iommufd_sim *sim,
			const struct iommufd_sim_proc_opts *opts)
{
	struct kshim_process_opts popts = { 0 };
	struct iommufd_sim_proc *p = g_new0(struct iommufd_sim_proc, 1);

	if (opts) {
		popts.name = opts->name;
		popts.uid = opts->uid;
		popts.root = opts->root;
		popts.caps = opts->caps;
		popts.memlock_cur = opts->memlock_bytes;
		popts.memlock_max = opts->memlock_bytes;
		popts.host_rlimits = opts->host_rlimits;
	}
	p->sim = sim;
	p->proc = kshim_process_create(&popts);
	if (opts && opts->fd_alloc) {
		struct kshim_fd_allocator a = {
			.alloc = opts->fd_alloc,
			.free = opts->fd_free,
			.data = opts->fd_data,
		};

		p->files = kshim_files_create(&a);
	} else {
		p->files = kshim_files_create(NULL);
	}
	if (!p->files) {
		/* Like fork() without memory (an injected failure, fail-nth). */
		kshim_process_destroy(p->proc);
		g_free(p);
		errno = ENOMEM;
		return NULL;
	}
	p->mems = g_ptr_array_new();
	p->memfds = g_ptr_array_new();
	pthread_mutex_init(&p->lock, NULL);
	p->fd_vmas = g_ptr_array_new();
	p->watches = g_hash_table_new(NULL, NULL);
	g_ptr_array_add(sim->procs, p);
	return p;
}

void iommufd_sim_proc_destroy(struct iommufd_sim_proc *p)
{
	struct sim_call c;
	unsigned int i;

	/* Exit: the descriptor table goes first, then the address space. */
	call_enter(p, &c);
	watch_drop_all(p);
	kshim_files_put(p->files);
	p->files = NULL;
	current->files = NULL;
	fd_vmas_exit(p);
	for (i = 0; i < p->memfds->len; i++)
		kshim_memfd_put(g_ptr_array_index(p->memfds, i));
	call_leave(&c, 0);
	for (i = 0; i < p->mems->len; i++)
		kshim_umem_unmap(g_ptr_array_index(p->mems, i));
	g_ptr_array_free(p->mems, TRUE);
	g_ptr_array_free(p->memfds, TRUE);
	g_hash_table_destroy(p->watches);
	g_ptr_array_free(p->fd_vmas, TRUE);
	pthread_mutex_destroy(&p->lock);
	kshim_process_destroy(p->proc);
	g_ptr_array_remove(p->sim->procs, p);
	g_free(p);
}

void iommufd_sim_proc_set_memlock(struct iommufd_sim_proc *p,
				  unsigned long bytes)
{
	kshim_process_set_rlimit(p->proc, RLIMIT_MEMLOCK, bytes, bytes);
}

void iommufd_sim_proc_set_cap(struct iommufd_sim_proc *p, int cap, bool on)
{
	kshim_process_set_cap(p->proc, cap, on);
}

int iommufd_sim_open(struct iommufd_sim_proc *p, const char *path, int flags)
{
	struct sim_call c;
	struct file *file;
	long ret;
	int fd;

	call_enter(p, &c);
	fd = get_unused_fd_flags(flags);
	if (fd < 0) {
		ret = fd;
		goto out;
	}
	file = kshim_misc_open(path, flags);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		ret = PTR_ERR(file);
		goto out;
	}
	fd_install(fd, file);
	ret = fd;
out:
	return call_leave(&c, ret);
}

int iommufd_sim_close(struct iommufd_sim_proc *p, int fd)
{
	struct sim_call c;

	call_enter(p, &c);
	pthread_mutex_lock(&p->lock);
	watch_drop(p, fd);
	pthread_mutex_unlock(&p->lock);
	return call_leave(&c, close_fd(fd));
}

int iommufd_sim_dup(struct iommufd_sim_proc *p, int fd)
{
	struct sim_call c;
	struct file *file;
	long ret;
	int nfd;

	call_enter(p, &c);
	file = fget(fd);
	if (!file) {
		ret = -EBADF;
		goto out;
	}
	nfd = get_unused_fd_flags(0);	/* dup() clears close-on-exec */
	if (nfd < 0) {
		fput(file);
		ret = nfd;
		goto out;
	}
	fd_install(nfd, file);	/* the table takes fget()'s reference */
	ret = nfd;
out:
	return call_leave(&c, ret);
}

int iommufd_sim_dup_to(struct iommufd_sim_proc *p, int fd, int newfd)
{
	struct sim_call c;
	struct file *file;
	long ret;

	call_enter(p, &c);
	file = fget(fd);
	if (!file) {
		ret = -EBADF;
		goto out;
	}
	ret = kshim_files_install_at(p->files, newfd, file);
	if (ret)
		fput(file);
	else
		ret = newfd;
out:
	return call_leave(&c, ret);
}

int iommufd_sim_fd_send(struct iommufd_sim_proc *from, int fd,
			struct iommufd_sim_proc *to)
{
	struct sim_call c;
	struct file *file;
	long ret;
	int nfd;

	call_enter(from, &c);
	file = fget(fd);
	ret = call_leave(&c, file ? 0 : -EBADF);
	if (ret < 0)
		return -1;

	/* The reference travels with the message, as SCM_RIGHTS does. */
	call_enter(to, &c);
	nfd = get_unused_fd_flags(0);
	if (nfd < 0) {
		fput(file);
		ret = nfd;
	} else {
		fd_install(nfd, file);
		ret = nfd;
	}
	return call_leave(&c, ret);
}

/* What F_SETFL may change, of what the kernel lets it change. */
#define SETFL_MASK	(O_APPEND | O_NONBLOCK)

int iommufd_sim_fcntl(struct iommufd_sim_proc *p, int fd, int cmd, int arg)
{
	struct sim_call c;
	struct file *file;
	long ret;

	call_enter(p, &c);
	file = fget(fd);
	if (!file) {
		ret = -EBADF;
		goto out;
	}
	switch (cmd) {
	case F_GETFL:
		/* Open-time flags are not status flags. */
		ret = file->f_flags & ~(O_CLOEXEC | O_CREAT | O_EXCL |
					O_NOCTTY | O_TRUNC);
		break;
	case F_SETFL:
		file->f_flags = (file->f_flags & ~SETFL_MASK) |
				(arg & SETFL_MASK);
		ret = 0;
		break;
	default:
		ret = -EINVAL;
		break;
	}
	fput(file);
out:
	return call_leave(&c, ret);
}

bool iommufd_sim_fd_is_open(struct iommufd_sim_proc *p, int fd)
{
	struct sim_call c;
	struct file *file;

	call_enter(p, &c);
	file = fget(fd);
	if (file)
		fput(file);
	call_leave(&c, 0);
	return file != NULL;
}

int iommufd_sim_ioctl(struct iommufd_sim_proc *p, int fd, unsigned long cmd,
		      void *arg)
{
	struct sim_call c;
	struct file *file;
	long ret;

	call_enter(p, &c);
	file = fget(fd);
	if (!file) {
		ret = -EBADF;
		goto out;
	}
	if (file->f_op && file->f_op->unlocked_ioctl)
		ret = file->f_op->unlocked_ioctl(file, (unsigned int)cmd,
						 (unsigned long)arg);
	else
		ret = -ENOTTY;
	fput(file);
out:
	return call_leave(&c, ret);
}

static long do_rw(struct iommufd_sim_proc *p, int fd, void *buf, size_t count,
		  const off_t *offset, bool write)
{
	struct sim_call c;
	struct file *file;
	loff_t pos;
	long ret;

	call_enter(p, &c);
	file = fget(fd);
	if (!file) {
		ret = -EBADF;
		goto out;
	}
	if (!(file->f_mode & (write ? FMODE_WRITE : FMODE_READ))) {
		ret = -EBADF;
	} else if (offset && !(file->f_mode & (write ? FMODE_PWRITE :
							FMODE_PREAD))) {
		ret = -ESPIPE;
	} else if (write ? !file->f_op->write : !file->f_op->read) {
		ret = -EINVAL;
	} else {
		pos = offset ? *offset : file->f_pos;
		if (write)
			ret = file->f_op->write(file, buf, count, &pos);
		else
			ret = file->f_op->read(file, buf, count, &pos);
		if (!offset && ret > 0)
			file->f_pos = pos;
	}
	fput(file);
out:
	return call_leave(&c, ret);
}

ssize_t iommufd_sim_read(struct iommufd_sim_proc *p, int fd, void *buf,
			 size_t count)
{
	return do_rw(p, fd, buf, count, NULL, false);
}

ssize_t iommufd_sim_write(struct iommufd_sim_proc *p, int fd,
			  const void *buf, size_t count)
{
	return do_rw(p, fd, (void *)buf, count, NULL, true);
}

ssize_t iommufd_sim_pread(struct iommufd_sim_proc *p, int fd, void *buf,
			  size_t count, off_t offset)
{
	return do_rw(p, fd, buf, count, &offset, false);
}

ssize_t iommufd_sim_pwrite(struct iommufd_sim_proc *p, int fd,
			   const void *buf, size_t count, off_t offset)
{
	return do_rw(p, fd, (void *)buf, count, &offset, true);
}

/* One pass over @fds; registers wait queues while @pt is live. */
static int poll_pass(struct pollfd *fds, nfds_t nfds, poll_table *pt)
{
	int ready = 0;
	nfds_t i;

	for (i = 0; i < nfds; i++) {
		struct file *file;
		__poll_t mask;

		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		file = fget(fds[i].fd);
		if (!file) {
			fds[i].revents = POLLNVAL;
			ready++;
			continue;
		}
		if (file->f_op && file->f_op->poll)
			mask = file->f_op->poll(file, pt);
		else	/* files without ->poll are always ready */
			mask = EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM;
		fput(file);
		fds[i].revents = mask & (fds[i].events | POLLERR | POLLHUP);
		if (fds[i].revents)
			ready++;
	}
	return ready;
}

int iommufd_sim_poll(struct iommufd_sim_proc *p, struct pollfd *fds,
		     nfds_t nfds, int timeout)
{
	long left = timeout < 0 ? MAX_SCHEDULE_TIMEOUT :
				  (long)msecs_to_jiffies(timeout);
	struct kshim_poll poll;
	struct sim_call c;
	long ret;

	call_enter(p, &c);
	kshim_poll_init(&poll);
	for (;;) {
		ret = poll_pass(fds, nfds, &poll.pt);
		/* Queues are registered once, on the first pass. */
		poll.pt._qproc = NULL;
		if (ret || !left)
			break;
		left = kshim_poll_sleep(&poll, left);
	}
	kshim_poll_fini(&poll);
	return call_leave(&c, ret);
}

/*
 * A watch: a poll table that stays registered on the wait queues of one
 * descriptor's file, forwarding every wake-up to the front end.  It holds
 * a reference on the file so that the queues outlive the registration.
 */
struct sim_watch {
	struct file *file;
	struct kshim_poll poll;
};

static void watch_free(struct sim_watch *w)
{
	kshim_poll_fini(&w->poll);
	fput(w->file);
	g_free(w);
}

/* Called entered, with p->lock held. */
static void watch_drop(struct iommufd_sim_proc *p, int fd)
{
	struct sim_watch *w = g_hash_table_lookup(p->watches,
						  GINT_TO_POINTER(fd));

	if (!w)
		return;
	g_hash_table_remove(p->watches, GINT_TO_POINTER(fd));
	watch_free(w);
}

static void watch_drop_all(struct iommufd_sim_proc *p)
{
	GHashTableIter it;
	gpointer key, value;

	pthread_mutex_lock(&p->lock);
	g_hash_table_iter_init(&it, p->watches);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		g_hash_table_iter_remove(&it);
		watch_free(value);
	}
	pthread_mutex_unlock(&p->lock);
}

int iommufd_sim_watch(struct iommufd_sim_proc *p, int fd,
		      void (*notify)(void *data), void *data)
{
	struct sim_watch *w;
	struct sim_call c;
	long ret = 0;

	call_enter(p, &c);
	pthread_mutex_lock(&p->lock);
	if (g_hash_table_contains(p->watches, GINT_TO_POINTER(fd))) {
		ret = -EEXIST;
		goto out;
	}
	w = g_new0(struct sim_watch, 1);
	w->file = fget(fd);
	if (!w->file) {
		g_free(w);
		ret = -EBADF;
		goto out;
	}
	kshim_poll_init(&w->poll);
	/* No task sleeps on a watch: wake-ups only reach @notify. */
	w->poll.task = NULL;
	w->poll.notify = notify;
	w->poll.notify_data = data;
	if (w->file->f_op && w->file->f_op->poll)
		w->file->f_op->poll(w->file, &w->poll.pt);
	w->poll.pt._qproc = NULL;
	g_hash_table_insert(p->watches, GINT_TO_POINTER(fd), w);
out:
	pthread_mutex_unlock(&p->lock);
	return call_leave(&c, ret);
}

static enum kshim_phys_policy placement_policy(enum iommufd_sim_placement pl)
{
	switch (pl) {
	case IOMMUFD_SIM_CONTIGUOUS:
		return KSHIM_PHYS_CONTIGUOUS;
	case IOMMUFD_SIM_CHUNK_2M:
		return KSHIM_PHYS_CHUNK_2M;
	case IOMMUFD_SIM_SCATTERED:
	default:
		return KSHIM_PHYS_SCATTERED;
	}
}

void *iommufd_sim_mem_alloc(struct iommufd_sim_proc *p, size_t size,
			    const struct iommufd_sim_mem_opts *opts)
{
	struct kshim_umem_opts uopts = {
		.policy = placement_policy(opts ? opts->placement :
					   IOMMUFD_SIM_SCATTERED),
		.prot = opts && opts->readonly ? PROT_READ : 0,
	};
	struct kshim_umem *um;

	um = kshim_umem_alloc(p->proc, size, &uopts);
	if (IS_ERR_OR_NULL(um)) {
		errno = um ? -PTR_ERR(um) : ENOMEM;
		return NULL;
	}
	g_ptr_array_add(p->mems, um);
	return (void *)kshim_umem_addr(um);
}

int iommufd_sim_munmap(struct iommufd_sim_proc *p, void *addr, size_t len)
{
	int ret = fd_vmas_munmap(p, (unsigned long)addr, len);

	if (!ret)
		ret = kshim_user_munmap(p->proc, (unsigned long)addr, len);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return 0;
}

int iommufd_sim_memfd(struct iommufd_sim_proc *p, size_t size)
{
	struct kshim_memfd *mf;
	struct sim_call c;
	struct file *file;
	long ret;
	int fd;

	mf = kshim_memfd_create(size, KSHIM_PHYS_SCATTERED, "iommufd-sim");
	if (!mf) {
		errno = ENOMEM;
		return -1;
	}
	call_enter(p, &c);
	file = kshim_memfd_file(mf);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto out;
	}
	fd = get_unused_fd_flags(O_RDWR);
	if (fd < 0) {
		fput(file);
		ret = fd;
		goto out;
	}
	fd_install(fd, file);
	ret = fd;
out:
	kshim_memfd_put(mf);	/* the file holds its own reference */
	return call_leave(&c, ret);
}

/* ---- mmap() of simulated descriptors ----------------------------------- */

/*
 * A file mapping is the VMA the file's ->mmap set up.  Its user address is
 * the direct map of the frames remap_pfn_range() put in it: the bytes the
 * user reads and writes there are the frames' own (device memory, shared
 * with the driver).  Two mappings of one region therefore share an
 * address; an munmap() of such a range takes the newest.  The VMA holds a
 * reference on its file (so the file, and an iommufd's context, stays
 * until the last munmap) and whatever its vm_ops->open/close move (an
 * iommufd region's owner object).
 */

/* The VMA goes: its owner is told, then its file reference is dropped. */
static void fd_vma_close(struct vm_area_struct *vma)
{
	if (vma->vm_ops && vma->vm_ops->close)
		vma->vm_ops->close(vma);
	fput(vma->vm_file);
	g_free(vma);
}

void *iommufd_sim_mmap(struct iommufd_sim_proc *p, void *addr, size_t length,
		       int prot, int flags, int fd, off_t offset)
{
	struct vm_area_struct *vma = NULL;
	unsigned long len, pgoff;
	struct sim_call c;
	struct file *file;
	long ret;

	call_enter(p, &c);
	if (offset & ~PAGE_MASK) {
		ret = -EINVAL;
		goto out;
	}
	/* Anonymous memory is iommufd_sim_mem_alloc()'s; no fixed placement. */
	if ((flags & MAP_ANONYMOUS) || (flags & MAP_FIXED)) {
		ret = -EINVAL;
		goto out;
	}
	file = fget(fd);
	if (!file) {
		ret = -EBADF;
		goto out;
	}
	/* As do_mmap(): the length is rounded up to whole pages. */
	len = PAGE_ALIGN(length);
	pgoff = (unsigned long)offset >> PAGE_SHIFT;
	if (!length) {
		ret = -EINVAL;
	} else if (!len) {
		ret = -ENOMEM;
	} else if (pgoff + (len >> PAGE_SHIFT) < pgoff) {
		ret = -EOVERFLOW;
	} else if ((flags & MAP_TYPE) != MAP_SHARED &&
		   (flags & MAP_TYPE) != MAP_PRIVATE &&
		   (flags & MAP_TYPE) != MAP_SHARED_VALIDATE) {
		ret = -EINVAL;
	} else if (!(file->f_mode & FMODE_READ) ||
		   ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE) &&
		    !(file->f_mode & FMODE_WRITE))) {
		ret = -EACCES;
	} else if (!file->f_op || !file->f_op->mmap) {
		ret = -ENODEV;
	} else {
		ret = 0;
	}
	if (ret) {
		fput(file);
		goto out;
	}

	vma = g_new0(struct vm_area_struct, 1);
	/* The address is known once the frames are: the VMA starts at 0. */
	vma->vm_start = 0;
	vma->vm_end = len;
	vma->vm_pgoff = pgoff;
	vma->vm_mm = current->mm;
	vma->vm_flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	if (prot & PROT_READ)
		vma->vm_flags |= VM_READ;
	if (prot & PROT_WRITE)
		vma->vm_flags |= VM_WRITE;
	if (prot & PROT_EXEC)
		vma->vm_flags |= VM_EXEC;
	if ((flags & MAP_TYPE) != MAP_PRIVATE)
		vma->vm_flags |= VM_SHARED | VM_MAYSHARE;
	vma->vm_file = file;	/* fget()'s reference is the VMA's */

	ret = file->f_op->mmap(file, vma);
	if (ret) {
		fput(file);
		g_free(vma);
		goto out;
	}
	if (!vma->kshim_npages || vma->kshim_npages != len >> PAGE_SHIFT) {
		/* Nothing a simulated user could look at. */
		fd_vma_close(vma);
		ret = -ENODEV;
		goto out;
	}
	vma->vm_start =
		(unsigned long)page_address(pfn_to_page(vma->kshim_pfn));
	vma->vm_end = vma->vm_start + len;
	pthread_mutex_lock(&p->lock);
	g_ptr_array_add(p->fd_vmas, vma);
	pthread_mutex_unlock(&p->lock);
	ret = 0;
out:
	if (call_leave(&c, ret) < 0)
		return MAP_FAILED;
	return (void *)vma->vm_start;
}

/*
 * munmap() of the file mappings in [start, start + len): each one hit
 * loses that part; a VMA cut in the middle becomes two (the new one is
 * announced with vm_ops->open, as a split is).  Where two mappings share
 * an address only the newest is unmapped.  Return: 0 or -EINVAL.
 */
static int fd_vmas_munmap(struct iommufd_sim_proc *p, unsigned long start,
			  size_t len)
{
	GPtrArray *hit = g_ptr_array_new();
	GPtrArray *keep = g_ptr_array_new();
	unsigned long end;
	struct sim_call c;
	unsigned int i, j;

	if ((start & ~PAGE_MASK) || !len)
		return -EINVAL;
	end = start + PAGE_ALIGN(len);
	if (end <= start)
		return -EINVAL;

	call_enter(p, &c);
	pthread_mutex_lock(&p->lock);
	for (i = p->fd_vmas->len; i-- > 0;) {
		struct vm_area_struct *vma = g_ptr_array_index(p->fd_vmas, i);
		bool shadowed = false;

		if (vma->vm_end <= start || vma->vm_start >= end)
			continue;
		for (j = 0; j < hit->len; j++) {
			struct vm_area_struct *h = g_ptr_array_index(hit, j);

			if (h->vm_start < vma->vm_end &&
			    vma->vm_start < h->vm_end)
				shadowed = true;
		}
		if (shadowed)
			continue;
		g_ptr_array_add(hit, vma);
		g_ptr_array_remove_index(p->fd_vmas, i);
	}
	pthread_mutex_unlock(&p->lock);

	/* Outside p->lock: the owners' callbacks are kernel code. */
	for (i = 0; i < hit->len; i++) {
		struct vm_area_struct *vma = g_ptr_array_index(hit, i);
		bool left = vma->vm_start < start, right = vma->vm_end > end;
		unsigned long skip = (end - vma->vm_start) >> PAGE_SHIFT;

		if (!left && !right) {
			fd_vma_close(vma);
			continue;
		}
		if (right) {
			/* The part above the hole: a copy when both stay. */
			struct vm_area_struct *r = vma;

			if (left) {
				r = g_memdup2(vma, sizeof(*vma));
				get_file(r->vm_file);
				if (r->vm_ops && r->vm_ops->open)
					r->vm_ops->open(r);
			}
			r->vm_start = end;
			r->kshim_pfn += skip;
			r->kshim_npages -= skip;
			r->vm_pgoff += skip;
			g_ptr_array_add(keep, r);
		}
		if (left) {
			vma->vm_end = start;
			vma->kshim_npages =
				(start - vma->vm_start) >> PAGE_SHIFT;
			g_ptr_array_add(keep, vma);
		}
	}

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < keep->len; i++)
		g_ptr_array_add(p->fd_vmas, g_ptr_array_index(keep, i));
	pthread_mutex_unlock(&p->lock);
	g_ptr_array_free(hit, TRUE);
	g_ptr_array_free(keep, TRUE);
	return call_leave(&c, 0);
}

/* Process exit (entered): every file mapping goes, newest first. */
static void fd_vmas_exit(struct iommufd_sim_proc *p)
{
	struct vm_area_struct *vma;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		vma = p->fd_vmas->len ?
			g_ptr_array_steal_index(p->fd_vmas,
						p->fd_vmas->len - 1) : NULL;
		pthread_mutex_unlock(&p->lock);
		if (!vma)
			break;
		fd_vma_close(vma);
	}
}

/* ---- front ends acting inside the kernel (scenario engine) ------------- */

int iommufd_sim_call(struct iommufd_sim_proc *p, int (*fn)(void *arg),
		     void *arg)
{
	struct sim_call c;
	int ret;

	call_enter(p, &c);
	ret = fn(arg);
	kshim_task_work_run();
	kshim_lockdep_assert_none_held("when returning to user space");
	current->files = c.saved_files;
	kshim_process_leave();
	return ret;
}

struct kshim_umem *iommufd_sim_mem_umem(struct iommufd_sim_proc *p,
					const void *addr)
{
	for (unsigned int i = 0; i < p->mems->len; i++) {
		struct kshim_umem *um = g_ptr_array_index(p->mems, i);

		if ((const void *)kshim_umem_addr(um) == addr)
			return um;
	}
	return NULL;
}
