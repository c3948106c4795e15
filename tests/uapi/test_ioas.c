// SPDX-License-Identifier: GPL-2.0
/*
 * The dispatcher and the IOAS ioctls of issue 6 (uapi-spec 1, 2, 3.1-3.9,
 * 3.20): IOMMU_DESTROY, IOAS_ALLOC, IOAS_IOVA_RANGES, IOAS_ALLOW_IOVAS,
 * IOAS_MAP, IOAS_MAP_FILE, IOAS_COPY, IOAS_UNMAP and IOAS_CHANGE_PROCESS:
 * struct layouts, a size sweep per struct, success, and every errno the
 * spec lists in the order the spec gives (tests that set two wrong things
 * at once pin that order down).  IOMMU_OPTION and IOMMU_VFIO_IOAS are in
 * test_option.c.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "uapi_cov.h"
#include "uapi_suites.h"

#define PAGE	COV_PAGE
#define IOPAGE	COV_IOPAGE
#define BASE	COV_BASE
#define RW	(IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
#define FIXED	(IOMMU_IOAS_MAP_FIXED_IOVA | RW)

#define ASSERT_OFF(type, member, off) \
	ck_assert_uint_eq(offsetof(type, member), (off))

/* An encoding of a command number other than _IO(';', nr). */
#define COV_IOC(dir, type, nr, size) \
	(((unsigned long)(dir) << 30) | ((unsigned long)(size) << 16) | \
	 ((unsigned long)(type) << 8) | (unsigned long)(nr))

static void fill(void *buf, size_t len, unsigned char seed)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(seed + i * 13);
}

/* ---- layouts ------------------------------------------------------------ */

START_TEST(test_layout_ioas_structs)
{
	ck_assert_uint_eq(IOMMU_DESTROY, 0x3b80);
	ck_assert_uint_eq(IOMMU_IOAS_ALLOC, 0x3b81);
	ck_assert_uint_eq(IOMMU_IOAS_ALLOW_IOVAS, 0x3b82);
	ck_assert_uint_eq(IOMMU_IOAS_COPY, 0x3b83);
	ck_assert_uint_eq(IOMMU_IOAS_IOVA_RANGES, 0x3b84);
	ck_assert_uint_eq(IOMMU_IOAS_MAP, 0x3b85);
	ck_assert_uint_eq(IOMMU_IOAS_UNMAP, 0x3b86);
	ck_assert_uint_eq(IOMMU_IOAS_MAP_FILE, 0x3b8f);
	ck_assert_uint_eq(IOMMU_IOAS_CHANGE_PROCESS, 0x3b92);

	ck_assert_uint_eq(sizeof(struct iommu_destroy), 8);
	ASSERT_OFF(struct iommu_destroy, id, 4);

	ck_assert_uint_eq(sizeof(struct iommu_ioas_alloc), 12);
	ASSERT_OFF(struct iommu_ioas_alloc, flags, 4);
	ASSERT_OFF(struct iommu_ioas_alloc, out_ioas_id, 8);

	ck_assert_uint_eq(sizeof(struct iommu_iova_range), 16);
	ASSERT_OFF(struct iommu_iova_range, start, 0);
	ASSERT_OFF(struct iommu_iova_range, last, 8);

	ck_assert_uint_eq(sizeof(struct iommu_ioas_iova_ranges), 32);
	ASSERT_OFF(struct iommu_ioas_iova_ranges, ioas_id, 4);
	ASSERT_OFF(struct iommu_ioas_iova_ranges, num_iovas, 8);
	ASSERT_OFF(struct iommu_ioas_iova_ranges, __reserved, 12);
	ASSERT_OFF(struct iommu_ioas_iova_ranges, allowed_iovas, 16);
	ASSERT_OFF(struct iommu_ioas_iova_ranges, out_iova_alignment, 24);

	ck_assert_uint_eq(sizeof(struct iommu_ioas_allow_iovas), 24);
	ASSERT_OFF(struct iommu_ioas_allow_iovas, ioas_id, 4);
	ASSERT_OFF(struct iommu_ioas_allow_iovas, num_iovas, 8);
	ASSERT_OFF(struct iommu_ioas_allow_iovas, __reserved, 12);
	ASSERT_OFF(struct iommu_ioas_allow_iovas, allowed_iovas, 16);

	ck_assert_uint_eq(sizeof(struct iommu_ioas_map), 40);
	ASSERT_OFF(struct iommu_ioas_map, flags, 4);
	ASSERT_OFF(struct iommu_ioas_map, ioas_id, 8);
	ASSERT_OFF(struct iommu_ioas_map, __reserved, 12);
	ASSERT_OFF(struct iommu_ioas_map, user_va, 16);
	ASSERT_OFF(struct iommu_ioas_map, length, 24);
	ASSERT_OFF(struct iommu_ioas_map, iova, 32);

	ck_assert_uint_eq(sizeof(struct iommu_ioas_map_file), 40);
	ASSERT_OFF(struct iommu_ioas_map_file, flags, 4);
	ASSERT_OFF(struct iommu_ioas_map_file, ioas_id, 8);
	ASSERT_OFF(struct iommu_ioas_map_file, fd, 12);
	ASSERT_OFF(struct iommu_ioas_map_file, start, 16);
	ASSERT_OFF(struct iommu_ioas_map_file, length, 24);
	ASSERT_OFF(struct iommu_ioas_map_file, iova, 32);

	ck_assert_uint_eq(sizeof(struct iommu_ioas_copy), 40);
	ASSERT_OFF(struct iommu_ioas_copy, flags, 4);
	ASSERT_OFF(struct iommu_ioas_copy, dst_ioas_id, 8);
	ASSERT_OFF(struct iommu_ioas_copy, src_ioas_id, 12);
	ASSERT_OFF(struct iommu_ioas_copy, length, 16);
	ASSERT_OFF(struct iommu_ioas_copy, dst_iova, 24);
	ASSERT_OFF(struct iommu_ioas_copy, src_iova, 32);

	ck_assert_uint_eq(sizeof(struct iommu_ioas_unmap), 24);
	ASSERT_OFF(struct iommu_ioas_unmap, ioas_id, 4);
	ASSERT_OFF(struct iommu_ioas_unmap, iova, 8);
	ASSERT_OFF(struct iommu_ioas_unmap, length, 16);

	ck_assert_uint_eq(sizeof(struct iommu_ioas_change_process), 8);
	ASSERT_OFF(struct iommu_ioas_change_process, __reserved, 4);

	ck_assert_int_eq(IOMMU_IOAS_MAP_FIXED_IOVA, 1 << 0);
	ck_assert_int_eq(IOMMU_IOAS_MAP_WRITEABLE, 1 << 1);
	ck_assert_int_eq(IOMMU_IOAS_MAP_READABLE, 1 << 2);
}
END_TEST

/* ---- the dispatcher ------------------------------------------------------ */

