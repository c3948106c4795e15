// SPDX-License-Identifier: GPL-2.0
/*
 * Device attachments through IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE (uapi-spec
 * 4, 7.5; internals-spec 5.3-5.5): every kind of source and target
 * (automatic, manual, nested HWPTs; the same or another IOAS), the moves
 * of the HWPT references, automatic domains created and destroyed on the
 * way, and replaces that fail, by the driver refusing the new domain, by
 * the new IOAS refusing the domain, and by every fault point on the way
 * (a fail-nth sweep): each failure must leave the old attachment, its
 * IOAS's reserved ranges and every reference exactly as they were.
 */
#include <stdlib.h>
#include <kshim/fault.h>
#include "uapi_cov.h"
#include "uapi_suites.h"

#define PAGE	COV_PAGE
#define IOPAGE	COV_IOPAGE
#define BASE	COV_BASE

static const uint64_t aperture[] = { BASE, MOCK_APERTURE_LAST };
static const uint64_t everything[] = { 0, COV_ULONG_MAX };

/*
 * Device @stdev's RID is attached to @hwpt (the IOMMU core's attach handle
 * says so), which maps @buf at BASE and is held (interior, EBUSY).
 */
static void assert_attached_to(uint32_t stdev, uint32_t hwpt, void *buf)
{
	sim_pasid_check_hwpt(stdev, 0, hwpt);
	sim_check_map(hwpt, BASE, 4 * PAGE, buf);
	sim_err_destroy(EBUSY, hwpt);
}

/* The lowest free ID is @want: nothing was created and left behind. */
static void assert_next_id(uint32_t want)
{
	uint32_t id;

	sim_ioas_alloc(&id);
	ck_assert_uint_eq(id, want);
	sim_destroy(id);
}

START_TEST(test_replace_to_same_ioas_keeps_auto_hwpt)
{
	uint32_t ioas, stdev, hwpt, pt;
	void *buf = uapi_mem(4 * PAGE);

	sim_ioas_alloc(&ioas);
	sim_ioas_map_fixed(ioas, buf, 4 * PAGE, BASE);
	sim_mock_domain(ioas, &stdev, &hwpt, NULL);
	/* The IOAS it is on: the automatic HWPT it already uses. */
	pt = ioas;
	sim_mock_domain_replace(stdev, &pt);
	ck_assert_uint_eq(pt, hwpt);
	/* The HWPT it is on: a no-op. */
	sim_mock_domain_replace(stdev, &pt);
	ck_assert_uint_eq(pt, hwpt);
	assert_attached_to(stdev, hwpt, buf);
	assert_next_id(hwpt + 1);
}
END_TEST

START_TEST(test_replace_auto_manual_nested_and_back)
{
	void *buf = uapi_mem(4 * PAGE);
	uint32_t ioas, stdev, idev, auto1, manual, parent, nested, pt;

	sim_ioas_alloc(&ioas);
	sim_ioas_map_fixed(ioas, buf, 4 * PAGE, BASE);
	sim_mock_domain(ioas, &stdev, &auto1, &idev);
	sim_hwpt_alloc_paging(idev, ioas, 0, &manual);
	sim_hwpt_alloc_paging(idev, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT,
			      &parent);
	sim_hwpt_alloc_nested(idev, parent, 0, 0, IOMMU_TEST_IOTLB_DEFAULT,
			      &nested);
	sim_destroy(manual);	/* nothing holds a fresh manual HWPT */
	sim_hwpt_alloc_paging(idev, ioas, 0, &manual);

	/* Automatic -> manual: the automatic domain goes with its device. */
	pt = manual;
	sim_mock_domain_replace(stdev, &pt);
	ck_assert_uint_eq(pt, manual);
	sim_err_destroy(ENOENT, auto1);
	assert_attached_to(stdev, manual, buf);

	/* Manual -> nested: the manual HWPT is free again. */
	pt = nested;
	sim_mock_domain_replace(stdev, &pt);
	ck_assert_uint_eq(pt, nested);
	sim_pasid_check_hwpt(stdev, 0, nested);
	sim_err_destroy(EBUSY, nested);
	sim_destroy(manual);
	/* The nested HWPT holds its parent, the device holds the nested. */
	sim_err_destroy(EBUSY, parent);

	/*
	 * Nested -> the IOAS: a new automatic domain, with the lowest free
	 * ID, which is the old automatic one's.
	 */
	pt = ioas;
	sim_mock_domain_replace(stdev, &pt);
	ck_assert_uint_eq(pt, auto1);
	assert_attached_to(stdev, pt, buf);
	sim_destroy(nested);
	sim_destroy(parent);

	/* Leaving the device attached: the release tears it down. */
}
END_TEST

