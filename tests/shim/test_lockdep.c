// SPDX-License-Identifier: GPL-2.0
/*
 * lockdep: held-lock assertions and lock-order reports.  None of these
 * tests needs the deadlock to happen: the order graph finds it from one
 * task taking the locks in both orders at different times.
 */
#include <string.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <kshim/exec.h>
#include <kshim/world.h>
#include "ktest.h"
#include "shim_suites.h"

struct two_locks {
	struct mutex a;
	struct mutex b;
	struct mutex c;
};

static void init_locks(struct two_locks *l)
{
	mutex_init(&l->a);
	mutex_init(&l->b);
	mutex_init(&l->c);
}

START_TEST(test_lockdep_abba_reported_without_hang)
{
	struct two_locks l;
	const struct kshim_issue *issue;

	init_locks(&l);
	mutex_lock(&l.a);
	mutex_lock(&l.b);
	mutex_unlock(&l.b);
	mutex_unlock(&l.a);
	ck_assert_uint_eq(kshim_report_total(), 0);

	mutex_lock(&l.b);
	mutex_lock(&l.a);	/* closes the cycle a -> b -> a */
	mutex_unlock(&l.a);
	mutex_unlock(&l.b);

	issue = kshim_report_get(0);
	ck_assert_ptr_nonnull(issue);
	ck_assert_str_eq(issue->title,
			 "WARNING: possible circular locking dependency detected");
	ck_assert_ptr_nonnull(strstr(issue->text, "&l->a"));
	ck_assert_ptr_nonnull(strstr(issue->text, "&l->b"));
	ck_assert_ptr_nonnull(strstr(issue->text, "*** DEADLOCK ***"));
	ktest_expect_issues(KSHIM_ISSUE_LOCKDEP, 1, NULL);

	/* The same inversion is not reported twice. */
	mutex_lock(&l.b);
	mutex_lock(&l.a);
	mutex_unlock(&l.a);
	mutex_unlock(&l.b);
	ck_assert_uint_le(kshim_report_total(), 1);
	kshim_report_clear();
}
END_TEST

START_TEST(test_lockdep_three_lock_cycle)
{
	struct two_locks l;

	init_locks(&l);
	mutex_lock(&l.a);
	mutex_lock(&l.b);
	mutex_unlock(&l.b);
	mutex_unlock(&l.a);
	mutex_lock(&l.b);
	mutex_lock(&l.c);
	mutex_unlock(&l.c);
	mutex_unlock(&l.b);
	ck_assert_uint_eq(kshim_report_total(), 0);
	mutex_lock(&l.c);
	mutex_lock(&l.a);	/* a -> b -> c -> a */
	mutex_unlock(&l.a);
	mutex_unlock(&l.c);
	ck_assert_ptr_nonnull(strstr(kshim_report_get(0)->text, "&l->c"));
	ktest_expect_issues(KSHIM_ISSUE_LOCKDEP, 1, NULL);
}
END_TEST

START_TEST(test_lockdep_rwsem_read_write_cycle)
{
	struct rw_semaphore sem;
	struct mutex m;

	init_rwsem(&sem);
	mutex_init(&m);
	down_read(&sem);
	mutex_lock(&m);
	mutex_unlock(&m);
	up_read(&sem);
	/*
	 * m then sem (even for read): a writer queued on sem makes the
	 * reader wait, so this is a real deadlock with the order above.
	 */
	mutex_lock(&m);
	down_write(&sem);
	up_write(&sem);
	mutex_unlock(&m);
	ktest_expect_issues(KSHIM_ISSUE_LOCKDEP, 1, NULL);
}
END_TEST

START_TEST(test_lockdep_recursive_same_class)
{
	struct mutex m[2];
	const char *title;
	int i;

	/* One init site: both mutexes are the same class. */
	for (i = 0; i < 2; i++)
		mutex_init(&m[i]);
	mutex_lock(&m[0]);
	mutex_lock(&m[1]);
	mutex_unlock(&m[1]);
	mutex_unlock(&m[0]);
	ktest_expect_issues(KSHIM_ISSUE_LOCKDEP, 1, &title);
	ck_assert_str_eq(title, "WARNING: possible recursive locking detected");

	/* With a nesting annotation it is fine. */
	mutex_lock(&m[0]);
	mutex_lock_nested(&m[1], SINGLE_DEPTH_NESTING);
	mutex_unlock(&m[1]);
	mutex_unlock(&m[0]);
	ck_assert_uint_eq(kshim_report_total(), 0);
}
END_TEST

/*
 * Many locks of one class under a nest lock (what IOAS_CHANGE_PROCESS does
 * with every IOAS): more than the held-lock stack could take one by one,
 * no recursion report, each still "held", released in any order.
 */