START_TEST(test_dispatch_unknown_commands_enotty)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = 999 };

	/* Past the table (0xa0 is the last slot): to VFIO compat, unknown. */
	SIM_ERR(ENOTTY, _sim_ioctl(0x3b00 | 0xa1, &cmd));
	SIM_ERR(ENOTTY, _sim_ioctl(0x3b00 | 0xff, &cmd));
	/* Below the base, and not a VFIO container command. */
	SIM_ERR(ENOTTY, _sim_ioctl(0x3b00 | 0x7f, &cmd));
	SIM_ERR(ENOTTY, _sim_ioctl(0x3b00 | 0x10, &cmd));
	/* A slot in range that holds no command. */
	SIM_ERR(ENOTTY, _sim_ioctl(0x3b00 | 0x9a, &cmd));
	SIM_ERR(ENOTTY, _sim_ioctl(0x3b00 | 0x9f, &cmd));
	/* The right slot with direction and size bits: not the number. */
	SIM_ERR(ENOTTY, _sim_ioctl(COV_IOC(3, ';', 0x80, sizeof(cmd)), &cmd));
	SIM_ERR(ENOTTY, _sim_ioctl(COV_IOC(1, ';', 0x80, sizeof(cmd)), &cmd));
	/* The right slot under another type character. */
	SIM_ERR(ENOTTY, _sim_ioctl(COV_IOC(0, 'x', 0x80, 0), &cmd));
	/* The real one works (and says the ID does not exist). */
	SIM_ERR(ENOENT, _sim_ioctl(IOMMU_DESTROY, &cmd));
}
END_TEST

START_TEST(test_dispatch_bad_pointer_efault)
{
	long page = sysconf(_SC_PAGESIZE);
	struct iommu_ioas_alloc *cmd;
	char *base;
	uint32_t id;

	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_IOAS_ALLOC, NULL));
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_IOAS_ALLOC, (void *)8));
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_DESTROY, (void *)8));
	/*
	 * The size is read before the slot is checked: an unused slot in
	 * range with a bad pointer is EFAULT, not ENOTTY.
	 */
	SIM_ERR(EFAULT, _sim_ioctl(0x3b00 | 0x9a, (void *)8));
	/* Past the table it is VFIO compat's, which never reads it. */
	SIM_ERR(ENOTTY, _sim_ioctl(0x3b00 | 0xa1, (void *)8));

	/*
	 * A readable size with the rest of the struct unreadable: the size
	 * check comes first (EINVAL below the minimum), then the copy-in
	 * faults.
	 */
	base = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(base, MAP_FAILED);
	ck_assert_int_eq(mprotect(base + page, page, PROT_NONE), 0);
	cmd = (void *)(base + page - sizeof(uint32_t));
	cmd->size = sizeof(*cmd) - 1;
	SIM_ERR(EINVAL, _sim_ioctl(IOMMU_IOAS_ALLOC, cmd));
	cmd->size = sizeof(*cmd);
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_IOAS_ALLOC, cmd));
	munmap(base, 2 * page);

	/* Nothing was created. */
	sim_ioas_alloc(&id);
	ck_assert_uint_eq(id, 1);
}
END_TEST

/* ---- size sweeps ---------------------------------------------------------- */

static void fill_destroy(void *buf, void *arg)
{
	struct iommu_destroy *cmd = buf;
	uint32_t id;

	sim_ioas_alloc(&id);
	memset(cmd, 0, sizeof(*cmd));
	cmd->id = id;
}

static void fill_ioas_alloc(void *buf, void *arg)
{
	memset(buf, 0, sizeof(struct iommu_ioas_alloc));
}

static void cleanup_ioas_alloc(void *buf, void *arg)
{
	struct iommu_ioas_alloc *cmd = buf;

	ck_assert_uint_ne(cmd->out_ioas_id, 0);
	sim_destroy(cmd->out_ioas_id);
}

static uint32_t sweep_ioas;
static void *sweep_buf;
static struct iommu_iova_range sweep_ranges[4];
static int sweep_memfd;

static void fill_iova_ranges(void *buf, void *arg)
{
	struct iommu_ioas_iova_ranges *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->ioas_id = sweep_ioas;
	cmd->num_iovas = 4;
	cmd->allowed_iovas = (uintptr_t)sweep_ranges;
}

static void cleanup_iova_ranges(void *buf, void *arg)
{
	struct iommu_ioas_iova_ranges *cmd = buf;

	ck_assert_uint_eq(cmd->num_iovas, 1);
	ck_assert_uint_eq(cmd->out_iova_alignment, 1);
}

static void fill_allow_iovas(void *buf, void *arg)
{
	struct iommu_ioas_allow_iovas *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->ioas_id = sweep_ioas;
	cmd->num_iovas = 1;
	sweep_ranges[0].start = BASE;
	sweep_ranges[0].last = BASE + PAGE - 1;
	cmd->allowed_iovas = (uintptr_t)sweep_ranges;
}

static void fill_map(void *buf, void *arg)
{
	struct iommu_ioas_map *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->flags = RW;
	cmd->ioas_id = sweep_ioas;
	cmd->user_va = (uintptr_t)sweep_buf;
	cmd->length = PAGE;
}

static void cleanup_map(void *buf, void *arg)
{
	struct iommu_ioas_map *cmd = buf;

	sim_ioas_unmap(sweep_ioas, cmd->iova, PAGE, NULL);
}

static void fill_map_file(void *buf, void *arg)
{
	struct iommu_ioas_map_file *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->flags = RW;
	cmd->ioas_id = sweep_ioas;
	cmd->fd = sweep_memfd;
	cmd->length = PAGE;
}

static void cleanup_map_file(void *buf, void *arg)
{
	struct iommu_ioas_map_file *cmd = buf;

	sim_ioas_unmap(sweep_ioas, cmd->iova, PAGE, NULL);
}

static void fill_copy(void *buf, void *arg)
{
	struct iommu_ioas_copy *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->flags = RW;
	cmd->dst_ioas_id = sweep_ioas;
	cmd->src_ioas_id = sweep_ioas;
	cmd->length = PAGE;
	cmd->src_iova = BASE;
}

static void cleanup_copy(void *buf, void *arg)
{
	struct iommu_ioas_copy *cmd = buf;

	ck_assert_uint_ne(cmd->dst_iova, BASE);
	sim_ioas_unmap(sweep_ioas, cmd->dst_iova, PAGE, NULL);
}

static void fill_unmap(void *buf, void *arg)
{
	struct iommu_ioas_unmap *cmd = buf;
	uint64_t iova;

	sim_ioas_map(sweep_ioas, sweep_buf, PAGE, &iova, 0);
	memset(cmd, 0, sizeof(*cmd));
	cmd->ioas_id = sweep_ioas;
	cmd->iova = iova;
	cmd->length = PAGE;
}

static void cleanup_unmap(void *buf, void *arg)
{
	struct iommu_ioas_unmap *cmd = buf;

	ck_assert_uint_eq(cmd->length, PAGE);
}

static void fill_change_process(void *buf, void *arg)
{
	memset(buf, 0, sizeof(struct iommu_ioas_change_process));
}

