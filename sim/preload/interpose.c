// SPDX-License-Identifier: GPL-2.0
/*
 * The interposed libc entry points.
 *
 * Each one looks at the descriptor (or path) first: anything that is not
 * the simulator's goes to the next definition in the lookup order (libc,
 * or another preload library) untouched.  Simulated descriptors go to the
 * embedding API; errno is whatever the simulated kernel said.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "preload.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC	(1U << 2)
#endif

/* The fortified entry points: glibc declares them only under fortify. */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen);
ssize_t __pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen);
ssize_t __pread64_chk(int fd, void *buf, size_t n, off_t off,
		      size_t buflen);
int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen);
int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *tmo,
		const sigset_t *mask, size_t fdslen);
void __chk_fail(void) __attribute__((noreturn));


/* Missing in an old libc: the call does not exist there either. */
#define CALL_REAL(fn, ...)						\
	(pl_real.fn ? pl_real.fn(__VA_ARGS__) : (errno = ENOSYS, -1))

static bool mode_needed(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

/* ----------------------------------------------------------------------
 * open
 */

static int sim_open(const char *path, int flags)
{
	struct iommufd_sim_proc *p = pl_proc();
	int fd, err;

	if (!p || !pl_enter())
		return -1;
	fd = iommufd_sim_open(p, path, flags);
	err = errno;
	pl_adopt_new_fds(p);
	pl_leave();
	errno = err;
	return fd;
}

/* Absolute paths only: a simulated node has no directory to be under. */
static bool sim_path_at(int dirfd, const char *path)
{
	pl_base();
	return path && path[0] == '/' && pl_sim_path(path);
}

/* Which libc entry point a call came in through, to hand it on as is. */
enum open_kind { OPEN, OPEN64, OPENAT, OPENAT64 };

static int open_common(enum open_kind kind, int dirfd, const char *path,
		       int flags, mode_t mode)
{
	pl_resolve();
	if (sim_path_at(dirfd, path))
		return sim_open(path, flags);
	switch (kind) {
	case OPEN:
		return CALL_REAL(open, path, flags, mode);
	case OPEN64:
		return CALL_REAL(open64, path, flags, mode);
	case OPENAT:
		return CALL_REAL(openat, dirfd, path, flags, mode);
	default:
		return CALL_REAL(openat64, dirfd, path, flags, mode);
	}
}

/* The mode argument exists only when the flags create a file. */
#define OPEN_MODE(flags)						\
	({								\
		mode_t mode_ = 0;					\
		va_list ap_;						\
									\
		if (mode_needed(flags)) {				\
			va_start(ap_, flags);				\
			mode_ = va_arg(ap_, mode_t);			\
			va_end(ap_);					\
		}							\
		mode_;							\
	})

int open(const char *path, int flags, ...)
{
	return open_common(OPEN, AT_FDCWD, path, flags, OPEN_MODE(flags));
}

int open64(const char *path, int flags, ...)
{
	return open_common(OPEN64, AT_FDCWD, path, flags, OPEN_MODE(flags));
}

int openat(int dirfd, const char *path, int flags, ...)
{
	return open_common(OPENAT, dirfd, path, flags, OPEN_MODE(flags));
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	return open_common(OPENAT64, dirfd, path, flags, OPEN_MODE(flags));
}

/*
 * _FORTIFY_SOURCE turns open() without a constant mode into these; they
 * refuse flags that need a mode, so the real ones judge those.
 */
static int open_2_common(enum open_kind kind, int dirfd, const char *path,
			 int flags)
{
	pl_resolve();
	if (sim_path_at(dirfd, path) && !mode_needed(flags))
		return sim_open(path, flags);
	switch (kind) {
	case OPEN:
		return CALL_REAL(open_2, path, flags);
	case OPEN64:
		return CALL_REAL(open64_2, path, flags);
	case OPENAT:
		return CALL_REAL(openat_2, dirfd, path, flags);
	default:
		return CALL_REAL(openat64_2, dirfd, path, flags);
	}
}

int __open_2(const char *path, int flags)
{
	return open_2_common(OPEN, AT_FDCWD, path, flags);
}

int __open64_2(const char *path, int flags)
{
	return open_2_common(OPEN64, AT_FDCWD, path, flags);
}

int __openat_2(int dirfd, const char *path, int flags)
{
	return open_2_common(OPENAT, dirfd, path, flags);
}

int __openat64_2(int dirfd, const char *path, int flags)
{
	return open_2_common(OPENAT64, dirfd, path, flags);
}

/* ----------------------------------------------------------------------
 * close
 */

static int sim_close(int fd)
{
	struct pl_fd *e = pl_fd(fd);
	int ret, err;

	if (atomic_load(&pl_phase) == PL_CHILD) {
		/* Only the placeholder is ours to close here. */
		atomic_store(&e->state, PL_FREE);
		return syscall(SYS_close, fd);
	}
	if (!pl_enter())
		return -1;
	ret = iommufd_sim_close(pl_proc(), fd);
	err = errno;
	pl_leave();
	errno = err;
	return ret;
}

int close(int fd)
{
	pl_resolve();
	if (pl_is_sim(fd))
		return sim_close(fd);
	return CALL_REAL(close, fd);
}

/* Simulated descriptors in [first, last] are closed through the simulator. */
static void sim_close_range(unsigned int first, unsigned int last)
{
	unsigned int fd;

	for (fd = first; fd <= last && pl_fd(fd); fd++) {
		if (pl_is_sim(fd))
			sim_close(fd);
		if (fd == ~0U)
			break;
	}
}

int close_range(unsigned int first, unsigned int last, int flags)
{
	pl_resolve();
	if (!(flags & CLOSE_RANGE_CLOEXEC))
		sim_close_range(first, last);
	if (pl_real.close_range)
		return pl_real.close_range(first, last, flags);
	return syscall(SYS_close_range, first, last, flags);
}

void closefrom(int lowfd)
{
	pl_resolve();
	if (lowfd >= 0)
		sim_close_range(lowfd, ~0U);
	if (pl_real.closefrom)
		pl_real.closefrom(lowfd);
	else
		syscall(SYS_close_range, lowfd, ~0U, 0);
}

/* ----------------------------------------------------------------------
 * ioctl, read, write
 */

int ioctl(int fd, unsigned long req, ...)
{
	struct iommufd_sim_proc *p;
	void *arg;
	va_list ap;
	int ret, err;

	pl_resolve();
	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!pl_is_sim(fd))
		return CALL_REAL(ioctl, fd, req, arg);
	if (!pl_enter())
		return -1;
	p = pl_proc();
	ret = iommufd_sim_ioctl(p, fd, req, arg);
	err = errno;
	/* Queue, event and access descriptors the ioctl returned. */
	pl_adopt_new_fds(p);
	pl_leave();
	errno = err;
	return ret;
}

