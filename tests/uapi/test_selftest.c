// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_TEST_CMD ops other than the access ones (uapi-spec 7.5): mock
 * devices and their replace, reserved ranges, the mock page-table checks,
 * the device cache, the temporary memory limit, DIRTY, the fault and event
 * triggers and the PASID ops, each with success and every errno the spec
 * lists.
 */
#include <stdlib.h>
#include "uapi_util.h"
#include "uapi_suites.h"

#define PAGE	UAPI_PAGE_SIZE
#define IOPAGE	UAPI_MOCK_IO_PAGE_SIZE
#define BASE	((uint64_t)MOCK_APERTURE_START)

/* ---- MOCK_DOMAIN ------------------------------------------------------- */

START_TEST(test_mock_domain_ids_and_destroy)
{
	uint32_t ioas, stdev, hwpt, idev;

	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, &stdev, &hwpt, &idev);
	/* SELFTEST first, then the DEVICE, then the automatic HWPT. */
	ck_assert_uint_eq(stdev, ioas + 1);
	ck_assert_uint_eq(idev, ioas + 2);
	ck_assert_uint_eq(hwpt, ioas + 3);

	/* The driver owns the DEVICE; the HWPT and IOAS are in use. */
	sim_err_destroy(EBUSY, idev);
	sim_err_destroy(EBUSY, hwpt);
	sim_err_destroy(EBUSY, ioas);

	/* Destroying the SELFTEST object detaches, unbinds, deletes. */
	sim_destroy(stdev);
	sim_err_destroy(ENOENT, idev);
	sim_err_destroy(ENOENT, hwpt);	/* the auto domain went with it */
	sim_destroy(ioas);
}
END_TEST

START_TEST(test_mock_domain_shares_auto_hwpt)
{
	uint32_t ioas, stdev1, stdev2, hwpt1, hwpt2;

	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, &stdev1, &hwpt1, NULL);
	sim_mock_domain(ioas, &stdev2, &hwpt2, NULL);
	ck_assert_uint_eq(hwpt1, hwpt2);
	sim_destroy(stdev1);
	sim_err_destroy(EBUSY, hwpt2);
	sim_destroy(stdev2);
	sim_err_destroy(ENOENT, hwpt2);
}
END_TEST

START_TEST(test_mock_domain_on_hwpt)
{
	uint32_t ioas, stdev, idev, hwpt, manual, got;

	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, &stdev, &hwpt, &idev);
	sim_hwpt_alloc_paging(idev, ioas, 0, &manual);
	sim_mock_domain(manual, NULL, &got, NULL);
	ck_assert_uint_eq(got, manual);
	/* Left attached: closing the context tears it all down. */
}
END_TEST

START_TEST(test_mock_domain_errors)
{
	void *buf = uapi_mem(PAGE);
	uint32_t ioas, low, id;
	uint64_t iova = PAGE;

	sim_ioas_alloc(&ioas);
	sim_err_mock_domain(ENOENT, 999, NULL, NULL, NULL);
	sim_err_mock_domain(ENOENT, 0, NULL, NULL, NULL);
	sim_err_mock_domain_flags(EINVAL, ioas, 1U << 3, NULL, NULL, NULL);
	sim_err_mock_domain_flags(EINVAL, ioas, 0x80000000, NULL, NULL, NULL);
	/* Failures left nothing behind: the next ID is the one after ioas. */
	sim_ioas_alloc(&low);
	ck_assert_uint_eq(low, ioas + 1);

	/* A mapping below the mock aperture: the domain cannot cover it. */
	sim_ioas_map_fixed(low, buf, PAGE, iova);
	sim_err_mock_domain(EADDRINUSE, low, NULL, NULL, NULL);
	sim_ioas_alloc(&id);
	ck_assert_uint_eq(id, low + 1);
}
END_TEST

START_TEST(test_mock_domain_response_fault)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN,
	};
	uint32_t ioas, id;
	void *ro;

	sim_ioas_alloc(&ioas);
	cmd.id = ioas;
	ro = uapi_ro_copy(&cmd, sizeof(cmd));
	/* Attached, then the copy-out fails: detach, unbind, delete. */
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_TEST_CMD, ro));
	uapi_ro_free(ro, sizeof(cmd));
	sim_ioas_alloc(&id);
	ck_assert_uint_eq(id, ioas + 1);
	sim_destroy(ioas);
}
END_TEST

