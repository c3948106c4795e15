// SPDX-License-Identifier: GPL-2.0
/*
 * Controlled execution (kshim/sched.h): every checker is proven both ways on
 * small synthetic programs, with fixed seeds.
 */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/bug.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <kshim/exec.h>
#include <kshim/sched.h>
#include "ktest.h"
#include "shim_suites.h"

/* --- synthetic programs ---------------------------------------------- */

struct abba {
	struct mutex a, b;
	int counter;
};

static int abba_ab(void *data)
{
	struct abba *p = data;

	mutex_lock(&p->a);
	mutex_lock(&p->b);
	p->counter++;
	mutex_unlock(&p->b);
	mutex_unlock(&p->a);
	return 0;
}

static int abba_ba(void *data)
{
	struct abba *p = data;

	mutex_lock(&p->b);
	mutex_lock(&p->a);
	p->counter++;
	mutex_unlock(&p->a);
	mutex_unlock(&p->b);
	return 0;
}

static int abba_ab_ab(void *data)
{
	return abba_ab(data);
}

/* Two threads taking two mutexes; @bad decides the second's order. */
static int run_two(int (*t2fn)(void *))
{
	struct abba p = { .counter = 0 };
	struct task_struct *t1, *t2;

	mutex_init(&p.a);
	mutex_init(&p.b);
	t1 = kshim_thread_run(abba_ab, &p, "t1");
	t2 = kshim_thread_run(t2fn, &p, "t2");
	kshim_thread_join(t1);
	kshim_thread_join(t2);
	return p.counter == 2 ? 0 : 1;
}

static int prog_abba(void *arg)
{
	return run_two(abba_ba);
}

static int prog_ordered(void *arg)
{
	return run_two(abba_ab_ab);
}

static int prog_lost_wakeup(void *arg)
{
	struct completion done;

	init_completion(&done);
	wait_for_completion(&done);	/* nobody will complete it */
	return 0;
}

static int spin_forever(void *data)
{
	while (!READ_ONCE(*(int *)data))
		cond_resched();
	return 0;
}

static int prog_livelock(void *arg)
{
	int never = 0;
	struct task_struct *t = kshim_thread_run(spin_forever, &never, "spin");

	kshim_thread_join(t);
	return 0;
}

static int prog_sleep_in_atomic(void *arg)
{
	spinlock_t s;
	struct mutex m;

	spin_lock_init(&s);
	mutex_init(&m);
	spin_lock(&s);
	mutex_lock(&m);
	mutex_unlock(&m);
	spin_unlock(&s);
	return 0;
}

static int hold_and_exit(void *data)
{
	mutex_lock(data);
	return 0;
}

static int prog_lock_held_at_exit(void *arg)
{
	struct mutex m;
	struct task_struct *t;

	mutex_init(&m);
	t = kshim_thread_run(hold_and_exit, &m, "holder");
	kshim_thread_join(t);
	return 0;
}

/* Three threads incrementing under a lock, yielding often. */
struct three {
	struct mutex lock;
	wait_queue_head_t wq;
	int value;
};

static int three_worker(void *data)
{
	struct three *p = data;
	int i;

	for (i = 0; i < 10; i++) {
		mutex_lock(&p->lock);
		p->value++;
		mutex_unlock(&p->lock);
		wake_up(&p->wq);
		cond_resched();
	}
	return 0;
}

static int prog_three(void *arg)
{
	struct three p = { .value = 0 };
	struct task_struct *t[3];
	int i;

	mutex_init(&p.lock);
	init_waitqueue_head(&p.wq);
	for (i = 0; i < 3; i++)
		t[i] = kshim_thread_run(three_worker, &p, "worker");
	wait_event(p.wq, READ_ONCE(p.value) == 30);
	for (i = 0; i < 3; i++)
		kshim_thread_join(t[i]);
	return p.value == 30 ? 0 : 1;
}

/* --- helpers ---------------------------------------------------------- */

static struct kshim_sched_config sched(enum kshim_sched_kind kind,
				       uint64_t seed)
{
	struct kshim_sched_config cfg = { .kind = kind, .seed = seed };

	return cfg;
}

static void assert_run(int (*fn)(void *), const struct kshim_sched_config *cfg,
		       bool fork, enum kshim_run_status want,
		       const char *issue_substr)
{
	struct kshim_run_result res;

	kshim_run_controlled(fn, NULL, cfg, fork, &res);
	ck_assert_msg(res.status == want, "status %s, wanted %s:\n%s",
		      kshim_run_status_name(res.status),
		      kshim_run_status_name(want), res.report);
	if (issue_substr)
		ck_assert_msg(res.first_issue &&
			      strstr(res.first_issue, issue_substr),
			      "first issue \"%s\", wanted \"%s\":\n%s",
			      res.first_issue ? res.first_issue : "(none)",
			      issue_substr, res.report);
	kshim_run_result_free(&res);
}

