// SPDX-License-Identifier: GPL-2.0
/*
 * The mock IOMMU's page table, driven through the IOMMU core's iommu_map(),
 * iommu_unmap() and iommu_iova_to_phys().
 */
#include <string.h>
#include <glib.h>
#include <linux/sizes.h>
#include <kshim/fault.h>
#include "iommu_test.h"
#include "iommu_suites.h"
#include <uapi/iommufd_test.h>

/* Cheap assertion for hot loops: Check's own asserts cost a syscall each. */
#define T_CHECK(cond, fmt, ...)						\
	do {								\
		if (!(cond))						\
			ck_abort_msg("%s: " fmt, #cond, ##__VA_ARGS__);	\
	} while (0)

struct pt_variant {
	const char *name;
	struct mock_pt_cfg cfg;
	unsigned long window_start;
	unsigned long window_len;
};

static const struct pt_variant pt_variants[] = {
	{
		.name = "mock-2k",
		.cfg = { 11, 31, SZ_2K, MOCK_APERTURE_START, MOCK_APERTURE_LAST },
		.window_start = MOCK_APERTURE_START,
		.window_len = SZ_64M,
	},
	{
		.name = "mock-2k-huge-1m",
		.cfg = { 11, 31, SZ_2K | SZ_1M, MOCK_APERTURE_START,
			 MOCK_APERTURE_LAST },
		.window_start = MOCK_APERTURE_START,
		.window_len = SZ_256M,
	},
	{
		.name = "x86-4k-2m-1g",
		.cfg = { 12, 48, SZ_4K | SZ_2M | SZ_1G, 0, (1UL << 48) - 1 },
		.window_start = SZ_1G,
		.window_len = 8UL * SZ_1G,
	},
	{
		.name = "4k-39bit",
		.cfg = { 12, 39, SZ_4K, 0, (1UL << 39) - 1 },
		.window_start = 1UL << 38,
		.window_len = SZ_64M,
	},
	{
		.name = "16k-8m",
		.cfg = { 14, 40, SZ_16K | SZ_8M, 0, (1UL << 40) - 1 },
		.window_start = SZ_8M,
		.window_len = SZ_512M,
	},
};

/* One iommu_map() call the oracle remembers. */
struct t_map {
	unsigned long iova;
	size_t len;
	phys_addr_t phys;
	guint idx;		/* in the array of live mappings */
};

struct t_oracle {
	GTree *by_iova;		/* iova -> struct t_map */
	GPtrArray *live;
};

static gint cmp_ulong(gconstpointer a, gconstpointer b, gpointer data)
{
	unsigned long x = (unsigned long)a, y = (unsigned long)b;

	return x < y ? -1 : x > y;
}

/* The mapping containing @iova, or NULL. */
static struct t_map *oracle_find(struct t_oracle *o, unsigned long iova)
{
	GTreeNode *node = g_tree_upper_bound(o->by_iova, (gpointer)iova);
	struct t_map *m;

	node = node ? g_tree_node_previous(node) : g_tree_node_last(o->by_iova);
	if (!node)
		return NULL;
	m = g_tree_node_value(node);
	return iova - m->iova < m->len ? m : NULL;
}

/* Does [iova, iova + len) overlap a mapping? */
static bool oracle_overlaps(struct t_oracle *o, unsigned long iova, size_t len)
{
	GTreeNode *node = g_tree_upper_bound(o->by_iova,
					     (gpointer)(iova + len - 1));
	struct t_map *m;

	node = node ? g_tree_node_previous(node) : g_tree_node_last(o->by_iova);
	if (!node)
		return false;
	m = g_tree_node_value(node);
	return m->iova + m->len > iova;
}

static void oracle_add(struct t_oracle *o, unsigned long iova, size_t len,
		       phys_addr_t phys)
{
	struct t_map *m = g_new(struct t_map, 1);

	m->iova = iova;
	m->len = len;
	m->phys = phys;
	m->idx = o->live->len;
	g_ptr_array_add(o->live, m);
	g_tree_insert(o->by_iova, (gpointer)iova, m);
}

static void oracle_remove(struct t_oracle *o, struct t_map *m)
{
	struct t_map *last = g_ptr_array_index(o->live, o->live->len - 1);

	g_tree_remove(o->by_iova, (gpointer)m->iova);
	last->idx = m->idx;
	g_ptr_array_index(o->live, m->idx) = last;
	g_ptr_array_set_size(o->live, o->live->len - 1);
	g_free(m);
}

/* A random page size of the bitmap, biased to the smallest. */
static unsigned long pick_unit(struct t_rng *rng, unsigned long bitmap)
{
	unsigned int n = hweight_long(bitmap), k;
	unsigned long b = bitmap;

	if (n == 1 || t_rng_below(rng, 10) < 6)
		return 1UL << __ffs(bitmap);
	k = 1 + t_rng_below(rng, n - 1);
	while (k--)
		b &= b - 1;
	return 1UL << __ffs(b);
}

/*
 * A test that runs 100,000 random operations (map, unmap of whole earlier
 * maps or runs of adjacent ones, iova_to_phys at any byte) on a domain of
 * each geometry, checking each result against an oracle of the map calls.
 * Page sizes, IOVA and physical alignment are random, so the core picks
 * leaves of every size, including runs split around larger leaves.
 * Expect every result to match, no WARN, and every table but the top one
 * freed once everything is unmapped.  KTEST_SEED replays a run.
 */
START_TEST(test_pgtable_random_vs_oracle)
{
	const struct pt_variant *v = &pt_variants[_i];
	unsigned long granule = 1UL << v->cfg.granule_shift;
	unsigned long largest = 1UL << __fls(v->cfg.pgsize_bitmap);
	struct t_oracle o = {
		.by_iova = g_tree_new_full(cmp_ulong, NULL, NULL, NULL),
		.live = g_ptr_array_new(),
	};
	unsigned long nmap = 0, nunmap = 0, nprobe = 0, op;
	struct iommu_domain *domain;
	struct mock_dev *mdev;
	struct t_rng rng;

	rng.state = ktest_seed(v->name) ^ (_i * 0x51ed27bULL);
	mdev = t_mock_dev_cfg(0, &v->cfg);
	domain = t_attach_paging(mdev, 0);

	for (op = 0; op < 100000; op++) {
		unsigned int what = t_rng_below(&rng, 100);

		if (what < 40) {
			unsigned long unit = pick_unit(&rng, v->cfg.pgsize_bitmap);
			size_t count = unit == granule ? 1 + t_rng_below(&rng, 48) :
							 1 + t_rng_below(&rng, 3);
			size_t len = unit * count;
			unsigned long iova, slots;
			phys_addr_t phys;
			int rc;

			if (len > v->window_len / 2)
				len = unit;
			slots = (v->window_len - len) / unit;
			iova = v->window_start + t_rng_below(&rng, slots) * unit;
			/* Sometimes off the unit's alignment by some granules. */
			if (unit > granule && !t_rng_below(&rng, 4))
				iova += granule * t_rng_below(&rng, unit / granule);
			/* Same offset within the largest size, mostly. */
			phys = (1UL << 40) +
			       t_rng_below(&rng, 1UL << 20) * largest +
			       (iova & (largest - 1));
			if (!t_rng_below(&rng, 4))
				phys = (1UL << 40) +
				       t_rng_below(&rng, 1UL << 26) * granule;
			if (oracle_overlaps(&o, iova, len))
				goto probe;
			rc = iommu_map(domain, iova, phys, len,
				       IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
			T_CHECK(rc == 0, "%s op %lu: map 0x%lx+0x%zx -> %d",
				v->name, op, iova, len, rc);
			oracle_add(&o, iova, len, phys);
			nmap++;
			continue;
		}
		if (what < 65 && o.live->len) {
			struct t_map *m = g_ptr_array_index(
				o.live, t_rng_below(&rng, o.live->len));
			struct t_map *run[4] = { m };
			unsigned int n = 1, extra = t_rng_below(&rng, 4), i;
			unsigned long iova = m->iova;
			size_t len = m->len, done;

			/* Extend over maps that follow without a gap. */
			while (extra--) {
				struct t_map *next = g_tree_lookup(
					o.by_iova, (gpointer)(iova + len));

				if (!next)
					break;
				run[n++] = next;
				len += next->len;
			}
			done = iommu_unmap(domain, iova, len);
			T_CHECK(done == len,
				"%s op %lu: unmap 0x%lx+0x%zx gave 0x%zx",
				v->name, op, iova, len, done);
			for (i = 0; i < n; i++)
				oracle_remove(&o, run[i]);
			T_CHECK(!iommu_iova_to_phys(domain, iova) &&
				!iommu_iova_to_phys(domain, iova + len - 1),
				"%s op %lu: unmapped 0x%lx still translates",
				v->name, op, iova);
			nunmap++;
			continue;
		}
probe:
		{
			unsigned long iova;
			phys_addr_t want = 0, got;
			struct t_map *m;

			if (o.live->len && t_rng_below(&rng, 2)) {
				m = g_ptr_array_index(o.live,
						      t_rng_below(&rng, o.live->len));
				iova = m->iova + t_rng_below(&rng, m->len);
			} else {
				iova = v->window_start +
				       t_rng_below(&rng, v->window_len);
				m = oracle_find(&o, iova);
			}
			if (m)
				want = m->phys + (iova - m->iova);
			got = iommu_iova_to_phys(domain, iova);
			T_CHECK(got == want,
				"%s op %lu: iova_to_phys(0x%lx) = 0x%llx, want 0x%llx",
				v->name, op, iova, (unsigned long long)got,
				(unsigned long long)want);
			nprobe++;
		}
	}

	/* Everything unmaps exactly, and empty tables are gone. */
	while (o.live->len) {
		struct t_map *m = g_ptr_array_index(o.live, o.live->len - 1);
		size_t done = iommu_unmap(domain, m->iova, m->len);

		T_CHECK(done == m->len, "%s: final unmap 0x%lx", v->name,
			m->iova);
		oracle_remove(&o, m);
	}
	ck_assert_uint_eq(mock_domain_pt_bytes(domain), PAGE_SIZE);
	ck_assert_uint_gt(nmap, 10000);
	ck_assert_uint_gt(nunmap, 5000);
	ck_assert_uint_gt(nprobe, 20000);
	g_tree_destroy(o.by_iova);
	g_ptr_array_free(o.live, TRUE);
	t_detach_free(mdev, domain);
	mock_dev_destroy(mdev);
}
END_TEST

/*
 * A test that maps 2 MiB as one 2 MiB leaf (x86 geometry) and unmaps 4 KiB
 * from its middle:
 *
 *   |<-------------- one 2M leaf -------------->|
 *   |        |XXXX|                             |
 *            unmap 4K
 *
 * Expect the whole leaf to go (the mock never splits a leaf: unmap must not
 * allocate) and iommu_unmap() to return the full 2 MiB, as the x86
 * drivers do.  An unmap that starts in one leaf and ends in the next
 * removes both.  The kernel mock geometry behaves the same with its 1 MiB
 * huge IO page.
 */
START_TEST(test_pgtable_partial_unmap_removes_whole_leaf)
{
	struct mock_dev *mdev = t_mock_dev_cfg(0, &mock_pt_cfg_x86);
	struct mock_dev *huge = t_mock_dev(MOCK_FLAGS_DEVICE_HUGE_IOVA);
	struct iommu_domain *domain = t_attach_paging(mdev, 0);
	struct iommu_domain *hd = t_attach_paging(huge, 0);
	unsigned long iova = 4UL * SZ_1G;
	phys_addr_t phys = 1UL << 40;

	ck_assert_int_eq(iommu_map(domain, iova, phys, SZ_2M, IOMMU_READ,
				   GFP_KERNEL), 0);
	/* root, L2 table, L1 table with the 2M leaf */
	ck_assert_uint_eq(mock_domain_pt_bytes(domain), 3 * PAGE_SIZE);
	ck_assert_uint_eq(iommu_iova_to_phys(domain, iova + 12345),
			  phys + 12345);
	ck_assert_uint_eq(iommu_unmap(domain, iova + SZ_1M, SZ_4K), SZ_2M);
	ck_assert_uint_eq(iommu_iova_to_phys(domain, iova), 0);
	ck_assert_uint_eq(iommu_iova_to_phys(domain, iova + SZ_2M - 1), 0);

	/* Two 2M leaves; an unmap from inside the first into the second. */
	ck_assert_int_eq(iommu_map(domain, iova, phys, SZ_4M, IOMMU_READ,
				   GFP_KERNEL), 0);
	ck_assert_uint_eq(iommu_unmap(domain, iova + SZ_1M, SZ_2M), SZ_4M);
	ck_assert_uint_eq(iommu_iova_to_phys(domain, iova + SZ_4M - 1), 0);
	ck_assert_uint_eq(mock_domain_pt_bytes(domain), PAGE_SIZE);

	/* The kernel mock's 1 MiB huge IO page. */
	ck_assert_int_eq(iommu_map(hd, MOCK_APERTURE_START, phys, SZ_1M,
				   IOMMU_READ, GFP_KERNEL), 0);
	ck_assert_uint_eq(iommu_unmap(hd, MOCK_APERTURE_START + SZ_2K, SZ_2K),
			  SZ_1M);
	ck_assert_uint_eq(iommu_iova_to_phys(hd, MOCK_APERTURE_START), 0);

	t_detach_free(huge, hd);
	t_detach_free(mdev, domain);
	mock_dev_destroy(huge);
	mock_dev_destroy(mdev);
}
END_TEST

/*
 * A test that unmaps ranges that do not line up with the map calls on a
 * single-page-size domain (the kernel mock's geometry):
 *
 *   map:    |S . . . . . . L|          (8 IO pages, one call)
 *   unmap:      |. .|                  no START, no LAST -> 2 WARNs
 *   unmap:  |.|                        no LAST           -> 1 WARN
 *
 * Expect one WARN per broken end (the START/LAST marker rule), and the
 * pages still unmapped as asked.
 */
START_TEST(test_pgtable_unmap_marker_pairing)
{
	struct mock_dev *mdev = t_mock_dev(0);
	struct iommu_domain *domain = t_attach_paging(mdev, 0);
	unsigned long iova = MOCK_APERTURE_START;
	const char *title;

	ck_assert_int_eq(iommu_map(domain, iova, 1UL << 40, 8 * SZ_2K,
				   IOMMU_READ, GFP_KERNEL), 0);
	/* Pages 2-3: neither a START nor a LAST. */
	ck_assert_uint_eq(iommu_unmap(domain, iova + 2 * SZ_2K, 2 * SZ_2K),
			  2 * SZ_2K);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 2, &title);
	ck_assert_ptr_nonnull(title);
	ck_assert_uint_eq(iommu_unmap(domain, iova, SZ_2K), SZ_2K);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	/* What is left: pages 1 and 4..7; unmap page 1 alone: both rules. */
	ck_assert_uint_eq(iommu_unmap(domain, iova + SZ_2K, SZ_2K), SZ_2K);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 2, NULL);
	ck_assert_uint_eq(iommu_unmap(domain, iova + 4 * SZ_2K, 4 * SZ_2K),
			  4 * SZ_2K);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);	/* no START */
	/* Unmapping a hole unmaps nothing. */
	ck_assert_uint_eq(iommu_unmap(domain, iova, SZ_2K), 0);
	t_detach_free(mdev, domain);
	mock_dev_destroy(mdev);
}
END_TEST

