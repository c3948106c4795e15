// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated processes, credentials, limits and locked_vm accounting
 * (kshim/process.h, the linux/sched headers, account_locked_vm), and the
 * three accounting modes of iommufd built from them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <linux/errno.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/user.h>
#include <kshim/fault.h>
#include <kshim/process.h>
#include <kshim/umem.h>
#include <kshim/world.h>
#include "ktest.h"
#include "mm_suites.h"

START_TEST(test_process_enter_leave)
{
	struct kshim_process *a = mmt_process("a", 0);
	struct kshim_process *b = mmt_process("b", 64 << 10);

	/* Outside any process: no mm, init credentials and limits. */
	ck_assert_ptr_null(current->mm);
	ck_assert(capable(CAP_IPC_LOCK));
	ck_assert_uint_eq(rlimit(RLIMIT_MEMLOCK), MLOCK_LIMIT);
	ck_assert_ptr_null(kshim_process_current());

	kshim_process_enter(a);
	ck_assert_ptr_eq(current->mm, kshim_process_mm(a));
	ck_assert_ptr_eq(current->group_leader, kshim_process_leader(a));
	ck_assert_ptr_eq(kshim_process_current(), a);
	ck_assert(!capable(CAP_IPC_LOCK));
	ck_assert(!capable(CAP_SYS_RESOURCE));
	ck_assert_uint_eq(__kuid_val(current_uid()), KSHIM_PROCESS_DEFAULT_UID);
	ck_assert_uint_eq(rlimit(RLIMIT_MEMLOCK), MLOCK_LIMIT);

	/* Nesting: b inside a, then back. */
	kshim_process_enter(b);
	ck_assert_ptr_eq(current->mm, kshim_process_mm(b));
	ck_assert_uint_eq(rlimit(RLIMIT_MEMLOCK), 64 << 10);
	ck_assert_uint_eq(task_rlimit(kshim_process_leader(a), RLIMIT_MEMLOCK),
			  MLOCK_LIMIT);
	kshim_process_leave();
	ck_assert_ptr_eq(current->mm, kshim_process_mm(a));
	kshim_process_leave();
	ck_assert_ptr_null(current->mm);
	ck_assert_ptr_ne(kshim_process_mm(a), kshim_process_mm(b));

	kshim_process_destroy(a);
	kshim_process_destroy(b);
}
END_TEST

START_TEST(test_process_caps_and_limits)
{
	struct kshim_process_opts root = { .name = "root", .root = true };
	struct kshim_process *p = mmt_process("p", 0);
	struct kshim_process *r = kshim_process_create(&root);

	kshim_process_enter(p);
	ck_assert(!capable(CAP_IPC_LOCK));
	kshim_process_set_cap(p, CAP_IPC_LOCK, true);
	ck_assert(capable(CAP_IPC_LOCK));
	ck_assert(!capable(CAP_SYS_RAWIO));
	kshim_process_set_caps(p, CAP_TO_MASK_64(CAP_SYS_RAWIO));
	ck_assert(!capable(CAP_IPC_LOCK));
	ck_assert(capable(CAP_SYS_RAWIO));
	kshim_process_set_rlimit(p, RLIMIT_MEMLOCK, 12345, 99999);
	ck_assert_uint_eq(rlimit(RLIMIT_MEMLOCK), 12345);
	ck_assert_uint_eq(rlimit_max(RLIMIT_MEMLOCK), 99999);
	ck_assert(has_capability(kshim_process_leader(p), CAP_SYS_RAWIO));
	kshim_process_leave();

	kshim_process_enter(r);
	ck_assert(capable(CAP_IPC_LOCK) && capable(CAP_SYS_RESOURCE));
	ck_assert_uint_eq(__kuid_val(current_uid()), 0);
	kshim_process_leave();
	kshim_process_destroy(p);
	kshim_process_destroy(r);
}
END_TEST

