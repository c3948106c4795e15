// SPDX-License-Identifier: GPL-2.0
/*
 * bench-pgtable: memory and map cost of the mock IOMMU's page tables.
 *
 * Memory: 1 GiB and 16 GiB of IOVA mapped with 4 KiB leaves and with 2 MiB
 * leaves, in an x86-like geometry (48-bit IOVA, four levels of 512-entry
 * tables), and 1 GiB with the kernel mock's 2 KiB IO pages.  Printed: the
 * table pages the domain holds, their bytes, bytes per GiB mapped, and the
 * count the format predicts.
 *
 * Time: mapping 1 GiB with 4 KiB leaves through iommu_map(), once as one
 * call (the core hands the driver one run of 262144 leaves) and once as
 * one call per page (the core's and driver's per-call cost included),
 * against a floor measured in the same run: one 8-byte store per page into
 * a plain array (the least a page table must do).  Printed: ns per page
 * and the ratio to the floor.  Nothing is asserted.
 *
 * Physical memory: one contiguous 1 GiB segment of simulated frames,
 * mapped again at every GiB of IOVA (aliasing is allowed and the device
 * never touches it), so no user memory is involved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <linux/err.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <kshim/physmem.h>
#include <kshim/world.h>
#include <mock_iommu.h>

static int owner;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what, long err)
{
	fprintf(stderr, "bench-pgtable: %s failed (%ld)\n", what, err);
	exit(1);
}

struct bench_dom {
	struct mock_dev *mdev;
	struct iommu_group *group;
	struct iommu_domain *domain;
};

static void bench_dom_open(struct bench_dom *b, const struct mock_pt_cfg *cfg)
{
	struct mock_dev_opts opts = { .pt_cfg = cfg };
	struct device *dev;
	int rc;

	b->mdev = mock_dev_create_opts(&opts);
	if (IS_ERR(b->mdev))
		die("mock_dev_create", PTR_ERR(b->mdev));
	dev = mock_dev_device(b->mdev);
	b->group = iommu_group_get(dev);
	rc = iommu_group_claim_dma_owner(b->group, &owner);
	if (rc)
		die("claim", rc);
	b->domain = iommu_paging_domain_alloc(dev);
	if (IS_ERR(b->domain))
		die("domain alloc", PTR_ERR(b->domain));
	rc = iommu_attach_group(b->domain, b->group);
	if (rc)
		die("attach", rc);
}

static void bench_dom_close(struct bench_dom *b)
{
	iommu_detach_group(b->domain, b->group);
	iommu_group_release_dma_owner(b->group);
	iommu_domain_free(b->domain);
	iommu_group_put(b->group);
	mock_dev_destroy(b->mdev);
}

/* Map @gib GiB at IOVA @iova from the 1 GiB segment at @phys, one call each. */
static void map_gibs(struct bench_dom *b, unsigned long iova, phys_addr_t phys,
		     unsigned long gib)
{
	unsigned long i;
	int rc;

	for (i = 0; i < gib; i++) {
		rc = iommu_map(b->domain, iova + i * SZ_1G, phys, SZ_1G,
			       IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
		if (rc)
			die("iommu_map", rc);
	}
}

/* Table pages a 512-ary table needs for @bytes of @leaf leaves. */
static unsigned long predicted_tables(unsigned long bytes, unsigned long leaf,
				      unsigned int levels,
				      unsigned int granule_shift)
{
	unsigned long tables = 1, span;
	unsigned int l;

	/* Tables at level l (below the top) each cover 512 entries. */
	for (l = 0; l + 1 < levels; l++) {
		span = 512UL << (granule_shift + 9 * l);
		if (span <= leaf)
			continue;
		tables += DIV_ROUND_UP(bytes, span);
	}
	return tables;
}

static void memory_row(const char *name, const struct mock_pt_cfg *cfg,
		       unsigned long iova, phys_addr_t phys,
		       unsigned long gib, unsigned long leaf)
{
	unsigned int levels = DIV_ROUND_UP(cfg->ias - cfg->granule_shift, 9);
	struct bench_dom b;
	unsigned long bytes, pages;

	bench_dom_open(&b, cfg);
	map_gibs(&b, iova, phys, gib);
	bytes = mock_domain_pt_bytes(b.domain);
	pages = bytes / PAGE_SIZE;
	printf("  %-28s %9lu %8lu %12lu %12lu %8lu\n", name,
	       gib * (SZ_1G / leaf), pages, bytes, bytes / gib,
	       predicted_tables(gib * SZ_1G, leaf, levels,
				cfg->granule_shift));
	if (iommu_unmap(b.domain, iova, gib * SZ_1G) != gib * SZ_1G)
		die("iommu_unmap", 0);
	bench_dom_close(&b);
}

static double floor_loop(unsigned long *table, phys_addr_t phys,
			 unsigned long npages)
{
	double t0 = now_ns();
	unsigned long i;

	for (i = 0; i < npages; i++)
		table[i] = (phys + i * PAGE_SIZE) | 3;
	__asm__ __volatile__("" : : "r"(table) : "memory");
	return now_ns() - t0;
}

int main(void)
{
	const struct mock_pt_cfg only4k = {
		12, 48, SZ_4K, 0, (1UL << 48) - 1 };
	const struct mock_pt_cfg with2m = {
		12, 48, SZ_4K | SZ_2M, 0, (1UL << 48) - 1 };
	const unsigned long npages = SZ_1G / PAGE_SIZE;
	double t_bulk, t_each, t_floor, t_unmap;
	struct kshim_phys_seg *seg;
	struct bench_dom b;
	unsigned long *table, i;
	phys_addr_t phys;
	int err, problems, round;

	kshim_world_begin(NULL);
	err = mock_iommu_init();
	if (err)
		die("mock_iommu_init", err);
	seg = kshim_phys_seg_create(npages, KSHIM_PHYS_CONTIGUOUS,
				    "bench-pgtable", &err);
	if (!seg)
		die("kshim_phys_seg_create", err);
	phys = page_to_phys(kshim_phys_seg_page(seg, 0));

	printf("bench-pgtable: mock IOMMU page-table memory (512 entries of 8 bytes per 4 KiB table)\n");
	printf("  %-28s %9s %8s %12s %12s %8s\n", "mapping", "leaves",
	       "tables", "table bytes", "bytes/GiB", "predict");
	memory_row("1 GiB, 4K leaves (48-bit)", &only4k, SZ_1G, phys, 1,
		   SZ_4K);
	memory_row("16 GiB, 4K leaves (48-bit)", &only4k, SZ_1G, phys, 16,
		   SZ_4K);
	memory_row("1 GiB, 2M leaves (48-bit)", &with2m, SZ_1G, phys, 1,
		   SZ_2M);
	memory_row("16 GiB, 2M leaves (48-bit)", &with2m, SZ_1G, phys, 16,
		   SZ_2M);
	memory_row("1 GiB, 2K IO pages (mock)", &mock_pt_cfg_default,
		   SZ_1G, phys, 1, SZ_2K);

	/* Time: 1 GiB of 4K leaves, best of three rounds each. */
	table = malloc(npages * sizeof(*table));
	if (!table)
		die("malloc", -ENOMEM);
	t_bulk = t_each = t_floor = t_unmap = 1e300;
	for (round = 0; round < 3; round++) {
		double t0, t;

		t = floor_loop(table, phys, npages);
		t_floor = t < t_floor ? t : t_floor;

		bench_dom_open(&b, &only4k);
		t0 = now_ns();
		map_gibs(&b, SZ_1G, phys, 1);
		t = now_ns() - t0;
		t_bulk = t < t_bulk ? t : t_bulk;
		t0 = now_ns();
		if (iommu_unmap(b.domain, SZ_1G, SZ_1G) != SZ_1G)
			die("iommu_unmap", 0);
		t = now_ns() - t0;
		t_unmap = t < t_unmap ? t : t_unmap;

		t0 = now_ns();
		for (i = 0; i < npages; i++) {
			err = iommu_map(b.domain, SZ_1G + i * PAGE_SIZE,
					phys + i * PAGE_SIZE, PAGE_SIZE,
					IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
			if (err)
				die("iommu_map", err);
		}
		t = now_ns() - t0;
		t_each = t < t_each ? t : t_each;
		if (iommu_unmap(b.domain, SZ_1G, SZ_1G) != SZ_1G)
			die("iommu_unmap", 0);
		bench_dom_close(&b);
	}
	free(table);

	printf("bench-pgtable: map 1 GiB of 4K leaves (best of 3)\n");
	printf("  floor (one 8-byte store per page):   %8.2f ns/page\n",
	       t_floor / npages);
	printf("  iommu_map, one call for 1 GiB:       %8.2f ns/page  (%.1fx floor)\n",
	       t_bulk / npages, t_bulk / t_floor);
	printf("  iommu_map, one call per page:        %8.2f ns/page  (%.1fx floor)\n",
	       t_each / npages, t_each / t_floor);
	printf("  iommu_unmap, one call for 1 GiB:     %8.2f ns/page  (%.1fx floor)\n",
	       t_unmap / npages, t_unmap / t_floor);

	kshim_phys_seg_put(seg);
	mock_iommu_exit();
	problems = kshim_world_audit(stderr);
	kshim_world_end();
	return problems ? 1 : 0;
}
