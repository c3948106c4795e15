// SPDX-License-Identifier: GPL-2.0
/*
 * mmap() on the iommufd fd (uapi-spec 6, 7.4): the mock vIOMMU's two MMIO
 * pages.  Only the exact registered offset and length map (ENXIO
 * otherwise), shared and not executable; the mapping shows the driver's
 * pages; each mapping (and each piece of a split one) holds the vIOMMU, so
 * its DESTROY is EBUSY until the last munmap; a mapping keeps the context
 * alive after the iommufd is closed; process exit unmaps.
 */
#include <sys/mman.h>
#include "uapi_suites.h"
#include "viommu_util.h"

#define PG	UAPI_PAGE_SIZE

struct mmap_env {
	struct viommu_env e;
	uint32_t viommu;
	uint64_t offset;
	uint64_t length;
};

static void mmap_env_setup(struct mmap_env *m, uint32_t in_data)
{
	struct iommu_viommu_selftest data = { .in_data = in_data };

	viommu_env_setup(&m->e, false);
	sim_viommu_alloc(m->e.idev, m->e.parent, IOMMU_VIOMMU_TYPE_SELFTEST,
			 &data, sizeof(data), &m->viommu);
	m->offset = data.out_mmap_offset;
	m->length = data.out_mmap_length;
	ck_assert_uint_eq(m->length, 2 * PG);
}

static void *map_ok(size_t len, int prot, int flags, uint64_t off)
{
	int err;
	void *p = _sim_mmap(len, prot, flags, uf.fd, off, &err);

	ck_assert_msg(p, "mmap(%zu, off %#llx): %s", len,
		      (unsigned long long)off, uapi_errname(err));
	return p;
}

static void map_err(int expect, size_t len, int prot, int flags,
		    uint64_t off)
{
	int err;
	void *p = _sim_mmap(len, prot, flags, uf.fd, off, &err);

	ck_assert_msg(!p && err == expect,
		      "mmap(%zu, off %#llx): expected %s, got %s", len,
		      (unsigned long long)off, uapi_errname(expect),
		      p ? "success" : uapi_errname(err));
}

#define RW	(PROT_READ | PROT_WRITE)

START_TEST(test_mmap_loopback)
{
	struct mmap_env m;
	uint32_t *p;

	mmap_env_setup(&m, 0xbeef);
	p = map_ok(m.length, RW, MAP_SHARED, m.offset);
	/* The first u32 of page 0 is in_data; the rest is zero. */
	ck_assert_uint_eq(p[0], 0xbeef);
	ck_assert_uint_eq(p[1], 0);
	ck_assert_uint_eq(p[PG / 4], 0);
	/* It is shared memory: a second mapping sees the writes. */
	p[PG / 4 + 1] = 0x1234;
	{
		uint32_t *q = map_ok(m.length, PROT_READ, MAP_SHARED,
				     m.offset);

		ck_assert_uint_eq(q[PG / 4 + 1], 0x1234);
		SIM_OK(_sim_munmap(q, m.length));
	}

	/* The owner is held while mapped. */
	sim_err_destroy(EBUSY, m.viommu);
	SIM_OK(_sim_munmap(p, m.length));
	sim_destroy(m.viommu);
	/* Its region is gone with it. */
	map_err(ENXIO, m.length, RW, MAP_SHARED, m.offset);
}
END_TEST

START_TEST(test_mmap_exact_only)
{
	struct mmap_env m;

	mmap_env_setup(&m, 1);
	/* Offsets and lengths must be exactly the region's. */
	map_err(ENXIO, m.length, RW, MAP_SHARED, m.offset + PG);
	map_err(ENXIO, m.length, RW, MAP_SHARED, m.offset + 2 * PG);
	map_err(ENXIO, m.length / 2, RW, MAP_SHARED, m.offset);
	map_err(ENXIO, m.length / 2, RW, MAP_SHARED, m.offset + PG);
	map_err(ENXIO, m.length + PG, RW, MAP_SHARED, m.offset);
	map_err(ENXIO, m.length, RW, MAP_SHARED, 0);
	map_err(ENXIO, PG, RW, MAP_SHARED, 0x100000);
	/* Not shared: EINVAL; executable: EPERM. */
	map_err(EINVAL, m.length, RW, MAP_PRIVATE, m.offset);
	map_err(EPERM, m.length, RW | PROT_EXEC, MAP_SHARED, m.offset);
	/* mmap(2)'s own rules: offset alignment, length, map type. */
	map_err(EINVAL, m.length, RW, MAP_SHARED, m.offset + 1);
	map_err(EINVAL, 0, RW, MAP_SHARED, m.offset);
	map_err(EINVAL, m.length, RW, 0, m.offset);
	/* Nothing was taken by the failures. */
	sim_destroy(m.viommu);
}
END_TEST

/*
 * mmap(2) rounds the length up to whole pages before the driver sees it,
 * so a length just short of the region maps the whole region.
 */
