// SPDX-License-Identifier: GPL-2.0
/*
 * io_pagetable and pages: map, copy, unmap, split/cut, reserved and
 * allowed IOVA, IOVA allocation, domains, accounting, huge pages, dirty
 * tracking and IOMMU_IOAS_CHANGE_PROCESS, at the iopt_* level.
 */
#include <string.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/iova_bitmap.h>
#include <linux/resource.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include <kshim/fault.h>
#include <kshim/memfd_file.h>
#include <uapi/linux/iommufd.h>
#include "iopt_test.h"

#define MiB (1UL << 20)

/* Every page of [idx, idx + n) of @um has @pins pins. */
static void assert_pins(struct kshim_umem *um, unsigned long idx,
			unsigned long n, unsigned int pins)
{
	unsigned long i;

	for (i = idx; i < idx + n; i++)
		ck_assert_msg(t_umem_pins(um, i) == pins,
			      "page %lu: %u pins, want %u", i,
			      t_umem_pins(um, i), pins);
}

/* @d translates [iova, iova + len) to the frames of @um from @off on. */
static void assert_xlate(struct iommu_domain *d, unsigned long iova,
			 struct kshim_umem *um, unsigned long off,
			 unsigned long len)
{
	unsigned long b;

	for (b = 0; b < len; b += T_IO_PAGE) {
		unsigned long o = off + b;
		phys_addr_t want = page_to_phys(kshim_umem_frame(um, o / PAGE_SIZE)) +
				   o % PAGE_SIZE;

		ck_assert_msg(t_xlate(d, iova + b) == want,
			      "iova %#lx -> %#llx, want %#llx", iova + b,
			      (unsigned long long)t_xlate(d, iova + b),
			      (unsigned long long)want);
	}
}

/* ---- map / unmap -------------------------------------------------------- */

START_TEST(test_map_no_domain_is_lazy)
{
	struct kshim_umem *um;
	unsigned long iova = 0, unmapped;
	struct t_env env;

	t_env_init(&env, 0, 0);
	um = t_umem(&env, 16, KSHIM_PHYS_SCATTERED);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       16 * PAGE_SIZE, false), 0);
	ck_assert_uint_ge(iova, PAGE_SIZE);
	/* No domain, no access: nothing pinned or charged. */
	assert_pins(um, 0, 16, 0);
	ck_assert_int_eq(t_user_locked(&env), 0);
	ck_assert_int_eq(t_mm_pinned(&env), 0);
	t_check(env.iopt);

	ck_assert_int_eq(iopt_unmap_iova(env.iopt, iova, 16 * PAGE_SIZE,
					 &unmapped), 0);
	ck_assert_uint_eq(unmapped, 16 * PAGE_SIZE);
	/* Nothing there: success with 0 bytes (the ioctl makes it ENOENT). */
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, iova, 16 * PAGE_SIZE,
					 &unmapped), 0);
	ck_assert_uint_eq(unmapped, 0);
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, iova, 0, &unmapped),
			 -EINVAL);
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, ULONG_MAX, 2, &unmapped),
			 -EOVERFLOW);
	t_env_fini(&env);
}
END_TEST

START_TEST(test_map_one_domain)
{
	unsigned long iova = T_IOVA, unmapped;
	struct iommu_domain *d;
	struct kshim_umem *um;
	struct t_env env;

	t_env_init(&env, 0, 0);
	d = t_add_domain(&env, 0);
	ck_assert_uint_eq(env.iopt->iova_alignment, T_IO_PAGE);
	um = t_umem(&env, 16, KSHIM_PHYS_SCATTERED);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       16 * PAGE_SIZE, true), 0);
	assert_pins(um, 0, 16, 1);
	ck_assert_int_eq(t_user_locked(&env), 16);
	ck_assert_int_eq(t_mm_pinned(&env), 16);
	assert_xlate(d, iova, um, 0, 16 * PAGE_SIZE);
	ck_assert_uint_eq(t_xlate(d, iova + 16 * PAGE_SIZE), 0);
	t_check(env.iopt);

	ck_assert_int_eq(iopt_unmap_iova(env.iopt, iova, 16 * PAGE_SIZE,
					 &unmapped), 0);
	ck_assert_uint_eq(unmapped, 16 * PAGE_SIZE);
	assert_pins(um, 0, 16, 0);
	ck_assert_int_eq(t_user_locked(&env), 0);
	ck_assert_int_eq(t_mm_pinned(&env), 0);
	ck_assert_uint_eq(t_xlate(d, iova), 0);
	t_env_fini(&env);
}
END_TEST

/* A sub-page start: the first slot is mapped from its page offset. */
START_TEST(test_map_page_offset)
{
	unsigned long iova = 0;
	struct iommu_domain *d;
	struct kshim_umem *um;
	struct t_env env;

	t_env_init(&env, 0, 0);
	d = t_add_domain(&env, 0);
	um = t_umem(&env, 8, KSHIM_PHYS_SCATTERED);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, T_IO_PAGE),
			       3 * PAGE_SIZE, false), 0);
	/* The IOVA keeps the user VA's offset in its page. */
	ck_assert_uint_eq(iova % PAGE_SIZE, T_IO_PAGE);
	assert_xlate(d, iova, um, T_IO_PAGE, 3 * PAGE_SIZE);
	assert_pins(um, 0, 4, 1);
	ck_assert_int_eq(t_user_locked(&env), 4);
	t_check(env.iopt);

	/* An offset finer than the domain's IO page is refused. */
	iova = 0;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 1024),
			       PAGE_SIZE, false), -EINVAL);
	t_env_fini(&env);
}
END_TEST

START_TEST(test_domain_add_remove)
{
	unsigned long iova = T_IOVA;
	struct iommu_domain *d1, *d2;
	struct kshim_umem *um;
	struct t_env env;

	t_env_init(&env, 0, 0);
	um = t_umem(&env, 32, KSHIM_PHYS_CHUNK_2M);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       32 * PAGE_SIZE, true), 0);
	assert_pins(um, 0, 32, 0);

	/* The first domain pins and charges. */
	d1 = t_add_domain(&env, 0);
	assert_pins(um, 0, 32, 1);
	ck_assert_int_eq(t_user_locked(&env), 32);
	assert_xlate(d1, iova, um, 0, 32 * PAGE_SIZE);
	t_check(env.iopt);

	/* The second reads back from the first: no new pin. */
	d2 = t_add_domain(&env, 0);
	assert_pins(um, 0, 32, 1);
	ck_assert_int_eq(t_user_locked(&env), 32);
	assert_xlate(d2, iova, um, 0, 32 * PAGE_SIZE);
	t_check(env.iopt);

	/* Removing the storage domain hands storage over. */
	t_remove_domain(&env, d1);
	assert_pins(um, 0, 32, 1);
	assert_xlate(d2, iova, um, 0, 32 * PAGE_SIZE);
	t_check(env.iopt);

	/* The last domain unpins. */
	t_remove_domain(&env, d2);
	assert_pins(um, 0, 32, 0);
	ck_assert_int_eq(t_user_locked(&env), 0);
	ck_assert_uint_eq(env.iopt->iova_alignment, 1);
	t_check(env.iopt);
	t_env_fini(&env);
}
END_TEST

