// SPDX-License-Identifier: GPL-2.0
/*
 * The newest objects under controlled execution (kshim/sched.h): a guest
 * (vIOMMU, vDEVICE, nested HWPT with the device attached, vEVENTQ with an
 * event queued, two dependent HW queues pinning guest memory, an mmap of
 * the vIOMMU's region) torn down by two threads at once, one destroying
 * objects and one closing the context, under PCT and random schedules; and
 * the same guest built with each fault point failing in turn.  Every run
 * must end clean: no deadlock, no WARN, no lock-order report, no leak (the
 * supervisor's audit of the run's world).
 *
 * The programs drive the embedding API inside the controlled world
 * (in_current_world) and report unexpected results as issues, which fail
 * the run's audit.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <kshim/exec.h>
#include <kshim/fault.h>
#include <kshim/report.h>
#include <kshim/sched.h>
#include "uapi_suites.h"
#include "viommu_util.h"

#define PG	UAPI_PAGE_SIZE

/* Which objects, in the order a careful user would destroy them. */
enum {
	R_Q1, R_Q0, R_VDEV, R_VEVENTQ, R_STDEV, R_NESTED, R_VIOMMU, R_PARENT,
	R_IOAS, R_NR,
};

struct race {
	struct iommufd_sim *sim;
	struct iommufd_sim_proc *p;
	int fd;
	int veventq_fd;
	uint32_t id[R_NR];
	uint32_t idev;
	void *map;
	size_t map_len;
	/* Faults are being injected: failures are expected, not reported. */
	bool tolerant;
};

static void issue(struct race *r, const char *what, int rc)
{
	char title[160];

	if (r->tolerant)
		return;
	snprintf(title, sizeof(title), "newest_sched: %s: %s", what,
		 uapi_errname(-rc));
	kshim_report_issue(KSHIM_ISSUE_OTHER, title, NULL);
}

/* Report and give up building (guest_setup() only). */
#define FAIL(what, rc)				\
	do {					\
		issue(r, what, rc);		\
		return;				\
	} while (0)

static int xioctl(struct race *r, unsigned long cmd, void *arg)
{
	return iommufd_sim_ioctl(r->p, r->fd, cmd, arg) < 0 ? -errno : 0;
}

static int test_cmd(struct race *r, struct iommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return xioctl(r, IOMMU_TEST_CMD, cmd);
}

/*
 * Build the guest.  Under fault injection any step may fail; the steps
 * that need it are then skipped (an ID of 0 means "not there").
 */
