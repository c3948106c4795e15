// SPDX-License-Identifier: GPL-2.0
/*
 * The HWPT ioctls of issue 7 (uapi-spec 3.12-3.16, 7.4): HWPT_ALLOC
 * (paging with each flag, nested with the mock's data type, the fault
 * flag), GET_HW_INFO (the input-type flag, truncation and zero-fill, the
 * PASID width, capabilities), SET_DIRTY_TRACKING and GET_DIRTY_BITMAP
 * (with the mock's DIRTY op), and HWPT_INVALIDATE (partial progress and
 * the copy-back of entry_num on every path): layouts, size sweeps,
 * success and every errno the spec lists.
 */
#include <stdlib.h>
#include "uapi_cov.h"
#include "uapi_suites.h"

#define PAGE	COV_PAGE
#define IOPAGE	COV_IOPAGE
#define BASE	COV_BASE

#define ASSERT_OFF(type, member, off) \
	ck_assert_uint_eq(offsetof(type, member), (off))

START_TEST(test_layout_hwpt_structs)
{
	ck_assert_uint_eq(IOMMU_HWPT_ALLOC, 0x3b89);
	ck_assert_uint_eq(IOMMU_GET_HW_INFO, 0x3b8a);
	ck_assert_uint_eq(IOMMU_HWPT_SET_DIRTY_TRACKING, 0x3b8b);
	ck_assert_uint_eq(IOMMU_HWPT_GET_DIRTY_BITMAP, 0x3b8c);
	ck_assert_uint_eq(IOMMU_HWPT_INVALIDATE, 0x3b8d);

	ck_assert_uint_eq(sizeof(struct iommu_hwpt_alloc), 48);
	ASSERT_OFF(struct iommu_hwpt_alloc, flags, 4);
	ASSERT_OFF(struct iommu_hwpt_alloc, dev_id, 8);
	ASSERT_OFF(struct iommu_hwpt_alloc, pt_id, 12);
	ASSERT_OFF(struct iommu_hwpt_alloc, out_hwpt_id, 16);
	ASSERT_OFF(struct iommu_hwpt_alloc, __reserved, 20);
	ASSERT_OFF(struct iommu_hwpt_alloc, data_type, 24);
	ASSERT_OFF(struct iommu_hwpt_alloc, data_len, 28);
	ASSERT_OFF(struct iommu_hwpt_alloc, data_uptr, 32);
	ASSERT_OFF(struct iommu_hwpt_alloc, fault_id, 40);
	ASSERT_OFF(struct iommu_hwpt_alloc, __reserved2, 44);
	ck_assert_int_eq(IOMMU_HWPT_ALLOC_NEST_PARENT, 1);
	ck_assert_int_eq(IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 2);
	ck_assert_int_eq(IOMMU_HWPT_FAULT_ID_VALID, 4);
	ck_assert_int_eq(IOMMU_HWPT_ALLOC_PASID, 8);

	ck_assert_uint_eq(sizeof(struct iommu_hw_info), 40);
	ASSERT_OFF(struct iommu_hw_info, flags, 4);
	ASSERT_OFF(struct iommu_hw_info, dev_id, 8);
	ASSERT_OFF(struct iommu_hw_info, data_len, 12);
	ASSERT_OFF(struct iommu_hw_info, data_uptr, 16);
	ASSERT_OFF(struct iommu_hw_info, out_data_type, 24);
	ASSERT_OFF(struct iommu_hw_info, in_data_type, 24);
	ASSERT_OFF(struct iommu_hw_info, out_max_pasid_log2, 28);
	ASSERT_OFF(struct iommu_hw_info, __reserved, 29);
	ASSERT_OFF(struct iommu_hw_info, out_capabilities, 32);
	ck_assert_int_eq(IOMMU_HW_INFO_FLAG_INPUT_TYPE, 1);
	ck_assert_int_eq(IOMMU_HW_CAP_DIRTY_TRACKING, 1);

	ck_assert_uint_eq(sizeof(struct iommu_hwpt_set_dirty_tracking), 16);
	ASSERT_OFF(struct iommu_hwpt_set_dirty_tracking, flags, 4);
	ASSERT_OFF(struct iommu_hwpt_set_dirty_tracking, hwpt_id, 8);
	ASSERT_OFF(struct iommu_hwpt_set_dirty_tracking, __reserved, 12);

	ck_assert_uint_eq(sizeof(struct iommu_hwpt_get_dirty_bitmap), 48);
	ASSERT_OFF(struct iommu_hwpt_get_dirty_bitmap, hwpt_id, 4);
	ASSERT_OFF(struct iommu_hwpt_get_dirty_bitmap, flags, 8);
	ASSERT_OFF(struct iommu_hwpt_get_dirty_bitmap, __reserved, 12);
	ASSERT_OFF(struct iommu_hwpt_get_dirty_bitmap, iova, 16);
	ASSERT_OFF(struct iommu_hwpt_get_dirty_bitmap, length, 24);
	ASSERT_OFF(struct iommu_hwpt_get_dirty_bitmap, page_size, 32);
	ASSERT_OFF(struct iommu_hwpt_get_dirty_bitmap, data, 40);

	ck_assert_uint_eq(sizeof(struct iommu_hwpt_invalidate), 32);
	ASSERT_OFF(struct iommu_hwpt_invalidate, hwpt_id, 4);
	ASSERT_OFF(struct iommu_hwpt_invalidate, data_uptr, 8);
	ASSERT_OFF(struct iommu_hwpt_invalidate, data_type, 16);
	ASSERT_OFF(struct iommu_hwpt_invalidate, entry_len, 20);
	ASSERT_OFF(struct iommu_hwpt_invalidate, entry_num, 24);
	ASSERT_OFF(struct iommu_hwpt_invalidate, __reserved, 28);

	ck_assert_uint_eq(sizeof(struct iommu_hwpt_selftest), 4);
	ck_assert_uint_eq(sizeof(struct iommu_hwpt_invalidate_selftest), 8);
	ck_assert_uint_eq(sizeof(struct iommu_test_hw_info), 8);
	ck_assert_uint_eq(IOMMU_HW_INFO_TYPE_SELFTEST, 0xfeedbeef);
	ck_assert_uint_eq(IOMMU_HW_INFO_SELFTEST_REGVAL, 0xdeadbeef);
	ck_assert_uint_eq(IOMMU_HWPT_INVALIDATE_DATA_SELFTEST, 0xdeadbeef);
	ck_assert_uint_eq(IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID,
			  0xdadbeef);
	ck_assert_int_eq(IOMMU_TEST_INVALIDATE_FLAG_ALL, 1);
}
END_TEST