START_TEST(test_size_sweeps_ioas)
{
	/* With nothing mapped yet (CHANGE_PROCESS refuses user memory). */
	const struct uapi_size_case first[] = {
		{ "IOMMU_DESTROY", IOMMU_DESTROY, 8, 8, fill_destroy },
		{ "IOMMU_IOAS_ALLOC", IOMMU_IOAS_ALLOC, 12, 12,
		  fill_ioas_alloc, cleanup_ioas_alloc },
		{ "IOMMU_IOAS_CHANGE_PROCESS", IOMMU_IOAS_CHANGE_PROCESS, 8, 8,
		  fill_change_process },
	};
	/* ALLOW_IOVAS last: its list would steer the automatic IOVAs. */
	const struct uapi_size_case then[] = {
		{ "IOMMU_IOAS_IOVA_RANGES", IOMMU_IOAS_IOVA_RANGES, 32, 32,
		  fill_iova_ranges, cleanup_iova_ranges },
		{ "IOMMU_IOAS_MAP", IOMMU_IOAS_MAP, 40, 40, fill_map,
		  cleanup_map },
		{ "IOMMU_IOAS_MAP_FILE", IOMMU_IOAS_MAP_FILE, 40, 40,
		  fill_map_file, cleanup_map_file },
		{ "IOMMU_IOAS_COPY", IOMMU_IOAS_COPY, 40, 40, fill_copy,
		  cleanup_copy },
		{ "IOMMU_IOAS_UNMAP", IOMMU_IOAS_UNMAP, 24, 24, fill_unmap,
		  cleanup_unmap },
		{ "IOMMU_IOAS_ALLOW_IOVAS", IOMMU_IOAS_ALLOW_IOVAS, 24, 24,
		  fill_allow_iovas },
	};
	unsigned int i;

	for (i = 0; i < sizeof(first) / sizeof(first[0]); i++)
		ck_assert_msg(uapi_size_sweep(&first[i]) == 0,
			      "%s: the exact size failed", first[i].name);

	sim_ioas_alloc(&sweep_ioas);
	sweep_buf = uapi_mem(PAGE);
	sweep_memfd = iommufd_sim_memfd(uf.p, PAGE);
	ck_assert_int_ge(sweep_memfd, 0);
	/* The source of the COPY case. */
	sim_ioas_map_fixed(sweep_ioas, sweep_buf, PAGE, BASE);

	for (i = 0; i < sizeof(then) / sizeof(then[0]); i++)
		ck_assert_msg(uapi_size_sweep(&then[i]) == 0,
			      "%s: the exact size failed", then[i].name);
	/*
	 * ALLOW_IOVAS left [BASE, BASE + PAGE) allowed, which BASE's mapping
	 * fills: automatic IOVA has no room.
	 */
	sim_err_ioas_map(ENOSPC, sweep_ioas, sweep_buf, PAGE, NULL, 0);
	sim_ioas_unmap(sweep_ioas, 0, UINT64_MAX, NULL);
	sim_close(sweep_memfd);
}
END_TEST

/* ---- IOMMU_DESTROY ------------------------------------------------------- */

START_TEST(test_destroy)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd) };
	uint32_t a, b, c, d, stdev, hwpt;
	void *ro;

	sim_err_destroy(ENOENT, 0);
	sim_err_destroy(ENOENT, 1);
	sim_err_destroy(ENOENT, 0x7fffffff);
	sim_err_destroy(ENOENT, 0xffffffff);

	sim_ioas_alloc(&a);
	sim_ioas_alloc(&b);
	sim_ioas_alloc(&c);
	ck_assert_uint_eq(a, 1);
	ck_assert_uint_eq(b, 2);
	ck_assert_uint_eq(c, 3);
	/* The lowest free ID is reused. */
	sim_destroy(b);
	sim_err_destroy(ENOENT, b);
	sim_destroy(a);
	sim_ioas_alloc(&d);
	ck_assert_uint_eq(d, 1);
	sim_ioas_alloc(&d);
	ck_assert_uint_eq(d, 2);

	/* An interior object is EBUSY while something depends on it. */
	sim_mock_domain(c, &stdev, &hwpt, NULL);
	sim_err_destroy(EBUSY, c);
	sim_err_destroy(EBUSY, hwpt);
	sim_destroy(stdev);
	sim_destroy(c);

	/* Nothing is copied back: a read-only struct works. */
	cmd.id = d;
	ro = uapi_ro_copy(&cmd, sizeof(cmd));
	SIM_OK(_sim_ioctl(IOMMU_DESTROY, ro));
	SIM_ERR(ENOENT, _sim_ioctl(IOMMU_DESTROY, ro));
	uapi_ro_free(ro, sizeof(cmd));
}
END_TEST

START_TEST(test_destroy_ioas_with_mappings)
{
	void *buf = uapi_mem(4 * PAGE);
	uint32_t ioas, ioas2;
	int afd;

	sim_ioas_alloc(&ioas);
	sim_ioas_map_fixed(ioas, buf, 4 * PAGE, BASE);
	sim_ioas_map_fixed(ioas, buf, 2 * PAGE, BASE + 64 * PAGE);
	/* Mappings are not users: the IOAS goes, and its mappings with it. */
	sim_destroy(ioas);

	/* An access holds its IOAS; pins made through it go with it. */
	sim_ioas_alloc(&ioas2);
	sim_ioas_map_fixed(ioas2, buf, 4 * PAGE, BASE);
	sim_access_create(ioas2, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd);
	sim_access_pages(afd, BASE, 4 * PAGE, buf, 0, NULL);
	sim_check_refs(buf, 4 * PAGE, 1);
	sim_err_destroy(EBUSY, ioas2);
	sim_close(afd);
	sim_check_refs(buf, 4 * PAGE, 0);
	sim_destroy(ioas2);
}
END_TEST

/* ---- IOMMU_IOAS_ALLOC ---------------------------------------------------- */

START_TEST(test_ioas_alloc)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	const uint64_t all[] = { 0, COV_ULONG_MAX };
	uint64_t val = 7;
	uint32_t id;
	void *ro;

	cmd.flags = 1;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_IOAS_ALLOC, &cmd));
	cmd.flags = 0x80000000;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_IOAS_ALLOC, &cmd));
	ck_assert_uint_eq(cmd.out_ioas_id, 0);

	/* The response cannot be copied out: EFAULT, the ID is given back. */
	cmd.flags = 0;
	ro = uapi_ro_copy(&cmd, sizeof(cmd));
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_IOAS_ALLOC, ro));
	uapi_ro_free(ro, sizeof(cmd));

	SIM_OK(_sim_ioctl(IOMMU_IOAS_ALLOC, &cmd));
	ck_assert_uint_eq(cmd.out_ioas_id, 1);
	ck_assert_uint_eq(cmd.size, sizeof(cmd));
	ck_assert_uint_eq(cmd.flags, 0);
	id = cmd.out_ioas_id;

	/*
	 * A fresh IOAS: no reserved IOVA, alignment 1, huge pages on, and
	 * nothing mapped (unmap-all succeeds with 0 bytes).
	 */
	cov_assert_ranges(id, all, 1, 1);
	sim_option(IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, id, &val);
	ck_assert_uint_eq(val, 1);
	val = 7;
	sim_ioas_unmap(id, 0, UINT64_MAX, &val);
	ck_assert_uint_eq(val, 0);
}
END_TEST

/* ---- IOMMU_IOAS_IOVA_RANGES ---------------------------------------------- */

