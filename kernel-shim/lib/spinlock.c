// SPDX-License-Identifier: GPL-2.0
/*
 * spinlock_t over the execution interface.
 *
 * A contended spinlock parks its waiter instead of spinning (the waiter is
 * not sleeping in the kernel's sense: waiting for a spinlock while holding
 * another one is legal).  Holding one makes the task atomic: sleeping
 * operations report "sleeping function called from invalid context".
 */
#include <linux/bug.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

void __spin_lock_init(spinlock_t *lock, const char *name,
		      struct lock_class_key *key)
{
	kshim_guard_init(&lock->guard);
	lock->owner = NULL;
	INIT_LIST_HEAD(&lock->waiters);
	lockdep_init_map(&lock->dep_map, name, key, 0);
	lock->dep_map.kind = KSHIM_LOCK_SPIN;
}

void kshim_spin_lock_destroy(spinlock_t *lock)
{
	WARN_ON(lock->owner);
	kshim_guard_destroy(&lock->guard);
}

static void __spin_lock(spinlock_t *lock, int subclass, unsigned long ip)
{
	struct task_struct *t = current;
	struct kshim_blocker what = {
		.kind = KSHIM_BLOCK_SPIN, .obj = lock,
		.name = lock->dep_map.name,
	};
	struct kshim_waiter w = { .task = t };

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
	t->kshim.atomic_depth++;
}

void spin_lock(spinlock_t *lock)
{
	__spin_lock(lock, 0, (unsigned long)__builtin_return_address(0));
}

void spin_lock_nested(spinlock_t *lock, int subclass)
{
	__spin_lock(lock, subclass,
		    (unsigned long)__builtin_return_address(0));
}

int spin_trylock(spinlock_t *lock)
{
	struct task_struct *t = current;
	bool taken = false;

	kshim_sched_point(KSHIM_PT_LOCK, lock);
	kshim_guard_lock(&lock->guard);
	if (!lock->owner) {
		lock->owner = t;
		taken = true;
	}
	kshim_guard_unlock(&lock->guard);
	if (taken) {
		kshim_lock_acquire(&lock->dep_map, 0, 1, 0,
				   (unsigned long)__builtin_return_address(0));
		t->kshim.atomic_depth++;
	}
	return taken;
}

void spin_unlock(spinlock_t *lock)
{
	struct task_struct *t = current;

	kshim_lock_release(&lock->dep_map,
			   (unsigned long)__builtin_return_address(0));
	kshim_guard_lock(&lock->guard);
	WARN_ON(lock->owner != t);
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
	if (!WARN_ON(t->kshim.atomic_depth <= 0))
		t->kshim.atomic_depth--;
	kshim_sched_point(KSHIM_PT_UNLOCK, lock);
}

bool spin_is_locked(spinlock_t *lock)
{
	return READ_ONCE(lock->owner) != NULL;
}