/* --- tests ------------------------------------------------------------ */

START_TEST(test_sched_abba_reported_by_lockdep_without_hang)
{
	struct kshim_sched_config cfg = sched(KSHIM_SCHED_RR, 1);

	/* Round-robin never preempts: no deadlock, but lockdep sees both
	 * orders and reports the inversion. */
	assert_run(prog_abba, &cfg, false, KSHIM_RUN_FAIL,
		   "possible circular locking dependency detected");
	cfg.no_lock_order = true;
	assert_run(prog_abba, &cfg, false, KSHIM_RUN_PASS, NULL);
}
END_TEST

START_TEST(test_sched_correct_program_runs_clean)
{
	struct kshim_sched_config cfg = sched(KSHIM_SCHED_RANDOM, 3);

	assert_run(prog_ordered, &cfg, false, KSHIM_RUN_PASS, NULL);
	assert_run(prog_three, &cfg, true, KSHIM_RUN_PASS, NULL);
}
END_TEST

START_TEST(test_sched_pct_finds_deadlock_within_bound)
{
	struct kshim_explore_config cfg = {
		.sched = { .kind = KSHIM_SCHED_PCT, .seed = 1000,
			   .pct_depth = 2, .no_lock_order = true },
		.stop_on_failure = true,
		.fork = true,
	};
	struct kshim_explore_result res;
	double p, runs99;

	/*
	 * The ABBA deadlock needs one preemption at the right place: depth
	 * d = 2.  PCT guarantees p >= 1/(n * k^(d-1)) per run, with n the
	 * threads and k the steps of a run (from the calibration run).  We
	 * allow the number of runs that gives 99% confidence.
	 */
	cfg.runs = 1;
	kshim_explore(prog_abba, NULL, &cfg, &res);	/* calibrate n, k */
	p = 1.0 / ((double)res.max_tasks * (double)res.pct_steps);
	runs99 = ceil(log(0.01) / log(1.0 - p));
	kshim_explore_result_free(&res);

	cfg.runs = (unsigned long)runs99;
	kshim_explore(prog_abba, NULL, &cfg, &res);
	ck_assert_msg(res.failures == 1 &&
		      res.failure.status == KSHIM_RUN_DEADLOCK,
		      "PCT (n=%u, k=%lu, bound %.0f runs) found no deadlock",
		      res.max_tasks, res.pct_steps, runs99);
	ck_assert_ptr_nonnull(strstr(res.failure.report, "wait-for cycle"));
	ck_assert_uint_le(res.first_failure_run, (unsigned long)runs99);
	kshim_explore_result_free(&res);
}
END_TEST

START_TEST(test_sched_dfs_finds_deadlock_exhaustively)
{
	struct kshim_explore_config cfg = {
		.sched = { .kind = KSHIM_SCHED_DFS, .no_lock_order = true },
		.preempt_bound = 2,
		.runs = 100000,
		.fork = false,
	};
	struct kshim_explore_result res;

	/* With 0 preemptions nothing can go wrong ... */
	cfg.preempt_bound = 0;
	kshim_explore(prog_abba, NULL, &cfg, &res);
	ck_assert(res.exhausted);
	ck_assert_uint_eq(res.failures, 0);
	kshim_explore_result_free(&res);

	/* ... with up to 2 the whole space contains deadlocks, and only
	 * deadlocks fail. */
	cfg.preempt_bound = 2;
	kshim_explore(prog_abba, NULL, &cfg, &res);
	ck_assert(res.exhausted);
	ck_assert_uint_gt(res.failures, 0);
	ck_assert_int_eq(res.failure.status, KSHIM_RUN_DEADLOCK);
	fprintf(stderr, "dfs: %lu schedules, %lu deadlocks\n", res.runs,
		res.failures);
	kshim_explore_result_free(&res);

	/* The correct program explores clean. */
	kshim_explore(prog_ordered, NULL, &cfg, &res);
	ck_assert(res.exhausted);
	ck_assert_uint_gt(res.runs, 1);
	ck_assert_uint_eq(res.failures, 0);
	kshim_explore_result_free(&res);
}
END_TEST

START_TEST(test_sched_lost_wakeup_reported)
{
	struct kshim_sched_config cfg = sched(KSHIM_SCHED_RR, 1);

	assert_run(prog_lost_wakeup, &cfg, false, KSHIM_RUN_DEADLOCK,
		   "lost wakeup");
}
END_TEST