START_TEST(test_mock_domain_flags_dirty)
{
	uint32_t ioas, idev, stdev, dirty_hwpt;

	sim_ioas_alloc(&ioas);
	sim_mock_domain_flags(ioas, 0, &stdev, NULL, &idev);
	sim_hwpt_alloc_paging(idev, ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
			      &dirty_hwpt);
	/* A device without dirty tracking cannot join a tracking domain. */
	sim_err_mock_domain_flags(EINVAL, dirty_hwpt,
				  MOCK_FLAGS_DEVICE_NO_DIRTY, NULL, NULL, NULL);
	sim_mock_domain_flags(dirty_hwpt, MOCK_FLAGS_DEVICE_HUGE_IOVA, NULL,
			      NULL, NULL);
	sim_mock_domain_flags(ioas, MOCK_FLAGS_DEVICE_NO_DIRTY, NULL, NULL,
			      NULL);
}
END_TEST

START_TEST(test_mock_domain_replace)
{
	uint32_t ioas1, ioas2, stdev, idev, hwpt1, pt, manual;

	sim_ioas_alloc(&ioas1);
	sim_ioas_alloc(&ioas2);
	sim_mock_domain(ioas1, &stdev, &hwpt1, &idev);

	/* Onto another IOAS: a new automatic HWPT, the old one goes. */
	pt = ioas2;
	sim_mock_domain_replace(stdev, &pt);
	ck_assert_uint_ne(pt, ioas2);
	ck_assert_uint_ne(pt, hwpt1);
	sim_err_destroy(ENOENT, hwpt1);
	sim_destroy(ioas1);

	/* Onto a manual HWPT, then onto the same one again (no-op). */
	sim_hwpt_alloc_paging(idev, ioas2, 0, &manual);
	pt = manual;
	sim_mock_domain_replace(stdev, &pt);
	ck_assert_uint_eq(pt, manual);
	sim_mock_domain_replace(stdev, &pt);
	ck_assert_uint_eq(pt, manual);
	sim_err_destroy(EBUSY, manual);

	/* Errors: not a SELFTEST object, missing target. */
	pt = ioas2;
	sim_err_mock_domain_replace(ENOENT, ioas2, &pt);
	sim_err_mock_domain_replace(ENOENT, idev, &pt);
	sim_err_mock_domain_replace(ENOENT, 999, &pt);
	pt = 999;
	sim_err_mock_domain_replace(ENOENT, stdev, &pt);
	pt = manual;
	sim_mock_domain_replace(stdev, &pt);
	ck_assert_uint_eq(pt, manual);
}
END_TEST

/* ---- ADD_RESERVED ------------------------------------------------------ */

START_TEST(test_add_reserved)
{
	struct iommu_iova_range allowed = {
		.start = BASE + 64 * PAGE,
		.last = BASE + 128 * PAGE - 1,
	};
	void *buf = uapi_mem(4 * PAGE);
	uint32_t ioas;

	sim_ioas_alloc(&ioas);
	sim_add_reserved(ioas, BASE, 16 * PAGE);
	/* Nothing can be mapped there now (MAP says EINVAL for reserved). */
	sim_err_ioas_map_fixed(EINVAL, ioas, buf, PAGE, BASE + 4 * PAGE);

	sim_err_add_reserved(EINVAL, ioas, BASE, 0);
	sim_err_add_reserved(EOVERFLOW, ioas, UINT64_MAX - PAGE + 1, 2 * PAGE);
	sim_err_add_reserved(ENOENT, 999, BASE, PAGE);

	/* Intersecting a mapping or an allowed range: EADDRINUSE. */
	sim_ioas_map_fixed(ioas, buf, 4 * PAGE, BASE + 32 * PAGE);
	sim_err_add_reserved(EADDRINUSE, ioas, BASE + 35 * PAGE, 2 * PAGE);
	sim_ioas_allow_iovas(ioas, &allowed, 1);
	sim_err_add_reserved(EADDRINUSE, ioas, BASE + 127 * PAGE, 2 * PAGE);
	/* Elsewhere is fine; the ranges go with the IOAS. */
	sim_add_reserved(ioas, BASE + 256 * PAGE, PAGE);
	sim_ioas_unmap(ioas, BASE + 32 * PAGE, 4 * PAGE, NULL);
	sim_destroy(ioas);
}
END_TEST

