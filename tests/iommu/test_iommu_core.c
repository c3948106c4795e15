// SPDX-License-Identifier: GPL-2.0
/*
 * The IOMMU core API (kernel-shim/iommu) with the mock IOMMU as driver:
 * probe and groups, DMA ownership, attach/replace and their rollback,
 * attach handles, PASIDs, reserved regions, capabilities, hw_info and
 * fault reporting.
 */
#include <string.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include "iommu_test.h"
#include "iommu_suites.h"
#include <uapi/iommufd_test.h>

/*
 * A test that creates mock devices.  Expect each in a group of its own
 * with the lowest free ID, on the mock's blocking domain (its default),
 * with the capabilities of the kernel mock: cache coherency always, dirty
 * tracking unless NO_DIRTY, never enforced coherency; and the group to
 * disappear with its device.
 */
START_TEST(test_core_probe_groups_caps)
{
	struct mock_dev *a = t_mock_dev(0);
	struct mock_dev *b = t_mock_dev(MOCK_FLAGS_DEVICE_NO_DIRTY);
	struct device *da = mock_dev_device(a), *db = mock_dev_device(b);
	struct iommu_group *ga = iommu_group_get(da);
	struct iommu_group *gb = iommu_group_get(db);
	struct iommu_domain *dom = iommu_get_domain_for_dev(da);
	struct mock_dev *c;

	ck_assert_ptr_nonnull(ga);
	ck_assert_ptr_ne(ga, gb);
	ck_assert_int_eq(iommu_group_id(ga), 0);
	ck_assert_int_eq(iommu_group_id(gb), 1);
	ck_assert_str_eq(dev_name(da), "iommufd_mock0");
	ck_assert_ptr_nonnull(dom);
	ck_assert_uint_eq(dom->type, IOMMU_DOMAIN_BLOCKED);
	ck_assert_ptr_eq(mock_dev_domain(a, IOMMU_NO_PASID), dom);
	ck_assert(device_iommu_capable(da, IOMMU_CAP_CACHE_COHERENCY));
	ck_assert(device_iommu_capable(da, IOMMU_CAP_DIRTY_TRACKING));
	ck_assert(!device_iommu_capable(db, IOMMU_CAP_DIRTY_TRACKING));
	ck_assert(!device_iommu_capable(da,
					IOMMU_CAP_ENFORCE_CACHE_COHERENCY));
	ck_assert(!iommu_group_has_isolated_msi(ga));
	ck_assert_uint_eq(da->iommu->max_pasids, 0);
	ck_assert_ptr_eq(mock_dev_from_device(da), a);
	iommu_group_put(ga);
	iommu_group_put(gb);

	/* IDs are reused lowest first, as the kernel's ida does. */
	mock_dev_destroy(a);
	ck_assert_uint_eq(kshim_iommu_groups_live(), 1);
	c = t_mock_dev(MOCK_FLAGS_DEVICE_PASID);
	ga = iommu_group_get(mock_dev_device(c));
	ck_assert_int_eq(iommu_group_id(ga), 0);
	ck_assert_uint_eq(mock_dev_id(c), 0);
	ck_assert_uint_eq(mock_dev_device(c)->iommu->max_pasids, 1U << 20);
	iommu_group_put(ga);
	mock_dev_destroy(b);
	mock_dev_destroy(c);
	ck_assert_uint_eq(kshim_iommu_groups_live(), 0);
	ck_assert_uint_eq(kshim_devices_live(), 0);
}
END_TEST

/*
 * A test of hw_info, as iommufd's GET_HW_INFO calls it.  Expect the
 * selftest record {flags 0, test_reg 0xdeadbeef} of type 0xfeedbeef for a
 * DEFAULT or SELFTEST request, and -EOPNOTSUPP for another type.
 */
