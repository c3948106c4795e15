// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel access pins at the iopt level: the xarray tier, exact
 * interval matching, pin counts, unmap notification and its retry bound,
 * internal accesses (num_locks) and CPU rw.
 */
#include <string.h>
#include <kshim/exec.h>
#include <kshim/fault.h>
#include "iopt_test.h"

static void fill_umem(struct kshim_umem *um, unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		memset(page_address(kshim_umem_frame(um, i)), (int)(i + 1),
		       PAGE_SIZE);
}

static unsigned long xa_count(struct iopt_pages *pages)
{
	unsigned long index, n = 0;
	void *entry;

	xa_for_each(&pages->pinned_pfns, index, entry)
		n++;
	return n;
}

static struct iopt_area *area_at(struct io_pagetable *iopt, unsigned long iova)
{
	struct iopt_area *area;

	down_read(&iopt->iova_rwsem);
	area = iopt_area_iter_first(iopt, iova, iova);
	up_read(&iopt->iova_rwsem);
	return area;
}

START_TEST(test_access_pin_counts)
{
	unsigned long iova = T_IOVA;
	struct page *pages[8], *again[8];
	struct t_access ta, tb;
	struct iopt_area *area;
	struct kshim_umem *um;
	struct t_env env;
	int i;

	t_env_init(&env, 0, 0);
	um = t_umem(&env, 8, KSHIM_PHYS_SCATTERED);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       8 * PAGE_SIZE, true), 0);
	area = area_at(env.iopt, iova);
	t_access_init(&ta, &env, env.iopt, false);
	t_access_init(&tb, &env, env.iopt, false);
	ck_assert_uint_eq(env.iopt->iova_alignment, PAGE_SIZE);

	/* No domain: the access pins, and stores the PFNs in the xarray. */
	ck_assert_int_eq(t_access_pin(&ta, iova + PAGE_SIZE, 4 * PAGE_SIZE,
				      pages, IOMMUFD_ACCESS_RW_WRITE), 0);
	for (i = 0; i < 4; i++) {
		ck_assert_ptr_eq(pages[i], kshim_umem_frame(um, i + 1));
		ck_assert_uint_eq(t_pins(pages[i]), 1);
	}
	ck_assert_uint_eq(xa_count(area->pages), 4);
	ck_assert_int_eq(t_user_locked(&env), 4);
	ck_assert_uint_eq(area->num_accesses, 1);

	/* The same interval again: one more user, no new pin. */
	ck_assert_int_eq(t_access_pin(&tb, iova + PAGE_SIZE, 4 * PAGE_SIZE,
				      again, 0), 0);
	ck_assert_mem_eq(pages, again, 4 * sizeof(pages[0]));
	ck_assert_uint_eq(t_pins(pages[0]), 1);
	ck_assert_uint_eq(area->num_accesses, 2);

	/* Overlapping interval: a node of its own, still one pin each. */
	ck_assert_int_eq(t_access_pin(&tb, iova + 3 * PAGE_SIZE, 4 * PAGE_SIZE,
				      again, 0), 0);
	ck_assert_uint_eq(t_umem_pins(um, 3), 1);
	ck_assert_uint_eq(t_umem_pins(um, 6), 1);
	ck_assert_uint_eq(xa_count(area->pages), 6);
	ck_assert_int_eq(t_user_locked(&env), 6);
	t_check(env.iopt);

	/* A domain added now reads the xarray and pins only the rest. */
	t_add_domain(&env, 0);
	for (i = 0; i < 8; i++)
		ck_assert_uint_eq(t_umem_pins(um, i), 1);
	ck_assert_int_eq(t_user_locked(&env), 8);
	t_check(env.iopt);

	t_access_unpin_all(&tb);
	ck_assert_uint_eq(xa_count(area->pages), 4);
	t_remove_domain(&env, env.domains[0]);
	ck_assert_int_eq(t_user_locked(&env), 4);
	ck_assert_uint_eq(t_umem_pins(um, 0), 0);
	ck_assert_uint_eq(t_umem_pins(um, 1), 1);
	t_access_unpin_all(&ta);
	ck_assert_int_eq(t_user_locked(&env), 0);
	ck_assert_uint_eq(xa_count(area->pages), 0);
	t_check(env.iopt);

	/* Alignment and gaps */
	ck_assert_int_eq(t_access_pin(&ta, iova + 1024, PAGE_SIZE, pages, 0),
			 -EINVAL);
	ck_assert_int_eq(t_access_pin(&ta, iova + 7 * PAGE_SIZE,
				      2 * PAGE_SIZE, pages, 0), -ENOENT);
	t_access_fini(&ta);
	t_access_fini(&tb);
	ck_assert_uint_eq(env.iopt->iova_alignment, 1);
	t_env_fini(&env);
}
END_TEST

