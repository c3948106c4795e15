// SPDX-License-Identifier: GPL-2.0
/*
 * The behaviours the seed threads argue about (internals-spec 9.1), as far
 * as user space can see them, each a test whose name says what it shows.
 * The access used here is the test uAPI's (CREATE_ACCESS): an external
 * access whose driver unmap callback drops every pinned item intersecting
 * the range it is given, so "which items survive" tells which ranges the
 * core asked the driver to unmap.  The kernel-level halves (the exact
 * callback arguments, the change window, concurrent changes, internal
 * accesses, destroy racing a callback, lock order) are in tests/kernel.
 *
 * Lock order.  The core's documented order is
 *
 *   access->ioas_lock | ioas->mutex  ->  igroup->lock  ->
 *   iopt->domains_rwsem  ->  iopt->iova_rwsem  ->  iopt_pages->mutex
 *
 * (ioas_lock and ioas->mutex are never nested with each other).  Lockdep
 * records every acquisition order of every test of every suite; any edge
 * against this order closes a cycle and is reported, which fails that
 * test (cov_tcase()'s teardown names it, the world audit counts it), and
 * the embedding API checks at every call that no lock is held when the
 * call returns to user space.  test_seed_lock_order_holds_on_every_path
 * below walks every path that takes a chain of these locks in one test.
 */
#include <stdlib.h>
#include <kshim/report.h>
#include "uapi_cov.h"
#include "uapi_suites.h"

#define PAGE	COV_PAGE
#define IOPAGE	COV_IOPAGE
#define BASE	COV_BASE
#define PIN	MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES

/* S-setioas / S-replace -------------------------------------------------- */

/*
 * A replace asks the driver to unmap the whole old IOAS: items pinned in
 * two separate mappings far apart are all dropped, and the access then
 * lives on the new IOAS only (the old one is free, the new one is held).
 */
START_TEST(test_seed_access_replace_unmaps_whole_old_ioas)
{
	void *a = uapi_mem(2 * PAGE), *b = uapi_mem(4 * PAGE);
	void *c = uapi_mem(2 * PAGE);
	uint32_t ioas1, ioas2, item_a, item_b;
	int afd;

	sim_ioas_alloc(&ioas1);
	sim_ioas_alloc(&ioas2);
	sim_ioas_map_fixed(ioas1, a, 2 * PAGE, BASE);
	sim_ioas_map_fixed(ioas1, b, 4 * PAGE, BASE + (1UL << 30));
	sim_ioas_map_fixed(ioas2, c, 2 * PAGE, BASE);
	sim_access_create(ioas1, PIN, &afd);
	sim_access_pages(afd, BASE + PAGE, PAGE, (char *)a + PAGE, 0, &item_a);
	sim_access_pages(afd, BASE + (1UL << 30) + 2 * PAGE, 2 * PAGE,
			 (char *)b + 2 * PAGE, 0, &item_b);
	sim_check_refs((char *)a + PAGE, PAGE, 1);
	sim_check_refs((char *)b + 2 * PAGE, 2 * PAGE, 1);

	sim_access_replace_ioas(afd, ioas2);
	/* Every item was asked for: the range was [0, ULONG_MAX]. */
	sim_err_access_pages_destroy(ENOENT, afd, item_a);
	sim_err_access_pages_destroy(ENOENT, afd, item_b);
	sim_check_refs(a, 2 * PAGE, 0);
	sim_check_refs(b, 4 * PAGE, 0);
	/* Off the old IOAS's access list, on the new one's. */
	sim_destroy(ioas1);
	sim_err_destroy(EBUSY, ioas2);
	sim_access_pages(afd, BASE, 2 * PAGE, c, 0, NULL);
	sim_check_refs(c, 2 * PAGE, 1);
	sim_close(afd);
	sim_check_refs(c, 2 * PAGE, 0);
	sim_destroy(ioas2);
}
END_TEST

/*
 * A replace that fails (the new IOAS cannot take a pinning access's
 * PAGE_SIZE alignment: EADDRINUSE) delivers no unmap: the items and their
 * pins survive, the access stays on the old IOAS's list and pins there,
 * and the new IOAS is not held.
 */
