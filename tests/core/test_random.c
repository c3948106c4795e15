// SPDX-License-Identifier: GPL-2.0
/*
 * Randomized map/copy/unmap sequences against an oracle of the IOVA space
 * (issue 6, "Done means" 2).
 *
 * The oracle keeps the list of areas (IOVA, length, which map created the
 * memory and at which byte of it) and predicts the result of every
 * operation: EEXIST for an overlapping fixed IOVA, ENOENT for a copy
 * source with a gap, the exact unmapped byte count and ENOENT of an unmap
 * that meets an area sticking out of its range after unmapping the areas
 * before it.  Periodically and at the end it checks that the table's areas
 * are exactly the oracle's, that iopt_check_invariants() holds, that every
 * domain translates every mapped IO page to the right user frame and
 * nothing just outside an area, and that pin counts and the locked-memory
 * charge equal what the oracle derives (each map's memory pinned once per
 * slot covered by its areas).
 *
 * KTEST_SEED=<seed> replays a run.
 */
#include <stdlib.h>
#include <string.h>
#include "iopt_test.h"

#define R_UMEM_PAGES	256
#define R_MAX_AREAS	1024
#define R_WINDOW	(8UL << 20)
#define R_OPS		10000
#define R_CHECK_EVERY	100

struct r_area {
	unsigned long iova;
	unsigned long len;
	unsigned int map_id;		/* the map whose iopt_pages it uses */
	unsigned long pages_byte;	/* byte offset inside that pages */
};

struct r_map {
	unsigned long ubase;		/* umem byte offset of pages slot 0 */
};

struct r_model {
	struct r_area areas[R_MAX_AREAS];
	unsigned int nareas;
	struct r_map maps[R_OPS + 1];
	unsigned int nmaps;
};

static int r_cmp(const void *a, const void *b)
{
	const struct r_area *x = a, *y = b;

	return x->iova < y->iova ? -1 : x->iova > y->iova;
}

static void r_sort(struct r_model *m)
{
	qsort(m->areas, m->nareas, sizeof(m->areas[0]), r_cmp);
}

static bool r_overlaps(struct r_model *m, unsigned long iova,
		       unsigned long len)
{
	unsigned int i;

	for (i = 0; i < m->nareas; i++)
		if (m->areas[i].iova <= iova + len - 1 &&
		    iova <= m->areas[i].iova + m->areas[i].len - 1)
			return true;
	return false;
}

static void r_add(struct r_model *m, unsigned long iova, unsigned long len,
		  unsigned int map_id, unsigned long pages_byte)
{
	ck_assert_uint_lt(m->nareas, R_MAX_AREAS);
	m->areas[m->nareas++] = (struct r_area){ iova, len, map_id, pages_byte };
	r_sort(m);
}

/* Index of the area containing @iova, or -1. */
static int r_find(struct r_model *m, unsigned long iova)
{
	unsigned int i;

	for (i = 0; i < m->nareas; i++)
		if (m->areas[i].iova <= iova &&
		    iova <= m->areas[i].iova + m->areas[i].len - 1)
			return i;
	return -1;
}

struct r_ctx {
	struct t_env env;
	struct kshim_umem *um;
	struct r_model *m;
	struct t_rng rng;
	unsigned int ndomains;
};

static unsigned long r_io_pages(struct r_ctx *c, unsigned long max)
{
	return (t_rng_below(&c->rng, max) + 1) * T_IO_PAGE;
}

static void r_op_map(struct r_ctx *c)
{
	struct r_model *m = c->m;
	unsigned long len = r_io_pages(c, 32);
	unsigned long uoff = t_rng_below(&c->rng, (R_UMEM_PAGES * PAGE_SIZE -
						   len) / T_IO_PAGE + 1) *
			     T_IO_PAGE;
	bool fixed = t_rng_below(&c->rng, 2);
	unsigned long iova = T_IOVA + t_rng_below(&c->rng, (R_WINDOW - len) /
							   T_IO_PAGE) *
					      T_IO_PAGE;
	int rc, want = 0;

	if (fixed && r_overlaps(m, iova, len))
		want = -EEXIST;
	rc = t_map(&c->env, c->env.iopt, &iova, t_uptr(c->um, uoff), len,
		   fixed);
	ck_assert_int_eq(rc, want);
	if (rc)
		return;
	ck_assert(!r_overlaps(m, iova, len));
	/* Below a page of length the alignment may be finer than a page. */
	if (!fixed && len > T_IO_PAGE)
		ck_assert_uint_eq(iova % PAGE_SIZE, uoff % PAGE_SIZE);
	m->maps[m->nmaps].ubase = uoff - uoff % PAGE_SIZE;
	r_add(m, iova, len, m->nmaps, uoff % PAGE_SIZE);
	m->nmaps++;
}