/* A pin over a domain-held range copies the PFNs without a second pin. */
START_TEST(test_access_over_domain)
{
	unsigned long iova = T_IOVA;
	struct page *pages[4];
	struct t_access ta;
	struct kshim_umem *um;
	struct t_env env;
	int i;

	t_env_init(&env, 0, 0);
	t_add_domain(&env, 0);
	t_add_domain(&env, 0);
	um = t_umem(&env, 4, KSHIM_PHYS_SCATTERED);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       4 * PAGE_SIZE, true), 0);
	t_access_init(&ta, &env, env.iopt, false);
	ck_assert_int_eq(t_access_pin(&ta, iova, 4 * PAGE_SIZE, pages, 0), 0);
	for (i = 0; i < 4; i++) {
		ck_assert_ptr_eq(pages[i], kshim_umem_frame(um, i));
		ck_assert_uint_eq(t_pins(pages[i]), 1);
	}
	t_check(env.iopt);
	t_access_unpin_all(&ta);
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(t_pins(pages[i]), 1);
	t_check(env.iopt);
	t_access_fini(&ta);
	t_env_fini(&env);
}
END_TEST

/* External pins never make unmap fail: the owner is told and unpins. */
START_TEST(test_access_notify_unmap)
{
	unsigned long iova = T_IOVA, unmapped;
	struct page *pages[2];
	struct t_access ta;
	struct kshim_umem *um;
	struct t_env env;

	t_env_init(&env, 0, 0);
	t_add_domain(&env, 0);
	um = t_umem(&env, 4, KSHIM_PHYS_SCATTERED);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       4 * PAGE_SIZE, true), 0);
	t_access_init(&ta, &env, env.iopt, false);
	ck_assert_int_eq(t_access_pin(&ta, iova + PAGE_SIZE, 2 * PAGE_SIZE,
				      pages, 0), 0);
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, iova, 4 * PAGE_SIZE,
					 &unmapped), 0);
	ck_assert_uint_eq(unmapped, 4 * PAGE_SIZE);
	ck_assert_uint_eq(ta.unmap_calls, 1);
	ck_assert_uint_eq(ta.npins, 0);
	ck_assert_uint_eq(t_umem_pins(um, 1), 0);
	ck_assert_int_eq(t_user_locked(&env), 0);
	/* The access's short-term references were all given back. */
	ck_assert_uint_eq(refcount_read(&ta.access.obj.users), 1);
	ck_assert_uint_eq(refcount_read(&ta.access.obj.wait_cnt), 1);
	t_access_fini(&ta);
	t_env_fini(&env);
}
END_TEST

/* A driver that never unpins: 100 retries, then WARN and EDEADLOCK. */
START_TEST(test_access_unmap_deadlock)
{
	unsigned long iova = T_IOVA, unmapped;
	struct page *pages[1];
	struct t_access ta;
	struct kshim_umem *um;
	struct t_env env;

	t_env_init(&env, 0, 0);
	um = t_umem(&env, 2, KSHIM_PHYS_SCATTERED);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       2 * PAGE_SIZE, true), 0);
	t_access_init(&ta, &env, env.iopt, false);
	ck_assert_int_eq(t_access_pin(&ta, iova, PAGE_SIZE, pages, 0), 0);
	ta.ignore_unmap = true;
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, iova, 2 * PAGE_SIZE,
					 &unmapped), -EDEADLOCK);
	ck_assert_uint_eq(unmapped, 0);
	ck_assert_uint_eq(ta.unmap_calls, 101);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);

	/* prevent_access stays: new pins and rw are refused. */
	ck_assert_int_eq(t_access_pin(&ta, iova + PAGE_SIZE, PAGE_SIZE, pages,
				      0), -EINVAL);
	ck_assert_int_eq(t_rw(env.iopt, iova, pages, 8, 0), -EINVAL);
	ta.ignore_unmap = false;
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, iova, 2 * PAGE_SIZE,
					 &unmapped), 0);
	ck_assert_uint_eq(unmapped, 2 * PAGE_SIZE);
	t_access_fini(&ta);
	t_env_fini(&env);
}
END_TEST