START_TEST(test_lockdep_nest_lock)
{
	enum { N = KSHIM_MAX_LOCK_DEPTH + 8 };
	static struct rw_semaphore sems[N];
	struct mutex nest;
	const char *title;
	int i;

	mutex_init(&nest);
	for (i = 0; i < N; i++)
		init_rwsem(&sems[i]);
	mutex_lock(&nest);
	for (i = 0; i < N; i++)
		down_write_nest_lock(&sems[i], &nest);
	ck_assert_int_eq(kshim_lockdep_depth(), 2);
	lockdep_assert_held_write(&sems[N - 1]);
	lockdep_assert_held(&sems[N / 2]);
	for (i = 0; i < N; i += 2)
		up_write(&sems[i]);
	for (i = 1; i < N; i += 2)
		up_write(&sems[i]);
	ck_assert_int_eq(kshim_lockdep_depth(), 1);
	mutex_unlock(&nest);
	ck_assert_uint_eq(kshim_report_total(), 0);

	/* Without holding the nest lock it is plain recursion. */
	down_write_nest_lock(&sems[0], &nest);
	down_write_nest_lock(&sems[1], &nest);
	up_write(&sems[1]);
	up_write(&sems[0]);
	ktest_expect_issues(KSHIM_ISSUE_LOCKDEP, 1, &title);
	ck_assert_str_eq(title, "WARNING: possible recursive locking detected");
}
END_TEST

START_TEST(test_lockdep_trylock_adds_no_order)
{
	struct two_locks l;

	init_locks(&l);
	mutex_lock(&l.a);
	ck_assert(mutex_trylock(&l.b));
	mutex_unlock(&l.b);
	mutex_unlock(&l.a);
	mutex_lock(&l.b);
	mutex_lock(&l.a);
	mutex_unlock(&l.a);
	mutex_unlock(&l.b);
	ck_assert_uint_eq(kshim_report_total(), 0);
}
END_TEST

START_TEST(test_lockdep_bad_unlock_balance)
{
	struct mutex m;

	mutex_init(&m);
	mutex_unlock(&m);
	ck_assert_uint_eq(kshim_report_count(KSHIM_ISSUE_LOCKDEP), 1);
	ck_assert_str_eq(kshim_report_get(0)->title,
			 "WARNING: bad unlock balance detected!");
	/* The mutex code WARNs too: the owner was not current. */
	ck_assert_uint_eq(kshim_report_count(KSHIM_ISSUE_WARN), 1);
	kshim_report_clear();
}
END_TEST

START_TEST(test_lockdep_assert_held_checks)
{
	struct mutex m;
	struct rw_semaphore sem;

	mutex_init(&m);
	init_rwsem(&sem);
	ck_assert(!lockdep_is_held(&m));
	lockdep_assert_held(&m);		/* not held: WARN */
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	mutex_lock(&m);
	ck_assert(lockdep_is_held(&m));
	lockdep_assert_held(&m);
	mutex_unlock(&m);

	down_read(&sem);
	lockdep_assert_held(&sem);
	lockdep_assert_held_read(&sem);
	ck_assert_uint_eq(kshim_report_total(), 0);
	lockdep_assert_held_write(&sem);	/* held, but for read */
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	up_read(&sem);
	lockdep_assert_not_held(&sem);
	ck_assert_uint_eq(kshim_report_total(), 0);
}
END_TEST

static int exit_holding(void *data)
{
	mutex_lock(data);
	return 0;
}

START_TEST(test_lockdep_lock_held_at_thread_exit)
{
	struct mutex m;
	const char *title;
	struct task_struct *t;

	mutex_init(&m);
	t = kshim_thread_run(exit_holding, &m, "holder");
	kshim_thread_join(t);
	ktest_expect_issues(KSHIM_ISSUE_LOCKDEP, 1, &title);
	ck_assert_ptr_nonnull(strstr(title, "still has locks held!"));
}
END_TEST

START_TEST(test_lockdep_lock_held_at_return)
{
	struct mutex m;
	const char *title;

	mutex_init(&m);
	ck_assert_int_eq(kshim_lockdep_assert_none_held("when returning to user space"), 0);
	mutex_lock(&m);
	ck_assert_int_eq(kshim_lockdep_assert_none_held("when returning to user space"), 1);
	mutex_unlock(&m);
	ktest_expect_issues(KSHIM_ISSUE_LOCKDEP, 1, &title);
	ck_assert_str_eq(title, "BUG: lock held when returning to user space!");
}
END_TEST

START_TEST(test_lockdep_world_forgets_order)
{
	struct two_locks l;

	init_locks(&l);
	mutex_lock(&l.a);
	mutex_lock(&l.b);
	mutex_unlock(&l.b);
	mutex_unlock(&l.a);
	kshim_world_begin(NULL);	/* a new world: no history */
	mutex_lock(&l.b);
	mutex_lock(&l.a);
	mutex_unlock(&l.a);
	mutex_unlock(&l.b);
	ck_assert_uint_eq(kshim_report_total(), 0);
}
END_TEST

Suite *lockdep_suite(void)
{
	Suite *s = suite_create("lockdep");
	TCase *tc = ktest_tcase("core");

	tcase_add_test(tc, test_lockdep_abba_reported_without_hang);
	tcase_add_test(tc, test_lockdep_three_lock_cycle);
	tcase_add_test(tc, test_lockdep_rwsem_read_write_cycle);
	tcase_add_test(tc, test_lockdep_recursive_same_class);
	tcase_add_test(tc, test_lockdep_nest_lock);
	tcase_add_test(tc, test_lockdep_trylock_adds_no_order);
	tcase_add_test(tc, test_lockdep_bad_unlock_balance);
	tcase_add_test(tc, test_lockdep_assert_held_checks);
	tcase_add_test(tc, test_lockdep_lock_held_at_thread_exit);
	tcase_add_test(tc, test_lockdep_lock_held_at_return);
	tcase_add_test(tc, test_lockdep_world_forgets_order);
	suite_add_tcase(s, tc);
	return s;
}
