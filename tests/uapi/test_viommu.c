// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_VIOMMU_ALLOC, IOMMU_VDEVICE_ALLOC, nested HWPTs allocated through
 * a vIOMMU and HWPT_INVALIDATE on a vIOMMU (uapi-spec 3.12, 3.16, 3.18,
 * 3.19, 7.4): success, every errno, the struct size sweeps, the vDEVICE
 * tombstone left by an unbind, the mock device <-> vIOMMU link, and the
 * reference graph: every object is EBUSY exactly while something depends
 * on it, whatever the order the user destroys things in, and closing the
 * context with everything live frees everything.
 */
#include <sys/mman.h>
#include "uapi_suites.h"
#include "viommu_util.h"

static void fill_selftest_data(struct iommu_viommu_selftest *d, uint32_t in)
{
	memset(d, 0, sizeof(*d));
	d->in_data = in;
}

/* ---- layouts ----------------------------------------------------------- */

START_TEST(test_viommu_layouts)
{
	ck_assert_uint_eq(sizeof(struct iommu_viommu_alloc), 40);
	ck_assert_uint_eq(offsetof(struct iommu_viommu_alloc, out_viommu_id),
			  20);
	ck_assert_uint_eq(offsetof(struct iommu_viommu_alloc, data_len), 24);
	ck_assert_uint_eq(offsetof(struct iommu_viommu_alloc, data_uptr), 32);
	ck_assert_uint_eq(sizeof(struct iommu_vdevice_alloc), 24);
	ck_assert_uint_eq(offsetof(struct iommu_vdevice_alloc, virt_id), 16);
	ck_assert_uint_eq(sizeof(struct iommu_viommu_selftest), 24);
	ck_assert_uint_eq(sizeof(struct iommu_viommu_invalidate_selftest), 12);
	ck_assert_uint_eq(IOMMU_VIOMMU_ALLOC, 0x3b90);
	ck_assert_uint_eq(IOMMU_VDEVICE_ALLOC, 0x3b91);
}
END_TEST

/* ---- VIOMMU_ALLOC ----------------------------------------------------- */

START_TEST(test_viommu_alloc_and_destroy)
{
	struct viommu_env e;
	uint32_t viommu, next;

	viommu_env_setup(&e, false);
	next = uapi_next_id();
	sim_viommu_alloc(e.idev, e.parent, IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0,
			 &viommu);
	ck_assert_uint_eq(viommu, next);

	/* The vIOMMU holds its nest parent. */
	sim_err_destroy(EBUSY, e.parent);
	/* Lookups are typed: a vIOMMU is not an IOAS. */
	sim_err_ioas_map_fixed(ENOENT, viommu, e.guest, UAPI_PAGE_SIZE,
			       GUEST_IOVA);

	sim_destroy(viommu);
	sim_err_destroy(ENOENT, viommu);
	sim_destroy(e.parent);
	/* Both IDs are free again, lowest first. */
	ck_assert_uint_eq(uapi_next_id(), e.parent);
}
END_TEST

START_TEST(test_viommu_alloc_errors)
{
	struct iommu_viommu_alloc cmd;
	struct viommu_env e;
	uint32_t auto_hwpt, stdev2, next, id;

	viommu_env_setup(&e, false);
	/* The device's automatic HWPT (on the IOAS) is not a nest parent. */
	sim_mock_domain(e.ioas, &stdev2, &auto_hwpt, NULL);
	next = uapi_next_id();

	memset(&cmd, 0, sizeof(cmd));
	cmd.size = sizeof(cmd);
	cmd.type = IOMMU_VIOMMU_TYPE_SELFTEST;
	cmd.dev_id = e.idev;
	cmd.hwpt_id = e.parent;

	/* Flags and the type come before anything is looked up. */
	cmd.flags = 1;
	cmd.dev_id = 0;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_VIOMMU_ALLOC, &cmd));
	cmd.flags = 0;
	cmd.type = IOMMU_VIOMMU_TYPE_DEFAULT;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_VIOMMU_ALLOC, &cmd));
	cmd.type = IOMMU_VIOMMU_TYPE_SELFTEST;
	SIM_ERR(ENOENT, _sim_ioctl(IOMMU_VIOMMU_ALLOC, &cmd));
	cmd.dev_id = e.idev;

	/* A device ID that names something else. */
	sim_err_viommu_alloc(ENOENT, e.ioas, e.parent,
			     IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, &id);
	/* Types the mock driver does not virtualise, before the HWPT. */
	sim_err_viommu_alloc(EOPNOTSUPP, e.idev, 0,
			     IOMMU_VIOMMU_TYPE_ARM_SMMUV3, NULL, 0, &id);
	sim_err_viommu_alloc(EOPNOTSUPP, e.idev, e.parent,
			     IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV, NULL, 0, &id);
	/* hwpt_id: missing, an IOAS, a paging HWPT that is no nest parent. */
	sim_err_viommu_alloc(ENOENT, e.idev, 0, IOMMU_VIOMMU_TYPE_SELFTEST,
			     NULL, 0, &id);
	sim_err_viommu_alloc(ENOENT, e.idev, e.ioas,
			     IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, &id);
	sim_err_viommu_alloc(EINVAL, e.idev, auto_hwpt,
			     IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, &id);

	/* Nothing was left behind. */
	ck_assert_uint_eq(uapi_next_id(), next);
	sim_destroy(stdev2);
}
END_TEST