START_TEST(test_seed_failed_access_replace_keeps_old_ioas_and_pins)
{
	void *buf = uapi_mem(4 * PAGE);
	void *odd = uapi_mem(PAGE);
	uint32_t ioas1, ioas2, item;
	int afd;

	sim_ioas_alloc(&ioas1);
	sim_ioas_alloc(&ioas2);
	sim_ioas_map_fixed(ioas1, buf, 4 * PAGE, BASE);
	sim_ioas_map_fixed(ioas2, odd, IOPAGE, BASE + 100);
	sim_access_create(ioas1, PIN, &afd);
	sim_access_pages(afd, BASE, 2 * PAGE, buf, 0, &item);

	sim_err_access_replace_ioas(EADDRINUSE, afd, ioas2);
	sim_err_access_replace_ioas(ENOENT, afd, 999);
	sim_check_refs(buf, 2 * PAGE, 1);
	sim_err_destroy(EBUSY, ioas1);
	sim_destroy(ioas2);
	/* Still wired to the old IOAS: new pins land there. */
	sim_access_pages(afd, BASE + 2 * PAGE, 2 * PAGE,
			 (char *)buf + 2 * PAGE, 0, NULL);
	sim_check_refs(buf, 4 * PAGE, 1);
	/* The original item is still there to destroy. */
	sim_access_pages_destroy(afd, item);
	sim_check_refs(buf, 2 * PAGE, 0);
}
END_TEST

/*
 * Closing an access's fd destroys the access while it is attached and
 * holds pins: the pins go and the IOAS's reference is released, so the
 * IOAS becomes destroyable.
 */
START_TEST(test_seed_access_destroyed_while_attached_releases_ioas)
{
	void *buf = uapi_mem(4 * PAGE);
	uint32_t ioas;
	int afd, afd2;

	sim_ioas_alloc(&ioas);
	sim_ioas_map_fixed(ioas, buf, 4 * PAGE, BASE);
	sim_access_create(ioas, PIN, &afd);
	sim_access_create(ioas, 0, &afd2);
	sim_access_pages(afd, BASE, 4 * PAGE, buf, 0, NULL);
	sim_err_destroy(EBUSY, ioas);

	sim_close(afd);
	sim_check_refs(buf, 4 * PAGE, 0);
	/* The second access still holds it. */
	sim_err_destroy(EBUSY, ioas);
	sim_close(afd2);
	sim_destroy(ioas);
}
END_TEST

/* S-numlocked (external half) ------------------------------------------- */

/*
 * An external access's pins never make IOAS_UNMAP fail: the driver is
 * asked to unmap, its items in the range go, and the unmap succeeds.
 * Items outside the range are left alone.
 */
START_TEST(test_seed_external_pins_never_make_unmap_ebusy)
{
	void *buf = uapi_mem(8 * PAGE);
	uint32_t ioas, hwpt, in_range, outside;
	uint64_t unmapped;
	int afd;

	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, NULL, &hwpt, NULL);
	sim_ioas_map_fixed(ioas, buf, 4 * PAGE, BASE);
	sim_ioas_map_fixed(ioas, (char *)buf + 4 * PAGE, 4 * PAGE,
			   BASE + 64 * PAGE);
	sim_access_create(ioas, PIN, &afd);
	sim_access_pages(afd, BASE + PAGE, 2 * PAGE, (char *)buf + PAGE, 0,
			 &in_range);
	sim_access_pages(afd, BASE + 64 * PAGE, PAGE, (char *)buf + 4 * PAGE,
			 0, &outside);
	/* The domain and the access share the pin. */
	sim_check_refs(buf, 8 * PAGE, 1);

	sim_ioas_unmap(ioas, BASE, 4 * PAGE, &unmapped);
	ck_assert_uint_eq(unmapped, 4 * PAGE);
	sim_err_access_pages_destroy(ENOENT, afd, in_range);
	sim_check_refs(buf, 4 * PAGE, 0);
	sim_err_check_map(EINVAL, hwpt, BASE, PAGE, buf);
	/* The other mapping and its item are untouched. */
	sim_check_map(hwpt, BASE + 64 * PAGE, 4 * PAGE, (char *)buf + 4 * PAGE);
	sim_access_pages_destroy(afd, outside);
	/* Unmap-all with an item left: also a callback, also success. */
	sim_access_pages(afd, BASE + 64 * PAGE, 4 * PAGE,
			 (char *)buf + 4 * PAGE, 0, &outside);
	sim_ioas_unmap(ioas, 0, UINT64_MAX, &unmapped);
	ck_assert_uint_eq(unmapped, 4 * PAGE);
	sim_err_access_pages_destroy(ENOENT, afd, outside);
	sim_check_refs(buf, 8 * PAGE, 0);
}
END_TEST

/* S-destroy --------------------------------------------------------------- */

/*
 * User DESTROY never waits: an interior object is EBUSY while anything
 * depends on it, and becomes destroyable as soon as its dependents are
 * gone, in any order they go.
 */