/* ---- MD_CHECK_MAP / MD_CHECK_REFS -------------------------------------- */

START_TEST(test_check_map)
{
	void *buf = uapi_mem(9 * PAGE);	/* the last page is never mapped */
	void *other = uapi_mem(PAGE);
	uint32_t ioas, stdev, hwpt, parent, idev;

	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, &stdev, &hwpt, &idev);
	sim_ioas_map_fixed(ioas, buf, 8 * PAGE, BASE);

	sim_check_map(hwpt, BASE, 8 * PAGE, buf);
	/* Any IO-page-aligned part of it, also half pages. */
	sim_check_map(hwpt, BASE + IOPAGE, IOPAGE, (char *)buf + IOPAGE);
	sim_check_map(hwpt, BASE + 3 * IOPAGE, 5 * IOPAGE,
		      (char *)buf + 3 * IOPAGE);
	sim_check_map(hwpt, BASE, 0, buf);

	/* Other memory, or an IOVA that is not mapped: EINVAL. */
	sim_err_check_map(EINVAL, hwpt, BASE, PAGE, other);
	sim_err_check_map(EINVAL, hwpt, BASE, PAGE, (char *)buf + PAGE);
	sim_err_check_map(EINVAL, hwpt, BASE + 8 * PAGE, PAGE, buf);
	sim_err_check_map(EINVAL, hwpt, BASE + 7 * PAGE, 2 * PAGE,
			  (char *)buf + 7 * PAGE);

	/* Not IO-page aligned, or a user range that wraps: EINVAL. */
	sim_err_check_map(EINVAL, hwpt, BASE + 1, IOPAGE, buf);
	sim_err_check_map(EINVAL, hwpt, BASE, IOPAGE + 1, buf);
	sim_err_check_map(EINVAL, hwpt, BASE, IOPAGE, (char *)buf + 8);
	sim_err_check_map(EINVAL, hwpt, BASE, 2 * PAGE,
			  (void *)(uintptr_t)(UINT64_MAX - IOPAGE + 1));

	/* Not a paging HWPT: ENOENT. */
	sim_err_check_map(ENOENT, ioas, BASE, PAGE, buf);
	sim_err_check_map(ENOENT, idev, BASE, PAGE, buf);
	sim_err_check_map(ENOENT, 999, BASE, PAGE, buf);
	sim_hwpt_alloc_paging(idev, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT,
			      &parent);
	{
		uint32_t nested;

		sim_hwpt_alloc_nested(idev, parent, 0, 0,
				      IOMMU_TEST_IOTLB_DEFAULT, &nested);
		sim_err_check_map(ENOENT, nested, BASE, PAGE, buf);
		sim_destroy(nested);
	}
	/* The new paging HWPT got the existing mapping too. */
	sim_check_map(parent, BASE, 8 * PAGE, buf);

	/* User memory that is gone: EFAULT (the pinned frames live on). */
	ck_assert_int_eq(iommufd_sim_munmap(uf.p, (char *)buf + 7 * PAGE, PAGE),
			 0);
	sim_err_check_map(EFAULT, hwpt, BASE + 7 * PAGE, PAGE,
			  (char *)buf + 7 * PAGE);
	sim_check_map(hwpt, BASE, 7 * PAGE, buf);
}
END_TEST