START_TEST(test_viommu_alloc_data)
{
	struct iommu_viommu_selftest data, data2;
	unsigned char big[sizeof(data) + 8];
	struct viommu_env e;
	uint32_t v1, v2, v3, next;

	viommu_env_setup(&e, false);

	fill_selftest_data(&data, 0xbeef);
	sim_viommu_alloc(e.idev, e.parent, IOMMU_VIOMMU_TYPE_SELFTEST, &data,
			 sizeof(data), &v1);
	ck_assert_uint_eq(data.out_data, 0xbeef);
	/* Offsets start after the first page and are page aligned. */
	ck_assert_uint_eq(data.out_mmap_offset, UAPI_PAGE_SIZE);
	ck_assert_uint_eq(data.out_mmap_length, 2 * UAPI_PAGE_SIZE);

	/* The next region is first-fit after the first. */
	fill_selftest_data(&data2, 7);
	sim_viommu_alloc(e.idev, e.parent, IOMMU_VIOMMU_TYPE_SELFTEST, &data2,
			 sizeof(data2), &v2);
	ck_assert_uint_eq(data2.out_mmap_offset, 3 * UAPI_PAGE_SIZE);

	/* A freed range is reused, lowest first. */
	sim_destroy(v1);
	fill_selftest_data(&data, 8);
	sim_viommu_alloc(e.idev, e.parent, IOMMU_VIOMMU_TYPE_SELFTEST, &data,
			 sizeof(data), &v3);
	ck_assert_uint_eq(data.out_mmap_offset, UAPI_PAGE_SIZE);
	sim_destroy(v3);
	sim_destroy(v2);

	next = uapi_next_id();
	/* Shorter than in_data + out_data: EINVAL. */
	fill_selftest_data(&data, 1);
	sim_err_viommu_alloc(EINVAL, e.idev, e.parent,
			     IOMMU_VIOMMU_TYPE_SELFTEST, &data, 4, &v1);
	/* The minimum: only out_data comes back. */
	memset(big, 0x5a, sizeof(big));
	fill_selftest_data((void *)big, 0x1234);
	memset(big + 8, 0x5a, sizeof(big) - 8);
	sim_viommu_alloc(e.idev, e.parent, IOMMU_VIOMMU_TYPE_SELFTEST, big, 8,
			 &v1);
	ck_assert_uint_eq(((struct iommu_viommu_selftest *)big)->out_data,
			  0x1234);
	ck_assert_uint_eq(big[8], 0x5a);
	sim_destroy(v1);
	/* Longer with a non-zero tail: E2BIG; with a zero tail: fine. */
	memset(big, 0, sizeof(big));
	big[sizeof(big) - 1] = 1;
	sim_err_viommu_alloc(E2BIG, e.idev, e.parent,
			     IOMMU_VIOMMU_TYPE_SELFTEST, big, sizeof(big), &v1);
	big[sizeof(big) - 1] = 0;
	sim_viommu_alloc(e.idev, e.parent, IOMMU_VIOMMU_TYPE_SELFTEST, big,
			 sizeof(big), &v1);
	memcpy(&data, big, sizeof(data));
	ck_assert_uint_eq(data.out_mmap_length, 2 * UAPI_PAGE_SIZE);
	sim_destroy(v1);
	/* Unreadable data. */
	sim_err_viommu_alloc(EFAULT, e.idev, e.parent,
			     IOMMU_VIOMMU_TYPE_SELFTEST, (void *)8,
			     sizeof(data), &v1);
	ck_assert_uint_eq(uapi_next_id(), next);
}
END_TEST

