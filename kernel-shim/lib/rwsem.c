// SPDX-License-Identifier: GPL-2.0
/*
 * struct rw_semaphore over the execution interface.
 *
 * State: count > 0 is the number of readers, -1 means a writer owns it.
 * Waiters queue in arrival order.  A reader may only join current readers
 * when nobody is queued; that is what makes a queued writer block new
 * readers.  On release, rwsem_grant() serves the head of the queue: one
 * writer, or every consecutive reader at the head.
 */
#include <linux/bug.h>
#include <linux/rwsem.h>
#include <linux/sched.h>

#define RWSEM_WAIT_WRITE	0
#define RWSEM_WAIT_READ		1

void __init_rwsem(struct rw_semaphore *sem, const char *name,
		  struct lock_class_key *key)
{
	kshim_guard_init(&sem->guard);
	sem->count = 0;
	sem->writer = NULL;
	INIT_LIST_HEAD(&sem->waiters);
	lockdep_init_map(&sem->dep_map, name, key, 0);
	sem->dep_map.kind = KSHIM_LOCK_RWSEM;
}

void kshim_rwsem_destroy(struct rw_semaphore *sem)
{
	WARN_ON(sem->count);
	kshim_guard_destroy(&sem->guard);
}

/* Hand the semaphore to the head of the queue; guard held. */
static void rwsem_grant(struct rw_semaphore *sem)
{
	while (!list_empty(&sem->waiters)) {
		struct kshim_waiter *w = list_first_entry(&sem->waiters,
							  struct kshim_waiter,
							  node);

		if (w->flags == RWSEM_WAIT_WRITE) {
			if (sem->count)
				return;
			sem->count = -1;
			sem->writer = w->task;
		} else {
			if (sem->count < 0)
				return;
			sem->count++;
		}
		list_del_init(&w->node);
		w->granted = true;
		kshim_wake(w->task);
		if (sem->count < 0)
			return;
	}
}

static void rwsem_wait(struct rw_semaphore *sem, unsigned int flags)
{
	struct kshim_blocker what = {
		.kind = flags == RWSEM_WAIT_READ ? KSHIM_BLOCK_RWSEM_READ :
						   KSHIM_BLOCK_RWSEM_WRITE,
		.obj = sem, .name = sem->dep_map.name,
	};
	struct kshim_waiter w = { .task = current, .flags = flags };

	list_add_tail(&w.node, &sem->waiters);
	while (!w.granted)
		kshim_block(&sem->guard, &what, KSHIM_NO_TIMEOUT);
}

static void __down_read(struct rw_semaphore *sem, int subclass,
			unsigned long ip)
{
	kshim_might_sleep(__FILE__, __LINE__);
	kshim_lock_acquire(&sem->dep_map, subclass, 0, 1, ip);
	kshim_sched_point(KSHIM_PT_LOCK, sem);
	kshim_guard_lock(&sem->guard);
	if (sem->count >= 0 && list_empty(&sem->waiters))
		sem->count++;
	else
		rwsem_wait(sem, RWSEM_WAIT_READ);
	kshim_guard_unlock(&sem->guard);
}

static void __down_write(struct rw_semaphore *sem, int subclass,
			 struct lockdep_map *nest, unsigned long ip)
{
	kshim_might_sleep(__FILE__, __LINE__);
	if (nest)
		kshim_lock_acquire_nest(&sem->dep_map, subclass, nest, ip);
	else
		kshim_lock_acquire(&sem->dep_map, subclass, 0, 0, ip);
	kshim_sched_point(KSHIM_PT_LOCK, sem);
	kshim_guard_lock(&sem->guard);
	if (sem->count == 0 && list_empty(&sem->waiters)) {
		sem->count = -1;
		sem->writer = current;
	} else {
		rwsem_wait(sem, RWSEM_WAIT_WRITE);
	}
	kshim_guard_unlock(&sem->guard);
}

