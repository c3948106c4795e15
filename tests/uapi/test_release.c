// SPDX-License-Identifier: GPL-2.0
/*
 * Closing a context with live objects (issue 6 Done 3; internals-spec 1.6,
 * 1.7): the release destroys leaves first, in passes, until nothing is
 * left.  Each test builds a context full of objects that depend on each
 * other, closes its descriptors in some order without destroying anything,
 * and checks from user space that the pins are gone (MD_CHECK_REFS through
 * a second context) and that no context is left alive; the fixture's
 * world audit then checks that no allocation, pin, charge, reference,
 * WARN or held lock was left.
 *
 * The other half of Done 3, a leaked users reference making a release pass
 * stall and being reported, needs a reference taken behind the uAPI's
 * back; it is a kernel-level test (tests/kernel, suite krelease).
 */
#include <poll.h>
#include <stdlib.h>
#include "uapi_cov.h"
#include "uapi_suites.h"

/*
 * From iommufd_debug.h (the simulator's own view into the core), which
 * needs the kernel's headers: contexts whose file is still open.
 */
unsigned int iommufd_debug_live_contexts(void);

#define PAGE	COV_PAGE
#define IOPAGE	COV_IOPAGE
#define BASE	COV_BASE
#define PIN	MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES

struct full_ctx {
	void *buf, *buf2;
	int access_fd, fault_fd, memfd;
	uint32_t ioas1, ioas2;
};

/*
 * Everything at once: two IOASes with user, file and copied mappings; an
 * automatic HWPT shared by two mock devices; a manual HWPT; a nest parent
 * with a nested HWPT that reports to a FAULT object with one fault read
 * but unanswered and one pending; a PASID device with PASIDs attached; an
 * access with pinned items; the VFIO compat IOAS; an allow list and
 * reserved ranges.
 */
static void build_full_ctx(struct full_ctx *c)
{
	struct iommu_iova_range allow = { BASE + 512 * PAGE,
					  BASE + 1024 * PAGE - 1 };
	struct iommu_hwpt_pgfault rec;
	uint32_t stdev1, idev1, stdev2, idev2, stdev3, idev3, manual, parent;
	uint32_t nested, fault_id, pasid_hwpt, pt, compat;
	uint64_t iova;

	c->buf = uapi_mem(16 * PAGE);
	c->buf2 = uapi_mem(8 * PAGE);
	c->memfd = iommufd_sim_memfd(uf.p, 4 * PAGE);
	ck_assert_int_ge(c->memfd, 0);

	sim_ioas_alloc(&c->ioas1);
	sim_ioas_alloc(&c->ioas2);
	sim_ioas_allow_iovas(c->ioas1, &allow, 1);
	sim_add_reserved(c->ioas1, BASE + 2048 * PAGE, PAGE);
	sim_ioas_map_fixed(c->ioas1, c->buf, 16 * PAGE, BASE);
	sim_ioas_map_file(c->ioas1, c->memfd, 0, 4 * PAGE, &iova, 0);
	sim_ioas_map_fixed(c->ioas2, c->buf2, 8 * PAGE, BASE);
	sim_ioas_copy(c->ioas2, BASE + 64 * PAGE, c->ioas1, BASE, 8 * PAGE,
		      IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE);
	compat = c->ioas1;
	sim_vfio_ioas(IOMMU_VFIO_IOAS_SET, &compat);

	sim_mock_domain(c->ioas1, &stdev1, NULL, &idev1);
	sim_mock_domain(c->ioas1, &stdev2, NULL, &idev2);
	sim_hwpt_alloc_paging(idev1, c->ioas2, 0, &manual);
	sim_hwpt_alloc_paging(idev1, c->ioas2, IOMMU_HWPT_ALLOC_NEST_PARENT,
			      &parent);
	sim_fault_alloc(&fault_id, &c->fault_fd);
	sim_hwpt_alloc_nested(idev1, parent, IOMMU_HWPT_FAULT_ID_VALID,
			      fault_id, 0, &nested);
	sim_mock_domain(manual, NULL, NULL, NULL);
	pt = nested;
	sim_mock_domain_replace(stdev2, &pt);
	sim_trigger_iopf(idev1, 0, 1, IOMMU_PGFAULT_PERM_READ, 0x1000);
	sim_trigger_iopf(idev2, 0, 1, IOMMU_PGFAULT_PERM_READ, 0x1000);
	sim_trigger_iopf(idev2, 0, 2, IOMMU_PGFAULT_PERM_READ, 0x2000);
	ck_assert_int_eq(_sim_read(c->fault_fd, &rec, sizeof(rec)),
			 sizeof(rec));

	sim_mock_domain_flags(c->ioas2, MOCK_FLAGS_DEVICE_PASID, &stdev3, NULL,
			      &idev3);
	sim_hwpt_alloc_paging(idev3, c->ioas2, IOMMU_HWPT_ALLOC_PASID,
			      &pasid_hwpt);
	pt = pasid_hwpt;
	sim_pasid_attach(stdev3, 5, &pt);
	pt = c->ioas2;
	sim_pasid_attach(stdev3, 6, &pt);

	sim_access_create(c->ioas2, PIN, &c->access_fd);
	sim_access_pages(c->access_fd, BASE, 4 * PAGE, c->buf2, 0, NULL);
	sim_access_pages(c->access_fd, BASE + 64 * PAGE, 2 * PAGE, c->buf, 0,
			 NULL);

	sim_check_refs(c->buf, 8 * PAGE, 1);
	sim_check_refs(c->buf2, 8 * PAGE, 1);
}