START_TEST(test_viommu_alloc_response_fault)
{
	struct iommu_viommu_selftest data;
	struct iommu_viommu_alloc cmd;
	struct viommu_env e;
	uint32_t next, v;
	void *ro;

	viommu_env_setup(&e, false);
	next = uapi_next_id();
	fill_selftest_data(&data, 3);
	memset(&cmd, 0, sizeof(cmd));
	cmd.size = sizeof(cmd);
	cmd.type = IOMMU_VIOMMU_TYPE_SELFTEST;
	cmd.dev_id = e.idev;
	cmd.hwpt_id = e.parent;
	cmd.data_len = sizeof(data);
	cmd.data_uptr = (uintptr_t)&data;
	ro = uapi_ro_copy(&cmd, sizeof(cmd));
	/* The object, its mmap region and its pages are undone. */
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_VIOMMU_ALLOC, ro));
	uapi_ro_free(ro, sizeof(cmd));
	ck_assert_uint_eq(uapi_next_id(), next);
	/* The region's offset is free again. */
	sim_viommu_alloc(e.idev, e.parent, IOMMU_VIOMMU_TYPE_SELFTEST, &data,
			 sizeof(data), &v);
	ck_assert_uint_eq(data.out_mmap_offset, UAPI_PAGE_SIZE);
	sim_destroy(v);
}
END_TEST

static struct viommu_env sweep_env;

static void fill_viommu(void *buf, void *arg)
{
	struct iommu_viommu_alloc *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->type = IOMMU_VIOMMU_TYPE_SELFTEST;
	cmd->dev_id = sweep_env.idev;
	cmd->hwpt_id = sweep_env.parent;
}

static void cleanup_viommu(void *buf, void *arg)
{
	sim_destroy(((struct iommu_viommu_alloc *)buf)->out_viommu_id);
}

START_TEST(test_viommu_size_sweep)
{
	const struct uapi_size_case c = {
		.name = "IOMMU_VIOMMU_ALLOC",
		.cmd = IOMMU_VIOMMU_ALLOC,
		.size = 40,
		.min_size = 24,
		.fill = fill_viommu,
		.cleanup = cleanup_viommu,
	};
	struct iommu_viommu_alloc cmd;

	viommu_env_setup(&sweep_env, false);
	ck_assert_int_eq(uapi_size_sweep(&c), 0);
	/* The 6.13 size (no driver data) works. */
	fill_viommu(&cmd, NULL);
	cmd.size = 24;
	SIM_OK(_sim_ioctl(IOMMU_VIOMMU_ALLOC, &cmd));
	sim_destroy(cmd.out_viommu_id);
}
END_TEST

/* ---- VDEVICE_ALLOC ---------------------------------------------------- */

START_TEST(test_vdevice_alloc)
{
	uint32_t vdev, vdev2, stdev2, idev2, next, id;
	struct viommu_env e;

	viommu_env_setup(&e, true);
	viommu_env_add_device(&e, &stdev2, &idev2);

	next = uapi_next_id();
	sim_vdevice_alloc(e.viommu, e.idev, VIRT_ID, &vdev);
	ck_assert_uint_eq(vdev, next);

	/* One vDEVICE per device, one device per virt_id. */
	sim_err_vdevice_alloc(EEXIST, e.viommu, e.idev, VIRT_ID + 1, &id);
	sim_err_vdevice_alloc(EEXIST, e.viommu, idev2, VIRT_ID, &id);
	/* Lookups. */
	sim_err_vdevice_alloc(ENOENT, 0, idev2, 1, &id);
	sim_err_vdevice_alloc(ENOENT, e.parent, idev2, 1, &id);
	sim_err_vdevice_alloc(ENOENT, e.viommu, 0, 1, &id);
	sim_err_vdevice_alloc(ENOENT, e.viommu, stdev2, 1, &id);
	next = uapi_next_id();

	/* virt_id 0 and the largest value are IDs like any other. */
	sim_vdevice_alloc(e.viommu, idev2, 0, &vdev2);
	sim_destroy(vdev2);
	sim_vdevice_alloc(e.viommu, idev2, UINT64_MAX, &vdev2);
	ck_assert_uint_eq(vdev2, next);

	/* The vIOMMU is held by its vDEVICEs. */
	sim_err_destroy(EBUSY, e.viommu);
	sim_destroy(vdev);
	sim_err_destroy(ENOENT, vdev);
	/* The device and the virt_id are free again. */
	sim_vdevice_alloc(e.viommu, e.idev, VIRT_ID, &vdev);
	sim_destroy(vdev);
	sim_destroy(vdev2);
	sim_destroy(e.viommu);
	sim_destroy(stdev2);
}
END_TEST