START_TEST(test_check_refs)
{
	void *buf = uapi_mem(4 * PAGE);
	uint32_t ioas, stdev;
	uint64_t iova1, iova2;

	sim_check_refs(buf, 4 * PAGE, 0);
	sim_err_check_refs(EIO, buf, 4 * PAGE, 1);
	sim_err_check_refs(EINVAL, buf, PAGE + 1, 0);
	sim_err_check_refs(EINVAL, (char *)buf + 1, PAGE, 0);

	sim_ioas_alloc(&ioas);
	/*
	 * An IOAS without domains pins nothing.  (Inside the mock aperture:
	 * below it, attaching a mock domain would be EADDRINUSE.)
	 */
	iova1 = BASE;
	sim_ioas_map_fixed(ioas, buf, 4 * PAGE, iova1);
	sim_check_refs(buf, 4 * PAGE, 0);

	/* A domain pins each page once, however many domains. */
	sim_mock_domain(ioas, &stdev, NULL, NULL);
	sim_check_refs(buf, 4 * PAGE, 1);
	sim_mock_domain_flags(ioas, MOCK_FLAGS_DEVICE_HUGE_IOVA, NULL, NULL,
			      NULL);
	sim_check_refs(buf, 4 * PAGE, 1);

	/* A second mapping of the same memory pins it again. */
	sim_ioas_map(ioas, (char *)buf + PAGE, PAGE, &iova2, 0);
	sim_check_refs(buf, PAGE, 1);
	sim_check_refs((char *)buf + PAGE, PAGE, 2);
	sim_err_check_refs(EIO, buf, 4 * PAGE, 1);

	sim_ioas_unmap(ioas, iova2, PAGE, NULL);
	sim_check_refs(buf, 4 * PAGE, 1);
	sim_ioas_unmap(ioas, iova1, 4 * PAGE, NULL);
	sim_check_refs(buf, 4 * PAGE, 0);
}
END_TEST

/* ---- MD_CHECK_IOTLB / DEV_CHECK_CACHE ------------------------------------ */

START_TEST(test_check_iotlb)
{
	uint32_t ioas, stdev, idev, parent, nested, slot;

	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, &stdev, NULL, &idev);
	sim_hwpt_alloc_paging(idev, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT,
			      &parent);
	sim_hwpt_alloc_nested(idev, parent, 0, 0, IOMMU_TEST_IOTLB_DEFAULT,
			      &nested);

	for (slot = 0; slot <= MOCK_NESTED_DOMAIN_IOTLB_ID_MAX; slot++) {
		sim_check_iotlb(nested, slot, IOMMU_TEST_IOTLB_DEFAULT);
		sim_err_check_iotlb(EINVAL, nested, slot, 0);
	}
	sim_err_check_iotlb(EINVAL, nested, MOCK_NESTED_DOMAIN_IOTLB_ID_MAX + 1,
			    IOMMU_TEST_IOTLB_DEFAULT);
	/* Only nested HWPTs have these slots. */
	sim_err_check_iotlb(ENOENT, parent, 0, IOMMU_TEST_IOTLB_DEFAULT);
	sim_err_check_iotlb(ENOENT, ioas, 0, IOMMU_TEST_IOTLB_DEFAULT);
	sim_err_check_iotlb(ENOENT, 999, 0, IOMMU_TEST_IOTLB_DEFAULT);

	/* The slots keep the value given at allocation. */
	{
		uint32_t other;

		sim_hwpt_alloc_nested(idev, parent, 0, 0, 0x1234, &other);
		sim_check_iotlb(other, 3, 0x1234);
		sim_check_iotlb(nested, 3, IOMMU_TEST_IOTLB_DEFAULT);
	}
}
END_TEST

START_TEST(test_dev_check_cache)
{
	uint32_t ioas, stdev, idev, slot;

	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, &stdev, NULL, &idev);
	for (slot = 0; slot <= MOCK_DEV_CACHE_ID_MAX; slot++) {
		sim_check_dev_cache(idev, slot, IOMMU_TEST_DEV_CACHE_DEFAULT);
		sim_err_check_dev_cache(EINVAL, idev, slot, 0);
	}
	sim_err_check_dev_cache(EINVAL, idev, MOCK_DEV_CACHE_ID_MAX + 1,
				IOMMU_TEST_DEV_CACHE_DEFAULT);
	sim_err_check_dev_cache(ENOENT, stdev, 0, IOMMU_TEST_DEV_CACHE_DEFAULT);
	sim_err_check_dev_cache(ENOENT, 999, 0, IOMMU_TEST_DEV_CACHE_DEFAULT);
}
END_TEST

/* ---- SET_TEMP_MEMORY_LIMIT ----------------------------------------------- */

