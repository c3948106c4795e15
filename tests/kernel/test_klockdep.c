// SPDX-License-Identifier: GPL-2.0
/*
 * The core's lock order under the lock-order checker (issue 7 Done 3;
 * internals-spec 7.1):
 *
 *   access->ioas_lock | ioas->mutex  ->  igroup->lock  ->
 *   iopt->domains_rwsem  ->  iopt->iova_rwsem  ->  iopt_pages->mutex
 *
 * The shim's lockdep records, per world, every order in which lock
 * classes are taken and reports a cycle the moment an acquisition closes
 * one, without needing the deadlock to happen.  Every test of every suite
 * runs under it, and every suite's world audit fails on a lockdep report:
 * a run of all the suites (ctest) is the check that the order holds on
 * every path they take.  These tests show that the checker is watching
 * these very locks: an inverted acquisition on the same iopt is reported,
 * and acquisitions in the documented order, taken directly on top of what
 * the uAPI paths recorded, are not.
 */
#include <string.h>
#include <linux/lockdep.h>
#include <kshim/report.h>
#include "io_pagetable.h"
#include "kt.h"

#define PAGE	KT_PAGE
#define BASE	KT_BASE

/* A context with an IOAS that has a domain and a mapping, via the uAPI. */
static u32 ioas_with_domain_and_mapping(void)
{
	void *buf = uapi_mem(4 * PAGE);
	u32 ioas;

	sim_ioas_alloc(&ioas);
	sim_ioas_map_fixed(ioas, buf, 4 * PAGE, BASE);
	/*
	 * Adding the domain fills it with what is mapped: domains_rwsem,
	 * then iova_rwsem, then pages->mutex.
	 */
	sim_mock_domain(ioas, NULL, NULL, NULL);
	return ioas;
}

START_TEST(test_klockdep_iova_rwsem_before_domains_rwsem_is_reported)
{
	struct iommufd_ctx *ictx = kt_ctx();
	struct iommufd_ioas *ioas;
	const struct kshim_issue *issue;
	u32 id;

	id = ioas_with_domain_and_mapping();
	ck_assert_uint_eq(kshim_report_count(KSHIM_ISSUE_LOCKDEP), 0);

	/* The wrong order, as a buggy path would take it. */
	ioas = kt_get_ioas(ictx, id);
	down_read(&ioas->iopt.iova_rwsem);
	down_read(&ioas->iopt.domains_rwsem);
	up_read(&ioas->iopt.domains_rwsem);
	up_read(&ioas->iopt.iova_rwsem);
	iommufd_put_object(ictx, &ioas->obj);

	ck_assert_uint_eq(kshim_report_count(KSHIM_ISSUE_LOCKDEP), 1);
	ck_assert_uint_eq(kshim_report_total(), 1);
	issue = kshim_report_get(0);
	ck_assert_msg(strstr(issue->title,
			     "possible circular locking dependency detected"),
		      "%s", issue->title);
	/* The report names both locks of the cycle. */
	ck_assert_msg(strstr(issue->text, "iova_rwsem") &&
			      strstr(issue->text, "domains_rwsem"),
		      "%s", issue->text);
	/* Provoked on purpose: the teardown audit must stay strict. */
	kshim_report_clear();
}
END_TEST

START_TEST(test_klockdep_pages_mutex_before_iova_rwsem_is_reported)
{
	struct iommufd_ctx *ictx = kt_ctx();
	struct iommufd_ioas *ioas;
	struct iopt_pages *pages;
	struct iopt_area *area;
	u32 id;

	id = ioas_with_domain_and_mapping();
	ioas = kt_get_ioas(ictx, id);
	down_read(&ioas->iopt.iova_rwsem);
	area = iopt_area_iter_first(&ioas->iopt, BASE, BASE);
	ck_assert_ptr_nonnull(area);
	pages = area->pages;
	up_read(&ioas->iopt.iova_rwsem);

	/* pages->mutex is innermost: taking iova_rwsem under it inverts. */
	mutex_lock(&pages->mutex);
	down_read(&ioas->iopt.iova_rwsem);
	up_read(&ioas->iopt.iova_rwsem);
	mutex_unlock(&pages->mutex);
	iommufd_put_object(ictx, &ioas->obj);

	ck_assert_uint_eq(kshim_report_count(KSHIM_ISSUE_LOCKDEP), 1);
	kshim_report_clear();
}
END_TEST

/*
 * The documented order, taken directly after the uAPI paths (HWPT alloc
 * with mappings, device attach with reserved ranges, access attach, pins,
 * unmap with a notify) recorded theirs: no report.
 */
START_TEST(test_klockdep_documented_order_is_accepted)
{
	struct iommufd_ctx *ictx = kt_ctx();
	struct iommufd_ioas *ioas;
	struct iopt_area *area;
	struct kt_access ka;
	u32 id, idev, hwpt;

	id = ioas_with_domain_and_mapping();
	sim_mock_domain(id, NULL, NULL, &idev);
	sim_hwpt_alloc_paging(idev, id, 0, &hwpt);
	kt_access_create(&ka, ictx);
	ck_assert_int_eq(iommufd_access_attach(ka.access, id), 0);
	ck_assert_int_eq(kt_access_pin(&ka, BASE, PAGE), 0);
	sim_ioas_unmap(id, BASE, 4 * PAGE, NULL);
	ck_assert_uint_eq(ka.nunmap, 1);
	sim_ioas_map_fixed(id, uapi_mem(PAGE), PAGE, BASE);

	ioas = kt_get_ioas(ictx, id);
	/* ioas->mutex -> domains_rwsem -> iova_rwsem -> pages->mutex */
	mutex_lock(&ioas->mutex);
	down_read(&ioas->iopt.domains_rwsem);
	down_read(&ioas->iopt.iova_rwsem);
	area = iopt_area_iter_first(&ioas->iopt, BASE, BASE);
	ck_assert_ptr_nonnull(area);
	mutex_lock(&area->pages->mutex);
	mutex_unlock(&area->pages->mutex);
	up_read(&ioas->iopt.iova_rwsem);
	up_read(&ioas->iopt.domains_rwsem);
	mutex_unlock(&ioas->mutex);
	/* access->ioas_lock -> domains_rwsem -> iova_rwsem -> pages->mutex */
	mutex_lock(&ka.access->ioas_lock);
	down_write(&ioas->iopt.domains_rwsem);
	down_write(&ioas->iopt.iova_rwsem);
	area = iopt_area_iter_first(&ioas->iopt, BASE, BASE);
	mutex_lock(&area->pages->mutex);
	mutex_unlock(&area->pages->mutex);
	up_write(&ioas->iopt.iova_rwsem);
	up_write(&ioas->iopt.domains_rwsem);
	mutex_unlock(&ka.access->ioas_lock);
	iommufd_put_object(ictx, &ioas->obj);

	kt_access_destroy(&ka);
	ck_assert_uint_eq(kshim_report_count(KSHIM_ISSUE_LOCKDEP), 0);
	ck_assert_int_eq(kshim_lockdep_depth(), 0);
}
END_TEST

Suite *klockdep_suite(void)
{
	Suite *s = suite_create("klockdep");
	TCase *tc = kt_tcase("klockdep");

	tcase_add_test(tc, test_klockdep_iova_rwsem_before_domains_rwsem_is_reported);
	tcase_add_test(tc, test_klockdep_pages_mutex_before_iova_rwsem_is_reported);
	tcase_add_test(tc, test_klockdep_documented_order_is_accepted);
	suite_add_tcase(s, tc);
	return s;
}
