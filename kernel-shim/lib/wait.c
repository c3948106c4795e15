// SPDX-License-Identifier: GPL-2.0
/*
 * Wait queues (linux/wait.h).
 *
 * wait_event() reads the queue's sequence number before evaluating its
 * condition and sleeps only if no wake_up() has bumped it since; a waker
 * changes the condition before calling wake_up(), so a wake-up can never
 * fall between the check and the sleep.
 */
#include <linux/sched.h>
#include <linux/wait.h>

void __init_waitqueue_head(struct wait_queue_head *wq, const char *name)
{
	kshim_guard_init(&wq->guard);
	wq->seq = 0;
	INIT_LIST_HEAD(&wq->waiters);
	INIT_LIST_HEAD(&wq->entries);
	wq->name = name;
}

void add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
	kshim_guard_lock(&wq->guard);
	list_add_tail(&e->entry, &wq->entries);
	kshim_guard_unlock(&wq->guard);
}

void remove_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
	kshim_guard_lock(&wq->guard);
	list_del_init(&e->entry);
	kshim_guard_unlock(&wq->guard);
}

void kshim_waitqueue_destroy(struct wait_queue_head *wq)
{
	kshim_guard_destroy(&wq->guard);
}

unsigned long kshim_waitqueue_seq(struct wait_queue_head *wq)
{
	return __atomic_load_n(&wq->seq, __ATOMIC_ACQUIRE);
}

long kshim_waitqueue_sleep(struct wait_queue_head *wq, unsigned long seq,
			   long timeout)
{
	struct kshim_blocker what = {
		.kind = KSHIM_BLOCK_WAITQUEUE, .obj = wq, .name = wq->name,
	};
	struct kshim_waiter w = { .task = current };

	kshim_sched_point(KSHIM_PT_WAIT, wq);
	kshim_guard_lock(&wq->guard);
	if (wq->seq == seq) {
		list_add_tail(&w.node, &wq->waiters);
		while (!w.granted && timeout)
			timeout = kshim_block(&wq->guard, &what, timeout);
		if (!w.granted)
			list_del(&w.node);
	}
	kshim_guard_unlock(&wq->guard);
	return timeout;
}

void wake_up(struct wait_queue_head *wq)
{
	struct wait_queue_entry *e;

	kshim_sched_point(KSHIM_PT_WAKE, wq);
	kshim_guard_lock(&wq->guard);
	__atomic_add_fetch(&wq->seq, 1, __ATOMIC_RELEASE);
	while (!list_empty(&wq->waiters)) {
		struct kshim_waiter *w = list_first_entry(&wq->waiters,
							  struct kshim_waiter,
							  node);

		list_del_init(&w->node);
		w->granted = true;
		kshim_wake(w->task);
	}
	list_for_each_entry(e, &wq->entries, entry)
		e->func(e, 0, 0, NULL);
	kshim_guard_unlock(&wq->guard);
}

bool waitqueue_active(struct wait_queue_head *wq)
{
	bool active;

	kshim_guard_lock(&wq->guard);
	active = !list_empty(&wq->waiters) || !list_empty(&wq->entries);
	kshim_guard_unlock(&wq->guard);
	return active;
}
