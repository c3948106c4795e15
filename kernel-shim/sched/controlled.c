// SPDX-License-Identifier: GPL-2.0
/*
 * The controlled backend: one simulated thread runs at a time.
 *
 * Every task of a run has a baton (a flag with its own host mutex and
 * condition variable).  The running task passes the baton by setting the
 * next task's flag and then waits for its own; a task that blocks, yields
 * or exits asks the scheduler for the next task first.  Because exactly
 * one simulated thread executes between two decisions, a run is a pure
 * function of the program and the sequence of decisions, which is what the
 * trace records.
 *
 * Time is virtual: it advances only when no task is runnable, straight to
 * the earliest deadline of a blocked task.  If nothing is runnable and no
 * task has a deadline, the run is stuck: the deadlock checker explains why
 * (a wait-for cycle, or owner-less waits that nobody can satisfy) and the
 * run ends; its threads stay parked forever.
 *
 * A step bound catches livelocks: past it, a fair phase rotates through the
 * runnable tasks at every point; a run that still does not finish is
 * reported.
 *
 * The supervisor (kshim_run_controlled(), sched/explore.c) is not a
 * simulated thread: it hands the baton to task 0 and sleeps until the run
 * is over.
 */
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <glib.h>
#include <linux/bug.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <kshim/report.h>
#include <kshim/sched.h>
#include "../lib/kshim_internal.h"
#include "ctl.h"

struct kshim_ctl kshim_ctl;

/* --- batons ----------------------------------------------------------- */

/*
 * The baton is a futex word per task: 1 = "you may run".  All threads of a
 * run are pinned to the CPU the supervisor started on, so a hand-over is a
 * wake-up and a context switch on one CPU instead of a cross-CPU IPI.
 */
static int futex_wait_word(int *word)
{
	return syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
}

