/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MM_SUITES_H
#define _MM_SUITES_H

#include <check.h>
#include <kshim/process.h>
#include <kshim/umem.h>

Suite *process_suite(void);
Suite *accounting_suite(void);
Suite *uaccess_suite(void);
Suite *pin_suite(void);
Suite *faultplan_suite(void);
Suite *uffd_suite(void);

/* A process with @memlock bytes of RLIMIT_MEMLOCK (0: default). */
struct kshim_process *mmt_process(const char *name, unsigned long memlock);
/* A umem of @npages in @p that must succeed. */
struct kshim_umem *mmt_umem(struct kshim_process *p, unsigned long npages,
			    const struct kshim_umem_opts *opts);
/* Pin count of @page as MD_CHECK_REFS reads it. */
unsigned int mmt_pins(struct page *page);

#endif
