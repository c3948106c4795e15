// SPDX-License-Identifier: GPL-2.0
/*
 * The schedulers of controlled mode.
 *
 *   rr      keep running the current task while it can; when it blocks or
 *           exits, take the next runnable task in index order.  Zero
 *           preemptions: the baseline schedule.
 *   random  a uniform choice among the runnable tasks at every point.
 *   pct     Burckhardt et al.'s probabilistic concurrency testing: random
 *           distinct priorities, always run the highest-priority runnable
 *           task, and at d-1 random steps in [1, k] demote the running task
 *           below every initial priority.  A bug of depth d is found with
 *           probability at least 1 / (n * k^(d-1)) per run.
 *   dfs     follow a given prefix of choices, then behave like rr; the
 *           explorer (explore.c) enumerates prefixes depth-first under a
 *           preemption bound.
 *   replay  follow a recorded trace; any mismatch is a divergence.
 */
#include <stdio.h>
#include "ctl.h"

static int index_of(struct task_struct **runnable, int n,
		    struct task_struct *t)
{
	int i;

	for (i = 0; i < n; i++)
		if (runnable[i] == t)
			return i;
	return -1;
}

/* The non-preemptive choice: @cur if it can go on, else the next one. */
static int pick_default(struct task_struct **runnable, int n,
			struct task_struct *cur)
{
	int i = index_of(runnable, n, cur);

	if (i >= 0)
		return i;
	for (i = 0; i < n; i++)
		if (runnable[i]->kshim.ctl_index > cur->kshim.ctl_index)
			return i;
	return 0;
}

int kshim_sched_pick_fair(struct task_struct **runnable, int n,
			  struct task_struct *cur)
{
	int i;

	/* Rotate: the first runnable task after @cur in index order. */
	for (i = 0; i < n; i++)
		if (runnable[i]->kshim.ctl_index > cur->kshim.ctl_index)
			return i;
	return 0;
}

static void nop_begin(const struct kshim_sched_config *cfg)
{
}

static void nop_added(struct task_struct *t)
{
}

static const struct kshim_sched_ops rr_ops = {
	.name = "rr",
	.run_begin = nop_begin,
	.task_added = nop_added,
	.pick = pick_default,
};

static int random_pick(struct task_struct **runnable, int n,
		       struct task_struct *cur)
{
	return kshim_ctl_rand() % n;
}

static const struct kshim_sched_ops random_ops = {
	.name = "random",
	.run_begin = nop_begin,
	.task_added = nop_added,
	.pick = random_pick,
};

/* --- PCT -------------------------------------------------------------- */

static unsigned int pct_depth(void)
{
	unsigned int d = kshim_ctl.cfg.pct_depth ?: 3;

	return d > 8 ? 8 : d;
}

static void pct_begin(const struct kshim_sched_config *cfg)
{
	unsigned long k = cfg->pct_steps ?: 1000;
	unsigned int i, d = pct_depth();

	/* d - 1 priority change points, uniform in [1, k]. */
	kshim_ctl.pct_nchange = d - 1;
	for (i = 0; i < d - 1; i++)
		kshim_ctl.pct_change[i] = 1 + kshim_ctl_rand() % k;
}

static void pct_added(struct task_struct *t)
{
	/*
	 * Initial priorities live above 2^32 so that every demoted priority
	 * (1 .. d-1) is below all of them; the low bits make them distinct
	 * with overwhelming probability, ties go to the lower index.
	 */
	t->kshim.sched_prio = (1ULL << 32) + (kshim_ctl_rand() >> 32);
}

static int pct_pick(struct task_struct **runnable, int n,
		    struct task_struct *cur)
{
	unsigned int i, d = pct_depth();
	int best = 0, j;

	for (i = 0; i < kshim_ctl.pct_nchange; i++)
		if (kshim_ctl.pct_change[i] == kshim_ctl.step)
			cur->kshim.sched_prio = d - 1 - i;
	for (j = 1; j < n; j++)
		if (runnable[j]->kshim.sched_prio >
		    runnable[best]->kshim.sched_prio)
			best = j;
	return best;
}

static const struct kshim_sched_ops pct_ops = {
	.name = "pct",
	.run_begin = pct_begin,
	.task_added = pct_added,
	.pick = pct_pick,
};

/* --- DFS prefix follower and replay ------------------------------------ */

static int follow(unsigned char want, struct task_struct **runnable, int n,
		  const char *what)
{
	int i;

	for (i = 0; i < n; i++)
		if (runnable[i]->kshim.ctl_index == want)
			return i;
	snprintf(kshim_ctl.diverge_msg, sizeof(kshim_ctl.diverge_msg),
		 "step %lu: the %s chooses T%u, which is not runnable\n",
		 kshim_ctl.step, what, want);
	return -1;
}

static int dfs_pick(struct task_struct **runnable, int n,
		    struct task_struct *cur)
{
	const struct kshim_sched_config *cfg = &kshim_ctl.cfg;

	if (kshim_ctl.step <= cfg->prefix_len)
		return follow(cfg->prefix[kshim_ctl.step - 1], runnable, n,
			      "prefix");
	return pick_default(runnable, n, cur);
}

static const struct kshim_sched_ops dfs_ops = {
	.name = "dfs",
	.run_begin = nop_begin,
	.task_added = nop_added,
	.pick = dfs_pick,
};

static int replay_pick(struct task_struct **runnable, int n,
		       struct task_struct *cur)
{
	const struct kshim_trace *tr = kshim_ctl.cfg.replay;

	if (!tr || kshim_ctl.step > tr->nsteps) {
		snprintf(kshim_ctl.diverge_msg, sizeof(kshim_ctl.diverge_msg),
			 "step %lu: the trace has only %lu steps\n",
			 kshim_ctl.step, tr ? tr->nsteps : 0);
		return -1;
	}
	return follow(tr->steps[kshim_ctl.step - 1], runnable, n, "trace");
}

static const struct kshim_sched_ops replay_ops = {
	.name = "replay",
	.run_begin = nop_begin,
	.task_added = nop_added,
	.pick = replay_pick,
};

const struct kshim_sched_ops *kshim_sched_ops_for(enum kshim_sched_kind kind)
{
	switch (kind) {
	case KSHIM_SCHED_RANDOM:
		return &random_ops;
	case KSHIM_SCHED_PCT:
		return &pct_ops;
	case KSHIM_SCHED_DFS:
		return &dfs_ops;
	case KSHIM_SCHED_REPLAY:
		return &replay_ops;
	case KSHIM_SCHED_RR:
	default:
		return &rr_ops;
	}
}

const char *kshim_sched_kind_name(enum kshim_sched_kind kind)
{
	return kshim_sched_ops_for(kind)->name;
}
