// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel-shim test program: one Check suite per primitive.
 * CK_RUN_SUITE=<name> runs one of them (that is how ctest calls it).
 */
#include "ktest.h"
#include "shim_suites.h"

static Suite *(*const suites[])(void) = {
	basics_suite,
	slab_suite,
	report_suite,
	refcount_suite,
	locks_suite,
	lockdep_suite,
	physmem_suite,
	sched_suite,
	rbtree_suite,
	interval_tree_suite,
	xarray_suite,
};

int main(void)
{
	return ktest_main(suites, sizeof(suites) / sizeof(suites[0]));
}