START_TEST(test_set_temp_memory_limit)
{
	void *buf = uapi_mem(64 * PAGE);
	uint32_t ioas, hwpt;
	uint64_t iova;

	sim_err_set_temp_memory_limit(EINVAL, 0);
	sim_err_set_temp_memory_limit(EINVAL, 11);

	/* The smallest batch: everything still works, a PFN at a time. */
	sim_set_temp_memory_limit(12);
	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, NULL, &hwpt, NULL);
	sim_ioas_map(ioas, buf, 64 * PAGE, &iova, 0);
	sim_check_map(hwpt, iova, 64 * PAGE, buf);
	sim_check_refs(buf, 64 * PAGE, 1);
	sim_ioas_unmap(ioas, iova, 64 * PAGE, NULL);
	sim_check_refs(buf, 64 * PAGE, 0);

	sim_set_temp_memory_limit(65536);
}
END_TEST

/* ---- DIRTY ------------------------------------------------------------- */

START_TEST(test_dirty)
{
	void *buf = uapi_mem(4 * PAGE);
	uint64_t bits = 0, nr, i;
	uint64_t out[2] = { 0 };
	uint32_t ioas, stdev, idev, hwpt, pt;

	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, &stdev, NULL, &idev);
	sim_hwpt_alloc_paging(idev, ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
			      &hwpt);
	pt = hwpt;
	sim_mock_domain_replace(stdev, &pt);
	sim_ioas_map_fixed(ioas, buf, 4 * PAGE, BASE);

	bits = (1 << 0) | (1 << 3) | (1 << 7) | (1 << 12);
	/* Tracking is off. */
	sim_err_dirty(EINVAL, hwpt, BASE, 16 * IOPAGE, IOPAGE, &bits, NULL);

	sim_set_dirty_tracking(hwpt, true);
	/* Bit 12 is past the mapping: nothing there to mark. */
	sim_dirty(hwpt, BASE, 16 * IOPAGE, IOPAGE, &bits, &nr);
	ck_assert_uint_eq(nr, 3);

	/* What was marked reads back through GET_DIRTY_BITMAP. */
	sim_get_dirty_bitmap(hwpt, BASE, 8 * IOPAGE, IOPAGE, out, 0);
	ck_assert_uint_eq(out[0], (1 << 0) | (1 << 3) | (1 << 7));
	/* ... and was cleared by that read. */
	out[0] = 0;
	sim_get_dirty_bitmap(hwpt, BASE, 8 * IOPAGE, IOPAGE, out, 0);
	ck_assert_uint_eq(out[0], 0);

	/* Bad arguments. */
	sim_err_dirty(EINVAL, hwpt, BASE, 8 * IOPAGE, 0, &bits, NULL);
	sim_err_dirty(EINVAL, hwpt, BASE, 0, IOPAGE, &bits, NULL);
	sim_err_dirty(EINVAL, hwpt, BASE + 1, 8 * IOPAGE, IOPAGE, &bits, NULL);
	sim_err_dirty(EINVAL, hwpt, BASE, 8 * IOPAGE + 1, IOPAGE, &bits, NULL);
	sim_err_dirty(EINVAL, hwpt, BASE, 8 * IOPAGE, IOPAGE, NULL, NULL);
	sim_err_dirty(EOVERFLOW, hwpt, BASE, ((1ULL << 27) + 1) * IOPAGE,
		      IOPAGE, &bits, NULL);
	/* Not a paging HWPT. */
	sim_err_dirty(ENOENT, ioas, BASE, 8 * IOPAGE, IOPAGE, &bits, NULL);
	sim_err_dirty(ENOENT, 999, BASE, 8 * IOPAGE, IOPAGE, &bits, NULL);

	/* Every bit, whole pages: each mapped IO page counts once. */
	bits = ~0ULL;
	sim_dirty(hwpt, BASE, 64 * IOPAGE, IOPAGE, &bits, &nr);
	ck_assert_uint_eq(nr, 8);
	for (i = 0; i < 2; i++)
		out[i] = 0;
	sim_get_dirty_bitmap(hwpt, BASE, 8 * IOPAGE, IOPAGE, out, 0);
	ck_assert_uint_eq(out[0], 0xff);

	sim_set_dirty_tracking(hwpt, false);
	sim_err_dirty(EINVAL, hwpt, BASE, 8 * IOPAGE, IOPAGE, &bits, NULL);
}
END_TEST

/* ---- TRIGGER_IOPF / TRIGGER_VEVENT -------------------------------------- */