/* A context with an IOAS, a mock device on it and its automatic HWPT. */
struct henv {
	uint32_t ioas, stdev, idev, auto_hwpt;
};

static void henv_setup(struct henv *e, uint32_t dev_flags)
{
	sim_ioas_alloc(&e->ioas);
	sim_mock_domain_flags(e->ioas, dev_flags, &e->stdev, &e->auto_hwpt,
			      &e->idev);
}

/* ---- size sweeps ---------------------------------------------------------- */

static struct henv sweep_env;
static uint32_t sweep_parent, sweep_nested, sweep_dirty_hwpt;
static uint64_t sweep_bitmap[4];
static struct iommu_test_hw_info sweep_info;
static struct iommu_hwpt_invalidate_selftest sweep_inv;

static void fill_hwpt_alloc(void *buf, void *arg)
{
	struct iommu_hwpt_alloc *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->dev_id = sweep_env.idev;
	cmd->pt_id = sweep_env.ioas;
}

static void cleanup_hwpt_alloc(void *buf, void *arg)
{
	struct iommu_hwpt_alloc *cmd = buf;

	ck_assert_uint_gt(cmd->out_hwpt_id, sweep_env.auto_hwpt);
	sim_destroy(cmd->out_hwpt_id);
}

static void fill_hw_info(void *buf, void *arg)
{
	struct iommu_hw_info *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->dev_id = sweep_env.idev;
	cmd->data_len = sizeof(sweep_info);
	cmd->data_uptr = (uintptr_t)&sweep_info;
}

static void cleanup_hw_info(void *buf, void *arg)
{
	struct iommu_hw_info *cmd = buf;

	ck_assert_uint_eq(cmd->out_data_type, IOMMU_HW_INFO_TYPE_SELFTEST);
	ck_assert_uint_eq(cmd->data_len, sizeof(sweep_info));
	ck_assert_uint_eq(sweep_info.test_reg, IOMMU_HW_INFO_SELFTEST_REGVAL);
	ck_assert_uint_eq(cmd->out_capabilities, IOMMU_HW_CAP_DIRTY_TRACKING);
}

static void fill_set_dirty(void *buf, void *arg)
{
	struct iommu_hwpt_set_dirty_tracking *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
	cmd->hwpt_id = sweep_dirty_hwpt;
}

static void fill_get_dirty(void *buf, void *arg)
{
	struct iommu_hwpt_get_dirty_bitmap *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->hwpt_id = sweep_dirty_hwpt;
	cmd->iova = BASE;
	cmd->length = 4 * PAGE;
	cmd->page_size = PAGE;
	cmd->data = (uintptr_t)sweep_bitmap;
}

static void fill_invalidate(void *buf, void *arg)
{
	struct iommu_hwpt_invalidate *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->hwpt_id = sweep_nested;
	cmd->data_uptr = (uintptr_t)&sweep_inv;
	cmd->data_type = IOMMU_HWPT_INVALIDATE_DATA_SELFTEST;
	cmd->entry_len = sizeof(sweep_inv);
	cmd->entry_num = 1;
}

static void cleanup_invalidate(void *buf, void *arg)
{
	struct iommu_hwpt_invalidate *cmd = buf;

	ck_assert_uint_eq(cmd->entry_num, 1);
}

START_TEST(test_size_sweeps_hwpt)
{
	const struct uapi_size_case cases[] = {
		{ "IOMMU_HWPT_ALLOC", IOMMU_HWPT_ALLOC, 48, 24,
		  fill_hwpt_alloc, cleanup_hwpt_alloc },
		{ "IOMMU_GET_HW_INFO", IOMMU_GET_HW_INFO, 40, 32, fill_hw_info,
		  cleanup_hw_info },
		{ "IOMMU_HWPT_SET_DIRTY_TRACKING",
		  IOMMU_HWPT_SET_DIRTY_TRACKING, 16, 16, fill_set_dirty },
		{ "IOMMU_HWPT_GET_DIRTY_BITMAP", IOMMU_HWPT_GET_DIRTY_BITMAP,
		  48, 48, fill_get_dirty },
		{ "IOMMU_HWPT_INVALIDATE", IOMMU_HWPT_INVALIDATE, 32, 32,
		  fill_invalidate, cleanup_invalidate },
	};
	void *buf = uapi_mem(4 * PAGE);
	unsigned int i;

	henv_setup(&sweep_env, 0);
	sim_hwpt_alloc_paging(sweep_env.idev, sweep_env.ioas,
			      IOMMU_HWPT_ALLOC_NEST_PARENT, &sweep_parent);
	sim_hwpt_alloc_nested(sweep_env.idev, sweep_parent, 0, 0,
			      IOMMU_TEST_IOTLB_DEFAULT, &sweep_nested);
	sim_hwpt_alloc_paging(sweep_env.idev, sweep_env.ioas,
			      IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
			      &sweep_dirty_hwpt);
	sim_ioas_map_fixed(sweep_env.ioas, buf, 4 * PAGE, BASE);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(uapi_size_sweep(&cases[i]) == 0,
			      "%s: the exact size failed", cases[i].name);
	/* The sweep's invalidations did zero slot 0. */
	sim_check_iotlb(sweep_nested, 0, 0);
	sim_check_iotlb(sweep_nested, 1, IOMMU_TEST_IOTLB_DEFAULT);
}
END_TEST

/*
 * Structs shorter than the kernel's but at least the minimum are
 * zero-extended: HWPT_ALLOC at 24 bytes is a paging HWPT without data or
 * fault; GET_HW_INFO at 32 bytes has no room for out_capabilities, which
 * is then not written.
 */
