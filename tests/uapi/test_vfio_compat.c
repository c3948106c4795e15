// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO container compatibility layer (uapi-spec 3.11, 8, 9.2): a
 * type1 client on an iommufd.  IOMMU_VFIO_IOAS names the compat IOAS;
 * then VFIO_CHECK_EXTENSION, VFIO_SET_IOMMU (TYPE1 disables huge pages so
 * that partial unmaps work), VFIO_IOMMU_MAP_DMA, VFIO_IOMMU_UNMAP_DMA with
 * the type1 splitting rules and its difference from IOAS_UNMAP on an
 * empty range, VFIO_IOMMU_GET_INFO with its capability chain, and the
 * per-process (mm) accounting of contexts opened as /dev/vfio/vfio.
 */
#include <fcntl.h>
#include <linux/vfio.h>
#include "uapi_suites.h"
#include "viommu_util.h"

#define PG	UAPI_PAGE_SIZE
#define IOVA	((uint64_t)MOCK_APERTURE_START)

/* ---- helpers ----------------------------------------------------------- */

/* A VFIO ioctl taking an integer argument: its value, or -errno. */
static long vfio_arg(int fd, unsigned long cmd, unsigned long arg)
{
	int rc = iommufd_sim_ioctl(uf.p, fd, cmd, (void *)arg);

	return rc < 0 ? -errno : rc;
}

static int vfio_ioas(uint16_t op, uint32_t *ioas_id)
{
	struct iommu_vfio_ioas cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id ? *ioas_id : 0,
		.op = op,
	};
	int rc = _sim_ioctl(IOMMU_VFIO_IOAS, &cmd);

	if (!rc && ioas_id)
		*ioas_id = cmd.ioas_id;
	return rc;
}

static int map_dma(uint64_t iova, void *vaddr, uint64_t size, uint32_t flags)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = flags,
		.vaddr = (uintptr_t)vaddr,
		.iova = iova,
		.size = size,
	};

	return _sim_ioctl(VFIO_IOMMU_MAP_DMA, &map);
}

#define RW	(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)

/* UNMAP_DMA; *@unmapped gets the size written back (also on error). */
static int unmap_dma(uint64_t iova, uint64_t size, uint32_t flags,
		     uint64_t *unmapped)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.flags = flags,
		.iova = iova,
		.size = size,
	};
	int rc = _sim_ioctl(VFIO_IOMMU_UNMAP_DMA, &unmap);

	if (unmapped)
		*unmapped = unmap.size;
	return rc;
}

static uint64_t option_get(uint32_t option, uint32_t object_id)
{
	struct iommu_option cmd = {
		.size = sizeof(cmd),
		.option_id = option,
		.op = IOMMU_OPTION_OP_GET,
		.object_id = object_id,
	};

	SIM_OK(_sim_ioctl(IOMMU_OPTION, &cmd));
	return cmd.val64;
}

/* Make uf.fd a context opened as the VFIO container node. */
static void open_vfio_container(void)
{
	sim_close(uf.fd);
	uf.fd = iommufd_sim_open(uf.p, "/dev/vfio/vfio", O_RDWR);
	ck_assert_msg(uf.fd >= 0, "open /dev/vfio/vfio: %s",
		      uapi_errname(errno));
}

/* A compat IOAS with a mock device attached (as a group attach would). */
static uint32_t compat_setup(uint32_t *hwpt)
{
	uint32_t ioas, id;

	sim_ioas_alloc(&ioas);
	id = ioas;
	SIM_OK(vfio_ioas(IOMMU_VFIO_IOAS_SET, &id));
	sim_mock_domain(ioas, NULL, hwpt, NULL);
	return ioas;
}

/* ---- IOMMU_VFIO_IOAS -------------------------------------------------- */

