// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_HW_QUEUE_ALLOC (uapi-spec 3.22, 7.4; internals-spec 4.7, 4.8, 6.3):
 * errnos in their order and the size sweep, the mock's index rules and
 * queue dependency, the pin of the queue's memory through an internal
 * access that locks its IOAS areas (IOAS_UNMAP of them is EBUSY until the
 * queue goes, other mappings of the same IOAS unmap normally), and the
 * internal access taking no context reference: closing the context with
 * live queues frees everything.
 */
#include <sys/mman.h>
#include "uapi_suites.h"
#include "viommu_util.h"

#define QTYPE	IOMMU_HW_QUEUE_TYPE_SELFTEST
#define PG	UAPI_PAGE_SIZE

START_TEST(test_hw_queue_layouts)
{
	ck_assert_uint_eq(sizeof(struct iommu_hw_queue_alloc), 40);
	ck_assert_uint_eq(offsetof(struct iommu_hw_queue_alloc,
				   out_hw_queue_id), 20);
	ck_assert_uint_eq(offsetof(struct iommu_hw_queue_alloc,
				   nesting_parent_iova), 24);
	ck_assert_uint_eq(offsetof(struct iommu_hw_queue_alloc, length), 32);
	ck_assert_uint_eq(IOMMU_HW_QUEUE_ALLOC, 0x3b94);
}
END_TEST

START_TEST(test_hw_queue_alloc_and_destroy)
{
	struct viommu_env e;
	uint32_t q0, q1, next;

	viommu_env_setup(&e, true);
	next = uapi_next_id();
	sim_hw_queue_alloc(e.viommu, QTYPE, 0, GUEST_IOVA, PG, &q0);
	/* The queue takes its ID before its internal access does. */
	ck_assert_uint_eq(q0, next);
	sim_hw_queue_alloc(e.viommu, QTYPE, 1, GUEST_IOVA + PG, 2 * PG, &q1);

	/* Queues hold the vIOMMU; queue 1 holds queue 0. */
	sim_err_destroy(EBUSY, e.viommu);
	sim_err_destroy(EBUSY, q0);
	sim_destroy(q1);
	sim_destroy(q0);
	sim_err_destroy(ENOENT, q0);
	ck_assert_uint_eq(uapi_next_id(), next);
	sim_destroy(e.viommu);
}
END_TEST

START_TEST(test_hw_queue_index_rules)
{
	struct viommu_env e;
	uint32_t q0, q1, id, next;

	viommu_env_setup(&e, true);
	next = uapi_next_id();
	sim_err_hw_queue_alloc(EINVAL, e.viommu, QTYPE, IOMMU_TEST_HW_QUEUE_MAX,
			       GUEST_IOVA, PG, &id);
	/* Index 1 needs index 0. */
	sim_err_hw_queue_alloc(EIO, e.viommu, QTYPE, 1, GUEST_IOVA, PG, &id);
	ck_assert_uint_eq(uapi_next_id(), next);
	sim_hw_queue_alloc(e.viommu, QTYPE, 0, GUEST_IOVA, PG, &q0);
	sim_err_hw_queue_alloc(EEXIST, e.viommu, QTYPE, 0, GUEST_IOVA + PG, PG,
			       &id);
	sim_hw_queue_alloc(e.viommu, QTYPE, 1, GUEST_IOVA + PG, PG, &q1);
	sim_err_hw_queue_alloc(EEXIST, e.viommu, QTYPE, 1, GUEST_IOVA + PG, PG,
			       &id);
	/* Queue 0 again once its dependent and itself are gone. */
	sim_destroy(q1);
	sim_destroy(q0);
	sim_hw_queue_alloc(e.viommu, QTYPE, 0, GUEST_IOVA, PG, &q0);
	sim_destroy(q0);
	/* Two queues may share memory: both lock it. */
	sim_hw_queue_alloc(e.viommu, QTYPE, 0, GUEST_IOVA, PG, &q0);
	sim_hw_queue_alloc(e.viommu, QTYPE, 1, GUEST_IOVA, PG, &q1);
	sim_destroy(q1);
	sim_err_ioas_unmap(EBUSY, e.ioas, GUEST_IOVA, GUEST_LEN, NULL);
	sim_destroy(q0);
	sim_ioas_unmap(e.ioas, GUEST_IOVA, GUEST_LEN, NULL);
}
END_TEST

