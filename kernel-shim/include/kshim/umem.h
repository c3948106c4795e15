/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim/umem.h - user memory made by the simulator, fault plans,
 * userfaultfd, memfd files.
 *
 * User memory.  kshim_umem_alloc() gives a simulated process a buffer the
 * way mmap() would: a user segment of simulated physical memory (a memfd,
 * kshim/physmem.h) mapped a second time, MAP_SHARED with the requested
 * protection, at a user address registered as a mapping (a VMA) of the
 * process's mm.  The process's threads read and write it through that
 * address like any memory; the simulated kernel reaches it through
 * copy_{to,from}_user and GUP (linux/uaccess.h, linux/mm.h), which check the
 * mapping and its protection and move bytes through the frames' direct map.
 * kshim_user_munmap() is the user's munmap (whole or partial):  the VMA
 * goes, the view is unmapped, and frames still pinned by a device stay
 * alive and readable through the direct map until unpinned.
 *
 * Fault plans.  Each page of a umem starts "not populated".  The first
 * touch of a page (by the simulated kernel, or under userfaultfd also by
 * the user) consults the plan of its range:
 *   RESOLVE  (default) the page is populated and the access proceeds;
 *   STALL    the touching thread blocks until kshim_fault_release() covers
 *            the page or the plan changes: a race window at an exact page;
 *   FAIL     the access fails: -EFAULT from uaccess and GUP (a user-mode
 *            touch under userfaultfd gets SIGBUS, as on a poisoned page).
 * Setting a plan re-arms its range: its pages count as not populated
 * again (their contents stay), so the next touch consults the new plan.
 *
 * Mechanisms.  Software fault points in the uaccess and GUP paths are
 * always there and deterministic; a stalled thread blocks through
 * kshim_block() (KSHIM_BLOCK_FAULT), so the scheduler sees it.  When the
 * host allows userfaultfd (probed once: userfaultfd(UFFD_USER_MODE_ONLY),
 * then /dev/userfaultfd), new umems are registered with it (shmem MISSING,
 * and MINOR when available, so re-armed pages fault again): first touches
 * become fault events that a monitor thread handles by the plan; a stall
 * leaves the touching thread blocked in the host kernel; a fail poisons
 * the page (UFFDIO_POISON) and the simulator's access catches the SIGBUS
 * and returns -EFAULT.  KSHIM_USERFAULTFD=0 in the environment or
 * kshim_uffd_set_enabled(false) forces the software path; the world's log
 * says which mechanism is active.
 *
 * memfd files (IOMMU_IOAS_MAP_FILE): a memfd of n bytes whose pages are a
 * user segment, pinned by file offset, optionally mapped into a process.
 */
#ifndef _KSHIM_UMEM_H
#define _KSHIM_UMEM_H

#include <stddef.h>
#include <linux/types.h>
#include <kshim/physmem.h>

struct kshim_blocker;
struct kshim_process;
struct kshim_umem;
struct kshim_memfd;
struct page;
struct task_struct;

/* Settings of a new umem; zero means the default of each field. */
struct kshim_umem_opts {
	enum kshim_phys_policy policy;	/* frame placement; default contiguous */
	int prot;			/* PROT_* of the user's view; 0 = RW */
	/*
	 * Alignment of the user address (a power of two >= PAGE_SIZE).  0:
	 * 2 MiB for buffers of at least 2 MiB, else PAGE_SIZE.
	 */
	unsigned long align;
	/* Place the user address this many bytes past the alignment. */
	unsigned long misalign;
	const char *name;
	bool no_uffd;			/* software fault points only */
	int plan;			/* enum kshim_fault_plan of every page */
};

/**
 * kshim_umem_alloc - give a simulated process a fresh buffer
 * @p: the process whose address space gets the mapping
 * @size: bytes, rounded up to pages
 * @opts: settings, or NULL for read-write, contiguous frames
 *
 * Return: the handle, or an ERR_PTR (-EINVAL, -ENOMEM, -ENOSPC).
 */
struct kshim_umem *kshim_umem_alloc(struct kshim_process *p, size_t size,
				    const struct kshim_umem_opts *opts);
/*
 * The user munmaps whatever is still mapped of @um and the handle is
 * released.  Pinned frames stay alive until unpinned.
 */
void kshim_umem_unmap(struct kshim_umem *um);
void __user *kshim_umem_addr(const struct kshim_umem *um);
size_t kshim_umem_size(const struct kshim_umem *um);
/* The frame behind page @idx of @um (no reference taken). */
struct page *kshim_umem_frame(const struct kshim_umem *um, unsigned long idx);
/* Whether page @idx has been touched since it was (re)armed. */
bool kshim_umem_populated(const struct kshim_umem *um, unsigned long idx);
/* True if @um is registered with userfaultfd. */
bool kshim_umem_uses_uffd(const struct kshim_umem *um);

/*
 * The user's munmap/mprotect of [addr, addr + len) in @p's address space,
 * for mappings the simulator made (others are not touched).  Page aligned;
 * -EINVAL otherwise.
 */
int kshim_user_munmap(struct kshim_process *p, unsigned long addr, size_t len);
int kshim_user_mprotect(struct kshim_process *p, unsigned long addr,
			size_t len, int prot);

