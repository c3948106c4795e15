// SPDX-License-Identifier: GPL-2.0
/*
 * Struct layouts and the extensible-struct rules of the dispatcher for
 * IOMMU_TEST_CMD and IOMMU_FAULT_QUEUE_ALLOC (uapi-spec 1.2, 3.17, 5.1,
 * 7.1), with the table-driven sweep of uapi_util.c.
 */
#include <stddef.h>
#include "uapi_util.h"
#include "uapi_suites.h"

#define ASSERT_OFF(type, member, off) \
	ck_assert_uint_eq(offsetof(type, member), (off))

START_TEST(test_layout_test_cmd)
{
	ck_assert_uint_eq(sizeof(struct iommu_test_cmd), 72);
	ck_assert_uint_eq(IOMMU_TEST_CMD, 0x3ba0);
	ASSERT_OFF(struct iommu_test_cmd, op, 4);
	ASSERT_OFF(struct iommu_test_cmd, id, 8);
	ASSERT_OFF(struct iommu_test_cmd, __reserved, 12);
	ASSERT_OFF(struct iommu_test_cmd, last, 64);
	ASSERT_OFF(struct iommu_test_cmd, add_reserved.start, 16);
	ASSERT_OFF(struct iommu_test_cmd, add_reserved.length, 24);
	ASSERT_OFF(struct iommu_test_cmd, mock_domain.out_stdev_id, 16);
	ASSERT_OFF(struct iommu_test_cmd, mock_domain.out_hwpt_id, 20);
	ASSERT_OFF(struct iommu_test_cmd, mock_domain.out_idev_id, 24);
	ASSERT_OFF(struct iommu_test_cmd, mock_domain_flags.dev_flags, 28);
	ASSERT_OFF(struct iommu_test_cmd, mock_domain_replace.pt_id, 16);
	ASSERT_OFF(struct iommu_test_cmd, check_map.iova, 16);
	ASSERT_OFF(struct iommu_test_cmd, check_map.length, 24);
	ASSERT_OFF(struct iommu_test_cmd, check_map.uptr, 32);
	ASSERT_OFF(struct iommu_test_cmd, check_refs.length, 16);
	ASSERT_OFF(struct iommu_test_cmd, check_refs.uptr, 24);
	ASSERT_OFF(struct iommu_test_cmd, check_refs.refs, 32);
	ASSERT_OFF(struct iommu_test_cmd, create_access.out_access_fd, 16);
	ASSERT_OFF(struct iommu_test_cmd, create_access.flags, 20);
	ASSERT_OFF(struct iommu_test_cmd, destroy_access_pages.access_pages_id,
		   16);
	ASSERT_OFF(struct iommu_test_cmd, access_pages.flags, 16);
	ASSERT_OFF(struct iommu_test_cmd, access_pages.out_access_pages_id, 20);
	ASSERT_OFF(struct iommu_test_cmd, access_pages.iova, 24);
	ASSERT_OFF(struct iommu_test_cmd, access_pages.length, 32);
	ASSERT_OFF(struct iommu_test_cmd, access_pages.uptr, 40);
	ASSERT_OFF(struct iommu_test_cmd, access_rw.iova, 16);
	ASSERT_OFF(struct iommu_test_cmd, access_rw.length, 24);
	ASSERT_OFF(struct iommu_test_cmd, access_rw.uptr, 32);
	ASSERT_OFF(struct iommu_test_cmd, access_rw.flags, 40);
	ASSERT_OFF(struct iommu_test_cmd, memory_limit.limit, 16);
	ASSERT_OFF(struct iommu_test_cmd, access_replace_ioas.ioas_id, 16);
	ASSERT_OFF(struct iommu_test_cmd, dirty.flags, 16);
	ASSERT_OFF(struct iommu_test_cmd, dirty.iova, 24);
	ASSERT_OFF(struct iommu_test_cmd, dirty.length, 32);
	ASSERT_OFF(struct iommu_test_cmd, dirty.page_size, 40);
	ASSERT_OFF(struct iommu_test_cmd, dirty.uptr, 48);
	ASSERT_OFF(struct iommu_test_cmd, dirty.out_nr_dirty, 56);
	ASSERT_OFF(struct iommu_test_cmd, check_iotlb.id, 16);
	ASSERT_OFF(struct iommu_test_cmd, check_iotlb.iotlb, 20);
	ASSERT_OFF(struct iommu_test_cmd, trigger_iopf.dev_id, 16);
	ASSERT_OFF(struct iommu_test_cmd, trigger_iopf.pasid, 20);
	ASSERT_OFF(struct iommu_test_cmd, trigger_iopf.grpid, 24);
	ASSERT_OFF(struct iommu_test_cmd, trigger_iopf.perm, 28);
	ASSERT_OFF(struct iommu_test_cmd, trigger_iopf.addr, 32);
	ASSERT_OFF(struct iommu_test_cmd, check_dev_cache.id, 16);
	ASSERT_OFF(struct iommu_test_cmd, check_dev_cache.cache, 20);
	ASSERT_OFF(struct iommu_test_cmd, trigger_vevent.dev_id, 16);
	ASSERT_OFF(struct iommu_test_cmd, pasid_attach.pasid, 16);
	ASSERT_OFF(struct iommu_test_cmd, pasid_attach.pt_id, 20);
	ASSERT_OFF(struct iommu_test_cmd, pasid_replace.pt_id, 20);
	ASSERT_OFF(struct iommu_test_cmd, pasid_detach.pasid, 16);
	ASSERT_OFF(struct iommu_test_cmd, pasid_check.pasid, 16);
	ASSERT_OFF(struct iommu_test_cmd, pasid_check.hwpt_id, 20);
}
END_TEST

