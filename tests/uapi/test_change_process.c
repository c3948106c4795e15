// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_IOAS_CHANGE_PROCESS end to end (uapi-spec 3.20, 9.1): a process
 * that received the iommufd (as a live update would hand it over) takes
 * over the pinned-memory accounting of every mapping of every IOAS.  Only
 * file-backed mappings can move (EINVAL otherwise); the new owner is
 * charged first and nothing changes when it cannot afford it (ENOMEM);
 * pages shared through IOAS_COPY count once; the old owner is credited.
 * The RLIMIT_MEMLOCK of each process makes the charges observable.
 */
#include <fcntl.h>
#include "uapi_suites.h"
#include "viommu_util.h"

#define PG	UAPI_PAGE_SIZE
#define IOVA	((uint64_t)MOCK_APERTURE_START)
#define NPAGES	16

START_TEST(test_change_process_layout)
{
	struct iommu_ioas_change_process cmd = { .size = sizeof(cmd) };

	ck_assert_uint_eq(sizeof(cmd), 8);
	ck_assert_uint_eq(IOMMU_IOAS_CHANGE_PROCESS, 0x3b92);
	/* An empty context: nothing to move. */
	SIM_OK(_sim_change_process_fd(uf.p, uf.fd));
	cmd.__reserved = 1;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_IOAS_CHANGE_PROCESS, &cmd));
}
END_TEST

static void fill_change_process(void *buf, void *arg)
{
	memset(buf, 0, sizeof(struct iommu_ioas_change_process));
}

START_TEST(test_change_process_size_sweep)
{
	const struct uapi_size_case c = {
		.name = "IOMMU_IOAS_CHANGE_PROCESS",
		.cmd = IOMMU_IOAS_CHANGE_PROCESS,
		.size = 8,
		.min_size = 8,
		.fill = fill_change_process,
	};

	ck_assert_int_eq(uapi_size_sweep(&c), 0);
}
END_TEST

/* A non-file mapping anywhere in the context refuses the whole call. */
START_TEST(test_change_process_needs_files)
{
	uint32_t ioas, ioas2;
	int mfd;

	sim_ioas_alloc(&ioas);
	sim_ioas_alloc(&ioas2);
	mfd = iommufd_sim_memfd(uf.p, 4 * PG);
	ck_assert_int_ge(mfd, 0);
	sim_map_file_at(ioas, mfd, 0, 4 * PG, IOVA);
	SIM_OK(_sim_change_process_fd(uf.p, uf.fd));
	sim_ioas_map_fixed(ioas2, uapi_mem(PG), PG, IOVA);
	SIM_ERR(EINVAL, _sim_change_process_fd(uf.p, uf.fd));
	sim_ioas_unmap(ioas2, IOVA, PG, NULL);
	SIM_OK(_sim_change_process_fd(uf.p, uf.fd));
	sim_close(mfd);
}
END_TEST

struct handover {
	struct iommufd_sim_proc *b;
	int bfd;		/* B's descriptor of uf.fd */
	int mfd;		/* A's memfd */
	uint32_t ioas;
};

/*
 * A (uid 1000, RLIMIT_MEMLOCK NPAGES pages) maps NPAGES pages of a memfd
 * into an IOAS with a mock domain (so they are pinned and charged now),
 * then hands the iommufd to B (uid 1001).
 */
static void handover_setup(struct handover *h, const char *node)
{
	const struct iommufd_sim_proc_opts bopts = {
		.uid = 1001,
		.memlock_bytes = NPAGES * PG / 2,
	};

	if (strcmp(node, "/dev/iommu")) {
		sim_close(uf.fd);
		uf.fd = iommufd_sim_open(uf.p, node, O_RDWR);
		ck_assert_int_ge(uf.fd, 0);
	}
	iommufd_sim_proc_set_memlock(uf.p, NPAGES * PG);
	h->mfd = iommufd_sim_memfd(uf.p, 2 * NPAGES * PG);
	ck_assert_int_ge(h->mfd, 0);
	sim_ioas_alloc(&h->ioas);
	sim_mock_domain(h->ioas, NULL, NULL, NULL);
	sim_map_file_at(h->ioas, h->mfd, 0, NPAGES * PG, IOVA);
	/* A is at its limit. */
	sim_err_map_file_at(ENOMEM, h->ioas, h->mfd, NPAGES * PG, PG,
			    IOVA + NPAGES * PG);

	h->b = iommufd_sim_proc_create(uf.sim, &bopts);
	h->bfd = iommufd_sim_fd_send(uf.p, uf.fd, h->b);
	ck_assert_int_ge(h->bfd, 0);
}