START_TEST(test_replace_moves_group_references)
{
	void *buf = uapi_mem(4 * PAGE);
	uint32_t ioas1, ioas2, stdev1, stdev2, auto1, pt1, pt2;

	sim_ioas_alloc(&ioas1);
	sim_ioas_alloc(&ioas2);
	sim_ioas_map_fixed(ioas1, buf, 4 * PAGE, BASE);
	sim_ioas_map_fixed(ioas2, buf, 4 * PAGE, BASE);
	sim_mock_domain(ioas1, &stdev1, &auto1, NULL);
	sim_mock_domain(ioas1, &stdev2, &pt2, NULL);
	ck_assert_uint_eq(pt2, auto1);

	/* One device leaves: the shared automatic HWPT stays for the other. */
	pt1 = ioas2;
	sim_mock_domain_replace(stdev1, &pt1);
	ck_assert_uint_ne(pt1, auto1);
	assert_attached_to(stdev2, auto1, buf);
	assert_attached_to(stdev1, pt1, buf);
	sim_check_refs(buf, 4 * PAGE, 2);

	/* The other follows: it joins pt1, and auto1 is destroyed. */
	pt2 = ioas2;
	sim_mock_domain_replace(stdev2, &pt2);
	ck_assert_uint_eq(pt2, pt1);
	sim_err_destroy(ENOENT, auto1);
	sim_check_refs(buf, 4 * PAGE, 1);
	sim_destroy(ioas1);

	/* Destroying one device leaves the HWPT to the other. */
	sim_destroy(stdev1);
	assert_attached_to(stdev2, pt1, buf);
	sim_destroy(stdev2);
	sim_err_destroy(ENOENT, pt1);
	sim_check_refs(buf, 4 * PAGE, 0);
	sim_destroy(ioas2);
}
END_TEST

START_TEST(test_replace_errors)
{
	uint32_t ioas, stdev, idev, hwpt, fault_id, pt;
	int fault_fd;

	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, &stdev, &hwpt, &idev);
	sim_fault_alloc(&fault_id, &fault_fd);

	/* The target: missing is ENOENT, not a page table is EINVAL. */
	pt = 999;
	sim_err_mock_domain_replace(ENOENT, stdev, &pt);
	pt = 0;
	sim_err_mock_domain_replace(ENOENT, stdev, &pt);
	pt = idev;
	sim_err_mock_domain_replace(EINVAL, stdev, &pt);
	pt = stdev;
	sim_err_mock_domain_replace(EINVAL, stdev, &pt);
	pt = fault_id;
	sim_err_mock_domain_replace(EINVAL, stdev, &pt);
	/* The SELFTEST object. */
	pt = ioas;
	sim_err_mock_domain_replace(ENOENT, 999, &pt);
	sim_err_mock_domain_replace(ENOENT, hwpt, &pt);
	/* pt_id is only written on success. */
	pt = 999;
	sim_err_mock_domain_replace(ENOENT, stdev, &pt);
	ck_assert_uint_eq(pt, 999);

	sim_close(fault_fd);
}
END_TEST

/*
 * The driver refuses the new domain (a dirty-tracking domain for a
 * NO_DIRTY device): the IOMMU core switches nothing, and the core undoes
 * the reserved ranges it put in the new IOAS.
 */
START_TEST(test_replace_refused_by_driver_keeps_old_attachment)
{
	void *buf = uapi_mem(4 * PAGE);
	uint32_t ioas1, ioas2, stdev, idev, auto1, dirty, other_idev, pt;

	sim_ioas_alloc(&ioas1);
	sim_ioas_alloc(&ioas2);
	sim_ioas_map_fixed(ioas1, buf, 4 * PAGE, BASE);
	sim_mock_domain_flags(ioas1, MOCK_FLAGS_DEVICE_NO_DIRTY, &stdev,
			      &auto1, &idev);
	/* A dirty-tracking HWPT on ioas2, made through a device that can. */
	sim_mock_domain(ioas2, NULL, NULL, &other_idev);
	sim_hwpt_alloc_paging(other_idev, ioas2,
			      IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &dirty);
	cov_assert_ranges(ioas1, aperture, 1, IOPAGE);
	cov_assert_ranges(ioas2, aperture, 1, IOPAGE);

	pt = dirty;
	sim_err_mock_domain_replace(EINVAL, stdev, &pt);
	ck_assert_uint_eq(pt, dirty);
	assert_attached_to(stdev, auto1, buf);
	cov_assert_ranges(ioas1, aperture, 1, IOPAGE);
	cov_assert_ranges(ioas2, aperture, 1, IOPAGE);
	/* No reference was moved: the target is still a leaf. */
	sim_destroy(dirty);
	/* And the old one still works as a replace source. */
	pt = ioas2;
	sim_mock_domain_replace(stdev, &pt);
	sim_err_destroy(ENOENT, auto1);
}
END_TEST

/*
 * The new IOAS cannot take a domain for the device (a mapping outside the
 * mock's aperture): nothing changes, and no automatic HWPT is left in it.
 */
