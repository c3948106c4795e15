/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to kernel-shim/sched: the state of the current controlled run and
 * the scheduler interface.
 */
#ifndef _KSHIM_SCHED_CTL_H
#define _KSHIM_SCHED_CTL_H

#include <pthread.h>
#include <linux/sched.h>
#include <kshim/sched.h>

struct kshim_sched_ops {
	const char *name;
	void (*run_begin)(const struct kshim_sched_config *cfg);
	void (*task_added)(struct task_struct *t);
	/*
	 * Choose among @runnable (@n >= 1, in task-index order); @cur is the
	 * task that reached the point (it may be blocked or exited).  Return
	 * an index into @runnable, or -1 when the schedule cannot be followed
	 * (replay divergence; kshim_ctl.diverge_msg says why).
	 */
	int (*pick)(struct task_struct **runnable, int n,
		    struct task_struct *cur);
};

struct kshim_ctl {
	struct kshim_sched_config cfg;
	const struct kshim_sched_ops *sched;
	struct task_struct *tasks[KSHIM_CTL_MAX_TASKS];
	int ntasks;
	struct task_struct *running;
	unsigned long step;
	unsigned long vtime;
	unsigned long max_steps, fair_steps;
	bool fair;
	uint64_t rng;
	enum kshim_point last_point;

	struct kshim_trace trace;
	unsigned long steps_cap;
	struct kshim_step_info *info;
	unsigned long ninfo, info_cap;
	unsigned long fault_points;
	unsigned long replay_fault;
	char diverge_msg[160];

	/* PCT */
	unsigned long pct_change[8];
	unsigned int pct_nchange;

	int cpu;			/* every thread of the run runs here */

	pthread_mutex_t done_lock;
	pthread_cond_t done_cond;
	bool finished;
	enum kshim_run_status status;
};

extern struct kshim_ctl kshim_ctl;

uint64_t kshim_ctl_rand(void);
const struct kshim_sched_ops *kshim_sched_ops_for(enum kshim_sched_kind kind);
/* The fair phase's rotation (used after the step bound). */
int kshim_sched_pick_fair(struct task_struct **runnable, int n,
			  struct task_struct *cur);
enum kshim_run_status kshim_ctl_supervise(struct task_struct *t0);

#endif /* _KSHIM_SCHED_CTL_H */