START_TEST(test_layout_test_constants)
{
	ck_assert_int_eq(IOMMU_TEST_OP_ADD_RESERVED, 1);
	ck_assert_int_eq(IOMMU_TEST_OP_MOCK_DOMAIN, 2);
	ck_assert_int_eq(IOMMU_TEST_OP_MD_CHECK_MAP, 3);
	ck_assert_int_eq(IOMMU_TEST_OP_MD_CHECK_REFS, 4);
	ck_assert_int_eq(IOMMU_TEST_OP_CREATE_ACCESS, 5);
	ck_assert_int_eq(IOMMU_TEST_OP_DESTROY_ACCESS_PAGES, 6);
	ck_assert_int_eq(IOMMU_TEST_OP_ACCESS_PAGES, 7);
	ck_assert_int_eq(IOMMU_TEST_OP_ACCESS_RW, 8);
	ck_assert_int_eq(IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT, 9);
	ck_assert_int_eq(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, 10);
	ck_assert_int_eq(IOMMU_TEST_OP_ACCESS_REPLACE_IOAS, 11);
	ck_assert_int_eq(IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS, 12);
	ck_assert_int_eq(IOMMU_TEST_OP_DIRTY, 13);
	ck_assert_int_eq(IOMMU_TEST_OP_MD_CHECK_IOTLB, 14);
	ck_assert_int_eq(IOMMU_TEST_OP_TRIGGER_IOPF, 15);
	ck_assert_int_eq(IOMMU_TEST_OP_DEV_CHECK_CACHE, 16);
	ck_assert_int_eq(IOMMU_TEST_OP_TRIGGER_VEVENT, 17);
	ck_assert_int_eq(IOMMU_TEST_OP_PASID_ATTACH, 18);
	ck_assert_int_eq(IOMMU_TEST_OP_PASID_REPLACE, 19);
	ck_assert_int_eq(IOMMU_TEST_OP_PASID_DETACH, 20);
	ck_assert_int_eq(IOMMU_TEST_OP_PASID_CHECK_HWPT, 21);
	ck_assert_uint_eq(MOCK_APERTURE_START, 1UL << 24);
	ck_assert_uint_eq(MOCK_APERTURE_LAST, (1UL << 31) - 1);
	ck_assert_int_eq(MOCK_FLAGS_ACCESS_WRITE, 1 << 0);
	ck_assert_int_eq(MOCK_FLAGS_ACCESS_SYZ, 1 << 16);
	ck_assert_int_eq(MOCK_ACCESS_RW_WRITE, 1 << 0);
	ck_assert_int_eq(MOCK_ACCESS_RW_SLOW_PATH, 1 << 2);
	ck_assert_int_eq(MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, 1 << 0);
	ck_assert_int_eq(MOCK_FLAGS_DEVICE_NO_DIRTY, 1 << 0);
	ck_assert_int_eq(MOCK_FLAGS_DEVICE_HUGE_IOVA, 1 << 1);
	ck_assert_int_eq(MOCK_FLAGS_DEVICE_PASID, 1 << 2);
	ck_assert_int_eq(MOCK_NESTED_DOMAIN_IOTLB_ID_MAX, 3);
	ck_assert_int_eq(MOCK_DEV_CACHE_ID_MAX, 3);
	ck_assert_int_eq(IOMMU_TEST_PASID_RESERVED, 1024);
	ck_assert_uint_eq(IOMMU_HWPT_DATA_SELFTEST, 0xdead);
	ck_assert_uint_eq(IOMMU_TEST_IOTLB_DEFAULT, 0xbadbeef);
	ck_assert_uint_eq(IOMMU_TEST_DEV_CACHE_DEFAULT, 0xbaddad);
}
END_TEST

