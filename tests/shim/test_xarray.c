// SPDX-License-Identifier: GPL-2.0
/*
 * linux/xarray.h: the normal API against the kernel's semantics, the tree
 * underneath (kshim_xa_check() after the interesting steps), allocating
 * arrays, marks, iteration, the locking rules, fault injection, and a
 * random run against an oracle.
 *
 * The suite is built twice: into shim-tests with 64-slot nodes, and into
 * xarray-small-tests (XARRAY_TESTS_MAIN, linked against kernel-shim-xa-small)
 * with 4-slot nodes, where the same indices make trees up to 32 levels deep.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>
#include <kshim/alloc.h>
#include <kshim/exec.h>
#include <kshim/fault.h>
#include "ktest.h"
#include "shim_suites.h"

/* Things to store: their addresses are 8-byte aligned. */
static u64 objs[256];
#define OBJ(i)		((void *)&objs[(i) % ARRAY_SIZE(objs)])

/* Hot loops: ck_assert() talks to the parent process on every call. */
#define XA_EXPECT(cond, ...)						\
	do {								\
		if (unlikely(!(cond)))					\
			ck_abort_msg(__VA_ARGS__);			\
	} while (0)

static DEFINE_XARRAY(static_xa);
static DEFINE_XARRAY_ALLOC(static_alloc_xa);
static DEFINE_XARRAY_ALLOC1(static_alloc1_xa);

/* xorshift64*: small, fast, and replayable from ktest_seed(). */
struct rng {
	u64 s;
};