START_TEST(test_short_structs_zero_extended)
{
	struct iommu_hwpt_alloc alloc = { .size = 24 };
	struct iommu_test_hw_info info = { 0 };
	struct iommu_hw_info hw;
	struct henv e;

	henv_setup(&e, 0);
	alloc.dev_id = e.idev;
	alloc.pt_id = e.ioas;
	/* Garbage where the 6.7 fields would be: not read. */
	alloc.data_type = 0x12345;
	alloc.data_len = 99;
	alloc.fault_id = 77;
	SIM_OK(_sim_ioctl(IOMMU_HWPT_ALLOC, &alloc));
	ck_assert_uint_gt(alloc.out_hwpt_id, e.auto_hwpt);
	/* Nothing past the 24 bytes was written back either. */
	ck_assert_uint_eq(alloc.data_type, 0x12345);
	ck_assert_uint_eq(alloc.fault_id, 77);
	sim_destroy(alloc.out_hwpt_id);
	/* 40 bytes (up to data_uptr) also works. */
	alloc.size = 40;
	alloc.data_type = IOMMU_HWPT_DATA_NONE;
	alloc.data_len = 0;
	alloc.data_uptr = 0;
	SIM_OK(_sim_ioctl(IOMMU_HWPT_ALLOC, &alloc));
	ck_assert_uint_eq(alloc.fault_id, 77);
	sim_destroy(alloc.out_hwpt_id);

	memset(&hw, 0, sizeof(hw));
	hw.size = 32;
	hw.dev_id = e.idev;
	hw.data_len = sizeof(info);
	hw.data_uptr = (uintptr_t)&info;
	hw.out_capabilities = 0xabcdef;
	SIM_OK(_sim_ioctl(IOMMU_GET_HW_INFO, &hw));
	ck_assert_uint_eq(hw.out_data_type, IOMMU_HW_INFO_TYPE_SELFTEST);
	ck_assert_uint_eq(info.test_reg, IOMMU_HW_INFO_SELFTEST_REGVAL);
	ck_assert_uint_eq(hw.out_capabilities, 0xabcdef);
}
END_TEST

/* ---- HWPT_ALLOC: paging --------------------------------------------------- */

START_TEST(test_hwpt_alloc_paging_flags)
{
	void *buf = uapi_mem(4 * PAGE);
	uint32_t hwpt, nest_parent, dirty, pasid_hwpt, fault_id, other;
	struct henv e, nodirty, pasid;
	int fault_fd;

	henv_setup(&e, 0);
	sim_ioas_map_fixed(e.ioas, buf, 4 * PAGE, BASE);

	/* No flags: a domain filled from the IOAS, attached to nothing. */
	sim_hwpt_alloc_paging(e.idev, e.ioas, 0, &hwpt);
	sim_check_map(hwpt, BASE, 4 * PAGE, buf);
	sim_check_refs(buf, 4 * PAGE, 1);
	/* Nothing holds it but the table. */
	sim_destroy(hwpt);

	sim_hwpt_alloc_paging(e.idev, e.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT,
			      &nest_parent);
	sim_check_map(nest_parent, BASE, 4 * PAGE, buf);
	sim_hwpt_alloc_paging(e.idev, e.ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
			      &dirty);
	sim_set_dirty_tracking(dirty, true);
	/* Only a HWPT allocated with the flag tracks. */
	sim_err_set_dirty_tracking(EOPNOTSUPP, nest_parent, true);
	sim_hwpt_alloc_paging(e.idev, e.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT |
			      IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &other);

	/* Faults on a paging HWPT (6.13 on), but not on a nest parent. */
	sim_fault_alloc(&fault_id, &fault_fd);
	sim_hwpt_alloc(e.idev, e.ioas, IOMMU_HWPT_FAULT_ID_VALID, fault_id,
		       IOMMU_HWPT_DATA_NONE, NULL, 0, &hwpt);
	sim_err_destroy(EBUSY, fault_id);
	sim_destroy(hwpt);
	sim_err_hwpt_alloc(EOPNOTSUPP, e.idev, e.ioas,
			   IOMMU_HWPT_FAULT_ID_VALID |
				   IOMMU_HWPT_ALLOC_NEST_PARENT,
			   fault_id, IOMMU_HWPT_DATA_NONE, NULL, 0, &hwpt);
	/* A missing fault object, or another type's ID. */
	sim_err_hwpt_alloc(ENOENT, e.idev, e.ioas, IOMMU_HWPT_FAULT_ID_VALID,
			   999, IOMMU_HWPT_DATA_NONE, NULL, 0, &hwpt);
	sim_err_hwpt_alloc(ENOENT, e.idev, e.ioas, IOMMU_HWPT_FAULT_ID_VALID,
			   e.ioas, IOMMU_HWPT_DATA_NONE, NULL, 0, &hwpt);
	/* Without the flag fault_id is ignored. */
	sim_hwpt_alloc(e.idev, e.ioas, 0, 999, IOMMU_HWPT_DATA_NONE, NULL, 0,
		       &hwpt);
	sim_destroy(hwpt);
	sim_close(fault_fd);
	sim_destroy(fault_id);

	/* Unknown flags. */
	sim_err_hwpt_alloc_paging(EOPNOTSUPP, e.idev, e.ioas, 1 << 4, &hwpt);
	sim_err_hwpt_alloc_paging(EOPNOTSUPP, e.idev, e.ioas, 0x80000000,
				  &hwpt);

	/* Dirty tracking needs the device's capability. */
	henv_setup(&nodirty, MOCK_FLAGS_DEVICE_NO_DIRTY);
	sim_err_hwpt_alloc_paging(EOPNOTSUPP, nodirty.idev, nodirty.ioas,
				  IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &hwpt);
	sim_hwpt_alloc_paging(nodirty.idev, nodirty.ioas,
			      IOMMU_HWPT_ALLOC_NEST_PARENT, &hwpt);

	/* A PASID-capable HWPT. */
	henv_setup(&pasid, MOCK_FLAGS_DEVICE_PASID);
	sim_hwpt_alloc_paging(pasid.idev, pasid.ioas, IOMMU_HWPT_ALLOC_PASID,
			      &pasid_hwpt);
	sim_hwpt_alloc_paging(pasid.idev, pasid.ioas,
			      IOMMU_HWPT_ALLOC_PASID |
				      IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
			      &hwpt);
	{
		uint32_t pt = pasid_hwpt;

		sim_pasid_attach(pasid.stdev, 10, &pt);
		sim_pasid_detach(pasid.stdev, 10);
	}
}
END_TEST

