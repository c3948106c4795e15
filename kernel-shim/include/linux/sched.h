/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/sched.h - tasks, current, and voluntary scheduling.
 *
 * Contract
 *   Kept:    struct task_struct with pid, comm and mm; `current` is the
 *            calling thread's task; cond_resched(), schedule(),
 *            schedule_timeout() and might_sleep() are scheduling points, and
 *            might_sleep() reports a sleep from atomic context (spinlock
 *            held) as "BUG: sleeping function called from invalid context"
 *            in the run's report.
 *   Dropped: priorities, CPU affinity, signals: signal_pending() is always
 *            false, so interruptible waits behave as uninterruptible ones.
 *   Added:   the shim's per-task state (kshim/task.h).  Tasks are created
 *            with kshim_thread_run(); any other host thread that calls into
 *            the shim is adopted as a task on first use.
 */
#ifndef _KSHIM_LINUX_SCHED_H
#define _KSHIM_LINUX_SCHED_H

#include <linux/types.h>
#include <kshim/task.h>

#define TASK_COMM_LEN		16
#define MAX_SCHEDULE_TIMEOUT	KSHIM_NO_TIMEOUT

struct mm_struct;
struct user_struct;
struct cred;
struct files_struct;
struct signal_struct;

struct task_struct {
	pid_t pid;
	char comm[TASK_COMM_LEN];
	struct mm_struct *mm;
	struct task_struct *group_leader;
	const struct cred *cred;
	struct signal_struct *signal;	/* rlimits; NULL: init's (mm/) */
	struct files_struct *files;	/* NULL: the world's default table */
	struct kshim_task kshim;
};

struct task_struct *kshim_current(void);
#define current kshim_current()

static inline pid_t task_pid_nr(struct task_struct *t)
{
	return t->pid;
}

static inline bool signal_pending(struct task_struct *t)
{
	return false;
}

static inline bool fatal_signal_pending(struct task_struct *t)
{
	return false;
}

void cond_resched(void);
void schedule(void);
long schedule_timeout(long timeout);
long schedule_timeout_uninterruptible(long timeout);
long schedule_timeout_interruptible(long timeout);
void yield(void);

#define might_sleep() kshim_might_sleep(__FILE__, __LINE__)
#define might_sleep_if(cond) do { if (cond) might_sleep(); } while (0)

#endif /* _KSHIM_LINUX_SCHED_H */
