// SPDX-License-Identifier: GPL-2.0
/*
 * GUP (linux/mm.h): pin counts, permissions, partial results, frames that
 * outlive the user's mapping, host memory, memfd files.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>
#include <kshim/fault.h>
#include <kshim/physmem.h>
#include <kshim/process.h>
#include <kshim/umem.h>
#include <kshim/world.h>
#include "ktest.h"
#include "mm_suites.h"

#define NPAGES	16

struct pin_fixture {
	struct kshim_process *p;
	struct kshim_umem *um;
	unsigned long u;
};

static void pin_begin(struct pin_fixture *f, unsigned long npages,
		      const struct kshim_umem_opts *opts)
{
	f->p = mmt_process("pin", 0);
	f->um = mmt_umem(f->p, npages, opts);
	f->u = (unsigned long)kshim_umem_addr(f->um);
	kshim_process_enter(f->p);
}

static void pin_end(struct pin_fixture *f)
{
	kshim_process_leave();
	kshim_umem_unmap(f->um);
	kshim_process_destroy(f->p);
}

START_TEST(test_pin_counts)
{
	struct page *pages[4], *again[4];
	struct pin_fixture f;
	int i;

	pin_begin(&f, 4, NULL);
	ck_assert_int_eq(pin_user_pages_fast(f.u, 4, FOLL_WRITE | FOLL_LONGTERM,
					     pages), 4);
	for (i = 0; i < 4; i++) {
		ck_assert_ptr_eq(pages[i], kshim_umem_frame(f.um, i));
		ck_assert_uint_eq(mmt_pins(pages[i]), 1);
		ck_assert(page_maybe_dma_pinned(pages[i]));
	}
	/* An unaligned start pins from its page. */
	ck_assert_int_eq(pin_user_pages_fast(f.u + 5, 4, 0, again), 4);
	ck_assert_ptr_eq(again[0], pages[0]);
	ck_assert_uint_eq(mmt_pins(pages[3]), 2);
	unpin_user_pages(again, 4);
	/* get_user_pages_fast takes plain references, not pins. */
	ck_assert_int_eq(get_user_pages_fast(f.u, 1, 0, again), 1);
	ck_assert_int_eq(page_ref_count(pages[0]),
			 GUP_PIN_COUNTING_BIAS + 2);
	put_page(again[0]);
	unpin_user_pages_dirty_lock(pages, 4, true);
	for (i = 0; i < 4; i++) {
		ck_assert_uint_eq(mmt_pins(pages[i]), 0);
		ck_assert(PageDirty(pages[i]));
		ClearPageDirty(pages[i]);
	}
	ck_assert_int_eq(pin_user_pages_fast(f.u, 0, 0, pages), 0);
	pin_end(&f);
}
END_TEST

/* A random sequence of pins and unpins against a model of the counts. */
START_TEST(test_pin_random_balance)
{
	uint64_t seed = ktest_seed("test_pin_random_balance");
	struct kshim_umem_opts opts = { .policy = KSHIM_PHYS_SCATTERED };
	struct held { unsigned long first; int n; struct page *pages[8]; };
	struct held held[64];
	unsigned int model[NPAGES] = {};
	struct pin_fixture f;
	int nheld = 0, step, i, j;

	pin_begin(&f, NPAGES, &opts);
	for (step = 0; step < 2000; step++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		if (nheld < 64 && (nheld == 0 || (seed >> 33) % 3)) {
			struct held *h = &held[nheld];
			unsigned int flags = (seed >> 40) & 1 ? FOLL_WRITE : 0;

			h->first = (seed >> 20) % NPAGES;
			h->n = 1 + (seed >> 50) % 8;
			if (h->first + h->n > NPAGES)
				h->n = NPAGES - h->first;
			if ((seed >> 45) & 1)
				ck_assert_int_eq(pin_user_pages_fast(
					f.u + h->first * PAGE_SIZE, h->n,
					flags | FOLL_LONGTERM, h->pages), h->n);
			else
				ck_assert_int_eq(pin_user_pages_remote(
					current->mm, f.u + h->first * PAGE_SIZE,
					h->n, flags, h->pages, &(int){ 0 }),
					h->n);
			for (j = 0; j < h->n; j++)
				model[h->first + j]++;
			nheld++;
		} else {
			i = (seed >> 24) % nheld;
			if ((seed >> 30) & 1)
				unpin_user_pages(held[i].pages, held[i].n);
			else
				for (j = 0; j < held[i].n; j++)
					unpin_user_page(held[i].pages[j]);
			for (j = 0; j < held[i].n; j++)
				model[held[i].first + j]--;
			held[i] = held[--nheld];
		}
		for (j = 0; j < NPAGES; j++)
			ck_assert_uint_eq(mmt_pins(kshim_umem_frame(f.um, j)),
					  model[j]);
	}
	while (nheld--)
		unpin_user_pages(held[nheld].pages, held[nheld].n);
	for (j = 0; j < NPAGES; j++)
		ck_assert_uint_eq(page_ref_count(kshim_umem_frame(f.um, j)), 1);
	pin_end(&f);
}
END_TEST