/* An area outside the aperture keeps a domain out; so does a duplicate. */
START_TEST(test_domain_add_errors)
{
	unsigned long iova = PAGE_SIZE;
	struct iommu_domain *d;
	struct kshim_umem *um;
	struct t_env env;

	t_env_init(&env, 0, 0);
	um = t_umem(&env, 1, KSHIM_PHYS_CONTIGUOUS);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       PAGE_SIZE, true), 0);
	d = t_domain_alloc(&env, 0);
	ck_assert_int_eq(iopt_table_add_domain(env.iopt, d), -EADDRINUSE);
	ck_assert_ptr_null(interval_tree_iter_first(&env.iopt->reserved_itree,
						    0, ULONG_MAX));
	ck_assert_int_eq(iopt_unmap_all(env.iopt, NULL), 0);

	/* A misaligned area blocks the alignment raise. */
	iova = T_IOVA + 1024;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 1024), 1024,
			       true), 0);
	ck_assert_int_eq(iopt_table_add_domain(env.iopt, d), -EADDRINUSE);
	ck_assert_int_eq(iopt_unmap_all(env.iopt, NULL), 0);

	ck_assert_int_eq(iopt_table_add_domain(env.iopt, d), 0);
	env.domains[env.ndomains++] = d;
	/* Adding it twice is a bug: WARN and EEXIST. */
	ck_assert_int_eq(iopt_table_add_domain(env.iopt, d), -EEXIST);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	t_env_fini(&env);
}
END_TEST

/* ---- copy ---------------------------------------------------------------- */

START_TEST(test_copy_shares_pages)
{
	unsigned long iova = T_IOVA, dst_iova = 0, copy_iova;
	struct iommufd_ioas *ioas2;
	struct iommu_domain *d, *d2;
	struct kshim_umem *um;
	struct t_env env;

	t_env_init(&env, 0, 0);
	d = t_add_domain(&env, 0);
	um = t_umem(&env, 8, KSHIM_PHYS_SCATTERED);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       8 * PAGE_SIZE, true), 0);
	assert_xlate(d, iova, um, 0, 8 * PAGE_SIZE);
	ioas2 = t_ioas_alloc();
	d2 = t_domain_alloc(&env, 0);
	ck_assert_int_eq(iopt_table_add_domain(&ioas2->iopt, d2), 0);

	/* A sub-range of the source: same frames, no second pin or charge. */
	ck_assert_int_eq(t_copy(&ioas2->iopt, &dst_iova, env.iopt,
				iova + 2 * PAGE_SIZE, 4 * PAGE_SIZE,
				IOMMU_READ | IOMMU_CACHE, false),
			 0);
	assert_pins(um, 0, 8, 1);
	ck_assert_int_eq(t_user_locked(&env), 8);
	assert_xlate(d2, dst_iova, um, 2 * PAGE_SIZE, 4 * PAGE_SIZE);
	t_check(&ioas2->iopt);
	copy_iova = dst_iova;

	/* The source goes: the copy's domain keeps its part pinned. */
	ck_assert_int_eq(iopt_unmap_all(env.iopt, NULL), 0);
	assert_pins(um, 0, 2, 0);
	assert_pins(um, 2, 4, 1);
	assert_pins(um, 6, 2, 0);
	ck_assert_int_eq(t_user_locked(&env), 4);
	t_check(&ioas2->iopt);

	/*
	 * A copy may be writeable whenever the memory was pinned writeable
	 * (the source area's own prot does not matter)...
	 */
	iova = 0;
	ck_assert_int_eq(t_copy(env.iopt, &iova, &ioas2->iopt, copy_iova,
				PAGE_SIZE, IOMMU_WRITE | IOMMU_CACHE, false),
			 0);
	/* ...but not over read-only memory: EPERM.  A gap is ENOENT. */
	dst_iova = T_IOVA + 32 * PAGE_SIZE;
	ck_assert_int_eq(iopt_map_user_pages(&env.ictx, &ioas2->iopt,
					     &dst_iova, t_uptr(um, 0),
					     PAGE_SIZE, IOMMU_READ, 0), 0);
	ck_assert_int_eq(t_copy(env.iopt, &iova, &ioas2->iopt, dst_iova,
				PAGE_SIZE, IOMMU_WRITE | IOMMU_CACHE, false),
			 -EPERM);

	ck_assert_int_eq(t_copy(env.iopt, &iova, &ioas2->iopt,
				copy_iova + 3 * PAGE_SIZE, 2 * PAGE_SIZE,
				IOMMU_READ, false),
			 -ENOENT);

	iopt_table_remove_domain(&ioas2->iopt, d2);
	iommu_domain_free(d2);
	t_ioas_free(ioas2);
	/* The writeable copy in the first IOAS still holds page 2. */
	assert_pins(um, 2, 1, 1);
	ck_assert_int_eq(t_user_locked(&env), 1);
	t_check(env.iopt);
	ck_assert_int_eq(iopt_unmap_all(env.iopt, NULL), 0);
	assert_pins(um, 0, 8, 0);
	ck_assert_int_eq(t_user_locked(&env), 0);
	t_env_fini(&env);
}
END_TEST

/* A copy spanning two abutting source areas makes two areas. */
START_TEST(test_copy_spans_areas)
{
	unsigned long iova = T_IOVA, iova2 = T_IOVA + 4 * PAGE_SIZE;
	unsigned long dst = T_IOVA + 64 * PAGE_SIZE, unmapped;
	struct iommu_domain *d;
	struct kshim_umem *um;
	struct t_env env;

	t_env_init(&env, 0, 0);
	d = t_add_domain(&env, 0);
	um = t_umem(&env, 8, KSHIM_PHYS_SCATTERED);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       4 * PAGE_SIZE, true), 0);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova2, t_uptr(um, 4 * PAGE_SIZE),
			       4 * PAGE_SIZE, true), 0);
	ck_assert_int_eq(t_copy(env.iopt, &dst, env.iopt, iova + PAGE_SIZE,
				6 * PAGE_SIZE, IOMMU_READ, true), 0);
	assert_xlate(d, dst, um, PAGE_SIZE, 6 * PAGE_SIZE);
	assert_pins(um, 0, 8, 1);
	t_check(env.iopt);
	/* Unmap must cover whole areas: half of the copy is ENOENT... */
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, dst, 3 * PAGE_SIZE,
					 &unmapped), 0);
	ck_assert_uint_eq(unmapped, 3 * PAGE_SIZE);
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, dst + 3 * PAGE_SIZE,
					 2 * PAGE_SIZE, &unmapped), -ENOENT);
	ck_assert_uint_eq(unmapped, 0);
	t_check(env.iopt);
	t_env_fini(&env);
}
END_TEST