static void rng_init(struct rng *r, u64 seed)
{
	r->s = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

static u64 rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The tree's invariants hold; returns the number of nodes. */
static long check_tree(struct xarray *xa)
{
	long nodes = kshim_xa_check(xa, NULL);

	XA_EXPECT(nodes >= 0, "xarray invariants broken (see the WARN)");
	return nodes;
}

static unsigned int tree_height(struct xarray *xa)
{
	unsigned int height;

	XA_EXPECT(kshim_xa_check(xa, &height) >= 0, "xarray invariants broken");
	return height;
}

/* Levels of the lowest tree that reaches @index. */
static unsigned int levels_for(unsigned long index)
{
	unsigned int levels = 1;

	while (levels * XA_CHUNK_SHIFT < BITS_PER_LONG &&
	       index >> (levels * XA_CHUNK_SHIFT))
		levels++;
	return levels;
}

static unsigned long count_entries(struct xarray *xa, xa_mark_t filter)
{
	unsigned long index, n = 0;
	void *entry;

	xa_for_each_marked(xa, index, entry, filter)
		n++;
	return n;
}

/* --- core ------------------------------------------------------------- */

START_TEST(test_xarray_empty_and_static)
{
	struct xarray xa;
	unsigned long index = 0;
	u32 id;

	xa_init(&xa);
	ck_assert(xa_empty(&xa));
	ck_assert_ptr_null(xa_load(&xa, 0));
	ck_assert_ptr_null(xa_load(&xa, ULONG_MAX));
	ck_assert_ptr_null(xa_find(&xa, &index, ULONG_MAX, XA_PRESENT));
	ck_assert_ptr_null(xa_erase(&xa, 5));
	ck_assert(!xa_marked(&xa, XA_MARK_1));
	ck_assert(!xa_get_mark(&xa, 3, XA_MARK_0));
	ck_assert_int_eq(check_tree(&xa), 0);
	xa_destroy(&xa);

	/* DEFINE_XARRAY*() arrays need no initialisation call. */
	ck_assert_uint_eq(static_xa.xa_flags, 0);
	ck_assert_uint_eq(static_alloc_xa.xa_flags, XA_FLAGS_ALLOC);
	ck_assert_uint_eq(static_alloc1_xa.xa_flags, XA_FLAGS_ALLOC1);
	ck_assert_str_eq(static_xa.xa_lock.dep_map.name, "static_xa.xa_lock");
	ck_assert_ptr_null(xa_store(&static_xa, 7, OBJ(1), GFP_KERNEL));
	ck_assert_ptr_eq(xa_load(&static_xa, 7), OBJ(1));
	xa_lock(&static_xa);
	ck_assert_ptr_eq(__xa_erase(&static_xa, 7), OBJ(1));
	xa_unlock(&static_xa);
	ck_assert(xa_empty(&static_xa));

	ck_assert_int_eq(xa_alloc(&static_alloc_xa, &id, OBJ(2), xa_limit_32b,
				  GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 0);
	ck_assert_int_eq(xa_alloc(&static_alloc1_xa, &id, OBJ(2), xa_limit_32b,
				  GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 1);
	xa_destroy(&static_alloc_xa);
	xa_destroy(&static_alloc1_xa);
	ck_assert(xa_empty(&static_alloc_xa) && xa_empty(&static_alloc1_xa));
}
END_TEST

START_TEST(test_xarray_store_load_erase)
{
	static const unsigned long idx[] = {
		0, 1, 3, 4, 63, 64, 65, 4095, 4096, 1UL << 20,
		(1UL << 32) + 5, 1UL << 40, 1UL << 63, ULONG_MAX - 1,
		ULONG_MAX,
	};
	struct xarray xa;
	unsigned int i;

	xa_init(&xa);
	for (i = 0; i < ARRAY_SIZE(idx); i++) {
		ck_assert_ptr_null(xa_store(&xa, idx[i], OBJ(i), GFP_KERNEL));
		check_tree(&xa);
	}
	ck_assert_uint_eq(tree_height(&xa), XA_MAX_HEIGHT);
	for (i = 0; i < ARRAY_SIZE(idx); i++)
		ck_assert_ptr_eq(xa_load(&xa, idx[i]), OBJ(i));
	ck_assert_ptr_null(xa_load(&xa, 2));
	ck_assert_ptr_null(xa_load(&xa, 66));
	ck_assert_ptr_null(xa_load(&xa, 1UL << 41));
	ck_assert_ptr_null(xa_load(&xa, ULONG_MAX - 2));

	/* Replacing returns the old entry. */
	ck_assert_ptr_eq(xa_store(&xa, 64, OBJ(100), GFP_KERNEL), OBJ(5));
	ck_assert_ptr_eq(xa_load(&xa, 64), OBJ(100));

	/* Erase from the top: the tree shrinks back level by level. */
	for (i = ARRAY_SIZE(idx); i-- > 0;) {
		void *want = idx[i] == 64 ? OBJ(100) : OBJ(i);

		ck_assert_ptr_eq(xa_erase(&xa, idx[i]), want);
		ck_assert_ptr_null(xa_erase(&xa, idx[i]));
		ck_assert_ptr_null(xa_load(&xa, idx[i]));
		if (i)
			ck_assert_uint_eq(tree_height(&xa),
					  levels_for(idx[i - 1]));
	}
	ck_assert(xa_empty(&xa));
	ck_assert_int_eq(check_tree(&xa), 0);
}
END_TEST

START_TEST(test_xarray_grow_and_shrink)
{
	unsigned long high = 1UL << 30;
	struct xarray xa;

	xa_init(&xa);
	/* A lone entry costs one node per level. */
	ck_assert_ptr_null(xa_store(&xa, high, OBJ(1), GFP_KERNEL));
	ck_assert_uint_eq(tree_height(&xa), levels_for(high));
	ck_assert_int_eq(check_tree(&xa), levels_for(high));
	ck_assert_ptr_null(xa_store(&xa, 0, OBJ(2), GFP_KERNEL));
	ck_assert_int_eq(check_tree(&xa), 2 * levels_for(high) - 1);
	/* Erasing the high entry brings the root back down to one leaf. */
	ck_assert_ptr_eq(xa_erase(&xa, high), OBJ(1));
	ck_assert_uint_eq(tree_height(&xa), 1);
	ck_assert_int_eq(check_tree(&xa), 1);
	ck_assert_ptr_eq(xa_load(&xa, 0), OBJ(2));
	/* Grow above an existing root, then lose the low entry. */
	ck_assert_ptr_null(xa_store(&xa, ULONG_MAX, OBJ(3), GFP_KERNEL));
	ck_assert_uint_eq(tree_height(&xa), XA_MAX_HEIGHT);
	ck_assert_ptr_eq(xa_erase(&xa, 0), OBJ(2));
	ck_assert_uint_eq(tree_height(&xa), XA_MAX_HEIGHT);
	ck_assert_int_eq(check_tree(&xa), XA_MAX_HEIGHT);
	ck_assert_ptr_eq(xa_erase(&xa, ULONG_MAX), OBJ(3));
	ck_assert(xa_empty(&xa));
}
END_TEST

START_TEST(test_xarray_store_null)
{
	struct xarray xa, axa;
	u32 id;

	/* In a normal array, storing NULL erases. */
	xa_init(&xa);
	ck_assert_ptr_null(xa_store(&xa, 5, OBJ(1), GFP_KERNEL));
	ck_assert_ptr_eq(xa_store(&xa, 5, NULL, GFP_KERNEL), OBJ(1));
	ck_assert(xa_empty(&xa));
	ck_assert_int_eq(check_tree(&xa), 0);

	/* In an allocating array it leaves the ID reserved. */
	xa_init_flags(&axa, XA_FLAGS_ALLOC);
	ck_assert_ptr_null(xa_store(&axa, 5, OBJ(1), GFP_KERNEL));
	ck_assert_ptr_eq(xa_store(&axa, 5, NULL, GFP_KERNEL), OBJ(1));
	ck_assert_ptr_null(xa_load(&axa, 5));
	ck_assert(!xa_empty(&axa));
	ck_assert_int_eq(xa_insert(&axa, 5, OBJ(2), GFP_KERNEL), -EBUSY);
	ck_assert_int_eq(xa_alloc(&axa, &id, OBJ(2), XA_LIMIT(5, 5),
				  GFP_KERNEL), -EBUSY);
	check_tree(&axa);
	ck_assert_ptr_null(xa_erase(&axa, 5));
	ck_assert(xa_empty(&axa));
	ck_assert_int_eq(xa_alloc(&axa, &id, OBJ(2), XA_LIMIT(5, 5),
				  GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 5);
	xa_destroy(&axa);
}
END_TEST

START_TEST(test_xarray_value_entries)
{
	struct xarray xa;
	unsigned long index, i;
	void *entry, *tagged;

	ck_assert(xa_is_value(xa_mk_value(0)));
	ck_assert_uint_eq(xa_to_value(xa_mk_value(0)), 0);
	ck_assert_uint_eq(xa_to_value(xa_mk_value(LONG_MAX)), LONG_MAX);
	ck_assert(!xa_is_internal(xa_mk_value(12)));
	ck_assert(!xa_is_value(OBJ(3)));
	ck_assert(!xa_is_err(xa_mk_value(LONG_MAX)));
	ck_assert_int_eq(xa_err(xa_mk_value(LONG_MAX)), 0);

	xa_init(&xa);
	for (i = 0; i < 500; i++)
		ck_assert_ptr_null(xa_store(&xa, i * 7, xa_mk_value(i * 3),
					    GFP_KERNEL));
	i = 0;
	xa_for_each(&xa, index, entry) {
		ck_assert(xa_is_value(entry));
		ck_assert_uint_eq(index, i * 7);
		ck_assert_uint_eq(xa_to_value(entry), i * 3);
		i++;
	}
	ck_assert_uint_eq(i, 500);

	/* Tags 1 and 3 make value-like entries; they are storable. */
	tagged = xa_tag_pointer(OBJ(9), 3);
	ck_assert_ptr_null(xa_store(&xa, 10000, tagged, GFP_KERNEL));
	entry = xa_load(&xa, 10000);
	ck_assert_ptr_eq(xa_untag_pointer(entry), OBJ(9));
	ck_assert_uint_eq(xa_pointer_tag(entry), 3);
	xa_destroy(&xa);

	/* A value that does not fit is a WARN, as in the kernel. */
	(void)xa_mk_value(ULONG_MAX);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
}
END_TEST

START_TEST(test_xarray_insert)
{
	struct xarray xa;

	xa_init(&xa);
	ck_assert_int_eq(xa_insert(&xa, 10, OBJ(1), GFP_KERNEL), 0);
	ck_assert_int_eq(xa_insert(&xa, 10, OBJ(2), GFP_KERNEL), -EBUSY);
	ck_assert_ptr_eq(xa_load(&xa, 10), OBJ(1));
	/* Inserting NULL reserves; a reservation is occupied. */
	ck_assert_int_eq(xa_insert(&xa, 11, NULL, GFP_KERNEL), 0);
	ck_assert_ptr_null(xa_load(&xa, 11));
	ck_assert_int_eq(xa_insert(&xa, 11, OBJ(3), GFP_KERNEL), -EBUSY);
	ck_assert_int_eq(xa_insert(&xa, 1UL << 50, OBJ(4), GFP_KERNEL), 0);
	ck_assert_int_eq(xa_insert(&xa, 1UL << 50, NULL, GFP_KERNEL), -EBUSY);
	ck_assert_ptr_eq(xa_load(&xa, 1UL << 50), OBJ(4));
	ck_assert_uint_eq(count_entries(&xa, XA_PRESENT), 2);
	check_tree(&xa);
	xa_destroy(&xa);
}
END_TEST

START_TEST(test_xarray_cmpxchg)
{
	struct xarray xa, axa;
	u32 id;

	xa_init(&xa);
	ck_assert_ptr_null(xa_cmpxchg(&xa, 3, NULL, OBJ(1), GFP_KERNEL));
	ck_assert_ptr_eq(xa_load(&xa, 3), OBJ(1));
	/* A mismatch returns the current entry and changes nothing. */
	ck_assert_ptr_eq(xa_cmpxchg(&xa, 3, OBJ(2), OBJ(3), GFP_KERNEL),
			 OBJ(1));
	ck_assert_ptr_eq(xa_load(&xa, 3), OBJ(1));
	ck_assert_ptr_eq(xa_cmpxchg(&xa, 3, OBJ(1), OBJ(3), GFP_KERNEL),
			 OBJ(1));
	ck_assert_ptr_eq(xa_load(&xa, 3), OBJ(3));
	/* Exchanging for NULL erases. */
	ck_assert_ptr_eq(xa_cmpxchg(&xa, 3, OBJ(3), NULL, 0), OBJ(3));
	ck_assert(xa_empty(&xa));
	/* A failed compare on an absent index builds no nodes. */
	ck_assert_ptr_null(xa_cmpxchg(&xa, 1UL << 40, OBJ(1), OBJ(2),
				      GFP_KERNEL));
	ck_assert_int_eq(check_tree(&xa), 0);

	/* A reserved slot holds XA_ZERO_ENTRY: NULL does not match it. */
	ck_assert_int_eq(xa_reserve(&xa, 7, GFP_KERNEL), 0);
	ck_assert_ptr_null(xa_cmpxchg(&xa, 7, NULL, OBJ(4), GFP_KERNEL));
	ck_assert_ptr_null(xa_load(&xa, 7));
	ck_assert(!xa_empty(&xa));
	ck_assert_ptr_null(xa_cmpxchg(&xa, 7, XA_ZERO_ENTRY, OBJ(4),
				      GFP_KERNEL));
	ck_assert_ptr_eq(xa_load(&xa, 7), OBJ(4));
	ck_assert_ptr_eq(xa_erase(&xa, 7), OBJ(4));
	ck_assert(xa_empty(&xa));

	/* In an allocating array, exchanging for NULL frees the ID. */
	xa_init_flags(&axa, XA_FLAGS_ALLOC);
	ck_assert_int_eq(xa_alloc(&axa, &id, OBJ(1), xa_limit_32b,
				  GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 0);
	ck_assert_ptr_eq(xa_cmpxchg(&axa, 0, OBJ(1), NULL, 0), OBJ(1));
	ck_assert(xa_empty(&axa));
	ck_assert_int_eq(xa_alloc(&axa, &id, OBJ(1), xa_limit_32b,
				  GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 0);
	xa_destroy(&axa);
}
END_TEST

START_TEST(test_xarray_reserve_release)
{
	struct xarray xa, axa;
	unsigned long index = 0;
	u32 id;

	xa_init(&xa);
	ck_assert_int_eq(xa_reserve(&xa, 12, GFP_KERNEL), 0);
	ck_assert_ptr_null(xa_load(&xa, 12));
	ck_assert(!xa_empty(&xa));
	ck_assert_uint_eq(count_entries(&xa, XA_PRESENT), 0);
	ck_assert_ptr_null(xa_find(&xa, &index, ULONG_MAX, XA_PRESENT));
	ck_assert_uint_eq(index, 0);
	ck_assert_int_eq(xa_insert(&xa, 12, OBJ(1), GFP_KERNEL), -EBUSY);

	/* Storing into a reservation needs no memory: no fault point. */
	kshim_fail_nth_set(1);
	ck_assert_ptr_null(xa_store(&xa, 12, OBJ(1), GFP_KERNEL));
	ck_assert_uint_eq(kshim_fail_nth_get(), 1);
	kshim_fail_nth_set(0);
	ck_assert_ptr_eq(xa_load(&xa, 12), OBJ(1));
	/* Release leaves a real entry alone. */
	xa_release(&xa, 12);
	ck_assert_ptr_eq(xa_load(&xa, 12), OBJ(1));
	ck_assert_ptr_eq(xa_erase(&xa, 12), OBJ(1));
	ck_assert(xa_empty(&xa));

	/* Reserve then release leaves nothing behind. */
	ck_assert_int_eq(xa_reserve(&xa, 1UL << 33, GFP_KERNEL), 0);
	xa_release(&xa, 1UL << 33);
	ck_assert(xa_empty(&xa));
	ck_assert_int_eq(check_tree(&xa), 0);

	/* Reserving an occupied index succeeds and changes nothing. */
	ck_assert_ptr_null(xa_store(&xa, 13, OBJ(2), GFP_KERNEL));
	ck_assert_int_eq(xa_reserve(&xa, 13, GFP_KERNEL), 0);
	ck_assert_ptr_eq(xa_load(&xa, 13), OBJ(2));
	/* Erasing a reservation returns NULL and frees the slot. */
	ck_assert_int_eq(xa_reserve(&xa, 14, GFP_KERNEL), 0);
	ck_assert_ptr_null(xa_erase(&xa, 14));
	/* Storing XA_ZERO_ENTRY reserves too. */
	ck_assert_ptr_null(xa_store(&xa, 15, XA_ZERO_ENTRY, GFP_KERNEL));
	ck_assert_ptr_null(xa_load(&xa, 15));
	ck_assert_int_eq(xa_insert(&xa, 15, OBJ(3), GFP_KERNEL), -EBUSY);
	ck_assert_uint_eq(count_entries(&xa, XA_PRESENT), 1);
	check_tree(&xa);
	xa_destroy(&xa);

	/* In an allocating array a reservation holds the ID until released. */
	xa_init_flags(&axa, XA_FLAGS_ALLOC);
	ck_assert_int_eq(xa_reserve(&axa, 0, GFP_KERNEL), 0);
	ck_assert_int_eq(xa_alloc(&axa, &id, OBJ(1), xa_limit_32b,
				  GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 1);
	xa_release(&axa, 0);
	ck_assert_int_eq(xa_alloc(&axa, &id, OBJ(2), xa_limit_32b,
				  GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 0);
	check_tree(&axa);
	xa_destroy(&axa);
}
END_TEST

START_TEST(test_xarray_destroy_frees_nodes)
{
	unsigned long live = kshim_alloc_live();
	struct xarray xa;
	long nodes;
	unsigned long i;

	xa_init_flags(&xa, XA_FLAGS_ACCOUNT);
	for (i = 0; i < 5000; i++)
		ck_assert_ptr_null(xa_store(&xa, i * 37, xa_mk_value(i),
					    GFP_KERNEL_ACCOUNT));
	ck_assert_ptr_null(xa_store(&xa, ULONG_MAX, OBJ(1), GFP_KERNEL));
	nodes = check_tree(&xa);
	ck_assert_int_gt(nodes, 1);
	/* The nodes are the array's only allocations. */
	ck_assert_uint_eq(kshim_alloc_live(), live + nodes);
	xa_destroy(&xa);
	ck_assert(xa_empty(&xa));
	ck_assert_uint_eq(kshim_alloc_live(), live);
	/* A destroyed array is empty and usable. */
	ck_assert_ptr_null(xa_store(&xa, 3, OBJ(2), GFP_KERNEL));
	ck_assert_ptr_eq(xa_load(&xa, 3), OBJ(2));
	xa_destroy(&xa);
	ck_assert_uint_eq(kshim_alloc_live(), live);
}
END_TEST

/* --- alloc ------------------------------------------------------------ */

START_TEST(test_xarray_alloc_lowest_free)
{
	struct xarray xa;
	u32 id, i;

	xa_init_flags(&xa, XA_FLAGS_ALLOC);
	for (i = 0; i < 300; i++) {
		ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(i), xa_limit_32b,
					  GFP_KERNEL), 0);
		ck_assert_uint_eq(id, i);
	}
	check_tree(&xa);
	/* Holes are refilled lowest first. */
	ck_assert_ptr_eq(xa_erase(&xa, 150), OBJ(150));
	ck_assert_ptr_eq(xa_erase(&xa, 7), OBJ(7));
	ck_assert_ptr_eq(xa_erase(&xa, 299), OBJ(299));
	ck_assert_ptr_eq(xa_erase(&xa, 0), OBJ(0));
	check_tree(&xa);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), xa_limit_32b, GFP_KERNEL),
			 0);
	ck_assert_uint_eq(id, 0);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), xa_limit_32b, GFP_KERNEL),
			 0);
	ck_assert_uint_eq(id, 7);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), xa_limit_32b, GFP_KERNEL),
			 0);
	ck_assert_uint_eq(id, 150);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), xa_limit_32b, GFP_KERNEL),
			 0);
	ck_assert_uint_eq(id, 299);
	/* Reserved and stored indices are not free. */
	ck_assert_ptr_null(xa_store(&xa, 300, NULL, GFP_KERNEL));
	ck_assert_ptr_null(xa_store(&xa, 302, OBJ(2), GFP_KERNEL));
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), xa_limit_32b, GFP_KERNEL),
			 0);
	ck_assert_uint_eq(id, 301);
	/* Allocating NULL reserves the ID. */
	ck_assert_int_eq(xa_alloc(&xa, &id, NULL, xa_limit_32b, GFP_KERNEL),
			 0);
	ck_assert_uint_eq(id, 303);
	ck_assert_ptr_null(xa_load(&xa, 303));
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), xa_limit_32b, GFP_KERNEL),
			 0);
	ck_assert_uint_eq(id, 304);
	/* A minimum inside the tree, and one far above it. */
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), XA_LIMIT(100, 1000),
				  GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 305);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), XA_LIMIT(1000, 2000),
				  GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 1000);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), XA_LIMIT(1U << 30, U32_MAX),
				  GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 1U << 30);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), XA_LIMIT(1U << 30, U32_MAX),
				  GFP_KERNEL), 0);
	ck_assert_uint_eq(id, (1U << 30) + 1);
	ck_assert(xa_get_mark(&xa, 306, XA_FREE_MARK));
	ck_assert(!xa_get_mark(&xa, 305, XA_FREE_MARK));
	ck_assert(xa_marked(&xa, XA_FREE_MARK));
	check_tree(&xa);
	xa_destroy(&xa);
}
END_TEST