START_TEST(test_pin_read_only)
{
	struct kshim_umem_opts opts = { .prot = PROT_READ };
	struct pin_fixture f;
	struct page *pages[2];

	pin_begin(&f, 2, &opts);
	ck_assert_int_eq(pin_user_pages_fast(f.u, 2, FOLL_WRITE, pages),
			 -EFAULT);
	ck_assert_int_eq(pin_user_pages_fast(f.u, 2, FOLL_WRITE | FOLL_FORCE,
					     pages), -EFAULT);
	ck_assert_int_eq(pin_user_pages_fast(f.u, 2, FOLL_LONGTERM, pages), 2);
	unpin_user_pages(pages, 2);
	/* mprotect makes a writable mapping refuse FOLL_WRITE too. */
	ck_assert_int_eq(kshim_user_mprotect(f.p, f.u, PAGE_SIZE,
					     PROT_READ | PROT_WRITE), 0);
	ck_assert_int_eq(pin_user_pages_fast(f.u, 2, FOLL_WRITE, pages), 1);
	unpin_user_pages(pages, 1);
	ck_assert_int_eq(kshim_user_mprotect(f.p, f.u, 2 * PAGE_SIZE,
					     PROT_NONE), 0);
	ck_assert_int_eq(pin_user_pages_fast(f.u, 1, 0, pages), -EFAULT);
	ck_assert_int_eq(pin_user_pages_fast(f.u, 1, FOLL_FORCE, pages), 1);
	unpin_user_page(pages[0]);
	pin_end(&f);
}
END_TEST

START_TEST(test_pin_partial_and_unmapped)
{
	struct pin_fixture f;
	struct page *pages[4];
	int locked = 1;

	pin_begin(&f, 4, NULL);
	ck_assert_int_eq(kshim_user_munmap(f.p, f.u + 2 * PAGE_SIZE, PAGE_SIZE),
			 0);
	ck_assert_int_eq(pin_user_pages_fast(f.u, 4, FOLL_WRITE, pages), 2);
	unpin_user_pages(pages, 2);
	ck_assert_int_eq(pin_user_pages_fast(f.u + 2 * PAGE_SIZE, 2, 0, pages),
			 -EFAULT);
	ck_assert_int_eq(pin_user_pages_fast(f.u + 3 * PAGE_SIZE, 1, 0, pages),
			 1);
	unpin_user_page(pages[0]);
	ck_assert_int_eq(pin_user_pages_fast(0, 1, 0, pages), -EFAULT);
	ck_assert_int_eq(pin_user_pages_fast(TASK_SIZE_MAX, 1, 0, pages),
			 -EFAULT);
	ck_assert_int_eq(pin_user_pages_fast(~0UL & PAGE_MASK, 2, 0, pages),
			 -EOVERFLOW);
	/* The remote form with the caller holding mmap_lock. */
	mmap_read_lock(current->mm);
	ck_assert_int_eq(pin_user_pages_remote(current->mm, f.u, 4, 0, pages,
					       &locked), 2);
	ck_assert_int_eq(locked, 1);
	mmap_read_unlock(current->mm);
	unpin_user_pages(pages, 2);
	pin_end(&f);
}
END_TEST

START_TEST(test_pin_outlives_munmap)
{
	unsigned long used = kshim_phys_frames_used();
	struct pin_fixture f;
	struct page *page;
	unsigned long pfn;
	char *va;

	pin_begin(&f, 2, NULL);
	ck_assert_int_eq(pin_user_pages_fast(f.u + PAGE_SIZE, 1, FOLL_WRITE |
					     FOLL_LONGTERM, &page), 1);
	strcpy((char *)f.u + PAGE_SIZE, "before unmap");
	pfn = page_to_pfn(page);
	kshim_process_leave();
	kshim_umem_unmap(f.um);
	/* The user's address is gone... */
	kshim_process_enter(f.p);
	ck_assert_int_eq(pin_user_pages_fast(f.u + PAGE_SIZE, 1, 0, &page),
			 -EFAULT);
	/* ...the frame is not: readable and writable for "DMA". */
	page = pfn_to_page(pfn);
	ck_assert(pfn_valid(pfn));
	va = page_address(page);
	ck_assert_str_eq(va, "before unmap");
	strcpy(va, "after unmap");
	ck_assert_str_eq((char *)phys_to_virt(PFN_PHYS(pfn)), "after unmap");
	ck_assert_uint_eq(mmt_pins(page), 1);
	unpin_user_page(page);
	ck_assert(!pfn_valid(pfn));
	ck_assert_uint_eq(kshim_phys_frames_used(), used);
	kshim_process_leave();
	kshim_process_destroy(f.p);
}
END_TEST

