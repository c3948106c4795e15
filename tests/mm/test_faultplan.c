// SPDX-License-Identifier: GPL-2.0
/*
 * Fault plans (kshim/umem.h): resolve, stall, fail at a first touch.
 *
 * Every test body runs twice: in the "faultplan" suite through the
 * software fault points (userfaultfd switched off), and in the "uffd"
 * suite through userfaultfd and its monitor thread (that suite is skipped
 * where the host does not allow userfaultfd).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>
#include <kshim/exec.h>
#include <kshim/log.h>
#include <kshim/process.h>
#include <kshim/sched.h>
#include <kshim/umem.h>
#include "ktest.h"
#include "mm_suites.h"

#define WAIT_MS	10000

struct fp {
	bool uffd;
	struct kshim_process *p;
	struct kshim_umem *um;
	char *u;
	unsigned long faults0;
};

static void fp_begin(struct fp *f, bool uffd, unsigned long npages)
{
	struct kshim_umem_opts opts = { .name = "plan" };

	f->uffd = uffd;
	kshim_uffd_set_enabled(uffd);
	ck_assert_int_eq(kshim_fault_mechanism(),
			 uffd ? KSHIM_FAULT_MECH_UFFD :
				KSHIM_FAULT_MECH_SOFTWARE);
	f->p = mmt_process("plan", 0);
	f->um = mmt_umem(f->p, npages, &opts);
	ck_assert_int_eq(kshim_umem_uses_uffd(f->um), uffd);
	ck_assert(kshim_log_contains(uffd ? "userfaultfd via" :
					    "software fault points"));
	f->u = kshim_umem_addr(f->um);
	f->faults0 = kshim_uffd_faults();
	kshim_process_enter(f->p);
}

static void fp_end(struct fp *f)
{
	kshim_process_leave();
	kshim_umem_unmap(f->um);
	kshim_process_destroy(f->p);
}

/* Fault events the monitor saw since fp_begin (0 in software mode). */
static unsigned long fp_faults(struct fp *f)
{
	return kshim_uffd_faults() - f->faults0;
}

static void first_touch_body(bool uffd)
{
	struct fp f;
	char buf[8];

	fp_begin(&f, uffd, 4);
	ck_assert(!kshim_umem_populated(f.um, 0));
	ck_assert_uint_eq(copy_from_user(buf, f.u, 8), 0);
	ck_assert(kshim_umem_populated(f.um, 0));
	ck_assert(!kshim_umem_populated(f.um, 1));
	/* A populated page does not fault again. */
	ck_assert_uint_eq(copy_to_user(f.u + 8, buf, 8), 0);
	ck_assert_uint_eq(fp_faults(&f), uffd ? 1 : 0);
	/* The user's own first touch. */
	f.u[PAGE_SIZE] = 1;
	ck_assert_uint_eq(fp_faults(&f), uffd ? 2 : 0);
	ck_assert(kshim_umem_populated(f.um, 1) == uffd);
	/* Re-arming keeps the contents, and the next touch faults again. */
	ck_assert_int_eq(kshim_fault_plan_set(f.um, 0, 2 * PAGE_SIZE,
					      KSHIM_FAULT_RESOLVE), 0);
	ck_assert(!kshim_umem_populated(f.um, 1));
	ck_assert_uint_eq(copy_from_user(buf, f.u + PAGE_SIZE, 1), 0);
	ck_assert_int_eq(buf[0], 1);
	ck_assert_uint_eq(fp_faults(&f), uffd ? 3 : 0);
	fp_end(&f);
}

static void fail_body(bool uffd)
{
	struct page *pages[4];
	struct fp f;
	char buf[16];
	int v;

	fp_begin(&f, uffd, 4);
	strcpy(f.u + 2 * PAGE_SIZE, "kept");
	ck_assert_int_eq(kshim_fault_plan_set(f.um, 2 * PAGE_SIZE, PAGE_SIZE,
					      KSHIM_FAULT_FAIL), 0);
	ck_assert_int_eq(get_user(v, (int __user *)(f.u + 2 * PAGE_SIZE)),
			 -EFAULT);
	ck_assert_int_eq(v, 0);
	ck_assert_uint_eq(copy_from_user(buf, f.u + 2 * PAGE_SIZE - 8, 16), 8);
	/* GUP stops at the failing page. */
	ck_assert_int_eq(pin_user_pages_fast((unsigned long)f.u, 4, FOLL_WRITE,
					     pages), 2);
	unpin_user_pages(pages, 2);
	ck_assert_int_eq(pin_user_pages_fast((unsigned long)f.u + 2 * PAGE_SIZE,
					     1, 0, pages), -EFAULT);
	if (uffd)
		ck_assert_uint_ge(fp_faults(&f), 3);
	/* The failure is not sticky once the plan changes. */
	ck_assert_int_eq(kshim_fault_plan_set(f.um, 2 * PAGE_SIZE, PAGE_SIZE,
					      KSHIM_FAULT_RESOLVE), 0);
	ck_assert_uint_eq(copy_from_user(buf, f.u + 2 * PAGE_SIZE, 5), 0);
	ck_assert_str_eq(buf, "kept");
	fp_end(&f);
}

