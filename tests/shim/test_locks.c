// SPDX-License-Identifier: GPL-2.0
/*
 * Locks and waits in free-run mode with real threads: mutex, rwsem,
 * spinlock, completion, wait queues, sleeps.
 */
#include <string.h>
#include <unistd.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <kshim/exec.h>
#include "ktest.h"
#include "shim_suites.h"

/* Poll (on the host clock) until @t is parked in the shim. */
static void wait_until_blocked(struct task_struct *t)
{
	int i;

	for (i = 0; i < 20000; i++) {
		if (READ_ONCE(t->kshim.state) == KSHIM_TASK_BLOCKED)
			return;
		usleep(100);
	}
	ck_abort_msg("task %s never blocked", t->comm);
}

/* --- mutex ------------------------------------------------------------ */

struct counter_ctx {
	struct mutex lock;
	unsigned long value;
};

static int mutex_worker(void *data)
{
	struct counter_ctx *c = data;
	int i;

	for (i = 0; i < 20000; i++) {
		mutex_lock(&c->lock);
		c->value++;
		mutex_unlock(&c->lock);
	}
	return 0;
}

START_TEST(test_locks_mutex_excludes)
{
	struct counter_ctx c = { .value = 0 };
	struct task_struct *t[4];
	int i;

	mutex_init(&c.lock);
	for (i = 0; i < 4; i++)
		t[i] = kshim_thread_run(mutex_worker, &c, "worker");
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(kshim_thread_join(t[i]), 0);
	ck_assert_uint_eq(c.value, 80000);
	ck_assert(!mutex_is_locked(&c.lock));
	mutex_destroy(&c.lock);
}
END_TEST

static int mutex_trylock_other(void *data)
{
	return mutex_trylock(data);
}

START_TEST(test_locks_mutex_trylock_and_owner)
{
	struct mutex m;
	struct task_struct *t;

	mutex_init(&m);
	ck_assert_int_eq(mutex_trylock(&m), 1);
	ck_assert(mutex_is_locked(&m));
	ck_assert_ptr_eq(m.owner, current);
	lockdep_assert_held(&m);
	t = kshim_thread_run(mutex_trylock_other, &m, "other");
	ck_assert_int_eq(kshim_thread_join(t), 0);
	mutex_unlock(&m);
	ck_assert_ptr_null(m.owner);
	lockdep_assert_not_held(&m);
	ck_assert_uint_eq(kshim_report_total(), 0);
}
END_TEST

/* --- rwsem ------------------------------------------------------------ */

struct rw_ctx {
	struct rw_semaphore sem;
	spinlock_t order_lock;
	char order[8];
	int n;
};

static void record(struct rw_ctx *c, char who)
{
	spin_lock(&c->order_lock);
	c->order[c->n++] = who;
	spin_unlock(&c->order_lock);
}

static int rw_writer(void *data)
{
	struct rw_ctx *c = data;

	down_write(&c->sem);
	lockdep_assert_held_write(&c->sem);
	record(c, 'W');
	up_write(&c->sem);
	return 0;
}

static int rw_reader(void *data)
{
	struct rw_ctx *c = data;

	down_read(&c->sem);
	lockdep_assert_held_read(&c->sem);
	record(c, 'R');
	up_read(&c->sem);
	return 0;
}

START_TEST(test_locks_rwsem_queued_writer_blocks_new_reader)
{
	struct rw_ctx c = { .n = 0 };
	struct task_struct *w, *r;

	init_rwsem(&c.sem);
	spin_lock_init(&c.order_lock);

	down_read(&c.sem);
	w = kshim_thread_run(rw_writer, &c, "writer");
	wait_until_blocked(w);
	/* A writer is queued: new readers may not join the current one. */
	ck_assert_int_eq(down_read_trylock(&c.sem), 0);
	r = kshim_thread_run(rw_reader, &c, "reader");
	wait_until_blocked(r);
	ck_assert_int_eq(c.n, 0);
	up_read(&c.sem);
	kshim_thread_join(w);
	kshim_thread_join(r);
	ck_assert_int_eq(c.n, 2);
	ck_assert_int_eq(memcmp(c.order, "WR", 2), 0);
	ck_assert(!rwsem_is_locked(&c.sem));
}
END_TEST

START_TEST(test_locks_rwsem_readers_share)
{
	struct rw_ctx c = { .n = 0 };
	struct task_struct *r;

	init_rwsem(&c.sem);
	spin_lock_init(&c.order_lock);
	down_read(&c.sem);
	/* No writer queued: another reader gets in at once. */
	r = kshim_thread_run(rw_reader, &c, "reader");
	kshim_thread_join(r);
	ck_assert_int_eq(c.n, 1);
	ck_assert_int_eq(down_write_trylock(&c.sem), 0);
	up_read(&c.sem);
	ck_assert_int_eq(down_write_trylock(&c.sem), 1);
	ck_assert_int_eq(down_read_trylock(&c.sem), 0);
	up_write(&c.sem);
}
END_TEST

START_TEST(test_locks_rwsem_downgrade_admits_readers)
{
	struct rw_ctx c = { .n = 0 };
	struct task_struct *r;

	init_rwsem(&c.sem);
	spin_lock_init(&c.order_lock);
	down_write(&c.sem);
	r = kshim_thread_run(rw_reader, &c, "reader");
	wait_until_blocked(r);
	downgrade_write(&c.sem);
	lockdep_assert_held_read(&c.sem);
	kshim_thread_join(r);		/* got in beside our read hold */
	ck_assert_int_eq(c.n, 1);
	up_read(&c.sem);
}
END_TEST

