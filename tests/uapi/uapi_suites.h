/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _UAPI_SUITES_H
#define _UAPI_SUITES_H

#include <check.h>

Suite *sizes_suite(void);
Suite *selftest_suite(void);
Suite *access_suite(void);
Suite *fault_suite(void);
Suite *ioas_suite(void);
Suite *option_suite(void);
Suite *hwpt_suite(void);
Suite *device_suite(void);
Suite *seed_suite(void);
Suite *release_suite(void);
Suite *viommu_suite(void);
Suite *veventq_suite(void);
Suite *hw_queue_suite(void);
Suite *mmap_suite(void);
Suite *vfio_compat_suite(void);
Suite *change_process_suite(void);
Suite *newest_sched_suite(void);

#endif
