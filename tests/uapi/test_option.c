// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_OPTION and IOMMU_VFIO_IOAS (uapi-spec 3.10, 3.11, 9), and the
 * pinned-memory accounting as user space sees it: RLIMIT_MEMLOCK turning
 * into ENOMEM in both modes, CAP_IPC_LOCK, lazy pinning (a MAP without a
 * domain pins nothing until a domain attaches, and that attach is what can
 * fail), one charge per MAP, and the pin counts MD_CHECK_REFS reports.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <linux/capability.h>
#include "uapi_cov.h"
#include "uapi_suites.h"

#define PAGE	COV_PAGE
#define IOPAGE	COV_IOPAGE
#define BASE	COV_BASE

#define ASSERT_OFF(type, member, off) \
	ck_assert_uint_eq(offsetof(type, member), (off))

START_TEST(test_layout_option)
{
	ck_assert_uint_eq(IOMMU_OPTION, 0x3b87);
	ck_assert_uint_eq(IOMMU_VFIO_IOAS, 0x3b88);
	ck_assert_uint_eq(sizeof(struct iommu_option), 24);
	ASSERT_OFF(struct iommu_option, option_id, 4);
	ASSERT_OFF(struct iommu_option, op, 8);
	ASSERT_OFF(struct iommu_option, __reserved, 10);
	ASSERT_OFF(struct iommu_option, object_id, 12);
	ASSERT_OFF(struct iommu_option, val64, 16);
	ck_assert_int_eq(IOMMU_OPTION_RLIMIT_MODE, 0);
	ck_assert_int_eq(IOMMU_OPTION_HUGE_PAGES, 1);
	ck_assert_int_eq(IOMMU_OPTION_OP_SET, 0);
	ck_assert_int_eq(IOMMU_OPTION_OP_GET, 1);

	ck_assert_uint_eq(sizeof(struct iommu_vfio_ioas), 12);
	ASSERT_OFF(struct iommu_vfio_ioas, ioas_id, 4);
	ASSERT_OFF(struct iommu_vfio_ioas, op, 8);
	ASSERT_OFF(struct iommu_vfio_ioas, __reserved, 10);
	ck_assert_int_eq(IOMMU_VFIO_IOAS_GET, 0);
	ck_assert_int_eq(IOMMU_VFIO_IOAS_SET, 1);
	ck_assert_int_eq(IOMMU_VFIO_IOAS_CLEAR, 2);
}
END_TEST

/* ---- size sweeps ---------------------------------------------------------- */

static uint32_t sweep_ioas;

static void fill_option(void *buf, void *arg)
{
	struct iommu_option *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->option_id = IOMMU_OPTION_HUGE_PAGES;
	cmd->op = IOMMU_OPTION_OP_GET;
	cmd->object_id = sweep_ioas;
	cmd->val64 = 77;
}

static void cleanup_option(void *buf, void *arg)
{
	struct iommu_option *cmd = buf;

	ck_assert_uint_eq(cmd->val64, 1);
}

static void fill_vfio_ioas(void *buf, void *arg)
{
	struct iommu_vfio_ioas *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->op = IOMMU_VFIO_IOAS_GET;
}

static void cleanup_vfio_ioas(void *buf, void *arg)
{
	struct iommu_vfio_ioas *cmd = buf;

	ck_assert_uint_eq(cmd->ioas_id, sweep_ioas);
}

START_TEST(test_size_sweeps_option)
{
	const struct uapi_size_case cases[] = {
		{ "IOMMU_OPTION", IOMMU_OPTION, 24, 24, fill_option,
		  cleanup_option },
		{ "IOMMU_VFIO_IOAS", IOMMU_VFIO_IOAS, 12, 12, fill_vfio_ioas,
		  cleanup_vfio_ioas },
	};
	unsigned int i;

	sim_ioas_alloc(&sweep_ioas);
	sim_vfio_ioas(IOMMU_VFIO_IOAS_SET, &sweep_ioas);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(uapi_size_sweep(&cases[i]) == 0,
			      "%s: the exact size failed", cases[i].name);
}
END_TEST

/* ---- IOMMU_OPTION --------------------------------------------------------- */