START_TEST(test_vdevice_tombstone)
{
	uint32_t vdev, stdev2, idev2, vdev2, id1, id2;
	struct viommu_env e;

	viommu_env_setup(&e, true);
	viommu_env_add_device(&e, &stdev2, &idev2);
	sim_vdevice_alloc(e.viommu, idev2, VIRT_ID, &vdev);
	sim_vdevice_alloc(e.viommu, e.idev, VIRT_ID + 1, &vdev2);

	/*
	 * Unbinding the device first (destroying its SELFTEST object)
	 * destroys the vDEVICE for the user; its ID stays a tombstone.
	 */
	sim_destroy(stdev2);
	sim_err_destroy(ENOENT, vdev);
	sim_ioas_alloc(&id1);
	sim_ioas_alloc(&id2);
	ck_assert_uint_ne(id1, vdev);
	ck_assert_uint_ne(id2, vdev);
	/* The virt_id is free again, for another device. */
	viommu_env_add_device(&e, &stdev2, &idev2);
	sim_vdevice_alloc(e.viommu, idev2, VIRT_ID, &id1);
	ck_assert_uint_ne(id1, vdev);
	/* The vIOMMU is held by the live vDEVICEs only. */
	sim_err_destroy(EBUSY, e.viommu);
	sim_destroy(id1);
	sim_destroy(vdev2);
	sim_destroy(e.viommu);
}
END_TEST

START_TEST(test_vdevice_tombstone_then_viommu)
{
	struct viommu_env e;
	uint32_t vdev, next;

	viommu_env_setup(&e, true);
	sim_vdevice_alloc(e.viommu, e.idev, VIRT_ID, &vdev);
	sim_err_destroy(EBUSY, e.viommu);
	sim_destroy(e.stdev);
	/* The tombstoned vDEVICE let go of the vIOMMU. */
	sim_destroy(e.viommu);
	sim_destroy(e.parent);
	sim_destroy(e.ioas);
	next = uapi_next_id();
	ck_assert_uint_ne(next, vdev);
	/* Close with only the tombstone left: the audit checks it is freed. */
}
END_TEST

static void fill_vdevice(void *buf, void *arg)
{
	struct iommu_vdevice_alloc *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->viommu_id = sweep_env.viommu;
	cmd->dev_id = sweep_env.idev;
	cmd->virt_id = VIRT_ID;
}

static void cleanup_vdevice(void *buf, void *arg)
{
	sim_destroy(((struct iommu_vdevice_alloc *)buf)->out_vdevice_id);
}

START_TEST(test_vdevice_size_sweep)
{
	const struct uapi_size_case c = {
		.name = "IOMMU_VDEVICE_ALLOC",
		.cmd = IOMMU_VDEVICE_ALLOC,
		.size = 24,
		.min_size = 24,
		.fill = fill_vdevice,
		.cleanup = cleanup_vdevice,
	};

	viommu_env_setup(&sweep_env, true);
	ck_assert_int_eq(uapi_size_sweep(&c), 0);
}
END_TEST

START_TEST(test_vdevice_response_fault)
{
	struct iommu_vdevice_alloc cmd = { .size = sizeof(cmd) };
	struct viommu_env e;
	uint32_t next, vdev;
	void *ro;

	viommu_env_setup(&e, true);
	next = uapi_next_id();
	cmd.viommu_id = e.viommu;
	cmd.dev_id = e.idev;
	cmd.virt_id = VIRT_ID;
	ro = uapi_ro_copy(&cmd, sizeof(cmd));
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_VDEVICE_ALLOC, ro));
	uapi_ro_free(ro, sizeof(cmd));
	/* Undone: the ID, the device's slot and the virt_id are free. */
	ck_assert_uint_eq(uapi_next_id(), next);
	sim_vdevice_alloc(e.viommu, e.idev, VIRT_ID, &vdev);
	sim_destroy(vdev);
	sim_destroy(e.viommu);
}
END_TEST

/* ---- nested HWPTs through a vIOMMU ------------------------------------ */