enum rw_kind { RW_READ, RW_WRITE, RW_PREAD, RW_PWRITE };

static ssize_t sim_rw(int fd, void *buf, size_t n, off_t off,
		      enum rw_kind kind)
{
	struct iommufd_sim_proc *p;
	ssize_t ret;
	int err;

	if (!pl_enter())
		return -1;
	p = pl_proc();
	switch (kind) {
	case RW_READ:
		ret = iommufd_sim_read(p, fd, buf, n);
		break;
	case RW_WRITE:
		ret = iommufd_sim_write(p, fd, buf, n);
		break;
	case RW_PREAD:
		ret = iommufd_sim_pread(p, fd, buf, n, off);
		break;
	default:
		ret = iommufd_sim_pwrite(p, fd, buf, n, off);
		break;
	}
	err = errno;
	/* Reading consumes events; a write (a fault response) may too. */
	pl_refresh(p, fd);
	pl_leave();
	errno = err;
	return ret;
}

ssize_t read(int fd, void *buf, size_t n)
{
	pl_resolve();
	if (pl_is_sim(fd))
		return sim_rw(fd, buf, n, 0, RW_READ);
	return CALL_REAL(read, fd, buf, n);
}

ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	pl_resolve();
	if (!pl_is_sim(fd))
		return CALL_REAL(read_chk, fd, buf, n, buflen);
	if (n > buflen)
		__chk_fail();
	return sim_rw(fd, buf, n, 0, RW_READ);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	pl_resolve();
	if (pl_is_sim(fd))
		return sim_rw(fd, (void *)buf, n, 0, RW_WRITE);
	return CALL_REAL(write, fd, buf, n);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	pl_resolve();
	if (pl_is_sim(fd))
		return sim_rw(fd, buf, n, off, RW_PREAD);
	return CALL_REAL(pread, fd, buf, n, off);
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	pl_resolve();
	if (pl_is_sim(fd))
		return sim_rw(fd, buf, n, off, RW_PREAD);
	return CALL_REAL(pread64, fd, buf, n, off);
}

