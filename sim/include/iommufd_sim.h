/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iommufd_sim.h - the embedding API: drive a simulated /dev/iommu from C.
 *
 * A program creates a simulator (one simulated kernel, i.e. one world),
 * then one or more simulated processes.  A process has its own descriptor
 * table, credentials, RLIMIT_MEMLOCK and user memory.  The calls below are
 * the system calls of that process: they take the process as their first
 * argument and otherwise behave like their libc namesakes, returning -1
 * with errno set on failure.
 *
 *	struct iommufd_sim *sim = iommufd_sim_create(NULL);
 *	struct iommufd_sim_proc *p = iommufd_sim_proc_create(sim, NULL);
 *	int fd = iommufd_sim_open(p, "/dev/iommu", O_RDWR);
 *	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
 *	iommufd_sim_ioctl(p, fd, IOMMU_IOAS_ALLOC, &alloc);
 *	...
 *	iommufd_sim_close(p, fd);
 *	iommufd_sim_proc_destroy(p);
 *	problems = iommufd_sim_destroy(sim, stderr);
 *
 * Pointers passed to ioctl() are this process's own memory.  Memory that
 * iommufd_sim_mem_alloc() returns is simulator-owned user memory (memfd
 * backed, with simulated frames, demand paged, optionally under a fault
 * plan); any other memory of the program can be passed as well (see
 * docs/user-memory.md for what differs).
 *
 * Descriptor numbers are the simulated process's own: they never collide
 * with the program's real descriptors and mean nothing to libc.
 */
#ifndef _IOMMUFD_SIM_H
#define _IOMMUFD_SIM_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iommufd_sim;
struct iommufd_sim_proc;

struct iommufd_sim_opts {
	uint64_t seed;		/* frame placement, fault probabilities */
	/*
	 * Use the world that is already running (a controlled run started
	 * by kshim_run_controlled(), whose supervisor audits it) instead of
	 * starting one; iommufd_sim_destroy() then closes the processes but
	 * neither audits nor ends the world.
	 */
	bool in_current_world;
	/*
	 * Mock devices to present as VFIO device cdevs, /dev/vfio/devices/
	 * vfio0 .. vfio<n-1> (iommufd_sim_vfio.h), each created with the
	 * MOCK_FLAGS_DEVICE_* bits in @vfio_device_flags.
	 */
	unsigned int vfio_devices;
	uint32_t vfio_device_flags;
};

/*
 * Start a simulated kernel (a world).  NULL opts: defaults.  Return: the
 * simulator, or NULL with errno set if the VFIO devices cannot be made
 * (EINVAL for unknown device flags).
 */
struct iommufd_sim *iommufd_sim_create(const struct iommufd_sim_opts *opts);
/*
 * Stop it: close every process still open, then audit (no leaked object,
 * allocation, pinned or charged page, WARN, held lock).  Prints problems
 * to @report if not NULL.  Return: the number of problems.
 */
int iommufd_sim_destroy(struct iommufd_sim *sim, FILE *report);

struct iommufd_sim_proc_opts {
	const char *name;
	uid_t uid;			/* as given; 0 is uid 0 with @caps only */
	bool root;			/* uid 0 with every capability */
	uint64_t caps;			/* capability bits (1 << CAP_x) */
	unsigned long memlock_bytes;	/* RLIMIT_MEMLOCK; 0: 8 MiB */
	/*
	 * The process is this program: its resource limits are the host
	 * process's, read when the simulated kernel needs them
	 * (@memlock_bytes and iommufd_sim_proc_set_memlock() are ignored).
	 */
	bool host_rlimits;
	/*
	 * Descriptor numbers: by default the process's own (from 3 up); a
	 * front end may hand them out itself, e.g. the preload library makes
	 * each one a placeholder host descriptor.  @fd_alloc returns a
	 * number or -errno; @fd_free is called when the number is released.
	 */
	int (*fd_alloc)(void *data, unsigned int flags);
	void (*fd_free)(void *data, int fd);
	void *fd_data;
};

/* NULL with errno ENOMEM when the simulated kernel is out of memory. */
struct iommufd_sim_proc *
iommufd_sim_proc_create(struct iommufd_sim *sim,
			const struct iommufd_sim_proc_opts *opts);
/* The process exits: its descriptors are closed, its memory unmapped. */
void iommufd_sim_proc_destroy(struct iommufd_sim_proc *p);
void iommufd_sim_proc_set_memlock(struct iommufd_sim_proc *p,
				  unsigned long bytes);
void iommufd_sim_proc_set_cap(struct iommufd_sim_proc *p, int cap, bool on);

/* "/dev/iommu", or "/dev/vfio/vfio" (the VFIO-container node). */
int iommufd_sim_open(struct iommufd_sim_proc *p, const char *path, int flags);
int iommufd_sim_close(struct iommufd_sim_proc *p, int fd);
int iommufd_sim_dup(struct iommufd_sim_proc *p, int fd);
/* Make @newfd (a number the caller made free) another descriptor of @fd. */
int iommufd_sim_dup_to(struct iommufd_sim_proc *p, int fd, int newfd);
/*
 * F_GETFL and F_SETFL on the open file @fd refers to (status flags belong
 * to the file, so duplicates share them): F_SETFL changes O_APPEND and
 * O_NONBLOCK.  Other commands: -1/EINVAL.
 */