START_TEST(test_seed_user_destroy_is_ebusy_until_dependents_go)
{
	uint32_t ioas, stdev, idev, auto_hwpt, parent, nested, fault_id;
	int fault_fd, afd;

	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, &stdev, &auto_hwpt, &idev);
	sim_hwpt_alloc_paging(idev, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT,
			      &parent);
	sim_fault_alloc(&fault_id, &fault_fd);
	sim_hwpt_alloc_nested(idev, parent, IOMMU_HWPT_FAULT_ID_VALID,
			      fault_id, 0, &nested);
	sim_access_create(ioas, 0, &afd);

	sim_err_destroy(EBUSY, ioas);
	sim_err_destroy(EBUSY, parent);
	sim_err_destroy(EBUSY, fault_id);
	sim_err_destroy(EBUSY, auto_hwpt);
	/* Driver-owned objects are never the user's to destroy. */
	sim_err_destroy(EBUSY, idev);
	sim_err_destroy(EBUSY, fault_id + 2);	/* the access */

	sim_destroy(nested);
	sim_destroy(parent);
	sim_err_destroy(EBUSY, fault_id);	/* its fd still holds it */
	sim_close(fault_fd);
	sim_destroy(fault_id);
	sim_err_destroy(EBUSY, ioas);
	sim_close(afd);
	sim_err_destroy(EBUSY, ioas);
	sim_destroy(stdev);
	sim_destroy(ioas);
}
END_TEST

/* Lock order --------------------------------------------------------------- */

/*
 * Every path of the core that nests the documented locks, in one world:
 * access attach/replace (ioas_lock -> domains -> iova), pins and rw
 * (ioas_lock -> iova -> pages), HWPT allocation and automatic domains
 * (ioas->mutex -> igroup -> domains -> iova -> pages), device replace
 * (igroup -> iova for reserved ranges), unmap with access notify
 * (callbacks with nothing held), dirty tracking, huge-page toggling and
 * CHANGE_PROCESS.  Lockdep saw no inversion.
 */
START_TEST(test_seed_lock_order_holds_on_every_path)
{
	void *buf = uapi_mem(16 * PAGE);
	uint32_t ioas1, ioas2, stdev, idev, hwpt, dirty, pt;
	uint64_t val, iova, bits = 1, nr;
	uint64_t bitmap[1] = { 0 };
	unsigned char rw[16];
	int afd, mfd;

	sim_ioas_alloc(&ioas1);
	sim_ioas_alloc(&ioas2);
	sim_ioas_map_fixed(ioas1, buf, 8 * PAGE, BASE);
	sim_ioas_map_fixed(ioas2, (char *)buf + 8 * PAGE, 8 * PAGE, BASE);
	sim_access_create(ioas1, PIN, &afd);
	sim_access_pages(afd, BASE, 2 * PAGE, buf, 0, NULL);
	sim_access_rw(afd, BASE + 8, rw, sizeof(rw), 0);
	sim_mock_domain(ioas1, &stdev, &hwpt, &idev);
	sim_hwpt_alloc_paging(idev, ioas2, IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
			      &dirty);
	pt = dirty;
	sim_mock_domain_replace(stdev, &pt);
	sim_set_dirty_tracking(dirty, true);
	sim_dirty(dirty, BASE, IOPAGE, IOPAGE, &bits, &nr);
	sim_get_dirty_bitmap(dirty, BASE, PAGE, PAGE, bitmap, 0);
	ck_assert_uint_eq(bitmap[0], 1);
	sim_access_replace_ioas(afd, ioas2);
	sim_access_pages(afd, BASE, PAGE, (char *)buf + 8 * PAGE, 0, NULL);
	sim_ioas_unmap(ioas2, 0, UINT64_MAX, NULL);
	pt = ioas1;
	sim_mock_domain_replace(stdev, &pt);
	val = 0;
	sim_err_option(EINVAL, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET,
		       ioas1, &val);
	sim_ioas_copy(ioas2, BASE, ioas1, BASE, 4 * PAGE,
		      IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE);
	mfd = iommufd_sim_memfd(uf.p, 4 * PAGE);
	ck_assert_int_ge(mfd, 0);
	sim_ioas_unmap(ioas1, 0, UINT64_MAX, NULL);
	sim_ioas_unmap(ioas2, 0, UINT64_MAX, NULL);
	sim_ioas_map_file(ioas1, mfd, 0, 4 * PAGE, &iova, 0);
	sim_change_process();
	sim_close(afd);
	sim_destroy(stdev);
	sim_close(mfd);

	ck_assert_uint_eq(kshim_report_count(KSHIM_ISSUE_LOCKDEP), 0);
}
END_TEST

Suite *seed_suite(void)
{
	Suite *s = suite_create("seed");
	TCase *tc = cov_tcase("seed");

	tcase_add_test(tc, test_seed_access_replace_unmaps_whole_old_ioas);
	tcase_add_test(tc, test_seed_failed_access_replace_keeps_old_ioas_and_pins);
	tcase_add_test(tc, test_seed_access_destroyed_while_attached_releases_ioas);
	tcase_add_test(tc, test_seed_external_pins_never_make_unmap_ebusy);
	tcase_add_test(tc, test_seed_user_destroy_is_ebusy_until_dependents_go);
	tcase_add_test(tc, test_seed_lock_order_holds_on_every_path);
	suite_add_tcase(s, tc);
	return s;
}