START_TEST(test_hwpt_alloc_errors)
{
	struct iommu_hwpt_selftest data = { .iotlb = 1 };
	struct iommu_hwpt_alloc cmd = { .size = sizeof(cmd) };
	void *low = uapi_mem(PAGE);
	uint32_t hwpt, fault_id, id, low_ioas;
	struct henv e;
	int fault_fd;
	void *ro;

	henv_setup(&e, 0);
	sim_fault_alloc(&fault_id, &fault_fd);

	cmd.dev_id = e.idev;
	cmd.pt_id = e.ioas;
	cmd.__reserved = 1;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_HWPT_ALLOC, &cmd));
	/* __reserved2 is padding nobody checks. */
	cmd.__reserved = 0;
	cmd.__reserved2 = 1;
	SIM_OK(_sim_ioctl(IOMMU_HWPT_ALLOC, &cmd));
	sim_destroy(cmd.out_hwpt_id);

	/* data_type and data_len must agree, before any lookup. */
	sim_err_hwpt_alloc(EINVAL, 999, 999, 0, 0, IOMMU_HWPT_DATA_NONE,
			   &data, sizeof(data), &hwpt);
	sim_err_hwpt_alloc(EINVAL, 999, 999, 0, 0, IOMMU_HWPT_DATA_SELFTEST,
			   &data, 0, &hwpt);
	/* The device: missing, or not a device. */
	sim_err_hwpt_alloc_paging(ENOENT, 999, e.ioas, 0, &hwpt);
	sim_err_hwpt_alloc_paging(ENOENT, e.ioas, e.ioas, 0, &hwpt);
	sim_err_hwpt_alloc_paging(ENOENT, e.stdev, e.ioas, 0, &hwpt);
	/* pt_id: missing is EINVAL (not ENOENT), another type EINVAL. */
	sim_err_hwpt_alloc_paging(EINVAL, e.idev, 999, 0, &hwpt);
	sim_err_hwpt_alloc_paging(EINVAL, e.idev, 0, 0, &hwpt);
	sim_err_hwpt_alloc_paging(EINVAL, e.idev, e.idev, 0, &hwpt);
	sim_err_hwpt_alloc_paging(EINVAL, e.idev, e.stdev, 0, &hwpt);
	sim_err_hwpt_alloc_paging(EINVAL, e.idev, fault_id, 0, &hwpt);
	/* The mock's paging domains take no driver data. */
	sim_err_hwpt_alloc(EOPNOTSUPP, e.idev, e.ioas, 0, 0,
			   IOMMU_HWPT_DATA_SELFTEST, &data, sizeof(data),
			   &hwpt);

	/* A mapping outside the aperture: the domain cannot be added. */
	sim_ioas_alloc(&low_ioas);
	sim_ioas_map_fixed(low_ioas, low, PAGE, PAGE);
	sim_err_hwpt_alloc_paging(EADDRINUSE, e.idev, low_ioas, 0, &hwpt);

	/* The response cannot be copied out: EFAULT, nothing is left. */
	memset(&cmd, 0, sizeof(cmd));
	cmd.size = sizeof(cmd);
	cmd.dev_id = e.idev;
	cmd.pt_id = e.ioas;
	ro = uapi_ro_copy(&cmd, sizeof(cmd));
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_HWPT_ALLOC, ro));
	uapi_ro_free(ro, sizeof(cmd));
	sim_ioas_alloc(&id);
	ck_assert_uint_eq(id, low_ioas + 1);

	/*
	 * Manually allocated HWPTs are never picked automatically: another
	 * device attaching to the IOAS joins the automatic one.
	 */
	sim_hwpt_alloc_paging(e.idev, e.ioas, 0, &hwpt);
	{
		uint32_t got;

		sim_mock_domain(e.ioas, NULL, &got, NULL);
		ck_assert_uint_eq(got, e.auto_hwpt);
	}
	/* A paging HWPT holds its IOAS. */
	sim_err_destroy(EBUSY, e.ioas);
	sim_close(fault_fd);
}
END_TEST

/* ---- HWPT_ALLOC: nested --------------------------------------------------- */

START_TEST(test_hwpt_alloc_nested)
{
	struct {
		struct iommu_hwpt_selftest data;
		uint32_t tail;
	} big = { { .iotlb = 0x1234 }, 0 };
	struct iommu_hwpt_selftest data = { .iotlb = IOMMU_TEST_IOTLB_DEFAULT };
	uint32_t parent, plain, nested, nested2, fault_id, hwpt, slot;
	struct henv e;
	int fault_fd;

	henv_setup(&e, 0);
	sim_hwpt_alloc_paging(e.idev, e.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT,
			      &parent);
	sim_hwpt_alloc_paging(e.idev, e.ioas, 0, &plain);

	sim_hwpt_alloc_nested(e.idev, parent, 0, 0, IOMMU_TEST_IOTLB_DEFAULT,
			      &nested);
	for (slot = 0; slot <= MOCK_NESTED_DOMAIN_IOTLB_ID_MAX; slot++)
		sim_check_iotlb(nested, slot, IOMMU_TEST_IOTLB_DEFAULT);
	/* A longer struct with a zero tail is accepted. */
	sim_hwpt_alloc(e.idev, parent, 0, 0, IOMMU_HWPT_DATA_SELFTEST, &big,
		       sizeof(big), &nested2);
	sim_check_iotlb(nested2, 3, 0x1234);
	/* A nested HWPT holds its parent. */
	sim_err_destroy(EBUSY, parent);
	sim_destroy(nested2);

	/* The driver's view of the data. */
	sim_err_hwpt_alloc(EOPNOTSUPP, e.idev, parent, 0, 0,
			   IOMMU_HWPT_DATA_VTD_S1, &data, sizeof(data), &hwpt);
	sim_err_hwpt_alloc(EOPNOTSUPP, e.idev, parent, 0, 0, 0x12345, &data,
			   sizeof(data), &hwpt);
	sim_err_hwpt_alloc(EINVAL, e.idev, parent, 0, 0,
			   IOMMU_HWPT_DATA_SELFTEST, &data, 2, &hwpt);
	big.tail = 1;
	sim_err_hwpt_alloc(E2BIG, e.idev, parent, 0, 0,
			   IOMMU_HWPT_DATA_SELFTEST, &big, sizeof(big), &hwpt);
	sim_err_hwpt_alloc(EFAULT, e.idev, parent, 0, 0,
			   IOMMU_HWPT_DATA_SELFTEST, (void *)8, sizeof(data),
			   &hwpt);
	/* No data at all on a paging parent asks for a nested HWPT. */
	sim_err_hwpt_alloc_paging(EOPNOTSUPP, e.idev, parent, 0, &hwpt);

	/* The parent: a nest parent, not automatic, a paging HWPT. */
	sim_err_hwpt_alloc_nested(EINVAL, e.idev, plain, 0, 0, 1, &hwpt);
	sim_err_hwpt_alloc_nested(EINVAL, e.idev, e.auto_hwpt, 0, 0, 1, &hwpt);
	sim_err_hwpt_alloc_nested(EINVAL, e.idev, nested, 0, 0, 1, &hwpt);
	sim_err_hwpt_alloc_nested(EINVAL, e.idev, 999, 0, 0, 1, &hwpt);

	/* Flags: only FAULT_ID_VALID (and PASID). */
	sim_err_hwpt_alloc_nested(EOPNOTSUPP, e.idev, parent,
				  IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0, 1, &hwpt);
	sim_err_hwpt_alloc_nested(EOPNOTSUPP, e.idev, parent,
				  IOMMU_HWPT_ALLOC_NEST_PARENT, 0, 1, &hwpt);
	sim_fault_alloc(&fault_id, &fault_fd);
	sim_err_hwpt_alloc_nested(ENOENT, e.idev, parent,
				  IOMMU_HWPT_FAULT_ID_VALID, 999, 1, &hwpt);
	sim_hwpt_alloc_nested(e.idev, parent, IOMMU_HWPT_FAULT_ID_VALID,
			      fault_id, 1, &hwpt);
	sim_err_destroy(EBUSY, fault_id);
	/* A device attaches to a nested HWPT like to any other. */
	{
		uint32_t pt = hwpt;

		sim_mock_domain_replace(e.stdev, &pt);
		ck_assert_uint_eq(pt, hwpt);
		sim_err_destroy(EBUSY, hwpt);
		pt = e.ioas;
		sim_mock_domain_replace(e.stdev, &pt);
	}
	sim_destroy(hwpt);
	sim_close(fault_fd);
	sim_destroy(fault_id);
	sim_destroy(nested);
	sim_destroy(parent);
}
END_TEST