/* ---- IOVA allocation and fixed IOVA ---------------------------------------- */

START_TEST(test_alloc_iova_alignment)
{
	struct rb_root_cached allowed = RB_ROOT_CACHED;
	struct iopt_allowed *a;
	unsigned long iova;
	struct kshim_umem *um;
	struct t_env env;

	t_env_init(&env, 0, 0);
	/* 4 MiB buffer: 2 MiB aligned user VA by default. */
	um = t_umem(&env, 1024, KSHIM_PHYS_CONTIGUOUS);
	ck_assert_uint_eq((unsigned long)t_uptr(um, 0) % (2 * MiB), 0);

	iova = 0;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       PAGE_SIZE, false), 0);
	/* Never IOVA 0. */
	ck_assert_uint_eq(iova, PAGE_SIZE);

	/* Alignment min(pow2(length), lowest bit of VA), capped at 2 MiB. */
	iova = 0;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       4 * MiB, false), 0);
	ck_assert_uint_eq(iova % (2 * MiB), 0);
	ck_assert_uint_eq(iova, 2 * MiB);

	iova = 0;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 3 * PAGE_SIZE),
			       8 * PAGE_SIZE, false), 0);
	ck_assert_uint_eq(iova % PAGE_SIZE, 0);
	ck_assert_uint_eq(iova, 2 * PAGE_SIZE);

	/* A sub-page VA: the IOVA carries the same offset. */
	iova = 0;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 100), 200,
			       false), 0);
	ck_assert_uint_eq(iova % PAGE_SIZE, 100);

	/* Allowed ranges steer allocation but not fixed IOVA. */
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	a->node.start = 1UL << 32;
	a->node.last = (1UL << 32) + 16 * PAGE_SIZE - 1;
	interval_tree_insert(&a->node, &allowed);
	ck_assert_int_eq(iopt_set_allow_iova(env.iopt, &allowed), 0);
	ck_assert(RB_EMPTY_ROOT(&allowed.rb_root));
	iova = 0;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       8 * PAGE_SIZE, false), 0);
	ck_assert_uint_eq(iova, 1UL << 32);
	iova = 0;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       16 * PAGE_SIZE, false), -ENOSPC);
	iova = 1UL << 40;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       16 * PAGE_SIZE, true), 0);
	t_check(env.iopt);

	/* Length errors */
	iova = 0;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0), 0, false),
			 -EINVAL);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, (void *)(ULONG_MAX - 10),
			       PAGE_SIZE, false), -EOVERFLOW);
	t_env_fini(&env);
}
END_TEST

START_TEST(test_fixed_iova_errors)
{
	unsigned long iova;
	struct kshim_umem *um;
	struct t_env env;

	t_env_init(&env, 0, 0);
	t_add_domain(&env, 0);
	um = t_umem(&env, 4, KSHIM_PHYS_CONTIGUOUS);

	iova = T_IOVA + 1024;		/* below the 2048 alignment */
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       PAGE_SIZE, true), -EINVAL);
	iova = T_IOVA;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0), 1024,
			       true), -EINVAL);
	iova = PAGE_SIZE;		/* below the aperture: reserved */
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       PAGE_SIZE, true), -EINVAL);
	iova = ULONG_MAX - PAGE_SIZE + 1;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       2 * PAGE_SIZE, true), -EOVERFLOW);
	iova = T_IOVA;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       2 * PAGE_SIZE, true), 0);
	iova = T_IOVA + PAGE_SIZE;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       2 * PAGE_SIZE, true), -EEXIST);
	t_check(env.iopt);
	t_env_fini(&env);
}
END_TEST

START_TEST(test_reserve_and_allow)
{
	struct rb_root_cached allowed = RB_ROOT_CACHED;
	struct iopt_allowed *a;
	unsigned long iova = 1UL << 30;
	struct kshim_umem *um;
	struct t_env env;

	t_env_init(&env, 0, 0);
	um = t_umem(&env, 1, KSHIM_PHYS_CONTIGUOUS);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       PAGE_SIZE, true), 0);

	down_write(&env.iopt->iova_rwsem);
	/* Over an area */
	ck_assert_int_eq(iopt_reserve_iova(env.iopt, iova, iova, NULL),
			 -EADDRINUSE);
	ck_assert_int_eq(iopt_reserve_iova(env.iopt, 1UL << 20,
					   (1UL << 21) - 1, NULL), 0);
	up_write(&env.iopt->iova_rwsem);

	/* An allowed range over reserved IOVA is refused, old list kept */
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	a->node.start = 1UL << 20;
	a->node.last = (1UL << 22) - 1;
	interval_tree_insert(&a->node, &allowed);
	ck_assert_int_eq(iopt_set_allow_iova(env.iopt, &allowed), -EADDRINUSE);
	ck_assert(RB_EMPTY_ROOT(&env.iopt->allowed_itree.rb_root));
	a->node.start = 1UL << 21;
	interval_tree_remove(&a->node, &allowed);
	interval_tree_insert(&a->node, &allowed);
	ck_assert_int_eq(iopt_set_allow_iova(env.iopt, &allowed), 0);

	/* A reservation over an allowed range is refused */
	down_write(&env.iopt->iova_rwsem);
	ck_assert_int_eq(iopt_reserve_iova(env.iopt, 1UL << 21, 1UL << 21,
					   NULL), -EADDRINUSE);
	up_write(&env.iopt->iova_rwsem);

	/* Fixed IOVA in a reserved range is EINVAL */
	iova = 1UL << 20;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       PAGE_SIZE, true), -EINVAL);

	/* Owner-based removal */
	iopt_remove_reserved_iova(env.iopt, NULL);
	ck_assert(RB_EMPTY_ROOT(&env.iopt->reserved_itree.rb_root));
	t_env_fini(&env);
}
END_TEST

/* ---- unmap error order ------------------------------------------------- */

START_TEST(test_unmap_errors)
{
	unsigned long iova[3] = { T_IOVA, T_IOVA + 4 * PAGE_SIZE,
				  T_IOVA + 8 * PAGE_SIZE };
	unsigned long unmapped;
	struct iopt_pages *pages;
	struct iopt_area *area;
	struct kshim_umem *um;
	struct t_env env;
	int i;

	t_env_init(&env, 0, 0);
	t_add_domain(&env, 0);
	um = t_umem(&env, 12, KSHIM_PHYS_SCATTERED);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(t_map(&env, env.iopt, &iova[i],
				       t_uptr(um, i * 4 * PAGE_SIZE),
				       4 * PAGE_SIZE, true), 0);

	/* Sticking out: ENOENT, nothing unmapped. */
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, iova[0] + PAGE_SIZE,
					 4 * PAGE_SIZE, &unmapped), -ENOENT);
	ck_assert_uint_eq(unmapped, 0);

	/* A racing map/unmap owns the middle area: EBUSY after the first. */
	down_write(&env.iopt->iova_rwsem);
	area = iopt_area_iter_first(env.iopt, iova[1], iova[1]);
	pages = area->pages;
	area->pages = NULL;
	up_write(&env.iopt->iova_rwsem);
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, iova[0], 12 * PAGE_SIZE,
					 &unmapped), -EBUSY);
	/* The unmapped bytes are reported on the error path too. */
	ck_assert_uint_eq(unmapped, 4 * PAGE_SIZE);
	down_write(&env.iopt->iova_rwsem);
	area->pages = pages;
	up_write(&env.iopt->iova_rwsem);
	assert_pins(um, 0, 4, 0);
	assert_pins(um, 4, 8, 1);

	/* Partial progress then ENOENT */
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, iova[1], 6 * PAGE_SIZE,
					 &unmapped), -ENOENT);
	ck_assert_uint_eq(unmapped, 4 * PAGE_SIZE);
	ck_assert_int_eq(iopt_unmap_all(env.iopt, &unmapped), 0);
	ck_assert_uint_eq(unmapped, 4 * PAGE_SIZE);
	assert_pins(um, 0, 12, 0);
	t_env_fini(&env);
}
END_TEST