START_TEST(test_xarray_alloc1_never_zero)
{
	struct xarray xa;
	u32 id, next = 0;

	xa_init_flags(&xa, XA_FLAGS_ALLOC1);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), xa_limit_32b, GFP_KERNEL),
			 0);
	ck_assert_uint_eq(id, 1);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(2), xa_limit_32b, GFP_KERNEL),
			 0);
	ck_assert_uint_eq(id, 2);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(3), XA_LIMIT(0, 0),
				  GFP_KERNEL), -EBUSY);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(3), XA_LIMIT(0, 2),
				  GFP_KERNEL), -EBUSY);
	ck_assert_ptr_eq(xa_erase(&xa, 1), OBJ(1));
	ck_assert_ptr_eq(xa_erase(&xa, 2), OBJ(2));
	ck_assert(xa_empty(&xa));
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), xa_limit_32b, GFP_KERNEL),
			 0);
	ck_assert_uint_eq(id, 1);
	/* Index 0 can be stored to explicitly, and is never handed out. */
	ck_assert_ptr_null(xa_store(&xa, 0, OBJ(5), GFP_KERNEL));
	ck_assert_ptr_eq(xa_erase(&xa, 0), OBJ(5));
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(3), XA_LIMIT(0, 1),
				  GFP_KERNEL), -EBUSY);
	ck_assert_int_eq(xa_alloc_cyclic(&xa, &id, OBJ(3), xa_limit_32b, &next,
					 GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 2);
	ck_assert_uint_eq(next, 3);
	check_tree(&xa);
	xa_destroy(&xa);
}
END_TEST

START_TEST(test_xarray_alloc_limit_exhaustion)
{
	struct xarray xa;
	u32 id, i;

	xa_init_flags(&xa, XA_FLAGS_ALLOC);
	for (i = 10; i <= 20; i++) {
		ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(i), XA_LIMIT(10, 20),
					  GFP_KERNEL), 0);
		ck_assert_uint_eq(id, i);
	}
	id = 0xdead;
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), XA_LIMIT(10, 20),
				  GFP_KERNEL), -EBUSY);
	ck_assert_uint_eq(id, 0xdead);
	ck_assert_ptr_eq(xa_erase(&xa, 15), OBJ(15));
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), XA_LIMIT(10, 20),
				  GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 15);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), XA_LIMIT(10, 20),
				  GFP_KERNEL), -EBUSY);
	/* A reservation inside the limit counts as used. */
	ck_assert_ptr_eq(xa_erase(&xa, 12), OBJ(12));
	ck_assert_int_eq(xa_reserve(&xa, 12, GFP_KERNEL), 0);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), XA_LIMIT(10, 20),
				  GFP_KERNEL), -EBUSY);
	xa_release(&xa, 12);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), XA_LIMIT(10, 20),
				  GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 12);
	/* Empty and top-of-range limits. */
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), XA_LIMIT(5, 4),
				  GFP_KERNEL), -EBUSY);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), XA_LIMIT(U32_MAX, U32_MAX),
				  GFP_KERNEL), 0);
	ck_assert_uint_eq(id, U32_MAX);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), XA_LIMIT(U32_MAX, U32_MAX),
				  GFP_KERNEL), -EBUSY);
	check_tree(&xa);
	xa_destroy(&xa);

	/* Fill a whole 16-bit space. */
	xa_init_flags(&xa, XA_FLAGS_ALLOC);
	for (i = 0; i <= U16_MAX; i++) {
		int err = xa_alloc(&xa, &id, xa_mk_value(i), xa_limit_16b,
				   GFP_KERNEL);

		XA_EXPECT(!err && id == i, "alloc %u: err %d id %u", i, err,
			  id);
	}
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), xa_limit_16b, GFP_KERNEL),
			 -EBUSY);
	check_tree(&xa);
	ck_assert_ptr_eq(xa_erase(&xa, 40000), xa_mk_value(40000));
	ck_assert_ptr_eq(xa_erase(&xa, 7), xa_mk_value(7));
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), xa_limit_16b, GFP_KERNEL),
			 0);
	ck_assert_uint_eq(id, 7);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), xa_limit_16b, GFP_KERNEL),
			 0);
	ck_assert_uint_eq(id, 40000);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), xa_limit_16b, GFP_KERNEL),
			 -EBUSY);
	/* The next 16 bits are still free. */
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), xa_limit_31b, GFP_KERNEL),
			 0);
	ck_assert_uint_eq(id, U16_MAX + 1);
	check_tree(&xa);
	xa_destroy(&xa);
}
END_TEST

START_TEST(test_xarray_alloc_cyclic)
{
	struct xa_limit limit = XA_LIMIT(1, 5);
	struct xarray xa;
	u32 id, next = 0, i;

	xa_init_flags(&xa, XA_FLAGS_ALLOC);
	for (i = 1; i <= 5; i++) {
		ck_assert_int_eq(xa_alloc_cyclic(&xa, &id, OBJ(i), limit, &next,
						 GFP_KERNEL), 0);
		ck_assert_uint_eq(id, i);
		ck_assert_uint_eq(next, i + 1);
	}
	ck_assert_int_eq(xa_alloc_cyclic(&xa, &id, OBJ(9), limit, &next,
					 GFP_KERNEL), -EBUSY);
	ck_assert_uint_eq(next, 6);
	/* Wrapping back to the minimum returns 1. */
	xa_erase(&xa, 2);
	xa_erase(&xa, 4);
	ck_assert_int_eq(xa_alloc_cyclic(&xa, &id, OBJ(9), limit, &next,
					 GFP_KERNEL), 1);
	ck_assert_uint_eq(id, 2);
	ck_assert_uint_eq(next, 3);
	ck_assert_int_eq(xa_alloc_cyclic(&xa, &id, OBJ(9), limit, &next,
					 GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 4);
	ck_assert_uint_eq(next, 5);
	ck_assert_int_eq(xa_alloc_cyclic(&xa, &id, OBJ(9), limit, &next,
					 GFP_KERNEL), -EBUSY);
	/* From the minimum again when *next is taken or beyond the limit. */
	xa_erase(&xa, 3);
	ck_assert_int_eq(xa_alloc_cyclic(&xa, &id, OBJ(9), limit, &next,
					 GFP_KERNEL), 1);
	ck_assert_uint_eq(id, 3);
	xa_erase(&xa, 1);
	next = 100;
	ck_assert_int_eq(xa_alloc_cyclic(&xa, &id, OBJ(9), limit, &next,
					 GFP_KERNEL), 1);
	ck_assert_uint_eq(id, 1);
	ck_assert_uint_eq(next, 2);
	check_tree(&xa);
	xa_destroy(&xa);

	/* Running past U32_MAX is reported by the next allocation. */
	xa_init_flags(&xa, XA_FLAGS_ALLOC);
	next = U32_MAX - 1;
	ck_assert_int_eq(xa_alloc_cyclic(&xa, &id, OBJ(1), xa_limit_32b, &next,
					 GFP_KERNEL), 0);
	ck_assert_uint_eq(id, U32_MAX - 1);
	ck_assert_int_eq(xa_alloc_cyclic(&xa, &id, OBJ(2), xa_limit_32b, &next,
					 GFP_KERNEL), 0);
	ck_assert_uint_eq(id, U32_MAX);
	ck_assert_uint_eq(next, 0);
	ck_assert_int_eq(xa_alloc_cyclic(&xa, &id, OBJ(3), xa_limit_32b, &next,
					 GFP_KERNEL), 1);
	ck_assert_uint_eq(id, 0);
	ck_assert_uint_eq(next, 1);
	ck_assert_int_eq(xa_alloc_cyclic(&xa, &id, OBJ(4), xa_limit_32b, &next,
					 GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 1);
	ck_assert_uint_eq(tree_height(&xa), levels_for(U32_MAX));
	check_tree(&xa);
	xa_destroy(&xa);
}
END_TEST

START_TEST(test_xarray_alloc_misuse)
{
	const char *title;
	struct xarray xa;
	u32 id = 77;

	/* Only allocating arrays allocate. */
	xa_init(&xa);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), xa_limit_32b, GFP_KERNEL),
			 -EINVAL);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, &title);
	ck_assert_ptr_nonnull(strstr(title, "xarray.c"));
	ck_assert_uint_eq(id, 77);
	ck_assert(xa_empty(&xa));

	/* XA_MARK_0 belongs to the array in an allocating array. */
	xa_init_flags(&xa, XA_FLAGS_ALLOC);
	ck_assert_int_eq(xa_alloc(&xa, &id, OBJ(1), xa_limit_32b, GFP_KERNEL),
			 0);
	xa_set_mark(&xa, id, XA_MARK_0);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	xa_clear_mark(&xa, id, XA_FREE_MARK);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	check_tree(&xa);
	xa_set_mark(&xa, id, XA_MARK_1);
	ck_assert(xa_get_mark(&xa, id, XA_MARK_1));
	ck_assert(!xa_get_mark(&xa, id, XA_FREE_MARK));
	xa_destroy(&xa);
}
END_TEST

/* --- marks ------------------------------------------------------------ */

START_TEST(test_xarray_marks_basic)
{
	struct xarray xa;

	xa_init(&xa);
	ck_assert_ptr_null(xa_store(&xa, 5, OBJ(1), GFP_KERNEL));
	ck_assert(!xa_get_mark(&xa, 5, XA_MARK_0));
	xa_set_mark(&xa, 5, XA_MARK_0);
	ck_assert(xa_get_mark(&xa, 5, XA_MARK_0));
	ck_assert(!xa_get_mark(&xa, 5, XA_MARK_1));
	ck_assert(xa_marked(&xa, XA_MARK_0));
	ck_assert(!xa_marked(&xa, XA_MARK_1));
	/* An absent entry cannot be marked. */
	xa_set_mark(&xa, 6, XA_MARK_1);
	ck_assert(!xa_get_mark(&xa, 6, XA_MARK_1));
	ck_assert(!xa_marked(&xa, XA_MARK_1));
	xa_set_mark(&xa, 1UL << 40, XA_MARK_1);
	ck_assert_int_eq(check_tree(&xa), levels_for(5));
	/* Replacing keeps the marks, erasing drops them. */
	ck_assert_ptr_eq(xa_store(&xa, 5, OBJ(2), GFP_KERNEL), OBJ(1));
	ck_assert(xa_get_mark(&xa, 5, XA_MARK_0));
	xa_clear_mark(&xa, 5, XA_MARK_0);
	ck_assert(!xa_get_mark(&xa, 5, XA_MARK_0));
	ck_assert(!xa_marked(&xa, XA_MARK_0));
	xa_set_mark(&xa, 5, XA_MARK_1);
	xa_set_mark(&xa, 5, XA_MARK_2);
	ck_assert_ptr_eq(xa_erase(&xa, 5), OBJ(2));
	ck_assert(!xa_marked(&xa, XA_MARK_1) && !xa_marked(&xa, XA_MARK_2));
	ck_assert_ptr_null(xa_store(&xa, 5, OBJ(3), GFP_KERNEL));
	ck_assert(!xa_get_mark(&xa, 5, XA_MARK_1));
	ck_assert(!xa_get_mark(&xa, 5, XA_MARK_2));
	/* Clearing where nothing is marked is harmless. */
	xa_clear_mark(&xa, 5, XA_MARK_1);
	xa_clear_mark(&xa, 999, XA_MARK_1);
	/* A reserved entry takes a mark but is never found by it. */
	ck_assert_int_eq(xa_reserve(&xa, 9, GFP_KERNEL), 0);
	xa_set_mark(&xa, 9, XA_MARK_2);
	ck_assert(xa_get_mark(&xa, 9, XA_MARK_2));
	ck_assert(xa_marked(&xa, XA_MARK_2));
	ck_assert_uint_eq(count_entries(&xa, XA_MARK_2), 0);
	check_tree(&xa);
	xa_destroy(&xa);
}
END_TEST