/*
 * A test that maps over an existing mapping.  Expect -EEXIST with one
 * WARN, and the first mapping intact.  Then a test of the aperture: a map
 * outside it is refused with a WARN.
 */
START_TEST(test_pgtable_map_overwrite_and_aperture)
{
	struct mock_dev *mdev = t_mock_dev(0);
	struct iommu_domain *domain = t_attach_paging(mdev, 0);
	unsigned long iova = MOCK_APERTURE_START + SZ_1M;

	ck_assert_int_eq(iommu_map(domain, iova, 0x100000000UL, 4 * SZ_2K,
				   IOMMU_READ, GFP_KERNEL), 0);
	ck_assert_int_eq(iommu_map(domain, iova + SZ_2K, 0x200000000UL, SZ_2K,
				   IOMMU_READ, GFP_KERNEL), -EEXIST);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	ck_assert_uint_eq(iommu_iova_to_phys(domain, iova + SZ_2K + 5),
			  0x100000000UL + SZ_2K + 5);
	ck_assert_int_eq(iommu_map(domain, MOCK_APERTURE_START - SZ_2K,
				   0x100000000UL, SZ_2K, IOMMU_READ,
				   GFP_KERNEL), -EINVAL);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	/* Misaligned for the smallest page: refused without a WARN. */
	ck_assert_int_eq(iommu_map(domain, iova + 100, 0x100000000UL, SZ_2K,
				   IOMMU_READ, GFP_KERNEL), -EINVAL);
	ck_assert_uint_eq(iommu_unmap(domain, iova, 4 * SZ_2K), 4 * SZ_2K);
	t_detach_free(mdev, domain);
	mock_dev_destroy(mdev);
}
END_TEST

