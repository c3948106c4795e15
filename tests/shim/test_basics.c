// SPDX-License-Identifier: GPL-2.0
/*
 * Contracts of the small headers: kernel.h, err.h, overflow.h, bitops.h,
 * bitmap.h, log2.h, list.h, sizes.h.
 */
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include "ktest.h"
#include "shim_suites.h"

struct outer {
	int a;
	long b;
	struct list_head node;
};

START_TEST(test_basics_container_of_and_limits)
{
	struct outer o;
	int seven[7];

	ck_assert_ptr_eq(container_of(&o.node, struct outer, node), &o);
	ck_assert_ptr_eq(container_of(&o.b, struct outer, b), &o);
	ck_assert_uint_eq(U32_MAX, 0xffffffffu);
	ck_assert_uint_eq(U64_MAX, ~0ULL);
	ck_assert_int_eq(S32_MAX, 0x7fffffff);
	ck_assert_uint_eq(ULONG_MAX, ~0UL);
	ck_assert_uint_eq(PHYS_ADDR_MAX, ~0ULL);
	ck_assert_uint_eq(PAGE_SIZE, 4096);
	ck_assert_uint_eq(ARRAY_SIZE(seven), 7);
	ck_assert_uint_eq(SZ_2M, 2u << 20);
	ck_assert_uint_eq(SZ_4G, 1ULL << 32);
}
END_TEST

START_TEST(test_basics_min_max_align)
{
	unsigned long x = 5, y = 9;

	ck_assert_uint_eq(min(x, y), 5);
	ck_assert_uint_eq(max(x, y), 9);
	ck_assert_int_eq(min_t(int, -1, 3), -1);
	ck_assert_uint_eq(max_t(u32, 7, 0xffffffffu), 0xffffffffu);
	ck_assert_int_eq(clamp(15, 0, 10), 10);
	ck_assert_uint_eq(ALIGN(4097UL, 4096), 8192);
	ck_assert_uint_eq(ALIGN(4096UL, 4096), 4096);
	ck_assert_uint_eq(ALIGN_DOWN(8191UL, 4096), 4096);
	ck_assert(IS_ALIGNED(0x2000UL, 0x1000));
	ck_assert(!IS_ALIGNED(0x2800UL, 0x1000));
	ck_assert_uint_eq(round_up(5u, 4u), 8);
	ck_assert_uint_eq(round_down(5u, 4u), 4);
	ck_assert_uint_eq(DIV_ROUND_UP(10, 4), 3);
	ck_assert_uint_eq(roundup(10, 3), 12);
	ck_assert_uint_eq(upper_32_bits(0x123456789abcdef0ULL), 0x12345678);
	ck_assert_uint_eq(lower_32_bits(0x123456789abcdef0ULL), 0x9abcdef0);
	ck_assert_uint_eq(PAGE_ALIGN(1UL), PAGE_SIZE);
	ck_assert_int_eq(IS_ENABLED(CONFIG_IOMMUFD_TEST), 1);
	ck_assert_int_eq(IS_ENABLED(CONFIG_KSHIM_NOT_A_REAL_OPTION), 0);
}
END_TEST

START_TEST(test_basics_err_ptr)
{
	void *p = ERR_PTR(-ENOMEM);
	int dummy;

	ck_assert(IS_ERR(p));
	ck_assert_int_eq(PTR_ERR(p), -ENOMEM);
	ck_assert(IS_ERR(ERR_PTR(-MAX_ERRNO)));
	ck_assert(!IS_ERR(ERR_PTR(-MAX_ERRNO - 1)));
	ck_assert(!IS_ERR(&dummy));
	ck_assert(!IS_ERR(NULL));
	ck_assert(IS_ERR_OR_NULL(NULL));
	ck_assert(IS_ERR_OR_NULL(p));
	ck_assert_ptr_eq(ERR_CAST(p), p);
	ck_assert_int_eq(PTR_ERR_OR_ZERO(p), -ENOMEM);
	ck_assert_int_eq(PTR_ERR_OR_ZERO(&dummy), 0);
	ck_assert_int_eq(ENOIOCTLCMD, 515);
}
END_TEST

