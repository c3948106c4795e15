/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/poll.h - poll support for file operations.
 *
 * Contract
 *   Kept:    a ->poll() method returns the ready mask (EPOLLIN, EPOLLOUT,
 *            EPOLLRDNORM, ...) and calls poll_wait() for each wait queue a
 *            change of that mask would be signalled on.
 *   Dropped: epoll's edge triggering; the simulator's poll() is level
 *            triggered.
 *   Added:   the poll table is the simulator's: poll_wait() hooks a waiter
 *            on the queue so that a wake_up() there wakes the polling task
 *            (kshim_poll_*() in the front end).
 */
#ifndef _KSHIM_LINUX_POLL_H
#define _KSHIM_LINUX_POLL_H

#include <linux/fs.h>
#include <linux/wait.h>

#define EPOLLIN		0x00000001u
#define EPOLLPRI	0x00000002u
#define EPOLLOUT	0x00000004u
#define EPOLLERR	0x00000008u
#define EPOLLHUP	0x00000010u
#define EPOLLRDNORM	0x00000040u
#define EPOLLRDBAND	0x00000080u
#define EPOLLWRNORM	0x00000100u

typedef struct poll_table_struct {
	void (*_qproc)(struct file *file, wait_queue_head_t *wq,
		       struct poll_table_struct *pt);
	void *data;
} poll_table;

static inline void poll_wait(struct file *filp, wait_queue_head_t *wq,
			     poll_table *p)
{
	if (p && p->_qproc && wq)
		p->_qproc(filp, wq, p);
}

/*
 * The simulator's side of poll(): kshim_poll_init() gives a poll table to
 * pass to ->poll() methods; kshim_poll_sleep() waits until one of the
 * queues they registered is woken (or the timeout passes).
 */
#define KSHIM_POLL_MAX_QUEUES	32

struct kshim_poll {
	poll_table pt;
	struct kshim_guard guard;
	struct task_struct *task;	/* who sleeps; NULL: nobody (a watch) */
	bool woken;
	/*
	 * Optional: also called (from the waking thread, under the queue's
	 * internal lock: it must not block) on every wake-up, for front ends
	 * that wait in the host, e.g. on an eventfd.
	 */
	void (*notify)(void *data);
	void *notify_data;
	unsigned int n;
	struct {
		wait_queue_head_t *wq;
		struct wait_queue_entry e;
	} q[KSHIM_POLL_MAX_QUEUES];
};

void kshim_poll_init(struct kshim_poll *p);
/* Jiffies left (>= 1) if woken, 0 on timeout. */
long kshim_poll_sleep(struct kshim_poll *p, long timeout);
void kshim_poll_fini(struct kshim_poll *p);

#endif /* _KSHIM_LINUX_POLL_H */