static void guest_setup(struct race *r)
{
	const struct iommufd_sim_mem_opts contig = {
		.placement = IOMMUFD_SIM_CONTIGUOUS,
	};
	struct iommu_viommu_selftest vdata = { .in_data = 0x42 };
	struct iommu_hwpt_selftest ndata = { .iotlb = 0 };
	struct iommu_test_cmd tc;
	void *guest;
	int rc;

	r->fd = iommufd_sim_open(r->p, "/dev/iommu", O_RDWR);
	if (r->fd < 0) {
		issue(r, "open", -errno);
		return;
	}

	{
		struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };

		rc = xioctl(r, IOMMU_IOAS_ALLOC, &cmd);
		if (rc)
			FAIL("IOAS_ALLOC", rc);
		r->id[R_IOAS] = cmd.out_ioas_id;
	}
	guest = iommufd_sim_mem_alloc(r->p, GUEST_LEN, &contig);
	if (!guest)
		FAIL("mem_alloc", -errno);
	{
		struct iommu_ioas_map cmd = {
			.size = sizeof(cmd),
			.flags = IOMMU_IOAS_MAP_FIXED_IOVA |
				 IOMMU_IOAS_MAP_READABLE |
				 IOMMU_IOAS_MAP_WRITEABLE,
			.ioas_id = r->id[R_IOAS],
			.user_va = (uintptr_t)guest,
			.length = GUEST_LEN,
			.iova = GUEST_IOVA,
		};

		rc = xioctl(r, IOMMU_IOAS_MAP, &cmd);
		if (rc)
			FAIL("IOAS_MAP", rc);
	}

	memset(&tc, 0, sizeof(tc));
	tc.op = IOMMU_TEST_OP_MOCK_DOMAIN;
	tc.id = r->id[R_IOAS];
	rc = test_cmd(r, &tc);
	if (rc)
		FAIL("MOCK_DOMAIN", rc);
	r->id[R_STDEV] = tc.mock_domain.out_stdev_id;
	r->idev = tc.mock_domain.out_idev_id;

	{
		struct iommu_hwpt_alloc cmd = {
			.size = sizeof(cmd),
			.flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
			.dev_id = r->idev,
			.pt_id = r->id[R_IOAS],
		};

		rc = xioctl(r, IOMMU_HWPT_ALLOC, &cmd);
		if (rc)
			FAIL("HWPT_ALLOC parent", rc);
		r->id[R_PARENT] = cmd.out_hwpt_id;
	}
	{
		struct iommu_viommu_alloc cmd = {
			.size = sizeof(cmd),
			.type = IOMMU_VIOMMU_TYPE_SELFTEST,
			.dev_id = r->idev,
			.hwpt_id = r->id[R_PARENT],
			.data_len = sizeof(vdata),
			.data_uptr = (uintptr_t)&vdata,
		};

		rc = xioctl(r, IOMMU_VIOMMU_ALLOC, &cmd);
		if (rc)
			FAIL("VIOMMU_ALLOC", rc);
		r->id[R_VIOMMU] = cmd.out_viommu_id;
	}
	{
		struct iommu_vdevice_alloc cmd = {
			.size = sizeof(cmd),
			.viommu_id = r->id[R_VIOMMU],
			.dev_id = r->idev,
			.virt_id = VIRT_ID,
		};

		rc = xioctl(r, IOMMU_VDEVICE_ALLOC, &cmd);
		if (rc)
			FAIL("VDEVICE_ALLOC", rc);
		r->id[R_VDEV] = cmd.out_vdevice_id;
	}
	{
		struct iommu_hwpt_alloc cmd = {
			.size = sizeof(cmd),
			.dev_id = r->idev,
			.pt_id = r->id[R_VIOMMU],
			.data_type = IOMMU_HWPT_DATA_SELFTEST,
			.data_len = sizeof(ndata),
			.data_uptr = (uintptr_t)&ndata,
		};

		rc = xioctl(r, IOMMU_HWPT_ALLOC, &cmd);
		if (rc)
			FAIL("HWPT_ALLOC nested", rc);
		r->id[R_NESTED] = cmd.out_hwpt_id;
	}
	memset(&tc, 0, sizeof(tc));
	tc.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE;
	tc.id = r->id[R_STDEV];
	tc.mock_domain_replace.pt_id = r->id[R_NESTED];
	rc = test_cmd(r, &tc);
	if (rc)
		FAIL("MOCK_DOMAIN_REPLACE", rc);
	{
		struct iommu_viommu_invalidate_selftest inv = {
			.vdev_id = VIRT_ID,
			.flags = IOMMU_TEST_INVALIDATE_FLAG_ALL,
		};
		struct iommu_hwpt_invalidate cmd = {
			.size = sizeof(cmd),
			.hwpt_id = r->id[R_VIOMMU],
			.data_uptr = (uintptr_t)&inv,
			.data_type = IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
			.entry_len = sizeof(inv),
			.entry_num = 1,
		};

		rc = xioctl(r, IOMMU_HWPT_INVALIDATE, &cmd);
		if (rc)
			FAIL("HWPT_INVALIDATE viommu", rc);
	}
	{
		struct iommu_veventq_alloc cmd = {
			.size = sizeof(cmd),
			.viommu_id = r->id[R_VIOMMU],
			.type = IOMMU_VEVENTQ_TYPE_SELFTEST,
			.veventq_depth = 2,
		};

		rc = xioctl(r, IOMMU_VEVENTQ_ALLOC, &cmd);
		if (rc)
			FAIL("VEVENTQ_ALLOC", rc);
		r->id[R_VEVENTQ] = cmd.out_veventq_id;
		r->veventq_fd = cmd.out_veventq_fd;
	}
	for (int i = 0; i < 2; i++) {
		struct iommu_hw_queue_alloc cmd = {
			.size = sizeof(cmd),
			.viommu_id = r->id[R_VIOMMU],
			.type = IOMMU_HW_QUEUE_TYPE_SELFTEST,
			.index = i,
			.nesting_parent_iova = GUEST_IOVA + i * PG,
			.length = PG,
		};

		rc = xioctl(r, IOMMU_HW_QUEUE_ALLOC, &cmd);
		if (rc)
			FAIL("HW_QUEUE_ALLOC", rc);
		r->id[i ? R_Q1 : R_Q0] = cmd.out_hw_queue_id;
	}
	r->map = iommufd_sim_mmap(r->p, NULL, vdata.out_mmap_length,
				  PROT_READ | PROT_WRITE, MAP_SHARED, r->fd,
				  vdata.out_mmap_offset);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		FAIL("mmap", -errno);
	}
	r->map_len = vdata.out_mmap_length;
	if (*(uint32_t *)r->map != 0x42)
		issue(r, "mmap contents", -EIO);

	memset(&tc, 0, sizeof(tc));
	tc.op = IOMMU_TEST_OP_TRIGGER_VEVENT;
	tc.trigger_vevent.dev_id = r->idev;
	rc = test_cmd(r, &tc);
	if (rc)
		FAIL("TRIGGER_VEVENT", rc);
	{
		struct selftest_vevent ev;
		ssize_t n = iommufd_sim_read(r->p, r->veventq_fd, &ev,
					     sizeof(ev));

		if (n != sizeof(ev) || ev.data.virt_id != VIRT_ID)
			issue(r, "vEVENTQ read", n < 0 ? -errno : -EIO);
	}
	/* One more left queued for the teardown. */
	test_cmd(r, &tc);
	{
		struct iommu_ioas_unmap cmd = {
			.size = sizeof(cmd),
			.ioas_id = r->id[R_IOAS],
			.iova = GUEST_IOVA,
			.length = GUEST_LEN,
		};

		rc = xioctl(r, IOMMU_IOAS_UNMAP, &cmd);
		if (rc != -EBUSY)
			issue(r, "IOAS_UNMAP of queue memory", rc ? rc : -EIO);
	}
}