START_TEST(test_viommu_nested_hwpt)
{
	struct iommu_hwpt_selftest data = { .iotlb = IOMMU_TEST_IOTLB_DEFAULT };
	uint32_t nested, vdev, id;
	struct viommu_env e;

	viommu_env_setup(&e, true);
	sim_viommu_nested(e.idev, e.viommu, IOMMU_TEST_IOTLB_DEFAULT, &nested);
	sim_check_iotlb(nested, 0, IOMMU_TEST_IOTLB_DEFAULT);
	/* The nested HWPT holds the vIOMMU (which holds the parent). */
	sim_err_destroy(EBUSY, e.viommu);
	sim_err_destroy(EBUSY, e.parent);

	/* Flags other than FAULT_ID_VALID. */
	sim_err_hwpt_alloc(EOPNOTSUPP, e.idev, e.viommu,
			   IOMMU_HWPT_ALLOC_NEST_PARENT, 0,
			   IOMMU_HWPT_DATA_SELFTEST, &data, sizeof(data), &id);
	sim_err_hwpt_alloc(EOPNOTSUPP, e.idev, e.viommu, IOMMU_HWPT_ALLOC_PASID,
			   0, IOMMU_HWPT_DATA_SELFTEST, &data, sizeof(data),
			   &id);
	/* No data, wrong data type, short data. */
	sim_err_hwpt_alloc(EOPNOTSUPP, e.idev, e.viommu, 0, 0,
			   IOMMU_HWPT_DATA_NONE, NULL, 0, &id);
	sim_err_hwpt_alloc(EOPNOTSUPP, e.idev, e.viommu, 0, 0,
			   IOMMU_HWPT_DATA_VTD_S1, &data, sizeof(data), &id);
	sim_err_hwpt_alloc(EINVAL, e.idev, e.viommu, 0, 0,
			   IOMMU_HWPT_DATA_SELFTEST, &data, 2, &id);
	/* FAULT_ID_VALID needs a FAULT object. */
	sim_err_hwpt_alloc(ENOENT, e.idev, e.viommu, IOMMU_HWPT_FAULT_ID_VALID,
			   e.ioas, IOMMU_HWPT_DATA_SELFTEST, &data,
			   sizeof(data), &id);

	/* The device needs a vDEVICE on the vIOMMU to attach. */
	sim_err_replace(ENOENT, e.stdev, nested);
	sim_vdevice_alloc(e.viommu, e.idev, VIRT_ID, &vdev);
	sim_replace(e.stdev, nested);
	/* Attached: the nested HWPT is busy. */
	sim_err_destroy(EBUSY, nested);
	sim_replace(e.stdev, e.ioas);
	sim_destroy(nested);
	sim_destroy(vdev);
	sim_destroy(e.viommu);
}
END_TEST

START_TEST(test_viommu_nested_with_fault)
{
	uint32_t nested, fault_id, vdev;
	struct iommu_hwpt_selftest data = { .iotlb = 0 };
	struct viommu_env e;
	int fault_fd;

	viommu_env_setup(&e, true);
	sim_fault_alloc(&fault_id, &fault_fd);
	sim_hwpt_alloc(e.idev, e.viommu, IOMMU_HWPT_FAULT_ID_VALID, fault_id,
		       IOMMU_HWPT_DATA_SELFTEST, &data, sizeof(data), &nested);
	sim_vdevice_alloc(e.viommu, e.idev, VIRT_ID, &vdev);
	sim_replace(e.stdev, nested);
	/* A page request reaches the FAULT object of the vIOMMU's HWPT. */
	sim_trigger_iopf(e.idev, 0, 1, IOMMU_PGFAULT_PERM_READ, 0x1000);
	ck_assert_int_eq(_sim_poll1(fault_fd, POLLIN, 0) & POLLIN, POLLIN);
	sim_err_destroy(EBUSY, fault_id);
	/* Close everything with the context: the audit checks. */
}
END_TEST

/* ---- HWPT_INVALIDATE on a vIOMMU -------------------------------------- */