START_TEST(test_xarray_for_each_marked)
{
	struct xarray xa;
	unsigned long i, index, n;
	void *entry;

	xa_init(&xa);
	for (i = 0; i < 3000; i++) {
		xa_store(&xa, i * 2, xa_mk_value(i), GFP_KERNEL);
		if (i % 3 == 0)
			xa_set_mark(&xa, i * 2, XA_MARK_1);
		if (i % 5 == 0)
			xa_set_mark(&xa, i * 2, XA_MARK_2);
		if (i % 7 == 0)
			xa_set_mark(&xa, i * 2, XA_MARK_0);
	}
	check_tree(&xa);
	n = 0;
	xa_for_each_marked(&xa, index, entry, XA_MARK_1) {
		ck_assert_uint_eq(index, n * 6);
		ck_assert_uint_eq(xa_to_value(entry), n * 3);
		n++;
	}
	ck_assert_uint_eq(n, 1000);
	n = 0;
	xa_for_each_marked(&xa, index, entry, XA_MARK_2) {
		ck_assert_uint_eq(index, n * 10);
		n++;
	}
	ck_assert_uint_eq(n, 600);
	ck_assert_uint_eq(count_entries(&xa, XA_MARK_0), 429);
	ck_assert_uint_eq(count_entries(&xa, XA_PRESENT), 3000);

	for (i = 0; i < 3000; i += 6)
		xa_clear_mark(&xa, i * 2, XA_MARK_1);
	n = 0;
	xa_for_each_marked(&xa, index, entry, XA_MARK_1) {
		ck_assert_uint_eq(xa_to_value(entry) % 6, 3);
		n++;
	}
	ck_assert_uint_eq(n, 500);
	for (i = 0; i < 3000; i += 5)
		xa_erase(&xa, i * 2);
	ck_assert_uint_eq(count_entries(&xa, XA_MARK_2), 0);
	ck_assert(!xa_marked(&xa, XA_MARK_2));
	ck_assert(xa_marked(&xa, XA_MARK_1));
	check_tree(&xa);
	xa_destroy(&xa);
}
END_TEST

START_TEST(test_xarray_marks_deep)
{
	const unsigned long low = 1UL << 33, base = 1UL << 62;
	struct xarray xa;
	unsigned long index, k;
	void *entry;

	xa_init(&xa);
	for (k = 0; k < 8; k++)
		xa_store(&xa, base + k * (1UL << 40), xa_mk_value(k),
			 GFP_KERNEL);
	xa_store(&xa, ULONG_MAX, OBJ(1), GFP_KERNEL);
	xa_store(&xa, 0, OBJ(2), GFP_KERNEL);
	xa_store(&xa, low, OBJ(3), GFP_KERNEL);
	xa_store(&xa, low + 1, OBJ(4), GFP_KERNEL);
	ck_assert_uint_eq(tree_height(&xa), XA_MAX_HEIGHT);
	xa_set_mark(&xa, ULONG_MAX, XA_MARK_1);
	xa_set_mark(&xa, low, XA_MARK_1);
	xa_set_mark(&xa, base + 5 * (1UL << 40), XA_MARK_2);
	check_tree(&xa);

	index = 0;
	ck_assert_ptr_eq(xa_find(&xa, &index, ULONG_MAX, XA_MARK_1), OBJ(3));
	ck_assert_uint_eq(index, low);
	ck_assert_ptr_eq(xa_find_after(&xa, &index, ULONG_MAX, XA_MARK_1),
			 OBJ(1));
	ck_assert_uint_eq(index, ULONG_MAX);
	ck_assert_ptr_null(xa_find_after(&xa, &index, ULONG_MAX, XA_MARK_1));
	ck_assert_uint_eq(index, ULONG_MAX);
	index = low + 1;
	ck_assert_ptr_null(xa_find(&xa, &index, ULONG_MAX - 1, XA_MARK_1));
	ck_assert_uint_eq(index, low + 1);
	index = 1;
	ck_assert_ptr_eq(xa_find(&xa, &index, ULONG_MAX, XA_MARK_2),
			 xa_mk_value(5));
	ck_assert_uint_eq(index, base + 5 * (1UL << 40));

	/* Clearing the only mark of a subtree clears it all the way up. */
	xa_clear_mark(&xa, low, XA_MARK_1);
	check_tree(&xa);
	index = 0;
	ck_assert_ptr_eq(xa_find(&xa, &index, ULONG_MAX, XA_MARK_1), OBJ(1));
	ck_assert_uint_eq(index, ULONG_MAX);
	/* Erasing a marked sibling's neighbour keeps the mark. */
	xa_set_mark(&xa, low + 1, XA_MARK_1);
	ck_assert_ptr_eq(xa_erase(&xa, low), OBJ(3));
	ck_assert(xa_get_mark(&xa, low + 1, XA_MARK_1));
	ck_assert_ptr_eq(xa_erase(&xa, ULONG_MAX), OBJ(1));
	ck_assert_ptr_eq(xa_erase(&xa, low + 1), OBJ(4));
	ck_assert(!xa_marked(&xa, XA_MARK_1));
	ck_assert(xa_marked(&xa, XA_MARK_2));
	ck_assert_uint_eq(count_entries(&xa, XA_MARK_2), 1);
	xa_for_each_marked(&xa, index, entry, XA_MARK_2)
		ck_assert_ptr_eq(entry, xa_mk_value(5));
	check_tree(&xa);
	xa_destroy(&xa);
}
END_TEST

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

START_TEST(test_xarray_marks_random_sparse)
{
	enum { N = 2000 };
	unsigned long *keys = malloc(N * sizeof(*keys));
	unsigned char *mk = calloc(N, 1);
	struct xarray xa;
	struct rng r;
	unsigned long index;
	unsigned int i, n, m;
	void *entry;

	rng_init(&r, ktest_seed("xarray marks_random_sparse"));
	ck_assert(keys && mk);
	for (i = 0; i < N; i++)
		keys[i] = rng_next(&r) >> (rng_next(&r) % 64);
	qsort(keys, N, sizeof(*keys), cmp_ulong);
	for (i = n = 0; i < N; i++)
		if (!n || keys[i] != keys[n - 1])
			keys[n++] = keys[i];
	xa_init(&xa);
	for (i = 0; i < n; i++) {
		xa_store(&xa, keys[i], xa_mk_value(i), GFP_KERNEL);
		mk[i] = rng_next(&r) & 7;
		for (m = 0; m < XA_MAX_MARKS; m++)
			if (mk[i] & BIT(m))
				xa_set_mark(&xa, keys[i], m);
	}
	check_tree(&xa);
	for (m = 0; m < XA_MAX_MARKS; m++) {
		i = 0;
		xa_for_each_marked(&xa, index, entry, m) {
			while (i < n && !(mk[i] & BIT(m)))
				i++;
			XA_EXPECT(i < n && keys[i] == index &&
				  entry == xa_mk_value(i),
				  "mark %u: got %#lx", m, index);
			i++;
		}
		while (i < n)
			XA_EXPECT(!(mk[i++] & BIT(m)), "mark %u: missed", m);
	}
	xa_destroy(&xa);
	free(keys);
	free(mk);
}
END_TEST

/* --- iter ------------------------------------------------------------- */

START_TEST(test_xarray_iterators)
{
	struct xarray xa;
	unsigned long i, index, n;
	void *entry, *dst[8];

	xa_init(&xa);
	for (i = 0; i < 100; i++)
		xa_store(&xa, i * 10, xa_mk_value(i * 10), GFP_KERNEL);
	n = 0;
	xa_for_each(&xa, index, entry) {
		ck_assert_uint_eq(index, n * 10);
		ck_assert_uint_eq(xa_to_value(entry), index);
		n++;
	}
	ck_assert_uint_eq(n, 100);
	n = 0;
	xa_for_each_start(&xa, index, entry, 505) {
		if (!n)
			ck_assert_uint_eq(index, 510);
		n++;
	}
	ck_assert_uint_eq(n, 49);
	n = 0;
	xa_for_each_range(&xa, index, entry, 100, 200)
		n++;
	ck_assert_uint_eq(n, 11);
	n = 0;
	xa_for_each_range(&xa, index, entry, 101, 109)
		n++;
	ck_assert_uint_eq(n, 0);

	index = 11;
	ck_assert_ptr_eq(xa_find(&xa, &index, ULONG_MAX, XA_PRESENT),
			 xa_mk_value(20));
	ck_assert_uint_eq(index, 20);
	ck_assert_ptr_eq(xa_find_after(&xa, &index, ULONG_MAX, XA_PRESENT),
			 xa_mk_value(30));
	ck_assert_uint_eq(index, 30);
	ck_assert_ptr_eq(xa_find(&xa, &index, ULONG_MAX, XA_PRESENT),
			 xa_mk_value(30));
	index = 995;
	ck_assert_ptr_null(xa_find(&xa, &index, ULONG_MAX, XA_PRESENT));
	ck_assert_uint_eq(index, 995);
	index = 50;
	ck_assert_ptr_null(xa_find(&xa, &index, 40, XA_PRESENT));
	ck_assert_uint_eq(index, 50);
	index = ULONG_MAX;
	ck_assert_ptr_null(xa_find_after(&xa, &index, ULONG_MAX, XA_PRESENT));

	ck_assert_uint_eq(xa_extract(&xa, dst, 15, 500, 8, XA_PRESENT), 8);
	for (i = 0; i < 8; i++)
		ck_assert_ptr_eq(dst[i], xa_mk_value(20 + i * 10));
	ck_assert_uint_eq(xa_extract(&xa, dst, 975, ULONG_MAX, 8, XA_PRESENT),
			  2);
	xa_set_mark(&xa, 300, XA_MARK_1);
	xa_set_mark(&xa, 700, XA_MARK_1);
	ck_assert_uint_eq(xa_extract(&xa, dst, 0, ULONG_MAX, 8, XA_MARK_1), 2);
	ck_assert_ptr_eq(dst[1], xa_mk_value(700));
	ck_assert_uint_eq(xa_extract(&xa, dst, 0, ULONG_MAX, 0, XA_PRESENT), 0);

	/* Erasing during the walk is allowed. */
	xa_for_each(&xa, index, entry)
		if (index % 20 == 0)
			ck_assert_ptr_eq(xa_erase(&xa, index), entry);
	n = 0;
	xa_for_each(&xa, index, entry) {
		ck_assert_uint_eq(index % 20, 10);
		n++;
	}
	ck_assert_uint_eq(n, 50);
	check_tree(&xa);
	xa_destroy(&xa);
}
END_TEST