START_TEST(test_process_users_shared_per_uid)
{
	struct kshim_process_opts o = { .uid = 2000 };
	struct kshim_process *a = kshim_process_create(&o);
	struct kshim_process *b = kshim_process_create(&o);
	struct kshim_process *c = mmt_process("c", 0);
	struct user_struct *u;

	ck_assert_ptr_eq(kshim_process_user(a), kshim_process_user(b));
	ck_assert_ptr_ne(kshim_process_user(a), kshim_process_user(c));
	kshim_process_enter(a);
	u = get_current_user();
	ck_assert_ptr_eq(u, kshim_process_user(a));
	kshim_process_leave();
	kshim_process_destroy(a);
	kshim_process_destroy(b);
	/* Our reference keeps the user_struct after its processes went. */
	ck_assert_uint_eq(__kuid_val(u->uid), 2000);
	free_uid(u);
	kshim_process_destroy(c);
}
END_TEST

START_TEST(test_process_mm_lifetime)
{
	struct kshim_process *p = mmt_process("p", 0);
	struct mm_struct *mm = kshim_process_mm(p);
	struct task_struct *leader = kshim_process_leader(p);
	struct kshim_umem *um = mmt_umem(p, 2, NULL);

	/* What iommufd keeps of the mapping process. */
	mmgrab(mm);
	get_task_struct(leader);
	ck_assert(mmget_not_zero(mm));
	mmput(mm);

	kshim_process_destroy(p);
	/* Exited: the address space is gone, the structures stay. */
	ck_assert(!mmget_not_zero(mm));
	ck_assert_ptr_null(leader->mm);
	ck_assert_uint_eq(task_rlimit(leader, RLIMIT_MEMLOCK), MLOCK_LIMIT);
	ck_assert_uint_eq(atomic64_read(&mm->pinned_vm), 0);
	kshim_umem_unmap(um);
	put_task_struct(leader);
	mmdrop(mm);
	ck_assert_uint_eq(kshim_processes_live(), 0);
}
END_TEST

START_TEST(test_account_locked_vm)
{
	struct kshim_process *p = mmt_process("p", 4 * PAGE_SIZE);
	struct mm_struct *mm = kshim_process_mm(p);

	kshim_process_enter(p);
	ck_assert_int_eq(account_locked_vm(mm, 3, true), 0);
	ck_assert_uint_eq(mm->locked_vm, 3);
	ck_assert_int_eq(account_locked_vm(mm, 2, true), -ENOMEM);
	ck_assert_uint_eq(mm->locked_vm, 3);
	ck_assert_int_eq(account_locked_vm(mm, 1, true), 0);
	ck_assert_int_eq(account_locked_vm(mm, 0, true), 0);
	ck_assert_int_eq(account_locked_vm(NULL, 5, true), 0);

	/* CAP_IPC_LOCK bypasses the limit. */
	kshim_process_set_cap(p, CAP_IPC_LOCK, true);
	ck_assert_int_eq(account_locked_vm(mm, 10, true), 0);
	ck_assert_uint_eq(mm->locked_vm, 14);
	ck_assert_int_eq(account_locked_vm(mm, 14, false), 0);
	ck_assert_uint_eq(mm->locked_vm, 0);

	/* The explicit form checks the given task's limit. */
	mmap_write_lock(mm);
	ck_assert_int_eq(__account_locked_vm(mm, 5, true, current, false),
			 -ENOMEM);
	ck_assert_int_eq(__account_locked_vm(mm, 5, true, current, true), 0);
	ck_assert_int_eq(__account_locked_vm(mm, 5, false, current, false), 0);
	/* The charge path is a fault point. */
	kshim_fail_nth_set(1);
	ck_assert_int_eq(__account_locked_vm(mm, 1, true, current, true),
			 -ENOMEM);
	mmap_write_unlock(mm);

	/* Going below zero WARNs, as the kernel's. */
	mmap_write_lock(mm);
	__account_locked_vm(mm, 1, false, current, false);
	mm->locked_vm = 0;
	mmap_write_unlock(mm);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	kshim_process_leave();
	kshim_process_destroy(p);
}
END_TEST