/* --- spinlock --------------------------------------------------------- */

START_TEST(test_locks_spinlock_atomic_context)
{
	spinlock_t s;
	struct mutex m;
	unsigned long flags;
	const char *title;

	spin_lock_init(&s);
	mutex_init(&m);
	ck_assert(!kshim_in_atomic());
	spin_lock_irqsave(&s, flags);
	ck_assert(kshim_in_atomic());
	ck_assert(spin_is_locked(&s));
	ck_assert_int_eq(spin_trylock(&s), 0);
	spin_unlock_irqrestore(&s, flags);
	ck_assert(!kshim_in_atomic());

	spin_lock(&s);
	mutex_lock(&m);		/* sleeping lock in atomic context */
	mutex_unlock(&m);
	spin_unlock(&s);
	ktest_expect_issues(KSHIM_ISSUE_ATOMIC_SLEEP, 1, &title);
	ck_assert_ptr_nonnull(strstr(title, "BUG: sleeping function called from invalid context"));
}
END_TEST

/* --- completion ------------------------------------------------------- */

static int completer(void *data)
{
	msleep(5);
	complete(data);
	return 0;
}

START_TEST(test_locks_completion)
{
	struct completion done;
	struct task_struct *t;

	init_completion(&done);
	ck_assert(!completion_done(&done));
	complete(&done);
	ck_assert(completion_done(&done));
	wait_for_completion(&done);		/* banked: returns at once */
	ck_assert(!try_wait_for_completion(&done));

	t = kshim_thread_run(completer, &done, "completer");
	ck_assert_uint_gt(wait_for_completion_timeout(&done, 10 * HZ), 0);
	kshim_thread_join(t);

	/* Times out: returns 0 after at least the timeout. */
	{
		unsigned long start = jiffies;

		ck_assert_uint_eq(wait_for_completion_timeout(&done, 5), 0);
		ck_assert(time_after_eq(jiffies, start + 5));
	}
	complete_all(&done);
	wait_for_completion(&done);
	wait_for_completion(&done);
	ck_assert(completion_done(&done));
	reinit_completion(&done);
	ck_assert(!completion_done(&done));
}
END_TEST

/* --- wait queues ------------------------------------------------------ */

struct wq_ctx {
	wait_queue_head_t wq;
	int flag;
};

static int wq_setter(void *data)
{
	struct wq_ctx *c = data;

	msleep(2);
	WRITE_ONCE(c->flag, 1);
	wake_up(&c->wq);
	return 0;
}

START_TEST(test_locks_wait_event)
{
	struct wq_ctx c = { .flag = 0 };
	struct task_struct *t;
	long left;

	init_waitqueue_head(&c.wq);
	t = kshim_thread_run(wq_setter, &c, "setter");
	wait_event(c.wq, READ_ONCE(c.flag) == 1);
	kshim_thread_join(t);
	ck_assert(!waitqueue_active(&c.wq));

	/* Condition already true: returns the full timeout (>= 1). */
	left = wait_event_timeout(c.wq, c.flag == 1, 100);
	ck_assert_int_eq(left, 100);
	left = wait_event_timeout(c.wq, c.flag == 1, 0);
	ck_assert_int_eq(left, 1);
	/* Never true: 0 after the timeout. */
	left = wait_event_timeout(c.wq, c.flag == 2, 3);
	ck_assert_int_eq(left, 0);
}
END_TEST

START_TEST(test_locks_msleep_and_jiffies)
{
	unsigned long start = jiffies;

	msleep(20);
	ck_assert(time_after_eq(jiffies, start + msecs_to_jiffies(20)));
	ck_assert_uint_eq(msecs_to_jiffies(1), 1);
	ck_assert_uint_eq(jiffies_to_msecs(HZ), 1000);
	ck_assert(time_after(start + 1, start));
	/* Wrap-around safe comparisons. */
	ck_assert(time_after(5UL, ULONG_MAX - 5));
	ck_assert(time_before(ULONG_MAX - 5, 5UL));
}
END_TEST

static int return_seven(void *data)
{
	return 7;
}

START_TEST(test_locks_thread_join_returns_result)
{
	struct task_struct *t = kshim_thread_run(return_seven, NULL, "seven");

	ck_assert_int_eq(kshim_thread_join(t), 7);
}
END_TEST

Suite *locks_suite(void)
{
	Suite *s = suite_create("locks");
	TCase *tc = ktest_tcase("core");

	tcase_add_test(tc, test_locks_mutex_excludes);
	tcase_add_test(tc, test_locks_mutex_trylock_and_owner);
	tcase_add_test(tc, test_locks_rwsem_queued_writer_blocks_new_reader);
	tcase_add_test(tc, test_locks_rwsem_readers_share);
	tcase_add_test(tc, test_locks_rwsem_downgrade_admits_readers);
	tcase_add_test(tc, test_locks_spinlock_atomic_context);
	tcase_add_test(tc, test_locks_completion);
	tcase_add_test(tc, test_locks_wait_event);
	tcase_add_test(tc, test_locks_msleep_and_jiffies);
	tcase_add_test(tc, test_locks_thread_join_returns_result);
	suite_add_tcase(s, tc);
	return s;
}