START_TEST(test_hw_queue_alloc_errors)
{
	const struct iommufd_sim_mem_opts scattered = {
		.placement = IOMMUFD_SIM_SCATTERED,
	};
	struct iommu_hw_queue_alloc cmd;
	struct viommu_env e;
	uint32_t next, id;
	void *sbuf, *wobuf;

	viommu_env_setup(&e, true);
	/* Scattered frames at +1 MiB + 64 KiB; a write-only map after it. */
	sbuf = uapi_mem_opts(4 * PG, &scattered);
	sim_ioas_map_fixed(e.ioas, sbuf, 4 * PG, OTHER_IOVA + 0x10000);
	wobuf = uapi_mem(PG);
	sim_ioas_map(e.ioas, wobuf, PG, &(uint64_t){ OTHER_IOVA + 0x20000 },
		     IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE);
	next = uapi_next_id();

	memset(&cmd, 0, sizeof(cmd));
	cmd.size = sizeof(cmd);
	cmd.viommu_id = 0;
	cmd.type = QTYPE;
	cmd.nesting_parent_iova = GUEST_IOVA;
	cmd.length = 0;

	/* Flags and type, length, overflow: before the vIOMMU lookup. */
	cmd.flags = 1;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_HW_QUEUE_ALLOC, &cmd));
	cmd.flags = 0;
	cmd.type = IOMMU_HW_QUEUE_TYPE_DEFAULT;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_HW_QUEUE_ALLOC, &cmd));
	cmd.type = QTYPE;
	SIM_ERR(EINVAL, _sim_ioctl(IOMMU_HW_QUEUE_ALLOC, &cmd));
	cmd.nesting_parent_iova = UINT64_MAX - PG + 2;
	cmd.length = PG;
	SIM_ERR(EOVERFLOW, _sim_ioctl(IOMMU_HW_QUEUE_ALLOC, &cmd));
	cmd.nesting_parent_iova = GUEST_IOVA;
	SIM_ERR(ENOENT, _sim_ioctl(IOMMU_HW_QUEUE_ALLOC, &cmd));
	sim_err_hw_queue_alloc(ENOENT, e.parent, QTYPE, 0, GUEST_IOVA, PG, &id);

	/* A type the mock has no queues of. */
	sim_err_hw_queue_alloc(EOPNOTSUPP, e.viommu,
			       IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV, 0,
			       GUEST_IOVA, PG, &id);
	/* Page rounding that overflows (base + length - 1 does not). */
	sim_err_hw_queue_alloc(ERANGE, e.viommu, QTYPE, 0, 0x800,
			       UINT64_MAX - 0x800, &id);
	/* Memory not (fully) mapped in the parent IOAS. */
	sim_err_hw_queue_alloc(ENOENT, e.viommu, QTYPE, 0, 0x10000000, PG,
			       &id);
	sim_err_hw_queue_alloc(ENOENT, e.viommu, QTYPE, 0,
			       GUEST_IOVA + GUEST_LEN - PG, 2 * PG, &id);
	/* Not physically contiguous. */
	sim_err_hw_queue_alloc(EFAULT, e.viommu, QTYPE, 0, OTHER_IOVA + 0x10000,
			       4 * PG, &id);
	/* The hardware reads the queue: a write-only mapping will not do. */
	sim_err_hw_queue_alloc(EPERM, e.viommu, QTYPE, 0, OTHER_IOVA + 0x20000,
			       PG, &id);

	/* Nothing left behind: no object, and no locked area. */
	ck_assert_uint_eq(uapi_next_id(), next);
	sim_ioas_unmap(e.ioas, GUEST_IOVA, GUEST_LEN, NULL);
	sim_ioas_unmap(e.ioas, OTHER_IOVA + 0x10000, 4 * PG, NULL);
}
END_TEST