static int option_raw(uint32_t option_id, uint16_t op, uint16_t reserved,
		      uint32_t object_id, uint64_t val64)
{
	struct iommu_option cmd = {
		.size = sizeof(cmd),
		.option_id = option_id,
		.op = op,
		.__reserved = reserved,
		.object_id = object_id,
		.val64 = val64,
	};

	return _sim_ioctl(IOMMU_OPTION, &cmd);
}

START_TEST(test_option_errors)
{
	uint32_t ioas;

	sim_ioas_alloc(&ioas);
	/* __reserved, unknown options and ops: EOPNOTSUPP. */
	SIM_ERR(EOPNOTSUPP, option_raw(IOMMU_OPTION_HUGE_PAGES,
				       IOMMU_OPTION_OP_GET, 1, ioas, 0));
	SIM_ERR(EOPNOTSUPP, option_raw(IOMMU_OPTION_RLIMIT_MODE,
				       IOMMU_OPTION_OP_GET, 0x8000, 0, 0));
	SIM_ERR(EOPNOTSUPP, option_raw(2, IOMMU_OPTION_OP_GET, 0, ioas, 0));
	SIM_ERR(EOPNOTSUPP, option_raw(0xffffffff, IOMMU_OPTION_OP_GET, 0, 0,
				       0));
	SIM_ERR(EOPNOTSUPP, option_raw(IOMMU_OPTION_RLIMIT_MODE, 2, 0, 0, 0));
	SIM_ERR(EOPNOTSUPP, option_raw(IOMMU_OPTION_HUGE_PAGES, 2, 0, ioas,
				       0));
	/* RLIMIT_MODE is per context: object_id must be 0. */
	SIM_ERR(EOPNOTSUPP, option_raw(IOMMU_OPTION_RLIMIT_MODE,
				       IOMMU_OPTION_OP_GET, 0, ioas, 0));
	/* HUGE_PAGES needs an IOAS. */
	SIM_ERR(ENOENT, option_raw(IOMMU_OPTION_HUGE_PAGES,
				   IOMMU_OPTION_OP_GET, 0, 0, 0));
	SIM_ERR(ENOENT, option_raw(IOMMU_OPTION_HUGE_PAGES,
				   IOMMU_OPTION_OP_GET, 0, 999, 0));
	/* Values other than 0 and 1. */
	SIM_ERR(EINVAL, option_raw(IOMMU_OPTION_HUGE_PAGES,
				   IOMMU_OPTION_OP_SET, 0, ioas, 2));
}
END_TEST

