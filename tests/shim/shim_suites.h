/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_SUITES_H
#define _SHIM_SUITES_H

#include <check.h>

Suite *basics_suite(void);
Suite *slab_suite(void);
Suite *report_suite(void);
Suite *refcount_suite(void);
Suite *locks_suite(void);
Suite *lockdep_suite(void);
Suite *physmem_suite(void);
Suite *sched_suite(void);
Suite *rbtree_suite(void);
Suite *interval_tree_suite(void);
Suite *xarray_suite(void);

#endif
