/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to kernel-shim: what the shim's own files share.
 */
#ifndef _KSHIM_INTERNAL_H
#define _KSHIM_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/sched.h>
#include <kshim/world.h>

/* The host mutex inside a struct kshim_guard. */
static inline pthread_mutex_t *kshim_guard_mutex(struct kshim_guard *g)
{
	return (pthread_mutex_t *)g->opaque;
}

/*
 * The two execution backends implement these.  exec.c dispatches on the
 * world's mode.
 */
struct kshim_exec_ops {
	const char *name;
	void (*world_begin)(const struct kshim_world_config *cfg);
	void (*world_end)(void);
	long (*block)(struct kshim_guard *g, const struct kshim_blocker *what,
		      long timeout);
	void (*wake)(struct task_struct *t);
	void (*sched_point)(enum kshim_point kind, const void *obj);
	/* Start the host thread for @t (fields already filled). */
	int (*thread_start)(struct task_struct *t);
	/* Called in @t's own thread when its function returned. */
	void (*thread_exit)(struct task_struct *t);
	unsigned long (*now)(void);
	/* A new task was adopted or created. */
	void (*task_added)(struct task_struct *t);
	/*
	 * @t was joined; return true if the backend keeps the task_struct
	 * (controlled runs free their tasks when the run ends).
	 */
	bool (*task_joined)(struct task_struct *t);
};

extern const struct kshim_exec_ops kshim_freerun_ops;
extern const struct kshim_exec_ops kshim_controlled_ops;

/* Host-side state of a task, private to the exec backends. */
struct kshim_host {
	pthread_t thread;
	pthread_cond_t cond;		/* free-run parking */
	int baton;			/* controlled mode: futex, 1 = run */
	/* join */
	struct kshim_guard exit_guard;
	struct list_head joiners;
	bool exited;
};

static inline struct kshim_host *kshim_task_host(struct task_struct *t)
{
	return t->kshim.host;
}

/* Allocate a task that will run @fn(@data); not started yet. */
struct task_struct *kshim_task_create(int (*fn)(void *), void *data,
				      const char *name);
/* Free a task whose host thread has been joined. */
void kshim_task_free(struct task_struct *t);
/* Forget a task that will never run again (an abandoned run). */
void kshim_task_abandon(struct task_struct *t);
/* The backend currently in use. */
const struct kshim_exec_ops *kshim_exec_backend(void);

/* Controlled mode: fault decision for the current fault point. */
bool kshim_ctl_fault_decision(void);
/* lockdep: held locks of @t as text (caller frees). */
char *kshim_lockdep_held_text(struct task_struct *t);
/* lockdep: switch order checking off for this world. */
void kshim_lockdep_set_order_checks(bool on);

/* Body of every thread started by kshim_thread_run(). */
void *kshim_task_trampoline(void *arg);

/* The list of live tasks of the world, protected by kshim_tasks_lock. */
extern struct list_head kshim_tasks;
extern pthread_mutex_t kshim_tasks_lock;

/* Start-of-world value of jiffies (wraps 5 minutes in, like the kernel). */
#define KSHIM_INITIAL_JIFFIES	((unsigned long)(unsigned int)(-300 * 1000))

/* Hooks of the shim's own files, called by world.c in this order. */
void kshim_report_world_begin(void);
void kshim_report_world_end(void);
void kshim_log_world_begin(void);
void kshim_log_world_end(void);
void kshim_alloc_world_begin(void);
void kshim_alloc_world_end(void);
int kshim_alloc_world_audit(FILE *out);
void kshim_fault_world_begin(void);
void kshim_lockdep_world_begin(void);
void kshim_lockdep_world_end(void);
void kshim_exec_world_begin(const struct kshim_world_config *cfg);
void kshim_exec_world_end(void);
int kshim_exec_world_audit(FILE *out);

/* Release checks done when a task exits. */
void kshim_lockdep_task_exit(struct task_struct *t);

/* Format into a freshly malloc'd string. */
char *kshim_strdup_printf(const char *fmt, ...)
	__attribute__((__format__(printf, 1, 2)));

/* Monotonic host time in nanoseconds. */
uint64_t kshim_host_ns(void);

#endif /* _KSHIM_INTERNAL_H */