static void r_op_copy(struct r_ctx *c)
{
	struct r_model *m = c->m;
	struct r_area pieces[R_MAX_AREAS];
	unsigned int npieces = 0, i;
	unsigned long src, len, cur, dst, last;
	bool fixed = t_rng_below(&c->rng, 2);
	int rc, want = 0, a;

	if (!m->nareas)
		return;
	/* Start inside a random area; the length may run past it. */
	a = t_rng_below(&c->rng, m->nareas);
	src = m->areas[a].iova +
	      t_rng_below(&c->rng, m->areas[a].len / T_IO_PAGE) * T_IO_PAGE;
	len = r_io_pages(c, 24);
	last = src + len - 1;

	for (cur = src; cur <= last;) {
		int j = r_find(m, cur);
		unsigned long plast;

		if (j < 0) {
			want = -ENOENT;
			break;
		}
		plast = min(last, m->areas[j].iova + m->areas[j].len - 1);
		pieces[npieces++] = (struct r_area){
			.len = plast - cur + 1,
			.map_id = m->areas[j].map_id,
			.pages_byte = m->areas[j].pages_byte +
				      (cur - m->areas[j].iova),
		};
		cur = plast + 1;
	}

	dst = T_IOVA + t_rng_below(&c->rng, (R_WINDOW - len) / T_IO_PAGE) *
			       T_IO_PAGE;
	if (!want && fixed && r_overlaps(m, dst, len))
		want = -EEXIST;
	rc = t_copy(c->env.iopt, &dst, c->env.iopt, src, len,
		    IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE, fixed);
	ck_assert_int_eq(rc, want);
	if (rc)
		return;
	ck_assert(!r_overlaps(m, dst, len));
	for (i = 0; i < npieces; i++) {
		r_add(m, dst, pieces[i].len, pieces[i].map_id,
		      pieces[i].pages_byte);
		dst += pieces[i].len;
	}
}

static void r_op_unmap(struct r_ctx *c)
{
	struct r_model *m = c->m;
	unsigned long start, len, last, unmapped, want_bytes = 0;
	unsigned int kind = t_rng_below(&c->rng, 3);
	unsigned int i;
	int rc, want = 0;

	if (kind == 0 && m->nareas) {
		/* exactly one area */
		i = t_rng_below(&c->rng, m->nareas);
		start = m->areas[i].iova;
		len = m->areas[i].len;
	} else if (kind == 1 && m->nareas) {
		/* from one area's start over a few following ones */
		i = t_rng_below(&c->rng, m->nareas);
		start = m->areas[i].iova;
		len = r_io_pages(c, 96);
	} else {
		start = T_IOVA + t_rng_below(&c->rng, R_WINDOW / T_IO_PAGE) *
					 T_IO_PAGE;
		len = r_io_pages(c, 256);
	}
	last = start + len - 1;

	/* Predict: in IOVA order, whole areas go until one sticks out. */
	for (i = 0; i < m->nareas;) {
		struct r_area *ar = &m->areas[i];
		unsigned long alast = ar->iova + ar->len - 1;

		if (alast < start || ar->iova > last) {
			i++;
			continue;
		}
		if (ar->iova < start || alast > last) {
			want = -ENOENT;
			break;
		}
		want_bytes += ar->len;
		memmove(ar, ar + 1, (m->nareas - i - 1) * sizeof(*ar));
		m->nareas--;
	}

	rc = iopt_unmap_iova(c->env.iopt, start, len, &unmapped);
	ck_assert_int_eq(rc, want);
	ck_assert_uint_eq(unmapped, want_bytes);
}

/* The table's areas are the oracle's, over the right memory. */
static void r_check_areas(struct r_ctx *c)
{
	struct io_pagetable *iopt = c->env.iopt;
	struct r_model *m = c->m;
	struct iopt_area *area;
	unsigned int i = 0;

	down_read(&iopt->iova_rwsem);
	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX), i++) {
		struct r_area *ar = &m->areas[i];
		unsigned long ubyte;

		ck_assert_uint_lt(i, m->nareas);
		ck_assert_uint_eq(iopt_area_iova(area), ar->iova);
		ck_assert_uint_eq(iopt_area_length(area), ar->len);
		ubyte = (uintptr_t)area->pages->uptr +
			iopt_area_start_byte(area, ar->iova);
		ck_assert_uint_eq(ubyte, (uintptr_t)t_uptr(c->um, 0) +
						 m->maps[ar->map_id].ubase +
						 ar->pages_byte);
	}
	ck_assert_uint_eq(i, m->nareas);
	up_read(&iopt->iova_rwsem);
}