START_TEST(test_xarray_iter_skips_zero)
{
	struct xarray xa;
	unsigned long index, n;
	void *entry, *dst[4];

	xa_init(&xa);
	xa_store(&xa, 1, OBJ(1), GFP_KERNEL);
	ck_assert_int_eq(xa_reserve(&xa, 2, GFP_KERNEL), 0);
	xa_store(&xa, 3, OBJ(3), GFP_KERNEL);
	ck_assert_int_eq(xa_reserve(&xa, 4, GFP_KERNEL), 0);
	ck_assert_int_eq(xa_reserve(&xa, ULONG_MAX, GFP_KERNEL), 0);
	n = 0;
	xa_for_each(&xa, index, entry) {
		ck_assert(index == 1 || index == 3);
		n++;
	}
	ck_assert_uint_eq(n, 2);
	index = 2;
	ck_assert_ptr_eq(xa_find(&xa, &index, ULONG_MAX, XA_PRESENT), OBJ(3));
	ck_assert_uint_eq(index, 3);
	ck_assert_ptr_null(xa_find_after(&xa, &index, ULONG_MAX, XA_PRESENT));
	ck_assert_uint_eq(index, 3);
	ck_assert_uint_eq(xa_extract(&xa, dst, 0, ULONG_MAX, 4, XA_PRESENT), 2);
	xa_set_mark(&xa, 2, XA_MARK_1);
	xa_set_mark(&xa, 3, XA_MARK_1);
	n = 0;
	xa_for_each_marked(&xa, index, entry, XA_MARK_1) {
		ck_assert_uint_eq(index, 3);
		n++;
	}
	ck_assert_uint_eq(n, 1);
	xa_erase(&xa, 1);
	xa_erase(&xa, 3);
	ck_assert(!xa_empty(&xa));
	ck_assert_uint_eq(count_entries(&xa, XA_PRESENT), 0);
	xa_release(&xa, 2);
	xa_release(&xa, 4);
	xa_release(&xa, ULONG_MAX);
	ck_assert(xa_empty(&xa));
	ck_assert_int_eq(check_tree(&xa), 0);
}
END_TEST

#define MILLION		1000000UL

START_TEST(test_xarray_million)
{
	struct xarray xa;
	unsigned long i, idx, index, n;
	double t0, t_store, t_load, t_iter, t_erase;
	void *entry, *old;

	xa_init(&xa);
	/* 999983 and 7919 are prime: i -> i * p mod 10^6 is a permutation. */
	t0 = now_s();
	for (i = 0; i < MILLION; i++) {
		idx = i * 999983UL % MILLION;
		old = xa_store(&xa, idx, xa_mk_value(idx), GFP_KERNEL);
		XA_EXPECT(!old, "store %lu returned %p", idx, old);
	}
	t_store = now_s();
	for (i = 0; i < MILLION; i++) {
		entry = xa_load(&xa, i);
		XA_EXPECT(entry == xa_mk_value(i), "load %lu: %p", i, entry);
	}
	t_load = now_s();
	n = 0;
	xa_for_each(&xa, index, entry) {
		XA_EXPECT(index == n && entry == xa_mk_value(n),
			  "iteration: %lu at step %lu", index, n);
		n++;
	}
	ck_assert_uint_eq(n, MILLION);
	t_iter = now_s();
	ck_assert_int_gt(check_tree(&xa), MILLION / XA_CHUNK_SIZE);
	for (i = 0; i < MILLION; i++) {
		idx = i * 7919UL % MILLION;
		old = xa_erase(&xa, idx);
		XA_EXPECT(old == xa_mk_value(idx), "erase %lu: %p", idx, old);
	}
	t_erase = now_s();
	ck_assert(xa_empty(&xa));
	ck_assert_int_eq(check_tree(&xa), 0);
	fprintf(stderr, "xarray million (%lu-slot nodes): store %.2fs, load %.2fs, iterate %.2fs, erase %.2fs, total %.2fs\n",
		XA_CHUNK_SIZE, t_store - t0, t_load - t_store,
		t_iter - t_load, t_erase - t_iter, t_erase - t0);
}
END_TEST

/* --- random ----------------------------------------------------------- */

/*
 * The oracle: a sorted pool of keys (all of 0..2047, powers of two and
 * their neighbours, the top of the index space, random 64-bit values) with
 * the raw entry (XA_ZERO_ENTRY for a reservation) and marks of each.  Keys
 * below 2048 sit at their own position, so allocation answers are cheap.
 */
#define RND_DENSE	2048U
#define RND_OPS		100000U
#define RND_CHECK_EVERY	1000U

struct rnd {
	struct rng rng;
	struct xarray xa;
	bool alloc;
	u32 next;			/* xa_alloc_cyclic cursor */
	unsigned int nkeys;
	unsigned long *keys;
	void **ent;
	unsigned char *marks;
	unsigned long used;		/* keys with a raw entry */
	unsigned long ops[16];
};

static void rnd_init(struct rnd *st, u64 seed, bool alloc)
{
	unsigned int i, n = 0, cap = RND_DENSE + 3 * 64 + 3 + 2048;

	memset(st, 0, sizeof(*st));
	rng_init(&st->rng, seed);
	st->alloc = alloc;
	st->keys = malloc(cap * sizeof(*st->keys));
	ck_assert_ptr_nonnull(st->keys);
	for (i = 0; i < RND_DENSE; i++)
		st->keys[n++] = i;
	for (i = 1; i < 64; i++) {
		st->keys[n++] = 1UL << i;
		st->keys[n++] = (1UL << i) - 1;
		st->keys[n++] = (1UL << i) + 1;
	}
	st->keys[n++] = ULONG_MAX;
	st->keys[n++] = ULONG_MAX - 1;
	st->keys[n++] = ULONG_MAX - XA_CHUNK_SIZE;
	while (n < cap)
		st->keys[n++] = rng_next(&st->rng) >> (rng_next(&st->rng) % 64);
	qsort(st->keys, n, sizeof(*st->keys), cmp_ulong);
	st->nkeys = 0;
	for (i = 0; i < n; i++)
		if (!st->nkeys || st->keys[i] != st->keys[st->nkeys - 1])
			st->keys[st->nkeys++] = st->keys[i];
	for (i = 0; i < RND_DENSE; i++)
		ck_assert_uint_eq(st->keys[i], i);
	st->ent = calloc(st->nkeys, sizeof(*st->ent));
	st->marks = calloc(st->nkeys, 1);
	ck_assert(st->ent && st->marks);
	xa_init_flags(&st->xa, alloc ? XA_FLAGS_ALLOC : 0);
}

static void rnd_fini(struct rnd *st)
{
	xa_destroy(&st->xa);
	free(st->keys);
	free(st->ent);
	free(st->marks);
}

