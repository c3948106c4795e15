/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/mutex.h - sleeping mutual exclusion.
 *
 * Contract
 *   Kept:    one owner at a time; mutex_lock() sleeps; the owner must unlock
 *            (unlocking a mutex the task does not hold is a lockdep report);
 *            mutex_trylock() returns 1 on success; mutex_is_locked();
 *            mutex_lock_nested() subclasses; lockdep classes per init site;
 *            might_sleep() checks on lock.
 *   Dropped: optimistic spinning and the kernel's handoff heuristics: a
 *            released mutex goes to the longest waiter (strict FIFO), which
 *            is one of the orders the kernel allows and is deterministic.
 *            mutex_lock_interruptible/_killable never see a signal, so they
 *            always return 0 once the lock is taken.
 *   Added:   the owner pointer is always tracked, so deadlock reports can
 *            name who holds what.
 */
#ifndef _KSHIM_LINUX_MUTEX_H
#define _KSHIM_LINUX_MUTEX_H

#include <linux/list.h>
#include <linux/lockdep.h>
#include <kshim/exec.h>

struct mutex {
	struct kshim_guard guard;
	struct task_struct *owner;
	struct list_head waiters;	/* struct kshim_waiter, FIFO */
	struct lockdep_map dep_map;
};

void __mutex_init(struct mutex *lock, const char *name,
		  struct lock_class_key *key);

/*
 * A statically initialised mutex.  An all-zero guard is an unlocked host
 * mutex (glibc's PTHREAD_MUTEX_INITIALIZER); the mutex's own address
 * serves as its lockdep class key.
 */
#define __MUTEX_INITIALIZER(lockname) {					\
	.owner = NULL,							\
	.waiters = LIST_HEAD_INIT((lockname).waiters),			\
	.dep_map = {							\
		.key = (struct lock_class_key *)&(lockname),		\
		.name = #lockname,					\
		.kind = KSHIM_LOCK_MUTEX,				\
	},								\
}

#define DEFINE_MUTEX(mutexname) \
	struct mutex mutexname = __MUTEX_INITIALIZER(mutexname)

#define mutex_init(mutex)						\
	do {								\
		static struct lock_class_key __key;			\
		__mutex_init((mutex), #mutex, &__key);			\
	} while (0)

void mutex_destroy(struct mutex *lock);
void mutex_lock(struct mutex *lock);
void mutex_lock_nested(struct mutex *lock, unsigned int subclass);
int __must_check mutex_lock_interruptible(struct mutex *lock);
int __must_check mutex_lock_killable(struct mutex *lock);
int mutex_trylock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);
bool mutex_is_locked(struct mutex *lock);

#endif /* _KSHIM_LINUX_MUTEX_H */