START_TEST(test_sched_livelock_reported)
{
	struct kshim_sched_config cfg = sched(KSHIM_SCHED_RANDOM, 5);

	cfg.max_steps = 2000;
	cfg.fair_steps = 2000;
	assert_run(prog_livelock, &cfg, false, KSHIM_RUN_LIVELOCK,
		   "livelock");
}
END_TEST

START_TEST(test_sched_sleep_in_atomic_reported)
{
	struct kshim_sched_config cfg = sched(KSHIM_SCHED_RR, 1);

	assert_run(prog_sleep_in_atomic, &cfg, false, KSHIM_RUN_FAIL,
		   "sleeping function called from invalid context");
}
END_TEST

START_TEST(test_sched_lock_held_at_exit_reported)
{
	struct kshim_sched_config cfg = sched(KSHIM_SCHED_RR, 1);

	assert_run(prog_lock_held_at_exit, &cfg, false, KSHIM_RUN_FAIL,
		   "still has locks held");
}
END_TEST

START_TEST(test_sched_same_seed_same_trace)
{
	struct kshim_sched_config cfg = sched(KSHIM_SCHED_RANDOM, 0xfeed);
	struct kshim_run_result res;
	uint64_t first = 0, other = 0;
	int i;

	for (i = 0; i < 1000; i++) {
		kshim_run_controlled(prog_three, NULL, &cfg, false, &res);
		ck_assert_int_eq(res.status, KSHIM_RUN_PASS);
		if (!i)
			first = res.trace_hash;
		ck_assert_msg(res.trace_hash == first,
			      "run %d: trace hash %#llx != %#llx", i,
			      (unsigned long long)res.trace_hash,
			      (unsigned long long)first);
		kshim_run_result_free(&res);
	}
	/* A different seed gives a different interleaving. */
	cfg.seed++;
	kshim_run_controlled(prog_three, NULL, &cfg, false, &res);
	other = res.trace_hash;
	kshim_run_result_free(&res);
	ck_assert_uint_ne(other, first);
}
END_TEST

START_TEST(test_sched_replay_reproduces_failure)
{
	struct kshim_explore_config cfg = {
		.sched = { .kind = KSHIM_SCHED_RANDOM, .seed = 77,
			   .no_lock_order = true },
		.stop_on_failure = true,
		.runs = 5000,
		.fork = true,
	};
	struct kshim_sched_config rcfg = { .kind = KSHIM_SCHED_REPLAY,
					   .no_lock_order = true };
	struct kshim_explore_result res;
	struct kshim_run_result again;
	struct kshim_trace copy;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	kshim_explore(prog_abba, NULL, &cfg, &res);
	ck_assert_int_eq(res.failure.status, KSHIM_RUN_DEADLOCK);

	/* Through the text format, as a trace file would go. */
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(kshim_trace_write(f, &res.failure.trace), 0);
	fclose(f);
	f = fmemopen(buf, len, "r");
	ck_assert_int_eq(kshim_trace_read(f, &copy), 0);
	fclose(f);
	free(buf);
	ck_assert_uint_eq(kshim_trace_hash(&copy), res.failure.trace_hash);

	rcfg.replay = &copy;
	kshim_run_controlled(prog_abba, NULL, &rcfg, true, &again);
	ck_assert_int_eq(again.status, KSHIM_RUN_DEADLOCK);
	ck_assert_uint_eq(again.trace_hash, res.failure.trace_hash);
	kshim_run_result_free(&again);

	/* A trace that does not fit the program is a divergence. */
	copy.steps[0] = 9;
	kshim_run_controlled(prog_abba, NULL, &rcfg, true, &again);
	ck_assert_int_eq(again.status, KSHIM_RUN_DIVERGED);
	kshim_run_result_free(&again);
	kshim_trace_free(&copy);
	kshim_explore_result_free(&res);
}
END_TEST

static int prog_long_timeouts(void *arg)
{
	unsigned long start = jiffies;
	wait_queue_head_t wq;
	struct completion c;
	long left;

	init_waitqueue_head(&wq);
	init_completion(&c);
	msleep(60 * 1000);
	if (time_before(jiffies, start + 60 * HZ))
		return 1;
	left = wait_event_timeout(wq, false, 10 * HZ);
	if (left != 0)
		return 2;
	if (wait_for_completion_timeout(&c, 60 * HZ) != 0)
		return 3;
	return time_after_eq(jiffies, start + 130 * HZ) ? 0 : 4;
}