/*
 * Internal pins lock their area: unmapping it is EBUSY (before the
 * partial-cover check), other areas of the same IOAS unmap normally, and
 * the notify walk skips the internal access without touching its refs.
 */
START_TEST(test_access_internal_locks_area)
{
	unsigned long iova = T_IOVA, iova2 = T_IOVA + 4 * PAGE_SIZE;
	unsigned long iova3 = T_IOVA + 8 * PAGE_SIZE, unmapped;
	struct t_access hwq, mdev;
	struct page *pages[2];
	struct iopt_area *area;
	struct kshim_umem *um;
	struct t_env env;

	t_env_init(&env, 0, 0);
	t_add_domain(&env, 0);
	um = t_umem(&env, 12, KSHIM_PHYS_SCATTERED);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       4 * PAGE_SIZE, true), 0);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova2,
			       t_uptr(um, 4 * PAGE_SIZE), 4 * PAGE_SIZE, true),
			 0);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova3,
			       t_uptr(um, 8 * PAGE_SIZE), 4 * PAGE_SIZE, true),
			 0);
	t_access_init(&hwq, &env, env.iopt, true);
	t_access_init(&mdev, &env, env.iopt, false);
	ck_assert_int_eq(t_access_pin(&hwq, iova, 2 * PAGE_SIZE, pages, 0), 0);
	area = area_at(env.iopt, iova);
	ck_assert_uint_eq(area->num_locks, 1);
	ck_assert_uint_eq(area->num_accesses, 1);

	/* Locked area: EBUSY, even for a range that would be ENOENT. */
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, iova, 4 * PAGE_SIZE,
					 &unmapped), -EBUSY);
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, iova + PAGE_SIZE,
					 PAGE_SIZE, &unmapped), -EBUSY);

	/* An external pin elsewhere: notified and unmapped, no EBUSY. */
	ck_assert_int_eq(t_access_pin(&mdev, iova2, PAGE_SIZE, pages, 0), 0);
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, iova2, 4 * PAGE_SIZE,
					 &unmapped), 0);
	ck_assert_uint_eq(mdev.unmap_calls, 1);
	ck_assert_uint_eq(unmapped, 4 * PAGE_SIZE);
	/* The internal access was skipped without a reference leak. */
	ck_assert_uint_eq(refcount_read(&hwq.access.obj.users), 1);
	ck_assert_uint_eq(refcount_read(&hwq.access.obj.wait_cnt), 1);
	ck_assert_uint_eq(hwq.unmap_calls, 0);

	/* A plain area of the same IOAS unmaps while the lock is held. */
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, iova3, 4 * PAGE_SIZE,
					 &unmapped), 0);

	/* Once the owner is gone, the original unmap succeeds. */
	t_access_unpin_all(&hwq);
	ck_assert_uint_eq(area->num_locks, 0);
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, iova, 4 * PAGE_SIZE,
					 &unmapped), 0);
	ck_assert_uint_eq(unmapped, 4 * PAGE_SIZE);
	t_access_fini(&hwq);
	t_access_fini(&mdev);
	t_env_fini(&env);
}
END_TEST

/* Write pins of read-only pages, and unbalanced removes. */
START_TEST(test_access_errors)
{
	unsigned long iova = T_IOVA;
	struct page *pages[1];
	struct t_access ta;
	struct iopt_area *area;
	struct kshim_umem *um;
	struct t_env env;

	t_env_init(&env, 0, 0);
	um = t_umem(&env, 1, KSHIM_PHYS_SCATTERED);
	ck_assert_int_eq(iopt_map_user_pages(&env.ictx, env.iopt, &iova,
					     t_uptr(um, 0), PAGE_SIZE,
					     IOMMU_READ, 0), 0);
	t_access_init(&ta, &env, env.iopt, false);
	ck_assert_int_eq(t_access_pin(&ta, iova, PAGE_SIZE, pages,
				      IOMMUFD_ACCESS_RW_WRITE), -EPERM);
	area = area_at(env.iopt, iova);
	down_read(&env.iopt->iova_rwsem);
	iopt_area_remove_access(area, 0, 0, false);
	up_read(&env.iopt->iova_rwsem);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	t_access_fini(&ta);
	t_env_fini(&env);
}
END_TEST

