// SPDX-License-Identifier: GPL-2.0
/*
 * The free-run backend: simulated threads are host threads running in
 * parallel; a blocked task sleeps on its own condition variable with the
 * primitive's guard as the mutex; time is the host's monotonic clock,
 * counted in jiffies from KSHIM_INITIAL_JIFFIES at the start of the world.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include "../lib/kshim_internal.h"

static uint64_t freerun_epoch_ns;

static unsigned long freerun_jiffies(void)
{
	uint64_t ms = (kshim_host_ns() - freerun_epoch_ns) / 1000000;

	return KSHIM_INITIAL_JIFFIES + (unsigned long)(ms * HZ / 1000);
}

static void deadline_to_timespec(uint64_t deadline_ns, struct timespec *ts)
{
	ts->tv_sec = deadline_ns / 1000000000ULL;
	ts->tv_nsec = deadline_ns % 1000000000ULL;
}

static long freerun_block(struct kshim_guard *g,
			  const struct kshim_blocker *what, long timeout)
{
	struct task_struct *t = current;
	struct kshim_host *host = kshim_task_host(t);
	pthread_mutex_t *m = kshim_guard_mutex(g);
	uint64_t deadline_ns = 0, now;
	struct timespec ts;
	bool woken;

	if (timeout != KSHIM_NO_TIMEOUT) {
		deadline_ns = kshim_host_ns() +
			      (uint64_t)timeout * (1000000000ULL / HZ);
		deadline_to_timespec(deadline_ns, &ts);
	}
	t->kshim.blocked_on = *what;
	t->kshim.state = KSHIM_TASK_BLOCKED;
	while (!t->kshim.wake_pending) {
		if (!deadline_ns) {
			pthread_cond_wait(&host->cond, m);
		} else if (pthread_cond_timedwait(&host->cond, m, &ts) ==
			   ETIMEDOUT) {
			break;
		}
	}
	woken = t->kshim.wake_pending;
	t->kshim.wake_pending = false;
	t->kshim.state = KSHIM_TASK_RUNNABLE;
	memset(&t->kshim.blocked_on, 0, sizeof(t->kshim.blocked_on));

	if (!woken)
		return 0;
	if (!deadline_ns)
		return KSHIM_NO_TIMEOUT;
	now = kshim_host_ns();
	if (now >= deadline_ns)
		return 1;
	return max_t(long, 1, (deadline_ns - now) / (1000000000ULL / HZ));
}

static void freerun_wake(struct task_struct *t)
{
	t->kshim.wake_pending = true;
	pthread_cond_signal(&kshim_task_host(t)->cond);
}

static void freerun_sched_point(enum kshim_point kind, const void *obj)
{
}

static int freerun_thread_start(struct task_struct *t)
{
	struct kshim_host *host = kshim_task_host(t);

	return pthread_create(&host->thread, NULL, kshim_task_trampoline, t);
}

static void freerun_thread_exit(struct task_struct *t)
{
}

static void freerun_world_begin(const struct kshim_world_config *cfg)
{
	freerun_epoch_ns = kshim_host_ns();
}

static void freerun_world_end(void)
{
}

const struct kshim_exec_ops kshim_freerun_ops = {
	.name = "free-run",
	.world_begin = freerun_world_begin,
	.world_end = freerun_world_end,
	.block = freerun_block,
	.wake = freerun_wake,
	.sched_point = freerun_sched_point,
	.thread_start = freerun_thread_start,
	.thread_exit = freerun_thread_exit,
	.now = freerun_jiffies,
};
