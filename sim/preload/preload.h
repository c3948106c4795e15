/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The preload library's internal interface (see docs/preload.md).
 *
 * Descriptor numbers.  A simulated descriptor has the number of a real
 * host descriptor, its placeholder: a datagram socket connected to itself,
 * which the library owns.  The program never gets a number that is also one
 * of its own files, select()/epoll see a descriptor that exists, and the
 * placeholder's readability mirrors the simulated file's: a wake-up of the
 * file's wait queues queues one datagram on it (pl_signal()), and every
 * refresh drains it again when the file has nothing to read.
 *
 * The table.  One entry per host descriptor number, indexed directly, read
 * without locks on every interposed call: a number whose entry is not
 * PL_SIM passes straight to libc.  An entry becomes PL_SIM when the
 * simulated descriptor table reserves the number (its allocator callback
 * creates the placeholder) and PL_FREE again just before the placeholder is
 * closed, so the number cannot be reused while the entry still says SIM.
 *
 * Phases.  The simulated kernel starts with the first open of a simulated
 * path and ends in an exit handler that closes what the program left open
 * and audits the world.  In a forked child the simulator state is a frozen
 * copy that nothing may touch: calls on inherited descriptors fail with EIO
 * and close() only closes the placeholder.
 */
#ifndef _IOMMUFD_PRELOAD_H
#define _IOMMUFD_PRELOAD_H

#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include "iommufd_sim.h"

enum pl_state {
	PL_FREE,		/* not ours */
	PL_SIM,			/* a placeholder of a simulated descriptor */
};

struct pl_fd {
	_Atomic unsigned char state;
	/* A datagram is queued on the placeholder: it polls readable. */
	_Atomic unsigned char signalled;
};

enum pl_phase {
	PL_IDLE,		/* no simulated kernel yet */
	PL_RUNNING,
	PL_CLOSING,		/* the exit handler is tearing it down */
	PL_DONE,		/* torn down: simulated descriptors are gone */
	PL_CHILD,		/* a forked child: the state is not ours */
};

struct pl_settings {
	int loglevel;			/* -1: the simulator's default */
	const char *report;		/* NULL: stderr, problems only */
	int audit_status;		/* 0: a failed audit changes nothing */
	unsigned long long seed;
	unsigned int devices;		/* /dev/vfio/devices/vfio0..N-1 */
	bool devices_pasid;		/* those devices support PASID */
};

extern struct pl_settings pl_settings;
extern _Atomic int pl_phase;

/* Real libc functions, resolved with dlsym(RTLD_NEXT) on first use. */
struct pl_real {
	int (*openat)(int dirfd, const char *path, int flags, ...);
	int (*open)(const char *path, int flags, ...);
	int (*open64)(const char *path, int flags, ...);
	int (*openat64)(int dirfd, const char *path, int flags, ...);
	int (*open_2)(const char *path, int flags);
	int (*open64_2)(const char *path, int flags);
	int (*openat_2)(int dirfd, const char *path, int flags);
	int (*openat64_2)(int dirfd, const char *path, int flags);
	int (*close)(int fd);
	int (*close_range)(unsigned int first, unsigned int last, int flags);
	void (*closefrom)(int lowfd);
	int (*ioctl)(int fd, unsigned long req, ...);
	ssize_t (*read)(int fd, void *buf, size_t n);
	ssize_t (*read_chk)(int fd, void *buf, size_t n, size_t buflen);
	ssize_t (*write)(int fd, const void *buf, size_t n);
	ssize_t (*pread)(int fd, void *buf, size_t n, off_t off);
	ssize_t (*pread64)(int fd, void *buf, size_t n, off_t off);
	ssize_t (*pread_chk)(int fd, void *buf, size_t n, off_t off,
			     size_t buflen);
	ssize_t (*pread64_chk)(int fd, void *buf, size_t n, off_t off,
			       size_t buflen);
	ssize_t (*pwrite)(int fd, const void *buf, size_t n, off_t off);
	ssize_t (*pwrite64)(int fd, const void *buf, size_t n, off_t off);
	ssize_t (*readv)(int fd, const struct iovec *iov, int cnt);
	ssize_t (*writev)(int fd, const struct iovec *iov, int cnt);
	int (*poll)(struct pollfd *fds, nfds_t n, int timeout);
	int (*poll_chk)(struct pollfd *fds, nfds_t n, int timeout,
			size_t fdslen);
	int (*ppoll)(struct pollfd *fds, nfds_t n, const struct timespec *tmo,
		     const sigset_t *mask);
	int (*ppoll_chk)(struct pollfd *fds, nfds_t n,
			 const struct timespec *tmo, const sigset_t *mask,
			 size_t fdslen);
	int (*dup)(int fd);
	int (*dup2)(int fd, int newfd);
	int (*dup3)(int fd, int newfd, int flags);
	int (*fcntl)(int fd, int cmd, ...);
	int (*fcntl64)(int fd, int cmd, ...);
	void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd,
		      off_t off);
	void *(*mmap64)(void *addr, size_t len, int prot, int flags, int fd,
			off_t off);
	int (*munmap)(void *addr, size_t len);
};

extern struct pl_real pl_real;
/* Resolve pl_real (once); every interposer calls it first. */
void pl_resolve(void);

/* preload.c: the simulated kernel and process */
/* Settings, the table and the exit handler (once). */
void pl_base(void);
/* The process, starting the simulator if needed; NULL with errno set. */
struct iommufd_sim_proc *pl_proc(void);
/*
 * Bracket a call into the simulator.  pl_enter() fails (errno set) when
 * there is no usable simulator: EIO in a forked child, EBADF once torn down.
 */
bool pl_enter(void);
void pl_leave(void);
/* Warn once per process (stderr), printf style. */
void pl_warn_once(_Atomic int *done, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* True if @path names a node the simulator provides. */
bool pl_sim_path(const char *path);

/* fdtable.c */
struct pl_fd *pl_fd(int fd);
static inline bool pl_is_sim(int fd)
{
	struct pl_fd *e = pl_fd(fd);

	return e && atomic_load_explicit(&e->state, memory_order_acquire) ==
		    PL_SIM;
}

bool pl_table_init(void);
/* The allocator behind the simulated descriptor table. */
int pl_fd_alloc(void *data, unsigned int flags);
void pl_fd_free(void *data, int fd);
/*
 * A placeholder at the lowest free number >= @min (or exactly at @fd,
 * replacing what the host has there), its entry PL_SIM.  Return: the
 * number, or -errno.
 */
int pl_placeholder_new(int min, bool cloexec);
int pl_placeholder_at(int fd, bool cloexec);
/*
 * After a call into the simulator: watch the descriptors it created (the
 * allocator noted them for this thread).  pl_adopt_fd() does it for one
 * number.
 */
void pl_adopt_new_fds(struct iommufd_sim_proc *p);
void pl_adopt_fd(struct iommufd_sim_proc *p, int fd);
/* Make @fd's placeholder readable exactly when the file is. */
void pl_refresh(struct iommufd_sim_proc *p, int fd);
/* The simulated file's poll mask now (POLLNVAL if not open). */
short pl_sim_mask(struct iommufd_sim_proc *p, int fd, short events);
/* Numbers that are PL_SIM now. */
unsigned int pl_table_count(void);

#endif /* _IOMMUFD_PRELOAD_H */