/* ---- split / cut ------------------------------------------------------- */

START_TEST(test_cut_small_pages)
{
	unsigned long iova = T_IOVA, unmapped, cut;
	struct iommu_domain *d;
	struct kshim_umem *um;
	struct t_env env;

	t_env_init(&env, 0, 0);
	ck_assert_int_eq(iopt_disable_large_pages(env.iopt), 0);
	ck_assert_uint_eq(env.iopt->iova_alignment, PAGE_SIZE);
	d = t_add_domain(&env, 0);
	um = t_umem(&env, 8, KSHIM_PHYS_CONTIGUOUS);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       8 * PAGE_SIZE, true), 0);
	/* With a domain and areas there is no way back to small pages. */
	iopt_enable_large_pages(env.iopt);
	ck_assert_uint_eq(env.iopt->iova_alignment, T_IO_PAGE);
	ck_assert_int_eq(iopt_disable_large_pages(env.iopt), -EINVAL);
	ck_assert_int_eq(iopt_unmap_all(env.iopt, NULL), 0);
	ck_assert_int_eq(iopt_disable_large_pages(env.iopt), 0);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       8 * PAGE_SIZE, true), 0);

	/* First or last byte: no-op; misaligned: EINVAL */
	cut = iova;
	ck_assert_int_eq(iopt_cut_iova(env.iopt, &cut, 1), 0);
	cut = iova + 8 * PAGE_SIZE - 1;
	ck_assert_int_eq(iopt_cut_iova(env.iopt, &cut, 1), 0);
	cut = iova + T_IO_PAGE - 1;
	ck_assert_int_eq(iopt_cut_iova(env.iopt, &cut, 1), -EINVAL);

	cut = iova + 3 * PAGE_SIZE - 1;
	ck_assert_int_eq(iopt_cut_iova(env.iopt, &cut, 1), 0);
	t_check(env.iopt);
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, iova, 3 * PAGE_SIZE,
					 &unmapped), 0);
	ck_assert_uint_eq(unmapped, 3 * PAGE_SIZE);
	assert_pins(um, 0, 3, 0);
	assert_pins(um, 3, 5, 1);
	assert_xlate(d, iova + 3 * PAGE_SIZE, um, 3 * PAGE_SIZE,
		     5 * PAGE_SIZE);
	ck_assert_uint_eq(t_xlate(d, iova), 0);
	t_check(env.iopt);
	t_env_fini(&env);
}
END_TEST

START_TEST(test_cut_refused)
{
	unsigned long iova = T_IOVA, cut;
	struct page *pages[1];
	struct t_access ta;
	struct kshim_umem *um;
	struct t_env env;

	t_env_init(&env, 0, 0);
	um = t_umem(&env, 8, KSHIM_PHYS_CONTIGUOUS);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       8 * PAGE_SIZE, true), 0);
	/* Large pages with a domain: a huge IOPTE could straddle the cut. */
	t_add_domain(&env, 0);
	cut = iova + 4 * PAGE_SIZE - 1;
	ck_assert_int_eq(iopt_cut_iova(env.iopt, &cut, 1), -EINVAL);
	t_remove_domain(&env, env.domains[0]);
	/* Accesses cannot be split. */
	t_access_init(&ta, &env, env.iopt, false);
	ck_assert_int_eq(t_access_pin(&ta, iova, PAGE_SIZE, pages, 0), 0);
	ck_assert_int_eq(iopt_cut_iova(env.iopt, &cut, 1), -EINVAL);
	t_access_fini(&ta);
	/* No domain, no access: fine. */
	ck_assert_int_eq(iopt_cut_iova(env.iopt, &cut, 1), 0);
	t_check(env.iopt);
	t_env_fini(&env);
}
END_TEST

/*
 * The cut rule: a domain is unmapped only where PFNs are discontiguous.
 * The kernel mock's domain checks that every unmap starts and ends on map
 * call boundaries (a WARN otherwise), so a contiguous run of which an
 * access keeps the middle must be unmapped whole while only its ends are
 * unpinned (the carry).
 */
START_TEST(test_unfill_carry)
{
	unsigned long iova = T_IOVA, src, dst = T_IOVA + 64 * PAGE_SIZE;
	struct page *pages[4];
	struct t_access ta;
	struct kshim_umem *um;
	struct t_env env;

	t_env_init(&env, 0, 0);
	um = t_umem(&env, 16, KSHIM_PHYS_CONTIGUOUS);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       16 * PAGE_SIZE, true), 0);
	t_add_domain(&env, 0);
	t_access_init(&ta, &env, env.iopt, false);
	ck_assert_int_eq(t_access_pin(&ta, iova + 5 * PAGE_SIZE,
				      4 * PAGE_SIZE, pages, 0), 0);
	assert_pins(um, 0, 16, 1);

	/* The last domain leaves: pages 5..8 stay pinned by the access. */
	t_remove_domain(&env, env.domains[0]);
	assert_pins(um, 0, 5, 0);
	assert_pins(um, 5, 4, 1);
	assert_pins(um, 9, 7, 0);
	ck_assert_int_eq(t_user_locked(&env), 4);
	t_check(env.iopt);

	/* Again with a second area sharing the middle (a copy). */
	t_add_domain(&env, 0);
	src = iova + 10 * PAGE_SIZE;
	ck_assert_int_eq(t_copy(env.iopt, &dst, env.iopt, src, 3 * PAGE_SIZE,
				IOMMU_READ, true), 0);
	t_access_unpin_all(&ta);
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, iova, 16 * PAGE_SIZE, NULL),
			 0);
	assert_pins(um, 0, 10, 0);
	assert_pins(um, 10, 3, 1);
	assert_pins(um, 13, 3, 0);
	ck_assert_int_eq(t_user_locked(&env), 3);
	t_check(env.iopt);
	t_access_fini(&ta);
	t_env_fini(&env);
}
END_TEST

/* ---- huge pages ----------------------------------------------------------- */

