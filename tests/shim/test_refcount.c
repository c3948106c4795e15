// SPDX-License-Identifier: GPL-2.0
/*
 * linux/refcount.h and linux/kref.h: the saturation contract and its WARNs.
 */
#include <string.h>
#include <linux/kref.h>
#include <linux/refcount.h>
#include "ktest.h"
#include "shim_suites.h"

static void expect_saturated_warn(refcount_t *r, const char *what)
{
	const struct kshim_issue *issue = kshim_report_get(0);

	ck_assert_int_eq((int)refcount_read(r), REFCOUNT_SATURATED);
	ck_assert_ptr_nonnull(issue);
	ck_assert_msg(strstr(issue->text, what), "expected \"%s\" in:\n%s",
		      what, issue->text);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
}

START_TEST(test_refcount_basic_ops)
{
	refcount_t r = REFCOUNT_INIT(1);

	refcount_inc(&r);
	refcount_add(3, &r);
	ck_assert_uint_eq(refcount_read(&r), 5);
	ck_assert(!refcount_sub_and_test(3, &r));
	ck_assert(!refcount_dec_and_test(&r));
	ck_assert(refcount_dec_and_test(&r));
	ck_assert_uint_eq(refcount_read(&r), 0);
	ck_assert_uint_eq(kshim_report_total(), 0);
}
END_TEST

START_TEST(test_refcount_inc_not_zero)
{
	refcount_t r = REFCOUNT_INIT(0);

	ck_assert(!refcount_inc_not_zero(&r));
	ck_assert_uint_eq(refcount_read(&r), 0);
	refcount_set(&r, 2);
	ck_assert(refcount_inc_not_zero(&r));
	ck_assert_uint_eq(refcount_read(&r), 3);
}
END_TEST

START_TEST(test_refcount_dec_if_one_and_not_one)
{
	refcount_t r = REFCOUNT_INIT(2);

	ck_assert(!refcount_dec_if_one(&r));
	ck_assert_uint_eq(refcount_read(&r), 2);
	ck_assert(refcount_dec_not_one(&r));
	ck_assert_uint_eq(refcount_read(&r), 1);
	ck_assert(!refcount_dec_not_one(&r));
	ck_assert(refcount_dec_if_one(&r));
	ck_assert_uint_eq(refcount_read(&r), 0);
}
END_TEST

START_TEST(test_refcount_increment_from_zero_warns)
{
	refcount_t r = REFCOUNT_INIT(0);

	refcount_inc(&r);
	expect_saturated_warn(&r, "addition on 0; use-after-free");
}
END_TEST

START_TEST(test_refcount_underflow_warns)
{
	refcount_t r = REFCOUNT_INIT(0);

	ck_assert(!refcount_dec_and_test(&r));
	expect_saturated_warn(&r, "underflow; use-after-free");
}
END_TEST

START_TEST(test_refcount_dec_to_zero_warns)
{
	refcount_t r = REFCOUNT_INIT(1);

	refcount_dec(&r);
	expect_saturated_warn(&r, "decrement hit 0; leaking memory");
}
END_TEST

START_TEST(test_refcount_overflow_saturates)
{
	refcount_t r = REFCOUNT_INIT(REFCOUNT_MAX);

	refcount_inc(&r);
	expect_saturated_warn(&r, "saturated; leaking memory");
}
END_TEST

START_TEST(test_refcount_saturated_stays_saturated)
{
	refcount_t r = REFCOUNT_INIT(0);
	int i;

	refcount_inc(&r);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	/*
	 * Once saturated, no sequence of puts can free the object.  Each put
	 * of a saturated counter is an underflow; that WARN fires once per
	 * world (once per boot in the kernel).
	 */
	for (i = 0; i < 1000; i++)
		ck_assert(!refcount_dec_and_test(&r));
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	ck_assert(refcount_dec_not_one(&r));
	ck_assert(!refcount_dec_if_one(&r));
	ck_assert_int_eq((int)refcount_read(&r), REFCOUNT_SATURATED);
	ck_assert_uint_eq(kshim_report_total(), 0);
}
END_TEST

static int released;

static void release(struct kref *kref)
{
	released++;
}

START_TEST(test_refcount_kref)
{
	struct kref k;

	kref_init(&k);
	kref_get(&k);
	ck_assert_uint_eq(kref_read(&k), 2);
	ck_assert_int_eq(kref_put(&k, release), 0);
	ck_assert_int_eq(released, 0);
	ck_assert_int_eq(kref_put(&k, release), 1);
	ck_assert_int_eq(released, 1);
	ck_assert(!kref_get_unless_zero(&k));
}
END_TEST

Suite *refcount_suite(void)
{
	Suite *s = suite_create("refcount");
	TCase *tc = ktest_tcase("core");

	tcase_add_test(tc, test_refcount_basic_ops);
	tcase_add_test(tc, test_refcount_inc_not_zero);
	tcase_add_test(tc, test_refcount_dec_if_one_and_not_one);
	tcase_add_test(tc, test_refcount_increment_from_zero_warns);
	tcase_add_test(tc, test_refcount_underflow_warns);
	tcase_add_test(tc, test_refcount_dec_to_zero_warns);
	tcase_add_test(tc, test_refcount_overflow_saturates);
	tcase_add_test(tc, test_refcount_saturated_stays_saturated);
	tcase_add_test(tc, test_refcount_kref);
	suite_add_tcase(s, tc);
	return s;
}