typedef ssize_t (*pread_chk_fn)(int fd, void *buf, size_t n, off_t off,
				size_t buflen);

static ssize_t pread_chk_common(pread_chk_fn real, int fd, void *buf,
				size_t n, off_t off, size_t buflen)
{
	if (!pl_is_sim(fd)) {
		if (!real) {
			errno = ENOSYS;
			return -1;
		}
		return real(fd, buf, n, off, buflen);
	}
	if (n > buflen)
		__chk_fail();
	return sim_rw(fd, buf, n, off, RW_PREAD);
}

ssize_t __pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
	pl_resolve();
	return pread_chk_common(pl_real.pread_chk, fd, buf, n, off, buflen);
}

ssize_t __pread64_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
	pl_resolve();
	return pread_chk_common(pl_real.pread64_chk, fd, buf, n, off, buflen);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	pl_resolve();
	if (pl_is_sim(fd))
		return sim_rw(fd, (void *)buf, n, off, RW_PWRITE);
	return CALL_REAL(pwrite, fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	pl_resolve();
	if (pl_is_sim(fd))
		return sim_rw(fd, (void *)buf, n, off, RW_PWRITE);
	return CALL_REAL(pwrite64, fd, buf, n, off);
}

/* As the VFS does for files without ->read_iter: one ->read per vector. */
static ssize_t sim_rwv(int fd, const struct iovec *iov, int cnt,
		       enum rw_kind kind)
{
	ssize_t total = 0, ret;
	int i;

	if (cnt < 0 || cnt > IOV_MAX) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < cnt; i++) {
		ret = sim_rw(fd, iov[i].iov_base, iov[i].iov_len, 0, kind);
		if (ret < 0)
			return total ? total : ret;
		total += ret;
		if ((size_t)ret < iov[i].iov_len)
			break;
	}
	return total;
}

ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
	pl_resolve();
	if (pl_is_sim(fd))
		return sim_rwv(fd, iov, cnt, RW_READ);
	return CALL_REAL(readv, fd, iov, cnt);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	pl_resolve();
	if (pl_is_sim(fd))
		return sim_rwv(fd, iov, cnt, RW_WRITE);
	return CALL_REAL(writev, fd, iov, cnt);
}

/* ----------------------------------------------------------------------
 * poll
 *
 * The wait happens in the host, on the placeholders, so simulated and
 * real descriptors mix freely.  Before it, every simulated entry's
 * placeholder is refreshed to match its file; after it, the entries the
 * host found ready get the simulated file's exact mask (a wake-up may have
 * been spurious, and the placeholder always looks writable).
 */