/* First key position >= @index. */
static unsigned int rnd_lower_bound(const struct rnd *st, unsigned long index)
{
	unsigned int lo = 0, hi = st->nkeys;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (st->keys[mid] < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static unsigned int rnd_pos(struct rnd *st)
{
	if (rng_next(&st->rng) % 10 < 7)
		return rng_next(&st->rng) % RND_DENSE;
	return rng_next(&st->rng) % st->nkeys;
}

static void *rnd_entry(struct rnd *st)
{
	u64 r = rng_next(&st->rng);

	switch (r % 8) {
	case 0: case 1: case 2: case 3:
		return xa_mk_value((r >> 8) & 0xffffffffUL);
	case 7:
		return NULL;
	default:
		return OBJ(r >> 8);
	}
}

static xa_mark_t rnd_mark(struct rnd *st)
{
	if (st->alloc)
		return 1 + rng_next(&st->rng) % 2;
	return rng_next(&st->rng) % XA_MAX_MARKS;
}

/* Record @raw (NULL erases, which drops the marks) at key @pos. */
static void rnd_set(struct rnd *st, unsigned int pos, void *raw)
{
	if (!st->ent[pos] && raw)
		st->used++;
	else if (st->ent[pos] && !raw)
		st->used--;
	if (!raw)
		st->marks[pos] = 0;
	st->ent[pos] = raw;
}

static void *zero_to_null(void *entry)
{
	return xa_is_zero(entry) ? NULL : entry;
}

static bool rnd_visible(const struct rnd *st, unsigned int pos,
			xa_mark_t filter)
{
	void *e = st->ent[pos];

	if (!e || xa_is_zero(e))
		return false;
	return filter == XA_PRESENT || (st->marks[pos] & BIT(filter));
}

/* The oracle's answer to a search from @start up to @max. */
static int rnd_find(const struct rnd *st, unsigned long start,
		    unsigned long max, xa_mark_t filter)
{
	unsigned int pos;

	for (pos = rnd_lower_bound(st, start);
	     pos < st->nkeys && st->keys[pos] <= max; pos++)
		if (rnd_visible(st, pos, filter))
			return pos;
	return -1;
}

/* Lowest key position in [@lo, @hi] (dense keys only) without an entry. */
static int rnd_free(const struct rnd *st, u32 lo, u32 hi)
{
	u32 i;

	for (i = lo; i <= hi; i++)
		if (!st->ent[i])
			return i;
	return -1;
}

static void rnd_full_check(struct rnd *st)
{
	unsigned long index;
	unsigned int pos;
	xa_mark_t filter;
	void *entry;

	XA_EXPECT(kshim_xa_check(&st->xa, NULL) >= 0, "tree invariants");
	for (filter = 0; filter <= XA_PRESENT; filter++) {
		bool any = false;

		if (filter >= XA_MAX_MARKS && filter != XA_PRESENT)
			continue;
		if (st->alloc && filter == XA_FREE_MARK)
			continue;
		pos = 0;
		xa_for_each_marked(&st->xa, index, entry, filter) {
			while (pos < st->nkeys && !rnd_visible(st, pos, filter))
				pos++;
			XA_EXPECT(pos < st->nkeys && st->keys[pos] == index &&
				  st->ent[pos] == entry,
				  "filter %u: xarray has %#lx=%p, oracle %#lx=%p",
				  filter, index, entry,
				  pos < st->nkeys ? st->keys[pos] : 0,
				  pos < st->nkeys ? st->ent[pos] : NULL);
			pos++;
		}
		for (; pos < st->nkeys; pos++)
			XA_EXPECT(!rnd_visible(st, pos, filter),
				  "filter %u: %#lx missing", filter,
				  st->keys[pos]);
		if (filter == XA_PRESENT)
			continue;
		for (pos = 0; pos < st->nkeys; pos++)
			if (st->ent[pos] && (st->marks[pos] & BIT(filter)))
				any = true;
		XA_EXPECT(xa_marked(&st->xa, filter) == any,
			  "xa_marked(%u) wrong", filter);
	}
	XA_EXPECT(xa_empty(&st->xa) == !st->used, "xa_empty wrong");
	for (pos = 0; pos < st->nkeys; pos++) {
		entry = xa_load(&st->xa, st->keys[pos]);
		XA_EXPECT(entry == zero_to_null(st->ent[pos]),
			  "load %#lx: %p, oracle %p", st->keys[pos], entry,
			  st->ent[pos]);
	}
}

static void rnd_step(struct rnd *st)
{
	unsigned int pos = rnd_pos(st), r = rng_next(&st->rng) % 100;
	unsigned long key = st->keys[pos], index;
	void *old = st->ent[pos], *e, *got, *want;
	xa_mark_t mark;
	int err, q;

	if (r < 18) {				/* store */
		e = rnd_entry(st);
		got = xa_store(&st->xa, key, e, GFP_KERNEL);
		XA_EXPECT(got == zero_to_null(old), "store %#lx: %p, oracle %p",
			  key, got, old);
		rnd_set(st, pos, !e && st->alloc ? XA_ZERO_ENTRY : e);
		st->ops[0]++;
	} else if (r < 20) {			/* store a reservation */
		got = xa_store(&st->xa, key, XA_ZERO_ENTRY, GFP_KERNEL);
		XA_EXPECT(got == zero_to_null(old), "store zero %#lx", key);
		rnd_set(st, pos, XA_ZERO_ENTRY);
		st->ops[1]++;
	} else if (r < 30) {			/* erase */
		got = xa_erase(&st->xa, key);
		XA_EXPECT(got == zero_to_null(old), "erase %#lx: %p, oracle %p",
			  key, got, old);
		rnd_set(st, pos, NULL);
		st->ops[2]++;
	} else if (r < 37) {			/* insert */
		e = rnd_entry(st);
		err = xa_insert(&st->xa, key, e, GFP_KERNEL);
		XA_EXPECT(err == (old ? -EBUSY : 0), "insert %#lx: %d", key,
			  err);
		if (!old)
			rnd_set(st, pos, e ? e : XA_ZERO_ENTRY);
		st->ops[3]++;
	} else if (r < 46) {			/* cmpxchg */
		void *cmp;

		switch (rng_next(&st->rng) % 4) {
		case 0:
			cmp = old;
			break;
		case 1:
			cmp = NULL;
			break;
		case 2:
			cmp = XA_ZERO_ENTRY;
			break;
		default:
			cmp = rnd_entry(st);
			break;
		}
		e = rnd_entry(st);
		got = xa_cmpxchg(&st->xa, key, cmp, e, GFP_KERNEL);
		XA_EXPECT(got == zero_to_null(old), "cmpxchg %#lx: %p, oracle %p",
			  key, got, old);
		if (old == cmp)
			rnd_set(st, pos, e);
		st->ops[4]++;
	} else if (r < 49) {			/* reserve */
		err = xa_reserve(&st->xa, key, GFP_KERNEL);
		XA_EXPECT(!err, "reserve %#lx: %d", key, err);
		if (!old)
			rnd_set(st, pos, XA_ZERO_ENTRY);
		st->ops[5]++;
	} else if (r < 51) {			/* release */
		xa_release(&st->xa, key);
		if (xa_is_zero(old))
			rnd_set(st, pos, NULL);
		st->ops[6]++;
	} else if (r < 63) {			/* load */
		got = xa_load(&st->xa, key);
		XA_EXPECT(got == zero_to_null(old), "load %#lx: %p, oracle %p",
			  key, got, old);
		st->ops[7]++;
	} else if (r < 71) {			/* set a mark */
		mark = rnd_mark(st);
		xa_set_mark(&st->xa, key, mark);
		if (old)
			st->marks[pos] |= BIT(mark);
		st->ops[8]++;
	} else if (r < 76) {			/* clear a mark */
		mark = rnd_mark(st);
		xa_clear_mark(&st->xa, key, mark);
		st->marks[pos] &= ~BIT(mark);
		st->ops[9]++;
	} else if (r < 80) {			/* get a mark */
		mark = rnd_mark(st);
		XA_EXPECT(xa_get_mark(&st->xa, key, mark) ==
			  !!(st->marks[pos] & BIT(mark)),
			  "get_mark %#lx %u", key, mark);
		st->ops[10]++;
	} else if (r < 88) {			/* find, find_after */
		unsigned long max = rng_next(&st->rng) % 3 ? ULONG_MAX :
				    st->keys[rng_next(&st->rng) % st->nkeys];
		xa_mark_t filter = rng_next(&st->rng) % 3 ? rnd_mark(st) :
				   XA_PRESENT;
		bool after = rng_next(&st->rng) & 1;

		index = key;
		if (after) {
			got = xa_find_after(&st->xa, &index, max, filter);
			q = key == ULONG_MAX ? -1 :
			    rnd_find(st, key + 1, max, filter);
		} else {
			got = xa_find(&st->xa, &index, max, filter);
			q = rnd_find(st, key, max, filter);
		}
		want = q < 0 ? NULL : st->ent[q];
		XA_EXPECT(got == want && index == (q < 0 ? key : st->keys[q]),
			  "find%s(%#lx, %#lx, %u): %#lx=%p, oracle %#lx=%p",
			  after ? "_after" : "", key, max, filter, index, got,
			  q < 0 ? key : st->keys[q], want);
		st->ops[11]++;
	} else if (r < 91) {			/* extract */
		void *dst[16];
		unsigned int n = 1 + rng_next(&st->rng) % 16, i, got_n;

		got_n = xa_extract(&st->xa, dst, key, ULONG_MAX, n, XA_PRESENT);
		q = rnd_find(st, key, ULONG_MAX, XA_PRESENT);
		for (i = 0; i < got_n; i++) {
			XA_EXPECT(q >= 0 && dst[i] == st->ent[q],
				  "extract from %#lx: item %u", key, i);
			q = st->keys[q] == ULONG_MAX ? -1 :
			    rnd_find(st, st->keys[q] + 1, ULONG_MAX,
				     XA_PRESENT);
		}
		XA_EXPECT(got_n == n || q < 0, "extract from %#lx: %u of %u",
			  key, got_n, n);
		st->ops[12]++;
	} else if (st->alloc && r < 97) {	/* alloc */
		u32 lo = rng_next(&st->rng) % RND_DENSE, id = ~0U;
		u32 hi = min_t(u32, lo + rng_next(&st->rng) % 40,
			       RND_DENSE - 1);

		e = rnd_entry(st);
		q = rnd_free(st, lo, hi);
		err = xa_alloc(&st->xa, &id, e, XA_LIMIT(lo, hi), GFP_KERNEL);
		XA_EXPECT(err == (q < 0 ? -EBUSY : 0) &&
			  (q < 0 || id == (u32)q),
			  "alloc [%u, %u]: %d id %u, oracle %d", lo, hi, err,
			  id, q);
		if (q >= 0)
			rnd_set(st, q, e ? e : XA_ZERO_ENTRY);
		st->ops[13]++;
	} else if (st->alloc) {			/* alloc_cyclic */
		struct xa_limit limit = XA_LIMIT(0, RND_DENSE - 1);
		u32 id = ~0U, min = max_t(u32, limit.min, st->next);
		int want_ret = 0;

		e = rnd_entry(st);
		q = min <= limit.max ? rnd_free(st, min, limit.max) : -1;
		if (q < 0 && min > limit.min) {
			q = rnd_free(st, limit.min, limit.max);
			want_ret = 1;
		}
		err = xa_alloc_cyclic(&st->xa, &id, e, limit, &st->next,
				      GFP_KERNEL);
		XA_EXPECT(err == (q < 0 ? -EBUSY : want_ret) &&
			  (q < 0 || (id == (u32)q && st->next == id + 1)),
			  "alloc_cyclic: %d id %u, oracle %d", err, id, q);
		if (q >= 0)
			rnd_set(st, q, e ? e : XA_ZERO_ENTRY);
		st->ops[14]++;
	} else {				/* load next to a key */
		index = key + 1;	/* ULONG_MAX + 1 is 0, also a key */
		got = xa_load(&st->xa, index);
		q = rnd_lower_bound(st, index);
		want = q < (int)st->nkeys && st->keys[q] == index ?
		       zero_to_null(st->ent[q]) : NULL;
		XA_EXPECT(got == want, "load %#lx: %p, oracle %p", index, got,
			  want);
		st->ops[15]++;
	}
}

static void rnd_run(bool alloc, const char *name)
{
	struct rnd *st = malloc(sizeof(*st));
	unsigned int i;
	double t0;

	ck_assert_ptr_nonnull(st);
	rnd_init(st, ktest_seed(name), alloc);
	t0 = now_s();
	for (i = 1; i <= RND_OPS; i++) {
		rnd_step(st);
		if (i % RND_CHECK_EVERY == 0)
			rnd_full_check(st);
	}
	fprintf(stderr, "%s (%lu-slot nodes): %u ops, %lu entries at the end, %ld nodes, %.2fs; store %lu erase %lu insert %lu cmpxchg %lu alloc %lu find %lu\n",
		name, XA_CHUNK_SIZE, RND_OPS, st->used,
		kshim_xa_check(&st->xa, NULL), now_s() - t0, st->ops[0],
		st->ops[2], st->ops[3], st->ops[4], st->ops[13] + st->ops[14],
		st->ops[11]);
	rnd_fini(st);
	free(st);
}

START_TEST(test_xarray_random_plain)
{
	rnd_run(false, "xarray random_plain");
}
END_TEST

START_TEST(test_xarray_random_alloc)
{
	rnd_run(true, "xarray random_alloc");
}
END_TEST

/* --- errors ----------------------------------------------------------- */

START_TEST(test_xarray_internal_entries_refused)
{
	void *bad = (char *)OBJ(0) + 2;
	struct xarray xa, axa;
	const char *title;
	void *curr;
	u32 id;

	ck_assert(xa_is_internal(bad));
	ck_assert(!xa_is_err(bad));
	ck_assert(xa_is_err(XA_ERROR(-ENOMEM)));
	ck_assert_int_eq(xa_err(XA_ERROR(-EBUSY)), -EBUSY);
	ck_assert_int_eq(xa_err(NULL), 0);
	ck_assert_int_eq(xa_err(OBJ(1)), 0);
	ck_assert(!xa_is_err(XA_ZERO_ENTRY));

	xa_init(&xa);
	curr = xa_store(&xa, 1, bad, GFP_KERNEL);
	ck_assert(xa_is_err(curr));
	ck_assert_int_eq(xa_err(curr), -EINVAL);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, &title);
	ck_assert_ptr_nonnull(strstr(title, "xarray.c"));
	ck_assert(xa_empty(&xa));

	/* Every refusal warns, whatever the operation. */
	ck_assert_int_eq(xa_insert(&xa, 1, bad, GFP_KERNEL), -EINVAL);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	ck_assert_int_eq(xa_err(xa_cmpxchg(&xa, 1, NULL, bad, GFP_KERNEL)),
			 -EINVAL);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	ck_assert_int_eq(xa_err(xa_store(&xa, 1, XA_ERROR(-ENOMEM),
					 GFP_KERNEL)), -EINVAL);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	ck_assert_int_eq(xa_err(xa_store(&xa, 1, XA_RETRY_ENTRY, GFP_KERNEL)),
			 -EINVAL);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	ck_assert(xa_empty(&xa));

	/* A replaced entry is left alone by a refused store. */
	ck_assert_ptr_null(xa_store(&xa, 1, OBJ(1), GFP_KERNEL));
	ck_assert_int_eq(xa_err(xa_store(&xa, 1, bad, GFP_KERNEL)), -EINVAL);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	ck_assert_ptr_eq(xa_load(&xa, 1), OBJ(1));
	xa_destroy(&xa);

	xa_init_flags(&axa, XA_FLAGS_ALLOC);
	ck_assert_int_eq(xa_alloc(&axa, &id, bad, xa_limit_32b, GFP_KERNEL),
			 -EINVAL);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	ck_assert(xa_empty(&axa));
}
END_TEST

START_TEST(test_xarray_bad_marks)
{
	struct xarray xa;

	xa_init(&xa);
	xa_store(&xa, 1, OBJ(1), GFP_KERNEL);
	xa_set_mark(&xa, 1, 3);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	ck_assert(!xa_get_mark(&xa, 1, XA_PRESENT));
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	xa_clear_mark(&xa, 1, 7);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	ck_assert(xa_marked(&xa, XA_PRESENT));
	check_tree(&xa);
	xa_destroy(&xa);
}
END_TEST

/*
 * Fault injection.  A fixed sequence of operations runs against a small
 * model; with fail-nth set to N, the Nth node allocation fails, exactly one
 * operation must fail with -ENOMEM and change nothing, every other one
 * must succeed, and after each step the array must match the model.
 */
#define MODEL_MAX	64

struct model {
	unsigned int n;
	unsigned long idx[MODEL_MAX];
	void *ent[MODEL_MAX];		/* raw, XA_ZERO_ENTRY if reserved */
};

static int model_pos(const struct model *m, unsigned long index)
{
	unsigned int i;

	for (i = 0; i < m->n; i++)
		if (m->idx[i] == index)
			return i;
	return -1;
}

static void *model_get(const struct model *m, unsigned long index)
{
	int i = model_pos(m, index);

	return i < 0 ? NULL : m->ent[i];
}

static void model_set(struct model *m, unsigned long index, void *raw)
{
	int i = model_pos(m, index);
	unsigned int j;

	if (i >= 0 && raw) {
		m->ent[i] = raw;
	} else if (i >= 0) {
		memmove(&m->idx[i], &m->idx[i + 1],
			(m->n - i - 1) * sizeof(m->idx[0]));
		memmove(&m->ent[i], &m->ent[i + 1],
			(m->n - i - 1) * sizeof(m->ent[0]));
		m->n--;
	} else if (raw) {
		ck_assert_uint_lt(m->n, MODEL_MAX);
		for (j = m->n; j > 0 && m->idx[j - 1] > index; j--) {
			m->idx[j] = m->idx[j - 1];
			m->ent[j] = m->ent[j - 1];
		}
		m->idx[j] = index;
		m->ent[j] = raw;
		m->n++;
	}
}

/* The lowest index >= @min the model has no entry at. */
static unsigned long model_free(const struct model *m, unsigned long min)
{
	unsigned int i;

	for (i = 0; i < m->n; i++)
		if (m->idx[i] == min)
			min++;
		else if (m->idx[i] > min)
			break;
	return min;
}

static void model_verify(struct xarray *xa, const struct model *m)
{
	unsigned long index;
	unsigned int i = 0;
	void *entry;

	check_tree(xa);
	xa_for_each(xa, index, entry) {
		while (i < m->n && xa_is_zero(m->ent[i]))
			i++;
		ck_assert_uint_lt(i, m->n);
		ck_assert_uint_eq(index, m->idx[i]);
		ck_assert_ptr_eq(entry, m->ent[i]);
		i++;
	}
	for (; i < m->n; i++)
		ck_assert(xa_is_zero(m->ent[i]));
	for (i = 0; i < m->n; i++)
		ck_assert_ptr_eq(xa_load(xa, m->idx[i]),
				 zero_to_null(m->ent[i]));
	ck_assert(xa_empty(xa) == !m->n);
}

struct fault_cfg {
	const char *name;
	gfp_t flags;			/* of the array */
	gfp_t gfp;
	bool locked;			/* __xa_* under xa_lock */
};

static const struct fault_cfg fault_cfgs[] = {
	{ "plain GFP_KERNEL", 0, GFP_KERNEL, false },
	{ "plain __xa GFP_KERNEL", 0, GFP_KERNEL, true },
	{ "plain GFP_NOWAIT", 0, GFP_NOWAIT, false },
	{ "alloc GFP_KERNEL", XA_FLAGS_ALLOC, GFP_KERNEL, false },
	{ "alloc1 __xa GFP_ATOMIC", XA_FLAGS_ALLOC1, GFP_ATOMIC, true },
	{ "alloc __xa GFP_KERNEL", XA_FLAGS_ALLOC | XA_FLAGS_ACCOUNT,
	  GFP_KERNEL, true },
};

enum fault_op { F_STORE, F_INSERT, F_CMPXCHG, F_RESERVE, F_ERASE, F_ALLOC };

struct fault_step {
	enum fault_op op;
	unsigned long index;		/* F_ALLOC: the limit's minimum */
	unsigned int value;		/* xa_mk_value(); ~0U for NULL */
};

static const struct fault_step fault_steps[] = {
	{ F_STORE, 0, 1 },
	{ F_STORE, 5, 2 },
	{ F_ALLOC, 0, 3 },
	{ F_STORE, 64, 4 },
	{ F_STORE, 4096, 5 },
	{ F_ALLOC, 1U << 20, 6 },
	{ F_STORE, 1UL << 20, 7 },
	{ F_INSERT, 1UL << 33, 8 },
	{ F_STORE, 1UL << 40, 9 },
	{ F_CMPXCHG, 1UL << 45, 10 },
	{ F_RESERVE, 12345, 0 },
	{ F_STORE, ULONG_MAX, 11 },
	{ F_ALLOC, 0, ~0U },
	{ F_INSERT, 77, ~0U },
	{ F_STORE, 1000, 12 },
	{ F_ERASE, ULONG_MAX, 0 },
	{ F_STORE, (1UL << 62) + 7, 13 },
	{ F_ALLOC, 3000000000UL, 14 },
	{ F_STORE, 3, 15 },
};

/* Run one step as @cfg says; returns 0 or a negative errno. */
static int fault_do(struct xarray *xa, const struct fault_cfg *cfg,
		    const struct fault_step *s, struct model *m)
{
	bool track = cfg->flags & XA_FLAGS_TRACK_FREE;
	void *e = s->value == ~0U ? NULL : xa_mk_value(s->value);
	void *old = model_get(m, s->index), *got = NULL;
	unsigned long min;
	u32 id = 0;
	int err = 0;

	if (cfg->locked)
		xa_lock(xa);
	switch (s->op) {
	case F_STORE:
		got = cfg->locked ? __xa_store(xa, s->index, e, cfg->gfp) :
				    xa_store(xa, s->index, e, cfg->gfp);
		err = xa_err(got);
		if (!err) {
			ck_assert_ptr_eq(got, zero_to_null(old));
			model_set(m, s->index, !e && track ? XA_ZERO_ENTRY : e);
		}
		break;
	case F_INSERT:
		err = cfg->locked ? __xa_insert(xa, s->index, e, cfg->gfp) :
				    xa_insert(xa, s->index, e, cfg->gfp);
		if (!err) {
			ck_assert_ptr_null(old);
			model_set(m, s->index, e ? e : XA_ZERO_ENTRY);
		}
		break;
	case F_CMPXCHG:
		got = cfg->locked ?
		      __xa_cmpxchg(xa, s->index, NULL, e, cfg->gfp) :
		      xa_cmpxchg(xa, s->index, NULL, e, cfg->gfp);
		err = xa_err(got);
		if (!err) {
			ck_assert_ptr_null(got);
			model_set(m, s->index, e);
		}
		break;
	case F_RESERVE:
		err = cfg->locked ?
		      xa_err(__xa_cmpxchg(xa, s->index, NULL, XA_ZERO_ENTRY,
					  cfg->gfp)) :
		      xa_reserve(xa, s->index, cfg->gfp);
		if (!err)
			model_set(m, s->index, XA_ZERO_ENTRY);
		break;
	case F_ERASE:
		got = cfg->locked ? __xa_erase(xa, s->index) :
				    xa_erase(xa, s->index);
		ck_assert_ptr_eq(got, zero_to_null(old));
		model_set(m, s->index, NULL);
		break;
	case F_ALLOC:
		if (!track)
			break;
		err = cfg->locked ?
		      __xa_alloc(xa, &id, e, XA_LIMIT(s->index, U32_MAX),
				 cfg->gfp) :
		      xa_alloc(xa, &id, e, XA_LIMIT(s->index, U32_MAX),
			       cfg->gfp);
		if (!err) {
			min = s->index;
			if (!min && (cfg->flags & XA_FLAGS_ZERO_BUSY))
				min = 1;
			ck_assert_uint_eq(id, model_free(m, min));
			model_set(m, id, e ? e : XA_ZERO_ENTRY);
		}
		break;
	}
	if (cfg->locked) {
		ck_assert(lockdep_is_held(&xa->xa_lock));
		xa_unlock(xa);
	}
	return err;
}

START_TEST(test_xarray_fail_nth)
{
	const struct fault_cfg *cfg = &fault_cfgs[_i];
	unsigned long live = kshim_alloc_live();
	unsigned int nth, i, failures;
	struct xarray xa;
	struct model m;
	bool fired;

	for (nth = 1;; nth++) {
		ck_assert_uint_lt(nth, 10000);
		xa_init_flags(&xa, cfg->flags);
		memset(&m, 0, sizeof(m));
		failures = 0;
		kshim_fail_nth_set(nth);
		for (i = 0; i < ARRAY_SIZE(fault_steps); i++) {
			struct model before = m;
			int err = fault_do(&xa, cfg, &fault_steps[i], &m);

			if (err) {
				ck_assert_msg(err == -ENOMEM,
					      "%s nth %u step %u: %d",
					      cfg->name, nth, i, err);
				ck_assert_int_eq(memcmp(&before, &m, sizeof(m)),
						 0);
				failures++;
			}
			model_verify(&xa, &m);
		}
		fired = kshim_fail_nth_get() == 0;
		kshim_fail_nth_set(0);
		ck_assert_msg(failures == (fired ? 1U : 0U),
			      "%s nth %u: %u failures, fault %s", cfg->name,
			      nth, failures, fired ? "fired" : "not reached");
		xa_destroy(&xa);
		ck_assert_uint_eq(kshim_alloc_live(), live);
		if (!fired)
			break;
	}
	/* The sequence builds well over ten nodes. */
	ck_assert_uint_gt(nth, 10);
}
END_TEST

/* --- locking ---------------------------------------------------------- */

START_TEST(test_xarray_locked_variants)
{
	struct xarray xa, axa;
	unsigned long index, flags, n = 0;
	const char *title;
	void *entry, *p;
	u32 id, next = 0;

	xa_init(&xa);
	xa_lock(&xa);
	/* Needs a dozen nodes: the lock is dropped around the allocations. */
	ck_assert_ptr_null(__xa_store(&xa, 1UL << 40, OBJ(1), GFP_KERNEL));
	ck_assert(lockdep_is_held(&xa.xa_lock));
	/* An atomic gfp allocates under the lock. */
	ck_assert_ptr_null(__xa_store(&xa, 3, OBJ(2), GFP_ATOMIC));
	ck_assert_int_eq(__xa_insert(&xa, 4, OBJ(3), GFP_KERNEL), 0);
	ck_assert_int_eq(__xa_insert(&xa, 4, OBJ(3), GFP_KERNEL), -EBUSY);
	ck_assert_ptr_eq(__xa_cmpxchg(&xa, 4, OBJ(3), OBJ(4), GFP_KERNEL),
			 OBJ(3));
	__xa_set_mark(&xa, 4, XA_MARK_1);
	/* Readers work with the lock held. */
	ck_assert(xa_get_mark(&xa, 4, XA_MARK_1));
	ck_assert_ptr_eq(xa_load(&xa, 4), OBJ(4));
	xa_for_each(&xa, index, entry)
		n++;
	ck_assert_uint_eq(n, 3);
	__xa_clear_mark(&xa, 4, XA_MARK_1);
	ck_assert(!xa_get_mark(&xa, 4, XA_MARK_1));
	ck_assert_ptr_eq(__xa_erase(&xa, 4), OBJ(4));
	ck_assert(lockdep_is_held(&xa.xa_lock));
	xa_unlock(&xa);
	ck_assert_uint_eq(kshim_report_total(), 0);

	/* Control: a sleeping allocation under xa_lock is reported. */
	xa_lock(&xa);
	p = kmalloc(8, GFP_KERNEL);
	xa_unlock(&xa);
	kfree(p);
	ktest_expect_issues(KSHIM_ISSUE_ATOMIC_SLEEP, 1, &title);

	/* The irq and bh flavours. */
	xa_lock_irqsave(&xa, flags);
	ck_assert_ptr_null(__xa_store(&xa, 5, OBJ(5), GFP_KERNEL));
	xa_unlock_irqrestore(&xa, flags);
	ck_assert_ptr_null(xa_store_bh(&xa, 6, OBJ(6), GFP_KERNEL));
	ck_assert_ptr_null(xa_store_irq(&xa, 7, OBJ(7), GFP_KERNEL));
	ck_assert_int_eq(xa_insert_bh(&xa, 8, OBJ(8), GFP_KERNEL), 0);
	ck_assert_int_eq(xa_insert_irq(&xa, 8, OBJ(8), GFP_KERNEL), -EBUSY);
	ck_assert_ptr_eq(xa_cmpxchg_bh(&xa, 8, OBJ(8), OBJ(9), GFP_KERNEL),
			 OBJ(8));
	ck_assert_ptr_eq(xa_cmpxchg_irq(&xa, 8, OBJ(9), OBJ(8), GFP_KERNEL),
			 OBJ(9));
	ck_assert_int_eq(xa_reserve_bh(&xa, 9, GFP_KERNEL), 0);
	ck_assert_int_eq(xa_reserve_irq(&xa, 10, GFP_KERNEL), 0);
	ck_assert_ptr_eq(xa_erase_bh(&xa, 8), OBJ(8));
	ck_assert_ptr_eq(xa_erase_irq(&xa, 7), OBJ(7));
	xa_lock_bh(&xa);
	ck_assert_ptr_eq(__xa_erase(&xa, 6), OBJ(6));
	xa_unlock_bh(&xa);
	xa_lock_irq(&xa);
	ck_assert_ptr_eq(__xa_erase(&xa, 5), OBJ(5));
	xa_unlock_irq(&xa);
	ck_assert(xa_trylock(&xa));
	xa_unlock(&xa);
	check_tree(&xa);
	xa_destroy(&xa);

	/* Allocating arrays under the lock, with an irq-type lock. */
	xa_init_flags(&axa, XA_FLAGS_ALLOC | XA_FLAGS_LOCK_IRQ);
	xa_lock_irq(&axa);
	ck_assert_int_eq(__xa_alloc(&axa, &id, OBJ(1), XA_LIMIT(1U << 31,
								U32_MAX),
				    GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 1U << 31);
	ck_assert_int_eq(__xa_alloc_cyclic(&axa, &id, OBJ(2), xa_limit_32b,
					   &next, GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 0);
	ck_assert(lockdep_is_held(&axa.xa_lock));
	xa_unlock_irq(&axa);
	ck_assert_int_eq(xa_alloc_bh(&axa, &id, OBJ(3), xa_limit_32b,
				     GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 1);
	ck_assert_int_eq(xa_alloc_irq(&axa, &id, OBJ(4), xa_limit_32b,
				      GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 2);
	ck_assert_int_eq(xa_alloc_cyclic_bh(&axa, &id, OBJ(5), xa_limit_32b,
					    &next, GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 3);
	ck_assert_int_eq(xa_alloc_cyclic_irq(&axa, &id, OBJ(6), xa_limit_32b,
					     &next, GFP_KERNEL), 0);
	ck_assert_uint_eq(id, 4);
	check_tree(&axa);
	xa_destroy(&axa);
	ck_assert_uint_eq(kshim_report_total(), 0);
}
END_TEST

/*
 * A second task queues on xa_lock while we hold it.  The spinlock hands
 * itself to the longest waiter on unlock, so if __xa_store() drops the lock
 * to allocate, the waiter's critical section runs inside our call; if it
 * keeps the lock, the waiter stays parked until we unlock.
 */
struct drop_ctx {
	struct xarray xa;
	int ran;
};

static int drop_waiter(void *data)
{
	struct drop_ctx *c = data;

	xa_lock(&c->xa);
	__atomic_store_n(&c->ran, 1, __ATOMIC_SEQ_CST);
	/* Nothing new to allocate: the slot's leaf exists already. */
	if (__xa_store(&c->xa, 2, OBJ(9), GFP_ATOMIC))
		__atomic_store_n(&c->ran, -1, __ATOMIC_SEQ_CST);
	xa_unlock(&c->xa);
	return 0;
}

static void wait_until_blocked(struct task_struct *t)
{
	int i;

	for (i = 0; i < 20000; i++) {
		if (READ_ONCE(t->kshim.state) == KSHIM_TASK_BLOCKED)
			return;
		usleep(100);
	}
	ck_abort_msg("task %s never blocked", t->comm);
}

START_TEST(test_xarray_locked_store_drops_lock)
{
	struct drop_ctx *c = calloc(1, sizeof(*c));
	struct task_struct *t;
	gfp_t gfp = _i ? GFP_ATOMIC : GFP_KERNEL;

	ck_assert_ptr_nonnull(c);
	xa_init(&c->xa);
	ck_assert_ptr_null(xa_store(&c->xa, 1, OBJ(1), GFP_KERNEL));
	xa_lock(&c->xa);
	t = kshim_thread_run(drop_waiter, c, "xa-waiter");
	wait_until_blocked(t);
	/* Index 1UL << 40 needs new nodes. */
	ck_assert_ptr_null(__xa_store(&c->xa, 1UL << 40, OBJ(2), gfp));
	if (gfp == GFP_KERNEL) {
		ck_assert_int_eq(__atomic_load_n(&c->ran, __ATOMIC_SEQ_CST), 1);
		ck_assert_ptr_eq(xa_load(&c->xa, 2), OBJ(9));
	} else {
		ck_assert_int_eq(__atomic_load_n(&c->ran, __ATOMIC_SEQ_CST), 0);
		ck_assert_ptr_null(xa_load(&c->xa, 2));
	}
	ck_assert(lockdep_is_held(&c->xa.xa_lock));
	xa_unlock(&c->xa);
	ck_assert_int_eq(kshim_thread_join(t), 0);
	ck_assert_int_eq(c->ran, 1);
	ck_assert_ptr_eq(xa_load(&c->xa, 2), OBJ(9));
	ck_assert_ptr_eq(xa_load(&c->xa, 1UL << 40), OBJ(2));
	check_tree(&c->xa);
	xa_destroy(&c->xa);
	free(c);
}
END_TEST

START_TEST(test_xarray_unlocked_dunder_warns)
{
	const char *title;
	struct xarray xa;

	xa_init(&xa);
	ck_assert_ptr_null(__xa_store(&xa, 1, OBJ(1), GFP_KERNEL));
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, &title);
	ck_assert_ptr_nonnull(strstr(title, "xarray.c"));
	/* The store still happened, as in the kernel. */
	ck_assert_ptr_eq(xa_load(&xa, 1), OBJ(1));
	ck_assert_ptr_eq(__xa_erase(&xa, 1), OBJ(1));
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	__xa_set_mark(&xa, 1, XA_MARK_1);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	ck_assert(xa_empty(&xa));
}
END_TEST

START_TEST(test_xarray_might_alloc_in_atomic)
{
	const char *title;
	struct xarray xa;
	spinlock_t other;

	xa_init(&xa);
	spin_lock_init(&other);
	spin_lock(&other);
	/* An atomic gfp is fine under another spinlock... */
	ck_assert_ptr_null(xa_store(&xa, 1UL << 20, OBJ(1), GFP_ATOMIC));
	ck_assert_uint_eq(kshim_report_total(), 0);
	/* ... a blocking one is reported even when no node is needed. */
	ck_assert_ptr_eq(xa_store(&xa, 1UL << 20, OBJ(2), GFP_KERNEL), OBJ(1));
	spin_unlock(&other);
	ktest_expect_issues(KSHIM_ISSUE_ATOMIC_SLEEP, 1, &title);
	xa_destroy(&xa);
	kshim_spin_lock_destroy(&other);
}
END_TEST

/* Lockless readers against a writer, on real threads (free-run mode). */
struct race_ctx {
	struct xarray xa;
	int stop;
	u64 seed;
};

static unsigned long race_index(struct rng *r)
{
	u64 x = rng_next(r);

	return x & 1 ? x % 4096 : (x >> 1) % 64 + (1UL << 40);
}

static int race_writer(void *data)
{
	struct race_ctx *c = data;
	struct rng r;
	unsigned int i;
	int ret = 0;

	rng_init(&r, c->seed);
	for (i = 0; i < 30000 && !ret; i++) {
		unsigned long index = race_index(&r);

		if (rng_next(&r) % 3)
			ret = xa_err(xa_store(&c->xa, index,
					      xa_mk_value(index), GFP_KERNEL));
		else
			xa_erase(&c->xa, index);
	}
	__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
	return ret;
}

static int race_reader(void *data)
{
	struct race_ctx *c = data;
	unsigned long index;
	struct rng r;
	void *entry;

	rng_init(&r, c->seed ^ (uintptr_t)&r);
	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		index = race_index(&r);
		entry = xa_load(&c->xa, index);
		if (entry && entry != xa_mk_value(index))
			return -1;
		entry = xa_find(&c->xa, &index, ULONG_MAX, XA_PRESENT);
		if (entry && entry != xa_mk_value(index))
			return -2;
	}
	return 0;
}

START_TEST(test_xarray_lockless_readers)
{
	struct race_ctx *c = calloc(1, sizeof(*c));
	struct task_struct *w, *r1, *r2;

	ck_assert_ptr_nonnull(c);
	c->seed = ktest_seed("xarray lockless_readers");
	xa_init(&c->xa);
	r1 = kshim_thread_run(race_reader, c, "xa-reader1");
	r2 = kshim_thread_run(race_reader, c, "xa-reader2");
	w = kshim_thread_run(race_writer, c, "xa-writer");
	ck_assert_int_eq(kshim_thread_join(w), 0);
	ck_assert_int_eq(kshim_thread_join(r1), 0);
	ck_assert_int_eq(kshim_thread_join(r2), 0);
	check_tree(&c->xa);
	xa_destroy(&c->xa);
	free(c);
}
END_TEST

Suite *xarray_suite(void)
{
	Suite *s = suite_create("xarray");
	TCase *tc;

	tc = ktest_tcase("core");
	tcase_add_test(tc, test_xarray_empty_and_static);
	tcase_add_test(tc, test_xarray_store_load_erase);
	tcase_add_test(tc, test_xarray_grow_and_shrink);
	tcase_add_test(tc, test_xarray_store_null);
	tcase_add_test(tc, test_xarray_value_entries);
	tcase_add_test(tc, test_xarray_insert);
	tcase_add_test(tc, test_xarray_cmpxchg);
	tcase_add_test(tc, test_xarray_reserve_release);
	tcase_add_test(tc, test_xarray_destroy_frees_nodes);
	suite_add_tcase(s, tc);

	tc = ktest_tcase("alloc");
	tcase_add_test(tc, test_xarray_alloc_lowest_free);
	tcase_add_test(tc, test_xarray_alloc1_never_zero);
	tcase_add_test(tc, test_xarray_alloc_limit_exhaustion);
	tcase_add_test(tc, test_xarray_alloc_cyclic);
	tcase_add_test(tc, test_xarray_alloc_misuse);
	suite_add_tcase(s, tc);

	tc = ktest_tcase("marks");
	tcase_add_test(tc, test_xarray_marks_basic);
	tcase_add_test(tc, test_xarray_for_each_marked);
	tcase_add_test(tc, test_xarray_marks_deep);
	tcase_add_test(tc, test_xarray_marks_random_sparse);
	suite_add_tcase(s, tc);

	tc = ktest_tcase("iter");
	tcase_add_test(tc, test_xarray_iterators);
	tcase_add_test(tc, test_xarray_iter_skips_zero);
	tcase_add_test(tc, test_xarray_million);
	suite_add_tcase(s, tc);

	tc = ktest_tcase("random");
	tcase_add_test(tc, test_xarray_random_plain);
	tcase_add_test(tc, test_xarray_random_alloc);
	suite_add_tcase(s, tc);

	tc = ktest_tcase("errors");
	tcase_add_test(tc, test_xarray_internal_entries_refused);
	tcase_add_test(tc, test_xarray_bad_marks);
	tcase_add_loop_test(tc, test_xarray_fail_nth, 0,
			    ARRAY_SIZE(fault_cfgs));
	suite_add_tcase(s, tc);

	tc = ktest_tcase("locking");
	tcase_add_test(tc, test_xarray_locked_variants);
	tcase_add_loop_test(tc, test_xarray_locked_store_drops_lock, 0, 2);
	tcase_add_test(tc, test_xarray_unlocked_dunder_warns);
	tcase_add_test(tc, test_xarray_might_alloc_in_atomic);
	tcase_add_test(tc, test_xarray_lockless_readers);
	suite_add_tcase(s, tc);

	return s;
}

#ifdef XARRAY_TESTS_MAIN
/* xarray-small-tests: this suite alone, against 4-slot nodes. */
int main(void)
{
	static Suite *(*const suites[])(void) = { xarray_suite };

	return ktest_main(suites, ARRAY_SIZE(suites));
}
#endif
