// SPDX-License-Identifier: GPL-2.0
/*
 * The simulator's poll table (linux/poll.h).
 *
 * ->poll() methods call poll_wait(), which hooks a wait_queue_entry on each
 * queue; its wake function marks the poller woken and wakes its task.  The
 * function runs under the queue's internal lock, so it only touches the
 * poller's own guard and never reaches a scheduling point.
 */
#include <linux/bug.h>
#include <linux/poll.h>
#include <linux/sched.h>

static int kshim_poll_wake(struct wait_queue_entry *e, unsigned int mode,
			   int flags, void *key)
{
	struct kshim_poll *p = e->private;

	kshim_guard_lock(&p->guard);
	p->woken = true;
	if (p->task && p->task->kshim.blocked_on.obj == p)
		kshim_wake(p->task);
	if (p->notify)
		p->notify(p->notify_data);
	kshim_guard_unlock(&p->guard);
	return 1;
}

static void kshim_poll_queue(struct file *file, wait_queue_head_t *wq,
			     poll_table *pt)
{
	struct kshim_poll *p = pt->data;
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if (p->q[i].wq == wq)
			return;
	if (WARN_ON(p->n == KSHIM_POLL_MAX_QUEUES))
		return;
	p->q[p->n].wq = wq;
	p->q[p->n].e.private = p;
	p->q[p->n].e.func = kshim_poll_wake;
	add_wait_queue(wq, &p->q[p->n].e);
	p->n++;
}

void kshim_poll_init(struct kshim_poll *p)
{
	p->pt._qproc = kshim_poll_queue;
	p->pt.data = p;
	kshim_guard_init(&p->guard);
	p->task = current;
	p->woken = false;
	p->notify = NULL;
	p->notify_data = NULL;
	p->n = 0;
}

long kshim_poll_sleep(struct kshim_poll *p, long timeout)
{
	struct kshim_blocker what = {
		.kind = KSHIM_BLOCK_WAITQUEUE, .obj = p, .name = "poll",
	};

	kshim_might_sleep(__FILE__, __LINE__);
	kshim_sched_point(KSHIM_PT_WAIT, p);
	kshim_guard_lock(&p->guard);
	while (!p->woken && timeout)
		timeout = kshim_block(&p->guard, &what, timeout);
	if (p->woken && !timeout)
		timeout = 1;
	p->woken = false;
	kshim_guard_unlock(&p->guard);
	return timeout;
}

void kshim_poll_fini(struct kshim_poll *p)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		remove_wait_queue(p->q[i].wq, &p->q[i].e);
	p->n = 0;
	kshim_guard_destroy(&p->guard);
}