START_TEST(test_huge_pages)
{
	struct mock_dev_opts opts = { .pt_cfg = &mock_pt_cfg_huge };
	unsigned long iova = T_IOVA, iova2 = T_IOVA;
	struct iommufd_ioas *ioas2;
	struct iommu_domain *d1, *d2;
	struct kshim_umem *um;
	struct mock_dev *mdev;
	struct t_env env;

	t_env_init(&env, 0, 0);
	mdev = mock_dev_create_opts(&opts);
	ck_assert(!IS_ERR(mdev));
	um = t_umem(&env, 512, KSHIM_PHYS_CONTIGUOUS);

	d1 = iommu_paging_domain_alloc(mock_dev_device(mdev));
	ck_assert_int_eq(iopt_table_add_domain(env.iopt, d1), 0);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0), 2 * MiB,
			       true), 0);

	ioas2 = t_ioas_alloc();
	ck_assert_int_eq(iopt_disable_large_pages(&ioas2->iopt), 0);
	d2 = iommu_paging_domain_alloc(mock_dev_device(mdev));
	ck_assert_int_eq(iopt_table_add_domain(&ioas2->iopt, d2), 0);
	ck_assert_int_eq(t_map(&env, &ioas2->iopt, &iova2, t_uptr(um, 0),
			       2 * MiB, true), 0);

	/* Same translation; the large-page table is much smaller. */
	assert_xlate(d1, iova, um, 0, 2 * MiB);
	assert_xlate(d2, iova2, um, 0, 2 * MiB);
	ck_assert_uint_lt(mock_domain_pt_bytes(d1), mock_domain_pt_bytes(d2));
	t_check(env.iopt);
	t_check(&ioas2->iopt);
	/* Two mappings of the same memory pin it twice. */
	assert_pins(um, 0, 512, 2);

	ck_assert_int_eq(iopt_unmap_all(env.iopt, NULL), 0);
	ck_assert_int_eq(iopt_unmap_all(&ioas2->iopt, NULL), 0);
	assert_pins(um, 0, 512, 0);
	iopt_table_remove_domain(env.iopt, d1);
	iopt_table_remove_domain(&ioas2->iopt, d2);
	iommu_domain_free(d1);
	iommu_domain_free(d2);
	t_ioas_free(ioas2);
	mock_dev_destroy(mdev);
	t_env_fini(&env);
}
END_TEST

/* ---- accounting --------------------------------------------------------- */

START_TEST(test_account_user_limit)
{
	unsigned long iova = T_IOVA;
	struct kshim_umem *um;
	struct t_env env;

	/* 16 pages of RLIMIT_MEMLOCK */
	t_env_init(&env, 16 * PAGE_SIZE, 0);
	t_add_domain(&env, 0);
	um = t_umem(&env, 32, KSHIM_PHYS_SCATTERED);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       16 * PAGE_SIZE, true), 0);
	ck_assert_int_eq(t_user_locked(&env), 16);
	iova = T_IOVA + 16 * PAGE_SIZE;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova,
			       t_uptr(um, 16 * PAGE_SIZE), PAGE_SIZE, true),
			 -ENOMEM);
	/* What was pinned for the failed map is unpinned again. */
	assert_pins(um, 16, 16, 0);
	ck_assert_int_eq(t_user_locked(&env), 16);
	ck_assert_int_eq(t_mm_pinned(&env), 16);
	t_check(env.iopt);
	ck_assert_int_eq(iopt_unmap_all(env.iopt, NULL), 0);
	ck_assert_int_eq(t_user_locked(&env), 0);
	ck_assert_int_eq(t_mm_pinned(&env), 0);

	/* A domain that would exceed the limit cannot be added. */
	t_remove_domain(&env, env.domains[0]);
	iova = T_IOVA;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       32 * PAGE_SIZE, true), 0);
	{
		struct iommu_domain *d = t_domain_alloc(&env, 0);

		ck_assert_int_eq(iopt_table_add_domain(env.iopt, d), -ENOMEM);
		iommu_domain_free(d);
	}
	assert_pins(um, 0, 32, 0);
	ck_assert_int_eq(t_user_locked(&env), 0);
	t_check(env.iopt);
	t_env_fini(&env);
}
END_TEST

START_TEST(test_account_mm_mode)
{
	unsigned long iova = T_IOVA;
	struct kshim_umem *um;
	struct t_env env;

	t_env_init(&env, 8 * PAGE_SIZE, 0);
	env.ictx.account_mode = IOPT_PAGES_ACCOUNT_MM;
	t_add_domain(&env, 0);
	um = t_umem(&env, 16, KSHIM_PHYS_SCATTERED);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       8 * PAGE_SIZE, true), 0);
	ck_assert_int_eq(t_mm_locked(&env), 8);
	ck_assert_int_eq(t_user_locked(&env), 0);
	ck_assert_int_eq(t_mm_pinned(&env), 8);
	iova = T_IOVA + 8 * PAGE_SIZE;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 8 * PAGE_SIZE),
			       PAGE_SIZE, true), -ENOMEM);
	assert_pins(um, 8, 1, 0);
	ck_assert_int_eq(iopt_unmap_all(env.iopt, NULL), 0);
	ck_assert_int_eq(t_mm_locked(&env), 0);
	ck_assert_int_eq(t_mm_pinned(&env), 0);
	t_env_fini(&env);
}
END_TEST

START_TEST(test_account_none_with_cap)
{
	unsigned long iova = T_IOVA;
	struct kshim_umem *um;
	struct t_env env;

	/* CAP_IPC_LOCK: not charged, but pinned_vm still counts. */
	t_env_init(&env, PAGE_SIZE, 1ULL << CAP_IPC_LOCK);
	t_add_domain(&env, 0);
	um = t_umem(&env, 8, KSHIM_PHYS_SCATTERED);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       8 * PAGE_SIZE, true), 0);
	ck_assert_int_eq(t_user_locked(&env), 0);
	ck_assert_int_eq(t_mm_locked(&env), 0);
	ck_assert_int_eq(t_mm_pinned(&env), 8);
	t_env_fini(&env);
	ck_assert_int_eq(kshim_processes_live(), 0);
}
END_TEST

/* ---- fault injection ------------------------------------------------------ */

/*
 * Every fault point of a map into two domains, then of adding a third
 * domain, fails in turn: each failure leaves nothing pinned, charged or
 * mapped, and no WARN.
 */
