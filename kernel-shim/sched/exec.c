// SPDX-License-Identifier: GPL-2.0
/*
 * The execution interface (kshim/exec.h): tasks, `current`, guards, atomic
 * context, and dispatch to the world's backend (free-run or controlled).
 *
 * A task is created either by kshim_thread_run() or by adoption: the first
 * time a host thread calls into the shim, it gets a task_struct that lives
 * until the thread exits.  Tasks are on kshim_tasks so that reports and the
 * gdb helper can list them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/bug.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <kshim/report.h>
#include "../lib/kshim_internal.h"

LIST_HEAD(kshim_tasks);
pthread_mutex_t kshim_tasks_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct kshim_exec_ops *exec_ops = &kshim_freerun_ops;
static enum kshim_mode exec_mode = KSHIM_MODE_FREE_RUN;
static __thread struct task_struct *cur_task;
static pthread_key_t task_key;
static pthread_once_t task_key_once = PTHREAD_ONCE_INIT;
static int next_pid = 1;

_Static_assert(sizeof(pthread_mutex_t) <= sizeof(((struct kshim_guard *)0)->opaque),
	       "struct kshim_guard too small for pthread_mutex_t");

uint64_t kshim_host_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void kshim_guard_init(struct kshim_guard *g)
{
	pthread_mutex_init(kshim_guard_mutex(g), NULL);
}

void kshim_guard_destroy(struct kshim_guard *g)
{
	pthread_mutex_destroy(kshim_guard_mutex(g));
}

void kshim_guard_lock(struct kshim_guard *g)
{
	pthread_mutex_lock(kshim_guard_mutex(g));
}

void kshim_guard_unlock(struct kshim_guard *g)
{
	pthread_mutex_unlock(kshim_guard_mutex(g));
}

static void host_init(struct kshim_host *host)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&host->cond, &attr);
	pthread_condattr_destroy(&attr);
	kshim_guard_init(&host->exit_guard);
	INIT_LIST_HEAD(&host->joiners);
}

static void host_destroy(struct kshim_host *host)
{
	pthread_cond_destroy(&host->cond);
	kshim_guard_destroy(&host->exit_guard);
}

static struct task_struct *task_alloc(const char *name, bool adopted)
{
	struct task_struct *t = calloc(1, sizeof(*t));
	struct kshim_host *host = calloc(1, sizeof(*host));

	if (!t || !host)
		abort();
	host_init(host);
	t->kshim.host = host;
	t->kshim.adopted = adopted;
	INIT_LIST_HEAD(&t->kshim.task_works);
	t->kshim.state = KSHIM_TASK_RUNNABLE;
	t->group_leader = t;
	snprintf(t->comm, sizeof(t->comm), "%s", name);
	pthread_mutex_lock(&kshim_tasks_lock);
	t->pid = next_pid++;
	list_add_tail(&t->kshim.node, &kshim_tasks);
	pthread_mutex_unlock(&kshim_tasks_lock);
	return t;
}

void kshim_task_free(struct task_struct *t)
{
	pthread_mutex_lock(&kshim_tasks_lock);
	list_del(&t->kshim.node);
	pthread_mutex_unlock(&kshim_tasks_lock);
	host_destroy(t->kshim.host);
	free(t->kshim.host);
	free(t);
}

/* Destructor of adopted tasks, run when their host thread exits. */
static void adopted_exit(void *p)
{
	struct task_struct *t = p;

	kshim_lockdep_task_exit(t);
	kshim_task_free(t);
}

static void task_key_create(void)
{
	pthread_key_create(&task_key, adopted_exit);
}

struct task_struct *kshim_current(void)
{
	struct task_struct *t = cur_task;
	char name[TASK_COMM_LEN];