START_TEST(test_iova_ranges)
{
	struct iommu_ioas_iova_ranges cmd = { .size = sizeof(cmd) };
	struct iommu_iova_range r[4];
	const uint64_t holes[] = {
		0, BASE - 1,
		BASE + 16 * PAGE, BASE + 32 * PAGE - 1,
		BASE + 48 * PAGE, COV_ULONG_MAX,
	};
	uint32_t ioas, stdev, hwpt, num;
	uint64_t align;
	void *ro;

	sim_ioas_alloc(&ioas);
	sim_add_reserved(ioas, BASE, 16 * PAGE);
	sim_add_reserved(ioas, BASE + 32 * PAGE, 16 * PAGE);
	/* Holes of the reserved set, ascending; the allow list is not shown. */
	cov_assert_ranges(ioas, holes, 3, 1);

	/* Too small an array: what fits is written, the total comes back. */
	memset(r, 0xee, sizeof(r));
	num = 2;
	sim_err_iova_ranges(EMSGSIZE, ioas, r, &num, &align);
	ck_assert_uint_eq(num, 3);
	ck_assert_uint_eq(align, 1);
	ck_assert_uint_eq(r[0].start, 0);
	ck_assert_uint_eq(r[1].last, holes[3]);
	ck_assert_uint_eq(r[2].start, 0xeeeeeeeeeeeeeeeeULL);
	/* No array at all is the usual way to ask for the count. */
	num = 0;
	sim_err_iova_ranges(EMSGSIZE, ioas, NULL, &num, &align);
	ck_assert_uint_eq(num, 3);

	/* Errors. */
	cmd.ioas_id = ioas;
	cmd.num_iovas = 4;
	cmd.allowed_iovas = (uintptr_t)r;
	cmd.__reserved = 1;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_IOAS_IOVA_RANGES, &cmd));
	ck_assert_uint_eq(cmd.num_iovas, 4);
	cmd.__reserved = 0;
	cmd.ioas_id = 999;
	SIM_ERR(ENOENT, _sim_ioctl(IOMMU_IOAS_IOVA_RANGES, &cmd));
	/* The array cannot be written. */
	cmd.ioas_id = ioas;
	ro = uapi_ro_copy(r, sizeof(r));
	cmd.allowed_iovas = (uintptr_t)ro;
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_IOAS_IOVA_RANGES, &cmd));
	uapi_ro_free(ro, sizeof(r));
	/* The struct cannot be written back. */
	cmd.allowed_iovas = (uintptr_t)r;
	ro = uapi_ro_copy(&cmd, sizeof(cmd));
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_IOAS_IOVA_RANGES, ro));
	uapi_ro_free(ro, sizeof(cmd));

	/*
	 * A mock domain: everything outside its aperture is reserved, and
	 * the alignment is its IO page.  Another type's ID is ENOENT.
	 */
	sim_destroy(ioas);
	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, &stdev, &hwpt, NULL);
	{
		const uint64_t ap[] = { BASE, MOCK_APERTURE_LAST };

		cov_assert_ranges(ioas, ap, 1, IOPAGE);
	}
	num = 4;
	sim_err_iova_ranges(ENOENT, hwpt, r, &num, &align);
	sim_err_iova_ranges(ENOENT, stdev, r, &num, &align);
	/* Detaching gives it all back. */
	sim_destroy(stdev);
	{
		const uint64_t all[] = { 0, COV_ULONG_MAX };

		cov_assert_ranges(ioas, all, 1, 1);
	}
}
END_TEST

/* ---- IOMMU_IOAS_ALLOW_IOVAS ---------------------------------------------- */

START_TEST(test_allow_iovas)
{
	struct iommu_ioas_allow_iovas cmd = { .size = sizeof(cmd) };
	struct iommu_iova_range r[3];
	void *buf = uapi_mem(4 * PAGE);
	uint32_t ioas, other;
	uint64_t iova;
	void *ro;

	sim_ioas_alloc(&ioas);
	r[0].start = BASE + 64 * PAGE;
	r[0].last = BASE + 128 * PAGE - 1;
	sim_ioas_allow_iovas(ioas, r, 1);
	/* Automatic IOVA comes from the allowed ranges only. */
	sim_ioas_map(ioas, buf, PAGE, &iova, 0);
	ck_assert_uint_eq(iova, BASE + 64 * PAGE);
	/* A fixed IOVA ignores the list. */
	sim_ioas_map_fixed(ioas, buf, PAGE, PAGE);

	/* The list is replaced as a whole. */
	r[0].start = BASE + 256 * PAGE;
	r[0].last = BASE + 257 * PAGE - 1;
	r[1].start = BASE + 512 * PAGE;
	r[1].last = BASE + 600 * PAGE - 1;
	sim_ioas_allow_iovas(ioas, r, 2);
	sim_ioas_map(ioas, buf, PAGE, &iova, 0);
	ck_assert_uint_eq(iova, BASE + 256 * PAGE);
	sim_ioas_map(ioas, buf, 2 * PAGE, &iova, 0);
	ck_assert_uint_eq(iova, BASE + 512 * PAGE);
	/* Only the first range, which is full now. */
	sim_ioas_allow_iovas(ioas, r, 1);
	sim_err_ioas_map(ENOSPC, ioas, buf, PAGE, &iova, 0);

	/* Reserving IOVA the list allows fails (nothing is mapped there). */
	r[0].start = BASE + 300 * PAGE;
	r[0].last = BASE + 302 * PAGE - 1;
	sim_ioas_allow_iovas(ioas, r, 1);
	sim_err_add_reserved(EADDRINUSE, ioas, BASE + 301 * PAGE, PAGE);
	sim_add_reserved(ioas, BASE + 302 * PAGE, PAGE);

	/* Bad ranges: start >= last (a single byte too), overlaps. */
	r[0].start = BASE;
	r[0].last = BASE;
	sim_err_ioas_allow_iovas(EINVAL, ioas, r, 1);
	r[0].last = BASE - 1;
	sim_err_ioas_allow_iovas(EINVAL, ioas, r, 1);
	r[0].start = BASE;
	r[0].last = BASE + 4 * PAGE - 1;
	r[1].start = BASE + 2 * PAGE;
	r[1].last = BASE + 8 * PAGE - 1;
	sim_err_ioas_allow_iovas(EINVAL, ioas, r, 2);
	r[1].start = r[0].last;
	sim_err_ioas_allow_iovas(EINVAL, ioas, r, 2);

	/*
	 * Intersecting reserved IOVA: EADDRINUSE, and the old list stays (the
	 * automatic IOVA still comes from [BASE + 300 pages]).
	 */
	r[0].start = BASE + 290 * PAGE;
	r[0].last = BASE + 310 * PAGE - 1;
	sim_err_ioas_allow_iovas(EADDRINUSE, ioas, r, 1);
	sim_ioas_map(ioas, buf, PAGE, &iova, 0);
	ck_assert_uint_eq(iova, BASE + 300 * PAGE);

	/* Errors of the struct and the pointer. */
	cmd.ioas_id = ioas;
	cmd.num_iovas = 1;
	cmd.allowed_iovas = (uintptr_t)r;
	cmd.__reserved = 1;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_IOAS_ALLOW_IOVAS, &cmd));
	cmd.__reserved = 0;
	cmd.ioas_id = 999;
	SIM_ERR(ENOENT, _sim_ioctl(IOMMU_IOAS_ALLOW_IOVAS, &cmd));
	cmd.ioas_id = ioas;
	cmd.allowed_iovas = 8;
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_IOAS_ALLOW_IOVAS, &cmd));

	/* Nothing is copied back: a read-only struct works.  0 clears. */
	cmd.allowed_iovas = 0;
	cmd.num_iovas = 0;
	ro = uapi_ro_copy(&cmd, sizeof(cmd));
	SIM_OK(_sim_ioctl(IOMMU_IOAS_ALLOW_IOVAS, ro));
	uapi_ro_free(ro, sizeof(cmd));
	/* Cleared: the lowest free IOVA from PAGE_SIZE up is picked. */
	sim_ioas_map(ioas, buf, PAGE, &iova, 0);
	ck_assert_uint_eq(iova, 2 * PAGE);

	/*
	 * A mock domain whose aperture would cut into an allowed range
	 * cannot attach.
	 */
	sim_ioas_alloc(&other);
	r[0].start = PAGE;
	r[0].last = BASE + PAGE - 1;
	sim_ioas_allow_iovas(other, r, 1);
	sim_err_mock_domain(EADDRINUSE, other, NULL, NULL, NULL);
	r[0].start = BASE;
	sim_ioas_allow_iovas(other, r, 1);
	sim_mock_domain(other, NULL, NULL, NULL);
	/* ... and then the list cannot reach outside the aperture. */
	r[0].start = PAGE;
	sim_err_ioas_allow_iovas(EADDRINUSE, other, r, 1);
}
END_TEST