START_TEST(test_vfio_ioas)
{
	struct iommu_vfio_ioas cmd = { .size = sizeof(cmd) };
	uint32_t ioas, ioas2, id = 0;

	ck_assert_uint_eq(sizeof(cmd), 12);
	SIM_ERR(ENODEV, vfio_ioas(IOMMU_VFIO_IOAS_GET, &id));
	sim_ioas_alloc(&ioas);
	sim_ioas_alloc(&ioas2);
	id = 1000;
	SIM_ERR(ENOENT, vfio_ioas(IOMMU_VFIO_IOAS_SET, &id));
	SIM_OK(vfio_ioas(IOMMU_VFIO_IOAS_SET, &ioas));
	id = 0;
	SIM_OK(vfio_ioas(IOMMU_VFIO_IOAS_GET, &id));
	ck_assert_uint_eq(id, ioas);
	/* The pointer is no reference: the IOAS can go, and it clears. */
	sim_destroy(ioas);
	SIM_ERR(ENODEV, vfio_ioas(IOMMU_VFIO_IOAS_GET, &id));
	SIM_OK(vfio_ioas(IOMMU_VFIO_IOAS_SET, &ioas2));
	SIM_OK(vfio_ioas(IOMMU_VFIO_IOAS_CLEAR, NULL));
	SIM_ERR(ENODEV, vfio_ioas(IOMMU_VFIO_IOAS_GET, &id));
	/* Reserved field, unknown op. */
	cmd.ioas_id = ioas2;
	cmd.op = IOMMU_VFIO_IOAS_SET;
	cmd.__reserved = 1;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_VFIO_IOAS, &cmd));
	cmd.__reserved = 0;
	cmd.op = 3;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_VFIO_IOAS, &cmd));
}
END_TEST

static uint32_t sweep_ioas;

static void fill_vfio_ioas(void *buf, void *arg)
{
	struct iommu_vfio_ioas *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->ioas_id = sweep_ioas;
	cmd->op = IOMMU_VFIO_IOAS_SET;
}

START_TEST(test_vfio_ioas_size_sweep)
{
	const struct uapi_size_case c = {
		.name = "IOMMU_VFIO_IOAS",
		.cmd = IOMMU_VFIO_IOAS,
		.size = 12,
		.min_size = 12,
		.fill = fill_vfio_ioas,
	};

	sim_ioas_alloc(&sweep_ioas);
	ck_assert_int_eq(uapi_size_sweep(&c), 0);
}
END_TEST

/* ---- container ioctls ------------------------------------------------- */

START_TEST(test_vfio_container_basics)
{
	uint32_t ioas, id;

	open_vfio_container();
	/* Opened as the VFIO node: per-process (mm) accounting. */
	ck_assert_uint_eq(option_get(IOMMU_OPTION_RLIMIT_MODE, 0), 1);
	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_GET_API_VERSION, 0),
			 VFIO_API_VERSION);

	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_CHECK_EXTENSION,
				  VFIO_TYPE1_IOMMU), 1);
	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_CHECK_EXTENSION,
				  VFIO_TYPE1v2_IOMMU), 1);
	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_CHECK_EXTENSION, VFIO_UNMAP_ALL),
			 1);
	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_CHECK_EXTENSION,
				  VFIO_NOIOMMU_IOMMU), 0);
	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_CHECK_EXTENSION,
				  VFIO_TYPE1_NESTING_IOMMU), 0);
	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_CHECK_EXTENSION,
				  VFIO_UPDATE_VADDR), 0);
	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_CHECK_EXTENSION,
				  VFIO_SPAPR_TCE_IOMMU), 0);
	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_CHECK_EXTENSION, 1000), 0);

	/* Without a compat IOAS. */
	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_CHECK_EXTENSION,
				  VFIO_DMA_CC_IOMMU), -ENODEV);
	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU),
			 -ENODEV);
	SIM_ERR(ENODEV, map_dma(IOVA, uapi_mem(PG), PG, RW));
	SIM_ERR(ENODEV, unmap_dma(IOVA, PG, 0, NULL));
	{
		struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };

		SIM_ERR(ENODEV, _sim_ioctl(VFIO_IOMMU_GET_INFO, &info));
	}
	/* SET_IOMMU checks the type first. */
	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_IOMMU),
			 -EINVAL);
	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_SET_IOMMU, VFIO_NOIOMMU_IOMMU),
			 -EINVAL);

	/* Unknown and unsupported container ioctls. */
	ck_assert_int_eq(vfio_arg(uf.fd, _IO(VFIO_TYPE, VFIO_BASE + 17), 0),
			 -ENOTTY);
	ck_assert_int_eq(vfio_arg(uf.fd, _IO(VFIO_TYPE, VFIO_BASE - 1), 0),
			 -ENOTTY);

	/* Cache coherency: every paging HWPT must enforce it. */
	sim_ioas_alloc(&ioas);
	id = ioas;
	SIM_OK(vfio_ioas(IOMMU_VFIO_IOAS_SET, &id));
	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_CHECK_EXTENSION,
				  VFIO_DMA_CC_IOMMU), 1);
	sim_mock_domain(ioas, NULL, NULL, NULL);
	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_CHECK_EXTENSION,
				  VFIO_DMA_CC_IOMMU), 0);
}
END_TEST

