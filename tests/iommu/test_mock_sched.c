// SPDX-License-Identifier: GPL-2.0
/*
 * The IOMMU core and the mock under controlled execution: page faults
 * answered by another thread and detach racing a faulting DMA, explored
 * under many schedules (deadlock, lock order and leak checkers armed), and
 * a fail-nth sweep over the attach, map, DMA and PASID paths.
 *
 * The programs run as simulated threads in worlds of their own; they
 * report a wrong result with a WARN, which fails the run's audit.
 */
#include <string.h>
#include <linux/sizes.h>
#include <kshim/exec.h>
#include <kshim/sched.h>
#include "iommu_test.h"
#include "iommu_suites.h"
#include <uapi/iommufd_test.h>

#define BASE	(MOCK_APERTURE_START + SZ_1M)

struct t_world {
	struct mock_dev *mdev;
	struct iommu_group *group;
	struct iommu_domain *domain;
	struct iommu_attach_handle handle;
};

/* Driver, device, fault-capable domain attached with a handle. */
static int t_world_up(struct t_world *w, u32 flags)
{
	int rc;

	memset(w, 0, sizeof(*w));
	t_inbox_init();
	rc = mock_iommu_init();
	if (rc)
		goto err_inbox;
	w->mdev = mock_dev_create(flags);
	if (IS_ERR(w->mdev)) {
		rc = PTR_ERR(w->mdev);
		goto err_exit;
	}
	w->group = iommu_group_get(mock_dev_device(w->mdev));
	rc = iommu_group_claim_dma_owner(w->group, &t_owner);
	if (rc)
		goto err_dev;
	w->domain = iommu_paging_domain_alloc(mock_dev_device(w->mdev));
	if (IS_ERR(w->domain)) {
		rc = PTR_ERR(w->domain);
		goto err_release;
	}
	w->domain->iopf_handler = t_iopf_handler;
	rc = iommu_attach_group_handle(w->domain, w->group, &w->handle);
	if (rc)
		goto err_free;
	return 0;

err_free:
	iommu_domain_free(w->domain);
err_release:
	iommu_group_release_dma_owner(w->group);
err_dev:
	iommu_group_put(w->group);
	mock_dev_destroy(w->mdev);
err_exit:
	mock_iommu_exit();
err_inbox:
	t_inbox_fini();
	return rc;
}

/* Answer and free what is left in the inbox, then undo t_world_up(). */
static void t_world_down(struct t_world *w, bool attached)
{
	struct iopf_group *group;
	unsigned int i;

	if (attached)
		iommu_detach_group_handle(w->domain, w->group);
	for (i = 0; (group = t_inbox_group(i)); i++) {
		iopf_group_response(group, IOMMU_PAGE_RESP_INVALID);
		iopf_free_group(group);
	}
	iommu_domain_free(w->domain);
	iommu_group_release_dma_owner(w->group);
	iommu_group_put(w->group);
	mock_dev_destroy(w->mdev);
	mock_iommu_exit();
	t_inbox_fini();
}

struct t_fixer {
	struct iommu_domain *domain;
	struct page *page;
};