START_TEST(test_access_rw)
{
	struct kshim_process_opts opts = { .name = "other", .uid = 2000 };
	unsigned long iova = T_IOVA;
	struct kshim_process *other;
	struct kshim_umem *um;
	char buf[3 * 4096], want[3 * 4096];
	struct t_env env;
	unsigned int flags[] = { 0, __IOMMUFD_ACCESS_RW_SLOW_PATH };
	int i;

	t_env_init(&env, 0, 0);
	um = t_umem(&env, 4, KSHIM_PHYS_SCATTERED);
	fill_umem(um, 4);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       4 * PAGE_SIZE, true), 0);
	memset(want, 1, PAGE_SIZE - 100);
	memset(want + PAGE_SIZE - 100, 2, PAGE_SIZE);
	memset(want + 2 * PAGE_SIZE - 100, 3, 100);

	for (i = 0; i < 2; i++) {
		memset(buf, 0, sizeof(buf));
		ck_assert_int_eq(t_rw(env.iopt, iova + 100, buf,
				      2 * PAGE_SIZE, flags[i]), 0);
		ck_assert_mem_eq(buf, want, 2 * PAGE_SIZE);
	}
	ck_assert_int_eq(t_user_locked(&env), 0);
	ck_assert_uint_eq(t_umem_pins(um, 1), 0);

	/* From another process: a single page and the slow path. */
	other = kshim_process_create(&opts);
	kshim_process_enter(other);
	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(t_rw(env.iopt, iova + 100, buf, 200, 0), 0);
	ck_assert_mem_eq(buf, want, 200);
	ck_assert_int_eq(t_rw(env.iopt, iova + 100, buf, 2 * PAGE_SIZE, 0), 0);
	ck_assert_mem_eq(buf, want, 2 * PAGE_SIZE);
	memset(buf, 0x5a, PAGE_SIZE);
	ck_assert_int_eq(t_rw(env.iopt, iova + 3 * PAGE_SIZE, buf, PAGE_SIZE,
			      IOMMUFD_ACCESS_RW_WRITE), 0);
	kshim_process_leave();
	ck_assert_uint_eq(((unsigned char *)page_address(
				   kshim_umem_frame(um, 3)))[17], 0x5a);
	ck_assert_uint_eq(t_umem_pins(um, 3), 0);
	kshim_process_destroy(other);

	/* Beyond the mapping: ENOENT */
	ck_assert_int_eq(t_rw(env.iopt, iova + 3 * PAGE_SIZE, buf,
			      2 * PAGE_SIZE, 0), -ENOENT);
	t_env_fini(&env);
}
END_TEST

/* Every fault point of an access pin fails in turn, leaving no trace. */
START_TEST(test_access_fail_nth)
{
	unsigned long iova = T_IOVA, nth;
	struct page *pages[16];
	struct t_access ta;
	struct kshim_umem *um;
	struct t_env env;
	bool done = false;
	int rc, i;

	t_env_init(&env, 0, 0);
	iommufd_test_memory_limit = 2 * PAGE_SIZE;
	um = t_umem(&env, 16, KSHIM_PHYS_SCATTERED);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       16 * PAGE_SIZE, true), 0);
	t_add_domain(&env, 0);
	t_access_init(&ta, &env, env.iopt, false);
	/* Pages 4..7 are held by the domain and by another pin. */
	ck_assert_int_eq(t_access_pin(&ta, iova + 4 * PAGE_SIZE,
				      4 * PAGE_SIZE, pages, 0), 0);
	t_remove_domain(&env, env.domains[0]);
	for (nth = 1; !done && nth < 5000; nth++) {
		kshim_fail_nth_set(nth);
		rc = t_access_pin(&ta, iova, 16 * PAGE_SIZE, pages, 0);
		done = kshim_fail_nth_get() != 0;
		kshim_fail_nth_set(0);
		if (rc) {
			for (i = 0; i < 16; i++)
				ck_assert_uint_eq(t_umem_pins(um, i),
						  i >= 4 && i < 8);
			ck_assert_int_eq(t_user_locked(&env), 4);
			t_check(env.iopt);
		} else {
			t_check(env.iopt);
			t_access_unpin_last(&ta);
		}
	}
	ck_assert(done);
	iommufd_test_memory_limit = 65536;
	t_access_fini(&ta);
	t_env_fini(&env);
}
END_TEST