START_TEST(test_option_rlimit_mode)
{
	struct iommufd_sim_proc_opts popts = {
		.caps = 1ULL << CAP_SYS_RESOURCE,
	};
	struct iommufd_sim_proc *admin;
	uint64_t val = 7;
	uint32_t ioas;
	int fd, vfd;

	/* /dev/iommu starts per user. */
	sim_option(IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_GET, 0, &val);
	ck_assert_uint_eq(val, 0);
	/* Changing it needs CAP_SYS_RESOURCE. */
	val = 1;
	sim_err_option(EPERM, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 0,
		       &val);

	/* A process with the capability, on a context of its own. */
	admin = iommufd_sim_proc_create(uf.sim, &popts);
	fd = iommufd_sim_open(admin, "/dev/iommu", O_RDWR);
	ck_assert_int_ge(fd, 0);
	{
		struct iommu_option cmd = {
			.size = sizeof(cmd),
			.option_id = IOMMU_OPTION_RLIMIT_MODE,
			.op = IOMMU_OPTION_OP_SET,
			.val64 = 2,
		};
		struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };

		ck_assert_int_eq(iommufd_sim_ioctl(admin, fd, IOMMU_OPTION,
						   &cmd), -1);
		ck_assert_int_eq(errno, EINVAL);
		cmd.val64 = 1;
		ck_assert_int_eq(iommufd_sim_ioctl(admin, fd, IOMMU_OPTION,
						   &cmd), 0);
		cmd.op = IOMMU_OPTION_OP_GET;
		cmd.val64 = 5;
		ck_assert_int_eq(iommufd_sim_ioctl(admin, fd, IOMMU_OPTION,
						   &cmd), 0);
		ck_assert_uint_eq(cmd.val64, 1);
		/* Only on an empty context. */
		ck_assert_int_eq(iommufd_sim_ioctl(admin, fd, IOMMU_IOAS_ALLOC,
						   &alloc), 0);
		cmd.op = IOMMU_OPTION_OP_SET;
		cmd.val64 = 0;
		ck_assert_int_eq(iommufd_sim_ioctl(admin, fd, IOMMU_OPTION,
						   &cmd), -1);
		ck_assert_int_eq(errno, EBUSY);
		cmd.op = IOMMU_OPTION_OP_GET;
		ck_assert_int_eq(iommufd_sim_ioctl(admin, fd, IOMMU_OPTION,
						   &cmd), 0);
		ck_assert_uint_eq(cmd.val64, 1);
	}
	iommufd_sim_close(admin, fd);
	iommufd_sim_proc_destroy(admin);

	/* The capability can be granted to the test's own process too. */
	iommufd_sim_proc_set_cap(uf.p, CAP_SYS_RESOURCE, true);
	val = 1;
	sim_option(IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 0, &val);
	sim_ioas_alloc(&ioas);
	sim_err_option(EBUSY, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 0,
		       &val);
	/* A destroyed object leaves the context empty again. */
	sim_destroy(ioas);
	val = 0;
	sim_option(IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 0, &val);
	sim_option(IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_GET, 0, &val);
	ck_assert_uint_eq(val, 0);

	/* The VFIO container node starts in per-process (mm) mode. */
	vfd = iommufd_sim_open(uf.p, "/dev/vfio/vfio", O_RDWR);
	ck_assert_int_ge(vfd, 0);
	{
		struct iommu_option cmd = {
			.size = sizeof(cmd),
			.option_id = IOMMU_OPTION_RLIMIT_MODE,
			.op = IOMMU_OPTION_OP_GET,
		};

		SIM_OK(_sim_ioctl_fd(vfd, IOMMU_OPTION, &cmd));
		ck_assert_uint_eq(cmd.val64, 1);
	}
	sim_close(vfd);
}
END_TEST

/*
 * Only val64 is written back: a struct whose first 16 bytes are read-only
 * and whose val64 is writable gets its answer; a full copy-back would
 * fault.
 */
START_TEST(test_option_copies_back_only_val64)
{
	struct iommu_option init = {
		.size = sizeof(init),
		.option_id = IOMMU_OPTION_HUGE_PAGES,
		.op = IOMMU_OPTION_OP_GET,
		.val64 = 33,
	};
	struct iommu_option *cmd;
	uint32_t ioas;

	sim_ioas_alloc(&ioas);
	init.object_id = ioas;
	cmd = cov_split_rw(offsetof(struct iommu_option, val64), sizeof(init),
			   &init);
	SIM_OK(_sim_ioctl(IOMMU_OPTION, cmd));
	ck_assert_uint_eq(cmd->val64, 1);

	/* SET answers the same way. */
	cov_split_free(cmd, offsetof(struct iommu_option, val64));
	init.op = IOMMU_OPTION_OP_SET;
	init.val64 = 0;
	cmd = cov_split_rw(offsetof(struct iommu_option, val64), sizeof(init),
			   &init);
	SIM_OK(_sim_ioctl(IOMMU_OPTION, cmd));
	ck_assert_uint_eq(cmd->val64, 0);
	cov_split_free(cmd, offsetof(struct iommu_option, val64));

	/* And a wholly read-only one fails once the answer must go back. */
	init.op = IOMMU_OPTION_OP_GET;
	cmd = uapi_ro_copy(&init, sizeof(init));
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_OPTION, cmd));
	uapi_ro_free(cmd, sizeof(init));
}
END_TEST