START_TEST(test_viommu_invalidate)
{
	struct iommu_viommu_invalidate_selftest inv[3];
	unsigned char big[sizeof(inv[0]) + 4];
	uint32_t vdev, vdev2, stdev2, idev2, done, i;
	struct viommu_env e;

	viommu_env_setup(&e, true);
	viommu_env_add_device(&e, &stdev2, &idev2);
	sim_vdevice_alloc(e.viommu, e.idev, VIRT_ID, &vdev);
	sim_vdevice_alloc(e.viommu, idev2, VIRT_ID + 1, &vdev2);
	for (i = 0; i < MOCK_DEV_CACHE_NUM; i++)
		sim_check_dev_cache(e.idev, i, IOMMU_TEST_DEV_CACHE_DEFAULT);

	/* No entries: a probe of the type. */
	SIM_OK(_sim_invalidate(e.viommu, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
			       NULL, 0, 0, &done));
	ck_assert_uint_eq(done, 0);
	SIM_ERR(EINVAL, _sim_invalidate(
		e.viommu, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID, NULL,
		0, 0, &done));

	/* One slot of one device, by guest ID. */
	sim_viommu_invalidate1(e.viommu, 0, VIRT_ID, 1);
	sim_check_dev_cache(e.idev, 0, IOMMU_TEST_DEV_CACHE_DEFAULT);
	sim_check_dev_cache(e.idev, 1, 0);
	sim_check_dev_cache(idev2, 1, IOMMU_TEST_DEV_CACHE_DEFAULT);
	/* Every slot (cache_id ignored). */
	sim_viommu_invalidate1(e.viommu, IOMMU_TEST_INVALIDATE_FLAG_ALL,
			       VIRT_ID + 1, 0);
	for (i = 0; i < MOCK_DEV_CACHE_NUM; i++)
		sim_check_dev_cache(idev2, i, 0);

	/* Entry errors. */
	sim_err_viommu_invalidate1(EOPNOTSUPP, e.viommu, 2, VIRT_ID, 0);
	sim_err_viommu_invalidate1(EINVAL, e.viommu, 0, VIRT_ID,
				   MOCK_DEV_CACHE_ID_MAX + 1);
	sim_err_viommu_invalidate1(EINVAL, e.viommu, 0, VIRT_ID + 7, 0);

	/* Processing stops at the first bad entry; entry_num says where. */
	memset(inv, 0, sizeof(inv));
	inv[0].vdev_id = VIRT_ID;
	inv[0].cache_id = 2;
	inv[1].vdev_id = VIRT_ID;
	inv[1].cache_id = 9;
	inv[2].vdev_id = VIRT_ID;
	inv[2].cache_id = 3;
	SIM_ERR(EINVAL, _sim_invalidate(e.viommu,
					IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					inv, sizeof(inv[0]), 3, &done));
	ck_assert_uint_eq(done, 1);
	sim_check_dev_cache(e.idev, 2, 0);
	sim_check_dev_cache(e.idev, 3, IOMMU_TEST_DEV_CACHE_DEFAULT);

	/* The entry length rule: shorter EINVAL, longer with a tail E2BIG. */
	inv[0].cache_id = 3;
	SIM_ERR(EINVAL, _sim_invalidate(e.viommu,
					IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					inv, 8, 1, &done));
	ck_assert_uint_eq(done, 0);
	memset(big, 0, sizeof(big));
	memcpy(big, &inv[0], sizeof(inv[0]));
	big[sizeof(big) - 1] = 1;
	SIM_ERR(E2BIG, _sim_invalidate(e.viommu,
				       IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
				       big, sizeof(big), 1, &done));
	big[sizeof(big) - 1] = 0;
	SIM_OK(_sim_invalidate(e.viommu, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
			       big, sizeof(big), 1, &done));
	ck_assert_uint_eq(done, 1);
	sim_check_dev_cache(e.idev, 3, 0);
	/* A bad array pointer. */
	SIM_ERR(EFAULT, _sim_invalidate(e.viommu,
					IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					(void *)8, sizeof(inv[0]), 1, &done));
	ck_assert_uint_eq(done, 0);

	/* A destroyed vDEVICE's guest ID is unknown. */
	sim_destroy(vdev2);
	sim_err_viommu_invalidate1(EINVAL, e.viommu, 0, VIRT_ID + 1, 0);

	/* Other object types: EINVAL; no object: ENOENT. */
	SIM_ERR(EINVAL, _sim_invalidate(e.ioas,
					IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					NULL, 0, 0, &done));
	SIM_ERR(ENOENT, _sim_invalidate(1000,
					IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					NULL, 0, 0, &done));
	sim_destroy(vdev);
	sim_destroy(e.viommu);
	sim_destroy(stdev2);
}
END_TEST

START_TEST(test_viommu_nested_invalidate)
{
	struct iommu_hwpt_invalidate_selftest inv = { .iotlb_id = 2 };
	struct viommu_env e;
	uint32_t nested, done;

	/* A nested HWPT of a vIOMMU keeps its own IOTLB invalidation. */
	viommu_env_setup(&e, true);
	sim_viommu_nested(e.idev, e.viommu, IOMMU_TEST_IOTLB_DEFAULT, &nested);
	SIM_OK(_sim_invalidate(nested, IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
			       &inv, sizeof(inv), 1, &done));
	ck_assert_uint_eq(done, 1);
	sim_check_iotlb(nested, 2, 0);
	sim_check_iotlb(nested, 1, IOMMU_TEST_IOTLB_DEFAULT);
	sim_destroy(nested);
	sim_destroy(e.viommu);
}
END_TEST

/* ---- destroy in every order ------------------------------------------ */

/*
 * The full set of a guest: what the user can destroy or close, and what
 * holds what.  Each test step picks an action; the model says whether the
 * kernel must refuse it (EBUSY: something still depends on it), whether
 * the object is already gone (ENOENT), or whether it goes.  Closing the
 * context ends the sequence with whatever is left still live.
 */
