/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim/process.h - simulated processes.
 *
 * A simulated process is what a user-space program is to the kernel: an
 * address space (struct mm_struct), credentials (uid, capabilities, the
 * per-uid struct user_struct), resource limits (struct signal_struct) and a
 * group leader task.  It is not a host process: every simulated process
 * lives in this host process and shares its address space; the simulator
 * keeps apart what belongs to each (its user mappings, its accounting).
 * Several may exist in one world (IOMMU_IOAS_CHANGE_PROCESS needs two).
 *
 * A thread acts as a process between kshim_process_enter() and
 * kshim_process_leave(): current->mm, ->cred, ->signal and ->group_leader
 * are the process's, so copy_from_user, pin_user_pages_fast, capable(),
 * rlimit() and current->group_leader mean what they mean in the kernel.
 * Entering nests (a thread may enter another process and leave it again).
 * A thread in no process has mm == NULL and the init credentials and
 * limits, like a kernel thread.
 *
 * Lifetimes follow the kernel's: kshim_process_destroy() is the process's
 * exit: the last mm_users reference goes (the simulator's user mappings are
 * unmapped, pinned frames stay), the leader's mm becomes NULL.  Objects that
 * iommufd holds (mmgrab on the mm, get_task_struct on the leader, get_uid
 * on the user) stay valid until they are dropped.
 *
 * Accounting: at the end of a world every mm's pinned_vm and locked_vm and
 * every user_struct's locked_vm must be 0; the audit reports what is left,
 * and processes that were never destroyed.
 */
#ifndef _KSHIM_PROCESS_H
#define _KSHIM_PROCESS_H

#include <linux/types.h>

struct kshim_process;
struct mm_struct;
struct task_struct;
struct user_struct;

/* Settings of a new process; a NULL pointer means all defaults. */
struct kshim_process_opts {
	const char *name;		/* comm of the leader; "proc" if NULL */
	uid_t uid;			/* default 0 only if @root */
	bool root;			/* uid 0 with every capability */
	u64 caps;			/* effective capabilities (bit = CAP_x) */
	/* RLIMIT_MEMLOCK in bytes; 0 means the kernel default (8 MiB). */
	unsigned long memlock_cur;
	unsigned long memlock_max;
	/*
	 * The limits are the host process's own (getrlimit() when the
	 * simulated kernel reads one); memlock_* and
	 * kshim_process_set_rlimit() are then ignored.
	 */
	bool host_rlimits;
};

/* The uid of a process created with default options. */
#define KSHIM_PROCESS_DEFAULT_UID	1000

/**
 * kshim_process_create - create a simulated process
 * @opts: settings, or NULL for uid 1000, no capabilities, 8 MiB memlock
 *
 * Return: the process (the caller owns it until kshim_process_destroy()).
 */
struct kshim_process *kshim_process_create(const struct kshim_process_opts *opts);
/* The process exits (see above) and the creator's reference is dropped. */
void kshim_process_destroy(struct kshim_process *p);

/* Make the calling thread act as @p until the matching leave. */
void kshim_process_enter(struct kshim_process *p);
void kshim_process_leave(void);
/* The process the calling thread acts as, or NULL. */
struct kshim_process *kshim_process_current(void);

struct mm_struct *kshim_process_mm(struct kshim_process *p);
struct task_struct *kshim_process_leader(struct kshim_process *p);
struct user_struct *kshim_process_user(struct kshim_process *p);

/* Settings that may change while the process lives. */
void kshim_process_set_rlimit(struct kshim_process *p, unsigned int resource,
			      unsigned long cur, unsigned long max);
void kshim_process_set_caps(struct kshim_process *p, u64 caps);
void kshim_process_set_cap(struct kshim_process *p, int cap, bool on);

/**
 * kshim_user_locked_vm_charge - charge pages to a user's locked_vm
 * @user: the user_struct to charge
 * @task: whose RLIMIT_MEMLOCK applies (iommufd: the mapping process's
 *        group leader)
 * @npages: pages to add
 *
 * The USER accounting mode of iommufd and io_uring: a cmpxchg loop that
 * refuses to go over the limit.  A fault point (kshim/fault.h).
 *
 * Return: 0, or -ENOMEM over the limit or when the fault point fires.
 */
int kshim_user_locked_vm_charge(struct user_struct *user,
				struct task_struct *task, unsigned long npages);
/* Give back @npages; going below 0 is a WARN. */
void kshim_user_locked_vm_uncharge(struct user_struct *user,
				   unsigned long npages);

/* Processes alive (not yet destroyed) in this world. */
unsigned long kshim_processes_live(void);

#endif /* _KSHIM_PROCESS_H */