START_TEST(test_pin_host_memory)
{
	struct page *pages[3], *again;
	char *buf, *ro;
	int i;

	ck_assert_int_eq(posix_memalign((void **)&buf, PAGE_SIZE,
					3 * PAGE_SIZE), 0);
	memset(buf, 0x3c, 3 * PAGE_SIZE);
	ck_assert_int_eq(pin_user_pages_fast((unsigned long)buf, 3,
					     FOLL_WRITE | FOLL_LONGTERM, pages),
			 3);
	for (i = 0; i < 3; i++) {
		ck_assert(kshim_page_is_foreign(pages[i]));
		ck_assert_ptr_eq(page_address(pages[i]), buf + i * PAGE_SIZE);
		ck_assert_uint_eq(mmt_pins(pages[i]), 1);
	}
	/* The same host page is the same frame. */
	ck_assert_int_eq(pin_user_pages_fast((unsigned long)buf + PAGE_SIZE, 1,
					     0, &again), 1);
	ck_assert_ptr_eq(again, pages[1]);
	ck_assert_uint_eq(mmt_pins(pages[1]), 2);
	unpin_user_page(again);
	unpin_user_pages(pages, 3);
	ck_assert_uint_eq(kshim_phys_frames_used(), 0);
	free(buf);

	ro = mmap(NULL, 2 * PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	ck_assert_ptr_ne(ro, MAP_FAILED);
	ck_assert_int_eq(pin_user_pages_fast((unsigned long)ro, 1, FOLL_WRITE,
					     pages), -EFAULT);
	ck_assert_int_eq(pin_user_pages_fast((unsigned long)ro, 2, 0, pages),
			 2);
	unpin_user_pages(pages, 2);
	munmap(ro + PAGE_SIZE, PAGE_SIZE);
	ck_assert_int_eq(pin_user_pages_fast((unsigned long)ro, 2, 0, pages),
			 1);
	unpin_user_page(pages[0]);
	munmap(ro, PAGE_SIZE);
	ck_assert_int_eq(pin_user_pages_fast((unsigned long)ro, 1, 0, pages),
			 -EFAULT);
}
END_TEST

START_TEST(test_pin_other_process_and_exit)
{
	struct kshim_process *a = mmt_process("a", 0), *b = mmt_process("b", 0);
	struct kshim_umem *um = mmt_umem(a, 2, NULL);
	unsigned long u = (unsigned long)kshim_umem_addr(um);
	struct mm_struct *mm = kshim_process_mm(a);
	struct page *pages[2];
	int locked = 0;

	kshim_process_enter(b);
	ck_assert_int_eq(pin_user_pages_fast(u, 1, 0, pages), -EFAULT);
	/* b pins from a's address space by name, as iommufd does. */
	ck_assert(mmget_not_zero(mm));
	ck_assert_int_eq(pin_user_pages_remote(mm, u, 2, FOLL_WRITE, pages,
					       &locked), 2);
	ck_assert_int_eq(locked, 0);
	mmput(mm);
	kshim_process_leave();
	mmgrab(mm);
	kshim_process_destroy(a);
	ck_assert(!mmget_not_zero(mm));
	/* The pinned frames survive the exit. */
	ck_assert_uint_eq(mmt_pins(pages[1]), 1);
	unpin_user_pages(pages, 2);
	mmdrop(mm);
	kshim_umem_unmap(um);
	kshim_process_destroy(b);
}
END_TEST

START_TEST(test_pin_fault_injection)
{
	struct pin_fixture f;
	struct page *page;

	pin_begin(&f, 1, NULL);
	kshim_fail_nth_set(1);
	ck_assert_int_eq(pin_user_pages_fast(f.u, 1, 0, &page), -ENOMEM);
	ck_assert_int_eq(pin_user_pages_fast(f.u, 1, 0, &page), 1);
	unpin_user_page(page);
	pin_end(&f);
}
END_TEST

START_TEST(test_pin_placement)
{
	struct kshim_umem_opts contig = { .policy = KSHIM_PHYS_CONTIGUOUS };
	struct kshim_umem_opts scat = { .policy = KSHIM_PHYS_SCATTERED };
	struct kshim_process *p = mmt_process("place", 0);
	struct kshim_umem *a = mmt_umem(p, 8, &contig);
	struct kshim_umem *b = mmt_umem(p, 8, &scat);
	struct page *pa[8], *pb[8];
	int i;

	kshim_process_enter(p);
	ck_assert_int_eq(pin_user_pages_fast((unsigned long)kshim_umem_addr(a),
					     8, 0, pa), 8);
	ck_assert_int_eq(pin_user_pages_fast((unsigned long)kshim_umem_addr(b),
					     8, 0, pb), 8);
	for (i = 1; i < 8; i++) {
		ck_assert_uint_eq(page_to_pfn(pa[i]), page_to_pfn(pa[0]) + i);
		ck_assert_uint_ne(page_to_pfn(pb[i]), page_to_pfn(pb[i - 1]) + 1);
	}
	unpin_user_pages(pa, 8);
	unpin_user_pages(pb, 8);
	kshim_process_leave();
	kshim_umem_unmap(a);
	kshim_umem_unmap(b);
	kshim_process_destroy(p);
}
END_TEST

START_TEST(test_pin_memfd)
{
	struct kshim_memfd *f = kshim_memfd_create(3 * PAGE_SIZE + 100,
						   KSHIM_PHYS_CONTIGUOUS, "file");
	struct kshim_process *p = mmt_process("mf", 0);
	struct kshim_umem *view;
	struct page *pages[4];
	char *u;

	ck_assert(!IS_ERR(f));
	ck_assert_uint_eq(kshim_memfd_size(f), 3 * PAGE_SIZE + 100);
	ck_assert_ptr_eq(kshim_memfd_lookup(kshim_memfd_fd(f)), f);
	kshim_memfd_put(f);
	ck_assert_ptr_null(kshim_memfd_lookup(-1));
	ck_assert_int_eq(kshim_memfd_pin_pages(f, 1, 3, pages, true), 3);
	ck_assert_int_eq(kshim_memfd_pin_pages(f, 2, 3, pages + 3, true),
			 -EINVAL);
	/* A user mapping of the file sees what the pinned frames hold. */
	view = kshim_memfd_mmap(p, f, PAGE_SIZE, 2 * PAGE_SIZE,
				PROT_READ | PROT_WRITE);
	ck_assert(!IS_ERR(view));
	u = kshim_umem_addr(view);
	strcpy(page_address(pages[0]), "file page 1");
	ck_assert_str_eq(u, "file page 1");
	ck_assert_ptr_eq(kshim_umem_frame(view, 1), pages[1]);
	kshim_process_enter(p);
	ck_assert_int_eq(pin_user_pages_fast((unsigned long)u + PAGE_SIZE, 1,
					     FOLL_WRITE, pages + 3), 1);
	ck_assert_ptr_eq(pages[3], pages[1]);
	ck_assert_uint_eq(mmt_pins(pages[1]), 2);
	kshim_process_leave();
	/* The file goes first; its pinned frames stay. */
	kshim_memfd_put(f);
	kshim_umem_unmap(view);
	ck_assert_str_eq((char *)page_address(pages[0]), "file page 1");
	unpin_user_pages(pages, 4);
	kshim_process_destroy(p);
	ck_assert_uint_eq(kshim_phys_frames_used(), 0);
}
END_TEST

START_TEST(test_pin_bad_args)
{
	struct pin_fixture f;
	struct page *page;

	pin_begin(&f, 1, NULL);
	ck_assert_int_eq(pin_user_pages_fast(f.u, 1, FOLL_GET, &page),
			 -EINVAL);
	ck_assert_int_eq(pin_user_pages_fast(f.u, 1, FOLL_LONGTERM, NULL),
			 -EINVAL);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 2, NULL);
	ck_assert_int_eq(pin_user_pages_fast(f.u, -1, 0, &page), -EINVAL);
	pin_end(&f);
}
END_TEST

Suite *pin_suite(void)
{
	Suite *s = suite_create("pin");
	TCase *tc = ktest_tcase("pin");

	tcase_add_test(tc, test_pin_counts);
	tcase_add_test(tc, test_pin_random_balance);
	tcase_add_test(tc, test_pin_read_only);
	tcase_add_test(tc, test_pin_partial_and_unmapped);
	tcase_add_test(tc, test_pin_outlives_munmap);
	tcase_add_test(tc, test_pin_host_memory);
	tcase_add_test(tc, test_pin_other_process_and_exit);
	tcase_add_test(tc, test_pin_fault_injection);
	tcase_add_test(tc, test_pin_placement);
	tcase_add_test(tc, test_pin_memfd);
	tcase_add_test(tc, test_pin_bad_args);
	suite_add_tcase(s, tc);
	return s;
}