/* Destroy everything in the careful order, whatever is left. */
static int destroyer_fn(void *data)
{
	struct race *r = data;
	int i;

	for (i = 0; i < R_NR; i++) {
		struct iommu_destroy cmd = { .size = sizeof(cmd) };
		int rc;

		if (!r->id[i])
			continue;
		cmd.id = r->id[i];
		rc = xioctl(r, IOMMU_DESTROY, &cmd);
		/*
		 * The closer may have closed the fd (EBADF), the context's
		 * release may hold what we name (ENOENT), and the vEVENTQ's
		 * fd or the mapping may still hold things (EBUSY).
		 */
		if (rc && rc != -EBADF && rc != -ENOENT && rc != -EBUSY)
			issue(r, "DESTROY", rc);
	}
	return 0;
}

/* Close the vEVENTQ fd, unmap, close the iommufd. */
static void closer(struct race *r)
{
	if (r->veventq_fd >= 0)
		iommufd_sim_close(r->p, r->veventq_fd);
	if (r->map)
		iommufd_sim_munmap(r->p, r->map, r->map_len);
	if (r->fd >= 0)
		iommufd_sim_close(r->p, r->fd);
}

static void race_init(struct race *r, bool tolerant)
{
	struct iommufd_sim_opts opts = { .in_current_world = true };

	memset(r, 0, sizeof(*r));
	r->tolerant = tolerant;
	r->fd = -1;
	r->veventq_fd = -1;
	/*
	 * Starting the program is not what is tested: no fault point may
	 * fire while its process is created (as the kernel's fail-nth
	 * selftest arms its task only around the calls under test).
	 */
	kshim_fault_set_filter("<no fault point has this name>");
	r->sim = iommufd_sim_create(&opts);
	r->p = iommufd_sim_proc_create(r->sim, NULL);
	kshim_fault_set_filter(NULL);
}

/*
 * One destroys, one closes, at the same time.  @arg non-NULL: faults are
 * injected (failures expected).
 */
static int prog_destroy_vs_close(void *arg)
{
	struct task_struct *t;
	struct race r;

	race_init(&r, arg);
	guest_setup(&r);
	t = kshim_thread_run(destroyer_fn, &r, "destroyer");
	closer(&r);
	kshim_thread_join(t);
	/* The process exits: whatever is left goes with it. */
	iommufd_sim_destroy(r.sim, NULL);
	return 0;
}