START_TEST(test_fail_nth_map)
{
	unsigned long iova, nth;
	struct kshim_umem *um;
	struct t_env env;
	bool done = false;
	int rc;

	t_env_init(&env, 0, 0);
	iommufd_test_memory_limit = 2 * PAGE_SIZE;	/* many batches */
	t_add_domain(&env, 0);
	t_add_domain(&env, 0);
	um = t_umem(&env, 64, KSHIM_PHYS_SCATTERED);
	for (nth = 1; !done && nth < 5000; nth++) {
		iova = T_IOVA;
		kshim_fail_nth_set(nth);
		rc = t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			   64 * PAGE_SIZE, true);
		done = kshim_fail_nth_get() != 0;
		kshim_fail_nth_set(0);
		if (rc) {
			ck_assert(!done);
			assert_pins(um, 0, 64, 0);
			ck_assert_int_eq(t_user_locked(&env), 0);
			ck_assert_uint_eq(t_xlate(env.domains[0], iova), 0);
			ck_assert_uint_eq(t_xlate(env.domains[1], iova), 0);
		} else {
			t_check(env.iopt);
			ck_assert_int_eq(iopt_unmap_all(env.iopt, NULL), 0);
		}
	}
	ck_assert(done);
	ck_assert_uint_gt(nth, 10);

	/* Now a domain add over existing areas. */
	iova = T_IOVA;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       64 * PAGE_SIZE, true), 0);
	t_remove_domain(&env, env.domains[1]);
	t_remove_domain(&env, env.domains[0]);
	for (done = false, nth = 1; !done && nth < 5000; nth++) {
		struct iommu_domain *d = t_domain_alloc(&env, 0);

		kshim_fail_nth_set(nth);
		rc = iopt_table_add_domain(env.iopt, d);
		done = kshim_fail_nth_get() != 0;
		kshim_fail_nth_set(0);
		if (rc) {
			assert_pins(um, 0, 64, 0);
			ck_assert_int_eq(t_user_locked(&env), 0);
			ck_assert_uint_eq(t_xlate(d, iova), 0);
			iommu_domain_free(d);
		} else {
			env.domains[env.ndomains++] = d;
			t_check(env.iopt);
			t_remove_domain(&env, d);
		}
	}
	ck_assert(done);
	iommufd_test_memory_limit = 65536;
	t_env_fini(&env);
}
END_TEST

/* ---- dirty tracking ------------------------------------------------------ */

START_TEST(test_dirty_read)
{
	struct iommu_hwpt_get_dirty_bitmap bm = {};
	unsigned long iova = T_IOVA;
	struct kshim_umem *um, *bitmap_um;
	struct iommu_domain *d;
	u64 *bits;
	struct t_env env;

	t_env_init(&env, 0, 0);
	d = t_add_domain(&env, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	um = t_umem(&env, 64, KSHIM_PHYS_SCATTERED);
	bitmap_um = t_umem(&env, 1, KSHIM_PHYS_CONTIGUOUS);
	bits = page_address(kshim_umem_frame(bitmap_um, 0));
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       64 * PAGE_SIZE, true), 0);
	ck_assert_int_eq(iopt_set_dirty_tracking(env.iopt, d, true), 0);
	ck_assert_int_eq(mock_domain_set_dirty(d, iova + 3 * PAGE_SIZE), 0);
	ck_assert_int_eq(mock_domain_set_dirty(d, iova + 63 * PAGE_SIZE), 0);

	bm.iova = iova;
	bm.length = 64 * PAGE_SIZE;
	bm.page_size = PAGE_SIZE;
	bm.data = (uintptr_t)t_uptr(bitmap_um, 0);
	ck_assert_int_eq(iopt_read_and_clear_dirty_data(env.iopt, d,
							IOMMU_DIRTY_NO_CLEAR,
							&bm), 0);
	ck_assert_uint_eq(bits[0], (1ULL << 3) | (1ULL << 63));
	bits[0] = 0;
	ck_assert_int_eq(iopt_read_and_clear_dirty_data(env.iopt, d, 0, &bm),
			 0);
	ck_assert_uint_eq(bits[0], (1ULL << 3) | (1ULL << 63));
	bits[0] = 0;
	ck_assert_int_eq(iopt_read_and_clear_dirty_data(env.iopt, d, 0, &bm),
			 0);
	ck_assert_uint_eq(bits[0], 0);

	/* Range checks */
	bm.length = 0;
	ck_assert_int_eq(iommufd_check_iova_range(env.iopt, &bm), -EINVAL);
	bm.length = PAGE_SIZE;
	bm.page_size = 0;
	ck_assert_int_eq(iommufd_check_iova_range(env.iopt, &bm), -EINVAL);
	bm.page_size = PAGE_SIZE;
	bm.iova = iova + 1024;
	ck_assert_int_eq(iommufd_check_iova_range(env.iopt, &bm), -EINVAL);
	bm.iova = ULONG_MAX - 1;
	bm.length = 4;
	ck_assert_int_eq(iommufd_check_iova_range(env.iopt, &bm), -EOVERFLOW);
	/* A range not covered by areas is EINVAL. */
	bm.iova = iova + 64 * PAGE_SIZE;
	bm.length = PAGE_SIZE;
	ck_assert_int_eq(iopt_read_and_clear_dirty_data(env.iopt, d, 0, &bm),
			 -EINVAL);
	ck_assert_int_eq(iopt_set_dirty_tracking(env.iopt, d, false), 0);
	t_env_fini(&env);
}
END_TEST

/*
 * The user bitmap is walked in pinned windows of 512 pages (2 MiB of
 * bitmap, 64 GiB of IOVA at 4 KiB).  A report straddling the end of a
 * window sets bits on both sides, and the walk still hands every IOVA to
 * its function exactly once.
 */
struct t_windows {
	unsigned int calls;
	unsigned long iova[4];
	size_t length[4];
};

static int t_window_fn(struct iova_bitmap *bitmap, unsigned long iova,
		       size_t length, void *opaque)
{
	struct t_windows *w = opaque;

	if (w->calls < 4) {
		w->iova[w->calls] = iova;
		w->length[w->calls] = length;
	}
	w->calls++;
	/* A "huge IOPTE" over the window's end, and a bit at its start. */
	iova_bitmap_set(bitmap, iova, PAGE_SIZE);
	if (w->calls == 1)
		iova_bitmap_set(bitmap, iova + length - PAGE_SIZE,
				2 * PAGE_SIZE);
	return 0;
}