/* From a fresh context: nothing of the old one is pinned or alive. */
static void assert_all_gone(struct full_ctx *c)
{
	uf.fd = uapi_open_iommufd();
	sim_check_refs(c->buf, 16 * PAGE, 0);
	sim_check_refs(c->buf2, 8 * PAGE, 0);
	ck_assert_uint_eq(iommufd_debug_live_contexts(), 1);
}

START_TEST(test_release_context_fd_last)
{
	struct full_ctx c;

	build_full_ctx(&c);
	sim_close(c.access_fd);
	sim_close(c.fault_fd);
	sim_close(c.memfd);
	ck_assert_uint_eq(iommufd_debug_live_contexts(), 1);
	sim_close(uf.fd);
	ck_assert_uint_eq(iommufd_debug_live_contexts(), 0);
	assert_all_gone(&c);
}
END_TEST

/*
 * The context fd first: the access fd and the fault fd hold the context,
 * which stays alive (and keeps its pins) until the last of them closes.
 */
START_TEST(test_release_context_fd_first)
{
	struct full_ctx c;
	int probe;

	build_full_ctx(&c);
	sim_close(uf.fd);
	sim_close(c.memfd);
	ck_assert_uint_eq(iommufd_debug_live_contexts(), 1);
	probe = uapi_open_iommufd();
	uf.fd = probe;
	sim_check_refs(c.buf2, 4 * PAGE, 1);
	sim_close(c.access_fd);
	ck_assert_uint_eq(iommufd_debug_live_contexts(), 2);
	/* The access's pins went with it; the domains' stay. */
	sim_check_refs(c.buf2, 4 * PAGE, 1);
	sim_close(c.fault_fd);
	ck_assert_uint_eq(iommufd_debug_live_contexts(), 1);
	sim_check_refs(c.buf, 16 * PAGE, 0);
	sim_check_refs(c.buf2, 8 * PAGE, 0);
	sim_close(probe);
	uf.fd = -1;
	assert_all_gone(&c);
}
END_TEST

/* The process exits with everything open: the same teardown. */
START_TEST(test_release_process_exit)
{
	struct iommufd_sim_proc *p = uf.p;
	struct full_ctx c;

	build_full_ctx(&c);
	iommufd_sim_proc_destroy(p);
	uf.p = iommufd_sim_proc_create(uf.sim, NULL);
	uf.fd = -1;
	ck_assert_uint_eq(iommufd_debug_live_contexts(), 0);
}
END_TEST

/* A dup'd context fd: the release runs on the last close only. */
START_TEST(test_release_dup_keeps_context)
{
	void *buf = uapi_mem(4 * PAGE);
	uint32_t ioas;
	int dupfd, probe;

	sim_ioas_alloc(&ioas);
	sim_ioas_map_fixed(ioas, buf, 4 * PAGE, BASE);
	sim_mock_domain(ioas, NULL, NULL, NULL);
	dupfd = iommufd_sim_dup(uf.p, uf.fd);
	ck_assert_int_ge(dupfd, 0);
	sim_close(uf.fd);
	probe = uapi_open_iommufd();
	uf.fd = probe;
	sim_check_refs(buf, 4 * PAGE, 1);
	/* The duplicate still reaches the objects. */
	uf.fd = dupfd;
	sim_err_destroy(EBUSY, ioas);
	sim_close(dupfd);
	uf.fd = probe;
	sim_check_refs(buf, 4 * PAGE, 0);
	ck_assert_uint_eq(iommufd_debug_live_contexts(), 1);
}
END_TEST

Suite *release_suite(void)
{
	Suite *s = suite_create("release");
	TCase *tc = cov_tcase("release");

	tcase_add_test(tc, test_release_context_fd_last);
	tcase_add_test(tc, test_release_context_fd_first);
	tcase_add_test(tc, test_release_process_exit);
	tcase_add_test(tc, test_release_dup_keeps_context);
	suite_add_tcase(s, tc);
	return s;
}