START_TEST(test_vfio_iommu_node_mode)
{
	/* The /dev/iommu node starts in per-user accounting. */
	ck_assert_uint_eq(option_get(IOMMU_OPTION_RLIMIT_MODE, 0), 0);
	/* The container ioctls exist on it as well. */
	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_GET_API_VERSION, 0), 0);
}
END_TEST

/*
 * A type1 client: SET_IOMMU(TYPE1), MAP_DMA, partial UNMAP_DMA (the
 * mappings are cut at the range's edges), and the empty range: UNMAP_DMA
 * succeeds with size 0 where IOAS_UNMAP says ENOENT.
 */
START_TEST(test_vfio_type1_flow)
{
	uint64_t unmapped;
	uint32_t ioas, hwpt;
	char *buf;

	open_vfio_container();
	ioas = compat_setup(&hwpt);
	buf = uapi_mem(16 * PG);
	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU), 0);
	/* TYPE1 maps page by page. */
	ck_assert_uint_eq(option_get(IOMMU_OPTION_HUGE_PAGES, ioas), 0);

	SIM_OK(map_dma(IOVA, buf, 16 * PG, RW));
	sim_check_map(hwpt, IOVA, 16 * PG, buf);
	/* Fixed IOVA only, and no overlap. */
	SIM_ERR(EEXIST, map_dma(IOVA + PG, buf, PG, RW));
	SIM_ERR(EINVAL, map_dma(IOVA + 16 * PG + 1, buf, PG, RW));

	/* A hole in the middle of the mapping. */
	SIM_OK(unmap_dma(IOVA + 4 * PG, 4 * PG, 0, &unmapped));
	ck_assert_uint_eq(unmapped, 4 * PG);
	sim_check_map(hwpt, IOVA, 4 * PG, buf);
	sim_check_map(hwpt, IOVA + 8 * PG, 8 * PG, buf + 8 * PG);
	sim_err_check_map(EINVAL, hwpt, IOVA + 4 * PG, PG, buf + 4 * PG);

	/* The empty range: success with nothing unmapped... */
	SIM_OK(unmap_dma(IOVA + 4 * PG, 4 * PG, 0, &unmapped));
	ck_assert_uint_eq(unmapped, 0);
	SIM_OK(unmap_dma(IOVA + 64 * PG, PG, 0, &unmapped));
	ck_assert_uint_eq(unmapped, 0);
	/* ...where IOAS_UNMAP of the same range is ENOENT. */
	sim_err_ioas_unmap(ENOENT, ioas, IOVA + 4 * PG, 4 * PG, NULL);

	/* A range over both pieces, cutting each. */
	SIM_OK(unmap_dma(IOVA + 2 * PG, 8 * PG, 0, &unmapped));
	ck_assert_uint_eq(unmapped, 4 * PG);
	/* Remap the hole. */
	SIM_OK(map_dma(IOVA + 2 * PG, buf + 2 * PG, 8 * PG, RW));
	sim_check_map(hwpt, IOVA, 16 * PG, buf);

	/* UNMAP_ALL needs iova and size 0. */
	SIM_ERR(EINVAL, unmap_dma(IOVA, 0, VFIO_DMA_UNMAP_FLAG_ALL, NULL));
	SIM_ERR(EINVAL, unmap_dma(0, PG, VFIO_DMA_UNMAP_FLAG_ALL, NULL));
	SIM_OK(unmap_dma(0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &unmapped));
	ck_assert_uint_eq(unmapped, 16 * PG);
	SIM_OK(unmap_dma(0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &unmapped));
	ck_assert_uint_eq(unmapped, 0);
}
END_TEST

