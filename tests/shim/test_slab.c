// SPDX-License-Identifier: GPL-2.0
/*
 * linux/slab.h and the allocation fault point (kshim/fault.h).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <kshim/alloc.h>
#include <kshim/fault.h>
#include <kshim/world.h>
#include "ktest.h"
#include "shim_suites.h"

static noinline void *leaky_function(size_t size)
{
	return kmalloc(size, GFP_KERNEL);
}

static char *leak_report_text(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	kshim_leak_report(out);
	fclose(out);
	return buf;
}

START_TEST(test_slab_kmalloc_kzalloc_kfree)
{
	unsigned long before = kshim_alloc_live();
	unsigned char *p = kmalloc(100, GFP_KERNEL);
	unsigned char *z = kzalloc(100, GFP_KERNEL);
	int i;

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(z);
	ck_assert_uint_eq((unsigned long)p % 16, 0);
	for (i = 0; i < 100; i++)
		ck_assert_uint_eq(z[i], 0);
	ck_assert_uint_eq(ksize(p), 100);
	ck_assert_uint_eq(kshim_alloc_live(), before + 2);
	ck_assert_uint_eq(kshim_alloc_live_bytes(), 200);
	kfree(p);
	kfree(z);
	kfree(NULL);
	ck_assert_uint_eq(kshim_alloc_live(), before);
}
END_TEST

START_TEST(test_slab_zero_size_and_overflow)
{
	void *p = kmalloc(0, GFP_KERNEL);

	ck_assert_ptr_eq(p, ZERO_SIZE_PTR);
	ck_assert(ZERO_OR_NULL_PTR(p));
	kfree(p);
	/* Array helpers return NULL silently on overflow. */
	ck_assert_ptr_null(kcalloc(SIZE_MAX / 2, 4, GFP_KERNEL));
	ck_assert_ptr_null(kvcalloc(SIZE_MAX / 8, 16, GFP_KERNEL));
	ck_assert_uint_eq(kshim_alloc_live(), 0);
}
END_TEST

START_TEST(test_slab_too_large_warns)
{
	const char *title;

	ck_assert_ptr_null(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL));
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, &title);
	ck_assert_ptr_nonnull(strstr(title, "slab.c"));
	/* __GFP_NOWARN keeps quiet, kvmalloc accepts the same size. */
	ck_assert_ptr_null(kmalloc(KMALLOC_MAX_SIZE + 1,
				   GFP_KERNEL | __GFP_NOWARN));
	void *big = kvmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL);

	ck_assert_ptr_nonnull(big);
	kvfree(big);
	ck_assert_uint_eq(kshim_report_total(), 0);
}
END_TEST

START_TEST(test_slab_krealloc_kmemdup_kstrdup)
{
	char *s = kstrdup("iommufd", GFP_KERNEL);
	char *d;
	int *v = kmalloc_array(4, sizeof(int), GFP_KERNEL);

	ck_assert_str_eq(s, "iommufd");
	d = kmemdup(s, 8, GFP_KERNEL);
	ck_assert_str_eq(d, "iommufd");
	v[0] = 1;
	v[3] = 4;
	v = krealloc(v, 8 * sizeof(int), GFP_KERNEL | __GFP_ZERO);
	ck_assert_int_eq(v[0], 1);
	ck_assert_int_eq(v[3], 4);
	ck_assert_int_eq(v[7], 0);
	kfree(s);
	kfree(d);
	kfree(v);
}
END_TEST

START_TEST(test_slab_leak_report_names_site)
{
	void *p = leaky_function(48);
	void *q = leaky_function(16);
	char *text;

	ck_assert_uint_eq(kshim_alloc_live(), 2);
	text = leak_report_text();
	ck_assert_msg(strstr(text, "test_slab.c") &&
		      strstr(text, "leaky_function") &&
		      strstr(text, "2 object(s), 64 bytes"),
		      "leak report does not name the site:\n%s", text);
	free(text);
	kfree(p);
	kfree(q);
	ck_assert_uint_eq(kshim_leak_report(NULL), 0);
}
END_TEST

START_TEST(test_slab_fail_nth_hits_exactly_nth)
{
	void *p[5];
	int i;

	kshim_fail_nth_set(3);
	ck_assert_uint_eq(kshim_fail_nth_get(), 3);
	for (i = 0; i < 5; i++)
		p[i] = kmalloc(8, GFP_KERNEL);
	ck_assert_ptr_nonnull(p[0]);
	ck_assert_ptr_nonnull(p[1]);
	ck_assert_ptr_null(p[2]);
	ck_assert_ptr_nonnull(p[3]);
	ck_assert_ptr_nonnull(p[4]);
	ck_assert_uint_eq(kshim_fail_nth_get(), 0);	/* it fired */
	ck_assert_ptr_nonnull(kshim_fault_last_failed());
	ck_assert_ptr_nonnull(strstr(kshim_site_name(kshim_fault_last_failed()),
				     "test_slab_fail_nth_hits_exactly_nth"));
	for (i = 0; i < 5; i++)
		kfree(p[i]);
}
END_TEST

START_TEST(test_slab_nofail_is_never_failed)
{
	void *p;

	kshim_fail_nth_set(1);
	p = kmalloc(8, GFP_KERNEL | __GFP_NOFAIL);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(kshim_fail_nth_get(), 1);	/* not consumed */
	kfree(p);
	kshim_fail_nth_set(0);
}
END_TEST