START_TEST(test_layout_fault)
{
	ck_assert_uint_eq(IOMMU_FAULT_QUEUE_ALLOC, 0x3b8e);
	ck_assert_uint_eq(sizeof(struct iommu_fault_alloc), 16);
	ASSERT_OFF(struct iommu_fault_alloc, flags, 4);
	ASSERT_OFF(struct iommu_fault_alloc, out_fault_id, 8);
	ASSERT_OFF(struct iommu_fault_alloc, out_fault_fd, 12);

	ck_assert_uint_eq(sizeof(struct iommu_hwpt_pgfault), 40);
	ASSERT_OFF(struct iommu_hwpt_pgfault, flags, 0);
	ASSERT_OFF(struct iommu_hwpt_pgfault, dev_id, 4);
	ASSERT_OFF(struct iommu_hwpt_pgfault, pasid, 8);
	ASSERT_OFF(struct iommu_hwpt_pgfault, grpid, 12);
	ASSERT_OFF(struct iommu_hwpt_pgfault, perm, 16);
	ASSERT_OFF(struct iommu_hwpt_pgfault, __reserved, 20);
	ASSERT_OFF(struct iommu_hwpt_pgfault, addr, 24);
	ASSERT_OFF(struct iommu_hwpt_pgfault, length, 32);
	ASSERT_OFF(struct iommu_hwpt_pgfault, cookie, 36);

	ck_assert_uint_eq(sizeof(struct iommu_hwpt_page_response), 8);
	ASSERT_OFF(struct iommu_hwpt_page_response, cookie, 0);
	ASSERT_OFF(struct iommu_hwpt_page_response, code, 4);
	ck_assert_int_eq(IOMMUFD_PAGE_RESP_SUCCESS, 0);
	ck_assert_int_eq(IOMMUFD_PAGE_RESP_INVALID, 1);
	ck_assert_int_eq(IOMMU_PGFAULT_FLAGS_PASID_VALID, 1 << 0);
	ck_assert_int_eq(IOMMU_PGFAULT_FLAGS_LAST_PAGE, 1 << 1);
}
END_TEST

/* IOMMU_TEST_CMD: a harmless op that always succeeds. */
static void fill_test_cmd(void *buf, void *arg)
{
	struct iommu_test_cmd *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->op = IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT;
	cmd->memory_limit.limit = 65536;
}

static const struct uapi_size_case test_cmd_case = {
	.name = "IOMMU_TEST_CMD",
	.cmd = IOMMU_TEST_CMD,
	.size = sizeof(struct iommu_test_cmd),
	.min_size = 68,
	.fill = fill_test_cmd,
};

START_TEST(test_size_sweep_test_cmd)
{
	struct iommu_test_cmd cmd;

	ck_assert_int_eq(uapi_size_sweep(&test_cmd_case), 0);

	/* The minimum size itself (the struct without its tail padding). */
	fill_test_cmd(&cmd, NULL);
	cmd.size = 68;
	SIM_OK(_sim_test_cmd(&cmd));
}
END_TEST