START_TEST(test_core_hw_info)
{
	struct mock_dev *mdev = t_mock_dev(0);
	struct device *dev = mock_dev_device(mdev);
	const struct iommu_ops *ops = dev_iommu_ops(dev);
	enum iommu_hw_info_type type = IOMMU_HW_INFO_TYPE_DEFAULT;
	struct iommu_test_hw_info *info;
	u32 len = 0;

	info = ops->hw_info(dev, &len, &type);
	ck_assert(!IS_ERR(info));
	ck_assert_uint_eq(len, 8);
	ck_assert_uint_eq((u32)type, IOMMU_HW_INFO_TYPE_SELFTEST);
	ck_assert_uint_eq(info->flags, 0);
	ck_assert_uint_eq(info->test_reg, IOMMU_HW_INFO_SELFTEST_REGVAL);
	kfree(info);
	info = ops->hw_info(dev, &len, &type);	/* SELFTEST on input */
	ck_assert(!IS_ERR(info));
	kfree(info);
	type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
	ck_assert_ptr_eq(ops->hw_info(dev, &len, &type), ERR_PTR(-EOPNOTSUPP));
	mock_dev_destroy(mdev);
}
END_TEST

/*
 * A test of DMA ownership and plain attach.  Expect: a claim moves the
 * group to its blocking domain; claims by the same owner nest, another
 * owner gets -EPERM; attaching a second domain over an attached one is
 * -EBUSY; detach returns to blocking while claimed and to the default
 * domain after the last release; a dirty-tracking domain cannot attach to
 * a NO_DIRTY device (-EINVAL) and cannot even be allocated for it
 * (-EOPNOTSUPP).
 */