START_TEST(test_hw_queue_response_fault)
{
	struct iommu_hw_queue_alloc cmd = { .size = sizeof(cmd) };
	struct viommu_env e;
	uint32_t next;
	void *ro;

	viommu_env_setup(&e, true);
	next = uapi_next_id();
	cmd.viommu_id = e.viommu;
	cmd.type = QTYPE;
	cmd.nesting_parent_iova = GUEST_IOVA;
	cmd.length = PG;
	ro = uapi_ro_copy(&cmd, sizeof(cmd));
	/* The queue, its access and its pin are all undone. */
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_HW_QUEUE_ALLOC, ro));
	uapi_ro_free(ro, sizeof(cmd));
	ck_assert_uint_eq(uapi_next_id(), next);
	sim_ioas_unmap(e.ioas, GUEST_IOVA, GUEST_LEN, NULL);
	/* And the index is free. */
	sim_ioas_map_fixed(e.ioas, e.guest, GUEST_LEN, GUEST_IOVA);
	sim_hw_queue_alloc(e.viommu, QTYPE, 0, GUEST_IOVA, PG, NULL);
}
END_TEST

static struct viommu_env sweep_env;

static void fill_hw_queue(void *buf, void *arg)
{
	struct iommu_hw_queue_alloc *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->viommu_id = sweep_env.viommu;
	cmd->type = QTYPE;
	cmd->nesting_parent_iova = GUEST_IOVA;
	cmd->length = PG;
}

static void cleanup_hw_queue(void *buf, void *arg)
{
	sim_destroy(((struct iommu_hw_queue_alloc *)buf)->out_hw_queue_id);
}

START_TEST(test_hw_queue_size_sweep)
{
	const struct uapi_size_case c = {
		.name = "IOMMU_HW_QUEUE_ALLOC",
		.cmd = IOMMU_HW_QUEUE_ALLOC,
		.size = 40,
		.min_size = 40,
		.fill = fill_hw_queue,
		.cleanup = cleanup_hw_queue,
	};

	viommu_env_setup(&sweep_env, true);
	ck_assert_int_eq(uapi_size_sweep(&c), 0);
}
END_TEST

/* ---- the locked IOAS areas -------------------------------------------- */

START_TEST(test_hw_queue_unmap_busy)
{
	struct viommu_env e;
	uint64_t unmapped;
	uint32_t q0;

	viommu_env_setup(&e, true);
	/* A queue in the middle of the guest mapping, not page aligned. */
	sim_hw_queue_alloc(e.viommu, QTYPE, 0, GUEST_IOVA + 3 * PG + 0x100,
			   0x200, &q0);

	/* The mapping that holds the queue cannot be unmapped... */
	sim_err_ioas_unmap(EBUSY, e.ioas, GUEST_IOVA, GUEST_LEN, NULL);
	/* ...in whole or through unmap-all. */
	sim_err_ioas_unmap(EBUSY, e.ioas, 0, UINT64_MAX, NULL);
	/* Another mapping of the same IOAS unmaps normally. */
	sim_ioas_unmap(e.ioas, OTHER_IOVA, OTHER_LEN, &unmapped);
	ck_assert_uint_eq(unmapped, OTHER_LEN);
	/* ...and can come back. */
	sim_ioas_map_fixed(e.ioas, e.other, OTHER_LEN, OTHER_IOVA);

	/* The parent still translates the queue's memory. */
	sim_check_map(e.parent, GUEST_IOVA, GUEST_LEN, e.guest);

	/* Once the queue is gone, the unmap succeeds. */
	sim_destroy(q0);
	sim_ioas_unmap(e.ioas, GUEST_IOVA, GUEST_LEN, &unmapped);
	ck_assert_uint_eq(unmapped, GUEST_LEN);
	sim_ioas_unmap(e.ioas, 0, UINT64_MAX, &unmapped);
	ck_assert_uint_eq(unmapped, OTHER_LEN);
}
END_TEST

/*
 * An external (mdev-style) pin never makes an unmap EBUSY: the driver is
 * asked to unpin and the unmap wins, next to a queue's internal pin.
 */