START_TEST(test_basics_overflow)
{
	u64 r64;
	u32 r32;
	unsigned long ul;

	ck_assert(!check_add_overflow((u64)1, (u64)2, &r64));
	ck_assert_uint_eq(r64, 3);
	ck_assert(check_add_overflow(U64_MAX, (u64)1, &r64));
	ck_assert_uint_eq(r64, 0);			/* wrapped result stored */
	ck_assert(check_add_overflow((u32)0xffffffff, (u32)2, &r32));
	ck_assert(check_sub_overflow(0UL, 1UL, &ul));
	ck_assert(check_mul_overflow(1UL << 33, 1UL << 33, &ul));
	ck_assert(!check_mul_overflow(1UL << 20, 1UL << 20, &ul));
	/* Mixed types: the destination type decides. */
	ck_assert(check_add_overflow(200, 100, (u8 *)&r32));
	ck_assert_uint_eq(size_mul(SIZE_MAX / 2, 3), SIZE_MAX);
	ck_assert_uint_eq(size_add(SIZE_MAX, 1), SIZE_MAX);
	ck_assert_uint_eq(array_size(3, 5), 15);
}
END_TEST

START_TEST(test_basics_bitops)
{
	ck_assert_uint_eq(BIT(0), 1);
	ck_assert_uint_eq(BIT(63), 1UL << 63);
	ck_assert_uint_eq(GENMASK(7, 4), 0xf0);
	ck_assert_uint_eq(GENMASK(63, 0), ~0UL);
	ck_assert_uint_eq(GENMASK_ULL(39, 32), 0xff00000000ULL);
	ck_assert_uint_eq(__ffs(0x80), 7);
	ck_assert_uint_eq(__fls(0x80), 7);
	ck_assert_uint_eq(__fls(~0UL), 63);
	ck_assert_int_eq(ffs(0), 0);
	ck_assert_int_eq(ffs(0x10), 5);
	ck_assert_int_eq(fls(0), 0);
	ck_assert_int_eq(fls(1), 1);
	ck_assert_int_eq(fls(0x80000000u), 32);
	ck_assert_int_eq(fls64(1ULL << 40), 41);
	ck_assert_uint_eq(ffz(0xff), 8);
	ck_assert_uint_eq(hweight64(0xf0f0), 8);
	ck_assert_uint_eq(BITS_TO_LONGS(65), 2);
}
END_TEST

START_TEST(test_basics_bit_ops_and_search)
{
	DECLARE_BITMAP(map, 200);
	unsigned long bit, n = 0;

	bitmap_zero(map, 200);
	ck_assert(bitmap_empty(map, 200));
	ck_assert_uint_eq(find_first_bit(map, 200), 200);
	set_bit(3, map);
	__set_bit(64, map);
	set_bit(199, map);
	ck_assert(test_bit(64, map));
	ck_assert(!test_bit(65, map));
	ck_assert(test_and_set_bit(3, map));
	ck_assert(!test_and_set_bit(4, map));
	ck_assert(test_and_clear_bit(4, map));
	ck_assert_uint_eq(find_first_bit(map, 200), 3);
	ck_assert_uint_eq(find_next_bit(map, 200, 4), 64);
	ck_assert_uint_eq(find_next_bit(map, 199, 65), 199);	/* size bound */
	ck_assert_uint_eq(find_last_bit(map, 200), 199);
	ck_assert_uint_eq(find_first_zero_bit(map, 200), 0);
	for_each_set_bit(bit, map, 200)
		n++;
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(bitmap_weight(map, 200), 3);
	ck_assert_uint_eq(bitmap_weight(map, 199), 2);

	bitmap_fill(map, 200);
	ck_assert(bitmap_full(map, 200));
	bitmap_clear(map, 10, 20);
	ck_assert_uint_eq(find_first_zero_bit(map, 200), 10);
	ck_assert_uint_eq(find_next_bit(map, 200, 10), 30);
	bitmap_zero(map, 200);
	bitmap_set(map, 0, 5);
	ck_assert_uint_eq(bitmap_find_next_zero_area(map, 200, 0, 4, 7), 8);
	ck_assert_uint_gt(bitmap_find_next_zero_area(map, 10, 0, 8, 0), 10 - 8);
}
END_TEST