/*
 * A test of the core's page-size choice on the x86 geometry:
 *
 *   iova  2M-4K            2M               4M     4M+4K
 *         |  4K leaf  |    2M leaf    |  4K leaf  |
 *
 * with a physical address of the same offset.  Expect exactly that split
 * (three table levels: one L1 table holding both ends and the 2M leaf, one
 * L0 table per 4K end), and only 4K leaves when the physical offset
 * differs within 2M.
 */
START_TEST(test_pgtable_core_page_size_choice)
{
	struct mock_dev *mdev = t_mock_dev_cfg(0, &mock_pt_cfg_x86);
	struct iommu_domain *domain = t_attach_paging(mdev, 0);
	unsigned long iova = SZ_1G + SZ_2M - SZ_4K;
	phys_addr_t phys = (1UL << 40) + SZ_2M - SZ_4K;
	size_t len = SZ_2M + 2 * SZ_4K;

	ck_assert_int_eq(iommu_map(domain, iova, phys, len, IOMMU_READ,
				   GFP_KERNEL), 0);
	/* root + L2 + L1 + two L0 tables */
	ck_assert_uint_eq(mock_domain_pt_bytes(domain), 5 * PAGE_SIZE);
	/* Unmapping 4K inside the middle takes the 2M leaf only. */
	ck_assert_uint_eq(iommu_unmap(domain, SZ_1G + SZ_2M + SZ_4K, SZ_4K),
			  SZ_2M);
	ck_assert_uint_eq(iommu_iova_to_phys(domain, iova), phys);
	ck_assert_uint_eq(iommu_iova_to_phys(domain, SZ_1G + SZ_4M),
			  phys + SZ_2M + SZ_4K);
	ck_assert_uint_eq(iommu_unmap(domain, iova, SZ_4K), SZ_4K);
	ck_assert_uint_eq(iommu_unmap(domain, SZ_1G + SZ_4M, SZ_4K), SZ_4K);
	ck_assert_uint_eq(mock_domain_pt_bytes(domain), PAGE_SIZE);

	/* Physical offset differs within 2M: 512 4K leaves, one L0 table. */
	ck_assert_int_eq(iommu_map(domain, SZ_1G, (1UL << 40) + SZ_4K, SZ_2M,
				   IOMMU_READ, GFP_KERNEL), 0);
	ck_assert_uint_eq(mock_domain_pt_bytes(domain), 4 * PAGE_SIZE);
	ck_assert_uint_eq(iommu_unmap(domain, SZ_1G, SZ_2M), SZ_2M);

	/* 1G aligned on both sides: one 1G leaf in the L2 table. */
	ck_assert_int_eq(iommu_map(domain, SZ_1G, 1UL << 40, SZ_1G,
				   IOMMU_READ, GFP_KERNEL), 0);
	ck_assert_uint_eq(mock_domain_pt_bytes(domain), 2 * PAGE_SIZE);
	ck_assert_uint_eq(iommu_iova_to_phys(domain, SZ_1G + 0x12345678),
			  (1UL << 40) + 0x12345678);
	ck_assert_uint_eq(iommu_unmap(domain, SZ_1G, SZ_1G), SZ_1G);
	t_detach_free(mdev, domain);
	mock_dev_destroy(mdev);
}
END_TEST