static bool has_sim(const struct pollfd *fds, nfds_t n)
{
	nfds_t i;

	for (i = 0; i < n; i++)
		if (pl_is_sim(fds[i].fd))
			return true;
	return false;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int sim_poll(struct pollfd *fds, nfds_t n, const struct timespec *tmo,
		    const sigset_t *mask)
{
	uint64_t deadline = 0;
	struct iommufd_sim_proc *p;
	struct timespec left;
	int ret, ready, err;
	nfds_t i;

	if (tmo)
		deadline = now_ns() + tmo->tv_sec * 1000000000ULL +
			   tmo->tv_nsec;
	if (!pl_enter())
		return -1;
	p = pl_proc();
	for (;;) {
		for (i = 0; i < n; i++)
			if (pl_is_sim(fds[i].fd))
				pl_refresh(p, fds[i].fd);
		/* Not inside the simulator while waiting: exit may come. */
		pl_leave();
		if (tmo) {
			uint64_t now = now_ns();
			uint64_t rest = deadline > now ? deadline - now : 0;

			left.tv_sec = rest / 1000000000ULL;
			left.tv_nsec = rest % 1000000000ULL;
		}
		ret = CALL_REAL(ppoll, fds, n, tmo ? &left : NULL, mask);
		if (ret <= 0)
			return ret;
		if (!pl_enter())
			return -1;
		ready = 0;
		for (i = 0; i < n; i++) {
			struct pollfd *f = &fds[i];

			if (f->revents && pl_is_sim(f->fd))
				f->revents = pl_sim_mask(p, f->fd, f->events) &
					     (f->events | POLLERR | POLLHUP |
					      POLLNVAL);
			ready += !!f->revents;
		}
		if (ready || (tmo && now_ns() >= deadline))
			break;
	}
	err = errno;
	pl_leave();
	errno = err;
	return ready;
}

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	struct timespec ts;

	pl_resolve();
	if (!has_sim(fds, n))
		return CALL_REAL(poll, fds, n, timeout);
	ts.tv_sec = timeout / 1000;
	ts.tv_nsec = (long)(timeout % 1000) * 1000000;
	return sim_poll(fds, n, timeout < 0 ? NULL : &ts, NULL);
}

int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen)
{
	pl_resolve();
	if (!has_sim(fds, n))
		return CALL_REAL(poll_chk, fds, n, timeout, fdslen);
	if (fdslen / sizeof(*fds) < n)
		__chk_fail();
	return poll(fds, n, timeout);
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *tmo,
	  const sigset_t *mask)
{
	pl_resolve();
	if (!has_sim(fds, n))
		return CALL_REAL(ppoll, fds, n, tmo, mask);
	return sim_poll(fds, n, tmo, mask);
}

int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *tmo,
		const sigset_t *mask, size_t fdslen)
{
	pl_resolve();
	if (!has_sim(fds, n))
		return CALL_REAL(ppoll_chk, fds, n, tmo, mask, fdslen);
	if (fdslen / sizeof(*fds) < n)
		__chk_fail();
	return sim_poll(fds, n, tmo, mask);
}

/* ----------------------------------------------------------------------
 * dup
 */

/* A duplicate of simulated @fd at @newfd, a placeholder made for it. */
static int sim_dup_to(int fd, int newfd)
{
	struct iommufd_sim_proc *p;
	int ret, err;

	if (!pl_enter()) {
		pl_fd_free(NULL, newfd);
		return -1;
	}
	p = pl_proc();
	ret = iommufd_sim_dup_to(p, fd, newfd);
	err = errno;
	if (ret < 0)
		pl_fd_free(NULL, newfd);
	else
		pl_adopt_fd(p, newfd);
	pl_leave();
	errno = err;
	return ret;
}

/* F_DUPFD and friends: the lowest free number >= @min. */
static int sim_dup_min(int fd, int min, bool cloexec)
{
	int newfd;

	if (min < 0) {
		errno = EINVAL;
		return -1;
	}
	newfd = pl_placeholder_new(min, cloexec);
	if (newfd < 0) {
		errno = -newfd;
		return -1;
	}
	return sim_dup_to(fd, newfd);
}

int dup(int fd)
{
	pl_resolve();
	if (pl_is_sim(fd))
		return sim_dup_min(fd, 0, false);
	return CALL_REAL(dup, fd);
}

/*
 * dup2/dup3 onto a simulated number first closes it through the simulator,
 * then takes the number: unlike the kernel's, this is not atomic against
 * another thread opening a file at that moment.
 */
/* Whether @fd is open (in the simulator if @sim); -1 if that cannot tell. */
static int fd_is_open(int fd, bool sim)
{
	int ret;

	if (!sim)
		return syscall(SYS_fcntl, fd, F_GETFD) >= 0;
	if (!pl_enter())
		return -1;
	ret = iommufd_sim_fd_is_open(pl_proc(), fd);
	pl_leave();
	return ret;
}