START_TEST(test_hw_queue_unmap_external_pin)
{
	struct viommu_env e;
	uint32_t q0, item;
	int access_fd;

	viommu_env_setup(&e, true);
	sim_hw_queue_alloc(e.viommu, QTYPE, 0, GUEST_IOVA, PG, &q0);
	sim_access_create(e.ioas, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES,
			  &access_fd);
	sim_access_pages(access_fd, OTHER_IOVA, PG, e.other, 0, &item);
	sim_ioas_unmap(e.ioas, OTHER_IOVA, OTHER_LEN, NULL);
	sim_err_access_pages_destroy(ENOENT, access_fd, item);
	/* The external access pins the queue's page too: still EBUSY. */
	sim_access_pages(access_fd, GUEST_IOVA, PG, e.guest, 0, &item);
	sim_err_ioas_unmap(EBUSY, e.ioas, GUEST_IOVA, GUEST_LEN, NULL);
	sim_access_pages_destroy(access_fd, item);
	sim_close(access_fd);
	sim_destroy(q0);
	sim_ioas_unmap(e.ioas, GUEST_IOVA, GUEST_LEN, NULL);
}
END_TEST

/* ---- the internal access and the context ------------------------------ */

/*
 * The internal access is a context object, destroyed by the queue, and
 * holds no reference on the context: closing the iommufd with queues live
 * (no explicit DESTROY) tears the queues, their accesses and pins down and
 * frees the context.  Were the access to hold the context, the context
 * would never be released and stay live.
 */
START_TEST(test_hw_queue_close_context_live)
{
	struct viommu_env e;
	uint32_t q0, q1;

	ck_assert_uint_eq(iommufd_debug_live_contexts(), 1);
	viommu_env_setup(&e, true);
	sim_hw_queue_alloc(e.viommu, QTYPE, 0, GUEST_IOVA, PG, &q0);
	sim_hw_queue_alloc(e.viommu, QTYPE, 1, GUEST_IOVA + 4 * PG, 4 * PG,
			   &q1);
	sim_check_refs(e.guest, PG, 1);
	sim_close(uf.fd);
	uf.fd = -1;
	/* Released at once: nothing held the context. */
	ck_assert_uint_eq(iommufd_debug_live_contexts(), 0);
	/* And the pins went with it. */
	uf.fd = uapi_open_iommufd();
	sim_check_refs(e.guest, GUEST_LEN, 0);
}
END_TEST

/* Destroying the IOAS-side objects with a queue live is refused. */
START_TEST(test_hw_queue_holds_ioas)
{
	struct viommu_env e;
	uint32_t q0;

	viommu_env_setup(&e, true);
	sim_hw_queue_alloc(e.viommu, QTYPE, 0, GUEST_IOVA, PG, &q0);
	sim_destroy(e.stdev);
	sim_err_destroy(EBUSY, e.viommu);
	sim_err_destroy(EBUSY, e.parent);
	/* The internal access holds the IOAS itself, too. */
	sim_err_destroy(EBUSY, e.ioas);
	sim_destroy(q0);
	sim_destroy(e.viommu);
	sim_destroy(e.parent);
	sim_destroy(e.ioas);
}
END_TEST

Suite *hw_queue_suite(void)
{
	Suite *s = suite_create("hw_queue");
	TCase *tc = uapi_tcase("hw_queue");

	tcase_add_test(tc, test_hw_queue_layouts);
	tcase_add_test(tc, test_hw_queue_alloc_and_destroy);
	tcase_add_test(tc, test_hw_queue_index_rules);
	tcase_add_test(tc, test_hw_queue_alloc_errors);
	tcase_add_test(tc, test_hw_queue_response_fault);
	tcase_add_test(tc, test_hw_queue_size_sweep);
	tcase_add_test(tc, test_hw_queue_unmap_busy);
	tcase_add_test(tc, test_hw_queue_unmap_external_pin);
	tcase_add_test(tc, test_hw_queue_close_context_live);
	tcase_add_test(tc, test_hw_queue_holds_ioas);
	suite_add_tcase(s, tc);
	return s;
}