/* ---- IOMMU_IOAS_MAP ------------------------------------------------------- */

static int map_raw(uint32_t ioas, uint32_t flags, uint32_t reserved,
		   uint64_t user_va, uint64_t length, uint64_t iova)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas,
		.__reserved = reserved,
		.user_va = user_va,
		.length = length,
		.iova = iova,
	};

	return _sim_ioctl(IOMMU_IOAS_MAP, &cmd);
}

START_TEST(test_map_check_order)
{
	void *buf = uapi_mem(4 * PAGE);
	uint64_t u = (uintptr_t)buf;
	uint32_t ioas;

	sim_ioas_alloc(&ioas);
	/* 1. unknown flags and __reserved, before anything else. */
	SIM_ERR(EOPNOTSUPP, map_raw(ioas, 1 << 3, 0, u, PAGE, BASE));
	SIM_ERR(EOPNOTSUPP, map_raw(ioas, 0x80000000 | RW, 0, u, PAGE, BASE));
	SIM_ERR(EOPNOTSUPP, map_raw(ioas, RW, 1, u, PAGE, BASE));
	SIM_ERR(EOPNOTSUPP, map_raw(999, 1 << 3, 0, u, 0, UINT64_MAX));
	/* 2. values >= ULONG_MAX, before the R/W check and the lookup. */
	SIM_ERR(EOVERFLOW, map_raw(ioas, FIXED, 0, u, PAGE, UINT64_MAX));
	SIM_ERR(EOVERFLOW, map_raw(ioas, RW, 0, u, UINT64_MAX, 0));
	SIM_ERR(EOVERFLOW, map_raw(999, 0, 0, u, UINT64_MAX, 0));
	/* 3. neither READABLE nor WRITEABLE, before the lookup. */
	SIM_ERR(EINVAL, map_raw(ioas, 0, 0, u, PAGE, 0));
	SIM_ERR(EINVAL, map_raw(ioas, IOMMU_IOAS_MAP_FIXED_IOVA, 0, u, PAGE,
				BASE));
	SIM_ERR(EINVAL, map_raw(999, 0, 0, u, PAGE, 0));
	/* 4. the IOAS, before the length checks. */
	SIM_ERR(ENOENT, map_raw(999, RW, 0, u, 0, 0));
	SIM_ERR(ENOENT, map_raw(0, RW, 0, u, PAGE, 0));
	/* 5. length 0, user_va + length overflowing. */
	SIM_ERR(EINVAL, map_raw(ioas, RW, 0, u, 0, 0));
	SIM_ERR(EINVAL, map_raw(ioas, FIXED, 0, u, 0, BASE));
	SIM_ERR(EOVERFLOW, map_raw(ioas, FIXED, 0, UINT64_MAX - PAGE + 1,
				   2 * PAGE, BASE));
	/* Each writeable-only and readable-only mapping is fine. */
	SIM_OK(map_raw(ioas, IOMMU_IOAS_MAP_FIXED_IOVA |
				     IOMMU_IOAS_MAP_WRITEABLE,
		       0, u, PAGE, BASE));
	SIM_OK(map_raw(ioas, IOMMU_IOAS_MAP_FIXED_IOVA |
				     IOMMU_IOAS_MAP_READABLE,
		       0, u, PAGE, BASE + PAGE));
}
END_TEST

START_TEST(test_map_fixed)
{
	void *buf = uapi_mem(8 * PAGE);
	uint64_t u = (uintptr_t)buf;
	uint32_t ioas, dom_ioas, hwpt;
	uint64_t iova;

	sim_ioas_alloc(&ioas);
	sim_ioas_map_fixed(ioas, buf, 4 * PAGE, BASE);
	/* Existing IOVA is never replaced, however it overlaps. */
	sim_err_ioas_map_fixed(EEXIST, ioas, buf, 4 * PAGE, BASE);
	sim_err_ioas_map_fixed(EEXIST, ioas, buf, PAGE, BASE + 3 * PAGE);
	sim_err_ioas_map_fixed(EEXIST, ioas, buf, 8 * PAGE, BASE - 4 * PAGE);
	sim_ioas_map_fixed(ioas, buf, PAGE, BASE + 4 * PAGE);
	sim_ioas_map_fixed(ioas, buf, PAGE, BASE - PAGE);
	/* Reserved IOVA is EINVAL. */
	sim_add_reserved(ioas, BASE + 64 * PAGE, 4 * PAGE);
	sim_err_ioas_map_fixed(EINVAL, ioas, buf, PAGE, BASE + 67 * PAGE);
	sim_err_ioas_map_fixed(EINVAL, ioas, buf, 2 * PAGE, BASE + 63 * PAGE);
	/* iova + length - 1 overflowing. */
	sim_err_ioas_map_fixed(EOVERFLOW, ioas, buf, 2 * PAGE,
			       COV_ULONG_MAX - PAGE + 1);
	/* Without a domain the alignment is 1: any offset maps. */
	sim_ioas_map_fixed(ioas, (char *)buf + 3, 100, BASE + 128 * PAGE + 3);

	/*
	 * With a mock domain the alignment is its 2 KiB IO page: the length,
	 * the IOVA and user_va's offset in its page must follow it.
	 */
	sim_ioas_alloc(&dom_ioas);
	sim_mock_domain(dom_ioas, NULL, &hwpt, NULL);
	sim_err_ioas_map_fixed(EINVAL, dom_ioas, buf, IOPAGE / 2, BASE);
	sim_err_ioas_map_fixed(EINVAL, dom_ioas, buf, PAGE, BASE + IOPAGE / 2);
	sim_err_ioas_map_fixed(EINVAL, dom_ioas, (char *)buf + IOPAGE / 2,
			       PAGE, BASE);
	/* Outside the aperture is reserved. */
	sim_err_ioas_map_fixed(EINVAL, dom_ioas, buf, PAGE, BASE - PAGE);
	/* Half pages are fine, and land where asked. */
	sim_ioas_map_fixed(dom_ioas, (char *)buf + IOPAGE, IOPAGE, BASE);
	sim_check_map(hwpt, BASE, IOPAGE, (char *)buf + IOPAGE);
	iova = BASE + PAGE;
	SIM_OK(map_raw(dom_ioas, FIXED, 0, u, 3 * IOPAGE, iova));
	sim_check_map(hwpt, iova, 3 * IOPAGE, buf);
}
END_TEST