	if (likely(t))
		return t;
	if (pthread_getname_np(pthread_self(), name, sizeof(name)) || !name[0])
		snprintf(name, sizeof(name), "host");
	t = task_alloc(name, true);
	kshim_task_host(t)->thread = pthread_self();
	pthread_once(&task_key_once, task_key_create);
	pthread_setspecific(task_key, t);
	cur_task = t;
	if (exec_ops->task_added)
		exec_ops->task_added(t);
	return t;
}

void *kshim_task_trampoline(void *arg)
{
	struct task_struct *t = arg;
	struct kshim_host *host = kshim_task_host(t);
	int ret;

	cur_task = t;
	pthread_setname_np(pthread_self(), t->comm);
	ret = t->kshim.fn(t->kshim.data);
	t->kshim.result = ret;
	kshim_task_work_run();
	kshim_lockdep_task_exit(t);

	kshim_guard_lock(&host->exit_guard);
	host->exited = true;
	t->kshim.state = KSHIM_TASK_EXITED;
	while (!list_empty(&host->joiners)) {
		struct kshim_waiter *w = list_first_entry(&host->joiners,
							  struct kshim_waiter,
							  node);

		list_del_init(&w->node);
		w->granted = true;
		kshim_wake(w->task);
	}
	kshim_guard_unlock(&host->exit_guard);
	exec_ops->thread_exit(t);
	return NULL;
}

struct task_struct *kshim_task_create(int (*fn)(void *), void *data,
				      const char *name)
{
	struct task_struct *t = task_alloc(name, false);

	t->kshim.fn = fn;
	t->kshim.data = data;
	if (exec_ops->task_added)
		exec_ops->task_added(t);
	return t;
}

void kshim_task_abandon(struct task_struct *t)
{
	pthread_mutex_lock(&kshim_tasks_lock);
	list_del_init(&t->kshim.node);
	pthread_mutex_unlock(&kshim_tasks_lock);
}

const struct kshim_exec_ops *kshim_exec_backend(void)
{
	return exec_ops;
}

struct task_struct *kshim_thread_run(int (*fn)(void *data), void *data,
				     const char *name)
{
	struct task_struct *t;

	kshim_sched_point(KSHIM_PT_THREAD, NULL);
	t = kshim_task_create(fn, data, name);
	if (exec_ops->thread_start(t)) {
		kshim_task_free(t);
		return NULL;
	}
	/* The new thread may run first. */
	kshim_sched_point(KSHIM_PT_THREAD, t);
	return t;
}

int kshim_thread_join(struct task_struct *t)
{
	struct kshim_host *host = kshim_task_host(t);
	struct kshim_blocker what = {
		.kind = KSHIM_BLOCK_JOIN, .obj = t, .name = t->comm,
	};
	struct kshim_waiter w = { .task = current };
	int ret;

	kshim_might_sleep(__FILE__, __LINE__);
	kshim_sched_point(KSHIM_PT_THREAD, t);
	kshim_guard_lock(&host->exit_guard);
	if (!host->exited) {
		list_add_tail(&w.node, &host->joiners);
		while (!w.granted)
			kshim_block(&host->exit_guard, &what,
				    KSHIM_NO_TIMEOUT);
	}
	kshim_guard_unlock(&host->exit_guard);
	pthread_join(host->thread, NULL);
	ret = t->kshim.result;
	if (exec_ops->task_joined && exec_ops->task_joined(t))
		kshim_task_abandon(t);	/* off the list; the backend frees it */
	else
		kshim_task_free(t);
	return ret;
}

long kshim_block(struct kshim_guard *g, const struct kshim_blocker *what,
		 long timeout)
{
	return exec_ops->block(g, what, timeout);
}

void kshim_wake(struct task_struct *t)
{
	exec_ops->wake(t);
}

void kshim_sched_point(enum kshim_point kind, const void *obj)
{
	exec_ops->sched_point(kind, obj);
}

enum kshim_mode kshim_exec_mode(void)
{
	return exec_mode;
}

unsigned long kshim_jiffies(void)
{
	return exec_ops->now();
}