/* TYPE1v2 keeps huge pages: a mapping cannot be unmapped in part. */
START_TEST(test_vfio_type1v2_no_split)
{
	uint64_t unmapped = 1;
	uint32_t ioas;
	char *buf;

	open_vfio_container();
	ioas = compat_setup(NULL);
	buf = uapi_mem(4 * PG);
	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU),
			 0);
	ck_assert_uint_eq(option_get(IOMMU_OPTION_HUGE_PAGES, ioas), 1);
	SIM_OK(map_dma(IOVA, buf, 4 * PG, RW));
	/* The size goes back even with the error: nothing was unmapped. */
	SIM_ERR(ENOENT, unmap_dma(IOVA + PG, PG, 0, &unmapped));
	ck_assert_uint_eq(unmapped, 0);
	SIM_OK(unmap_dma(IOVA, 4 * PG, 0, &unmapped));
	ck_assert_uint_eq(unmapped, 4 * PG);
	/* TYPE1 cannot be set on an IOAS with a domain and mappings. */
	SIM_OK(map_dma(IOVA, buf, 4 * PG, RW));
	ck_assert_int_eq(vfio_arg(uf.fd, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU),
			 -EINVAL);
}
END_TEST

START_TEST(test_vfio_map_unmap_errors)
{
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = 24 };
	struct vfio_iommu_type1_dma_map map = { .argsz = 32 };
	char *buf;

	open_vfio_container();
	compat_setup(NULL);
	buf = uapi_mem(4 * PG);

	/* MAP_DMA: argsz, flags (no "read or write" requirement). */
	map.vaddr = (uintptr_t)buf;
	map.iova = IOVA;
	map.size = PG;
	map.argsz = 31;
	SIM_ERR(EINVAL, _sim_ioctl(VFIO_IOMMU_MAP_DMA, &map));
	map.argsz = 32;
	map.flags = VFIO_DMA_MAP_FLAG_VADDR;
	SIM_ERR(EINVAL, _sim_ioctl(VFIO_IOMMU_MAP_DMA, &map));
	map.flags = 0;
	SIM_OK(_sim_ioctl(VFIO_IOMMU_MAP_DMA, &map));
	/* The IOAS_MAP errnos follow. */
	SIM_ERR(EINVAL, map_dma(IOVA + PG, buf, 0, RW));
	SIM_ERR(EFAULT, map_dma(IOVA + PG, (void *)0x1000, PG, RW));

	/* UNMAP_DMA: argsz and flags. */
	unmap.argsz = 23;
	unmap.iova = IOVA;
	unmap.size = PG;
	SIM_ERR(EINVAL, _sim_ioctl(VFIO_IOMMU_UNMAP_DMA, &unmap));
	unmap.argsz = 24;
	unmap.flags = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP;
	SIM_ERR(EINVAL, _sim_ioctl(VFIO_IOMMU_UNMAP_DMA, &unmap));
	unmap.flags = VFIO_DMA_UNMAP_FLAG_VADDR;
	SIM_ERR(EINVAL, _sim_ioctl(VFIO_IOMMU_UNMAP_DMA, &unmap));
	unmap.flags = 0;
	SIM_OK(_sim_ioctl(VFIO_IOMMU_UNMAP_DMA, &unmap));
	ck_assert_uint_eq(unmap.size, PG);
}
END_TEST

