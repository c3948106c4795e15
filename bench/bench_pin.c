// SPDX-License-Identifier: GPL-2.0
/*
 * bench-pin: the cost of GUP on simulator-allocated user memory.
 *
 * Pins and unpins 1 GiB (or the MiB given as the first argument) of 4 KiB
 * pages that the user has already touched (kshim_umem_alloc() then a write
 * to every page), in batches of 512 pages with FOLL_WRITE | FOLL_LONGTERM
 * as iommufd does.  The first pin pass includes each page's first touch
 * through the software fault path; the second is the steady state.
 *
 * The floor, measured in the same run: touch each page (one load) and
 * write one 8-byte entry (what a GUP loop does at the very least: look at
 * the page, store its pointer).  Printed: ns per page and the ratio to the
 * floor.  Also printed, for orientation: a first touch through
 * userfaultfd (when the host allows it) and copy_from_user of a small
 * struct from each kind of user memory.  Nothing is asserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <kshim/process.h>
#include <kshim/umem.h>
#include <kshim/world.h>

#define BATCH	512

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double pin_all(unsigned long u, unsigned long npages,
		      struct page **pages)
{
	double t0 = now_ns();
	unsigned long i;

	for (i = 0; i < npages; i += BATCH) {
		int n = npages - i < BATCH ? npages - i : BATCH;

		if (pin_user_pages_fast(u + i * PAGE_SIZE, n,
					FOLL_WRITE | FOLL_LONGTERM,
					pages + i) != n) {
			fprintf(stderr, "bench-pin: pin failed at page %lu\n", i);
			exit(1);
		}
	}
	return now_ns() - t0;
}

static double unpin_all(unsigned long npages, struct page **pages)
{
	double t0 = now_ns();
	unsigned long i;

	for (i = 0; i < npages; i += BATCH)
		unpin_user_pages(pages + i,
				 npages - i < BATCH ? npages - i : BATCH);
	return now_ns() - t0;
}

static double floor_loop(volatile char *u, unsigned long npages,
			 unsigned long *entries)
{
	double t0 = now_ns();
	unsigned long i;

	for (i = 0; i < npages; i++)
		entries[i] = (unsigned long)&u[i * PAGE_SIZE] ^ u[i * PAGE_SIZE];
	return now_ns() - t0;
}

/* ns per copy_from_user of @len bytes from @src. */
static double copy_cost(const void __user *src, size_t len, int reps)
{
	char buf[256];
	double t0 = now_ns();
	int i;

	for (i = 0; i < reps; i++)
		if (copy_from_user(buf, src, len))
			return -1;
	return (now_ns() - t0) / reps;
}

static void uffd_first_touch(struct kshim_process *p)
{
	unsigned long npages = (64UL << 20) / PAGE_SIZE;
	struct kshim_umem_opts opts = { .name = "bench-uffd" };
	struct page **pages;
	struct kshim_umem *um;
	const char *why;
	double t;

	if (!kshim_uffd_available(&why)) {
		printf("first touch via userfaultfd: skipped (%s)\n", why);
		return;
	}
	kshim_uffd_set_enabled(true);
	um = kshim_umem_alloc(p, npages * PAGE_SIZE, &opts);
	kshim_uffd_set_enabled(false);
	if (IS_ERR(um) || !kshim_umem_uses_uffd(um)) {
		printf("first touch via userfaultfd: not registered\n");
		if (!IS_ERR(um))
			kshim_umem_unmap(um);
		return;
	}
	pages = calloc(npages, sizeof(*pages));
	t = pin_all((unsigned long)kshim_umem_addr(um), npages, pages);
	printf("first-touch pin via userfaultfd (64 MiB): %8.1f ns/page, %lu monitor events\n",
	       t / npages, kshim_uffd_faults());
	unpin_all(npages, pages);
	free(pages);
	kshim_umem_unmap(um);
}

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 1024;
	unsigned long npages = (mib << 20) / PAGE_SIZE, i;
	struct kshim_world_config cfg = { .mode = KSHIM_MODE_FREE_RUN };
	struct kshim_process_opts popts = { .name = "bench", .root = true };
	struct kshim_umem_opts uopts = { .name = "bench" };
	double floor, pin1, pin2, unpin1, unpin2;
	unsigned long *entries;
	struct kshim_process *p;
	struct page **pages;
	struct kshim_umem *um;
	char stackbuf[64] = { 1 };
	char *heap;
	volatile char *u;
	int problems;

	kshim_world_begin(&cfg);
	kshim_uffd_set_enabled(false);
	p = kshim_process_create(&popts);
	um = kshim_umem_alloc(p, npages * PAGE_SIZE, &uopts);
	if (IS_ERR(um)) {
		fprintf(stderr, "bench-pin: kshim_umem_alloc: %ld\n", PTR_ERR(um));
		return 1;
	}
	u = kshim_umem_addr(um);
	for (i = 0; i < npages; i++)		/* the user pre-faults */
		u[i * PAGE_SIZE] = (char)i;
	pages = calloc(npages, sizeof(*pages));
	entries = calloc(npages, sizeof(*entries));
	kshim_process_enter(p);

	floor = floor_loop(u, npages, entries);
	pin1 = floor_loop(u, npages, entries);
	floor = pin1 < floor ? pin1 : floor;
	pin1 = pin_all((unsigned long)u, npages, pages);
	unpin1 = unpin_all(npages, pages);
	pin2 = pin_all((unsigned long)u, npages, pages);
	unpin2 = unpin_all(npages, pages);

	printf("bench-pin: %lu MiB, %lu pages of 4 KiB, batches of %d\n",
	       mib, npages, BATCH);
	printf("floor (touch + 8-byte store):  %8.2f ns/page\n",
	       floor / npages);
	printf("pin, first pass (first touch): %8.2f ns/page  %6.1fx floor\n",
	       pin1 / npages, pin1 / floor);
	printf("unpin, first pass:             %8.2f ns/page  %6.1fx floor\n",
	       unpin1 / npages, unpin1 / floor);
	printf("pin, steady state:             %8.2f ns/page  %6.1fx floor\n",
	       pin2 / npages, pin2 / floor);
	printf("unpin, steady state:           %8.2f ns/page  %6.1fx floor\n",
	       unpin2 / npages, unpin2 / floor);
	printf("pin + unpin, steady state:     %8.2f ns/page  %6.1fx floor\n",
	       (pin2 + unpin2) / npages, (pin2 + unpin2) / floor);

	heap = malloc(64);
	memset(heap, 1, 64);
	printf("copy_from_user 64 B: stack %.0f ns, simulator mapping %.0f ns, heap %.0f ns",
	       copy_cost(stackbuf, 64, 100000), copy_cost((void *)u, 64, 100000),
	       copy_cost(heap, 64, 20000));
	kshim_uaccess_set_slow_path(KSHIM_UACCESS_SLOW_PIPE);
	printf(" (pipe fallback %.0f ns)\n", copy_cost(heap, 64, 20000));
	free(heap);

	uffd_first_touch(p);
	kshim_process_leave();

	free(pages);
	free(entries);
	kshim_umem_unmap(um);
	kshim_process_destroy(p);
	problems = kshim_world_audit(stderr);
	kshim_world_end();
	return problems ? 1 : 0;
}