struct stall_arg {
	struct fp *f;
	unsigned long off;
	int op;				/* 0 copy_from_user, 1 pin remote */
	long result;
	char data[8];
	bool done;
};

static int stall_thread(void *data)
{
	struct stall_arg *a = data;
	struct page *page;
	int locked = 1;

	kshim_process_enter(a->f->p);
	if (a->op == 0) {
		a->result = copy_from_user(a->data, a->f->u + a->off, 8);
	} else {
		mmap_read_lock(current->mm);
		a->result = pin_user_pages_remote(current->mm,
						  (unsigned long)a->f->u + a->off,
						  1, FOLL_WRITE, &page, &locked);
		ck_assert_int_eq(locked, 1);
		mmap_read_unlock(current->mm);
		if (a->result == 1)
			unpin_user_page(page);
	}
	__atomic_store_n(&a->done, true, __ATOMIC_RELEASE);
	kshim_process_leave();
	return 0;
}

static int other_thread(void *data)
{
	struct fp *f = data;
	char buf[8];
	int ret;

	kshim_process_enter(f->p);
	ret = copy_from_user(buf, f->u, 8) ? -EFAULT : 0;
	kshim_process_leave();
	return ret;
}

static void stall_body(bool uffd, int op)
{
	struct stall_arg a = { .off = 3 * PAGE_SIZE + 16, .op = op };
	struct task_struct *t, *o;
	struct fp f;

	fp_begin(&f, uffd, 4);
	a.f = &f;
	strcpy(f.u + 3 * PAGE_SIZE + 16, "stall!");
	ck_assert_int_eq(kshim_fault_plan_set(f.um, 3 * PAGE_SIZE, PAGE_SIZE,
					      KSHIM_FAULT_STALL), 0);
	t = kshim_thread_run(stall_thread, &a, "staller");
	ck_assert_int_eq(kshim_fault_wait_stalled(f.um, 0, 4 * PAGE_SIZE, 1,
						  WAIT_MS), 0);
	/* Another thread runs to completion while the first is held. */
	o = kshim_thread_run(other_thread, &f, "other");
	ck_assert_int_eq(kshim_thread_join(o), 0);
	if (op == 1) {
		/* The stalled pin does not hold mmap_lock. */
		mmap_write_lock(current->mm);
		mmap_write_unlock(current->mm);
	}
	ck_assert(!__atomic_load_n(&a.done, __ATOMIC_ACQUIRE));
	ck_assert_uint_eq(kshim_fault_stalled(f.um, 3 * PAGE_SIZE, PAGE_SIZE),
			  1);
	ck_assert_uint_eq(kshim_fault_stalled(f.um, 0, PAGE_SIZE), 0);
	kshim_fault_release(f.um, 3 * PAGE_SIZE, PAGE_SIZE);
	ck_assert_int_eq(kshim_thread_join(t), 0);
	ck_assert(a.done);
	if (op == 0) {
		ck_assert_int_eq(a.result, 0);
		ck_assert_str_eq(a.data, "stall!");
	} else {
		ck_assert_int_eq(a.result, 1);
	}
	ck_assert_uint_eq(kshim_fault_stalled(f.um, 0, 4 * PAGE_SIZE), 0);
	if (uffd)
		ck_assert_uint_ge(fp_faults(&f), 3);
	fp_end(&f);
}

/* A stalled fault whose plan becomes FAIL fails. */
static void stall_then_fail_body(bool uffd)
{
	struct stall_arg a = { .off = 8, .op = 0 };
	struct task_struct *t;
	struct fp f;

	fp_begin(&f, uffd, 1);
	a.f = &f;
	ck_assert_int_eq(kshim_fault_plan_set(f.um, 0, PAGE_SIZE,
					      KSHIM_FAULT_STALL), 0);
	t = kshim_thread_run(stall_thread, &a, "staller");
	ck_assert_int_eq(kshim_fault_wait_stalled(f.um, 0, PAGE_SIZE, 1,
						  WAIT_MS), 0);
	ck_assert_int_eq(kshim_fault_plan_set(f.um, 0, PAGE_SIZE,
					      KSHIM_FAULT_FAIL), 0);
	ck_assert_int_eq(kshim_thread_join(t), 0);
	ck_assert_int_eq(a.result, 8);
	fp_end(&f);
}

/* A plan given at allocation applies from the first touch on. */
static void initial_plan_body(bool uffd)
{
	struct kshim_umem_opts opts = { .plan = KSHIM_FAULT_FAIL };
	struct kshim_process *p = mmt_process("init", 0);
	struct kshim_umem *um;
	struct page *page;
	int v = 1;

	kshim_uffd_set_enabled(uffd);
	um = mmt_umem(p, 2, &opts);
	kshim_process_enter(p);
	ck_assert_int_eq(get_user(v, (int __user *)kshim_umem_addr(um)),
			 -EFAULT);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(pin_user_pages_fast((unsigned long)kshim_umem_addr(um),
					     1, 0, &page), -EFAULT);
	ck_assert_int_eq(kshim_fault_plan_set(um, 0, 2 * PAGE_SIZE,
					      KSHIM_FAULT_RESOLVE), 0);
	ck_assert_int_eq(get_user(v, (int __user *)kshim_umem_addr(um)), 0);
	kshim_process_leave();
	kshim_umem_unmap(um);
	kshim_process_destroy(p);
}