START_TEST(test_user_locked_vm_charge)
{
	struct kshim_process_opts o = { .uid = 3000,
					.memlock_cur = 3 * PAGE_SIZE };
	struct kshim_process *a = kshim_process_create(&o);
	struct kshim_process *b = kshim_process_create(&o);
	struct user_struct *u = kshim_process_user(a);
	struct task_struct *la = kshim_process_leader(a);

	ck_assert_int_eq(kshim_user_locked_vm_charge(u, la, 2), 0);
	/* The same user in another process shares the counter. */
	ck_assert_int_eq(kshim_user_locked_vm_charge(kshim_process_user(b),
						     kshim_process_leader(b), 2),
			 -ENOMEM);
	ck_assert_int_eq(kshim_user_locked_vm_charge(u, la, 1), 0);
	ck_assert_int_eq(atomic_long_read(&u->locked_vm), 3);
	kshim_fail_nth_set(1);
	kshim_process_set_rlimit(a, RLIMIT_MEMLOCK, RLIM_INFINITY,
				 RLIM_INFINITY);
	ck_assert_int_eq(kshim_user_locked_vm_charge(u, la, 1), -ENOMEM);
	ck_assert_int_eq(kshim_user_locked_vm_charge(u, la, 1), 0);
	kshim_user_locked_vm_uncharge(u, 4);
	ck_assert_int_eq(atomic_long_read(&u->locked_vm), 0);
	kshim_user_locked_vm_uncharge(u, 1);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	atomic_long_set(&u->locked_vm, 0);
	kshim_process_destroy(a);
	kshim_process_destroy(b);
}
END_TEST

START_TEST(test_audit_reports_leftovers)
{
	struct kshim_process *p = mmt_process("leaky", 0);
	struct mm_struct *mm = kshim_process_mm(p);
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	int problems;

	atomic64_add(7, &mm->pinned_vm);
	atomic_long_add(5, &kshim_process_user(p)->locked_vm);
	out = open_memstream(&buf, &len);
	problems = kshim_world_audit(out);
	fclose(out);
	ck_assert_int_ge(problems, 3);
	ck_assert_ptr_nonnull(strstr(buf, "pinned_vm 7"));
	ck_assert_ptr_nonnull(strstr(buf, "locked_vm 5"));
	ck_assert_ptr_nonnull(strstr(buf, "never destroyed"));
	free(buf);
	atomic64_set(&mm->pinned_vm, 0);
	atomic_long_set(&kshim_process_user(p)->locked_vm, 0);
	kshim_process_destroy(p);
	ck_assert_int_eq(kshim_world_audit(NULL), 0);
}
END_TEST

