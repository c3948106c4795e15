// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated physical memory (kshim/physmem.h, linux/mm.h).
 */
#include <stdlib.h>
#include <string.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <kshim/fault.h>
#include <kshim/physmem.h>
#include <kshim/world.h>
#include "ktest.h"
#include "shim_suites.h"

START_TEST(test_physmem_alloc_pages_contiguous_aligned)
{
	struct page *p = alloc_pages(GFP_KERNEL | __GFP_ZERO, 3);
	unsigned long pfn, i;
	char *va;

	ck_assert_ptr_nonnull(p);
	pfn = page_to_pfn(p);
	ck_assert_uint_ge(pfn, KSHIM_PHYS_PFN_BASE);
	ck_assert_uint_eq(pfn % 8, 0);		/* buddy alignment */
	ck_assert_ptr_eq(pfn_to_page(pfn), p);
	for (i = 0; i < 8; i++) {
		ck_assert(pfn_valid(pfn + i));
		ck_assert_ptr_eq(page_address(p + i),
				 (char *)page_address(p) + i * PAGE_SIZE);
	}
	va = page_address(p);
	ck_assert_int_eq(va[8 * PAGE_SIZE - 1], 0);
	va[5000] = 0x5a;
	ck_assert_int_eq(*(char *)phys_to_virt(page_to_phys(p) + 5000), 0x5a);
	ck_assert_ptr_eq(virt_to_page(va + 5000), p + 1);
	ck_assert_uint_eq(kshim_phys_frames_used(), 8);
	__free_pages(p, 3);
	ck_assert(!pfn_valid(pfn));
	ck_assert_uint_eq(kshim_phys_frames_used(), 0);
}
END_TEST

START_TEST(test_physmem_get_free_page)
{
	unsigned long addr = get_zeroed_page(GFP_KERNEL);
	struct page *p;

	ck_assert_uint_ne(addr, 0);
	ck_assert_uint_eq(addr % PAGE_SIZE, 0);
	ck_assert_int_eq(((char *)addr)[100], 0);
	p = virt_to_page((void *)addr);
	ck_assert_ptr_eq(page_address(p), (void *)addr);
	ck_assert_int_eq(page_ref_count(p), 1);
	get_page(p);
	free_page(addr);		/* our extra reference keeps it */
	ck_assert(pfn_valid(page_to_pfn(p)));
	put_page(p);
	ck_assert_uint_eq(kshim_phys_frames_used(), 0);
}
END_TEST

START_TEST(test_physmem_alloc_fault_injection)
{
	kshim_fail_nth_set(1);
	ck_assert_ptr_null(alloc_page(GFP_KERNEL));
	ck_assert_uint_eq(kshim_fail_nth_get(), 0);
	ck_assert_uint_eq(kshim_phys_frames_used(), 0);
}
END_TEST

static struct kshim_phys_seg *make_seg(unsigned long n,
				       enum kshim_phys_policy policy)
{
	int err;
	struct kshim_phys_seg *seg = kshim_phys_seg_create(n, policy, "t",
							   &err);

	ck_assert_msg(seg, "segment creation failed: %d", err);
	return seg;
}

START_TEST(test_physmem_user_segment_policies)
{
	struct kshim_phys_seg *c = make_seg(1024, KSHIM_PHYS_CONTIGUOUS);
	struct kshim_phys_seg *h = make_seg(1536, KSHIM_PHYS_CHUNK_2M);
	struct kshim_phys_seg *s = make_seg(1024, KSHIM_PHYS_SCATTERED);
	unsigned long i;

	/* Contiguous: one run, 2 MiB aligned since it is that large. */
	ck_assert_uint_eq(c->pfns[0] % 512, 0);
	for (i = 1; i < 1024; i++)
		ck_assert_uint_eq(c->pfns[i], c->pfns[0] + i);
	/* 2M chunks: runs of 512 consecutive frames, each aligned. */
	for (i = 0; i < 1536; i++) {
		if (i % 512 == 0)
			ck_assert_uint_eq(h->pfns[i] % 512, 0);
		else
			ck_assert_uint_eq(h->pfns[i], h->pfns[i - 1] + 1);
	}
	/* Scattered: no page is next to its neighbour's frame. */
	for (i = 1; i < 1024; i++) {
		ck_assert_uint_ne(s->pfns[i], s->pfns[i - 1] + 1);
		ck_assert_uint_ne(s->pfns[i], s->pfns[i - 1] - 1);
	}
	ck_assert_uint_eq(kshim_phys_frames_used(), 1024 + 1536 + 1024);
	kshim_phys_seg_put(c);
	kshim_phys_seg_put(h);
	kshim_phys_seg_put(s);
	ck_assert_uint_eq(kshim_phys_frames_used(), 0);
	ck_assert_uint_eq(kshim_phys_segments_live(), 0);
}
END_TEST

START_TEST(test_physmem_layout_is_seeded)
{
	struct kshim_world_config cfg = { .seed = 7 };
	struct kshim_phys_seg *s;
	unsigned long first[16];
	int i;

	kshim_world_begin(&cfg);
	s = make_seg(16, KSHIM_PHYS_SCATTERED);
	memcpy(first, s->pfns, sizeof(first));
	kshim_phys_seg_put(s);
	kshim_world_begin(&cfg);
	s = make_seg(16, KSHIM_PHYS_SCATTERED);
	for (i = 0; i < 16; i++)
		ck_assert_uint_eq(s->pfns[i], first[i]);
	kshim_phys_seg_put(s);
}
END_TEST

START_TEST(test_physmem_referenced_page_outlives_segment)
{
	struct kshim_phys_seg *seg = make_seg(4, KSHIM_PHYS_CONTIGUOUS);
	struct page *p = kshim_phys_seg_page(seg, 2);
	char *direct = page_address(p);

	memcpy(direct, "dma", 4);
	get_page(p);			/* e.g. a pin */
	kshim_phys_seg_put(seg);	/* the owner lets go */
	/* The referenced frame is still allocated and readable. */
	ck_assert(pfn_valid(page_to_pfn(p)));
	ck_assert_str_eq(page_address(p), "dma");
	ck_assert_uint_eq(kshim_phys_frames_used(), 4);
	put_page(p);
	ck_assert_uint_eq(kshim_phys_frames_used(), 0);
}
END_TEST

START_TEST(test_physmem_leak_is_audited)
{
	struct page *p = alloc_page(GFP_KERNEL);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int problems = kshim_world_audit(out);

	fclose(out);
	ck_assert_int_ge(problems, 1);
	ck_assert_ptr_nonnull(strstr(buf, "frame(s)"));
	free(buf);
	__free_page(p);
}
END_TEST

Suite *physmem_suite(void)
{
	Suite *s = suite_create("physmem");
	TCase *tc = ktest_tcase("core");

	tcase_add_test(tc, test_physmem_alloc_pages_contiguous_aligned);
	tcase_add_test(tc, test_physmem_get_free_page);
	tcase_add_test(tc, test_physmem_alloc_fault_injection);
	tcase_add_test(tc, test_physmem_user_segment_policies);
	tcase_add_test(tc, test_physmem_layout_is_seeded);
	tcase_add_test(tc, test_physmem_referenced_page_outlives_segment);
	tcase_add_test(tc, test_physmem_leak_is_audited);
	suite_add_tcase(s, tc);
	return s;
}