#define FP_TESTS(X)							\
	X(first_touch, first_touch_body(U))				\
	X(initial_plan, initial_plan_body(U))				\
	X(fail, fail_body(U))						\
	X(stall_copy, stall_body(U, 0))					\
	X(stall_pin_remote, stall_body(U, 1))				\
	X(stall_then_fail, stall_then_fail_body(U))

#define U false
#define SW_TEST(name, call)						\
	START_TEST(test_sw_##name) { call; } END_TEST
FP_TESTS(SW_TEST)
#undef U
#define U true
#define UFFD_TEST(name, call)						\
	START_TEST(test_uffd_##name) { call; } END_TEST
FP_TESTS(UFFD_TEST)
#undef U

/*
 * Controlled mode: a stalled fault is a blocked simulated thread.  Released,
 * the run passes; never released, the deadlock checker names the fault.
 */
struct ctl_arg {
	struct kshim_umem *um;
	struct kshim_process *p;
	unsigned long left;
};

static int ctl_toucher(void *data)
{
	struct ctl_arg *a = data;
	char buf[8];

	kshim_process_enter(a->p);
	a->left = copy_from_user(buf, kshim_umem_addr(a->um), sizeof(buf));
	kshim_process_leave();
	return 0;
}

static int ctl_program(void *data)
{
	struct kshim_umem_opts opts = { .plan = KSHIM_FAULT_STALL };
	bool release = *(bool *)data;
	struct ctl_arg a = { .left = 1 };
	struct task_struct *t;
	int ret = 0;

	/* No proxy hooks yet: controlled mode takes the software path. */
	if (kshim_fault_mechanism() != KSHIM_FAULT_MECH_SOFTWARE)
		return 10;
	a.p = kshim_process_create(NULL);
	a.um = kshim_umem_alloc(a.p, PAGE_SIZE, &opts);
	if (IS_ERR(a.um))
		return 11;
	t = kshim_thread_run(ctl_toucher, &a, "toucher");
	if (kshim_fault_wait_stalled(a.um, 0, PAGE_SIZE, 1, 1000))
		ret = 12;
	if (release)
		kshim_fault_release(a.um, 0, PAGE_SIZE);
	kshim_thread_join(t);
	if (a.left)
		ret = 13;
	kshim_umem_unmap(a.um);
	kshim_process_destroy(a.p);
	return ret;
}

START_TEST(test_sw_controlled_stall)
{
	struct kshim_sched_config cfg = { .kind = KSHIM_SCHED_RANDOM,
					  .seed = 7 };
	struct kshim_run_result res;
	bool release = true;

	ck_assert_int_eq(kshim_run_controlled(ctl_program, &release, &cfg,
					      true, &res), 0);
	ck_assert_int_eq(res.fn_result, 0);
	kshim_run_result_free(&res);

	release = false;
	ck_assert_int_eq(kshim_run_controlled(ctl_program, &release, &cfg,
					      true, &res), 1);
	ck_assert_int_eq(res.status, KSHIM_RUN_DEADLOCK);
	ck_assert_msg(res.report && strstr(res.report, "user-memory fault"),
		      "report: %s", res.report ? res.report : "(none)");
	kshim_run_result_free(&res);
}
END_TEST

START_TEST(test_sw_mechanism_switch)
{
	const char *why;

	kshim_uffd_set_enabled(false);
	ck_assert_int_eq(kshim_fault_mechanism(), KSHIM_FAULT_MECH_SOFTWARE);
	ck_assert_ptr_nonnull(strstr(kshim_fault_mechanism_desc(),
				     "software fault points"));
	(void)kshim_uffd_available(&why);
	ck_assert_ptr_nonnull(why);
}
END_TEST

Suite *faultplan_suite(void)
{
	Suite *s = suite_create("faultplan");
	TCase *tc = ktest_tcase("faultplan");

#define ADD_SW(name, call) tcase_add_test(tc, test_sw_##name);
	FP_TESTS(ADD_SW)
	tcase_add_test(tc, test_sw_mechanism_switch);
	tcase_add_test(tc, test_sw_controlled_stall);
	suite_add_tcase(s, tc);
	return s;
}

Suite *uffd_suite(void)
{
	Suite *s = suite_create("uffd");
	TCase *tc = ktest_tcase("uffd");

#define ADD_UFFD(name, call) tcase_add_test(tc, test_uffd_##name);
	FP_TESTS(ADD_UFFD)
	suite_add_tcase(s, tc);
	return s;
}
