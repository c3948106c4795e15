// SPDX-License-Identifier: GPL-2.0
/*
 * The IOMMU test program: the IOMMU core API (kernel-shim/iommu) and the
 * mock IOMMU (mock-iommu).  CK_RUN_SUITE=<name> runs one suite (that is
 * how ctest calls it); KTEST_SEED replays a randomized test.
 */
#include "ktest.h"
#include "iommu_suites.h"

static Suite *(*const suites[])(void) = {
	iommu_core_suite,
	mock_pgtable_suite,
	mock_dma_suite,
	mock_nested_suite,
	mock_sched_suite,
};

int main(void)
{
	return ktest_main(suites, sizeof(suites) / sizeof(suites[0]));
}
