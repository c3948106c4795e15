/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/completion.h - one-shot and counted "done" events.
 *
 * Contract
 *   Kept:    complete() releases one waiter (or banks one completion),
 *            complete_all() releases every current and future waiter until
 *            reinit_completion(); wait_for_completion_timeout() returns 0 on
 *            timeout and the jiffies left (>= 1) otherwise;
 *            try_wait_for_completion(); completion_done().
 *   Dropped: the _io variants are the plain ones; interruptible/killable
 *            waits never see a signal.
 *   Added:   a waiter is visible to the deadlock checker as waiting for
 *            the completion (an owner-less wait: "lost wakeup" if nothing
 *            else can run).
 */
#ifndef _KSHIM_LINUX_COMPLETION_H
#define _KSHIM_LINUX_COMPLETION_H

#include <linux/list.h>
#include <kshim/exec.h>

struct completion {
	struct kshim_guard guard;
	unsigned int done;		/* UINT_MAX after complete_all() */
	struct list_head waiters;
};

void init_completion(struct completion *x);
void reinit_completion(struct completion *x);
void complete(struct completion *x);
void complete_all(struct completion *x);
void wait_for_completion(struct completion *x);
unsigned long wait_for_completion_timeout(struct completion *x,
					  unsigned long timeout);
int wait_for_completion_interruptible(struct completion *x);
int wait_for_completion_killable(struct completion *x);
bool try_wait_for_completion(struct completion *x);
bool completion_done(struct completion *x);
/* Shim helper: release the guard of a completion nobody waits on. */
void kshim_completion_destroy(struct completion *x);

#endif /* _KSHIM_LINUX_COMPLETION_H */