static noinline void *alloc_in_filtered_function(void)
{
	return kmalloc(8, GFP_KERNEL);
}

START_TEST(test_slab_fault_filter_by_function)
{
	void *a, *b;

	kshim_fault_set_filter("alloc_in_filtered_*");
	kshim_fail_nth_set(1);
	a = kmalloc(8, GFP_KERNEL);		/* not matched: not counted */
	b = alloc_in_filtered_function();
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_null(b);
	kfree(a);
	kshim_fault_set_filter(NULL);
}
END_TEST

static unsigned long failure_pattern(void)
{
	unsigned long pattern = 0;
	int i;

	for (i = 0; i < 64; i++) {
		void *p = kmalloc(8, GFP_KERNEL);

		if (!p)
			pattern |= 1UL << i;
		kfree(p);
	}
	return pattern;
}

START_TEST(test_slab_fault_probability_is_seeded)
{
	struct kshim_world_config cfg = { .seed = 42 };
	unsigned long first, second;

	/* The fixture's world is replaced twice with the same seed. */
	kshim_world_begin(&cfg);
	kshim_fault_set_probability(300);
	first = failure_pattern();
	kshim_world_begin(&cfg);
	kshim_fault_set_probability(300);
	second = failure_pattern();
	kshim_fault_set_probability(0);
	ck_assert_uint_ne(first, 0);
	ck_assert_uint_ne(first, ~0UL);
	ck_assert_uint_eq(first, second);
}
END_TEST

START_TEST(test_slab_kmem_cache)
{
	struct kmem_cache *c = kmem_cache_create("test_obj", 40, 64, 0, NULL);
	void *a, *b;

	ck_assert_ptr_nonnull(c);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	b = kmem_cache_zalloc(c, GFP_KERNEL);
	ck_assert_uint_eq((unsigned long)a % 64, 0);
	ck_assert_uint_eq(((unsigned char *)b)[39], 0);
	kmem_cache_free(c, a);
	/* Destroying a cache with a live object WARNs and keeps the cache. */
	kmem_cache_destroy(c);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	ck_assert_uint_eq(kshim_alloc_live(), 2);
	kmem_cache_free(c, b);
	kmem_cache_destroy(c);
}
END_TEST

START_TEST(test_slab_kmem_cache_clean)
{
	struct kmem_cache *c = kmem_cache_create("clean", 24, 0, 0, NULL);
	void *a = kmem_cache_alloc(c, GFP_KERNEL);

	kmem_cache_free(c, a);
	kmem_cache_destroy(c);
}
END_TEST

START_TEST(test_slab_double_free_is_bug)
{
	void *p = kmalloc(16, GFP_KERNEL);

	kfree(p);
	kfree(p);	/* BUG: aborts */
}
END_TEST

START_TEST(test_slab_foreign_free_is_bug)
{
	char *p = malloc(256);

	memset(p, 0, 256);
	kfree(p + 128);	/* BUG: not from kmalloc */
}
END_TEST

START_TEST(test_slab_uninitialised_memory_is_patterned)
{
	/* kmalloc (not kzalloc) memory holds a visible 0xa5 pattern. */
	unsigned char *p = kmalloc(32, GFP_KERNEL);

	ck_assert_uint_eq(p[0], 0xa5);
	ck_assert_uint_eq(p[31], 0xa5);
	kfree(p);
}
END_TEST

START_TEST(test_slab_sleeping_alloc_in_atomic_reported)
{
	spinlock_t lock;
	void *a, *b;
	const char *title;

	spin_lock_init(&lock);
	spin_lock(&lock);
	a = kmalloc(8, GFP_ATOMIC);		/* fine */
	b = kmalloc(8, GFP_KERNEL);		/* sleeping: reported */
	spin_unlock(&lock);
	ktest_expect_issues(KSHIM_ISSUE_ATOMIC_SLEEP, 1, &title);
	ck_assert_ptr_nonnull(strstr(title, "sleeping function called from invalid context"));
	kfree(a);
	kfree(b);
}
END_TEST

Suite *slab_suite(void)
{
	Suite *s = suite_create("slab");
	TCase *tc = ktest_tcase("core");
	TCase *bug = tcase_create("bug");

	tcase_add_test(tc, test_slab_kmalloc_kzalloc_kfree);
	tcase_add_test(tc, test_slab_zero_size_and_overflow);
	tcase_add_test(tc, test_slab_too_large_warns);
	tcase_add_test(tc, test_slab_krealloc_kmemdup_kstrdup);
	tcase_add_test(tc, test_slab_leak_report_names_site);
	tcase_add_test(tc, test_slab_fail_nth_hits_exactly_nth);
	tcase_add_test(tc, test_slab_nofail_is_never_failed);
	tcase_add_test(tc, test_slab_fault_filter_by_function);
	tcase_add_test(tc, test_slab_fault_probability_is_seeded);
	tcase_add_test(tc, test_slab_kmem_cache);
	tcase_add_test(tc, test_slab_kmem_cache_clean);
	tcase_add_test(tc, test_slab_uninitialised_memory_is_patterned);
	tcase_add_test(tc, test_slab_sleeping_alloc_in_atomic_reported);
	suite_add_tcase(s, tc);

	/* BUG() aborts the (forked) test process. */
	tcase_add_test_raise_signal(bug, test_slab_double_free_is_bug, SIGABRT);
	tcase_add_test_raise_signal(bug, test_slab_foreign_free_is_bug, SIGABRT);
	suite_add_tcase(s, bug);
	return s;
}