/* ---- GET_HW_INFO ------------------------------------------------------------ */

START_TEST(test_get_hw_info)
{
	struct iommu_test_hw_info info;
	unsigned char big[24];
	struct iommu_hw_info cmd;
	struct henv e, nodirty, pasid;
	unsigned int i;

	henv_setup(&e, 0);
	henv_setup(&nodirty, MOCK_FLAGS_DEVICE_NO_DIRTY);
	henv_setup(&pasid, MOCK_FLAGS_DEVICE_PASID);

	/* The exact size. */
	memset(&cmd, 0, sizeof(cmd));
	memset(&info, 0xff, sizeof(info));
	cmd.data_len = sizeof(info);
	cmd.data_uptr = (uintptr_t)&info;
	sim_hw_info(e.idev, &cmd);
	ck_assert_uint_eq(cmd.out_data_type, IOMMU_HW_INFO_TYPE_SELFTEST);
	ck_assert_uint_eq(cmd.data_len, sizeof(info));
	ck_assert_uint_eq(info.flags, 0);
	ck_assert_uint_eq(info.test_reg, IOMMU_HW_INFO_SELFTEST_REGVAL);
	ck_assert_uint_eq(cmd.out_capabilities, IOMMU_HW_CAP_DIRTY_TRACKING);
	ck_assert_uint_eq(cmd.out_max_pasid_log2, 0);
	ck_assert_uint_eq(cmd.dev_id, e.idev);

	/* A bigger buffer: the rest is zeroed, the real size comes back. */
	memset(big, 0xee, sizeof(big));
	memset(&cmd, 0, sizeof(cmd));
	cmd.data_len = sizeof(big);
	cmd.data_uptr = (uintptr_t)big;
	sim_hw_info(e.idev, &cmd);
	ck_assert_uint_eq(cmd.data_len, sizeof(info));
	memcpy(&info, big, sizeof(info));
	ck_assert_uint_eq(info.test_reg, IOMMU_HW_INFO_SELFTEST_REGVAL);
	for (i = sizeof(info); i < sizeof(big); i++)
		ck_assert_uint_eq(big[i], 0);

	/* A smaller one: truncated, not an error; the rest untouched. */
	memset(big, 0xee, sizeof(big));
	memset(&cmd, 0, sizeof(cmd));
	cmd.data_len = 6;
	cmd.data_uptr = (uintptr_t)big;
	sim_hw_info(e.idev, &cmd);
	ck_assert_uint_eq(cmd.data_len, sizeof(info));
	ck_assert_uint_eq(big[0], 0);
	ck_assert_uint_eq(big[4], 0xef);
	ck_assert_uint_eq(big[5], 0xbe);
	ck_assert_uint_eq(big[6], 0xee);
	/* None at all: just the size and type. */
	memset(&cmd, 0, sizeof(cmd));
	sim_hw_info(e.idev, &cmd);
	ck_assert_uint_eq(cmd.data_len, sizeof(info));
	ck_assert_uint_eq(cmd.out_data_type, IOMMU_HW_INFO_TYPE_SELFTEST);

	/* Capabilities and the PASID width follow the device. */
	memset(&cmd, 0, sizeof(cmd));
	cmd.out_capabilities = 0xff;
	cmd.out_max_pasid_log2 = 0;
	sim_hw_info(nodirty.idev, &cmd);
	ck_assert_uint_eq(cmd.out_capabilities, 0);
	ck_assert_uint_eq(cmd.out_max_pasid_log2, 0);
	memset(&cmd, 0, sizeof(cmd));
	sim_hw_info(pasid.idev, &cmd);
	ck_assert_uint_eq(cmd.out_max_pasid_log2, 20);
	ck_assert_uint_eq(cmd.out_capabilities, IOMMU_HW_CAP_DIRTY_TRACKING);

	/* INPUT_TYPE: the type asked for must be the driver's (or DEFAULT). */
	memset(&cmd, 0, sizeof(cmd));
	cmd.flags = IOMMU_HW_INFO_FLAG_INPUT_TYPE;
	cmd.in_data_type = IOMMU_HW_INFO_TYPE_SELFTEST;
	sim_hw_info(e.idev, &cmd);
	ck_assert_uint_eq(cmd.out_data_type, IOMMU_HW_INFO_TYPE_SELFTEST);
	cmd.in_data_type = IOMMU_HW_INFO_TYPE_DEFAULT;
	cmd.data_len = 0;
	sim_hw_info(e.idev, &cmd);
	ck_assert_uint_eq(cmd.out_data_type, IOMMU_HW_INFO_TYPE_SELFTEST);
	cmd.in_data_type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
	cmd.data_len = 0;
	sim_err_hw_info(EOPNOTSUPP, e.idev, &cmd);
	cmd.in_data_type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3;
	sim_err_hw_info(EOPNOTSUPP, e.idev, &cmd);
	/* Without the flag the input is ignored. */
	cmd.flags = 0;
	cmd.in_data_type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
	sim_hw_info(e.idev, &cmd);
	ck_assert_uint_eq(cmd.out_data_type, IOMMU_HW_INFO_TYPE_SELFTEST);

	/* Errors. */
	memset(&cmd, 0, sizeof(cmd));
	cmd.flags = 1 << 1;
	sim_err_hw_info(EOPNOTSUPP, e.idev, &cmd);
	cmd.flags = 0;
	for (i = 0; i < 3; i++) {
		memset(cmd.__reserved, 0, sizeof(cmd.__reserved));
		cmd.__reserved[i] = 1;
		sim_err_hw_info(EOPNOTSUPP, e.idev, &cmd);
		/* Before the device lookup. */
		sim_err_hw_info(EOPNOTSUPP, 999, &cmd);
	}
	memset(cmd.__reserved, 0, sizeof(cmd.__reserved));
	sim_err_hw_info(ENOENT, 999, &cmd);
	sim_err_hw_info(ENOENT, e.ioas, &cmd);
	sim_err_hw_info(ENOENT, e.stdev, &cmd);
	/* The buffer cannot be written. */
	cmd.data_len = sizeof(info);
	cmd.data_uptr = 8;
	sim_err_hw_info(EFAULT, e.idev, &cmd);
}
END_TEST