/* Domains translate exactly the mapped IOVA; pins and charge match. */
static void r_check_domains(struct r_ctx *c)
{
	static unsigned short want_pins[R_UMEM_PAGES];
	static unsigned char slot_seen[R_UMEM_PAGES + 1];
	struct r_model *m = c->m;
	unsigned long want_locked = 0;
	unsigned int d, i, id;

	t_check(c->env.iopt);

	for (d = 0; d < c->env.ndomains; d++) {
		struct iommu_domain *dom = c->env.domains[d];

		for (i = 0; i < m->nareas; i++) {
			struct r_area *ar = &m->areas[i];
			unsigned long b;

			for (b = 0; b < ar->len; b += T_IO_PAGE) {
				unsigned long ub = m->maps[ar->map_id].ubase +
						   ar->pages_byte + b;
				phys_addr_t want = page_to_phys(kshim_umem_frame(
					c->um, ub / PAGE_SIZE)) + ub % PAGE_SIZE;

				ck_assert_msg(t_xlate(dom, ar->iova + b) == want,
					      "domain %u iova %#lx", d,
					      ar->iova + b);
			}
			/* The IO pages just outside, unless another area. */
			if (ar->iova > T_IOVA && r_find(m, ar->iova - 1) < 0)
				ck_assert_uint_eq(t_xlate(dom, ar->iova - 1), 0);
			if (r_find(m, ar->iova + ar->len) < 0)
				ck_assert_uint_eq(t_xlate(dom, ar->iova + ar->len),
						  0);
		}
	}

	/* Each map's pages: every slot covered by one of its areas, once. */
	memset(want_pins, 0, sizeof(want_pins));
	for (id = 0; c->env.ndomains && id < m->nmaps; id++) {
		memset(slot_seen, 0, sizeof(slot_seen));
		for (i = 0; i < m->nareas; i++) {
			struct r_area *ar = &m->areas[i];
			unsigned long s;

			if (ar->map_id != id)
				continue;
			for (s = ar->pages_byte / PAGE_SIZE;
			     s <= (ar->pages_byte + ar->len - 1) / PAGE_SIZE;
			     s++) {
				if (slot_seen[s])
					continue;
				slot_seen[s] = 1;
				want_pins[m->maps[id].ubase / PAGE_SIZE + s]++;
				want_locked++;
			}
		}
	}
	for (i = 0; i < R_UMEM_PAGES; i++)
		ck_assert_msg(t_umem_pins(c->um, i) == want_pins[i],
			      "page %u: %u pins, want %u", i,
			      t_umem_pins(c->um, i), want_pins[i]);
	ck_assert_int_eq(t_user_locked(&c->env), want_locked);
	ck_assert_int_eq(t_mm_pinned(&c->env), want_locked);
}

static void r_run(unsigned int ndomains, enum kshim_phys_policy policy,
		  const char *name)
{
	struct r_ctx *c = calloc(1, sizeof(*c));
	unsigned int op, d;

	ck_assert_ptr_nonnull(c);
	c->m = calloc(1, sizeof(*c->m));
	ck_assert_ptr_nonnull(c->m);
	c->rng.state = ktest_seed(name);
	t_env_init(&c->env, 1UL << 30, 0);
	for (d = 0; d < ndomains; d++)
		t_add_domain(&c->env, 0);
	c->um = t_umem(&c->env, R_UMEM_PAGES, policy);

	for (op = 0; op < R_OPS; op++) {
		unsigned int dice = t_rng_below(&c->rng, 100);

		if (dice < 40)
			r_op_map(c);
		else if (dice < 60)
			r_op_copy(c);
		else if (dice < 99)
			r_op_unmap(c);
		else {
			ck_assert_int_eq(iopt_unmap_all(c->env.iopt, NULL), 0);
			c->m->nareas = 0;
		}
		r_check_areas(c);
		if (op % R_CHECK_EVERY == R_CHECK_EVERY - 1)
			r_check_domains(c);
	}
	r_check_domains(c);

	ck_assert_int_eq(iopt_unmap_all(c->env.iopt, NULL), 0);
	for (d = 0; d < R_UMEM_PAGES; d++)
		ck_assert_uint_eq(t_umem_pins(c->um, d), 0);
	ck_assert_int_eq(t_user_locked(&c->env), 0);
	t_env_fini(&c->env);
	free(c->m);
	free(c);
}

START_TEST(test_random_0_domains)
{
	r_run(0, KSHIM_PHYS_SCATTERED, "random_0_domains");
}
END_TEST

START_TEST(test_random_1_domain_contig)
{
	r_run(1, KSHIM_PHYS_CONTIGUOUS, "random_1_domain_contig");
}
END_TEST

START_TEST(test_random_1_domain_scattered)
{
	r_run(1, KSHIM_PHYS_SCATTERED, "random_1_domain_scattered");
}
END_TEST

START_TEST(test_random_2_domains_contig)
{
	r_run(2, KSHIM_PHYS_CONTIGUOUS, "random_2_domains_contig");
}
END_TEST

START_TEST(test_random_2_domains_scattered)
{
	r_run(2, KSHIM_PHYS_SCATTERED, "random_2_domains_scattered");
}
END_TEST

Suite *iopt_random_suite(void)
{
	Suite *s = suite_create("iopt_random");
	TCase *tc = iopt_tcase("random");

	tcase_add_test(tc, test_random_0_domains);
	tcase_add_test(tc, test_random_1_domain_contig);
	tcase_add_test(tc, test_random_1_domain_scattered);
	tcase_add_test(tc, test_random_2_domains_contig);
	tcase_add_test(tc, test_random_2_domains_scattered);
	suite_add_tcase(s, tc);
	return s;
}