START_TEST(test_core_ownership_attach_detach)
{
	struct mock_dev *mdev = t_mock_dev(0);
	struct mock_dev *nd = t_mock_dev(MOCK_FLAGS_DEVICE_NO_DIRTY);
	struct device *dev = mock_dev_device(mdev);
	struct iommu_group *group = iommu_group_get(dev);
	struct iommu_group *ngroup = iommu_group_get(mock_dev_device(nd));
	struct iommu_domain *def = iommu_get_domain_for_dev(dev);
	struct iommu_domain *d1, *d2, *dirty;
	int other;

	ck_assert_int_eq(iommu_device_claim_dma_owner(dev, &t_owner), 0);
	ck_assert(iommu_group_dma_owner_claimed(group));
	ck_assert_int_eq(iommu_device_claim_dma_owner(dev, &t_owner), 0);
	ck_assert_int_eq(iommu_device_claim_dma_owner(dev, &other), -EPERM);
	ck_assert_int_eq(iommu_group_claim_dma_owner(group, &t_owner), -EPERM);

	d1 = iommu_paging_domain_alloc(dev);
	d2 = iommu_paging_domain_alloc(dev);
	ck_assert(!IS_ERR(d1) && !IS_ERR(d2));
	ck_assert_uint_eq(d1->type, IOMMU_DOMAIN_UNMANAGED);
	ck_assert_uint_eq(d1->pgsize_bitmap, SZ_2K);
	ck_assert_uint_eq(d1->geometry.aperture_start, MOCK_APERTURE_START);
	ck_assert_uint_eq(d1->geometry.aperture_end, MOCK_APERTURE_LAST);
	ck_assert_uint_eq(kshim_iommu_domains_live(), 2);
	ck_assert_int_eq(iommu_attach_group(d1, group), 0);
	ck_assert_ptr_eq(iommu_get_domain_for_dev(dev), d1);
	ck_assert_ptr_eq(mock_dev_domain(mdev, IOMMU_NO_PASID), d1);
	ck_assert_int_eq(iommu_attach_group(d2, group), -EBUSY);
	ck_assert_int_eq(iommu_group_replace_domain(group, d2), 0);
	ck_assert_ptr_eq(mock_dev_domain(mdev, IOMMU_NO_PASID), d2);
	iommu_detach_group(d2, group);
	ck_assert_ptr_ne(iommu_get_domain_for_dev(dev), d2);
	ck_assert_uint_eq(iommu_get_domain_for_dev(dev)->type,
			  IOMMU_DOMAIN_BLOCKED);
	iommu_device_release_dma_owner(dev);
	ck_assert(iommu_group_dma_owner_claimed(group));
	iommu_device_release_dma_owner(dev);
	ck_assert(!iommu_group_dma_owner_claimed(group));
	ck_assert_ptr_eq(iommu_get_domain_for_dev(dev), def);

	/* Dirty tracking and a NO_DIRTY device. */
	ck_assert_ptr_eq(iommu_paging_domain_alloc_flags(
				 mock_dev_device(nd),
				 IOMMU_HWPT_ALLOC_DIRTY_TRACKING),
			 ERR_PTR(-EOPNOTSUPP));
	dirty = iommu_paging_domain_alloc_flags(dev,
						IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	ck_assert(!IS_ERR(dirty));
	ck_assert_ptr_nonnull(dirty->dirty_ops);
	ck_assert_int_eq(iommu_group_claim_dma_owner(ngroup, &t_owner), 0);
	ck_assert_int_eq(iommu_attach_group(dirty, ngroup), -EINVAL);
	ck_assert_int_eq(iommu_attach_group(d1, ngroup), 0);
	iommu_detach_group(d1, ngroup);
	iommu_group_release_dma_owner(ngroup);
	ck_assert_ptr_eq(iommu_paging_domain_alloc_flags(dev, 1 << 7),
			 ERR_PTR(-EOPNOTSUPP));

	iommu_domain_free(dirty);
	iommu_domain_free(d1);
	iommu_domain_free(d2);
	iommu_group_put(group);
	iommu_group_put(ngroup);
	mock_dev_destroy(mdev);
	mock_dev_destroy(nd);
}
END_TEST

/*
 * A test of iommu_group_replace_domain() on a group of two mock devices
 * when the driver refuses the new domain for one of them:
 *
 *   group {dev0, dev1} on A      replace -> B
 *     dev0: A -> B  ok
 *     dev1: A -> B  fails (-EIO, injected)
 *   revert: dev0 B -> A, dev1 -> A
 *
 * Expect the error back, the group and both devices (as the driver sees
 * them) on A, DMA through A still working, and a retry to succeed.  The
 * same with the failure on the first device, and through
 * iommu_replace_group_handle(), whose handle must stay the old one.
 */
START_TEST(test_core_replace_reverts_on_failure)
{
	struct mock_dev *m0 = t_mock_dev(0);
	struct mock_dev_opts opts = { .share_group_with = m0 };
	struct mock_dev *m1 = mock_dev_create_opts(&opts);
	struct device *d0 = mock_dev_device(m0);
	struct iommu_group *group = iommu_group_get(d0);
	struct iommu_attach_handle ha, hb;
	struct iommu_domain *a, *b;
	struct page *page;
	u8 byte = 0;

	ck_assert(!IS_ERR(m1));
	ck_assert_ptr_eq(mock_dev_device(m1)->iommu_group, group);
	ck_assert_int_eq(iommu_group_claim_dma_owner(group, &t_owner), 0);
	a = iommu_paging_domain_alloc(d0);
	b = iommu_paging_domain_alloc(d0);
	ck_assert_int_eq(iommu_attach_group(a, group), 0);
	page = alloc_page(GFP_KERNEL);
	t_fill_page(page, 7);
	ck_assert_int_eq(iommu_map(a, MOCK_APERTURE_START, page_to_phys(page),
				   PAGE_SIZE, IOMMU_READ, GFP_KERNEL), 0);

	/* The second device refuses. */
	mock_dev_fail_next_attach(m1, -EIO);
	ck_assert_int_eq(iommu_group_replace_domain(group, b), -EIO);
	ck_assert_ptr_eq(iommu_get_domain_for_dev(d0), a);
	ck_assert_ptr_eq(mock_dev_domain(m0, IOMMU_NO_PASID), a);
	ck_assert_ptr_eq(mock_dev_domain(m1, IOMMU_NO_PASID), a);
	ck_assert_int_eq(mock_dev_dma_read(m1, IOMMU_NO_PASID,
					   MOCK_APERTURE_START + 3, &byte, 1), 0);
	ck_assert_uint_eq(byte, 10);

	/* The first device refuses. */
	mock_dev_fail_next_attach(m0, -ENOSPC);
	ck_assert_int_eq(iommu_group_replace_domain(group, b), -ENOSPC);
	ck_assert_ptr_eq(mock_dev_domain(m0, IOMMU_NO_PASID), a);
	ck_assert_ptr_eq(mock_dev_domain(m1, IOMMU_NO_PASID), a);

	/* Without a failure both move. */
	ck_assert_int_eq(iommu_group_replace_domain(group, b), 0);
	ck_assert_ptr_eq(mock_dev_domain(m0, IOMMU_NO_PASID), b);
	ck_assert_ptr_eq(mock_dev_domain(m1, IOMMU_NO_PASID), b);
	iommu_detach_group(b, group);

	/* The handle flavour: the stored handle follows only success. */
	ck_assert_int_eq(iommu_attach_group_handle(a, group, &ha), 0);
	mock_dev_fail_next_attach(m1, -EIO);
	ck_assert_int_eq(iommu_replace_group_handle(group, b, &hb), -EIO);
	ck_assert_ptr_eq(iommu_attach_handle_get(group, IOMMU_NO_PASID, 0),
			 &ha);
	ck_assert_ptr_eq(ha.domain, a);
	ck_assert_ptr_eq(mock_dev_domain(m1, IOMMU_NO_PASID), a);
	ck_assert_int_eq(iommu_replace_group_handle(group, b, &hb), 0);
	ck_assert_ptr_eq(iommu_attach_handle_get(group, IOMMU_NO_PASID, 0),
			 &hb);
	iommu_detach_group_handle(b, group);
	ck_assert_ptr_eq(iommu_attach_handle_get(group, IOMMU_NO_PASID, 0),
			 ERR_PTR(-ENOENT));

	ck_assert_uint_eq(iommu_unmap(a, MOCK_APERTURE_START, PAGE_SIZE),
			  PAGE_SIZE);
	__free_page(page);
	iommu_group_release_dma_owner(group);
	iommu_domain_free(a);
	iommu_domain_free(b);
	iommu_group_put(group);
	mock_dev_destroy(m1);
	mock_dev_destroy(m0);
}
END_TEST

/*
 * A test of attach handles.  Expect the handle stored at IOMMU_NO_PASID
 * on success, -EBUSY for a second attach, -EBUSY when asked for another
 * domain type, and nothing stored when the attach itself fails.
 */
START_TEST(test_core_attach_handles)
{
	struct mock_dev *mdev = t_mock_dev(MOCK_FLAGS_DEVICE_NO_DIRTY);
	struct device *dev = mock_dev_device(mdev);
	struct iommu_group *group = iommu_group_get(dev);
	struct iommu_attach_handle h1, h2;
	struct iommu_domain *d;

	ck_assert_int_eq(iommu_group_claim_dma_owner(group, &t_owner), 0);
	d = iommu_paging_domain_alloc(dev);
	ck_assert_ptr_eq(iommu_attach_handle_get(group, IOMMU_NO_PASID, 0),
			 ERR_PTR(-ENOENT));
	mock_dev_fail_next_attach(mdev, -EINVAL);
	ck_assert_int_eq(iommu_attach_group_handle(d, group, &h1), -EINVAL);
	ck_assert_ptr_eq(iommu_attach_handle_get(group, IOMMU_NO_PASID, 0),
			 ERR_PTR(-ENOENT));
	ck_assert_int_eq(iommu_attach_group_handle(d, group, &h1), 0);
	ck_assert_ptr_eq(iommu_attach_handle_get(group, IOMMU_NO_PASID, 0),
			 &h1);
	ck_assert_ptr_eq(iommu_attach_handle_get(group, IOMMU_NO_PASID,
						 IOMMU_DOMAIN_UNMANAGED), &h1);
	ck_assert_ptr_eq(iommu_attach_handle_get(group, IOMMU_NO_PASID,
						 IOMMU_DOMAIN_NESTED),
			 ERR_PTR(-EBUSY));
	ck_assert_int_eq(iommu_attach_group_handle(d, group, &h2), -EBUSY);
	iommu_detach_group_handle(d, group);
	iommu_group_release_dma_owner(group);
	iommu_domain_free(d);
	iommu_group_put(group);
	mock_dev_destroy(mdev);
}
END_TEST

/*
 * A test of PASID attach, replace and detach on a PASID-capable mock
 * device (20 PASID bits).  Expect: PASID 0 and PASIDs >= 2^20 refused
 * (-EINVAL), a busy PASID refused (-EBUSY), replace of an unattached PASID
 * refused (-EINVAL); the driver's view to follow each change; and for the
 * reserved PASID 1024 the mock's alternation: the replace after a
 * successful attach fails (-ENOMEM) and leaves the old domain and handle
 * in place, the next one succeeds.
 */
START_TEST(test_core_pasid)
{
	struct mock_dev *mdev = t_mock_dev(MOCK_FLAGS_DEVICE_PASID);
	struct device *dev = mock_dev_device(mdev);
	struct iommu_group *group = iommu_group_get(dev);
	struct iommu_attach_handle h1, h2, h3;
	struct iommu_domain *d1, *d2;

	ck_assert_int_eq(iommu_group_claim_dma_owner(group, &t_owner), 0);
	d1 = iommu_paging_domain_alloc_flags(dev, IOMMU_HWPT_ALLOC_PASID);
	d2 = iommu_paging_domain_alloc_flags(dev, IOMMU_HWPT_ALLOC_PASID);
	ck_assert(!IS_ERR(d1) && !IS_ERR(d2));

	ck_assert_int_eq(iommu_attach_device_pasid(d1, dev, 0, &h1), -EINVAL);
	ck_assert_int_eq(iommu_attach_device_pasid(d1, dev, 1U << 20, &h1),
			 -EINVAL);
	ck_assert_int_eq(iommu_attach_device_pasid(d1, dev, 5, &h1), 0);
	ck_assert_ptr_eq(mock_dev_domain(mdev, 5), d1);
	ck_assert_ptr_eq(iommu_attach_handle_get(group, 5, 0), &h1);
	ck_assert_int_eq(iommu_attach_device_pasid(d2, dev, 5, &h2), -EBUSY);
	ck_assert_int_eq(iommu_replace_device_pasid(d2, dev, 6, &h2), -EINVAL);
	ck_assert_int_eq(iommu_replace_device_pasid(d2, dev, 5, &h2), 0);
	ck_assert_ptr_eq(mock_dev_domain(mdev, 5), d2);
	ck_assert_ptr_eq(iommu_attach_handle_get(group, 5, 0), &h2);
	iommu_detach_device_pasid(d2, dev, 5);
	ck_assert_ptr_null(mock_dev_domain(mdev, 5));
	ck_assert_ptr_eq(iommu_attach_handle_get(group, 5, 0),
			 ERR_PTR(-ENOENT));

	/* The reserved PASID's alternating failure. */
	ck_assert_int_eq(iommu_attach_device_pasid(d1, dev, 1024, &h1), 0);
	ck_assert_int_eq(iommu_replace_device_pasid(d2, dev, 1024, &h2),
			 -ENOMEM);
	ck_assert_ptr_eq(mock_dev_domain(mdev, 1024), d1);
	ck_assert_ptr_eq(iommu_attach_handle_get(group, 1024, 0), &h1);
	ck_assert_int_eq(iommu_replace_device_pasid(d2, dev, 1024, &h3), 0);
	ck_assert_ptr_eq(mock_dev_domain(mdev, 1024), d2);
	iommu_detach_device_pasid(d2, dev, 1024);

	iommu_group_release_dma_owner(group);
	iommu_domain_free(d1);
	iommu_domain_free(d2);
	iommu_group_put(group);
	mock_dev_destroy(mdev);
}
END_TEST

/*
 * A test of reserved regions.  The kernel's mock devices have none; a
 * device given a software MSI window and a reserved range reports both.
 * Expect callers to see exactly those regions with their types, and
 * iommu_put_resv_regions() to free them (the leak audit checks).
 */
START_TEST(test_core_resv_regions)
{
	struct mock_dev *plain = t_mock_dev(0);
	struct mock_dev *mdev = t_mock_dev(0);
	struct device *dev = mock_dev_device(mdev);
	struct iommu_resv_region *r;
	LIST_HEAD(regions);
	int n = 0;

	iommu_get_resv_regions(mock_dev_device(plain), &regions);
	ck_assert(list_empty(&regions));

	ck_assert_int_eq(mock_dev_add_resv_region(mdev, 0x8000000, SZ_1M,
						  IOMMU_WRITE | IOMMU_MMIO,
						  IOMMU_RESV_SW_MSI), 0);
	ck_assert_int_eq(mock_dev_add_resv_region(mdev, 0xfee00000, SZ_1M, 0,
						  IOMMU_RESV_RESERVED), 0);
	iommu_get_resv_regions(dev, &regions);
	list_for_each_entry(r, &regions, list) {
		if (n == 0) {
			ck_assert_uint_eq(r->type, IOMMU_RESV_SW_MSI);
			ck_assert_uint_eq(r->start, 0x8000000);
			ck_assert_uint_eq(r->length, SZ_1M);
			ck_assert_int_eq(r->prot, IOMMU_WRITE | IOMMU_MMIO);
		} else {
			ck_assert_uint_eq(r->type, IOMMU_RESV_RESERVED);
			ck_assert_uint_eq(r->start, 0xfee00000);
		}
		n++;
	}
	ck_assert_int_eq(n, 2);
	iommu_put_resv_regions(dev, &regions);
	ck_assert(list_empty(&regions));
	mock_dev_destroy(mdev);
	mock_dev_destroy(plain);
}
END_TEST

/* ---- I/O page faults at the core level -------------------------------- */

static void t_report(struct mock_dev *mdev, u32 flags, u32 pasid, u32 grpid,
		     u64 addr)
{
	struct iopf_fault evt = { 0 };

	evt.fault.type = IOMMU_FAULT_PAGE_REQ;
	evt.fault.prm.flags = flags;
	evt.fault.prm.pasid = pasid;
	evt.fault.prm.grpid = grpid;
	evt.fault.prm.perm = IOMMU_FAULT_PERM_READ;
	evt.fault.prm.addr = addr;
	iommu_report_device_fault(mock_dev_device(mdev), &evt);
}

/*
 * A test of fault reporting without DMA.  A domain with an iopf handler is
 * attached with a handle (the device joins the iopf queue); two partial
 * requests and the last one of group 3 arrive.  Expect one group of three
 * faults delivered and its SUCCESS answer to reach the driver.  A request
 * for a PASID with nothing attached goes to the RID's domain only if that
 * is nested (the mock has a user PASID table); it is not, so expect an
 * INVALID answer at once.  A group still pending when the domain is
 * detached must be answered INVALID by the core, and the handler's late
 * answer must not be sent again.
 */
START_TEST(test_core_iopf_groups)
{
	struct mock_dev *mdev = t_mock_dev(MOCK_FLAGS_DEVICE_PASID);
	struct device *dev = mock_dev_device(mdev);
	struct iommu_group *group = iommu_group_get(dev);
	struct iommu_attach_handle handle;
	struct iommu_domain *d;
	struct iopf_fault *iopf;
	unsigned long responses;
	int n = 0;

	t_inbox_init();
	ck_assert_int_eq(iommu_group_claim_dma_owner(group, &t_owner), 0);
	d = iommu_paging_domain_alloc(dev);
	d->iopf_handler = t_iopf_handler;
	ck_assert_int_eq(iommu_attach_group_handle(d, group, &handle), 0);
	ck_assert_ptr_nonnull(dev->iommu->fault_param);

	t_report(mdev, 0, 0, 3, 0x1000);
	t_report(mdev, 0, 0, 3, 0x2000);
	ck_assert_uint_eq(t_inbox_count(), 0);
	t_report(mdev, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE, 0, 3, 0x3000);
	ck_assert_uint_eq(t_inbox_count(), 1);
	ck_assert_uint_eq(t_inbox_group(0)->fault_count, 3);
	ck_assert_ptr_eq(t_inbox_group(0)->attach_handle, &handle);
	list_for_each_entry(iopf, &t_inbox_group(0)->faults, list) {
		ck_assert_uint_eq(iopf->fault.prm.grpid, 3);
		n++;
	}
	ck_assert_int_eq(n, 3);
	ck_assert_uint_eq(t_inbox_group(0)->last_fault.fault.prm.addr, 0x3000);
	iopf_group_response(t_inbox_group(0), IOMMU_PAGE_RESP_SUCCESS);
	ck_assert_uint_eq(mock_dev_last_page_response(mdev, &responses),
			  IOMMU_PAGE_RESP_SUCCESS);
	ck_assert_uint_eq(responses, 1);
	iopf_free_group(t_inbox_group(0));

	/* A PASID with nothing attached, and the RID's domain not nested. */
	t_report(mdev, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE |
			       IOMMU_FAULT_PAGE_REQUEST_PASID_VALID,
		 7, 4, 0x4000);
	ck_assert_uint_eq(t_inbox_count(), 1);
	ck_assert_uint_eq(mock_dev_last_page_response(mdev, &responses),
			  IOMMU_PAGE_RESP_INVALID);
	ck_assert_uint_eq(responses, 2);

	/* Pending at detach: the core answers, the late answer is dropped. */
	ck_assert_int_eq(mock_dev_trigger_iopf(mdev, IOMMU_NO_PASID, 5,
					       IOMMU_FAULT_PERM_WRITE, 0x5000),
			 0);
	ck_assert_uint_eq(t_inbox_count(), 2);
	iommu_detach_group_handle(d, group);
	ck_assert_ptr_null(dev->iommu->fault_param);
	ck_assert_uint_eq(mock_dev_last_page_response(mdev, &responses),
			  IOMMU_PAGE_RESP_INVALID);
	ck_assert_uint_eq(responses, 3);
	iopf_group_response(t_inbox_group(1), IOMMU_PAGE_RESP_SUCCESS);
	mock_dev_last_page_response(mdev, &responses);
	ck_assert_uint_eq(responses, 3);
	iopf_free_group(t_inbox_group(1));
	ck_assert_int_eq(mock_dev_trigger_iopf(mdev, IOMMU_NO_PASID, 6, 0, 0),
			 -ENODEV);

	t_inbox_fini();
	iommu_group_release_dma_owner(group);
	iommu_domain_free(d);
	iommu_group_put(group);
	mock_dev_destroy(mdev);
}
END_TEST

/*
 * A test of the IOTLB gather helpers.  Expect ranges to merge, a disjoint
 * range to be seen as such (touching ranges are not disjoint), and
 * iommu_iotlb_sync() to reset the gather.
 */
START_TEST(test_core_iotlb_gather)
{
	struct iommu_iotlb_gather g;
	struct mock_dev *mdev = t_mock_dev(0);
	struct iommu_domain *d = t_attach_paging(mdev, 0);

	iommu_iotlb_gather_init(&g);
	ck_assert(!iommu_iotlb_gather_is_disjoint(&g, 0x1000, 0x1000));
	iommu_iotlb_gather_add_range(&g, 0x10000, 0x1000);
	iommu_iotlb_gather_add_range(&g, 0x8000, 0x800);
	ck_assert_uint_eq(g.start, 0x8000);
	ck_assert_uint_eq(g.end, 0x10fff);
	ck_assert(!iommu_iotlb_gather_is_disjoint(&g, 0x11000, 0x1000));
	ck_assert(iommu_iotlb_gather_is_disjoint(&g, 0x12000, 0x1000));
	iommu_iotlb_gather_add_page(d, &g, 0x40000, 0x800);
	ck_assert_uint_eq(g.start, 0x40000);	/* flushed, then added */
	ck_assert_uint_eq(g.pgsize, 0x800);
	iommu_iotlb_sync(d, &g);
	ck_assert_uint_eq(g.start, ULONG_MAX);
	ck_assert_uint_eq(g.end, 0);
	t_detach_free(mdev, d);
	mock_dev_destroy(mdev);
}
END_TEST

Suite *iommu_core_suite(void)
{
	Suite *s = suite_create("iommu_core");
	TCase *tc = iommu_tcase("core");

	tcase_add_test(tc, test_core_probe_groups_caps);
	tcase_add_test(tc, test_core_hw_info);
	tcase_add_test(tc, test_core_ownership_attach_detach);
	tcase_add_test(tc, test_core_replace_reverts_on_failure);
	tcase_add_test(tc, test_core_attach_handles);
	tcase_add_test(tc, test_core_pasid);
	tcase_add_test(tc, test_core_resv_regions);
	tcase_add_test(tc, test_core_iopf_groups);
	tcase_add_test(tc, test_core_iotlb_gather);
	suite_add_tcase(s, tc);
	return s;
}