/* ---- dirty tracking --------------------------------------------------------- */

/* A context with a dirty-tracking HWPT the device is attached to. */
struct denv {
	struct henv e;
	uint32_t hwpt;
	void *buf;
};

static void denv_setup(struct denv *d, uint32_t dev_flags, size_t len)
{
	uint32_t pt;

	henv_setup(&d->e, dev_flags);
	sim_hwpt_alloc_paging(d->e.idev, d->e.ioas,
			      IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &d->hwpt);
	pt = d->hwpt;
	sim_mock_domain_replace(d->e.stdev, &pt);
	d->buf = uapi_mem_opts(len, &(struct iommufd_sim_mem_opts){
		.placement = IOMMUFD_SIM_CONTIGUOUS });
	sim_ioas_map_fixed(d->e.ioas, d->buf, len, BASE);
}

/* DIRTY of one mock IO page at @iova. */
static void mark_dirty(uint32_t hwpt, uint64_t iova)
{
	uint64_t bit = 1, nr;

	sim_dirty(hwpt, iova, IOPAGE, IOPAGE, &bit, &nr);
	ck_assert_uint_eq(nr, 1);
}

START_TEST(test_set_dirty_tracking)
{
	struct iommu_hwpt_set_dirty_tracking cmd = { .size = sizeof(cmd) };
	uint64_t bitmap[2] = { 0 };
	uint32_t parent, nested;
	struct denv d;
	void *ro;

	denv_setup(&d, 0, 16 * PAGE);
	sim_set_dirty_tracking(d.hwpt, true);
	sim_set_dirty_tracking(d.hwpt, true);	/* idempotent */
	mark_dirty(d.hwpt, BASE + 2 * PAGE);
	sim_set_dirty_tracking(d.hwpt, false);
	/* Re-enabling starts from a clean snapshot. */
	sim_set_dirty_tracking(d.hwpt, true);
	sim_get_dirty_bitmap(d.hwpt, BASE, 16 * PAGE, PAGE, bitmap, 0);
	ck_assert_uint_eq(bitmap[0], 0);
	/* Enabling again while on clears too. */
	mark_dirty(d.hwpt, BASE + 3 * PAGE);
	sim_set_dirty_tracking(d.hwpt, true);
	sim_get_dirty_bitmap(d.hwpt, BASE, 16 * PAGE, PAGE, bitmap, 0);
	ck_assert_uint_eq(bitmap[0], 0);

	/* Errors. */
	cmd.hwpt_id = d.hwpt;
	cmd.flags = 2;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_HWPT_SET_DIRTY_TRACKING, &cmd));
	cmd.flags = 0x80000001;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_HWPT_SET_DIRTY_TRACKING, &cmd));
	sim_err_set_dirty_tracking(ENOENT, 999, true);
	sim_err_set_dirty_tracking(ENOENT, d.e.ioas, true);
	sim_hwpt_alloc_paging(d.e.idev, d.e.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT,
			      &parent);
	sim_hwpt_alloc_nested(d.e.idev, parent, 0, 0, 0, &nested);
	sim_err_set_dirty_tracking(ENOENT, nested, true);
	/* A domain allocated without dirty tracking. */
	sim_err_set_dirty_tracking(EOPNOTSUPP, parent, true);
	sim_err_set_dirty_tracking(EOPNOTSUPP, parent, false);

	/* __reserved is not checked, and nothing is copied back. */
	cmd.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
	cmd.__reserved = 0xffffffff;
	ro = uapi_ro_copy(&cmd, sizeof(cmd));
	SIM_OK(_sim_ioctl(IOMMU_HWPT_SET_DIRTY_TRACKING, ro));
	uapi_ro_free(ro, sizeof(cmd));
}
END_TEST

