// SPDX-License-Identifier: GPL-2.0
/*
 * kernel-tests: the core's in-kernel API driven on contexts opened through
 * the embedding API (see kt.h).  CK_RUN_SUITE=<name> runs one suite.
 */
#include "ktest.h"
#include "kt.h"

static Suite *(*const suites[])(void) = {
	kseed_suite,
	krelease_suite,
	klockdep_suite,
	kviommu_suite,
};

int main(void)
{
	return ktest_main(suites, sizeof(suites) / sizeof(suites[0]));
}
