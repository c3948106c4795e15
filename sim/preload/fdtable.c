// SPDX-License-Identifier: GPL-2.0
/*
 * Placeholders and the table of simulated descriptor numbers (preload.h).
 *
 * Every host operation on a placeholder is a raw system call: the library
 * must not re-enter its own interposers, nor another preload's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include "preload.h"

/* Numbers above this are never ours (the table is virtual memory). */
#define PL_MAX_FDS	(1u << 20)
/* Descriptors one simulated call may create (new fds of an ioctl). */
#define PL_MAX_NEW	16

static struct pl_fd *table;
static unsigned int table_size;

/* Numbers the allocator handed out during this thread's current call. */
static __thread int new_fds[PL_MAX_NEW];
static __thread unsigned int nr_new;

bool pl_table_init(void)
{
	struct rlimit rl;
	unsigned int size = PL_MAX_FDS;
	void *mem;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_max < size)
		size = rl.rlim_max;
	if (size < 1024)
		size = 1024;
	/* Untouched pages cost nothing; entries start PL_FREE (zero). */
	mem = mmap(NULL, (size_t)size * sizeof(*table), PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		return false;
	table_size = size;
	atomic_store_explicit((_Atomic(struct pl_fd *) *)&table, mem,
			      memory_order_release);
	return true;
}

struct pl_fd *pl_fd(int fd)
{
	struct pl_fd *t = atomic_load_explicit((_Atomic(struct pl_fd *) *)&table,
					       memory_order_acquire);

	if (!t || fd < 0 || (unsigned int)fd >= table_size)
		return NULL;
	return &t[fd];
}

unsigned int pl_table_count(void)
{
	unsigned int i, n = 0;

	for (i = 0; table && i < table_size; i++)
		n += atomic_load(&table[i].state) == PL_SIM;
	return n;
}

static void host_close(int fd)
{
	syscall(SYS_close, fd);
}

/* A datagram socket connected to itself: its own inode, one descriptor. */
static int placeholder_socket(bool cloexec)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	socklen_t len = sizeof(sa_family_t);
	int fd, err;

	fd = socket(AF_UNIX, SOCK_DGRAM | (cloexec ? SOCK_CLOEXEC : 0), 0);
	if (fd < 0)
		return -errno;
	/* Binding an empty address picks a unique abstract name. */
	if (bind(fd, (struct sockaddr *)&addr, len))
		goto fail;
	len = sizeof(addr);
	if (getsockname(fd, (struct sockaddr *)&addr, &len))
		goto fail;
	if (connect(fd, (struct sockaddr *)&addr, len))
		goto fail;
	return fd;
fail:
	err = -errno;
	host_close(fd);
	return err;
}

static void entry_init(struct pl_fd *e)
{
	atomic_store(&e->signalled, 0);
	atomic_store_explicit(&e->state, PL_SIM, memory_order_release);
}

int pl_placeholder_new(int min, bool cloexec)
{
	struct pl_fd *e;
	int fd, nfd;

	fd = placeholder_socket(cloexec);
	if (fd < 0)
		return fd;
	if (fd < min) {
		nfd = syscall(SYS_fcntl, fd,
			      cloexec ? F_DUPFD_CLOEXEC : F_DUPFD, min);
		host_close(fd);
		if (nfd < 0)
			return -errno;
		fd = nfd;
	}
	e = pl_fd(fd);
	if (!e) {
		host_close(fd);
		return -EMFILE;
	}
	entry_init(e);
	return fd;
}

int pl_placeholder_at(int fd, bool cloexec)
{
	struct pl_fd *e = pl_fd(fd);
	int tmp, ret;

	if (!e)
		return -EBADF;
	tmp = placeholder_socket(cloexec);
	if (tmp < 0)
		return tmp;
	/* Replaces whatever the host had at @fd, as dup2() does. */
	ret = syscall(SYS_dup3, tmp, fd, cloexec ? O_CLOEXEC : 0);
	host_close(tmp);
	if (ret < 0)
		return -errno;
	entry_init(e);
	return fd;
}

int pl_fd_alloc(void *data, unsigned int flags)
{
	int fd = pl_placeholder_new(0, flags & O_CLOEXEC);

	(void)data;
	if (fd >= 0 && nr_new < PL_MAX_NEW)
		new_fds[nr_new++] = fd;
	return fd;
}

void pl_fd_free(void *data, int fd)
{
	struct pl_fd *e = pl_fd(fd);

	(void)data;
	/* FREE before the number can be reused by anyone. */
	if (e)
		atomic_store_explicit(&e->state, PL_FREE, memory_order_release);
	host_close(fd);
}

/* Runs in the waking thread, under a wait queue's lock: one syscall. */
static void pl_signal(int fd)
{
	struct pl_fd *e = pl_fd(fd);
	char byte = 0;

	if (!e || atomic_exchange(&e->signalled, 1))
		return;
	syscall(SYS_sendto, fd, &byte, 1, MSG_DONTWAIT, NULL, 0);
}

static void pl_notify(void *data)
{
	pl_signal((int)(intptr_t)data);
}

static void pl_drain(int fd)
{
	char buf[64];

	while (syscall(SYS_recvfrom, fd, buf, sizeof(buf), MSG_DONTWAIT,
		       NULL, NULL) > 0)
		;
}

short pl_sim_mask(struct iommufd_sim_proc *p, int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	if (iommufd_sim_poll(p, &pfd, 1, 0) < 0)
		return POLLNVAL;
	return pfd.revents;
}

#define PL_READABLE	(POLLIN | POLLRDNORM | POLLERR | POLLHUP)

void pl_refresh(struct iommufd_sim_proc *p, int fd)
{
	struct pl_fd *e = pl_fd(fd);

	if (!e)
		return;
	if (pl_sim_mask(p, fd, POLLIN | POLLRDNORM) & PL_READABLE) {
		pl_signal(fd);
		return;
	}
	if (!atomic_exchange(&e->signalled, 0))
		return;
	pl_drain(fd);
	/*
	 * A wake-up between the look above and the reset found the entry
	 * still signalled and sent nothing: look again now that it is not.
	 */
	if (pl_sim_mask(p, fd, POLLIN | POLLRDNORM) & PL_READABLE)
		pl_signal(fd);
}

void pl_adopt_fd(struct iommufd_sim_proc *p, int fd)
{
	struct pl_fd *e = pl_fd(fd);

	if (!e || atomic_load(&e->state) != PL_SIM ||
	    !iommufd_sim_fd_is_open(p, fd))
		return;
	if (iommufd_sim_watch(p, fd, pl_notify, (void *)(intptr_t)fd) &&
	    errno != EEXIST)
		return;
	pl_refresh(p, fd);
}

void pl_adopt_new_fds(struct iommufd_sim_proc *p)
{
	unsigned int i, n = nr_new;

	nr_new = 0;
	for (i = 0; i < n; i++)
		pl_adopt_fd(p, new_fds[i]);
}