START_TEST(test_iova_bitmap_windows)
{
	const unsigned long window = 512 * PAGE_SIZE * BITS_PER_BYTE * PAGE_SIZE;
	const unsigned long base = 1UL << 40;
	struct t_windows w = {};
	struct kshim_umem *um;
	struct iova_bitmap *bm;
	unsigned long bit;
	struct t_env env;
	u64 *last_word, *first_word;

	t_env_init(&env, 0, 0);
	/* 3 MiB of bitmap: one full window and half of another. */
	um = t_umem(&env, 768, KSHIM_PHYS_SCATTERED);
	bm = iova_bitmap_alloc(base, window + window / 2, PAGE_SIZE,
			       t_uptr(um, 0));
	ck_assert(!IS_ERR(bm));
	ck_assert_int_eq(iova_bitmap_for_each(bm, &w, t_window_fn), 0);
	iova_bitmap_free(bm);

	ck_assert_uint_eq(w.calls, 2);
	ck_assert_uint_eq(w.iova[0], base);
	ck_assert_uint_eq(w.length[0], window);
	ck_assert_uint_eq(w.iova[1], base + window);
	ck_assert_uint_eq(w.length[1], window / 2);

	/* Bits 0, window_bits - 1, window_bits (both sides of the edge). */
	bit = window / PAGE_SIZE;
	first_word = page_address(kshim_umem_frame(um, 0));
	last_word = (u64 *)page_address(kshim_umem_frame(um, 511)) +
		    PAGE_SIZE / 8 - 1;
	ck_assert_uint_eq(first_word[0], 1);
	ck_assert_uint_eq(*last_word, 1ULL << 63);
	ck_assert_uint_eq(*(u64 *)page_address(kshim_umem_frame(um, 512)), 1);
	ck_assert_uint_eq(bit / 64, 512 * PAGE_SIZE / 8);
	/* Nothing stays pinned. */
	ck_assert_uint_eq(t_umem_pins(um, 0), 0);
	ck_assert_uint_eq(t_umem_pins(um, 600), 0);

	/* A bitmap the user cannot write fails at allocation. */
	bm = iova_bitmap_alloc(base, window, PAGE_SIZE, (u64 *)8);
	ck_assert(IS_ERR(bm));
	t_env_fini(&env);
}
END_TEST

/* ---- memfd mappings and device reserved regions ------------------------ */

static const struct file_operations t_plain_fops;

START_TEST(test_map_file)
{
	unsigned long iova = T_IOVA, i;
	struct iommu_domain *d;
	struct kshim_memfd *mf;
	struct page *pages[8];
	struct file *file, *plain;
	struct t_env env;

	t_env_init(&env, 0, 0);
	d = t_add_domain(&env, 0);
	mf = kshim_memfd_create(8 * PAGE_SIZE, KSHIM_PHYS_SCATTERED, "t");
	ck_assert_ptr_nonnull(mf);
	file = kshim_memfd_file(mf);
	ck_assert(!IS_ERR(file));

	/* From byte 2048 of page 1: the IOVA keeps the in-page offset. */
	iova = 0;
	ck_assert_int_eq(iopt_map_file_pages(&env.ictx, env.iopt, &iova, file,
					     PAGE_SIZE + T_IO_PAGE,
					     4 * PAGE_SIZE,
					     IOMMU_READ | IOMMU_WRITE, IOPT_ALLOC_IOVA),
			 0);
	ck_assert_uint_eq(iova % PAGE_SIZE, T_IO_PAGE);
	ck_assert_int_eq(kshim_memfd_pin_pages(mf, 0, 8, pages, false), 8);
	for (i = 0; i < 5; i++) {
		unsigned long off = i ? i * PAGE_SIZE - T_IO_PAGE : 0;

		ck_assert_uint_eq(t_xlate(d, iova + off),
				  page_to_phys(pages[i + 1]) +
					  (i ? 0 : T_IO_PAGE));
	}
	ck_assert_uint_eq(t_pins(pages[0]), 1);
	ck_assert_uint_eq(t_pins(pages[1]), 2);
	ck_assert_uint_eq(t_pins(pages[5]), 2);
	ck_assert_uint_eq(t_pins(pages[6]), 1);
	unpin_user_pages(pages, 8);
	ck_assert_int_eq(t_user_locked(&env), 5);
	t_check(env.iopt);
	ck_assert_int_eq(iopt_unmap_all(env.iopt, NULL), 0);
	ck_assert_int_eq(t_user_locked(&env), 0);

	/* Past the end of the file: the pin fails, nothing is left. */
	ck_assert_int_eq(iopt_map_file_pages(&env.ictx, env.iopt, &iova, file,
					     4 * PAGE_SIZE, 8 * PAGE_SIZE,
					     IOMMU_READ, IOPT_ALLOC_IOVA),
			 -EINVAL);
	/* A file that is not a memfd cannot be pinned. */
	plain = kshim_file_alloc("plain", &t_plain_fops, NULL, 0);
	ck_assert(!IS_ERR(plain));
	ck_assert_int_eq(iopt_map_file_pages(&env.ictx, env.iopt, &iova, plain,
					     0, PAGE_SIZE, IOMMU_READ,
					     IOPT_ALLOC_IOVA),
			 -EINVAL);
	ck_assert_int_eq(t_user_locked(&env), 0);
	fput(plain);
	fput(file);
	kshim_memfd_put(mf);
	kshim_task_work_run();
	t_env_fini(&env);
}
END_TEST

START_TEST(test_dev_resv_regions)
{
	struct mock_dev *mdev = mock_dev_create(0), *bad;
	unsigned long iova = 1UL << 28;
	phys_addr_t sw_msi = 0;
	struct kshim_umem *um;
	struct t_env env;

	ck_assert(!IS_ERR(mdev));
	t_env_init(&env, 0, 0);
	um = t_umem(&env, 1, KSHIM_PHYS_CONTIGUOUS);
	ck_assert_int_eq(mock_dev_add_resv_region(mdev, 1UL << 27, 1UL << 20,
						  0, IOMMU_RESV_SW_MSI), 0);
	ck_assert_int_eq(mock_dev_add_resv_region(mdev, 1UL << 28, PAGE_SIZE,
						  0, IOMMU_RESV_RESERVED), 0);

	/* An area in a region: EADDRINUSE, nothing stays reserved. */
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       PAGE_SIZE, true), 0);
	ck_assert_int_eq(iopt_table_enforce_dev_resv_regions(
				 env.iopt, mock_dev_device(mdev), &sw_msi),
			 -EADDRINUSE);
	ck_assert(RB_EMPTY_ROOT(&env.iopt->reserved_itree.rb_root));
	ck_assert_int_eq(iopt_unmap_all(env.iopt, NULL), 0);

	ck_assert_int_eq(iopt_table_enforce_dev_resv_regions(
				 env.iopt, mock_dev_device(mdev), &sw_msi),
			 0);
	ck_assert_uint_eq(sw_msi, 1UL << 27);
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       PAGE_SIZE, true), -EINVAL);
	iopt_remove_reserved_iova(env.iopt, mock_dev_device(mdev));
	ck_assert(RB_EMPTY_ROOT(&env.iopt->reserved_itree.rb_root));

	/* Hardware and software MSI together: a driver bug. */
	bad = mock_dev_create(0);
	ck_assert(!IS_ERR(bad));
	ck_assert_int_eq(mock_dev_add_resv_region(bad, 1UL << 27, 1UL << 20,
						  0, IOMMU_RESV_SW_MSI), 0);
	ck_assert_int_eq(mock_dev_add_resv_region(bad, 1UL << 29, 1UL << 20,
						  0, IOMMU_RESV_MSI), 0);
	ck_assert_int_eq(iopt_table_enforce_dev_resv_regions(
				 env.iopt, mock_dev_device(bad), &sw_msi),
			 -EINVAL);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	ck_assert(RB_EMPTY_ROOT(&env.iopt->reserved_itree.rb_root));
	mock_dev_destroy(bad);
	mock_dev_destroy(mdev);
	t_env_fini(&env);
}
END_TEST

