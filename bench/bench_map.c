// SPDX-License-Identifier: GPL-2.0
/*
 * bench-map: the cost of IOAS map and unmap through the iommufd core.
 *
 * Maps 1 GiB (or the MiB given as the first argument) of pre-faulted
 * 4 KiB user memory into an IOAS with one mock domain and unmaps it
 * again, through iopt_map_user_pages() and iopt_unmap_iova(): pinning,
 * accounting, batches, iommu_map() into the mock's page table, and on
 * unmap the read-back, unmap and unpin.  Two placements of the user
 * memory's frames: scattered (no two neighbouring pages are physically
 * adjacent: one iommu_map() call per page) and contiguous (one run: a few
 * calls in all, the driver splits into its IO pages).
 *
 * The domain is the kernel mock's geometry with the x86-like page table
 * (4 KiB/2 MiB/1 GiB leaves, 48-bit IOVA), so contiguous memory becomes
 * 2 MiB leaves when the IOVA allows it.
 *
 * The floor, measured in the same run: touch each page and write one
 * 8-byte entry.  Printed: ns per 4 KiB page for map, unmap and the pair,
 * and each as a ratio to the floor.  Nothing is asserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/err.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <kshim/process.h>
#include <kshim/umem.h>
#include <kshim/world.h>
#include <mock_iommu.h>

#include "io_pagetable.h"
#include "iommufd_private.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
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

/*
 * The access-notify walk lives in device.c, which this program does not
 * link; no access is ever attached here, so it is never called.
 */
void iommufd_access_notify_unmap(struct io_pagetable *iopt, unsigned long iova,
				 unsigned long length)
{
}

struct result {
	double map, unmap;
};

static int run(struct kshim_process *p, struct iommu_domain *domain,
	       unsigned long npages, enum kshim_phys_policy policy,
	       int reps, struct result *res)
{
	struct kshim_umem_opts uopts = { .name = "bench", .policy = policy };
	struct iommufd_ctx ictx = { .account_mode = IOPT_PAGES_ACCOUNT_USER };
	struct io_pagetable iopt;
	struct kshim_umem *um;
	volatile char *u;
	unsigned long i, iova, unmapped;
	int rc, r;

	um = kshim_umem_alloc(p, npages * PAGE_SIZE, &uopts);
	if (IS_ERR(um)) {
		fprintf(stderr, "bench-map: kshim_umem_alloc: %ld\n",
			PTR_ERR(um));
		return -1;
	}
	u = kshim_umem_addr(um);
	for (i = 0; i < npages; i++)		/* the user pre-faults */
		u[i * PAGE_SIZE] = (char)i;

	iopt_init_table(&iopt);
	rc = iopt_table_add_domain(&iopt, domain);
	if (rc) {
		fprintf(stderr, "bench-map: add domain: %d\n", rc);
		return -1;
	}
	res->map = res->unmap = 1e300;
	for (r = 0; r < reps; r++) {
		double t0, t1, t2;

		iova = 1UL << 32;
		t0 = now_ns();
		rc = iopt_map_user_pages(&ictx, &iopt, &iova, (void *)u,
					 npages * PAGE_SIZE,
					 IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE,
					 0);
		t1 = now_ns();
		if (rc) {
			fprintf(stderr, "bench-map: map: %d\n", rc);
			return -1;
		}
		rc = iopt_unmap_iova(&iopt, iova, npages * PAGE_SIZE,
				     &unmapped);
		t2 = now_ns();
		if (rc || unmapped != npages * PAGE_SIZE) {
			fprintf(stderr, "bench-map: unmap: %d\n", rc);
			return -1;
		}
		if (t1 - t0 < res->map)
			res->map = t1 - t0;
		if (t2 - t1 < res->unmap)
			res->unmap = t2 - t1;
	}
	iopt_table_remove_domain(&iopt, domain);
	iopt_destroy_table(&iopt);
	kshim_umem_unmap(um);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 1024;
	int reps = argc > 2 ? atoi(argv[2]) : 3;
	unsigned long npages = (mib << 20) / PAGE_SIZE;
	struct kshim_world_config cfg = { .mode = KSHIM_MODE_FREE_RUN };
	struct kshim_process_opts popts = {
		.name = "bench",
		.uid = KSHIM_PROCESS_DEFAULT_UID,
		.memlock_cur = 4UL << 30,	/* per-user accounting, in limit */
		.memlock_max = 4UL << 30,
	};
	struct kshim_umem_opts fopts = { .name = "bench-floor" };
	struct mock_dev_opts dopts = { .pt_cfg = &mock_pt_cfg_x86 };
	static const struct {
		enum kshim_phys_policy policy;
		const char *name;
	} placements[] = {
		{ KSHIM_PHYS_SCATTERED, "scattered" },
		{ KSHIM_PHYS_CONTIGUOUS, "contiguous" },
	};
	struct iommu_domain *domain;
	unsigned long *entries;
	struct kshim_process *p;
	struct kshim_umem *um;
	struct mock_dev *mdev;
	struct result res;
	volatile char *u;
	double floor, t;
	unsigned int k;
	int problems;

	kshim_world_begin(&cfg);
	kshim_uffd_set_enabled(false);
	if (mock_iommu_init()) {
		fprintf(stderr, "bench-map: mock_iommu_init failed\n");
		return 1;
	}
	mdev = mock_dev_create_opts(&dopts);
	if (IS_ERR(mdev)) {
		fprintf(stderr, "bench-map: mock device: %ld\n", PTR_ERR(mdev));
		return 1;
	}
	domain = iommu_paging_domain_alloc(mock_dev_device(mdev));
	if (IS_ERR(domain)) {
		fprintf(stderr, "bench-map: domain: %ld\n", PTR_ERR(domain));
		return 1;
	}
	p = kshim_process_create(&popts);
	kshim_process_enter(p);

	/* The floor, on memory of its own, best of three. */
	um = kshim_umem_alloc(p, npages * PAGE_SIZE, &fopts);
	if (IS_ERR(um))
		return 1;
	u = kshim_umem_addr(um);
	entries = calloc(npages, sizeof(*entries));
	floor_loop(u, npages, entries);
	floor = floor_loop(u, npages, entries);
	for (k = 0; k < 2; k++) {
		t = floor_loop(u, npages, entries);
		if (t < floor)
			floor = t;
	}
	free(entries);
	kshim_umem_unmap(um);

	printf("bench-map: %lu MiB, %lu pages of 4 KiB, one mock domain (x86-like table), best of %d\n",
	       mib, npages, reps);
	printf("floor (touch + 8-byte store):   %8.2f ns/page\n",
	       floor / npages);
	for (k = 0; k < 2; k++) {
		if (run(p, domain, npages, placements[k].policy, reps, &res))
			return 1;
		printf("%-10s map:               %8.2f ns/page  %7.1fx floor\n",
		       placements[k].name, res.map / npages, res.map / floor);
		printf("%-10s unmap:             %8.2f ns/page  %7.1fx floor\n",
		       placements[k].name, res.unmap / npages,
		       res.unmap / floor);
		printf("%-10s map + unmap:       %8.2f ns/page  %7.1fx floor\n",
		       placements[k].name, (res.map + res.unmap) / npages,
		       (res.map + res.unmap) / floor);
	}

	kshim_process_leave();
	kshim_process_destroy(p);
	iommu_domain_free(domain);
	mock_dev_destroy(mdev);
	mock_iommu_exit();
	problems = kshim_world_audit(stderr);
	kshim_world_end();
	return problems ? 1 : 0;
}