/* Called when @fd or @newfd is simulated (so @fd == @newfd is). */
static int sim_dup3(int fd, int newfd, int flags, bool is_dup3)
{
	bool from_sim = pl_is_sim(fd);
	int ret;

	if ((flags & ~O_CLOEXEC) || (is_dup3 && fd == newfd)) {
		errno = EINVAL;
		return -1;
	}
	if (newfd < 0 || !pl_fd(newfd)) {
		errno = EBADF;
		return -1;
	}
	ret = fd_is_open(fd, from_sim);
	if (ret <= 0) {
		if (!ret)
			errno = EBADF;
		return -1;
	}
	if (fd == newfd)
		return newfd;
	if (pl_is_sim(newfd))
		sim_close(newfd);
	if (!from_sim)
		return CALL_REAL(dup3, fd, newfd, flags);
	ret = pl_placeholder_at(newfd, flags & O_CLOEXEC);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return sim_dup_to(fd, newfd);
}

int dup2(int fd, int newfd)
{
	pl_resolve();
	if (pl_is_sim(fd) || pl_is_sim(newfd))
		return sim_dup3(fd, newfd, 0, false);
	return CALL_REAL(dup2, fd, newfd);
}

int dup3(int fd, int newfd, int flags)
{
	pl_resolve();
	if (pl_is_sim(fd) || pl_is_sim(newfd))
		return sim_dup3(fd, newfd, flags, true);
	return CALL_REAL(dup3, fd, newfd, flags);
}

/* ----------------------------------------------------------------------
 * fcntl: duplication and status flags are the simulated file's; the
 * descriptor flags (FD_CLOEXEC) and the rest are the placeholder's.
 */

static int sim_fcntl(int fd, int cmd, void *arg)
{
	int v = (int)(intptr_t)arg;
	int ret, err;

	switch (cmd) {
	case F_DUPFD:
		return sim_dup_min(fd, v, false);
	case F_DUPFD_CLOEXEC:
		return sim_dup_min(fd, v, true);
	case F_GETFL:
	case F_SETFL:
		if (!pl_enter())
			return -1;
		ret = iommufd_sim_fcntl(pl_proc(), fd, cmd, v);
		err = errno;
		pl_leave();
		errno = err;
		return ret;
	default:
		return syscall(SYS_fcntl, fd, cmd, arg);
	}
}

/* fcntl's third argument, an int or a pointer: read as glibc reads it. */
#define FCNTL_ARG(cmd)							\
	({								\
		void *arg_;						\
		va_list ap_;						\
									\
		va_start(ap_, cmd);					\
		arg_ = va_arg(ap_, void *);				\
		va_end(ap_);						\
		arg_;							\
	})

typedef int (*fcntl_fn)(int fd, int cmd, ...);

static int fcntl_common(fcntl_fn real, int fd, int cmd, void *arg)
{
	if (pl_is_sim(fd))
		return sim_fcntl(fd, cmd, arg);
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	return real(fd, cmd, arg);
}

int fcntl(int fd, int cmd, ...)
{
	pl_resolve();
	return fcntl_common(pl_real.fcntl, fd, cmd, FCNTL_ARG(cmd));
}

int fcntl64(int fd, int cmd, ...)
{
	pl_resolve();
	return fcntl_common(pl_real.fcntl64, fd, cmd, FCNTL_ARG(cmd));
}

/* ----------------------------------------------------------------------
 * mmap: the regions a simulated descriptor's ->mmap offers (a vIOMMU's
 * page through the iommufd).  The simulator returns the region's own
 * address; the ranges handed out are remembered so that munmap() of them
 * goes back to the simulator, which drops the file and owner references
 * the mapping holds.  As there, two mappings of one region share an
 * address, and an munmap() takes the newest.
 */

struct sim_map {
	uintptr_t start;
	uintptr_t end;
};

