// SPDX-License-Identifier: GPL-2.0
/*
 * struct mutex over the execution interface.
 *
 * The lock is handed directly to the longest waiter on unlock (the waiter
 * finds w.granted set and the owner already switched to it), so there is no
 * window in which a third task can barge in; that keeps controlled-mode
 * schedules meaningful and free-run behaviour fair.
 */
#include <linux/bug.h>
#include <linux/mutex.h>
#include <linux/sched.h>

void __mutex_init(struct mutex *lock, const char *name,
		  struct lock_class_key *key)
{
	kshim_guard_init(&lock->guard);
	lock->owner = NULL;
	INIT_LIST_HEAD(&lock->waiters);
	lockdep_init_map(&lock->dep_map, name, key, 0);
	lock->dep_map.kind = KSHIM_LOCK_MUTEX;
}

void mutex_destroy(struct mutex *lock)
{
	WARN_ON(lock->owner);
	kshim_guard_destroy(&lock->guard);
}

static void __mutex_lock(struct mutex *lock, unsigned int subclass,
			 unsigned long ip)
{
	struct task_struct *t = current;
	struct kshim_blocker what = {
		.kind = KSHIM_BLOCK_MUTEX, .obj = lock,
		.name = lock->dep_map.name,
	};
	struct kshim_waiter w = { .task = t };

	kshim_might_sleep(__FILE__, __LINE__);
	/* Like lockdep, check the order before possibly deadlocking. */
	kshim_lock_acquire(&lock->dep_map, subclass, 0, 0, ip);
	kshim_sched_point(KSHIM_PT_LOCK, lock);
	kshim_guard_lock(&lock->guard);
	if (!lock->owner) {
		lock->owner = t;
	} else {
		list_add_tail(&w.node, &lock->waiters);
		while (!w.granted)
			kshim_block(&lock->guard, &what, KSHIM_NO_TIMEOUT);
	}
	kshim_guard_unlock(&lock->guard);
}

void mutex_lock(struct mutex *lock)
{
	__mutex_lock(lock, 0, (unsigned long)__builtin_return_address(0));
}

void mutex_lock_nested(struct mutex *lock, unsigned int subclass)
{
	__mutex_lock(lock, subclass,
		     (unsigned long)__builtin_return_address(0));
}

int mutex_lock_interruptible(struct mutex *lock)
{
	__mutex_lock(lock, 0, (unsigned long)__builtin_return_address(0));
	return 0;
}

int mutex_lock_killable(struct mutex *lock)
{
	__mutex_lock(lock, 0, (unsigned long)__builtin_return_address(0));
	return 0;
}

int mutex_trylock(struct mutex *lock)
{
	bool taken = false;

	kshim_sched_point(KSHIM_PT_LOCK, lock);
	kshim_guard_lock(&lock->guard);
	if (!lock->owner) {
		lock->owner = current;
		taken = true;
	}
	kshim_guard_unlock(&lock->guard);
	if (taken)
		kshim_lock_acquire(&lock->dep_map, 0, 1, 0,
				   (unsigned long)__builtin_return_address(0));
	return taken;
}

void mutex_unlock(struct mutex *lock)
{
	kshim_lock_release(&lock->dep_map,
			   (unsigned long)__builtin_return_address(0));
	kshim_guard_lock(&lock->guard);
	WARN_ON(lock->owner != current);
	if (!list_empty(&lock->waiters)) {
		struct kshim_waiter *w = list_first_entry(&lock->waiters,
							  struct kshim_waiter,
							  node);

		list_del_init(&w->node);
		lock->owner = w->task;
		w->granted = true;
		kshim_wake(w->task);
	} else {
		lock->owner = NULL;
	}
	kshim_guard_unlock(&lock->guard);
	kshim_sched_point(KSHIM_PT_UNLOCK, lock);
}

bool mutex_is_locked(struct mutex *lock)
{
	return READ_ONCE(lock->owner) != NULL;
}
