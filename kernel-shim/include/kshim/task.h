/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim/task.h - the shim's per-task state, embedded in struct task_struct.
 *
 * Only the shim reads or writes these fields.  They are in a header so that
 * the gdb helper (sim/gdb/) can print them and so that task_struct has a
 * complete type for kernel-style code.
 */
#ifndef _KSHIM_TASK_H
#define _KSHIM_TASK_H

#include <linux/types.h>
#include <kshim/exec.h>

struct lockdep_map;

#define KSHIM_MAX_LOCK_DEPTH	48

/* One entry of a task's held-lock stack. */
struct kshim_held_lock {
	struct lockdep_map *map;
	struct lock_class *class;
	unsigned long ip;		/* return address of the lock call */
	unsigned long step;		/* scheduler step when taken */
	u8 read;			/* 0 exclusive, 1 shared */
	u8 trylock;
	u8 subclass;
	/*
	 * Locks of one class taken under a nest lock share one entry:
	 * @refs counts them, @map is the first one's.
	 */
	unsigned int refs;
	struct lockdep_map *nest;
};

enum kshim_task_state {
	KSHIM_TASK_RUNNABLE,
	KSHIM_TASK_BLOCKED,
	KSHIM_TASK_EXITED,
};

struct kshim_task {
	struct list_head node;		/* on the world's task list */
	void *host;			/* host thread state (exec.c) */
	bool adopted;			/* not started by kshim_thread_run() */
	enum kshim_task_state state;

	/* Blocking, protected by the guard of @blocked_on.obj. */
	struct kshim_blocker blocked_on;
	unsigned long deadline;		/* jiffies; 0 = none */
	bool wake_pending;

	/* Thread function and its result. */
	int (*fn)(void *data);
	void *data;
	int result;

	/* lockdep */
	struct kshim_held_lock held[KSHIM_MAX_LOCK_DEPTH];
	int lock_depth;
	int atomic_depth;		/* spinlocks held + atomic sections */

	/* Controlled mode: index in the run, PCT priority, abandoned. */
	int ctl_index;
	u64 sched_prio;
	bool ctl_trap;			/* raise SIGTRAP when scheduled */

	/* Fault injection: fail the Nth fault point reached (1-based). */
	unsigned int fail_nth;
	/* Files whose last reference was dropped: released at syscall exit. */
	struct list_head task_works;

	/* Set by a fault plan stall etc.; reserved for the mm layer. */
	void *mm_private;
};

#endif /* _KSHIM_TASK_H */