enum {
	G_STDEV,	/* the mock device (unbind: always allowed) */
	G_NESTED,	/* nested HWPT of the vIOMMU, the device attached */
	G_VDEV,		/* the device's vDEVICE */
	G_VEVENTQ,	/* destroyable once its fd is closed */
	G_VEVENTQ_FD,
	G_Q0,
	G_Q1,		/* depends on G_Q0 */
	G_MMAP,		/* a mapping of the vIOMMU's region */
	G_VIOMMU,
	G_PARENT,
	G_IOAS,
	G_NR,
};

struct guest {
	uint32_t id[G_NR];
	int veventq_fd;
	void *map;
	size_t map_len;
	bool live[G_NR];
	bool tombstoned;
};

/* holder -> held (the model of uapi-spec 4 for this set). */
static const int guest_deps[][2] = {
	{ G_STDEV, G_NESTED },
	{ G_VDEV, G_VIOMMU },
	{ G_NESTED, G_VIOMMU },
	{ G_VEVENTQ_FD, G_VEVENTQ },
	{ G_VEVENTQ, G_VIOMMU },
	{ G_Q0, G_VIOMMU },
	{ G_Q0, G_IOAS },	/* its internal access */
	{ G_Q1, G_VIOMMU },
	{ G_Q1, G_Q0 },
	{ G_MMAP, G_VIOMMU },
	{ G_VIOMMU, G_PARENT },
	{ G_PARENT, G_IOAS },
};

static void guest_build(struct guest *g, struct viommu_env *e)
{
	struct iommu_viommu_selftest data;
	int err;

	memset(g, 0, sizeof(*g));
	viommu_env_setup(e, false);
	fill_selftest_data(&data, 0x42);
	sim_viommu_alloc(e->idev, e->parent, IOMMU_VIOMMU_TYPE_SELFTEST, &data,
			 sizeof(data), &g->id[G_VIOMMU]);
	g->id[G_STDEV] = e->stdev;
	g->id[G_PARENT] = e->parent;
	g->id[G_IOAS] = e->ioas;
	sim_vdevice_alloc(g->id[G_VIOMMU], e->idev, VIRT_ID, &g->id[G_VDEV]);
	sim_viommu_nested(e->idev, g->id[G_VIOMMU], 0, &g->id[G_NESTED]);
	sim_replace(e->stdev, g->id[G_NESTED]);
	sim_veventq_alloc(g->id[G_VIOMMU], IOMMU_VEVENTQ_TYPE_SELFTEST, 4,
			  &g->id[G_VEVENTQ], &g->veventq_fd);
	sim_hw_queue_alloc(g->id[G_VIOMMU], IOMMU_HW_QUEUE_TYPE_SELFTEST, 0,
			   GUEST_IOVA, UAPI_PAGE_SIZE, &g->id[G_Q0]);
	sim_hw_queue_alloc(g->id[G_VIOMMU], IOMMU_HW_QUEUE_TYPE_SELFTEST, 1,
			   GUEST_IOVA + UAPI_PAGE_SIZE, UAPI_PAGE_SIZE,
			   &g->id[G_Q1]);
	g->map_len = data.out_mmap_length;
	g->map = _sim_mmap(g->map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
			   uf.fd, data.out_mmap_offset, &err);
	ck_assert_msg(g->map, "mmap: %s", uapi_errname(err));
	ck_assert_uint_eq(*(uint32_t *)g->map, 0x42);
	sim_trigger_vevent(e->idev);
	for (int i = 0; i < G_NR; i++)
		g->live[i] = true;
}

static bool guest_busy(const struct guest *g, int obj)
{
	unsigned int i;

	for (i = 0; i < sizeof(guest_deps) / sizeof(guest_deps[0]); i++)
		if (guest_deps[i][1] == obj && g->live[guest_deps[i][0]])
			return true;
	return false;
}

