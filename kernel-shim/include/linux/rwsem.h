/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/rwsem.h - reader/writer semaphores.
 *
 * Contract
 *   Kept:    many readers or one writer; a queued writer blocks new readers
 *            (down_read() waits behind it, down_read_trylock() fails), so a
 *            writer cannot be starved; down_write_trylock()/
 *            down_read_trylock() return 1 on success; downgrade_write()
 *            turns the write hold into a read hold and admits the readers
 *            queued at the head; rwsem_is_locked(); _nested() subclasses;
 *            down_write_nest_lock() (any number of one class under a
 *            held nest lock, as lockdep allows);
 *            lockdep_assert_held_read/_write distinguish the modes.
 *   Dropped: optimistic spinning and reader "stealing": waiters are served
 *            in arrival order, consecutive readers at the head together.
 *            Reader ownership is not an owner pointer (the kernel keeps
 *            none either) but the deadlock checker finds readers through
 *            each task's held-lock stack.
 *   Added:   nothing.
 */
#ifndef _KSHIM_LINUX_RWSEM_H
#define _KSHIM_LINUX_RWSEM_H

#include <linux/list.h>
#include <linux/lockdep.h>
#include <kshim/exec.h>

struct rw_semaphore {
	struct kshim_guard guard;
	long count;			/* > 0: readers, -1: writer, 0: free */
	struct task_struct *writer;
	struct list_head waiters;	/* struct kshim_waiter, FIFO */
	struct lockdep_map dep_map;
};

void __init_rwsem(struct rw_semaphore *sem, const char *name,
		  struct lock_class_key *key);

#define init_rwsem(sem)							\
	do {								\
		static struct lock_class_key __key;			\
		__init_rwsem((sem), #sem, &__key);			\
	} while (0)

void down_read(struct rw_semaphore *sem);
void down_read_nested(struct rw_semaphore *sem, int subclass);
int __must_check down_read_interruptible(struct rw_semaphore *sem);
int __must_check down_read_killable(struct rw_semaphore *sem);
int down_read_trylock(struct rw_semaphore *sem);
void up_read(struct rw_semaphore *sem);
void down_write(struct rw_semaphore *sem);
void down_write_nested(struct rw_semaphore *sem, int subclass);
void _down_write_nest_lock(struct rw_semaphore *sem, struct lockdep_map *nest);
/* Take @sem while holding @nest_lock, which orders all such takers. */
#define down_write_nest_lock(sem, nest_lock)				\
	_down_write_nest_lock(sem, &(nest_lock)->dep_map)
int __must_check down_write_killable(struct rw_semaphore *sem);
int down_write_trylock(struct rw_semaphore *sem);
void up_write(struct rw_semaphore *sem);
void downgrade_write(struct rw_semaphore *sem);
int rwsem_is_locked(struct rw_semaphore *sem);
/* Shim helper: destroy the guard; the rwsem must be free. */
void kshim_rwsem_destroy(struct rw_semaphore *sem);

#endif /* _KSHIM_LINUX_RWSEM_H */