static void futex_wake_word(int *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void baton_give(struct task_struct *t)
{
	struct kshim_host *host = kshim_task_host(t);

	__atomic_store_n(&host->baton, 1, __ATOMIC_RELEASE);
	futex_wake_word(&host->baton);
}

static void baton_take(struct task_struct *t)
{
	struct kshim_host *host = kshim_task_host(t);

	while (!__atomic_exchange_n(&host->baton, 0, __ATOMIC_ACQUIRE))
		futex_wait_word(&host->baton);
	if (unlikely(t->kshim.ctl_trap)) {
		t->kshim.ctl_trap = false;
		/* --break-at-step: every simulated thread is parked now. */
		raise(SIGTRAP);
	}
}

static void pin_to_run_cpu(void)
{
	cpu_set_t set;

	if (kshim_ctl.cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(kshim_ctl.cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Park the current thread of a finished run for good. */
static void __attribute__((__noreturn__)) park_forever(struct task_struct *t)
{
	for (;;)
		baton_take(t);
}

/* Tell the supervisor the run is over. */
static void run_finish(enum kshim_run_status status)
{
	pthread_mutex_lock(&kshim_ctl.done_lock);
	if (!kshim_ctl.finished) {
		kshim_ctl.status = status;
		kshim_ctl.finished = true;
		pthread_cond_signal(&kshim_ctl.done_cond);
	}
	pthread_mutex_unlock(&kshim_ctl.done_lock);
}

/* --- the trace -------------------------------------------------------- */

static void trace_push_step(unsigned char idx)
{
	struct kshim_trace *tr = &kshim_ctl.trace;

	if (tr->nsteps == kshim_ctl.steps_cap) {
		kshim_ctl.steps_cap = kshim_ctl.steps_cap ?
				      kshim_ctl.steps_cap * 2 : 1024;
		tr->steps = realloc(tr->steps, kshim_ctl.steps_cap);
		if (!tr->steps)
			abort();
	}
	tr->steps[tr->nsteps++] = idx;
}

static void info_push(const struct kshim_step_info *si)
{
	if (kshim_ctl.ninfo == kshim_ctl.info_cap) {
		kshim_ctl.info_cap = kshim_ctl.info_cap ?
				     kshim_ctl.info_cap * 2 : 1024;
		kshim_ctl.info = realloc(kshim_ctl.info,
					 kshim_ctl.info_cap * sizeof(*si));
		if (!kshim_ctl.info)
			abort();
	}
	kshim_ctl.info[kshim_ctl.ninfo++] = *si;
}

bool kshim_ctl_fault_decision(void)
{
	const struct kshim_sched_config *cfg = &kshim_ctl.cfg;
	unsigned long ordinal = ++kshim_ctl.fault_points;
	struct kshim_trace *tr = &kshim_ctl.trace;
	bool fail = false;

	if (cfg->kind == KSHIM_SCHED_REPLAY && cfg->replay) {
		const struct kshim_trace *rp = cfg->replay;

		while (kshim_ctl.replay_fault < rp->nfaults &&
		       rp->faults[kshim_ctl.replay_fault] < ordinal)
			kshim_ctl.replay_fault++;
		fail = kshim_ctl.replay_fault < rp->nfaults &&
		       rp->faults[kshim_ctl.replay_fault] == ordinal;
	} else {
		fail = cfg->fail_nth == ordinal ||
		       (cfg->fail_permille &&
			kshim_ctl_rand() % 1000 < cfg->fail_permille);
	}
	if (fail) {
		tr->faults = realloc(tr->faults,
				     (tr->nfaults + 1) * sizeof(*tr->faults));
		if (!tr->faults)
			abort();
		tr->faults[tr->nfaults++] = ordinal;
	}
	return fail;
}

/* splitmix64 stream private to the scheduler (independent of the world). */
uint64_t kshim_ctl_rand(void)
{
	uint64_t z = (kshim_ctl.rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* --- the deadlock checker -------------------------------------------- */

static const char *block_kind_name(enum kshim_block_kind kind)
{
	switch (kind) {
	case KSHIM_BLOCK_MUTEX: return "mutex";
	case KSHIM_BLOCK_SPIN: return "spinlock";
	case KSHIM_BLOCK_RWSEM_READ: return "rwsem (read)";
	case KSHIM_BLOCK_RWSEM_WRITE: return "rwsem (write)";
	case KSHIM_BLOCK_COMPLETION: return "completion";
	case KSHIM_BLOCK_WAITQUEUE: return "wait queue";
	case KSHIM_BLOCK_SLEEP: return "sleep";
	case KSHIM_BLOCK_JOIN: return "thread exit";
	case KSHIM_BLOCK_FAULT: return "user-memory fault";
	case KSHIM_BLOCK_BARRIER: return "barrier";
	default: return "nothing";
	}
}

static bool holds_for_read(struct task_struct *t, struct rw_semaphore *sem)
{
	int i;

	for (i = 0; i < t->kshim.lock_depth; i++)
		if (t->kshim.held[i].map == &sem->dep_map &&
		    t->kshim.held[i].read)
			return true;
	return false;
}

/*
 * The tasks @t waits for (owners of what it is blocked on).  Owner-less
 * waits (completions, wait queues, faults) return 0.
 */
static int wait_for(struct task_struct *t, struct task_struct **out, int max)
{
	const struct kshim_blocker *b = &t->kshim.blocked_on;
	int n = 0, i;

	switch (b->kind) {
	case KSHIM_BLOCK_MUTEX: {
		const struct mutex *m = b->obj;

		if (m->owner)
			out[n++] = m->owner;
		break;
	}
	case KSHIM_BLOCK_SPIN: {
		const spinlock_t *l = b->obj;

		if (l->owner)
			out[n++] = l->owner;
		break;
	}
	case KSHIM_BLOCK_RWSEM_READ:
	case KSHIM_BLOCK_RWSEM_WRITE: {
		struct rw_semaphore *sem = (struct rw_semaphore *)b->obj;
		struct kshim_waiter *w;

		if (sem->writer)
			out[n++] = sem->writer;
		for (i = 0; i < kshim_ctl.ntasks && n < max; i++) {
			struct task_struct *o = kshim_ctl.tasks[i];

			if (o != t && holds_for_read(o, sem))
				out[n++] = o;
		}
		/* A queued task ahead of @t also stands in its way. */
		list_for_each_entry(w, &sem->waiters, node) {
			if (w->task == t)
				break;
			if (n < max)
				out[n++] = w->task;
		}
		break;
	}
	case KSHIM_BLOCK_JOIN:
		out[n++] = (struct task_struct *)b->obj;
		break;
	default:
		break;
	}
	return n;
}

static void describe_task(GString *s, struct task_struct *t)
{
	const struct kshim_blocker *b = &t->kshim.blocked_on;
	char *held;

	g_string_append_printf(s, "T%d %s/%d: ", t->kshim.ctl_index, t->comm,
			       t->pid);
	if (t->kshim.state == KSHIM_TASK_EXITED) {
		g_string_append(s, "exited\n");
		return;
	}
	if (t->kshim.state == KSHIM_TASK_RUNNABLE) {
		g_string_append(s, "runnable\n");
	} else {
		struct task_struct *owners[KSHIM_CTL_MAX_TASKS];
		int n = wait_for(t, owners, KSHIM_CTL_MAX_TASKS), i;

		g_string_append_printf(s, "blocked on %s %s", block_kind_name(b->kind),
				       b->name ? b->name : "");
		for (i = 0; i < n; i++)
			g_string_append_printf(s, "%s T%d", i ? "," : " held by",
					       owners[i]->kshim.ctl_index);
		if (t->kshim.deadline)
			g_string_append_printf(s, " (deadline in %lu jiffies)",
					       t->kshim.deadline - kshim_ctl.vtime);
		g_string_append_c(s, '\n');
	}
	held = kshim_lockdep_held_text(t);
	g_string_append_printf(s, "  %s", held);
	g_free(held);
}

/* Depth-first search for a wait-for cycle through @t; fills @path. */
static int find_cycle(struct task_struct *t, struct task_struct **path,
		      int depth, unsigned long long *on_path)
{
	struct task_struct *owners[KSHIM_CTL_MAX_TASKS];
	int n, i, len;

	if (*on_path & (1ULL << t->kshim.ctl_index)) {
		path[depth] = t;
		return depth + 1;
	}
	if (t->kshim.state != KSHIM_TASK_BLOCKED || depth >= KSHIM_CTL_MAX_TASKS)
		return 0;
	*on_path |= 1ULL << t->kshim.ctl_index;
	path[depth] = t;
	n = wait_for(t, owners, KSHIM_CTL_MAX_TASKS);
	for (i = 0; i < n; i++) {
		len = find_cycle(owners[i], path, depth + 1, on_path);
		if (len)
			return len;
	}
	*on_path &= ~(1ULL << t->kshim.ctl_index);
	return 0;
}

static void report_stuck(void)
{
	struct task_struct *path[KSHIM_CTL_MAX_TASKS + 1];
	GString *s = g_string_new(NULL);
	unsigned long long on_path = 0;
	const char *title;
	int i, len = 0;

	for (i = 0; i < kshim_ctl.ntasks && !len; i++) {
		on_path = 0;
		len = find_cycle(kshim_ctl.tasks[i], path, 0, &on_path);
	}
	if (len) {
		/* path[len - 1] closes the cycle; print from its first visit. */
		struct task_struct *start = path[len - 1];
		int j = 0;

		while (path[j] != start)
			j++;
		title = "BUG: deadlock: wait-for cycle between simulated threads";
		g_string_append(s, "wait-for cycle:\n  ");
		for (; j < len - 1; j++)
			g_string_append_printf(s, "T%d %s -> ",
					       path[j]->kshim.ctl_index,
					       block_kind_name(path[j]->kshim.blocked_on.kind));
		g_string_append_printf(s, "T%d\n", start->kshim.ctl_index);
	} else {
		title = "BUG: lost wakeup: every thread waits for an event nobody can signal";
	}
	g_string_append_printf(s, "scheduler %s, seed %#llx, step %lu, virtual time %lu ms\nthreads:\n",
			       kshim_sched_kind_name(kshim_ctl.cfg.kind),
			       (unsigned long long)kshim_ctl.cfg.seed,
			       kshim_ctl.step,
			       (kshim_ctl.vtime - KSHIM_INITIAL_JIFFIES) *
			       (1000 / HZ));
	for (i = 0; i < kshim_ctl.ntasks; i++)
		describe_task(s, kshim_ctl.tasks[i]);
	kshim_report_issue(KSHIM_ISSUE_DEADLOCK, title, s->str);
	g_string_free(s, TRUE);
}

static void report_livelock(void)
{
	GString *s = g_string_new(NULL);
	unsigned long i, from;
	int t;

	g_string_append_printf(s, "no progress after %lu steps (%lu unfair + fair phase)\nlast decisions:",
			       kshim_ctl.step, kshim_ctl.max_steps);
	from = kshim_ctl.trace.nsteps > 32 ? kshim_ctl.trace.nsteps - 32 : 0;
	for (i = from; i < kshim_ctl.trace.nsteps; i++)
		g_string_append_printf(s, " T%u", kshim_ctl.trace.steps[i]);
	g_string_append(s, "\nthreads:\n");
	for (t = 0; t < kshim_ctl.ntasks; t++)
		describe_task(s, kshim_ctl.tasks[t]);
	kshim_report_issue(KSHIM_ISSUE_LIVELOCK,
			   "BUG: livelock: step bound exceeded", s->str);
	g_string_free(s, TRUE);
}

/* --- choosing the next task ------------------------------------------- */

/* Wake every blocked task whose deadline has come; true if any. */
static bool fire_deadlines(void)
{
	unsigned long earliest = 0;
	bool found = false, fired = false;
	int i;

	for (i = 0; i < kshim_ctl.ntasks; i++) {
		struct task_struct *t = kshim_ctl.tasks[i];

		if (t->kshim.state != KSHIM_TASK_BLOCKED || !t->kshim.deadline)
			continue;
		if (!found || time_before(t->kshim.deadline, earliest))
			earliest = t->kshim.deadline;
		found = true;
	}
	if (!found)
		return false;
	if (time_after(earliest, kshim_ctl.vtime))
		kshim_ctl.vtime = earliest;
	for (i = 0; i < kshim_ctl.ntasks; i++) {
		struct task_struct *t = kshim_ctl.tasks[i];

		if (t->kshim.state == KSHIM_TASK_BLOCKED && t->kshim.deadline &&
		    !time_after(t->kshim.deadline, kshim_ctl.vtime)) {
			t->kshim.state = KSHIM_TASK_RUNNABLE;	/* timed out */
			fired = true;
		}
	}
	return fired;
}

static bool all_exited(void)
{
	int i;

	for (i = 0; i < kshim_ctl.ntasks; i++)
		if (kshim_ctl.tasks[i]->kshim.state != KSHIM_TASK_EXITED)
			return false;
	return true;
}

/*
 * Decide who runs the next step.  @cur is the task asking (it may be
 * blocked or exited now).  Returns NULL when the run is over: every task
 * exited, or a checker stopped the run (the supervisor has been told).
 */
static struct task_struct *pick_next(struct task_struct *cur)
{
	struct task_struct *runnable[KSHIM_CTL_MAX_TASKS];
	struct kshim_step_info si = { 0 };
	struct task_struct *next;
	int n, i, choice;

	if (kshim_ctl.finished)
		return NULL;
	for (;;) {
		n = 0;
		for (i = 0; i < kshim_ctl.ntasks; i++)
			if (kshim_ctl.tasks[i]->kshim.state ==
			    KSHIM_TASK_RUNNABLE)
				runnable[n++] = kshim_ctl.tasks[i];
		if (n)
			break;
		if (all_exited()) {
			run_finish(KSHIM_RUN_PASS);
			return NULL;
		}
		if (!fire_deadlines()) {
			report_stuck();
			run_finish(KSHIM_RUN_DEADLOCK);
			return NULL;
		}
	}

	kshim_ctl.step++;
	if (kshim_ctl.step > kshim_ctl.max_steps && !kshim_ctl.fair) {
		kshim_ctl.fair = true;
		pr_info("kshim: step bound %lu reached, entering the fair phase\n",
			kshim_ctl.max_steps);
	}
	if (kshim_ctl.fair &&
	    kshim_ctl.step > kshim_ctl.max_steps + kshim_ctl.fair_steps) {
		report_livelock();
		run_finish(KSHIM_RUN_LIVELOCK);
		return NULL;
	}

	if (kshim_ctl.fair)
		choice = kshim_sched_pick_fair(runnable, n, cur);
	else
		choice = kshim_ctl.sched->pick(runnable, n, cur);
	if (choice < 0) {
		kshim_report_issue(KSHIM_ISSUE_OTHER,
				   "replay diverged from its trace",
				   kshim_ctl.diverge_msg);
		run_finish(KSHIM_RUN_DIVERGED);
		return NULL;
	}
	next = runnable[choice];

	trace_push_step(next->kshim.ctl_index);
	if (kshim_ctl.cfg.record_steps) {
		for (i = 0; i < n; i++)
			si.runnable |= 1ULL << runnable[i]->kshim.ctl_index;
		si.chosen = next->kshim.ctl_index;
		si.prev = cur->kshim.ctl_index;
		si.prev_runnable = cur->kshim.state == KSHIM_TASK_RUNNABLE;
		info_push(&si);
	}
	if (kshim_ctl.cfg.break_at_step == kshim_ctl.step)
		next->kshim.ctl_trap = true;
	kshim_ctl.running = next;
	return next;
}

/* Hand over to @next and wait until @cur is chosen again. */
static void switch_to(struct task_struct *cur, struct task_struct *next)
{
	if (!next)
		park_forever(cur);
	if (next == cur) {
		if (unlikely(cur->kshim.ctl_trap)) {
			cur->kshim.ctl_trap = false;
			raise(SIGTRAP);
		}
		return;
	}
	baton_give(next);
	baton_take(cur);
}

static bool is_run_task(struct task_struct *t)
{
	int i = t->kshim.ctl_index;

	return i >= 0 && i < kshim_ctl.ntasks && kshim_ctl.tasks[i] == t;
}

static void ctl_sched_point(enum kshim_point kind, const void *obj)
{
	struct task_struct *cur = current;

	if (unlikely(!is_run_task(cur)))
		return;		/* a host thread outside the run */
	kshim_ctl.last_point = kind;
	switch_to(cur, pick_next(cur));
}

static long ctl_block(struct kshim_guard *g, const struct kshim_blocker *what,
		      long timeout)
{
	struct task_struct *cur = current;
	bool woken;

	if (WARN_ON(!is_run_task(cur)))
		return 0;
	/*
	 * Nothing else ran since the caller checked its condition under @g,
	 * so a pending wake-up can only be a stale one: forget it.
	 */
	cur->kshim.wake_pending = false;
	cur->kshim.blocked_on = *what;
	cur->kshim.state = KSHIM_TASK_BLOCKED;
	cur->kshim.deadline = 0;
	if (timeout != KSHIM_NO_TIMEOUT)
		cur->kshim.deadline = (kshim_ctl.vtime + timeout) ?: 1;
	kshim_guard_unlock(g);
	switch_to(cur, pick_next(cur));
	kshim_guard_lock(g);

	woken = cur->kshim.wake_pending;
	cur->kshim.wake_pending = false;
	cur->kshim.state = KSHIM_TASK_RUNNABLE;
	memset(&cur->kshim.blocked_on, 0, sizeof(cur->kshim.blocked_on));
	if (!woken)
		return 0;
	if (!cur->kshim.deadline)
		return KSHIM_NO_TIMEOUT;
	if (!time_after(cur->kshim.deadline, kshim_ctl.vtime))
		return 1;
	return cur->kshim.deadline - kshim_ctl.vtime;
}

static void ctl_wake(struct task_struct *t)
{
	t->kshim.wake_pending = true;
	if (t->kshim.state == KSHIM_TASK_BLOCKED)
		t->kshim.state = KSHIM_TASK_RUNNABLE;
}

static void *ctl_thread_main(void *arg)
{
	struct task_struct *t = arg;

	pin_to_run_cpu();
	baton_take(t);
	return kshim_task_trampoline(t);
}

static int ctl_thread_start(struct task_struct *t)
{
	return pthread_create(&kshim_task_host(t)->thread, NULL,
			      ctl_thread_main, t);
}

static void ctl_thread_exit(struct task_struct *t)
{
	struct task_struct *next = pick_next(t);

	/* Nothing of @t is touched after the baton has moved on. */
	if (next)
		baton_give(next);
}

static void ctl_task_added(struct task_struct *t)
{
	if (t->kshim.adopted) {
		t->kshim.ctl_index = -1;
		return;
	}
	if (kshim_ctl.ntasks >= KSHIM_CTL_MAX_TASKS) {
		fprintf(stderr, "kshim: more than %d simulated threads in one controlled run\n",
			KSHIM_CTL_MAX_TASKS);
		abort();
	}
	t->kshim.ctl_index = kshim_ctl.ntasks;
	kshim_ctl.tasks[kshim_ctl.ntasks++] = t;
	kshim_ctl.sched->task_added(t);
}

static bool ctl_task_joined(struct task_struct *t)
{
	/* Its slot in kshim_ctl.tasks stays valid until the run ends. */
	return is_run_task(t);
}

static unsigned long ctl_now(void)
{
	return kshim_ctl.vtime;
}

static void ctl_world_begin(const struct kshim_world_config *wcfg)
{
	const struct kshim_sched_config *cfg = wcfg->sched;

	free(kshim_ctl.trace.steps);
	free(kshim_ctl.trace.faults);
	free(kshim_ctl.info);
	memset(&kshim_ctl, 0, sizeof(kshim_ctl));
	pthread_mutex_init(&kshim_ctl.done_lock, NULL);
	pthread_cond_init(&kshim_ctl.done_cond, NULL);
	if (cfg)
		kshim_ctl.cfg = *cfg;
	kshim_ctl.rng = kshim_ctl.cfg.seed ^ 0x5bd1e9955bd1e995ULL;
	kshim_ctl.vtime = KSHIM_INITIAL_JIFFIES;
	kshim_ctl.max_steps = kshim_ctl.cfg.max_steps ?: 100000;
	kshim_ctl.fair_steps = kshim_ctl.cfg.fair_steps ?: 10000;
	kshim_ctl.sched = kshim_sched_ops_for(kshim_ctl.cfg.kind);
	kshim_ctl.sched->run_begin(&kshim_ctl.cfg);
	if (kshim_ctl.cfg.no_lock_order)
		kshim_lockdep_set_order_checks(false);
}

static void ctl_world_end(void)
{
}

const struct kshim_exec_ops kshim_controlled_ops = {
	.name = "controlled",
	.world_begin = ctl_world_begin,
	.world_end = ctl_world_end,
	.block = ctl_block,
	.wake = ctl_wake,
	.sched_point = ctl_sched_point,
	.thread_start = ctl_thread_start,
	.thread_exit = ctl_thread_exit,
	.now = ctl_now,
	.task_added = ctl_task_added,
	.task_joined = ctl_task_joined,
};

unsigned long kshim_ctl_step(void)
{
	return kshim_ctl.step;
}

int kshim_ctl_task_index(void)
{
	struct task_struct *t = current;

	return is_run_task(t) ? t->kshim.ctl_index : -1;
}

/*
 * Start task 0 of a run from the supervisor and wait for the outcome.
 * Called with the controlled world already begun.
 */
enum kshim_run_status kshim_ctl_supervise(struct task_struct *t0)
{
	enum kshim_run_status status;

	kshim_ctl.running = t0;
	kshim_ctl.cpu = sched_getcpu();
	if (ctl_thread_start(t0)) {
		perror("kshim: pthread_create");
		abort();
	}
	kshim_ctl.step = 0;
	baton_give(t0);
	pthread_mutex_lock(&kshim_ctl.done_lock);
	while (!kshim_ctl.finished)
		pthread_cond_wait(&kshim_ctl.done_cond, &kshim_ctl.done_lock);
	status = kshim_ctl.status;
	pthread_mutex_unlock(&kshim_ctl.done_lock);
	return status;
}