START_TEST(test_trigger_iopf_without_fault)
{
	uint32_t ioas, stdev, idev;

	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, &stdev, NULL, &idev);
	/* No fault-capable domain: nobody receives it, still success. */
	sim_trigger_iopf(idev, 0, 1, IOMMU_PGFAULT_PERM_READ, BASE);
	sim_trigger_iopf(idev, 5, 2, IOMMU_PGFAULT_PERM_WRITE, BASE);
	sim_err_trigger_iopf(ENOENT, 999, 0, 1, 0, BASE);
	sim_err_trigger_iopf(ENOENT, stdev, 0, 1, 0, BASE);
}
END_TEST

START_TEST(test_trigger_vevent)
{
	uint32_t ioas, stdev, idev;

	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, &stdev, NULL, &idev);
	sim_err_trigger_vevent(ENOENT, 999);
	/* A device not linked to a vDEVICE of a vIOMMU. */
	sim_err_trigger_vevent(ENOENT, idev);
}
END_TEST

/* ---- PASID ------------------------------------------------------------- */

struct pasid_env {
	uint32_t ioas, stdev, idev;
	uint32_t rid_hwpt;	/* PASID-compatible, on the RID */
	uint32_t hwpt_a, hwpt_b;	/* PASID-compatible */
	uint32_t plain;		/* not PASID-compatible */
};

static void pasid_env_setup(struct pasid_env *e)
{
	uint32_t pt;

	sim_ioas_alloc(&e->ioas);
	sim_mock_domain_flags(e->ioas, MOCK_FLAGS_DEVICE_PASID, &e->stdev,
			      NULL, &e->idev);
	sim_hwpt_alloc_paging(e->idev, e->ioas, IOMMU_HWPT_ALLOC_PASID,
			      &e->rid_hwpt);
	pt = e->rid_hwpt;
	sim_mock_domain_replace(e->stdev, &pt);
	sim_hwpt_alloc_paging(e->idev, e->ioas, IOMMU_HWPT_ALLOC_PASID,
			      &e->hwpt_a);
	sim_hwpt_alloc_paging(e->idev, e->ioas, IOMMU_HWPT_ALLOC_PASID,
			      &e->hwpt_b);
	sim_hwpt_alloc_paging(e->idev, e->ioas, 0, &e->plain);
}

START_TEST(test_pasid_attach_replace_detach)
{
	struct pasid_env e;
	uint32_t pt;

	pasid_env_setup(&e);
	sim_pasid_check_hwpt(e.stdev, 100, 0);

	pt = e.hwpt_a;
	sim_pasid_attach(e.stdev, 100, &pt);
	ck_assert_uint_eq(pt, e.hwpt_a);
	sim_pasid_check_hwpt(e.stdev, 100, e.hwpt_a);
	sim_err_pasid_check_hwpt(EINVAL, e.stdev, 100, 0);
	sim_err_pasid_check_hwpt(EINVAL, e.stdev, 100, e.hwpt_b);
	/* Other PASIDs and the RID are separate. */
	sim_pasid_check_hwpt(e.stdev, 101, 0);
	sim_pasid_check_hwpt(e.stdev, 0, e.rid_hwpt);
	sim_err_destroy(EBUSY, e.hwpt_a);

	pt = e.hwpt_b;
	sim_pasid_replace(e.stdev, 100, &pt);
	ck_assert_uint_eq(pt, e.hwpt_b);
	sim_pasid_check_hwpt(e.stdev, 100, e.hwpt_b);
	sim_destroy(e.hwpt_a);

	sim_pasid_detach(e.stdev, 100);
	sim_pasid_check_hwpt(e.stdev, 100, 0);
	sim_destroy(e.hwpt_b);
}
END_TEST

