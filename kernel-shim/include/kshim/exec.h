/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim/exec.h - the one execution interface under every primitive.
 *
 * Every shim primitive that can block or that orders threads (mutex, rwsem,
 * spinlock, completion, wait queue, refcount, allocation, user-memory access,
 * sleeps, thread start and exit) is written against this interface and
 * nothing else.  It has two implementations, chosen per world:
 *
 *   free-run    Simulated threads are pthreads running in parallel.  Blocking
 *               parks the thread on a private condition variable.  Time is
 *               the host's monotonic clock.  Used by ThreadSanitizer builds
 *               and by the preload library.
 *
 *   controlled  Exactly one simulated thread runs at a time (the baton).  At
 *               every scheduling point a scheduler decides who runs next;
 *               blocking marks the thread blocked and passes the baton; time
 *               is virtual and jumps to the earliest deadline when every
 *               thread is blocked.  See docs/execution-control.md.
 *
 * The protocol a primitive follows:
 *
 *   kshim_guard_lock(&obj->guard);
 *   while (!can_proceed(obj)) {
 *           enqueue a struct kshim_waiter on obj's list;
 *           kshim_block(&obj->guard, &blocker, timeout);
 *           dequeue it (unless the waker already did);
 *   }
 *   ... take the object ...
 *   kshim_guard_unlock(&obj->guard);
 *
 * and the waker, holding the same guard, calls kshim_wake() on the waiting
 * task.  The guard is an internal lock that is never held across a
 * scheduling decision, so primitives stay correct in both modes.
 */
#ifndef _KSHIM_EXEC_H
#define _KSHIM_EXEC_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

struct task_struct;

/*
 * The guard is a host mutex in opaque storage: kernel-style code that
 * includes a kernel-named header never sees pthread names.
 */
struct kshim_guard {
	_Alignas(8) unsigned char opaque[40];
};

void kshim_guard_init(struct kshim_guard *g);
void kshim_guard_destroy(struct kshim_guard *g);
void kshim_guard_lock(struct kshim_guard *g);
void kshim_guard_unlock(struct kshim_guard *g);

/* What a blocked task waits for; read by the deadlock checker. */
enum kshim_block_kind {
	KSHIM_BLOCK_NONE,
	KSHIM_BLOCK_MUTEX,
	KSHIM_BLOCK_SPIN,
	KSHIM_BLOCK_RWSEM_READ,
	KSHIM_BLOCK_RWSEM_WRITE,
	KSHIM_BLOCK_COMPLETION,
	KSHIM_BLOCK_WAITQUEUE,
	KSHIM_BLOCK_SLEEP,		/* msleep and friends: only a deadline */
	KSHIM_BLOCK_JOIN,		/* waiting for another task to exit */
	KSHIM_BLOCK_FAULT,		/* stalled in a user-memory fault */
	KSHIM_BLOCK_BARRIER,		/* scenario synchronisation */
};

struct kshim_blocker {
	enum kshim_block_kind kind;
	const void *obj;		/* the primitive */
	const char *name;		/* its lockdep/class name, if any */
};

/* An entry on a primitive's wait list; lives on the waiter's stack. */
struct kshim_waiter {
	struct list_head node;
	struct task_struct *task;
	unsigned int flags;		/* primitive-specific (reader/writer) */
	bool granted;			/* set by the waker under the guard */
};

/* Forever, for kshim_block() and the kernel's schedule_timeout(). */
#define KSHIM_NO_TIMEOUT	((long)(~0UL >> 1))

/*
 * kshim_block - park the current task
 * @g: the guard of the object waited on, held by the caller
 * @what: what the task waits for (kept for reports while it is blocked)
 * @timeout: jiffies to wait at most, or KSHIM_NO_TIMEOUT
 *
 * Releases @g, waits until kshim_wake() is called for this task or the
 * timeout passes, and takes @g again.  Spurious returns are allowed: the
 * caller re-checks its condition.
 *
 * Return: the jiffies left (at least 1) when woken, 0 on timeout.
 */
long kshim_block(struct kshim_guard *g, const struct kshim_blocker *what,
		 long timeout);

/* Make @t runnable; the caller holds the guard @t blocked with. */
void kshim_wake(struct task_struct *t);

/* Kinds of scheduling points, for traces and point filters. */
enum kshim_point {
	KSHIM_PT_LOCK,
	KSHIM_PT_UNLOCK,
	KSHIM_PT_WAIT,
	KSHIM_PT_WAKE,
	KSHIM_PT_REF,
	KSHIM_PT_ALLOC,
	KSHIM_PT_UACCESS,
	KSHIM_PT_THREAD,
	KSHIM_PT_YIELD,
	KSHIM_PT_SLEEP,
	KSHIM_PT_XARRAY,
	KSHIM_PT_NR,
};

/*
 * kshim_sched_point - a place where another thread may run
 * @kind: what kind of point this is
 * @obj: the object involved (for traces), may be NULL
 *
 * Free-run: nothing.  Controlled: the scheduler may switch threads here.
 */
void kshim_sched_point(enum kshim_point kind, const void *obj);

/* Execution modes of a world. */
enum kshim_mode {
	KSHIM_MODE_FREE_RUN,
	KSHIM_MODE_CONTROLLED,
};

enum kshim_mode kshim_exec_mode(void);

/*
 * Simulated threads.  kshim_thread_run() starts @fn(@data) as a new
 * simulated task named @name; kshim_thread_join() waits for it (a blocking
 * operation visible to the scheduler) and returns @fn's result.  A pthread
 * that touches the shim without being started here (the main thread, a
 * program's own threads under the preload library) is adopted as a task on
 * first use.
 */
struct task_struct *kshim_thread_run(int (*fn)(void *data), void *data,
				     const char *name);
int kshim_thread_join(struct task_struct *t);

/* Current virtual (controlled) or host (free-run) time in jiffies. */
unsigned long kshim_jiffies(void);

/*
 * Atomic context: spinlocks held, or an explicit
 * kshim_enter_atomic()/kshim_exit_atomic() section (the analogue of irqs
 * off).  Sleeping inside it is reported.
 */
void kshim_enter_atomic(void);
void kshim_exit_atomic(void);
bool kshim_in_atomic(void);
/* Report "sleeping function called from invalid context" if atomic. */
void kshim_might_sleep(const char *file, int line);

#endif /* _KSHIM_EXEC_H */