START_TEST(test_option_huge_pages)
{
	const uint64_t all[] = { 0, COV_ULONG_MAX };
	void *buf = uapi_mem(4 * PAGE);
	uint32_t ioas, ioas2;
	uint64_t val;

	sim_ioas_alloc(&ioas);
	sim_option(IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, ioas, &val);
	ck_assert_uint_eq(val, 1);
	cov_assert_ranges(ioas, all, 1, 1);

	/* Off: PAGE_SIZE IOPTEs and at least PAGE_SIZE alignment. */
	val = 0;
	sim_option(IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, ioas, &val);
	sim_option(IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, ioas, &val);
	ck_assert_uint_eq(val, 0);
	cov_assert_ranges(ioas, all, 1, PAGE);
	sim_err_ioas_map_fixed(EINVAL, ioas, buf, IOPAGE, BASE);
	sim_ioas_map_fixed(ioas, buf, PAGE, BASE);
	/* Off twice is fine, on always is. */
	val = 0;
	sim_option(IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, ioas, &val);
	val = 1;
	sim_option(IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, ioas, &val);
	cov_assert_ranges(ioas, all, 1, 1);
	sim_ioas_map_fixed(ioas, (char *)buf + PAGE, IOPAGE, BASE + 8 * PAGE);

	/* A mapping that is not page aligned cannot stay: EADDRINUSE. */
	val = 0;
	sim_err_option(EADDRINUSE, IOMMU_OPTION_HUGE_PAGES,
		       IOMMU_OPTION_OP_SET, ioas, &val);
	sim_option(IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, ioas, &val);
	ck_assert_uint_eq(val, 1);
	cov_assert_ranges(ioas, all, 1, 1);

	/* A domain and mappings: EINVAL; a domain alone is fine. */
	sim_ioas_alloc(&ioas2);
	sim_mock_domain(ioas2, NULL, NULL, NULL);
	val = 0;
	sim_option(IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, ioas2, &val);
	val = 1;
	sim_option(IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, ioas2, &val);
	sim_ioas_map_fixed(ioas2, buf, PAGE, BASE);
	val = 0;
	sim_err_option(EINVAL, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET,
		       ioas2, &val);

	/* Another type's ID is not an IOAS. */
	sim_err_option(ENOENT, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET,
		       ioas2 + 1, &val);
}
END_TEST

/* ---- IOMMU_VFIO_IOAS ------------------------------------------------------ */

START_TEST(test_vfio_ioas)
{
	struct iommu_vfio_ioas cmd = { .size = sizeof(cmd) };
	uint32_t ioas, ioas2, id;
	void *ro;

	sim_err_vfio_ioas(ENODEV, IOMMU_VFIO_IOAS_GET, &id);
	sim_ioas_alloc(&ioas);
	sim_ioas_alloc(&ioas2);
	id = 999;
	sim_err_vfio_ioas(ENOENT, IOMMU_VFIO_IOAS_SET, &id);
	id = 0;
	sim_err_vfio_ioas(ENOENT, IOMMU_VFIO_IOAS_SET, &id);

	/* SET copies nothing back: a read-only struct works. */
	cmd.op = IOMMU_VFIO_IOAS_SET;
	cmd.ioas_id = ioas;
	ro = uapi_ro_copy(&cmd, sizeof(cmd));
	SIM_OK(_sim_ioctl(IOMMU_VFIO_IOAS, ro));
	uapi_ro_free(ro, sizeof(cmd));
	id = 0;
	sim_vfio_ioas(IOMMU_VFIO_IOAS_GET, &id);
	ck_assert_uint_eq(id, ioas);
	/* GET answers in ioas_id, so it needs a writable struct. */
	cmd.op = IOMMU_VFIO_IOAS_GET;
	ro = uapi_ro_copy(&cmd, sizeof(cmd));
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_VFIO_IOAS, ro));
	uapi_ro_free(ro, sizeof(cmd));

	/* SET replaces; the pointer is not a reference. */
	id = ioas2;
	sim_vfio_ioas(IOMMU_VFIO_IOAS_SET, &id);
	sim_vfio_ioas(IOMMU_VFIO_IOAS_GET, &id);
	ck_assert_uint_eq(id, ioas2);
	sim_destroy(ioas2);
	/* Destroying the compat IOAS forgets it. */
	sim_err_vfio_ioas(ENODEV, IOMMU_VFIO_IOAS_GET, &id);

	/* CLEAR forgets without destroying. */
	id = ioas;
	sim_vfio_ioas(IOMMU_VFIO_IOAS_SET, &id);
	sim_vfio_ioas(IOMMU_VFIO_IOAS_CLEAR, NULL);
	sim_err_vfio_ioas(ENODEV, IOMMU_VFIO_IOAS_GET, &id);
	sim_destroy(ioas);

	/* Unknown op, reserved field. */
	cmd.op = 3;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_VFIO_IOAS, &cmd));
	cmd.op = 0xffff;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_VFIO_IOAS, &cmd));
	cmd.op = IOMMU_VFIO_IOAS_GET;
	cmd.__reserved = 1;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_VFIO_IOAS, &cmd));
}
END_TEST