/*
 * A test that fails the Nth allocation or fault point of a map that needs
 * new tables, for every N until the map succeeds.  Expect each failure to
 * leave nothing mapped and no table behind (the core unmaps the partial
 * work, the mock frees the tables it made), and no WARN.
 */
START_TEST(test_pgtable_map_fail_nth)
{
	struct mock_dev *mdev = t_mock_dev_cfg(0, &mock_pt_cfg_x86);
	struct iommu_domain *domain = t_attach_paging(mdev, 0);
	unsigned long iova = SZ_1G + SZ_2M - 8 * SZ_4K;
	size_t len = SZ_4M;
	unsigned int nth;
	int rc = -1;

	for (nth = 1; nth < 64 && rc; nth++) {
		kshim_fail_nth_set(nth);
		rc = iommu_map(domain, iova, (1UL << 40) + SZ_2M - 8 * SZ_4K,
			       len, IOMMU_READ, GFP_KERNEL);
		kshim_fail_nth_set(0);
		if (rc) {
			ck_assert_msg(rc == -ENOMEM || rc == -ENOENT,
				      "nth %u: %d", nth, rc);
			ck_assert_uint_eq(iommu_iova_to_phys(domain, iova), 0);
			ck_assert_uint_eq(iommu_iova_to_phys(domain,
							     iova + len - 1), 0);
			ck_assert_uint_eq(mock_domain_pt_bytes(domain),
					  PAGE_SIZE);
		}
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_gt(nth, 4);
	ck_assert_uint_eq(iommu_unmap(domain, iova, len), len);
	t_detach_free(mdev, domain);
	mock_dev_destroy(mdev);
}
END_TEST

/*
 * A test of the geometry checks: a granule below the entry format's
 * address bits, a page size that is not a level size, or an aperture
 * beyond the IOVA width give -EINVAL; so do unknown device flags.
 */
START_TEST(test_pgtable_bad_geometry)
{
	struct mock_pt_cfg bad[] = {
		{ 10, 31, SZ_1K, 0, (1UL << 31) - 1 },
		{ 12, 48, SZ_4K | SZ_1M, 0, (1UL << 48) - 1 },
		{ 12, 39, SZ_4K, 0, 1UL << 39 },
		{ 12, 39, SZ_2M, 0, (1UL << 39) - 1 },
	};
	struct mock_dev_opts opts = { 0 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		opts.pt_cfg = &bad[i];
		ck_assert_ptr_eq(mock_dev_create_opts(&opts), ERR_PTR(-EINVAL));
	}
	ck_assert_ptr_eq(mock_dev_create(1 << 3), ERR_PTR(-EINVAL));
	ck_assert_ptr_eq(mock_dev_create(0x80000000), ERR_PTR(-EINVAL));
}
END_TEST

Suite *mock_pgtable_suite(void)
{
	Suite *s = suite_create("mock_pgtable");
	TCase *tc = iommu_tcase("random");
	TCase *tc2 = iommu_tcase("format");

	tcase_add_loop_test(tc, test_pgtable_random_vs_oracle, 0,
			    ARRAY_SIZE(pt_variants));
	suite_add_tcase(s, tc);
	tcase_add_test(tc2, test_pgtable_partial_unmap_removes_whole_leaf);
	tcase_add_test(tc2, test_pgtable_unmap_marker_pairing);
	tcase_add_test(tc2, test_pgtable_map_overwrite_and_aperture);
	tcase_add_test(tc2, test_pgtable_core_page_size_choice);
	tcase_add_test(tc2, test_pgtable_map_fail_nth);
	tcase_add_test(tc2, test_pgtable_bad_geometry);
	suite_add_tcase(s, tc2);
	return s;
}
