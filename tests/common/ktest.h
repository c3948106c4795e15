/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for the Check suites.
 *
 * Every test runs inside its own world: ktest_setup() begins it and
 * ktest_teardown() audits it (no live allocation, no WARN or other issue,
 * no held lock, no unjoined thread, nothing pinned or charged) before
 * ending it.  Register them with ktest_tcase(), which also gives the case a
 * timeout suitable for sanitizer builds.
 *
 * A test that provokes an issue on purpose consumes it with
 * ktest_expect_issues(), so the teardown stays strict.
 */
#ifndef _KTEST_H
#define _KTEST_H

#include <check.h>
#include <stdint.h>
#include <kshim/report.h>

void ktest_setup(void);
void ktest_teardown(void);
/* A test case with the world fixture and a generous timeout. */
TCase *ktest_tcase(const char *name);

/*
 * Assert that exactly @n issues of @kind were recorded (and no issue of any
 * other kind), then forget them.  Returns the first such issue's title
 * through @title (may be NULL) before clearing; the string is static.
 */
void ktest_expect_issues_at(const char *file, int line,
			    enum kshim_issue_kind kind, unsigned int n,
			    const char **title);
#define ktest_expect_issues(kind, n, title) \
	ktest_expect_issues_at(__FILE__, __LINE__, kind, n, title)

/*
 * A random seed for randomized tests: KTEST_SEED from the environment if
 * set (to replay), else derived from the time.  It is printed so that a
 * failure can be replayed.
 */
uint64_t ktest_seed(const char *test_name);

/* Run the given suites; returns the process exit status. */
int ktest_main(Suite *(*const suites[])(void), unsigned int n);

#endif /* _KTEST_H */
