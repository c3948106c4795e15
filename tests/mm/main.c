// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel-shim/mm test program: processes and accounting, uaccess,
 * pinning, fault plans (software) and userfaultfd.  CK_RUN_SUITE=<name>
 * runs one suite (that is how ctest calls it); the uffd suite exits 77
 * (skipped) where the host does not allow userfaultfd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/err.h>
#include <linux/mm.h>
#include "ktest.h"
#include "mm_suites.h"

static Suite *(*const suites[])(void) = {
	process_suite,
	accounting_suite,
	uaccess_suite,
	pin_suite,
	faultplan_suite,
	uffd_suite,
};

struct kshim_process *mmt_process(const char *name, unsigned long memlock)
{
	struct kshim_process_opts opts = {
		.name = name,
		.uid = KSHIM_PROCESS_DEFAULT_UID,
		.memlock_cur = memlock,
		.memlock_max = memlock,
	};
	struct kshim_process *p = kshim_process_create(&opts);

	ck_assert_ptr_nonnull(p);
	return p;
}

struct kshim_umem *mmt_umem(struct kshim_process *p, unsigned long npages,
			    const struct kshim_umem_opts *opts)
{
	struct kshim_umem *um = kshim_umem_alloc(p, npages * PAGE_SIZE, opts);

	ck_assert_msg(!IS_ERR(um), "kshim_umem_alloc: %ld", PTR_ERR(um));
	return um;
}

unsigned int mmt_pins(struct page *page)
{
	return page_ref_count(page) / GUP_PIN_COUNTING_BIAS;
}

int main(void)
{
	const char *suite = getenv("CK_RUN_SUITE");
	const char *env = getenv("KSHIM_USERFAULTFD");
	const char *why;

	if (suite && !strcmp(suite, "uffd")) {
		if (!kshim_uffd_available(&why)) {
			printf("SKIP: uffd suite: %s\n", why);
			return 77;
		}
		if (env && !strcmp(env, "0")) {
			printf("SKIP: uffd suite: disabled by KSHIM_USERFAULTFD=0\n");
			return 77;
		}
	}
	return ktest_main(suites, sizeof(suites) / sizeof(suites[0]));
}