START_TEST(test_sched_virtual_time_costs_nothing)
{
	struct kshim_sched_config cfg = sched(KSHIM_SCHED_RR, 1);
	struct kshim_run_result res;
	struct timespec a, b;
	double secs;

	clock_gettime(CLOCK_MONOTONIC, &a);
	kshim_run_controlled(prog_long_timeouts, NULL, &cfg, false, &res);
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	ck_assert_int_eq(res.status, KSHIM_RUN_PASS);
	ck_assert_int_eq(res.fn_result, 0);
	/* 130 s of kernel timeouts; anything near real time is a bug. */
	ck_assert_msg(secs < 10.0, "virtual timeouts took %.1f s", secs);
	kshim_run_result_free(&res);
}
END_TEST

/* An error path that forgets to free the first allocation. */
static bool fixed;

static noinline void *alloc_first(void)
{
	return kmalloc(32, GFP_KERNEL);
}

static int prog_error_path_leak(void *arg)
{
	void *a = alloc_first();
	void *b;

	if (!a)
		return -ENOMEM;
	b = kmalloc(64, GFP_KERNEL);
	if (!b) {
		if (fixed)
			kfree(a);
		return -ENOMEM;
	}
	kfree(b);
	kfree(a);
	return 0;
}

START_TEST(test_sched_fail_sweep_finds_error_path_leak)
{
	struct kshim_sched_config cfg = sched(KSHIM_SCHED_RR, 1);
	struct kshim_sweep_result res;

	fixed = false;
	kshim_fail_sweep(prog_error_path_leak, NULL, &cfg, true, 0, &res);
	ck_assert_uint_ge(res.fault_points, 2);
	ck_assert_uint_eq(res.first_failing_nth, 2);
	ck_assert_int_eq(res.failure.status, KSHIM_RUN_FAIL);
	/* The leak report names the allocation that leaked. */
	ck_assert_msg(strstr(res.failure.report, "alloc_first"),
		      "no call site in:\n%s", res.failure.report);
	ck_assert_ptr_nonnull(res.first_failing_site);
	ck_assert_ptr_nonnull(strstr(res.first_failing_site,
				     "prog_error_path_leak"));
	kshim_sweep_result_free(&res);

	fixed = true;
	kshim_fail_sweep(prog_error_path_leak, NULL, &cfg, true, 0, &res);
	ck_assert_uint_eq(res.failures, 0);
	ck_assert_uint_eq(res.runs, res.fault_points + 1);
	kshim_sweep_result_free(&res);
}
END_TEST

static int prog_crash(void *arg)
{
	BUG();
	return 0;
}

START_TEST(test_sched_forked_crash_is_contained)
{
	struct kshim_sched_config cfg = sched(KSHIM_SCHED_RR, 1);

	assert_run(prog_crash, &cfg, true, KSHIM_RUN_CRASH, "crashed");
}
END_TEST

START_TEST(test_sched_break_at_step_traps)
{
	struct kshim_sched_config cfg = sched(KSHIM_SCHED_RR, 1);
	struct kshim_run_result res;

	/* In-process, like under gdb: SIGTRAP in the thread of step 5. */
	cfg.break_at_step = 5;
	kshim_run_controlled(prog_three, NULL, &cfg, false, &res);
}
END_TEST

Suite *sched_suite(void)
{
	Suite *s = suite_create("sched");
	TCase *tc = ktest_tcase("checkers");
	TCase *ex = ktest_tcase("explore");
	TCase *trap = tcase_create("trap");

	tcase_add_test(tc, test_sched_abba_reported_by_lockdep_without_hang);
	tcase_add_test(tc, test_sched_correct_program_runs_clean);
	tcase_add_test(tc, test_sched_lost_wakeup_reported);
	tcase_add_test(tc, test_sched_livelock_reported);
	tcase_add_test(tc, test_sched_sleep_in_atomic_reported);
	tcase_add_test(tc, test_sched_lock_held_at_exit_reported);
	tcase_add_test(tc, test_sched_virtual_time_costs_nothing);
	tcase_add_test(tc, test_sched_forked_crash_is_contained);
	suite_add_tcase(s, tc);

	tcase_add_test(ex, test_sched_pct_finds_deadlock_within_bound);
	tcase_add_test(ex, test_sched_dfs_finds_deadlock_exhaustively);
	tcase_add_test(ex, test_sched_same_seed_same_trace);
	tcase_add_test(ex, test_sched_replay_reproduces_failure);
	tcase_add_test(ex, test_sched_fail_sweep_finds_error_path_leak);
	tcase_set_timeout(ex, 300);
	suite_add_tcase(s, ex);

	tcase_add_test_raise_signal(trap, test_sched_break_at_step_traps,
				    SIGTRAP);
	suite_add_tcase(s, trap);
	return s;
}