/* Do @act; check the result against the model.  True if it went. */
static bool guest_act(struct guest *g, int act)
{
	int rc;

	switch (act) {
	case G_VEVENTQ_FD:
		if (!g->live[act])
			return false;
		sim_close(g->veventq_fd);
		break;
	case G_MMAP:
		if (!g->live[act])
			return false;
		SIM_OK(_sim_munmap(g->map, g->map_len));
		break;
	default:
		rc = _sim_destroy(g->id[act]);
		if (!g->live[act] ||
		    (act == G_VDEV && g->tombstoned)) {
			ck_assert_msg(rc == -ENOENT, "object %d gone: %s", act,
				      uapi_errname(-rc));
			return false;
		}
		if (act != G_STDEV && guest_busy(g, act)) {
			ck_assert_msg(rc == -EBUSY, "object %d in use: %s", act,
				      rc ? uapi_errname(-rc) : "success");
			return false;
		}
		ck_assert_msg(rc == 0, "object %d free: %s", act,
			      uapi_errname(-rc));
		/* The unbind revokes the vDEVICE and leaves a tombstone. */
		if (act == G_STDEV && g->live[G_VDEV]) {
			g->live[G_VDEV] = false;
			g->tombstoned = true;
		}
		break;
	}
	g->live[act] = false;
	return true;
}

/* A small deterministic generator, so a failing order can be replayed. */
static uint32_t lcg(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

/*
 * Many orders: each round builds the guest in a fresh context, then
 * repeatedly tries actions in a random order (EBUSY ones come back later)
 * until everything is gone, or, when the round says so, closes the
 * context after some steps with the rest still live.  The teardown audit
 * checks that every round freed everything.
 */
START_TEST(test_guest_destroy_orders)
{
	const unsigned int rounds = 500;
	uint32_t seed = 0x5eed;
	unsigned int r;

	for (r = 0; r < rounds; r++) {
		unsigned int steps = 0, close_after = lcg(&seed) % (3 * G_NR);
		bool close_early = r % 3 == 0;
		struct viommu_env e;
		struct guest g;
		int left;

		guest_build(&g, &e);
		for (;;) {
			left = 0;
			for (int i = 0; i < G_NR; i++)
				left += g.live[i];
			if (!left)
				break;
			if (close_early && steps == close_after)
				break;
			guest_act(&g, lcg(&seed) % G_NR);
			steps++;
		}
		/*
		 * Close the context (and, in some rounds, the vEVENTQ fd and
		 * the mapping after it): nothing may stay behind.
		 */
		sim_close(uf.fd);
		if (g.live[G_VEVENTQ_FD])
			sim_close(g.veventq_fd);
		if (g.live[G_MMAP])
			SIM_OK(_sim_munmap(g.map, g.map_len));
		uf.fd = uapi_open_iommufd();
	}
}
END_TEST

/* The same set closed at once, with everything live. */
START_TEST(test_guest_close_everything_live)
{
	struct viommu_env e;
	struct guest g;

	guest_build(&g, &e);
	/* The teardown closes the fds and exits the process (munmap). */
}
END_TEST

/* Closing the iommufd first: the mapping and the event fd keep it. */
START_TEST(test_guest_close_ctx_first)
{
	struct viommu_env e;
	struct selftest_vevent ev;
	struct guest g;

	guest_build(&g, &e);
	sim_close(uf.fd);
	uf.fd = -1;
	/* The queued event is still there to read. */
	ck_assert_int_eq(_sim_read(g.veventq_fd, &ev, sizeof(ev)), sizeof(ev));
	ck_assert_uint_eq(ev.data.virt_id, VIRT_ID);
	ck_assert_uint_eq(*(uint32_t *)g.map, 0x42);
	SIM_OK(_sim_munmap(g.map, g.map_len));
	sim_close(g.veventq_fd);
}
END_TEST

Suite *viommu_suite(void)
{
	Suite *s = suite_create("viommu");
	TCase *tc = uapi_tcase("viommu");

	tcase_add_test(tc, test_viommu_layouts);
	tcase_add_test(tc, test_viommu_alloc_and_destroy);
	tcase_add_test(tc, test_viommu_alloc_errors);
	tcase_add_test(tc, test_viommu_alloc_data);
	tcase_add_test(tc, test_viommu_alloc_response_fault);
	tcase_add_test(tc, test_viommu_size_sweep);
	tcase_add_test(tc, test_vdevice_alloc);
	tcase_add_test(tc, test_vdevice_tombstone);
	tcase_add_test(tc, test_vdevice_tombstone_then_viommu);
	tcase_add_test(tc, test_vdevice_size_sweep);
	tcase_add_test(tc, test_vdevice_response_fault);
	tcase_add_test(tc, test_viommu_nested_hwpt);
	tcase_add_test(tc, test_viommu_nested_with_fault);
	tcase_add_test(tc, test_viommu_invalidate);
	tcase_add_test(tc, test_viommu_nested_invalidate);
	tcase_add_test(tc, test_guest_destroy_orders);
	tcase_add_test(tc, test_guest_close_everything_live);
	tcase_add_test(tc, test_guest_close_ctx_first);
	suite_add_tcase(s, tc);
	return s;
}