/* Build the guest with faults injected; tear down what was built. */
static int prog_guest_paths(void *arg)
{
	struct race r;

	race_init(&r, true);
	guest_setup(&r);
	destroyer_fn(&r);
	closer(&r);
	iommufd_sim_destroy(r.sim, NULL);
	return 0;
}

/* A clean, uncontrolled run builds everything (the programs are sane). */
START_TEST(test_newest_prog_sane)
{
	struct kshim_sched_config cfg = { .kind = KSHIM_SCHED_RR };
	struct kshim_run_result res;
	int rc;

	rc = kshim_run_controlled(prog_destroy_vs_close, NULL, &cfg, true,
				  &res);
	ck_assert_msg(rc == 0, "%s:\n%s", kshim_run_status_name(res.status),
		      res.report ? res.report : "");
	ck_assert_uint_ge(res.ntasks, 2);
	fprintf(stderr,
		"newest: clean run: %lu steps, %u tasks, %lu fault points\n",
		res.steps, res.ntasks, res.fault_points);
	kshim_run_result_free(&res);
}
END_TEST

START_TEST(test_newest_destroy_vs_close_explored)
{
	const enum kshim_sched_kind kinds[] = {
		KSHIM_SCHED_PCT, KSHIM_SCHED_RANDOM,
	};
	unsigned int k;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct kshim_explore_config cfg = {
			.sched = { .kind = kinds[k], .seed = 909 },
			.runs = 100,
			.fork = true,
			.stop_on_failure = true,
		};
		struct kshim_explore_result res;

		kshim_explore(prog_destroy_vs_close, NULL, &cfg, &res);
		ck_assert_msg(res.failures == 0, "%s: run %lu %s:\n%s",
			      kshim_sched_kind_name(kinds[k]),
			      res.first_failure_run,
			      kshim_run_status_name(res.failure.status),
			      res.failure.report ? res.failure.report : "");
		ck_assert_uint_eq(res.runs, 100);
		kshim_explore_result_free(&res);
	}
}
END_TEST

START_TEST(test_newest_fail_sweep)
{
	struct kshim_sched_config cfg = { .kind = KSHIM_SCHED_RR, .seed = 1 };
	struct kshim_sweep_result res;

	kshim_fail_sweep(prog_guest_paths, NULL, &cfg, true, 0, &res);
	ck_assert_msg(res.failures == 0, "failing nth %lu at %s (%s):\n%s",
		      res.first_failing_nth,
		      res.first_failing_site ? res.first_failing_site : "?",
		      kshim_run_status_name(res.failure.status),
		      res.failure.report ? res.failure.report : "");
	ck_assert_uint_gt(res.fault_points, 60);
	fprintf(stderr, "newest fail sweep: %lu fault points, %lu runs\n",
		res.fault_points, res.runs);
	kshim_sweep_result_free(&res);
}
END_TEST

/* The same with the two teardown threads (every fallible step fails). */
START_TEST(test_newest_fail_sweep_race)
{
	struct kshim_sched_config cfg = { .kind = KSHIM_SCHED_RR, .seed = 2 };
	struct kshim_sweep_result res;

	kshim_fail_sweep(prog_destroy_vs_close, (void *)1, &cfg, true, 0,
			 &res);
	ck_assert_msg(res.failures == 0, "failing nth %lu at %s (%s):\n%s",
		      res.first_failing_nth,
		      res.first_failing_site ? res.first_failing_site : "?",
		      kshim_run_status_name(res.failure.status),
		      res.failure.report ? res.failure.report : "");
	ck_assert_uint_gt(res.fault_points, 60);
	kshim_sweep_result_free(&res);
}
END_TEST

Suite *newest_sched_suite(void)
{
	Suite *s = suite_create("newest_sched");
	TCase *tc = tcase_create("controlled");

	tcase_add_test(tc, test_newest_prog_sane);
	tcase_add_test(tc, test_newest_destroy_vs_close_explored);
	tcase_add_test(tc, test_newest_fail_sweep);
	tcase_add_test(tc, test_newest_fail_sweep_race);
	tcase_set_timeout(tc, 1800);
	suite_add_tcase(s, tc);
	return s;
}