START_TEST(test_mmap_length_rounded)
{
	struct mmap_env m;
	uint32_t *p;

	mmap_env_setup(&m, 5);
	p = map_ok(m.length - 1, RW, MAP_SHARED, m.offset);
	ck_assert_uint_eq(p[0], 5);
	sim_err_destroy(EBUSY, m.viommu);
	SIM_OK(_sim_munmap(p, m.length));
	sim_destroy(m.viommu);
}
END_TEST

/* Every VMA holds the owner: two mappings, and the pieces of a split. */
START_TEST(test_mmap_split_and_count)
{
	struct mmap_env m;
	char *p;

	mmap_env_setup(&m, 2);
	p = map_ok(m.length, RW, MAP_SHARED, m.offset);
	/* A partial munmap leaves a mapping: still held. */
	SIM_OK(_sim_munmap(p, PG));
	sim_err_destroy(EBUSY, m.viommu);
	ck_assert_uint_eq(*(uint32_t *)(p + PG), 0);
	SIM_OK(_sim_munmap(p + PG, PG));
	/* Unmapping nothing is fine, as munmap(2) says. */
	SIM_OK(_sim_munmap(p, m.length));
	sim_destroy(m.viommu);
}
END_TEST

START_TEST(test_mmap_two_viommus)
{
	struct iommu_viommu_selftest data = { .in_data = 22 };
	struct mmap_env m;
	uint32_t v2, *p1, *p2;

	mmap_env_setup(&m, 11);
	sim_viommu_alloc(m.e.idev, m.e.parent, IOMMU_VIOMMU_TYPE_SELFTEST,
			 &data, sizeof(data), &v2);
	ck_assert_uint_ne(data.out_mmap_offset, m.offset);
	p1 = map_ok(m.length, RW, MAP_SHARED, m.offset);
	p2 = map_ok(data.out_mmap_length, RW, MAP_SHARED,
		    data.out_mmap_offset);
	ck_assert_uint_eq(*p1, 11);
	ck_assert_uint_eq(*p2, 22);
	/* Each mapping holds its own owner only. */
	SIM_OK(_sim_munmap(p2, data.out_mmap_length));
	sim_destroy(v2);
	sim_err_destroy(EBUSY, m.viommu);
	SIM_OK(_sim_munmap(p1, m.length));
	sim_destroy(m.viommu);
}
END_TEST

/* A vIOMMU without driver data has no region. */
START_TEST(test_mmap_no_region)
{
	struct viommu_env e;
	uint32_t id;
	int fd;

	viommu_env_setup(&e, true);
	map_err(ENXIO, PG, RW, MAP_SHARED, PG);
	/* Other files have no mmap at all. */
	sim_veventq_alloc(e.viommu, IOMMU_VEVENTQ_TYPE_SELFTEST, 1, &id, &fd);
	{
		int err;
		void *p = _sim_mmap(PG, RW, MAP_SHARED, fd, 0, &err);

		ck_assert_ptr_null(p);
		ck_assert_int_eq(err, ENODEV);
		p = _sim_mmap(PG, RW, MAP_SHARED, 1000, 0, &err);
		ck_assert_ptr_null(p);
		ck_assert_int_eq(err, EBADF);
	}
}
END_TEST

/* The mapping's file reference keeps the context after close(). */
START_TEST(test_mmap_keeps_context)
{
	struct mmap_env m;
	uint32_t *p;

	mmap_env_setup(&m, 0x77);
	p = map_ok(m.length, RW, MAP_SHARED, m.offset);
	sim_close(uf.fd);
	uf.fd = -1;
	ck_assert_uint_eq(iommufd_debug_live_contexts(), 1);
	ck_assert_uint_eq(*p, 0x77);
	SIM_OK(_sim_munmap(p, m.length));
	/* The last reference: the context and all its objects go. */
	ck_assert_uint_eq(iommufd_debug_live_contexts(), 0);
}
END_TEST

/* Process exit unmaps what is left (the teardown audits it). */
START_TEST(test_mmap_left_at_exit)
{
	struct mmap_env m;

	mmap_env_setup(&m, 3);
	map_ok(m.length, RW, MAP_SHARED, m.offset);
	map_ok(m.length, RW, MAP_SHARED, m.offset);
}
END_TEST

Suite *mmap_suite(void)
{
	Suite *s = suite_create("mmap");
	TCase *tc = uapi_tcase("mmap");

	tcase_add_test(tc, test_mmap_loopback);
	tcase_add_test(tc, test_mmap_exact_only);
	tcase_add_test(tc, test_mmap_length_rounded);
	tcase_add_test(tc, test_mmap_split_and_count);
	tcase_add_test(tc, test_mmap_two_viommus);
	tcase_add_test(tc, test_mmap_no_region);
	tcase_add_test(tc, test_mmap_keeps_context);
	tcase_add_test(tc, test_mmap_left_at_exit);
	suite_add_tcase(s, tc);
	return s;
}