/*
 * Concurrency under the lock checker: one thread maps and unmaps, one adds
 * and removes a second domain, one pins and unpins through an external
 * access whose unmap callback unpins (so unmap's notify path runs with no
 * iopt lock held).  Lockdep reports any inversion; the teardown audit
 * requires none.  Afterwards the invariants hold and nothing is pinned.
 */
struct t_race {
	struct t_env *env;
	struct kshim_umem *um;
	struct t_access *ta;
	unsigned int rounds;
};

static int t_race_mapper(void *data)
{
	struct t_race *r = data;
	unsigned int i;
	int rc;

	kshim_process_enter(r->env->proc);
	for (i = 0; i < r->rounds; i++) {
		unsigned long iova = T_IOVA + (i % 4) * 16 * PAGE_SIZE;

		rc = t_map(r->env, r->env->iopt, &iova, t_uptr(r->um, 0),
			   16 * PAGE_SIZE, true);
		if (rc && rc != -EEXIST)
			return rc;
		rc = iopt_unmap_iova(r->env->iopt, iova, 16 * PAGE_SIZE, NULL);
		/* The pinner may own a freshly mapped area only briefly. */
		if (rc && rc != -EBUSY)
			return rc;
	}
	kshim_process_leave();
	return 0;
}

static int t_race_domains(void *data)
{
	struct t_race *r = data;
	unsigned int i;
	int rc;

	kshim_process_enter(r->env->proc);
	for (i = 0; i < r->rounds / 4; i++) {
		struct iommu_domain *d = t_domain_alloc(r->env, 0);

		rc = iopt_table_add_domain(r->env->iopt, d);
		if (!rc)
			iopt_table_remove_domain(r->env->iopt, d);
		iommu_domain_free(d);
		if (rc)
			return rc;
	}
	kshim_process_leave();
	return 0;
}

START_TEST(test_access_race)
{
	struct task_struct *t1, *t2;
	struct t_race r = { .rounds = 200 };
	struct page *pages[4];
	struct t_access ta;
	struct t_env env;
	unsigned int i;
	int rc;

	t_env_init(&env, 0, 0);
	t_add_domain(&env, 0);
	r.env = &env;
	r.um = t_umem(&env, 16, KSHIM_PHYS_CONTIGUOUS);
	t_access_init(&ta, &env, env.iopt, false);
	r.ta = &ta;
	t1 = kshim_thread_run(t_race_mapper, &r, "mapper");
	t2 = kshim_thread_run(t_race_domains, &r, "domains");
	for (i = 0; i < r.rounds; i++) {
		unsigned long iova = T_IOVA + (i % 4) * 16 * PAGE_SIZE +
				     PAGE_SIZE;

		rc = t_access_pin(&ta, iova, 4 * PAGE_SIZE, pages, 0);
		ck_assert_msg(!rc || rc == -ENOENT || rc == -EINVAL,
			      "pin: %d", rc);
		if (!rc)
			t_access_unpin_last(&ta);
	}
	ck_assert_int_eq(kshim_thread_join(t1), 0);
	ck_assert_int_eq(kshim_thread_join(t2), 0);
	t_check(env.iopt);
	t_access_fini(&ta);
	ck_assert_int_eq(iopt_unmap_all(env.iopt, NULL), 0);
	for (i = 0; i < 16; i++)
		ck_assert_uint_eq(t_umem_pins(r.um, i), 0);
	t_env_fini(&env);
}
END_TEST

Suite *iopt_access_suite(void)
{
	Suite *s = suite_create("iopt_access");
	TCase *tc;

	tc = iopt_tcase("access");
	tcase_add_test(tc, test_access_pin_counts);
	tcase_add_test(tc, test_access_over_domain);
	tcase_add_test(tc, test_access_notify_unmap);
	tcase_add_test(tc, test_access_unmap_deadlock);
	tcase_add_test(tc, test_access_internal_locks_area);
	tcase_add_test(tc, test_access_errors);
	tcase_add_test(tc, test_access_rw);
	tcase_add_test(tc, test_access_fail_nth);
	tcase_add_test(tc, test_access_race);
	suite_add_tcase(s, tc);
	return s;
}