START_TEST(test_map_auto_iova)
{
	void *buf = uapi_mem(8 * PAGE);
	uint32_t ioas, dom_ioas;
	uint64_t iova, iova2;
	struct iommu_iova_range r;

	sim_ioas_alloc(&ioas);
	/* First fit from PAGE_SIZE up: IOVA 0 is never handed out. */
	sim_ioas_map(ioas, buf, PAGE, &iova, 0);
	ck_assert_uint_eq(iova, PAGE);
	sim_ioas_map(ioas, buf, PAGE, &iova, 0);
	ck_assert_uint_eq(iova, 2 * PAGE);
	/* The offset in the page is kept. */
	sim_ioas_map(ioas, (char *)buf + 100, 200, &iova, 0);
	ck_assert_uint_eq(iova % PAGE, 100);
	ck_assert_uint_ge(iova, 3 * PAGE);
	/* Aligned to min(roundup_pow2(length), lowest bit of user_va). */
	sim_ioas_map(ioas, buf, 3 * PAGE, &iova2, 0);
	ck_assert_uint_eq(iova2 % PAGE, 0);
	ck_assert_uint_gt(iova2, iova);
	/* Half the address space or more: EOVERFLOW. */
	sim_err_ioas_map(EOVERFLOW, ioas, buf, COV_ULONG_MAX / 2, &iova, 0);
	sim_err_ioas_map(EOVERFLOW, ioas, buf, COV_ULONG_MAX - PAGE, &iova, 0);
	/* No room. */
	r.start = BASE;
	r.last = BASE + 2 * PAGE - 1;
	sim_ioas_allow_iovas(ioas, &r, 1);
	sim_err_ioas_map(ENOSPC, ioas, buf, 4 * PAGE, &iova, 0);
	sim_ioas_map(ioas, buf, 2 * PAGE, &iova, 0);
	ck_assert_uint_eq(iova, BASE);

	/*
	 * With a mock domain: inside the aperture; a user_va whose offset in
	 * its page is not a multiple of the alignment is EINVAL.
	 */
	sim_ioas_alloc(&dom_ioas);
	sim_mock_domain(dom_ioas, NULL, NULL, NULL);
	sim_ioas_map(dom_ioas, buf, PAGE, &iova, 0);
	ck_assert_uint_ge(iova, BASE);
	ck_assert_uint_le(iova + PAGE - 1, MOCK_APERTURE_LAST);
	sim_ioas_map(dom_ioas, (char *)buf + IOPAGE, IOPAGE, &iova, 0);
	ck_assert_uint_eq(iova % PAGE, IOPAGE);
	sim_err_ioas_map(EINVAL, dom_ioas, (char *)buf + 1024, IOPAGE, &iova,
			 0);
}
END_TEST

START_TEST(test_map_pins_with_domain)
{
	struct iommufd_sim_mem_opts ro_opts = { .readonly = true };
	void *buf = uapi_mem(4 * PAGE);
	void *ro_buf = uapi_mem_opts(2 * PAGE, &ro_opts);
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = FIXED,
		.user_va = (uintptr_t)buf,
		.length = 4 * PAGE,
		.iova = BASE,
	};
	uint32_t ioas, hwpt;
	uint64_t iova = BASE + 64 * PAGE;
	void *ro;

	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, NULL, &hwpt, NULL);
	cmd.ioas_id = ioas;
	SIM_OK(_sim_ioctl(IOMMU_IOAS_MAP, &cmd));
	ck_assert_uint_eq(cmd.iova, BASE);
	sim_check_refs(buf, 4 * PAGE, 1);
	sim_check_map(hwpt, BASE, 4 * PAGE, buf);

	/* Unmapped user memory: EFAULT, nothing left behind. */
	sim_err_ioas_map_fixed(EFAULT, ioas, (void *)(64UL * PAGE), PAGE,
			       BASE + 16 * PAGE);
	sim_err_check_map(EINVAL, hwpt, BASE + 16 * PAGE, PAGE, buf);
	/* A device-writeable mapping of read-only memory. */
	sim_err_ioas_map_fixed(EFAULT, ioas, ro_buf, 2 * PAGE, iova);
	sim_ioas_map(ioas, ro_buf, 2 * PAGE, &iova,
		     IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE);
	sim_check_map(hwpt, iova, 2 * PAGE, ro_buf);

	/*
	 * The response cannot be written: EFAULT, but the kernel does not
	 * undo the mapping (the IOVA stays taken, the pages pinned).
	 */
	cmd.iova = BASE + 128 * PAGE;
	cmd.length = PAGE;
	ro = uapi_ro_copy(&cmd, sizeof(cmd));
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_IOAS_MAP, ro));
	uapi_ro_free(ro, sizeof(cmd));
	sim_err_ioas_map_fixed(EEXIST, ioas, buf, PAGE, BASE + 128 * PAGE);
	sim_check_refs(buf, PAGE, 2);
}
END_TEST

/* ---- IOMMU_IOAS_MAP_FILE -------------------------------------------------- */

static int map_file_raw(uint32_t ioas, uint32_t flags, int fd, uint64_t start,
			uint64_t length, uint64_t iova)
{
	struct iommu_ioas_map_file cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas,
		.fd = fd,
		.start = start,
		.length = length,
		.iova = iova,
	};

	return _sim_ioctl(IOMMU_IOAS_MAP_FILE, &cmd);
}

START_TEST(test_map_file)
{
	unsigned char in[64], out[64];
	uint32_t ioas, hwpt;
	uint64_t iova;
	int mfd, afd;

	mfd = iommufd_sim_memfd(uf.p, 8 * PAGE);
	ck_assert_int_ge(mfd, 0);
	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, NULL, &hwpt, NULL);

	/* Two windows onto the same file pages. */
	iova = BASE;
	sim_ioas_map_file(ioas, mfd, 0, 4 * PAGE, &iova, FIXED);
	iova = BASE + 64 * PAGE;
	sim_ioas_map_file(ioas, mfd, 2 * PAGE, 2 * PAGE, &iova, FIXED);
	sim_ioas_map_file(ioas, mfd, PAGE, PAGE, &iova, 0);
	ck_assert_uint_ge(iova, BASE);
	ck_assert_uint_eq(iova % PAGE, 0);

	/* Written through one IOVA, read through the others. */
	sim_access_create(ioas, 0, &afd);
	fill(in, sizeof(in), 9);
	sim_access_rw(afd, BASE + 2 * PAGE + 8, in, sizeof(in),
		      MOCK_ACCESS_RW_WRITE);
	sim_access_rw(afd, BASE + 64 * PAGE + 8, out, sizeof(out), 0);
	ck_assert_mem_eq(in, out, sizeof(in));
	fill(in, sizeof(in), 10);
	sim_access_rw(afd, iova + 16, in, sizeof(in), MOCK_ACCESS_RW_WRITE);
	sim_access_rw(afd, BASE + PAGE + 16, out, sizeof(out), 0);
	ck_assert_mem_eq(in, out, sizeof(in));
	sim_close(afd);

	/* The check order of MAP, with the fd after the IOAS lookup. */
	SIM_ERR(EOPNOTSUPP, map_file_raw(ioas, 1 << 3, mfd, 0, PAGE, 0));
	SIM_ERR(EOPNOTSUPP, map_file_raw(999, 1 << 3 | RW, -1, 0, 0,
					 UINT64_MAX));
	SIM_ERR(EOVERFLOW, map_file_raw(ioas, FIXED, mfd, 0, PAGE,
					UINT64_MAX));
	SIM_ERR(EOVERFLOW, map_file_raw(ioas, RW, mfd, 0, UINT64_MAX, 0));
	SIM_ERR(EINVAL, map_file_raw(ioas, 0, mfd, 0, PAGE, 0));
	SIM_ERR(EINVAL, map_file_raw(999, 0, -1, 0, PAGE, 0));
	SIM_ERR(ENOENT, map_file_raw(999, RW, -1, 0, PAGE, 0));
	SIM_ERR(ENOENT, map_file_raw(hwpt, RW, mfd, 0, PAGE, 0));
	SIM_ERR(EBADF, map_file_raw(ioas, RW, -1, 0, PAGE, 0));
	SIM_ERR(EBADF, map_file_raw(ioas, RW, 1000, 0, PAGE, 0));
	SIM_ERR(EINVAL, map_file_raw(ioas, RW, mfd, 0, 0, 0));
	/* Fixed IOVA placement as MAP: taken, reserved, misaligned. */
	SIM_ERR(EEXIST, map_file_raw(ioas, FIXED, mfd, 0, PAGE, BASE));
	SIM_ERR(EINVAL, map_file_raw(ioas, FIXED, mfd, 0, PAGE, PAGE));
	SIM_ERR(EINVAL, map_file_raw(ioas, FIXED, mfd, 0, PAGE,
				     BASE + 200 * PAGE + 1024));
	/* The offset-in-page rule applies to start. */
	SIM_ERR(EINVAL, map_file_raw(ioas, RW, mfd, 1024, IOPAGE, 0));
	/*
	 * With a domain the pages are pinned at MAP time: a file that is not
	 * a memfd, and a range past the end of the file, fail there.
	 */
	SIM_ERR(EINVAL, map_file_raw(ioas, RW, uf.fd, 0, PAGE, 0));
	SIM_ERR(EINVAL, map_file_raw(ioas, RW, mfd, 6 * PAGE, 4 * PAGE, 0));
	sim_close(mfd);
}
END_TEST