/* ---- GET_INFO --------------------------------------------------------- */

struct info_buf {
	struct vfio_iommu_type1_info info;
	unsigned char caps[256];
};

START_TEST(test_vfio_get_info)
{
	struct vfio_iommu_type1_info_cap_iova_range *iovas;
	struct vfio_iommu_type1_info_dma_avail *avail;
	struct info_buf b;
	uint32_t ioas, id;

	open_vfio_container();
	sim_ioas_alloc(&ioas);
	id = ioas;
	SIM_OK(vfio_ioas(IOMMU_VFIO_IOAS_SET, &id));

	/* argsz below the pgsizes field. */
	memset(&b, 0, sizeof(b));
	b.info.argsz = 15;
	SIM_ERR(EINVAL, _sim_ioctl(VFIO_IOMMU_GET_INFO, &b));

	/* No domain: every page size from PAGE_SIZE up, all IOVA usable. */
	memset(&b, 0, sizeof(b));
	b.info.argsz = sizeof(b);
	SIM_OK(_sim_ioctl(VFIO_IOMMU_GET_INFO, &b));
	ck_assert_uint_eq(b.info.flags,
			  VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS);
	ck_assert_uint_eq(b.info.iova_pgsizes, ~(uint64_t)(PG - 1));
	ck_assert_uint_eq(b.info.cap_offset, 24);
	/* DMA_AVAIL (16 bytes with padding), then IOVA_RANGE with 1 range. */
	ck_assert_uint_eq(b.info.argsz, 24 + 16 + 16 + 16);
	avail = (void *)((char *)&b + 24);
	ck_assert_uint_eq(avail->header.id, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	ck_assert_uint_eq(avail->header.version, 1);
	ck_assert_uint_eq(avail->header.next, 40);
	ck_assert_uint_eq(avail->avail, UINT32_MAX);
	iovas = (void *)((char *)&b + 40);
	ck_assert_uint_eq(iovas->header.id,
			  VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
	ck_assert_uint_eq(iovas->header.version, 1);
	ck_assert_uint_eq(iovas->header.next, 0);
	ck_assert_uint_eq(iovas->nr_iovas, 1);
	ck_assert_uint_eq(iovas->iova_ranges[0].start, 0);
	ck_assert_uint_eq(iovas->iova_ranges[0].end, UINT64_MAX);

	/* With the mock's domain: its page size and aperture. */
	sim_mock_domain(ioas, NULL, NULL, NULL);
	memset(&b, 0, sizeof(b));
	b.info.argsz = sizeof(b);
	SIM_OK(_sim_ioctl(VFIO_IOMMU_GET_INFO, &b));
	ck_assert_uint_eq(b.info.iova_pgsizes, PG);
	ck_assert_uint_eq(iovas->nr_iovas, 1);
	ck_assert_uint_eq(iovas->iova_ranges[0].start, MOCK_APERTURE_START);
	ck_assert_uint_eq(iovas->iova_ranges[0].end, MOCK_APERTURE_LAST);

	/* Too small for the capabilities: argsz says what is needed. */
	memset(&b, 0, sizeof(b));
	b.info.argsz = sizeof(b.info);
	SIM_OK(_sim_ioctl(VFIO_IOMMU_GET_INFO, &b));
	ck_assert_uint_eq(b.info.argsz, 72);
	ck_assert_uint_eq(b.info.cap_offset, 0);
	ck_assert_uint_eq(b.caps[0], 0);
	/* The 16-byte header of old users gets no cap_offset at all. */
	memset(&b, 0, sizeof(b));
	b.info.argsz = 16;
	b.info.cap_offset = 0xdead;
	SIM_OK(_sim_ioctl(VFIO_IOMMU_GET_INFO, &b));
	ck_assert_uint_eq(b.info.argsz, 72);
	ck_assert_uint_eq(b.info.iova_pgsizes, PG);
	ck_assert_uint_eq(b.info.cap_offset, 0xdead);
}
END_TEST

/* ---- accounting ------------------------------------------------------- */

/*
 * Two processes of one user, each under an RLIMIT_MEMLOCK of 64 KiB, each
 * pinning 48 KiB.  Per-user accounting (/dev/iommu) charges the user and
 * refuses the second; per-process accounting (/dev/vfio/vfio, VFIO type1's)
 * charges each process and takes both.
 */
static int two_procs_pin(const char *node)
{
	const struct iommufd_sim_proc_opts opts = {
		.uid = 1000,
		.memlock_bytes = 16 * PG,
	};
	struct iommufd_sim_proc *p[2];
	struct iommufd_sim_proc *saved_p = uf.p;
	int saved_fd = uf.fd, rc = 0, i;

	for (i = 0; i < 2; i++) {
		uint32_t ioas;
		void *buf;
		int fd;

		p[i] = iommufd_sim_proc_create(uf.sim, &opts);
		uf.p = p[i];
		fd = iommufd_sim_open(p[i], node, O_RDWR);
		ck_assert_int_ge(fd, 0);
		uf.fd = fd;
		buf = uapi_mem(12 * PG);
		sim_ioas_alloc(&ioas);
		sim_mock_domain(ioas, NULL, NULL, NULL);
		rc = _sim_ioas_map_fixed(ioas, buf, 12 * PG, IOVA);
	}
	uf.p = saved_p;
	uf.fd = saved_fd;
	iommufd_sim_proc_destroy(p[1]);
	iommufd_sim_proc_destroy(p[0]);
	return rc;
}

START_TEST(test_vfio_accounting_mode)
{
	SIM_ERR(ENOMEM, two_procs_pin("/dev/iommu"));
	SIM_OK(two_procs_pin("/dev/vfio/vfio"));
}
END_TEST

/* MAP_DMA uses the context's mode: the process's locked_vm limit. */
START_TEST(test_vfio_map_dma_rlimit)
{
	char *buf;

	open_vfio_container();
	compat_setup(NULL);
	iommufd_sim_proc_set_memlock(uf.p, 8 * PG);
	buf = uapi_mem(16 * PG);
	SIM_OK(map_dma(IOVA, buf, 8 * PG, RW));
	SIM_ERR(ENOMEM, map_dma(IOVA + 8 * PG, buf + 8 * PG, PG, RW));
	SIM_OK(unmap_dma(IOVA, 8 * PG, 0, NULL));
	SIM_OK(map_dma(IOVA + 8 * PG, buf + 8 * PG, 8 * PG, RW));
}
END_TEST

Suite *vfio_compat_suite(void)
{
	Suite *s = suite_create("vfio_compat");
	TCase *tc = uapi_tcase("vfio_compat");

	tcase_add_test(tc, test_vfio_ioas);
	tcase_add_test(tc, test_vfio_ioas_size_sweep);
	tcase_add_test(tc, test_vfio_container_basics);
	tcase_add_test(tc, test_vfio_iommu_node_mode);
	tcase_add_test(tc, test_vfio_type1_flow);
	tcase_add_test(tc, test_vfio_type1v2_no_split);
	tcase_add_test(tc, test_vfio_map_unmap_errors);
	tcase_add_test(tc, test_vfio_get_info);
	tcase_add_test(tc, test_vfio_accounting_mode);
	tcase_add_test(tc, test_vfio_map_dma_rlimit);
	suite_add_tcase(s, tc);
	return s;
}
