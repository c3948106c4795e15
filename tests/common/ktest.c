// SPDX-License-Identifier: GPL-2.0
/*
 * Shared helpers for the Check suites (see ktest.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <kshim/log.h>
#include <kshim/world.h>
#include "ktest.h"

void ktest_setup(void)
{
	struct kshim_world_config cfg = { .mode = KSHIM_MODE_FREE_RUN };

	kshim_world_begin(&cfg);
}

void ktest_teardown(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int problems = kshim_world_audit(out);

	fclose(out);
	if (problems)
		fprintf(stderr, "teardown audit: %d problem(s):\n%s", problems,
			buf);
	kshim_world_end();
	ck_assert_msg(problems == 0, "teardown audit found %d problem(s):\n%s",
		      problems, buf);
	free(buf);
}

TCase *ktest_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, ktest_setup, ktest_teardown);
	tcase_set_timeout(tc, 120);
	return tc;
}

void ktest_expect_issues_at(const char *file, int line,
			    enum kshim_issue_kind kind, unsigned int n,
			    const char **title)
{
	static char first[512];
	unsigned int got = kshim_report_count(kind);
	unsigned int total = kshim_report_total();

	if (got != n || total != n) {
		kshim_report_dump(stderr);
		ck_abort_msg("%s:%d: expected %u %s issue(s), got %u (of %u in all)",
			     file, line, n, kshim_issue_kind_name(kind), got,
			     total);
	}
	if (title) {
		const struct kshim_issue *issue = kshim_report_get(0);

		snprintf(first, sizeof(first), "%s", issue ? issue->title : "");
		*title = first;
	}
	kshim_report_clear();
}

uint64_t ktest_seed(const char *test_name)
{
	const char *env = getenv("KTEST_SEED");
	uint64_t seed;

	if (env) {
		seed = strtoull(env, NULL, 0);
	} else {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_sec * 1000000007ULL ^ ts.tv_nsec;
	}
	fprintf(stderr, "%s: seed %#llx (replay with KTEST_SEED=%#llx)\n",
		test_name, (unsigned long long)seed, (unsigned long long)seed);
	return seed;
}

int ktest_main(Suite *(*const suites[])(void), unsigned int n)
{
	SRunner *sr = srunner_create(NULL);
	unsigned int i;
	int failed;

	/* Quiet by default: WARN splats provoked on purpose are expected. */
	if (!getenv("KSHIM_LOGLEVEL"))
		kshim_log_set_console_level(0);
	for (i = 0; i < n; i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