/* The second thread: wait for the page request, map the page, answer. */
static int t_fixer_fn(void *data)
{
	struct t_fixer *f = data;
	struct iopf_group *group = t_inbox_wait(0, 10000);
	int rc;

	if (!group)
		return -ETIMEDOUT;
	rc = iommu_map(f->domain, BASE, page_to_phys(f->page), PAGE_SIZE,
		       IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
	iopf_group_response(group, rc ? IOMMU_PAGE_RESP_INVALID :
					IOMMU_PAGE_RESP_SUCCESS);
	return rc;
}

/* A DMA faults; another thread maps the page and answers; DMA completes. */
static int prog_iopf(void *arg)
{
	struct t_fixer f;
	struct t_world w;
	struct task_struct *t;
	unsigned char b = 0;
	int rc, frc;

	if (WARN_ON(t_world_up(&w, 0)))
		return 1;
	f.domain = w.domain;
	f.page = alloc_page(GFP_KERNEL);
	if (WARN_ON(!f.page))
		return 1;
	t_fill_page(f.page, 3);
	t = kshim_thread_run(t_fixer_fn, &f, "fixer");
	rc = mock_dev_dma_read(w.mdev, IOMMU_NO_PASID, BASE + 4, &b, 1);
	frc = kshim_thread_join(t);
	WARN(rc || frc || b != 7, "dma %d fixer %d byte %u\n", rc, frc, b);
	iommu_unmap(w.domain, BASE, PAGE_SIZE);
	t_world_down(&w, true);
	__free_page(f.page);
	return 0;
}

struct t_dma_job {
	struct mock_dev *mdev;
	int rc;
};

static int t_dma_fn(void *data)
{
	struct t_dma_job *job = data;
	char b;

	job->rc = mock_dev_dma_read(job->mdev, IOMMU_NO_PASID, BASE, &b, 1);
	return 0;
}

/*
 * A DMA to an unmapped page races the detach of its fault-capable domain.
 * Whatever the order, it must fail (blocked, or its request answered
 * INVALID by the core when the device leaves the iopf queue) and never
 * hang or touch the freed domain.
 */
static int prog_detach_race(void *arg)
{
	struct t_dma_job job;
	struct task_struct *t;
	struct t_world w;

	if (WARN_ON(t_world_up(&w, 0)))
		return 1;
	job.mdev = w.mdev;
	t = kshim_thread_run(t_dma_fn, &job, "dma");
	iommu_detach_group_handle(w.domain, w.group);
	kshim_thread_join(t);
	WARN(job.rc != -EFAULT, "dma gave %d\n", job.rc);
	t_world_down(&w, false);
	return 0;
}

/*
 * A test that explores the two programs under random and PCT schedules,
 * each run in a child process.  Expect every run to pass: no deadlock, no
 * lock-order report, no leak, no WARN (a wrong DMA result is a WARN).
 */
START_TEST(test_sched_iopf_explored)
{
	int (*const progs[])(void *) = { prog_iopf, prog_detach_race };
	const enum kshim_sched_kind kinds[] = {
		KSHIM_SCHED_RANDOM, KSHIM_SCHED_PCT,
	};
	unsigned int p, k;

	for (p = 0; p < ARRAY_SIZE(progs); p++) {
		for (k = 0; k < ARRAY_SIZE(kinds); k++) {
			struct kshim_explore_config cfg = {
				.sched = { .kind = kinds[k], .seed = 77 },
				.runs = 40,
				.fork = true,
				.stop_on_failure = true,
			};
			struct kshim_explore_result res;

			kshim_explore(progs[p], NULL, &cfg, &res);
			ck_assert_msg(res.failures == 0,
				      "program %u, %s: run %lu %s:\n%s", p,
				      kshim_sched_kind_name(kinds[k]),
				      res.first_failure_run,
				      kshim_run_status_name(res.failure.status),
				      res.failure.report);
			ck_assert_uint_eq(res.runs, 40);
			kshim_explore_result_free(&res);
		}
	}
}
END_TEST

/*
 * Every fallible step of a device's life with the IOMMU core: create,
 * claim, allocate, attach with a handle, map, DMA with a page request,
 * PASID attach and replace, unmap, detach, destroy.  Any step may fail;
 * the program unwinds what it did.
 */
static int prog_paths(void *arg)
{
	struct iommu_attach_handle ph;
	struct iommu_domain *pd;
	struct t_world w;
	struct page *page;
	char b;

	if (t_world_up(&w, MOCK_FLAGS_DEVICE_PASID))
		return 0;
	page = alloc_page(GFP_KERNEL);
	if (!page)
		goto out_down;
	if (iommu_map(w.domain, BASE, page_to_phys(page), PAGE_SIZE,
		      IOMMU_READ, GFP_KERNEL))
		goto out_page;
	mock_dev_set_prq_timeout(w.mdev, 1);
	mock_dev_dma_read(w.mdev, IOMMU_NO_PASID, BASE, &b, 1);
	mock_dev_dma_read(w.mdev, IOMMU_NO_PASID, BASE + PAGE_SIZE, &b, 1);

	pd = iommu_paging_domain_alloc_flags(mock_dev_device(w.mdev),
					     IOMMU_HWPT_ALLOC_PASID);
	if (IS_ERR(pd))
		goto out_unmap;
	if (!iommu_attach_device_pasid(pd, mock_dev_device(w.mdev), 1024,
				       &ph)) {
		iommu_replace_device_pasid(w.domain, mock_dev_device(w.mdev),
					   1024, &ph);
		iommu_detach_device_pasid(pd, mock_dev_device(w.mdev), 1024);
	}
	iommu_domain_free(pd);
out_unmap:
	iommu_unmap(w.domain, BASE, PAGE_SIZE);
out_page:
	__free_page(page);
out_down:
	t_world_down(&w, true);
	return 0;
}

/*
 * A test that fails each fault point of prog_paths() in turn (every
 * allocation, the mock's map fault point, ...).  Expect every run clean:
 * no leak, no WARN, no lock held, whatever failed.
 */
START_TEST(test_sched_fail_sweep)
{
	struct kshim_sched_config cfg = { .kind = KSHIM_SCHED_RR, .seed = 1 };
	struct kshim_sweep_result res;

	kshim_fail_sweep(prog_paths, NULL, &cfg, true, 0, &res);
	ck_assert_msg(res.failures == 0, "failing nth %lu at %s (%s):\n%s",
		      res.first_failing_nth,
		      res.first_failing_site ? res.first_failing_site : "?",
		      kshim_run_status_name(res.failure.status),
		      res.failure.report);
	ck_assert_uint_gt(res.fault_points, 20);
	fprintf(stderr, "mock fail sweep: %lu fault points, %lu runs\n",
		res.fault_points, res.runs);
	kshim_sweep_result_free(&res);
}
END_TEST

Suite *mock_sched_suite(void)
{
	Suite *s = suite_create("mock_sched");
	TCase *tc = ktest_tcase("controlled");

	tcase_add_test(tc, test_sched_iopf_explored);
	tcase_add_test(tc, test_sched_fail_sweep);
	tcase_set_timeout(tc, 600);
	suite_add_tcase(s, tc);
	return s;
}