void down_read(struct rw_semaphore *sem)
{
	__down_read(sem, 0, (unsigned long)__builtin_return_address(0));
}

void down_read_nested(struct rw_semaphore *sem, int subclass)
{
	__down_read(sem, subclass, (unsigned long)__builtin_return_address(0));
}

int down_read_interruptible(struct rw_semaphore *sem)
{
	__down_read(sem, 0, (unsigned long)__builtin_return_address(0));
	return 0;
}

int down_read_killable(struct rw_semaphore *sem)
{
	__down_read(sem, 0, (unsigned long)__builtin_return_address(0));
	return 0;
}

void down_write(struct rw_semaphore *sem)
{
	__down_write(sem, 0, NULL, (unsigned long)__builtin_return_address(0));
}

void down_write_nested(struct rw_semaphore *sem, int subclass)
{
	__down_write(sem, subclass, NULL,
		     (unsigned long)__builtin_return_address(0));
}

void _down_write_nest_lock(struct rw_semaphore *sem, struct lockdep_map *nest)
{
	__down_write(sem, 0, nest, (unsigned long)__builtin_return_address(0));
}

int down_write_killable(struct rw_semaphore *sem)
{
	__down_write(sem, 0, NULL, (unsigned long)__builtin_return_address(0));
	return 0;
}

int down_read_trylock(struct rw_semaphore *sem)
{
	bool taken = false;

	kshim_sched_point(KSHIM_PT_LOCK, sem);
	kshim_guard_lock(&sem->guard);
	if (sem->count >= 0 && list_empty(&sem->waiters)) {
		sem->count++;
		taken = true;
	}
	kshim_guard_unlock(&sem->guard);
	if (taken)
		kshim_lock_acquire(&sem->dep_map, 0, 1, 1,
				   (unsigned long)__builtin_return_address(0));
	return taken;
}

int down_write_trylock(struct rw_semaphore *sem)
{
	bool taken = false;

	kshim_sched_point(KSHIM_PT_LOCK, sem);
	kshim_guard_lock(&sem->guard);
	if (sem->count == 0 && list_empty(&sem->waiters)) {
		sem->count = -1;
		sem->writer = current;
		taken = true;
	}
	kshim_guard_unlock(&sem->guard);
	if (taken)
		kshim_lock_acquire(&sem->dep_map, 0, 1, 0,
				   (unsigned long)__builtin_return_address(0));
	return taken;
}

void up_read(struct rw_semaphore *sem)
{
	kshim_lock_release(&sem->dep_map,
			   (unsigned long)__builtin_return_address(0));
	kshim_guard_lock(&sem->guard);
	if (!WARN_ON(sem->count <= 0))
		sem->count--;
	if (!sem->count)
		rwsem_grant(sem);
	kshim_guard_unlock(&sem->guard);
	kshim_sched_point(KSHIM_PT_UNLOCK, sem);
}

void up_write(struct rw_semaphore *sem)
{
	kshim_lock_release(&sem->dep_map,
			   (unsigned long)__builtin_return_address(0));
	kshim_guard_lock(&sem->guard);
	WARN_ON(sem->count != -1 || sem->writer != current);
	sem->count = 0;
	sem->writer = NULL;
	rwsem_grant(sem);
	kshim_guard_unlock(&sem->guard);
	kshim_sched_point(KSHIM_PT_UNLOCK, sem);
}

void downgrade_write(struct rw_semaphore *sem)
{
	kshim_lock_downgrade(&sem->dep_map,
			     (unsigned long)__builtin_return_address(0));
	kshim_guard_lock(&sem->guard);
	WARN_ON(sem->count != -1 || sem->writer != current);
	sem->count = 1;
	sem->writer = NULL;
	rwsem_grant(sem);
	kshim_guard_unlock(&sem->guard);
	kshim_sched_point(KSHIM_PT_UNLOCK, sem);
}

int rwsem_is_locked(struct rw_semaphore *sem)
{
	return READ_ONCE(sem->count) != 0;
}