START_TEST(test_replace_refused_by_new_ioas_keeps_old_attachment)
{
	void *buf = uapi_mem(4 * PAGE);
	uint32_t ioas1, ioas2, stdev, auto1, pt, next;
	uint64_t iova = PAGE;

	sim_ioas_alloc(&ioas1);
	sim_ioas_alloc(&ioas2);
	sim_ioas_map_fixed(ioas1, buf, 4 * PAGE, BASE);
	sim_ioas_map(ioas2, buf, PAGE, &iova,
		     IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE);
	sim_mock_domain(ioas1, &stdev, &auto1, NULL);
	next = auto1 + 1;

	pt = ioas2;
	sim_err_mock_domain_replace(EADDRINUSE, stdev, &pt);
	assert_attached_to(stdev, auto1, buf);
	cov_assert_ranges(ioas1, aperture, 1, IOPAGE);
	cov_assert_ranges(ioas2, everything, 1, 1);
	assert_next_id(next);
	sim_check_refs(buf, 4 * PAGE, 1);
}
END_TEST

/*
 * Fail every fault point of a replace in turn (the kernel's fail-nth): a
 * failed replace leaves the device on its old HWPT with its IOAS's ranges
 * and every reference intact; the world audit at the end checks that no
 * failure leaked anything.  Two kinds of target: another IOAS (a new
 * automatic domain is made) and a manual HWPT of another IOAS.
 */
static void replace_sweep(bool to_manual)
{
	void *buf1 = uapi_mem(4 * PAGE);
	void *buf2 = uapi_mem(4 * PAGE);
	uint32_t ioas1, ioas2, stdev, idev, auto1, manual = 0, pt, target;
	unsigned int nth, failures = 0;

	sim_ioas_alloc(&ioas1);
	sim_ioas_alloc(&ioas2);
	sim_ioas_map_fixed(ioas1, buf1, 4 * PAGE, BASE);
	sim_ioas_map_fixed(ioas2, buf2, 4 * PAGE, BASE);
	sim_mock_domain(ioas1, &stdev, &auto1, &idev);
	if (to_manual)
		sim_hwpt_alloc_paging(idev, ioas2, 0, &manual);
	target = to_manual ? manual : ioas2;

	for (nth = 1; nth < 1000; nth++) {
		int rc;

		pt = target;
		kshim_fail_nth_set(nth);
		rc = _sim_mock_domain_replace(stdev, &pt);
		if (kshim_fail_nth_get()) {
			/* The Nth point was never reached: a clean run. */
			kshim_fail_nth_set(0);
			SIM_OK(rc);
			break;
		}
		if (rc == 0) {
			/* The failure was absorbed; go back and go on. */
			ck_assert_uint_ne(pt, auto1);
			pt = ioas1;
			sim_mock_domain_replace(stdev, &pt);
			auto1 = pt;
			continue;
		}
		failures++;
		ck_assert_uint_eq(pt, target);
		assert_attached_to(stdev, auto1, buf1);
		sim_check_refs(buf1, 4 * PAGE, 1);
		cov_assert_ranges(ioas1, aperture, 1, IOPAGE);
		if (to_manual) {
			cov_assert_ranges(ioas2, aperture, 1, IOPAGE);
			sim_check_refs(buf2, 4 * PAGE, 1);
		} else {
			/* No automatic domain was left in ioas2. */
			cov_assert_ranges(ioas2, everything, 1, 1);
			sim_check_refs(buf2, 4 * PAGE, 0);
		}
	}
	ck_assert_uint_lt(nth, 1000);
	ck_assert_uint_gt(failures, 0);
	/* The clean run: on the target, the old automatic HWPT gone. */
	sim_err_destroy(ENOENT, auto1);
	if (to_manual) {
		ck_assert_uint_eq(pt, manual);
		assert_attached_to(stdev, manual, buf2);
	} else {
		assert_attached_to(stdev, pt, buf2);
	}
	sim_check_refs(buf1, 4 * PAGE, 0);
}

START_TEST(test_replace_fail_nth_to_new_ioas_keeps_old_attachment)
{
	replace_sweep(false);
}
END_TEST

START_TEST(test_replace_fail_nth_to_manual_hwpt_keeps_old_attachment)
{
	replace_sweep(true);
}
END_TEST

Suite *device_suite(void)
{
	Suite *s = suite_create("device");
	TCase *tc = cov_tcase("device");

	tcase_add_test(tc, test_replace_to_same_ioas_keeps_auto_hwpt);
	tcase_add_test(tc, test_replace_auto_manual_nested_and_back);
	tcase_add_test(tc, test_replace_moves_group_references);
	tcase_add_test(tc, test_replace_errors);
	tcase_add_test(tc, test_replace_refused_by_driver_keeps_old_attachment);
	tcase_add_test(tc, test_replace_refused_by_new_ioas_keeps_old_attachment);
	tcase_add_test(tc, test_replace_fail_nth_to_new_ioas_keeps_old_attachment);
	tcase_add_test(tc,
		       test_replace_fail_nth_to_manual_hwpt_keeps_old_attachment);
	suite_add_tcase(s, tc);
	return s;
}
