/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IOMMU_SUITES_H
#define _IOMMU_SUITES_H

#include <check.h>

Suite *iommu_core_suite(void);
Suite *mock_pgtable_suite(void);
Suite *mock_dma_suite(void);
Suite *mock_nested_suite(void);
Suite *mock_sched_suite(void);

#endif
