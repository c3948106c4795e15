// SPDX-License-Identifier: GPL-2.0
/*
 * The uAPI test program: /dev/iommu driven through the embedding API, one
 * simulator per test.  CK_RUN_SUITE=<name> runs one suite (that is how
 * ctest calls it).
 */
#include <stdlib.h>
#include "uapi_suites.h"

static Suite *(*const suites[])(void) = {
	sizes_suite,
	selftest_suite,
	access_suite,
	fault_suite,
	ioas_suite,
	option_suite,
	hwpt_suite,
	device_suite,
	seed_suite,
	release_suite,
	viommu_suite,
	veventq_suite,
	hw_queue_suite,
	mmap_suite,
	vfio_compat_suite,
	change_process_suite,
	newest_sched_suite,
};

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	unsigned int i;
	int failed;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
