// SPDX-License-Identifier: GPL-2.0
/*
 * struct completion over the execution interface.
 *
 * complete() hands its "done" directly to the longest waiter when there is
 * one (w.granted), otherwise banks it in @done.  complete_all() sets @done
 * to UINT_MAX, which every later wait consumes without decrementing.
 */
#include <limits.h>
#include <linux/completion.h>
#include <linux/sched.h>

void init_completion(struct completion *x)
{
	kshim_guard_init(&x->guard);
	x->done = 0;
	INIT_LIST_HEAD(&x->waiters);
}

void reinit_completion(struct completion *x)
{
	x->done = 0;
}

void kshim_completion_destroy(struct completion *x)
{
	kshim_guard_destroy(&x->guard);
}

static void grant_one(struct completion *x)
{
	struct kshim_waiter *w = list_first_entry(&x->waiters,
						  struct kshim_waiter, node);

	list_del_init(&w->node);
	w->granted = true;
	kshim_wake(w->task);
}

void complete(struct completion *x)
{
	kshim_sched_point(KSHIM_PT_WAKE, x);
	kshim_guard_lock(&x->guard);
	if (!list_empty(&x->waiters))
		grant_one(x);
	else if (x->done != UINT_MAX)
		x->done++;
	kshim_guard_unlock(&x->guard);
}

void complete_all(struct completion *x)
{
	kshim_sched_point(KSHIM_PT_WAKE, x);
	kshim_guard_lock(&x->guard);
	x->done = UINT_MAX;
	while (!list_empty(&x->waiters))
		grant_one(x);
	kshim_guard_unlock(&x->guard);
}

unsigned long wait_for_completion_timeout(struct completion *x,
					  unsigned long timeout)
{
	struct kshim_blocker what = {
		.kind = KSHIM_BLOCK_COMPLETION, .obj = x,
		.name = "completion",
	};
	struct kshim_waiter w = { .task = current };
	long left = timeout > (unsigned long)KSHIM_NO_TIMEOUT ?
			    KSHIM_NO_TIMEOUT : (long)timeout;
	unsigned long ret;

	kshim_might_sleep(__FILE__, __LINE__);
	kshim_sched_point(KSHIM_PT_WAIT, x);
	kshim_guard_lock(&x->guard);
	if (x->done) {
		if (x->done != UINT_MAX)
			x->done--;
		ret = left ? left : 1;
		goto out_unlock;
	}
	list_add_tail(&w.node, &x->waiters);
	while (!w.granted && left) {
		left = kshim_block(&x->guard, &what, left);
	}
	if (!w.granted) {
		list_del(&w.node);
		ret = 0;
	} else {
		ret = left ? left : 1;
	}
out_unlock:
	kshim_guard_unlock(&x->guard);
	return ret;
}

void wait_for_completion(struct completion *x)
{
	wait_for_completion_timeout(x, MAX_SCHEDULE_TIMEOUT);
}

int wait_for_completion_interruptible(struct completion *x)
{
	wait_for_completion(x);
	return 0;
}

int wait_for_completion_killable(struct completion *x)
{
	wait_for_completion(x);
	return 0;
}

bool try_wait_for_completion(struct completion *x)
{
	bool ret = false;

	kshim_guard_lock(&x->guard);
	if (x->done) {
		if (x->done != UINT_MAX)
			x->done--;
		ret = true;
	}
	kshim_guard_unlock(&x->guard);
	return ret;
}

bool completion_done(struct completion *x)
{
	bool ret;

	kshim_guard_lock(&x->guard);
	ret = x->done != 0;
	kshim_guard_unlock(&x->guard);
	return ret;
}
