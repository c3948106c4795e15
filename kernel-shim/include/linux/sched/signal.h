/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/sched/signal.h - the per-process part of a task: resource limits.
 *
 * Contract
 *   Kept:    struct signal_struct shared by every thread of a simulated
 *            process, holding its rlimits; task_rlimit/task_rlimit_max
 *            read another task's limits (iommufd checks the
 *            RLIMIT_MEMLOCK of the mapping process's group leader),
 *            rlimit/rlimit_max read current's.
 *   Dropped: signals themselves (signal_pending() is always false, see
 *            linux/sched.h), thread-group bookkeeping.
 *   Added:   the limits are settings of the simulated process
 *            (kshim_process_set_rlimit() in kshim/process.h).  A task in no
 *            simulated process has the init limits (RLIMIT_MEMLOCK 8 MiB,
 *            the others infinite).  A process may instead take its
 *            limits from the host process, read where they are used
 *            (the preload library: the program is the simulated process,
 *            and whoever changes its limits, itself or prlimit from
 *            outside, changes them for the simulated kernel too).
 */
#ifndef _KSHIM_LINUX_SCHED_SIGNAL_H
#define _KSHIM_LINUX_SCHED_SIGNAL_H

#include <linux/compiler.h>
#include <linux/resource.h>
#include <linux/sched.h>

struct signal_struct {
	struct rlimit rlim[RLIM_NLIMITS];
	struct task_struct *kshim_leader;	/* the process's group leader */
	bool kshim_host_rlimits;		/* @rlim unused: ask the host */
};

/* The host process's limit @limit (getrlimit()), current or maximum. */
unsigned long kshim_host_rlimit(unsigned int limit, bool max);

/* Limits of tasks that belong to no simulated process. */
extern const struct signal_struct kshim_init_signal;

static inline const struct signal_struct *
kshim_task_signal(const struct task_struct *task)
{
	return task->signal ? task->signal : &kshim_init_signal;
}

static inline unsigned long task_rlimit(const struct task_struct *task,
					unsigned int limit)
{
	const struct signal_struct *sig = kshim_task_signal(task);

	if (sig->kshim_host_rlimits)
		return kshim_host_rlimit(limit, false);
	return READ_ONCE(sig->rlim[limit].rlim_cur);
}

static inline unsigned long task_rlimit_max(const struct task_struct *task,
					    unsigned int limit)
{
	const struct signal_struct *sig = kshim_task_signal(task);

	if (sig->kshim_host_rlimits)
		return kshim_host_rlimit(limit, true);
	return READ_ONCE(sig->rlim[limit].rlim_max);
}

static inline unsigned long rlimit(unsigned int limit)
{
	return task_rlimit(current, limit);
}

static inline unsigned long rlimit_max(unsigned int limit)
{
	return task_rlimit_max(current, limit);
}

#endif /* _KSHIM_LINUX_SCHED_SIGNAL_H */
