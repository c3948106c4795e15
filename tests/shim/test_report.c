// SPDX-License-Identifier: GPL-2.0
/*
 * linux/bug.h, linux/printk.h and the run's report (kshim/report.h).
 */
#include <signal.h>
#include <string.h>
#include <linux/bug.h>
#include <linux/printk.h>
#include <kshim/log.h>
#include <kshim/report.h>
#include <kshim/world.h>
#include "ktest.h"
#include "shim_suites.h"

static noinline int warn_twice_in_a_loop(void)
{
	int i, fired = 0;

	for (i = 0; i < 2; i++)
		fired += WARN_ON_ONCE(i >= 0);
	return fired;
}

START_TEST(test_report_warn_on_records_backtrace)
{
	const struct kshim_issue *issue;
	int x = 3;

	ck_assert_int_eq(WARN_ON(x == 4), 0);
	ck_assert_uint_eq(kshim_report_total(), 0);
	ck_assert_int_eq(WARN_ON(x == 3), 1);
	ck_assert_uint_eq(kshim_report_count(KSHIM_ISSUE_WARN), 1);
	issue = kshim_report_get(0);
	ck_assert_ptr_nonnull(issue);
	ck_assert_ptr_nonnull(strstr(issue->title, "test_report.c"));
	ck_assert_ptr_nonnull(strstr(issue->text, "x == 3"));
	/* The backtrace names the function that warned. */
	ck_assert_msg(strstr(issue->text, "test_report_warn_on_records_backtrace"),
		      "no backtrace in:\n%s", issue->text);
	ck_assert(kshim_log_contains("WARNING: PID:"));
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
}
END_TEST

START_TEST(test_report_warn_with_message)
{
	const struct kshim_issue *issue;

	ck_assert(WARN(1, "value %d is bad\n", 42));
	issue = kshim_report_get(0);
	ck_assert_ptr_nonnull(strstr(issue->text, "value 42 is bad"));
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	ck_assert(!WARN(0, "never"));
}
END_TEST

START_TEST(test_report_warn_once_per_world)
{
	/* Fires once, but returns the condition every time. */
	ck_assert_int_eq(warn_twice_in_a_loop(), 2);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	ck_assert_int_eq(warn_twice_in_a_loop(), 2);
	ck_assert_uint_eq(kshim_report_total(), 0);
	/* A new world re-arms it. */
	kshim_world_begin(NULL);
	ck_assert_int_eq(warn_twice_in_a_loop(), 2);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
}
END_TEST

START_TEST(test_report_bug_on_aborts)
{
	int x = 1;

	BUG_ON(x == 0);
	BUG_ON(x == 1);
}
END_TEST

START_TEST(test_report_printk_log)
{
	pr_info("hello %s\n", "world");
	pr_debug("debug-only %d\n", 7);
	printk(KERN_ERR "an error\n");
	ck_assert(kshim_log_contains("hello world"));
	ck_assert(kshim_log_contains("debug-only 7"));
	ck_assert(kshim_log_contains("an error"));
	ck_assert(!kshim_log_contains("\001"));	/* levels are stripped */
	kshim_log_clear();
	ck_assert(!kshim_log_contains("hello"));
}
END_TEST

START_TEST(test_report_checker_issue)
{
	kshim_report_issue(KSHIM_ISSUE_LEAK, "object kept alive", "details\n");
	ck_assert_uint_eq(kshim_report_count(KSHIM_ISSUE_LEAK), 1);
	ck_assert_str_eq(kshim_report_get(0)->title, "object kept alive");
	ktest_expect_issues(KSHIM_ISSUE_LEAK, 1, NULL);
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = ktest_tcase("core");
	TCase *bug = tcase_create("bug");

	tcase_add_test(tc, test_report_warn_on_records_backtrace);
	tcase_add_test(tc, test_report_warn_with_message);
	tcase_add_test(tc, test_report_warn_once_per_world);
	tcase_add_test(tc, test_report_printk_log);
	tcase_add_test(tc, test_report_checker_issue);
	suite_add_tcase(s, tc);
	tcase_add_test_raise_signal(bug, test_report_bug_on_aborts, SIGABRT);
	suite_add_tcase(s, bug);
	return s;
}
