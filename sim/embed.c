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
};

static void watch_drop(struct iommufd_sim_proc *p, int fd);
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
	p->mems = g_ptr_array_new();
	p->memfds = g_ptr_array_new();
	pthread_mutex_init(&p->lock, NULL);
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
	for (i = 0; i < p->memfds->len; i++)
		kshim_memfd_put(g_ptr_array_index(p->memfds, i));
	call_leave(&c, 0);
	for (i = 0; i < p->mems->len; i++)
		kshim_umem_unmap(g_ptr_array_index(p->mems, i));
	g_ptr_array_free(p->mems, TRUE);
	g_ptr_array_free(p->memfds, TRUE);
	g_hash_table_destroy(p->watches);
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

int iommufd_sim_unwatch(struct iommufd_sim_proc *p, int fd)
{
	struct sim_call c;
	long ret = 0;

	call_enter(p, &c);
	pthread_mutex_lock(&p->lock);
	if (g_hash_table_contains(p->watches, GINT_TO_POINTER(fd)))
		watch_drop(p, fd);
	else
		ret = -ENOENT;
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
	int ret = kshim_user_munmap(p->proc, (unsigned long)addr, len);

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