Suite *process_suite(void)
{
	Suite *s = suite_create("process");
	TCase *tc = ktest_tcase("process");

	tcase_add_test(tc, test_process_enter_leave);
	tcase_add_test(tc, test_process_caps_and_limits);
	tcase_add_test(tc, test_process_users_shared_per_uid);
	tcase_add_test(tc, test_process_mm_lifetime);
	tcase_add_test(tc, test_account_locked_vm);
	tcase_add_test(tc, test_user_locked_vm_charge);
	tcase_add_test(tc, test_audit_reports_leftovers);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * The accounting suite: iommufd's three modes, built from the shim's
 * pieces the way pages.c does it: pin first, then charge the delta, and
 * unpin what was just pinned when the charge fails.
 */
enum acct_mode { ACCT_NONE, ACCT_USER, ACCT_MM };

struct acct_ctx {
	struct kshim_process *p;
	enum acct_mode mode;
	struct kshim_umem *um;
	struct page *pages[64];
	unsigned long npinned;
};

static int acct_charge(struct acct_ctx *c, unsigned long n)
{
	struct mm_struct *mm = kshim_process_mm(c->p);
	int rc = 0;

	switch (c->mode) {
	case ACCT_NONE:
		break;
	case ACCT_USER:
		rc = kshim_user_locked_vm_charge(kshim_process_user(c->p),
						 kshim_process_leader(c->p), n);
		break;
	case ACCT_MM:
		mmap_write_lock(mm);
		rc = __account_locked_vm(mm, n, true, kshim_process_leader(c->p),
					 false);
		mmap_write_unlock(mm);
		break;
	}
	if (!rc)
		atomic64_add(n, &mm->pinned_vm);
	return rc;
}

static void acct_uncharge(struct acct_ctx *c, unsigned long n)
{
	struct mm_struct *mm = kshim_process_mm(c->p);

	atomic64_sub(n, &mm->pinned_vm);
	if (c->mode == ACCT_USER) {
		kshim_user_locked_vm_uncharge(kshim_process_user(c->p), n);
	} else if (c->mode == ACCT_MM) {
		mmap_write_lock(mm);
		__account_locked_vm(mm, n, false, kshim_process_leader(c->p),
				    false);
		mmap_write_unlock(mm);
	}
}

/* Pin @n more pages and charge them; on failure nothing stays pinned. */
static int acct_pin(struct acct_ctx *c, unsigned long n)
{
	unsigned long start = (unsigned long)kshim_umem_addr(c->um) +
			      c->npinned * PAGE_SIZE;
	int rc;

	rc = pin_user_pages_fast(start, n, FOLL_WRITE | FOLL_LONGTERM,
				 c->pages + c->npinned);
	if (rc < 0)
		return rc;
	if ((unsigned long)rc != n) {
		unpin_user_pages(c->pages + c->npinned, rc);
		return -EFAULT;
	}
	rc = acct_charge(c, n);
	if (rc) {
		unpin_user_pages(c->pages + c->npinned, n);
		return rc;
	}
	c->npinned += n;
	return 0;
}

static void acct_unpin_all(struct acct_ctx *c)
{
	unpin_user_pages(c->pages, c->npinned);
	acct_uncharge(c, c->npinned);
	c->npinned = 0;
}

static void acct_run(enum acct_mode mode, bool ipc_lock)
{
	struct acct_ctx c = { .mode = mode };
	struct mm_struct *mm;
	unsigned long i;

	c.p = mmt_process("acct", 4 * PAGE_SIZE);
	kshim_process_set_cap(c.p, CAP_IPC_LOCK, ipc_lock);
	c.um = mmt_umem(c.p, 16, NULL);
	mm = kshim_process_mm(c.p);
	kshim_process_enter(c.p);

	ck_assert_int_eq(acct_pin(&c, 3), 0);
	ck_assert_int_eq(acct_pin(&c, 1), 0);
	ck_assert_int_eq(atomic64_read(&mm->pinned_vm), 4);
	if (mode == ACCT_NONE) {
		/* No limit applies. */
		ck_assert_int_eq(acct_pin(&c, 8), 0);
	} else {
		ck_assert_int_eq(acct_pin(&c, 2), -ENOMEM);
		/* The failed charge unpinned what it had pinned. */
		for (i = 4; i < 6; i++)
			ck_assert_uint_eq(mmt_pins(kshim_umem_frame(c.um, i)),
					  0);
		ck_assert_int_eq(atomic64_read(&mm->pinned_vm), 4);
		/* A fault injected into the charge unpins too. */
		acct_unpin_all(&c);
		kshim_fail_nth_set(2);	/* 1: GUP, 2: the charge */
		ck_assert_int_eq(acct_pin(&c, 1), -ENOMEM);
		ck_assert_uint_eq(mmt_pins(kshim_umem_frame(c.um, 0)), 0);
		ck_assert_int_eq(acct_pin(&c, 4), 0);
	}
	if (mode == ACCT_USER)
		ck_assert_int_eq(atomic_long_read(&kshim_process_user(c.p)->locked_vm),
				 4);
	if (mode == ACCT_MM)
		ck_assert_uint_eq(mm->locked_vm, 4);
	for (i = 0; i < c.npinned; i++)
		ck_assert_uint_eq(mmt_pins(c.pages[i]), 1);
	acct_unpin_all(&c);
	ck_assert_int_eq(atomic64_read(&mm->pinned_vm), 0);
	kshim_process_leave();
	kshim_umem_unmap(c.um);
	kshim_process_destroy(c.p);
}

START_TEST(test_acct_mode_none)
{
	acct_run(ACCT_NONE, true);
}
END_TEST

START_TEST(test_acct_mode_user)
{
	acct_run(ACCT_USER, false);
}
END_TEST

START_TEST(test_acct_mode_mm)
{
	acct_run(ACCT_MM, false);
}
END_TEST

Suite *accounting_suite(void)
{
	Suite *s = suite_create("accounting");
	TCase *tc = ktest_tcase("accounting");

	tcase_add_test(tc, test_acct_mode_none);
	tcase_add_test(tc, test_acct_mode_user);
	tcase_add_test(tc, test_acct_mode_mm);
	suite_add_tcase(s, tc);
	return s;
}