START_TEST(test_pasid_errors)
{
	struct pasid_env e;
	uint32_t pt;

	pasid_env_setup(&e);

	/* A HWPT without IOMMU_HWPT_ALLOC_PASID. */
	pt = e.plain;
	sim_err_pasid_attach(EINVAL, e.stdev, 100, &pt);
	/* Missing objects. */
	pt = 999;
	sim_err_pasid_attach(ENOENT, e.stdev, 100, &pt);
	pt = e.hwpt_a;
	sim_err_pasid_attach(ENOENT, e.ioas, 100, &pt);
	sim_err_pasid_attach(ENOENT, 999, 100, &pt);
	sim_err_pasid_replace(ENOENT, e.idev, 100, &pt);
	sim_err_pasid_detach(ENOENT, 999, 100);
	sim_err_pasid_check_hwpt(ENOENT, 999, 100, 0);
	sim_err_pasid_check_hwpt(ENOENT, e.stdev, 100, 999);
	sim_err_pasid_check_hwpt(ENOENT, e.stdev, 100, e.ioas);
	/* Replace needs an attachment. */
	sim_err_pasid_replace(EINVAL, e.stdev, 100, &pt);

	/* With a PASID attached, the RID must stay PASID-compatible. */
	sim_pasid_attach(e.stdev, 100, &pt);
	pt = e.plain;
	sim_err_mock_domain_replace(EINVAL, e.stdev, &pt);
	sim_pasid_detach(e.stdev, 100);
}
END_TEST

START_TEST(test_pasid_reserved_rollback)
{
	struct pasid_env e;
	uint32_t pt;

	pasid_env_setup(&e);
	pt = e.hwpt_a;
	sim_pasid_attach(e.stdev, IOMMU_TEST_PASID_RESERVED, &pt);
	/* The mock fails the next switch: the old attachment stays. */
	pt = e.hwpt_b;
	sim_err_pasid_replace(ENOMEM, e.stdev, IOMMU_TEST_PASID_RESERVED, &pt);
	sim_pasid_check_hwpt(e.stdev, IOMMU_TEST_PASID_RESERVED, e.hwpt_a);
	/* Detaching (to the blocking domain) disarms it. */
	sim_pasid_detach(e.stdev, IOMMU_TEST_PASID_RESERVED);
	sim_pasid_check_hwpt(e.stdev, IOMMU_TEST_PASID_RESERVED, 0);
}
END_TEST

START_TEST(test_pasid_left_attached_at_close)
{
	struct pasid_env e;
	uint32_t pt;

	pasid_env_setup(&e);
	pt = e.hwpt_a;
	sim_pasid_attach(e.stdev, 7, &pt);
	pt = e.ioas;
	sim_pasid_attach(e.stdev, 8, &pt);
	/*
	 * No PASID_DETACH: destroying the SELFTEST object at close detaches
	 * them before unbinding (the teardown audit checks it).
	 */
	sim_pasid_check_hwpt(e.stdev, 8, pt);
}
END_TEST

START_TEST(test_pasid_device_without_pasid)
{
	uint32_t ioas, stdev, idev, hwpt, pt;

	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, &stdev, NULL, &idev);
	sim_hwpt_alloc_paging(idev, ioas, 0, &hwpt);
	pt = hwpt;
	ck_assert_int_ne(_sim_pasid_attach(stdev, 100, &pt), 0);
	sim_pasid_check_hwpt(stdev, 100, 0);
}
END_TEST

Suite *selftest_suite(void)
{
	Suite *s = suite_create("selftest");
	TCase *tc = uapi_tcase("selftest");

	tcase_add_test(tc, test_mock_domain_ids_and_destroy);
	tcase_add_test(tc, test_mock_domain_shares_auto_hwpt);
	tcase_add_test(tc, test_mock_domain_on_hwpt);
	tcase_add_test(tc, test_mock_domain_errors);
	tcase_add_test(tc, test_mock_domain_response_fault);
	tcase_add_test(tc, test_mock_domain_flags_dirty);
	tcase_add_test(tc, test_mock_domain_replace);
	tcase_add_test(tc, test_add_reserved);
	tcase_add_test(tc, test_check_map);
	tcase_add_test(tc, test_check_refs);
	tcase_add_test(tc, test_check_iotlb);
	tcase_add_test(tc, test_dev_check_cache);
	tcase_add_test(tc, test_set_temp_memory_limit);
	tcase_add_test(tc, test_dirty);
	tcase_add_test(tc, test_trigger_iopf_without_fault);
	tcase_add_test(tc, test_trigger_vevent);
	tcase_add_test(tc, test_pasid_attach_replace_detach);
	tcase_add_test(tc, test_pasid_errors);
	tcase_add_test(tc, test_pasid_reserved_rollback);
	tcase_add_test(tc, test_pasid_left_attached_at_close);
	tcase_add_test(tc, test_pasid_device_without_pasid);
	suite_add_tcase(s, tc);
	return s;
}