/* ---- IOMMU_IOAS_CHANGE_PROCESS ------------------------------------------- */

static void t_ctx_publish(struct t_env *env, struct iommufd_ioas *ioas)
{
	ck_assert_int_eq(xa_alloc(&env->ictx.objects, &ioas->obj.id,
				  &ioas->obj, xa_limit_31b, GFP_KERNEL), 0);
}

START_TEST(test_change_process)
{
	struct kshim_process_opts opts = { .name = "new", .uid = 2000 };
	unsigned long iova = T_IOVA, iova2 = T_IOVA + MiB;
	struct iommufd_ioas *ioas2;
	struct iommu_domain *d2;
	struct kshim_process *newp;
	struct kshim_memfd *mf;
	struct kshim_umem *um;
	struct file *file;
	struct t_env env;

	t_env_init(&env, 0, 0);
	t_ctx_publish(&env, env.ioas);
	t_add_domain(&env, 0);
	mf = kshim_memfd_create(16 * PAGE_SIZE, KSHIM_PHYS_SCATTERED, "t");
	ck_assert_ptr_nonnull(mf);
	file = kshim_memfd_file(mf);
	ck_assert(!IS_ERR(file));
	kshim_memfd_put(mf);
	ck_assert_int_eq(iopt_map_file_pages(&env.ictx, env.iopt, &iova, file,
					     PAGE_SIZE, 8 * PAGE_SIZE,
					     IOMMU_READ | IOMMU_WRITE, 0), 0);
	/* Copies share the pages: counted once, here and in a second IOAS. */
	ck_assert_int_eq(t_copy(env.iopt, &iova2, env.iopt, iova,
				4 * PAGE_SIZE, IOMMU_READ, true), 0);
	ioas2 = t_ioas_alloc();
	t_ctx_publish(&env, ioas2);
	d2 = t_domain_alloc(&env, 0);
	ck_assert_int_eq(iopt_table_add_domain(&ioas2->iopt, d2), 0);
	iova2 = T_IOVA;
	ck_assert_int_eq(t_copy(&ioas2->iopt, &iova2, env.iopt, iova,
				8 * PAGE_SIZE, IOMMU_READ, true), 0);
	ck_assert_int_eq(t_user_locked(&env), 8);

	newp = kshim_process_create(&opts);
	kshim_process_enter(newp);
	ck_assert_int_eq(iopt_change_process(&env.ictx), 0);
	kshim_process_leave();
	ck_assert_int_eq(t_user_locked(&env), 0);
	ck_assert_int_eq(t_mm_pinned(&env), 0);
	ck_assert_int_eq(atomic_long_read(&kshim_process_user(newp)->locked_vm),
			 8);
	ck_assert_int_eq(atomic64_read(&kshim_process_mm(newp)->pinned_vm), 8);
	t_check(env.iopt);
	t_check(&ioas2->iopt);

	/* Over the new owner's limit: ENOMEM and nothing moves. */
	kshim_process_set_rlimit(env.proc, RLIMIT_MEMLOCK, 4 * PAGE_SIZE,
				 4 * PAGE_SIZE);
	ck_assert_int_eq(iopt_change_process(&env.ictx), -ENOMEM);
	ck_assert_int_eq(atomic_long_read(&kshim_process_user(newp)->locked_vm),
			 8);
	ck_assert_int_eq(t_user_locked(&env), 0);

	/* A user-memory mapping cannot move: EINVAL, nothing changes. */
	um = t_umem(&env, 1, KSHIM_PHYS_CONTIGUOUS);
	iova = 0;
	ck_assert_int_eq(t_map(&env, env.iopt, &iova, t_uptr(um, 0),
			       PAGE_SIZE, false), 0);
	kshim_process_set_rlimit(env.proc, RLIMIT_MEMLOCK, 1UL << 30,
				 1UL << 30);
	ck_assert_int_eq(iopt_change_process(&env.ictx), -EINVAL);
	ck_assert_int_eq(atomic_long_read(&kshim_process_user(newp)->locked_vm),
			 8);
	ck_assert_int_eq(iopt_unmap_iova(env.iopt, iova, PAGE_SIZE, NULL), 0);

	/* Back to the first process. */
	ck_assert_int_eq(iopt_change_process(&env.ictx), 0);
	ck_assert_int_eq(atomic_long_read(&kshim_process_user(newp)->locked_vm),
			 0);
	ck_assert_int_eq(t_user_locked(&env), 8);

	ck_assert_int_eq(iopt_unmap_all(env.iopt, NULL), 0);
	ck_assert_int_eq(t_user_locked(&env), 8);
	ck_assert_int_eq(iopt_unmap_all(&ioas2->iopt, NULL), 0);
	ck_assert_int_eq(t_user_locked(&env), 0);
	xa_erase(&env.ictx.objects, env.ioas->obj.id);
	xa_erase(&env.ictx.objects, ioas2->obj.id);
	iopt_table_remove_domain(&ioas2->iopt, d2);
	iommu_domain_free(d2);
	t_ioas_free(ioas2);
	fput(file);
	kshim_task_work_run();
	kshim_process_destroy(newp);
	t_env_fini(&env);
}
END_TEST

Suite *iopt_suite(void)
{
	Suite *s = suite_create("iopt");
	TCase *tc;

	tc = iopt_tcase("map");
	tcase_add_test(tc, test_map_no_domain_is_lazy);
	tcase_add_test(tc, test_map_one_domain);
	tcase_add_test(tc, test_map_page_offset);
	tcase_add_test(tc, test_domain_add_remove);
	tcase_add_test(tc, test_domain_add_errors);
	tcase_add_test(tc, test_copy_shares_pages);
	tcase_add_test(tc, test_copy_spans_areas);
	tcase_add_test(tc, test_alloc_iova_alignment);
	tcase_add_test(tc, test_fixed_iova_errors);
	tcase_add_test(tc, test_reserve_and_allow);
	tcase_add_test(tc, test_unmap_errors);
	tcase_add_test(tc, test_cut_small_pages);
	tcase_add_test(tc, test_cut_refused);
	tcase_add_test(tc, test_unfill_carry);
	tcase_add_test(tc, test_huge_pages);
	tcase_add_test(tc, test_map_file);
	tcase_add_test(tc, test_dev_resv_regions);
	suite_add_tcase(s, tc);

	tc = iopt_tcase("accounting");
	tcase_add_test(tc, test_account_user_limit);
	tcase_add_test(tc, test_account_mm_mode);
	tcase_add_test(tc, test_account_none_with_cap);
	tcase_add_test(tc, test_fail_nth_map);
	suite_add_tcase(s, tc);

	tc = iopt_tcase("dirty");
	tcase_add_test(tc, test_dirty_read);
	tcase_add_test(tc, test_iova_bitmap_windows);
	suite_add_tcase(s, tc);

	tc = iopt_tcase("change_process");
	tcase_add_test(tc, test_change_process);
	suite_add_tcase(s, tc);
	return s;
}