/* ---- IOMMU_IOAS_COPY ------------------------------------------------------ */

static int copy_raw(uint32_t dst, uint32_t src, uint32_t flags,
		    uint64_t length, uint64_t dst_iova, uint64_t src_iova)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dst_ioas_id = dst,
		.src_ioas_id = src,
		.length = length,
		.dst_iova = dst_iova,
		.src_iova = src_iova,
	};

	return _sim_ioctl(IOMMU_IOAS_COPY, &cmd);
}

START_TEST(test_copy)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = RW,
		.length = 2 * PAGE,
		.src_iova = BASE + PAGE,
	};
	void *buf = uapi_mem(8 * PAGE);
	uint32_t src, dst, src_hwpt, dst_hwpt;

	sim_ioas_alloc(&src);
	sim_ioas_alloc(&dst);
	sim_mock_domain(src, NULL, &src_hwpt, NULL);
	sim_mock_domain(dst, NULL, &dst_hwpt, NULL);
	/* Two mappings back to back: a copy may span both. */
	sim_ioas_map_fixed(src, buf, 4 * PAGE, BASE);
	sim_ioas_map_fixed(src, (char *)buf + 4 * PAGE, 4 * PAGE,
			   BASE + 4 * PAGE);
	sim_check_refs(buf, 8 * PAGE, 1);

	sim_ioas_copy(dst, BASE, src, BASE, 8 * PAGE, FIXED);
	sim_check_map(dst_hwpt, BASE, 8 * PAGE, buf);
	/* Shared pages: no second pin. */
	sim_check_refs(buf, 8 * PAGE, 1);
	/* A sub-range, to an automatic IOVA that comes back. */
	cmd.dst_ioas_id = dst;
	cmd.src_ioas_id = src;
	SIM_OK(_sim_ioctl(IOMMU_IOAS_COPY, &cmd));
	ck_assert_uint_ge(cmd.dst_iova, BASE + 8 * PAGE);
	sim_check_map(dst_hwpt, cmd.dst_iova, 2 * PAGE, (char *)buf + PAGE);
	sim_check_refs(buf, 8 * PAGE, 1);
	/* Within one IOAS too. */
	sim_ioas_copy(src, BASE + 64 * PAGE, src, BASE + 2 * PAGE, 4 * PAGE,
		      FIXED);
	sim_check_map(src_hwpt, BASE + 64 * PAGE, 4 * PAGE,
		      (char *)buf + 2 * PAGE);
	/* The copies outlive the source mapping. */
	sim_ioas_unmap(src, 0, UINT64_MAX, NULL);
	sim_check_map(dst_hwpt, BASE, 8 * PAGE, buf);
	sim_check_refs(buf, 8 * PAGE, 1);
	sim_ioas_unmap(dst, 0, UINT64_MAX, NULL);
	sim_check_refs(buf, 8 * PAGE, 0);
}
END_TEST

START_TEST(test_copy_errors)
{
	void *buf = uapi_mem(4 * PAGE);
	void *ro_src = uapi_mem(PAGE);
	uint32_t src, dst;

	sim_ioas_alloc(&src);
	sim_ioas_alloc(&dst);
	sim_ioas_map_fixed(src, buf, 4 * PAGE, BASE);
	sim_ioas_map(src, ro_src, PAGE, &(uint64_t){ BASE + 32 * PAGE },
		     IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE);
	sim_ioas_map_fixed(dst, buf, PAGE, BASE);

	/* Unknown flags (there is no reserved field), before all else. */
	SIM_ERR(EOPNOTSUPP, copy_raw(dst, src, 1 << 3 | FIXED, PAGE, 0, BASE));
	SIM_ERR(EOPNOTSUPP, copy_raw(999, 999, 1 << 8, UINT64_MAX, 0, 0));
	/* Values >= ULONG_MAX. */
	SIM_ERR(EOVERFLOW, copy_raw(dst, src, FIXED, UINT64_MAX, 0, BASE));
	SIM_ERR(EOVERFLOW, copy_raw(dst, src, FIXED, PAGE, 0, UINT64_MAX));
	SIM_ERR(EOVERFLOW, copy_raw(dst, src, FIXED, PAGE, UINT64_MAX, BASE));
	SIM_ERR(EOVERFLOW, copy_raw(999, 999, 0, UINT64_MAX, 0, 0));
	/* No R/W, before the lookups. */
	SIM_ERR(EINVAL, copy_raw(999, 999, IOMMU_IOAS_MAP_FIXED_IOVA, PAGE, 0,
				 BASE));
	/* The source first: its ID, the length, its coverage. */
	SIM_ERR(ENOENT, copy_raw(999, 999, RW, 0, 0, BASE));
	SIM_ERR(EINVAL, copy_raw(999, src, RW, 0, 0, BASE));
	SIM_ERR(ENOENT, copy_raw(dst, src, FIXED, PAGE, BASE + 64 * PAGE,
				 BASE + 8 * PAGE));
	SIM_ERR(ENOENT, copy_raw(dst, src, FIXED, 8 * PAGE, BASE + 64 * PAGE,
				 BASE));
	SIM_ERR(ENOENT, copy_raw(999, src, RW, PAGE, 0, BASE + 8 * PAGE));
	/* Then the destination. */
	SIM_ERR(ENOENT, copy_raw(999, src, RW, PAGE, 0, BASE));
	SIM_ERR(ENOENT, copy_raw(src + 100, src, RW, PAGE, 0, BASE));
	/* Placement as MAP. */
	SIM_ERR(EEXIST, copy_raw(dst, src, FIXED, PAGE, BASE, BASE));
	sim_add_reserved(dst, BASE + 16 * PAGE, PAGE);
	SIM_ERR(EINVAL, copy_raw(dst, src, FIXED, 2 * PAGE, BASE + 15 * PAGE,
				 BASE));
	SIM_ERR(EOVERFLOW, copy_raw(dst, src, FIXED, 2 * PAGE,
				    COV_ULONG_MAX - PAGE + 1, BASE));
	{
		struct iommu_iova_range r = { BASE + 100 * PAGE,
					      BASE + 101 * PAGE - 1 };

		sim_ioas_allow_iovas(dst, &r, 1);
		SIM_ERR(ENOSPC, copy_raw(dst, src, RW, 2 * PAGE, 0, BASE));
	}
	/* Writeable over memory mapped read-only. */
	SIM_ERR(EPERM, copy_raw(dst, src, FIXED, PAGE, BASE + 200 * PAGE,
				BASE + 32 * PAGE));
	SIM_OK(copy_raw(dst, src, IOMMU_IOAS_MAP_FIXED_IOVA |
					  IOMMU_IOAS_MAP_READABLE,
			PAGE, BASE + 200 * PAGE, BASE + 32 * PAGE));
}
END_TEST