int iommufd_sim_fcntl(struct iommufd_sim_proc *p, int fd, int cmd, int arg);
/* True if @fd is an open descriptor of @p. */
bool iommufd_sim_fd_is_open(struct iommufd_sim_proc *p, int fd);
/*
 * Pass @from's descriptor @fd to process @to, as sendmsg(SCM_RIGHTS) and
 * recvmsg() between them would (a live-update handover).  Return: the new
 * descriptor in @to, or -1 with errno.
 */
int iommufd_sim_fd_send(struct iommufd_sim_proc *from, int fd,
			struct iommufd_sim_proc *to);
int iommufd_sim_ioctl(struct iommufd_sim_proc *p, int fd, unsigned long cmd,
		      void *arg);
ssize_t iommufd_sim_read(struct iommufd_sim_proc *p, int fd, void *buf,
			 size_t count);
ssize_t iommufd_sim_write(struct iommufd_sim_proc *p, int fd,
			  const void *buf, size_t count);
ssize_t iommufd_sim_pread(struct iommufd_sim_proc *p, int fd, void *buf,
			  size_t count, off_t offset);
ssize_t iommufd_sim_pwrite(struct iommufd_sim_proc *p, int fd,
			   const void *buf, size_t count, off_t offset);
/* Level-triggered poll over simulated descriptors; timeout in ms, -1 ever. */
int iommufd_sim_poll(struct iommufd_sim_proc *p, struct pollfd *fds,
		     nfds_t nfds, int timeout);
/*
 * Readiness for host event loops.  After iommufd_sim_watch(), @notify is
 * called with @data whenever a wait queue that @fd's file polls on is woken:
 * from the waking thread, possibly with kernel locks held, so it must not
 * block or call back into the simulator (writing an eventfd is the idea).
 * A wake-up may be spurious: iommufd_sim_poll() with timeout 0 gives the
 * current mask.  The watch holds the file; it ends with
 * iommufd_sim_close() of @fd or the process's exit.
 * Return: 0, or -1 with errno EBADF or EEXIST (already watched).
 */
int iommufd_sim_watch(struct iommufd_sim_proc *p, int fd,
		      void (*notify)(void *data), void *data);

/* Simulator-owned user memory. */
enum iommufd_sim_placement {
	IOMMUFD_SIM_SCATTERED,		/* neighbouring pages, distant frames */
	IOMMUFD_SIM_CONTIGUOUS,		/* one run of frames (huge IOPTEs) */
	IOMMUFD_SIM_CHUNK_2M,		/* 2 MiB runs */
};

struct iommufd_sim_mem_opts {
	enum iommufd_sim_placement placement;
	bool readonly;
};

void *iommufd_sim_mem_alloc(struct iommufd_sim_proc *p, size_t size,
			    const struct iommufd_sim_mem_opts *opts);
/*
 * The user unmaps (part of) it; pinned frames stay alive for DMA.  Also
 * unmaps (part of) a mapping of iommufd_sim_mmap().
 */
int iommufd_sim_munmap(struct iommufd_sim_proc *p, void *addr, size_t len);
/*
 * mmap() of a simulated descriptor (e.g. a driver region of an iommufd):
 * the file's ->mmap decides, after mmap(2)'s own checks (offset page
 * aligned, length rounded up to pages, MAP_SHARED or MAP_PRIVATE, the
 * file's open mode).  @addr is a hint and ignored; MAP_FIXED and
 * MAP_ANONYMOUS are not supported (EINVAL).  The address returned is the
 * view of the mapped frames (their direct map), so two mappings of one
 * region share it.  The mapping keeps the file open until munmap() or the
 * process's exit.  Return: the address, or MAP_FAILED with errno set.
 */
void *iommufd_sim_mmap(struct iommufd_sim_proc *p, void *addr, size_t length,
		       int prot, int flags, int fd, off_t offset);
/* A memfd of @size bytes in the process's table (for IOAS_MAP_FILE). */
int iommufd_sim_memfd(struct iommufd_sim_proc *p, size_t size);

/*
 * For front ends that also act inside the simulated kernel (the scenario
 * engine plays a driver): run @fn(@arg) as a system call of @p would run,
 * i.e. with @p's mm, credentials and descriptor table current, then the
 * return-to-user-space work and checks.  Return: @fn's result.
 */
int iommufd_sim_call(struct iommufd_sim_proc *p, int (*fn)(void *arg),
		     void *arg);
/*
 * The shim's handle of a buffer iommufd_sim_mem_alloc() returned (for
 * fault plans and frames, kshim/umem.h), or NULL if @addr is not the start
 * of one.
 */
struct kshim_umem;
struct kshim_umem *iommufd_sim_mem_umem(struct iommufd_sim_proc *p,
					const void *addr);

#ifdef __cplusplus
}
#endif

#endif /* _IOMMUFD_SIM_H */