enum kshim_fault_plan {
	KSHIM_FAULT_RESOLVE,
	KSHIM_FAULT_STALL,
	KSHIM_FAULT_FAIL,
};

/*
 * Set the plan of the pages covering [offset, offset + len) of @um and
 * re-arm them.  Threads stalled there re-evaluate.  Return: 0 or -EINVAL.
 */
int kshim_fault_plan_set(struct kshim_umem *um, size_t offset, size_t len,
			 enum kshim_fault_plan plan);
/* Let the faults stalled in the range proceed (the plan stays). */
void kshim_fault_release(struct kshim_umem *um, size_t offset, size_t len);
/* Faults stalled in the range now (software waiters and uffd events). */
unsigned int kshim_fault_stalled(struct kshim_umem *um, size_t offset,
				 size_t len);
/*
 * Wait until at least @n faults are stalled in the range.  Return: 0, or
 * -ETIMEDOUT after @timeout_ms milliseconds.
 */
int kshim_fault_wait_stalled(struct kshim_umem *um, size_t offset, size_t len,
			     unsigned int n, unsigned int timeout_ms);

enum kshim_fault_mech {
	KSHIM_FAULT_MECH_SOFTWARE,	/* fault points in uaccess and GUP */
	KSHIM_FAULT_MECH_UFFD,		/* userfaultfd and a monitor thread */
};

/* The mechanism new umems get in this world. */
enum kshim_fault_mech kshim_fault_mechanism(void);
/* One line for humans: which mechanism, and why. */
const char *kshim_fault_mechanism_desc(void);
/*
 * Whether the host lets us use userfaultfd; *@reason (may be NULL) says how
 * (which interface) or why not.  Probed once per host process.
 */
bool kshim_uffd_available(const char **reason);
/* Use userfaultfd for umems allocated from now on (reset per world). */
void kshim_uffd_set_enabled(bool on);
/* Fault events the monitor received in this world. */
unsigned long kshim_uffd_faults(void);

/*
 * Controlled-mode integration of userfaultfd (the "fault gate").  A thread
 * that may block in the host kernel on a user fault cannot pass the baton
 * itself, so the scheduler registers these hooks:
 *   touch_begin/touch_end  around a simulator access to registered memory
 *                          that may fault (the gate: hand the baton to the
 *                          monitor, take it back);
 *   stalled/resumed        the monitor saw task @t stall on a fault (or a
 *                          host thread that is no task, @t == NULL) and
 *                          later let it go: @t is blocked on @what.
 * With no hooks (free-run), a stall simply leaves the thread blocked in
 * the host kernel while the others run.
 */
struct kshim_fault_proxy_ops {
	void (*touch_begin)(struct task_struct *t);
	void (*touch_end)(struct task_struct *t);
	void (*stalled)(struct task_struct *t, const struct kshim_blocker *what);
	void (*resumed)(struct task_struct *t);
};
void kshim_fault_set_proxy(const struct kshim_fault_proxy_ops *ops);

/* memfd files */
struct kshim_memfd *kshim_memfd_create(size_t size,
				       enum kshim_phys_policy policy,
				       const char *name);
struct kshim_memfd *kshim_memfd_get(struct kshim_memfd *f);
void kshim_memfd_put(struct kshim_memfd *f);
/* The host file descriptor number (valid while @f lives). */
int kshim_memfd_fd(const struct kshim_memfd *f);
size_t kshim_memfd_size(const struct kshim_memfd *f);
/* The memfd whose descriptor is @fd, with a reference, or NULL. */
struct kshim_memfd *kshim_memfd_lookup(int fd);
/**
 * kshim_memfd_pin_pages - pin pages of a memfd by file offset
 * @f: the file
 * @pgoff: first page index
 * @npages: pages to pin
 * @pages: receives the frames (each pinned with GUP_PIN_COUNTING_BIAS)
 * @write: the pins are for writing
 *
 * Return: @npages, or -EINVAL past the end of the file, -ENOMEM when the
 * fault point fires.
 */
long kshim_memfd_pin_pages(struct kshim_memfd *f, unsigned long pgoff,
			   unsigned long npages, struct page **pages,
			   bool write);
/* mmap(MAP_SHARED) of [offset, offset + len) of @f into @p. */
struct kshim_umem *kshim_memfd_mmap(struct kshim_process *p,
				    struct kshim_memfd *f, size_t offset,
				    size_t len, int prot);

/* uaccess settings (reset per world) */
/* Every copy_*_user/get_user/put_user becomes a fault point (fail_usercopy). */
void kshim_uaccess_set_fault_injection(bool on);

enum kshim_uaccess_slow {
	KSHIM_UACCESS_SLOW_PVM,		/* process_vm_readv/writev */
	KSHIM_UACCESS_SLOW_PIPE,	/* write/read through a pipe */
};
/* How memory outside simulator mappings is reached. */
enum kshim_uaccess_slow kshim_uaccess_slow_path(void);
/* Force a slow path (tests); the default is probed. */
void kshim_uaccess_set_slow_path(enum kshim_uaccess_slow how);

#endif /* _KSHIM_UMEM_H */
