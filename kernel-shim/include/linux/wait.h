/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/wait.h - wait queues and wait_event().
 *
 * Contract
 *   Kept:    wait_event(wq, cond) sleeps until @cond is true, re-evaluating
 *            it after every wake_up(); wait_event_timeout() returns 0 if
 *            @cond is still false when the timeout expires, 1 if it became
 *            true exactly then, else the jiffies left; the _interruptible
 *            forms return 0 / -ERESTARTSYS never happens (no signals).
 *            wake_up()/wake_up_all() wake every sleeper; waitqueue_active().
 *            add_wait_queue()/remove_wait_queue() with a custom wake
 *            function (what poll tables use).
 *   Dropped: exclusive waiters (prepare_to_wait_exclusive).
 *   Added:   a wake-up sequence number closes the check-then-sleep window:
 *            a wake_up() between evaluating @cond and sleeping is never
 *            lost.
 */
#ifndef _KSHIM_LINUX_WAIT_H
#define _KSHIM_LINUX_WAIT_H

#include <linux/list.h>
#include <linux/sched.h>
#include <kshim/exec.h>

struct wait_queue_head {
	struct kshim_guard guard;
	unsigned long seq;		/* bumped by every wake_up() */
	struct list_head waiters;	/* struct kshim_waiter: sleepers */
	struct list_head entries;	/* struct wait_queue_entry: callbacks */
	const char *name;
};
typedef struct wait_queue_head wait_queue_head_t;

struct wait_queue_entry;
typedef int (*wait_queue_func_t)(struct wait_queue_entry *wq_entry,
				 unsigned int mode, int flags, void *key);

/*
 * A callback hooked on a queue with add_wait_queue(); wake_up() calls
 * ->func for each one, under the queue's internal lock: it must neither
 * block nor reach a scheduling point (it may call kshim_wake()).
 */
struct wait_queue_entry {
	unsigned int flags;
	void *private;
	wait_queue_func_t func;
	struct list_head entry;
};

void add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *e);
void remove_wait_queue(struct wait_queue_head *wq,
		       struct wait_queue_entry *e);

void __init_waitqueue_head(struct wait_queue_head *wq, const char *name);
#define init_waitqueue_head(wq) __init_waitqueue_head((wq), #wq)
/* Shim helper: release the guard of an idle wait queue. */
void kshim_waitqueue_destroy(struct wait_queue_head *wq);

void wake_up(struct wait_queue_head *wq);
#define wake_up_all(wq)			wake_up(wq)
#define wake_up_interruptible(wq)	wake_up(wq)
#define wake_up_interruptible_all(wq)	wake_up(wq)
#define wake_up_interruptible_poll(wq, m) wake_up(wq)
#define wake_up_poll(wq, m)		wake_up(wq)
bool waitqueue_active(struct wait_queue_head *wq);

/* Snapshot of the wake-up sequence, taken before evaluating a condition. */
unsigned long kshim_waitqueue_seq(struct wait_queue_head *wq);
/*
 * Sleep on @wq unless a wake_up() happened since @seq was read; returns the
 * jiffies left of @timeout (0 when it expired).
 */
long kshim_waitqueue_sleep(struct wait_queue_head *wq, unsigned long seq,
			   long timeout);

#define wait_event_timeout(wq_head, condition, timeout) ({		\
	long __ret = (timeout);						\
	might_sleep();							\
	for (;;) {							\
		unsigned long __seq = kshim_waitqueue_seq(&(wq_head));	\
		if (condition) {					\
			if (!__ret)					\
				__ret = 1;				\
			break;						\
		}							\
		if (!__ret)						\
			break;						\
		__ret = kshim_waitqueue_sleep(&(wq_head), __seq, __ret);\
	}								\
	__ret; })

#define wait_event(wq_head, condition) \
	((void)wait_event_timeout(wq_head, condition, MAX_SCHEDULE_TIMEOUT))
#define wait_event_interruptible(wq_head, condition) \
	({ wait_event(wq_head, condition); 0; })
#define wait_event_killable(wq_head, condition) \
	wait_event_interruptible(wq_head, condition)
#define wait_event_interruptible_timeout(wq_head, condition, timeout) \
	wait_event_timeout(wq_head, condition, timeout)

#endif /* _KSHIM_LINUX_WAIT_H */