/* ---- accounting ----------------------------------------------------------- */

START_TEST(test_account_rlimit_enomem)
{
	void *buf = uapi_mem(32 * PAGE);
	uint32_t ioas, hwpt;
	uint64_t iova;

	/* 16 pages of RLIMIT_MEMLOCK, charged per user. */
	iommufd_sim_proc_set_memlock(uf.p, 16 * PAGE);
	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, NULL, &hwpt, NULL);

	sim_err_ioas_map(ENOMEM, ioas, buf, 17 * PAGE, &iova, 0);
	sim_check_refs(buf, 17 * PAGE, 0);
	sim_ioas_map(ioas, buf, 10 * PAGE, &iova, 0);
	sim_check_refs(buf, 10 * PAGE, 1);
	/* Each MAP charges its own pages, even of the same memory. */
	sim_err_ioas_map(ENOMEM, ioas, buf, 10 * PAGE, &iova, 0);
	sim_ioas_map(ioas, buf, 6 * PAGE, &iova, 0);
	sim_check_refs(buf, 6 * PAGE, 2);
	sim_err_ioas_map(ENOMEM, ioas, (char *)buf + 16 * PAGE, PAGE, &iova,
			 0);
	/* COPY shares the pages and their charge. */
	sim_ioas_copy(ioas, BASE + 1024 * PAGE, ioas, iova, 6 * PAGE,
		      IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE);
	sim_check_refs(buf, 6 * PAGE, 2);
	/* Unmapping gives the charge back. */
	sim_ioas_unmap(ioas, 0, UINT64_MAX, NULL);
	sim_check_refs(buf, 32 * PAGE, 0);
	sim_ioas_map(ioas, buf, 16 * PAGE, &iova, 0);

	/* CAP_IPC_LOCK at MAP time: never charged. */
	iommufd_sim_proc_set_cap(uf.p, CAP_IPC_LOCK, true);
	sim_ioas_map(ioas, (char *)buf + 16 * PAGE, 16 * PAGE, &iova, 0);
	sim_check_refs(buf, 32 * PAGE, 1);
}
END_TEST

START_TEST(test_account_mm_mode_enomem)
{
	void *buf = uapi_mem(32 * PAGE);
	uint64_t val = 1, iova;
	uint32_t ioas;

	iommufd_sim_proc_set_cap(uf.p, CAP_SYS_RESOURCE, true);
	sim_option(IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 0, &val);
	iommufd_sim_proc_set_memlock(uf.p, 8 * PAGE);
	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, NULL, NULL, NULL);
	sim_err_ioas_map(ENOMEM, ioas, buf, 9 * PAGE, &iova, 0);
	sim_ioas_map(ioas, buf, 8 * PAGE, &iova, 0);
	sim_err_ioas_map(ENOMEM, ioas, buf, PAGE, &iova, 0);
	sim_ioas_unmap(ioas, iova, 8 * PAGE, NULL);
	sim_ioas_map(ioas, buf, PAGE, &iova, 0);
}
END_TEST