static pthread_mutex_t maps_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sim_map *maps;		/* oldest first */
static size_t nr_maps, maps_cap;

static bool maps_add(uintptr_t start, uintptr_t end)
{
	struct sim_map *n;

	if (nr_maps == maps_cap) {
		n = realloc(maps, (maps_cap ? maps_cap * 2 : 16) * sizeof(*n));
		if (!n)
			return false;
		maps = n;
		maps_cap = maps_cap ? maps_cap * 2 : 16;
	}
	maps[nr_maps++] = (struct sim_map){ .start = start, .end = end };
	return true;
}

/*
 * Take [start, end) out of the newest mapping covering each part of it.
 * Return: true if any simulated mapping was hit.  maps_lock held.
 */
static bool maps_cut(uintptr_t start, uintptr_t end)
{
	struct sim_map hit[8];
	unsigned int nr_hit = 0, j;
	bool any = false;
	size_t i;

	for (i = nr_maps; i-- > 0;) {
		struct sim_map *m = &maps[i];
		bool shadowed = false;

		if (m->end <= start || m->start >= end)
			continue;
		for (j = 0; j < nr_hit; j++)
			if (hit[j].start < m->end && m->start < hit[j].end)
				shadowed = true;
		if (shadowed)
			continue;
		if (nr_hit < 8)
			hit[nr_hit++] = *m;
		any = true;
		if (m->start < start && m->end > end) {
			/* Cut in the middle: the tail becomes its own entry. */
			uintptr_t tail = m->end;

			m->end = start;
			maps_add(end, tail);
		} else if (m->start < start) {
			m->end = start;
		} else if (m->end > end) {
			m->start = end;
		} else {
			memmove(&maps[i], &maps[i + 1],
				(--nr_maps - i) * sizeof(*maps));
		}
	}
	return any;
}

static void *sim_mmap(void *addr, size_t len, int prot, int flags, int fd,
		      off_t off)
{
	long page = sysconf(_SC_PAGESIZE);
	void *ret;
	int err;

	if (!pl_enter())
		return MAP_FAILED;
	ret = iommufd_sim_mmap(pl_proc(), addr, len, prot, flags, fd, off);
	err = errno;
	if (ret != MAP_FAILED) {
		pthread_mutex_lock(&maps_lock);
		if (!maps_add((uintptr_t)ret, (uintptr_t)ret +
			      ((len + page - 1) & ~(page - 1)))) {
			pthread_mutex_unlock(&maps_lock);
			iommufd_sim_munmap(pl_proc(), ret, len);
			ret = MAP_FAILED;
			err = ENOMEM;
		} else {
			pthread_mutex_unlock(&maps_lock);
		}
	}
	pl_leave();
	errno = err;
	return ret;
}

typedef void *(*mmap_fn)(void *addr, size_t len, int prot, int flags,
			int fd, off_t off);

static void *mmap_common(mmap_fn real, void *addr, size_t len, int prot,
			 int flags, int fd, off_t off)
{
	if (!(flags & MAP_ANONYMOUS) && pl_is_sim(fd))
		return sim_mmap(addr, len, prot, flags, fd, off);
	if (!real) {
		errno = ENOSYS;
		return MAP_FAILED;
	}
	return real(addr, len, prot, flags, fd, off);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	pl_resolve();
	return mmap_common(pl_real.mmap, addr, len, prot, flags, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	pl_resolve();
	return mmap_common(pl_real.mmap64, addr, len, prot, flags, fd, off);
}

int munmap(void *addr, size_t len)
{
	uintptr_t start = (uintptr_t)addr;
	bool hit;
	int ret, err;

	pl_resolve();
	pthread_mutex_lock(&maps_lock);
	hit = nr_maps && maps_cut(start, start + len);
	pthread_mutex_unlock(&maps_lock);
	if (!hit)
		return CALL_REAL(munmap, addr, len);
	/* After the exit audit the regions are gone with the simulator. */
	if (!pl_enter())
		return 0;
	ret = iommufd_sim_munmap(pl_proc(), addr, len);
	err = errno;
	pl_leave();
	errno = err;
	return ret;
}