static void handover_moves(const char *node)
{
	struct handover h;
	uint32_t ioas2;

	handover_setup(&h, node);
	/* B cannot afford it: nothing changes, A is still at its limit. */
	SIM_ERR(ENOMEM, _sim_change_process_fd(h.b, h.bfd));
	sim_err_map_file_at(ENOMEM, h.ioas, h.mfd, NPAGES * PG, PG,
			    IOVA + NPAGES * PG);

	/* B can: the pages are B's now, and A's limit is free again. */
	iommufd_sim_proc_set_memlock(h.b, NPAGES * PG);
	SIM_OK(_sim_change_process_fd(h.b, h.bfd));
	sim_map_file_at(h.ioas, h.mfd, NPAGES * PG, PG, IOVA + NPAGES * PG);
	/* That new page is A's; moving it too would put B over. */
	SIM_ERR(ENOMEM, _sim_change_process_fd(h.b, h.bfd));
	sim_ioas_unmap(h.ioas, IOVA + NPAGES * PG, PG, NULL);
	/* What B owns already costs nothing to move again. */
	SIM_OK(_sim_change_process_fd(h.b, h.bfd));

	/* Shared pages count once: a COPY into a second IOAS. */
	sim_ioas_alloc(&ioas2);
	sim_ioas_copy(ioas2, IOVA, h.ioas, IOVA, NPAGES * PG,
		      IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE);
	/* Back to A, whose limit is exactly one copy of the pages. */
	SIM_OK(_sim_change_process_fd(uf.p, uf.fd));
	sim_err_map_file_at(ENOMEM, h.ioas, h.mfd, NPAGES * PG, PG,
			    IOVA + NPAGES * PG);

	/* B exits holding the context: the audit checks the credits. */
	iommufd_sim_proc_destroy(h.b);
}

START_TEST(test_change_process_user_mode)
{
	handover_moves("/dev/iommu");
}
END_TEST

START_TEST(test_change_process_mm_mode)
{
	handover_moves("/dev/vfio/vfio");
}
END_TEST

/* The last holder of the context may be the new owner only. */
START_TEST(test_change_process_then_old_closes)
{
	struct handover h;

	handover_setup(&h, "/dev/iommu");
	iommufd_sim_proc_set_memlock(h.b, NPAGES * PG);
	SIM_OK(_sim_change_process_fd(h.b, h.bfd));
	/* A goes away entirely; B's context and charges live on. */
	sim_close(uf.fd);
	sim_close(h.mfd);
	uf.fd = -1;
	{
		struct iommu_ioas_unmap cmd = {
			.size = sizeof(cmd),
			.ioas_id = h.ioas,
			.iova = IOVA,
			.length = NPAGES * PG,
		};

		ck_assert_int_eq(iommufd_sim_ioctl(h.b, h.bfd,
						   IOMMU_IOAS_UNMAP, &cmd), 0);
	}
	iommufd_sim_close(h.b, h.bfd);
	iommufd_sim_proc_destroy(h.b);
}
END_TEST

Suite *change_process_suite(void)
{
	Suite *s = suite_create("change_process");
	TCase *tc = uapi_tcase("change_process");

	tcase_add_test(tc, test_change_process_layout);
	tcase_add_test(tc, test_change_process_size_sweep);
	tcase_add_test(tc, test_change_process_needs_files);
	tcase_add_test(tc, test_change_process_user_mode);
	tcase_add_test(tc, test_change_process_mm_mode);
	tcase_add_test(tc, test_change_process_then_old_closes);
	suite_add_tcase(s, tc);
	return s;
}