START_TEST(test_account_lazy_pinning)
{
	void *buf = uapi_mem(8 * PAGE);
	uint32_t ioas, stdev, idev, hwpt, hwpt2, id;
	uint64_t iova = BASE;

	sim_ioas_alloc(&ioas);
	/* No domain, no access: nothing is pinned or charged. */
	sim_ioas_map_fixed(ioas, buf, 8 * PAGE, iova);
	sim_check_refs(buf, 8 * PAGE, 0);
	/* The first domain pins and maps what is there. */
	sim_mock_domain(ioas, &stdev, &hwpt, &idev);
	sim_check_refs(buf, 8 * PAGE, 1);
	sim_check_map(hwpt, BASE, 8 * PAGE, buf);
	/* A second domain shares the pins. */
	sim_hwpt_alloc_paging(idev, ioas, 0, &hwpt2);
	sim_check_map(hwpt2, BASE, 8 * PAGE, buf);
	sim_check_refs(buf, 8 * PAGE, 1);
	sim_destroy(stdev);
	sim_check_refs(buf, 8 * PAGE, 1);
	/* The last domain going unpins. */
	sim_destroy(hwpt2);
	sim_check_refs(buf, 8 * PAGE, 0);

	/*
	 * Over the limit: the MAP still works (nothing is charged), the
	 * attach that would pin fails ENOMEM and leaves nothing.
	 */
	iommufd_sim_proc_set_memlock(uf.p, 4 * PAGE);
	sim_ioas_map_fixed(ioas, buf, 2 * PAGE, BASE + 64 * PAGE);
	sim_err_mock_domain(ENOMEM, ioas, NULL, NULL, NULL);
	sim_check_refs(buf, 8 * PAGE, 0);
	sim_ioas_alloc(&id);
	ck_assert_uint_eq(id, ioas + 1);
	/* Within the limit again. */
	sim_ioas_unmap(ioas, BASE, 8 * PAGE, NULL);
	sim_mock_domain(ioas, &stdev, &hwpt, NULL);
	sim_check_refs(buf, 2 * PAGE, 1);
	sim_check_map(hwpt, BASE + 64 * PAGE, 2 * PAGE, buf);
	sim_destroy(stdev);
}
END_TEST

/*
 * Lazy pinning reads the user memory when the domain attaches, not at MAP:
 * memory the user unmapped in between makes the attach fail (EFAULT),
 * where an eager MAP would have pinned it already.
 */
START_TEST(test_account_lazy_reads_memory_at_attach)
{
	void *buf = uapi_mem(4 * PAGE);
	uint32_t ioas, hwpt, id;

	sim_ioas_alloc(&ioas);
	sim_ioas_map_fixed(ioas, buf, 2 * PAGE, BASE);
	sim_ioas_map_fixed(ioas, (char *)buf + 2 * PAGE, 2 * PAGE,
			   BASE + 2 * PAGE);
	ck_assert_int_eq(iommufd_sim_munmap(uf.p, (char *)buf + 2 * PAGE,
					    2 * PAGE), 0);
	sim_err_mock_domain(EFAULT, ioas, NULL, NULL, NULL);
	sim_check_refs(buf, 2 * PAGE, 0);
	sim_ioas_alloc(&id);
	ck_assert_uint_eq(id, ioas + 1);
	/* Without the mapping of the hole it attaches and maps the rest. */
	sim_ioas_unmap(ioas, BASE + 2 * PAGE, 2 * PAGE, NULL);
	sim_mock_domain(ioas, NULL, &hwpt, NULL);
	sim_check_map(hwpt, BASE, 2 * PAGE, buf);
	sim_check_refs(buf, 2 * PAGE, 1);
}
END_TEST

Suite *option_suite(void)
{
	Suite *s = suite_create("option");
	TCase *tc = cov_tcase("option");

	tcase_add_test(tc, test_layout_option);
	tcase_add_test(tc, test_size_sweeps_option);
	tcase_add_test(tc, test_option_errors);
	tcase_add_test(tc, test_option_rlimit_mode);
	tcase_add_test(tc, test_option_copies_back_only_val64);
	tcase_add_test(tc, test_option_huge_pages);
	tcase_add_test(tc, test_vfio_ioas);
	tcase_add_test(tc, test_account_rlimit_enomem);
	tcase_add_test(tc, test_account_mm_mode_enomem);
	tcase_add_test(tc, test_account_lazy_pinning);
	tcase_add_test(tc, test_account_lazy_reads_memory_at_attach);
	suite_add_tcase(s, tc);
	return s;
}