START_TEST(test_get_dirty_bitmap)
{
	struct iommu_hwpt_get_dirty_bitmap cmd = { .size = sizeof(cmd) };
	uint64_t bitmap[4];
	struct denv d;
	void *ro;

	denv_setup(&d, 0, 64 * PAGE);
	sim_set_dirty_tracking(d.hwpt, true);
	mark_dirty(d.hwpt, BASE);
	mark_dirty(d.hwpt, BASE + 5 * PAGE + IOPAGE);
	mark_dirty(d.hwpt, BASE + 63 * PAGE);

	/* NO_CLEAR reads and keeps. */
	memset(bitmap, 0, sizeof(bitmap));
	sim_get_dirty_bitmap(d.hwpt, BASE, 64 * PAGE, PAGE, bitmap,
			     IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	ck_assert_uint_eq(bitmap[0], (1ULL << 0) | (1ULL << 5) | (1ULL << 63));
	/* Bits are only set: what user space left set stays set. */
	bitmap[0] = 1ULL << 7;
	bitmap[1] = 0;
	sim_get_dirty_bitmap(d.hwpt, BASE, 64 * PAGE, PAGE, bitmap,
			     IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	ck_assert_uint_eq(bitmap[0], (1ULL << 0) | (1ULL << 5) | (1ULL << 7) |
					     (1ULL << 63));
	ck_assert_uint_eq(bitmap[1], 0);
	/* At IO-page granularity, from an offset: bit i is iova + i * 2K. */
	memset(bitmap, 0, sizeof(bitmap));
	sim_get_dirty_bitmap(d.hwpt, BASE + 4 * PAGE, 32 * IOPAGE, IOPAGE,
			     bitmap, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	ck_assert_uint_eq(bitmap[0], 1ULL << 3);
	/* Without NO_CLEAR: read, then clean. */
	memset(bitmap, 0, sizeof(bitmap));
	sim_get_dirty_bitmap(d.hwpt, BASE, 64 * PAGE, PAGE, bitmap, 0);
	ck_assert_uint_eq(bitmap[0], (1ULL << 0) | (1ULL << 5) | (1ULL << 63));
	memset(bitmap, 0, sizeof(bitmap));
	sim_get_dirty_bitmap(d.hwpt, BASE, 64 * PAGE, PAGE, bitmap, 0);
	ck_assert_uint_eq(bitmap[0], 0);

	/* Errors of the struct. */
	cmd.hwpt_id = d.hwpt;
	cmd.iova = BASE;
	cmd.length = 64 * PAGE;
	cmd.page_size = PAGE;
	cmd.data = (uintptr_t)bitmap;
	cmd.flags = 2;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd));
	cmd.flags = 0;
	cmd.__reserved = 1;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd));
	cmd.__reserved = 0;
	/* Nothing is copied back: a read-only struct works. */
	ro = uapi_ro_copy(&cmd, sizeof(cmd));
	SIM_OK(_sim_ioctl(IOMMU_HWPT_GET_DIRTY_BITMAP, ro));
	uapi_ro_free(ro, sizeof(cmd));

	/* The HWPT. */
	sim_err_get_dirty_bitmap(ENOENT, 999, BASE, PAGE, PAGE, bitmap, 0);
	sim_err_get_dirty_bitmap(ENOENT, d.e.ioas, BASE, PAGE, PAGE, bitmap,
				 0);
	/* The range: length, overflow, alignment to the IOAS and the bit. */
	sim_err_get_dirty_bitmap(EINVAL, d.hwpt, BASE, 0, PAGE, bitmap, 0);
	sim_err_get_dirty_bitmap(EOVERFLOW, d.hwpt, UINT64_MAX - PAGE + 1,
				 2 * PAGE, PAGE, bitmap, 0);
	sim_err_get_dirty_bitmap(EINVAL, d.hwpt, BASE + 1024, PAGE, PAGE,
				 bitmap, 0);
	sim_err_get_dirty_bitmap(EINVAL, d.hwpt, BASE, PAGE + 1024, PAGE,
				 bitmap, 0);
	sim_err_get_dirty_bitmap(EINVAL, d.hwpt, BASE, PAGE, 0, bitmap, 0);
	sim_err_get_dirty_bitmap(EINVAL, d.hwpt, BASE + IOPAGE, PAGE, PAGE,
				 bitmap, 0);
	sim_err_get_dirty_bitmap(EINVAL, d.hwpt, BASE, PAGE + IOPAGE, PAGE,
				 bitmap, 0);
	/*
	 * An unwritable bitmap: its first window is pinned when the walk is
	 * set up, and the kernel reports any failure there as ENOMEM.
	 */
	sim_err_get_dirty_bitmap(ENOMEM, d.hwpt, BASE, 64 * PAGE, PAGE,
				 (void *)8, 0);
	/*
	 * Errors of the walk are returned (the newer behaviour; 6.12 dropped
	 * them): a range not fully mapped, tracking off.
	 */
	sim_err_get_dirty_bitmap(EINVAL, d.hwpt, BASE + 32 * PAGE, 64 * PAGE,
				 PAGE, bitmap, 0);
	sim_set_dirty_tracking(d.hwpt, false);
	sim_err_get_dirty_bitmap(EINVAL, d.hwpt, BASE, 64 * PAGE, PAGE, bitmap,
				 0);
}
END_TEST

START_TEST(test_get_dirty_bitmap_no_dirty_ops)
{
	uint64_t bitmap[1] = { 0 };
	void *buf = uapi_mem(PAGE);
	struct henv e;

	/* An automatic domain of a NO_DIRTY device has no dirty ops. */
	henv_setup(&e, MOCK_FLAGS_DEVICE_NO_DIRTY);
	sim_ioas_map_fixed(e.ioas, buf, PAGE, BASE);
	sim_err_get_dirty_bitmap(EOPNOTSUPP, e.auto_hwpt, BASE, PAGE, PAGE,
				 bitmap, 0);
	sim_err_set_dirty_tracking(EOPNOTSUPP, e.auto_hwpt, true);
}
END_TEST

/* A huge IOPTE that is dirty sets the bits of all of it. */
START_TEST(test_get_dirty_bitmap_huge_iopte)
{
	const uint64_t huge = 512 * IOPAGE;	/* 1 MiB */
	uint64_t bitmap[8];
	uint32_t hwpt, pt;
	struct henv e;
	unsigned int i;
	void *buf;

	henv_setup(&e, MOCK_FLAGS_DEVICE_HUGE_IOVA);
	sim_hwpt_alloc_paging(e.idev, e.ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
			      &hwpt);
	pt = hwpt;
	sim_mock_domain_replace(e.stdev, &pt);
	buf = uapi_mem_opts(2 * huge, &(struct iommufd_sim_mem_opts){
		.placement = IOMMUFD_SIM_CONTIGUOUS });
	/* A 1 MiB aligned IOVA and physically contiguous memory. */
	sim_ioas_map_fixed(e.ioas, buf, 2 * huge, BASE);
	sim_set_dirty_tracking(hwpt, true);
	mark_dirty(hwpt, BASE + huge + 3 * IOPAGE);

	memset(bitmap, 0, sizeof(bitmap));
	sim_get_dirty_bitmap(hwpt, BASE, 2 * huge, 4 * PAGE, bitmap, 0);
	/* 16 KiB per bit: 64 bits per MiB; the second MiB is all dirty. */
	ck_assert_uint_eq(bitmap[0], 0);
	ck_assert_uint_eq(bitmap[1], ~0ULL);
	for (i = 2; i < 8; i++)
		ck_assert_uint_eq(bitmap[i], 0);
}
END_TEST

/* ---- HWPT_INVALIDATE ---------------------------------------------------------- */

static int invalidate_raw(uint32_t hwpt, void *reqs, uint32_t type,
			  uint32_t entry_len, uint32_t entry_num,
			  uint32_t reserved, uint32_t *out_num)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt,
		.data_uptr = (uintptr_t)reqs,
		.data_type = type,
		.entry_len = entry_len,
		.entry_num = entry_num,
		.__reserved = reserved,
	};
	int rc;

	rc = _sim_ioctl(IOMMU_HWPT_INVALIDATE, &cmd);
	*out_num = cmd.entry_num;
	return rc;
}