void kshim_enter_atomic(void)
{
	current->kshim.atomic_depth++;
}

void kshim_exit_atomic(void)
{
	struct task_struct *t = current;

	if (WARN_ON(t->kshim.atomic_depth <= 0))
		return;
	t->kshim.atomic_depth--;
}

bool kshim_in_atomic(void)
{
	return current->kshim.atomic_depth > 0;
}

void kshim_might_sleep(const char *file, int line)
{
	struct task_struct *t = current;
	char *bt, *text;

	if (likely(t->kshim.atomic_depth == 0))
		return;
	bt = kshim_backtrace_text(1);
	text = kshim_strdup_printf("in_atomic(): 1, atomic depth: %d, pid: %d, name: %s\n%s",
				   t->kshim.atomic_depth, t->pid, t->comm, bt);
	{
		char *title = kshim_strdup_printf(
			"BUG: sleeping function called from invalid context at %s:%d",
			file, line);

		kshim_report_issue(KSHIM_ISSUE_ATOMIC_SLEEP, title, text);
		free(title);
	}
	free(text);
	free(bt);
}

void cond_resched(void)
{
	kshim_might_sleep(__FILE__, __LINE__);
	kshim_sched_point(KSHIM_PT_YIELD, NULL);
}

void schedule(void)
{
	kshim_sched_point(KSHIM_PT_YIELD, NULL);
}

void yield(void)
{
	kshim_sched_point(KSHIM_PT_YIELD, NULL);
}

/* A private guard for pure sleeps: nobody ever wakes it. */
long schedule_timeout(long timeout)
{
	struct kshim_blocker what = { .kind = KSHIM_BLOCK_SLEEP };
	struct kshim_guard g;
	long left;

	kshim_might_sleep(__FILE__, __LINE__);
	if (timeout <= 0)
		return 0;
	kshim_guard_init(&g);
	kshim_guard_lock(&g);
	do {
		left = kshim_block(&g, &what, timeout);
		timeout = left;
	} while (left > 0);
	kshim_guard_unlock(&g);
	kshim_guard_destroy(&g);
	return 0;
}

long schedule_timeout_uninterruptible(long timeout)
{
	return schedule_timeout(timeout);
}

long schedule_timeout_interruptible(long timeout)
{
	return schedule_timeout(timeout);
}

void kshim_exec_world_begin(const struct kshim_world_config *cfg)
{
	struct task_struct *t;

	exec_mode = cfg ? cfg->mode : KSHIM_MODE_FREE_RUN;
	exec_ops = exec_mode == KSHIM_MODE_CONTROLLED ? &kshim_controlled_ops :
							&kshim_freerun_ops;
	t = current;
	t->kshim.lock_depth = 0;
	t->kshim.atomic_depth = 0;
	t->kshim.fail_nth = 0;
	exec_ops->world_begin(cfg);
}

void kshim_exec_world_end(void)
{
	exec_ops->world_end();
	exec_ops = exec_mode == KSHIM_MODE_CONTROLLED ? &kshim_controlled_ops :
							&kshim_freerun_ops;
	exec_mode = KSHIM_MODE_FREE_RUN;
}

int kshim_exec_world_audit(FILE *out)
{
	struct task_struct *t;
	int problems = 0;

	pthread_mutex_lock(&kshim_tasks_lock);
	list_for_each_entry(t, &kshim_tasks, kshim.node) {
		if (!t->kshim.adopted) {
			if (out)
				fprintf(out, "task %s/%d was never joined\n",
					t->comm, t->pid);
			problems++;
		}
		if (t->kshim.lock_depth) {
			if (out)
				fprintf(out, "task %s/%d still holds %d lock(s)\n",
					t->comm, t->pid, t->kshim.lock_depth);
			problems++;
		}
	}
	pthread_mutex_unlock(&kshim_tasks_lock);
	return problems;
}