/* ---- IOMMU_IOAS_UNMAP ----------------------------------------------------- */

static int unmap_raw(uint32_t ioas, uint64_t iova, uint64_t length,
		     uint64_t *out_length)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas,
		.iova = iova,
		.length = length,
	};
	int rc;

	rc = _sim_ioctl(IOMMU_IOAS_UNMAP, &cmd);
	*out_length = cmd.length;
	return rc;
}

START_TEST(test_unmap)
{
	void *buf = uapi_mem(8 * PAGE);
	uint32_t ioas, hwpt;
	uint64_t len;

	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, NULL, &hwpt, NULL);
	/* Empty: unmap-all succeeds with 0 bytes, a range is ENOENT. */
	SIM_OK(unmap_raw(ioas, 0, UINT64_MAX, &len));
	ck_assert_uint_eq(len, 0);
	SIM_ERR(ENOENT, unmap_raw(ioas, BASE, PAGE, &len));

	sim_ioas_map_fixed(ioas, buf, 2 * PAGE, BASE);
	sim_ioas_map_fixed(ioas, (char *)buf + 2 * PAGE, 2 * PAGE,
			   BASE + 2 * PAGE);
	sim_ioas_map_fixed(ioas, (char *)buf + 4 * PAGE, 4 * PAGE,
			   BASE + 16 * PAGE);
	/* Mappings are never split: partly covered is ENOENT. */
	SIM_ERR(ENOENT, unmap_raw(ioas, BASE, PAGE, &len));
	ck_assert_uint_eq(len, PAGE);
	SIM_ERR(ENOENT, unmap_raw(ioas, BASE + PAGE, 2 * PAGE, &len));
	sim_check_map(hwpt, BASE, 4 * PAGE, buf);
	/* A range with holes around whole mappings: their total. */
	SIM_OK(unmap_raw(ioas, BASE - 8 * PAGE, 12 * PAGE + PAGE, &len));
	ck_assert_uint_eq(len, 4 * PAGE);
	sim_err_check_map(EINVAL, hwpt, BASE, IOPAGE, buf);
	sim_check_refs(buf, 4 * PAGE, 0);
	sim_check_refs((char *)buf + 4 * PAGE, 4 * PAGE, 1);

	/*
	 * Partial progress: the first mapping of the range goes, then one
	 * sticking out is ENOENT, and the length is not written back.
	 */
	sim_ioas_map_fixed(ioas, buf, 2 * PAGE, BASE + 12 * PAGE);
	SIM_ERR(ENOENT, unmap_raw(ioas, BASE + 12 * PAGE, 6 * PAGE, &len));
	ck_assert_uint_eq(len, 6 * PAGE);
	sim_check_refs(buf, 2 * PAGE, 0);
	sim_check_map(hwpt, BASE + 16 * PAGE, 4 * PAGE, (char *)buf + 4 * PAGE);

	/* Arguments. */
	SIM_ERR(EOVERFLOW, unmap_raw(ioas, UINT64_MAX, PAGE, &len));
	SIM_ERR(EOVERFLOW, unmap_raw(ioas, BASE, UINT64_MAX - 1, &len));
	SIM_ERR(EOVERFLOW, unmap_raw(ioas, 1, UINT64_MAX, &len));
	SIM_ERR(EINVAL, unmap_raw(ioas, BASE, 0, &len));
	SIM_ERR(EOVERFLOW, unmap_raw(ioas, COV_ULONG_MAX - PAGE, 2 * PAGE,
				     &len));
	SIM_ERR(ENOENT, unmap_raw(999, 0, UINT64_MAX, &len));
	SIM_ERR(ENOENT, unmap_raw(hwpt, 0, UINT64_MAX, &len));

	/* Everything, whatever is left. */
	SIM_OK(unmap_raw(ioas, 0, UINT64_MAX, &len));
	ck_assert_uint_eq(len, 4 * PAGE);
	sim_check_refs(buf, 8 * PAGE, 0);
	SIM_OK(unmap_raw(ioas, 0, UINT64_MAX, &len));
	ck_assert_uint_eq(len, 0);
}
END_TEST

/* ---- IOMMU_IOAS_CHANGE_PROCESS -------------------------------------------- */

START_TEST(test_change_process)
{
	struct iommu_ioas_change_process cmd = { .size = sizeof(cmd) };
	void *buf = uapi_mem(PAGE);
	uint32_t ioas, ioas2;
	uint64_t iova;
	int mfd;

	/* Nothing mapped: trivially fine. */
	sim_change_process();
	cmd.__reserved = 1;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_IOAS_CHANGE_PROCESS, &cmd));

	mfd = iommufd_sim_memfd(uf.p, 4 * PAGE);
	ck_assert_int_ge(mfd, 0);
	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, NULL, NULL, NULL);
	sim_ioas_map_file(ioas, mfd, 0, 4 * PAGE, &iova, 0);
	/* File-backed mappings only (pinned or not): the same process. */
	sim_change_process();
	sim_ioas_alloc(&ioas2);
	sim_ioas_map_file(ioas2, mfd, 0, PAGE, &iova, 0);
	sim_change_process();

	/* One mapping of user memory anywhere in the context: EINVAL. */
	sim_ioas_map(ioas2, buf, PAGE, &iova, 0);
	sim_err_change_process(EINVAL);
	sim_ioas_unmap(ioas2, iova, PAGE, NULL);
	sim_change_process();
	sim_close(mfd);
}
END_TEST

Suite *ioas_suite(void)
{
	Suite *s = suite_create("ioas");
	TCase *tc = cov_tcase("ioas");

	tcase_add_test(tc, test_layout_ioas_structs);
	tcase_add_test(tc, test_dispatch_unknown_commands_enotty);
	tcase_add_test(tc, test_dispatch_bad_pointer_efault);
	tcase_add_test(tc, test_size_sweeps_ioas);
	tcase_add_test(tc, test_destroy);
	tcase_add_test(tc, test_destroy_ioas_with_mappings);
	tcase_add_test(tc, test_ioas_alloc);
	tcase_add_test(tc, test_iova_ranges);
	tcase_add_test(tc, test_allow_iovas);
	tcase_add_test(tc, test_map_check_order);
	tcase_add_test(tc, test_map_fixed);
	tcase_add_test(tc, test_map_auto_iova);
	tcase_add_test(tc, test_map_pins_with_domain);
	tcase_add_test(tc, test_map_file);
	tcase_add_test(tc, test_copy);
	tcase_add_test(tc, test_copy_errors);
	tcase_add_test(tc, test_unmap);
	tcase_add_test(tc, test_change_process);
	suite_add_tcase(s, tc);
	return s;
}