START_TEST(test_basics_bitmap_alloc)
{
	unsigned long *a = bitmap_zalloc(130, GFP_KERNEL);
	unsigned long *b = bitmap_alloc(130, GFP_KERNEL);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert(bitmap_empty(a, 130));
	bitmap_copy(b, a, 130);
	ck_assert(bitmap_equal(a, b, 130));
	__set_bit(129, b);
	ck_assert(!bitmap_equal(a, b, 130));
	bitmap_or(a, a, b, 130);
	ck_assert(bitmap_equal(a, b, 130));
	bitmap_free(a);
	bitmap_free(b);
}
END_TEST

START_TEST(test_basics_log2)
{
	ck_assert_int_eq(ilog2(1), 0);
	ck_assert_int_eq(ilog2(4096), 12);
	ck_assert_int_eq(ilog2(4097), 12);
	ck_assert_int_eq(ilog2(1ULL << 63), 63);
	ck_assert(is_power_of_2(1));
	ck_assert(is_power_of_2(1UL << 40));
	ck_assert(!is_power_of_2(0));
	ck_assert(!is_power_of_2(6));
	ck_assert_uint_eq(roundup_pow_of_two(1), 1);
	ck_assert_uint_eq(roundup_pow_of_two(5), 8);
	ck_assert_uint_eq(roundup_pow_of_two(4096), 4096);
	ck_assert_uint_eq(rounddown_pow_of_two(5000), 4096);
	ck_assert_int_eq(order_base_2(0), 0);
	ck_assert_int_eq(order_base_2(1), 0);
	ck_assert_int_eq(order_base_2(5), 3);
	ck_assert_int_eq(order_base_2(8), 3);
}
END_TEST

START_TEST(test_basics_list)
{
	struct outer items[4];
	struct outer *pos, *n;
	LIST_HEAD(head);
	LIST_HEAD(other);
	int i, sum = 0;

	ck_assert(list_empty(&head));
	for (i = 0; i < 4; i++) {
		items[i].a = i;
		list_add_tail(&items[i].node, &head);
	}
	ck_assert_uint_eq(list_count_nodes(&head), 4);
	ck_assert_ptr_eq(list_first_entry(&head, struct outer, node), &items[0]);
	ck_assert_ptr_eq(list_last_entry(&head, struct outer, node), &items[3]);
	i = 0;
	list_for_each_entry(pos, &head, node)
		ck_assert_int_eq(pos->a, i++);
	list_for_each_entry_reverse(pos, &head, node)
		ck_assert_int_eq(pos->a, --i);
	list_del(&items[1].node);
	ck_assert_ptr_eq(items[1].node.next, LIST_POISON1);
	list_move(&items[3].node, &head);
	ck_assert_ptr_eq(list_first_entry(&head, struct outer, node), &items[3]);
	list_splice_init(&head, &other);
	ck_assert(list_empty(&head));
	ck_assert_uint_eq(list_count_nodes(&other), 3);
	list_for_each_entry_safe(pos, n, &other, node) {
		sum += pos->a;
		list_del_init(&pos->node);
	}
	ck_assert_int_eq(sum, 0 + 2 + 3);
	ck_assert(list_empty(&other));
	ck_assert_ptr_null(list_first_entry_or_null(&other, struct outer, node));
	list_add(&items[0].node, &other);
	ck_assert(list_is_singular(&other));
}
END_TEST

Suite *basics_suite(void)
{
	Suite *s = suite_create("basics");
	TCase *tc = ktest_tcase("core");

	tcase_add_test(tc, test_basics_container_of_and_limits);
	tcase_add_test(tc, test_basics_min_max_align);
	tcase_add_test(tc, test_basics_err_ptr);
	tcase_add_test(tc, test_basics_overflow);
	tcase_add_test(tc, test_basics_bitops);
	tcase_add_test(tc, test_basics_bit_ops_and_search);
	tcase_add_test(tc, test_basics_bitmap_alloc);
	tcase_add_test(tc, test_basics_log2);
	tcase_add_test(tc, test_basics_list);
	suite_add_tcase(s, tc);
	return s;
}