START_TEST(test_hwpt_invalidate)
{
	struct iommu_hwpt_invalidate_selftest inv[4];
	struct {
		struct iommu_hwpt_invalidate_selftest inv;
		uint32_t tail;
	} big[2];
	const uint32_t T = IOMMU_HWPT_INVALIDATE_DATA_SELFTEST;
	const uint32_t L = sizeof(inv[0]);
	uint32_t parent, nested, num, slot;
	struct iommu_hwpt_invalidate cmd;
	struct henv e;
	void *ro;

	henv_setup(&e, 0);
	sim_hwpt_alloc_paging(e.idev, e.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT,
			      &parent);
	sim_hwpt_alloc_nested(e.idev, parent, 0, 0, IOMMU_TEST_IOTLB_DEFAULT,
			      &nested);

	/* Two requests: slots 1 and 3 are zeroed, both are counted. */
	memset(inv, 0, sizeof(inv));
	inv[0].iotlb_id = 1;
	inv[1].iotlb_id = 3;
	num = 2;
	sim_hwpt_invalidate(nested, inv, T, L, &num);
	ck_assert_uint_eq(num, 2);
	sim_check_iotlb(nested, 0, IOMMU_TEST_IOTLB_DEFAULT);
	sim_check_iotlb(nested, 1, 0);
	sim_check_iotlb(nested, 2, IOMMU_TEST_IOTLB_DEFAULT);
	sim_check_iotlb(nested, 3, 0);

	/* Zero requests probe the type; the driver still checks it. */
	num = 0;
	sim_hwpt_invalidate(nested, NULL, T, 0, &num);
	ck_assert_uint_eq(num, 0);
	sim_err_hwpt_invalidate(EINVAL, nested, NULL,
				IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID, 0,
				&num);
	ck_assert_uint_eq(num, 0);

	/*
	 * Partial progress: processing stops at the first bad request and
	 * entry_num says how many were done, on the error path too.
	 */
	sim_destroy(nested);
	sim_hwpt_alloc_nested(e.idev, parent, 0, 0, IOMMU_TEST_IOTLB_DEFAULT,
			      &nested);
	memset(inv, 0, sizeof(inv));
	inv[0].iotlb_id = 0;
	inv[1].flags = 1 << 1;		/* unknown flag */
	inv[2].iotlb_id = 2;
	num = 3;
	sim_err_hwpt_invalidate(EOPNOTSUPP, nested, inv, T, L, &num);
	ck_assert_uint_eq(num, 1);
	sim_check_iotlb(nested, 0, 0);
	sim_check_iotlb(nested, 2, IOMMU_TEST_IOTLB_DEFAULT);
	inv[1].flags = 0;
	inv[1].iotlb_id = MOCK_NESTED_DOMAIN_IOTLB_ID_MAX + 1;
	num = 3;
	sim_err_hwpt_invalidate(EINVAL, nested, inv, T, L, &num);
	ck_assert_uint_eq(num, 1);
	sim_check_iotlb(nested, 2, IOMMU_TEST_IOTLB_DEFAULT);
	/* FLAG_ALL zeroes every slot. */
	inv[0].flags = IOMMU_TEST_INVALIDATE_FLAG_ALL;
	inv[0].iotlb_id = 0;
	num = 1;
	sim_hwpt_invalidate(nested, inv, T, L, &num);
	for (slot = 0; slot <= MOCK_NESTED_DOMAIN_IOTLB_ID_MAX; slot++)
		sim_check_iotlb(nested, slot, 0);

	/* Each request is an extensible struct of entry_len bytes. */
	memset(big, 0, sizeof(big));
	big[0].inv.iotlb_id = 1;
	big[1].inv.iotlb_id = 2;
	num = 2;
	sim_hwpt_invalidate(nested, big, T, sizeof(big[0]), &num);
	ck_assert_uint_eq(num, 2);
	big[1].tail = 1;
	num = 2;
	sim_err_hwpt_invalidate(E2BIG, nested, big, T, sizeof(big[0]), &num);
	ck_assert_uint_eq(num, 1);
	num = 1;
	sim_err_hwpt_invalidate(EINVAL, nested, inv, T, 4, &num);
	ck_assert_uint_eq(num, 0);
	num = 1;
	sim_err_hwpt_invalidate(EFAULT, nested, (void *)8, T, L, &num);
	ck_assert_uint_eq(num, 0);

	/* Errors before the driver: entry_num is written back as 0. */
	SIM_ERR(EOPNOTSUPP, invalidate_raw(nested, inv, T, L, 1, 1, &num));
	ck_assert_uint_eq(num, 0);
	SIM_ERR(EINVAL, invalidate_raw(nested, NULL, T, L, 1, 0, &num));
	ck_assert_uint_eq(num, 0);
	SIM_ERR(EINVAL, invalidate_raw(nested, inv, T, 0, 1, 0, &num));
	SIM_ERR(EINVAL, invalidate_raw(nested, inv, T, PAGE + 1, 1, 0, &num));
	SIM_ERR(EINVAL, invalidate_raw(nested, inv, T, L, (1U << 19) + 1, 0,
				       &num));
	ck_assert_uint_eq(num, 0);
	/* The object: missing, or not a nested HWPT. */
	SIM_ERR(ENOENT, invalidate_raw(999, inv, T, L, 1, 0, &num));
	SIM_ERR(EINVAL, invalidate_raw(parent, inv, T, L, 1, 0, &num));
	SIM_ERR(EINVAL, invalidate_raw(e.ioas, inv, T, L, 1, 0, &num));
	SIM_ERR(EINVAL, invalidate_raw(e.idev, inv, T, L, 1, 0, &num));
	ck_assert_uint_eq(num, 0);

	/* The copy-back itself failing is EFAULT, whatever else happened. */
	memset(&cmd, 0, sizeof(cmd));
	cmd.size = sizeof(cmd);
	cmd.hwpt_id = nested;
	cmd.data_type = T;
	ro = uapi_ro_copy(&cmd, sizeof(cmd));
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_HWPT_INVALIDATE, ro));
	uapi_ro_free(ro, sizeof(cmd));
}
END_TEST

Suite *hwpt_suite(void)
{
	Suite *s = suite_create("hwpt");
	TCase *tc = cov_tcase("hwpt");

	tcase_add_test(tc, test_layout_hwpt_structs);
	tcase_add_test(tc, test_size_sweeps_hwpt);
	tcase_add_test(tc, test_short_structs_zero_extended);
	tcase_add_test(tc, test_hwpt_alloc_paging_flags);
	tcase_add_test(tc, test_hwpt_alloc_errors);
	tcase_add_test(tc, test_hwpt_alloc_nested);
	tcase_add_test(tc, test_get_hw_info);
	tcase_add_test(tc, test_set_dirty_tracking);
	tcase_add_test(tc, test_get_dirty_bitmap);
	tcase_add_test(tc, test_get_dirty_bitmap_no_dirty_ops);
	tcase_add_test(tc, test_get_dirty_bitmap_huge_iopte);
	tcase_add_test(tc, test_hwpt_invalidate);
	suite_add_tcase(s, tc);
	return s;
}