START_TEST(test_test_cmd_reserved_unchecked)
{
	struct iommu_test_cmd cmd;

	/* __reserved is not checked (uapi-spec 11.3). */
	fill_test_cmd(&cmd, NULL);
	cmd.size = sizeof(cmd);
	cmd.__reserved = 0xffffffff;
	SIM_OK(_sim_test_cmd(&cmd));
	cmd.last = 0xffffffff;
	SIM_OK(_sim_test_cmd(&cmd));
}
END_TEST

START_TEST(test_test_cmd_unknown_op)
{
	static const uint32_t ops[] = { 0, 22, 23, 24, 100, 0xffffffff };
	struct iommu_test_cmd cmd = { .size = sizeof(cmd) };
	unsigned int i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		cmd.op = ops[i];
		SIM_ERR(EOPNOTSUPP, _sim_test_cmd(&cmd));
	}
}
END_TEST

/* IOMMU_FAULT_QUEUE_ALLOC: each successful call makes a FAULT and an fd. */
static void fill_fault_alloc(void *buf, void *arg)
{
	memset(buf, 0, sizeof(struct iommu_fault_alloc));
}

static void cleanup_fault_alloc(void *buf, void *arg)
{
	struct iommu_fault_alloc *cmd = buf;

	sim_close(cmd->out_fault_fd);
	sim_destroy(cmd->out_fault_id);
}

static const struct uapi_size_case fault_alloc_case = {
	.name = "IOMMU_FAULT_QUEUE_ALLOC",
	.cmd = IOMMU_FAULT_QUEUE_ALLOC,
	.size = sizeof(struct iommu_fault_alloc),
	.min_size = 16,
	.fill = fill_fault_alloc,
	.cleanup = cleanup_fault_alloc,
};

START_TEST(test_size_sweep_fault_alloc)
{
	ck_assert_int_eq(uapi_size_sweep(&fault_alloc_case), 0);
}
END_TEST

START_TEST(test_fault_alloc_flags)
{
	struct iommu_fault_alloc cmd = { .size = sizeof(cmd), .flags = 1 };
	uint32_t id;

	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_FAULT_QUEUE_ALLOC, &cmd));
	cmd.flags = 0x80000000;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_FAULT_QUEUE_ALLOC, &cmd));
	/* Nothing was left behind: the next object gets ID 1. */
	sim_ioas_alloc(&id);
	ck_assert_uint_eq(id, 1);
}
END_TEST

START_TEST(test_fault_alloc_response_fault)
{
	struct iommu_fault_alloc cmd = { .size = sizeof(cmd) };
	void *ro = uapi_ro_copy(&cmd, sizeof(cmd));
	uint32_t fault_id;
	uint32_t id;
	int fd;

	/* No readable struct at all: the dispatcher's size read fails. */
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_FAULT_QUEUE_ALLOC, (void *)8));

	/*
	 * A response that cannot be copied out: EFAULT, and the object, its
	 * file and the reserved fd number are all undone (the audit checks
	 * the file and the context reference it held).
	 */
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_FAULT_QUEUE_ALLOC, ro));
	uapi_ro_free(ro, sizeof(cmd));
	sim_ioas_alloc(&id);
	ck_assert_uint_eq(id, 1);

	/* The fd number that was reserved is free again. */
	sim_fault_alloc(&fault_id, &fd);
	ck_assert_uint_eq(fault_id, 2);
	ck_assert_int_eq(fd, uf.fd + 1);
	sim_close(fd);
}
END_TEST

Suite *sizes_suite(void)
{
	Suite *s = suite_create("sizes");
	TCase *tc = uapi_tcase("sizes");

	tcase_add_test(tc, test_layout_test_cmd);
	tcase_add_test(tc, test_layout_test_constants);
	tcase_add_test(tc, test_layout_fault);
	tcase_add_test(tc, test_size_sweep_test_cmd);
	tcase_add_test(tc, test_test_cmd_reserved_unchecked);
	tcase_add_test(tc, test_test_cmd_unknown_op);
	tcase_add_test(tc, test_size_sweep_fault_alloc);
	tcase_add_test(tc, test_fault_alloc_flags);
	tcase_add_test(tc, test_fault_alloc_response_fault);
	suite_add_tcase(s, tc);
	return s;
}
