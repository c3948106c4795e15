// SPDX-License-Identifier: GPL-2.0
/*
 * linux/interval_tree.h and linux/interval_tree_generic.h: overlap queries
 * and the span iterator against brute-force oracles on random inputs,
 * including the 0 and ULONG_MAX edges.
 */
#include <string.h>
#include <linux/interval_tree.h>
#include <linux/interval_tree_generic.h>
#include <linux/rbtree_augmented.h>
#include <linux/slab.h>
#include "ktest.h"
#include "shim_suites.h"

/*
 * Check's ck_assert*() record a mark point (a message to the parent
 * process) on every call, far too slow for oracles that run thousands of
 * times.  These only call into Check when they fail.
 */
#define kt_assert(cond)							\
	do {								\
		if (unlikely(!(cond)))					\
			ck_abort_msg("Assertion '%s' failed", #cond);	\
	} while (0)
#define kt_assert_msg(cond, ...)					\
	do {								\
		if (unlikely(!(cond)))					\
			ck_abort_msg(__VA_ARGS__);			\
	} while (0)

/* splitmix64, seeded from ktest_seed() so that failures replay. */
static u64 rnd_next(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned long rnd_below(u64 *state, unsigned long n)
{
	return rnd_next(state) % n;
}

static bool overlaps(unsigned long s1, unsigned long l1, unsigned long s2,
		     unsigned long l2)
{
	return s1 <= l2 && s2 <= l1;
}

/*
 * A random closed interval from a mix meant to hit the edges: dense small
 * ranges (many overlaps), single points, ranges touching 0 or ULONG_MAX,
 * the whole space, and anything at all.
 */
static void rnd_interval(u64 *rs, unsigned long *start, unsigned long *last)
{
	unsigned long s, len;

	switch (rnd_below(rs, 10)) {
	case 0:
		s = rnd_below(rs, 2000);	/* a point */
		len = 0;
		break;
	case 1:
		s = ULONG_MAX - rnd_below(rs, 2000);
		len = rnd_below(rs, 300);
		break;
	case 2:
		if (rnd_below(rs, 4)) {
			s = rnd_below(rs, 2000);
			len = ULONG_MAX;	/* to the top */
		} else {
			s = 0;
			len = ULONG_MAX;	/* everything */
		}
		break;
	case 3:
		s = 0;
		len = rnd_below(rs, 100);
		break;
	case 4:
		s = rnd_next(rs);
		len = rnd_next(rs) >> rnd_below(rs, 64);
		break;
	default:
		s = rnd_below(rs, 2000);
		len = rnd_below(rs, 150);
		break;
	}
	*start = s;
	*last = len > ULONG_MAX - s ? ULONG_MAX : s + len;
}

/* ---- structural audit: red-black rules and __subtree_last ---- */

static int audit_it_subtree(struct rb_node *rb, struct rb_node *parent,
			    unsigned long *max_last, unsigned int *count,
			    unsigned long *prev_start)
{
	struct interval_tree_node *n;
	unsigned long lmax = 0, rmax = 0, m;
	int lh, rh;

	if (!rb)
		return 1;
	n = rb_entry(rb, struct interval_tree_node, rb);
	kt_assert(rb_parent(rb) == parent);
	if (rb_is_red(rb))
		kt_assert((!rb->rb_left || rb_is_black(rb->rb_left)) &&
			  (!rb->rb_right || rb_is_black(rb->rb_right)));
	kt_assert(n->start <= n->last);
	lh = audit_it_subtree(rb->rb_left, rb, &lmax, count, prev_start);
	kt_assert_msg(!*count || *prev_start <= n->start,
		      "not sorted by start: %lu after %lu", n->start,
		      *prev_start);
	*prev_start = n->start;
	(*count)++;
	rh = audit_it_subtree(rb->rb_right, rb, &rmax, count, prev_start);
	kt_assert(lh == rh);
	m = n->last;
	if (rb->rb_left && lmax > m)
		m = lmax;
	if (rb->rb_right && rmax > m)
		m = rmax;
	kt_assert_msg(n->__subtree_last == m,
		      "__subtree_last %#lx, brute force %#lx",
		      n->__subtree_last, m);
	*max_last = m;
	return lh + (rb_is_black(rb) ? 1 : 0);
}

static void audit_itree(struct rb_root_cached *root, unsigned int expect)
{
	unsigned long max_last = 0, prev_start = 0;
	unsigned int count = 0;
	struct rb_node *top = root->rb_root.rb_node;

	kt_assert(!top || rb_is_black(top));
	audit_it_subtree(top, NULL, &max_last, &count, &prev_start);
	kt_assert_msg(count == expect, "%u nodes, expected %u", count, expect);
	kt_assert(rb_first_cached(root) == rb_first(&root->rb_root));
}

/* ---- the stock tree against an oracle ---- */

struct it_item {
	struct interval_tree_node node;
	bool linked;
	unsigned int stamp;	/* query generation that reported it */
};

/*
 * Run one query through iter_first/iter_next and compare with a linear
 * scan: same set, no repeats, ascending start.
 */
static void check_query(struct rb_root_cached *root, struct it_item *items,
			unsigned int n, unsigned long qs, unsigned long ql,
			unsigned int stamp)
{
	struct interval_tree_node *node;
	unsigned int got = 0, want = 0, i;
	unsigned long prev = 0;

	for (node = interval_tree_iter_first(root, qs, ql); node;
	     node = interval_tree_iter_next(node, qs, ql)) {
		struct it_item *it = container_of(node, struct it_item, node);

		kt_assert(it->linked);
		kt_assert_msg(overlaps(node->start, node->last, qs, ql),
			      "[%#lx, %#lx] reported for [%#lx, %#lx]",
			      node->start, node->last, qs, ql);
		kt_assert_msg(it->stamp != stamp, "node reported twice");
		kt_assert(!got || prev <= node->start);
		it->stamp = stamp;
		prev = node->start;
		got++;
	}
	for (i = 0; i < n; i++)
		if (items[i].linked &&
		    overlaps(items[i].node.start, items[i].node.last, qs, ql)) {
			kt_assert_msg(items[i].stamp == stamp,
				      "[%#lx, %#lx] missed by [%#lx, %#lx]",
				      items[i].node.start, items[i].node.last,
				      qs, ql);
			want++;
		}
	kt_assert_msg(got == want, "query [%#lx, %#lx]: %u found, %u expected",
		      qs, ql, got, want);
}

START_TEST(test_itree_small_cases)
{
	struct rb_root_cached root = RB_ROOT_CACHED;
	struct it_item items[4] = { 0 };
	struct interval_tree_node *node;
	unsigned int stamp = 1;

	ck_assert_ptr_null(interval_tree_iter_first(&root, 0, ULONG_MAX));

	items[0].node.start = 5;
	items[0].node.last = 10;
	interval_tree_insert(&items[0].node, &root);
	items[0].linked = true;
	ck_assert_ptr_null(interval_tree_iter_first(&root, 0, 4));
	ck_assert_ptr_null(interval_tree_iter_first(&root, 11, ULONG_MAX));
	ck_assert_ptr_eq(interval_tree_iter_first(&root, 0, 5),
			 &items[0].node);
	ck_assert_ptr_eq(interval_tree_iter_first(&root, 10, 10),
			 &items[0].node);
	ck_assert_ptr_eq(interval_tree_iter_first(&root, 7, 8),
			 &items[0].node);
	ck_assert_ptr_null(interval_tree_iter_next(&items[0].node, 0, 100));

	/* Single points at both ends of the space, and the whole space. */
	items[1].node.start = items[1].node.last = 0;
	items[2].node.start = items[2].node.last = ULONG_MAX;
	items[3].node.start = 0;
	items[3].node.last = ULONG_MAX;
	interval_tree_insert(&items[1].node, &root);
	interval_tree_insert(&items[2].node, &root);
	interval_tree_insert(&items[3].node, &root);
	items[1].linked = items[2].linked = items[3].linked = true;
	audit_itree(&root, 4);
	check_query(&root, items, 4, 0, 0, stamp++);
	check_query(&root, items, 4, ULONG_MAX, ULONG_MAX, stamp++);
	check_query(&root, items, 4, 0, ULONG_MAX, stamp++);
	check_query(&root, items, 4, 11, ULONG_MAX - 1, stamp++);
	check_query(&root, items, 4, 6, 6, stamp++);

	node = interval_tree_iter_first(&root, ULONG_MAX, ULONG_MAX);
	ck_assert_ptr_eq(node, &items[3].node);	/* start 0 sorts first */
	node = interval_tree_iter_next(node, ULONG_MAX, ULONG_MAX);
	ck_assert_ptr_eq(node, &items[2].node);
	ck_assert_ptr_null(interval_tree_iter_next(node, ULONG_MAX,
						   ULONG_MAX));

	interval_tree_remove(&items[3].node, &root);
	items[3].linked = false;
	audit_itree(&root, 3);
	check_query(&root, items, 4, 1, 4, stamp++);
	ck_assert_ptr_null(interval_tree_iter_first(&root, 1, 4));
	interval_tree_remove(&items[1].node, &root);
	interval_tree_remove(&items[0].node, &root);
	interval_tree_remove(&items[2].node, &root);
	ck_assert(RB_EMPTY_ROOT(&root.rb_root));
	ck_assert_ptr_null(rb_first_cached(&root));
}
END_TEST

/*
 * Thousands of random inserts and removes, each followed by a random query
 * checked against the oracle; the structure is audited along the way.
 */
START_TEST(test_itree_random_oracle)
{
	const unsigned int cap = 1200, ops = 6000;
	u64 rs = ktest_seed("test_itree_random_oracle");
	struct it_item *items = kvcalloc(cap, sizeof(*items), GFP_KERNEL);
	struct rb_root_cached root = RB_ROOT_CACHED;
	unsigned int op, nr = 0, stamp = 0;

	ck_assert_ptr_nonnull(items);
	for (op = 0; op < ops; op++) {
		struct it_item *it = &items[rnd_below(&rs, cap)];
		unsigned long qs, ql;

		/* Grow to about 2/3 full, then hover around there. */
		if (!it->linked && (nr < cap / 3 || rnd_below(&rs, 3))) {
			rnd_interval(&rs, &it->node.start, &it->node.last);
			interval_tree_insert(&it->node, &root);
			it->linked = true;
			nr++;
		} else if (it->linked) {
			interval_tree_remove(&it->node, &root);
			it->linked = false;
			nr--;
		}
		rnd_interval(&rs, &qs, &ql);
		check_query(&root, items, cap, qs, ql, ++stamp);
		if (op % 64 == 0)
			audit_itree(&root, nr);
	}
	audit_itree(&root, nr);
	for (op = 0; op < 500; op++) {
		unsigned long qs, ql;

		rnd_interval(&rs, &qs, &ql);
		check_query(&root, items, cap, qs, ql, ++stamp);
	}
	check_query(&root, items, cap, 0, ULONG_MAX, ++stamp);
	check_query(&root, items, cap, 0, 0, ++stamp);
	check_query(&root, items, cap, ULONG_MAX, ULONG_MAX, ++stamp);
	kvfree(items);
}
END_TEST

/* ---- a caller-defined instance: other types, node not first ---- */

struct range {
	u32 lo;
	u32 hi;			/* inclusive */
	int id;
	struct rb_node link;
	u32 hi_max;
	bool linked;
	unsigned int stamp;
};

#define RANGE_LO(r)	((r)->lo)
#define RANGE_HI(r)	((r)->hi)

INTERVAL_TREE_DEFINE(struct range, link, u32, hi_max, RANGE_LO, RANGE_HI,
		     static, range_tree)

static void check_range_query(struct rb_root_cached *root,
			      struct range *rs_items, unsigned int n,
			      u32 qs, u32 ql, unsigned int stamp)
{
	struct range *r;
	unsigned int got = 0, want = 0, i;

	for (r = range_tree_iter_first(root, qs, ql); r;
	     r = range_tree_iter_next(r, qs, ql)) {
		kt_assert(r->linked && r->lo <= ql && qs <= r->hi);
		kt_assert(r->stamp != stamp);
		r->stamp = stamp;
		got++;
	}
	for (i = 0; i < n; i++)
		if (rs_items[i].linked && rs_items[i].lo <= ql &&
		    qs <= rs_items[i].hi) {
			kt_assert_msg(rs_items[i].stamp == stamp,
				      "range %d [%u, %u] missed by [%u, %u]",
				      rs_items[i].id, rs_items[i].lo,
				      rs_items[i].hi, qs, ql);
			want++;
		}
	kt_assert(got == want);
}

static u32 rnd_u32_edge(u64 *rs)
{
	switch (rnd_below(rs, 4)) {
	case 0:
		return rnd_below(rs, 64);
	case 1:
		return U32_MAX - rnd_below(rs, 64);
	default:
		return (u32)rnd_next(rs);
	}
}

START_TEST(test_itree_custom_define)
{
	const unsigned int cap = 500, ops = 4000;
	u64 rs = ktest_seed("test_itree_custom_define");
	struct range *items = kvcalloc(cap, sizeof(*items), GFP_KERNEL);
	struct rb_root_cached root = RB_ROOT_CACHED;
	unsigned int op, i, stamp = 0;
	struct rb_node *rb;

	ck_assert_ptr_nonnull(items);
	for (i = 0; i < cap; i++)
		items[i].id = i;
	for (op = 0; op < ops; op++) {
		struct range *r = &items[rnd_below(&rs, cap)];
		u32 a = rnd_u32_edge(&rs), b = rnd_u32_edge(&rs);

		if (!r->linked) {
			r->lo = min(a, b);
			r->hi = rnd_below(&rs, 3) ? max(a, b) : r->lo;
			range_tree_insert(r, &root);
			r->linked = true;
		} else {
			range_tree_remove(r, &root);
			r->linked = false;
		}
		a = rnd_u32_edge(&rs);
		b = rnd_u32_edge(&rs);
		check_range_query(&root, items, cap, min(a, b), max(a, b),
				  ++stamp);
	}
	check_range_query(&root, items, cap, 0, U32_MAX, ++stamp);
	/* Every node's hi_max is the maximum hi of its subtree. */
	for (rb = rb_first(&root.rb_root); rb; rb = rb_next(rb)) {
		struct range *r = rb_entry(rb, struct range, link), *kid;
		u32 m = r->hi;

		if (rb->rb_left) {
			kid = rb_entry(rb->rb_left, struct range, link);
			m = max(m, kid->hi_max);
		}
		if (rb->rb_right) {
			kid = rb_entry(rb->rb_right, struct range, link);
			m = max(m, kid->hi_max);
		}
		kt_assert(r->hi_max == m);
	}
	kvfree(items);
}
END_TEST

/* ---- the span iterator against marking over a small universe ---- */

/*
 * Indexes are base + i for i in [0, SPAN_U); with base = ULONG_MAX -
 * SPAN_U + 1 the universe ends at ULONG_MAX.  Nodes may reach a little
 * outside it (where the space allows), to be clipped by the iterator.
 */
#define SPAN_U		96
#define SPAN_NODES	14

struct span_rec {
	int is_hole;
	unsigned long start, last;
};

struct span_world {
	unsigned long base;
	struct interval_tree_node nodes[SPAN_NODES];
	unsigned int nr;
	struct rb_root_cached root;
	bool used[SPAN_U];
};

static void span_world_fill(struct span_world *w, u64 *rs, unsigned long base)
{
	unsigned int i, nr = rnd_below(rs, SPAN_NODES + 1);

	memset(w, 0, sizeof(*w));
	w->base = base;
	w->root = RB_ROOT_CACHED;
	/* Sometimes one node covering the universe and beyond. */
	if (nr && !rnd_below(rs, 12)) {
		w->nodes[0].start = base ? base - 3 : 0;
		w->nodes[0].last = base ? ULONG_MAX : SPAN_U + 3;
		interval_tree_insert(&w->nodes[0], &w->root);
		w->nr = 1;
	}
	for (i = w->nr; i < nr; i++) {
		long s = (long)rnd_below(rs, SPAN_U + 16) - 8;
		long len = rnd_below(rs, 4) ? (long)rnd_below(rs, 12) :
					      (long)rnd_below(rs, 40);
		long l = s + len;
		struct interval_tree_node *n = &w->nodes[i];

		/* Keep within the unsigned long space around base. */
		if (base == 0 && s < 0)
			s = 0;
		if (base != 0 && l >= SPAN_U)
			l = SPAN_U - 1;
		if (l < s)
			l = s;
		n->start = base + s;
		n->last = base + l;
		interval_tree_insert(n, &w->root);
	}
	w->nr = max(nr, w->nr);
	for (i = 0; i < w->nr; i++) {
		unsigned int k;

		for (k = 0; k < SPAN_U; k++)
			if (w->nodes[i].start <= base + k &&
			    base + k <= w->nodes[i].last)
				w->used[k] = true;
	}
}

/* The oracle: spans of [base + f, base + l] by scanning the marks. */
static unsigned int oracle_spans(const struct span_world *w, unsigned int f,
				 unsigned int l, struct span_rec *out)
{
	unsigned int n = 0, k = f;

	while (k <= l) {
		unsigned int e = k;

		while (e < l && w->used[e + 1] == w->used[k])
			e++;
		out[n].is_hole = !w->used[k];
		out[n].start = w->base + k;
		out[n].last = w->base + e;
		n++;
		k = e + 1;
	}
	return n;
}

static void expect_span(const struct interval_tree_span_iter *it,
			const struct span_rec *want)
{
	kt_assert_msg(it->is_hole == want->is_hole,
		      "is_hole %d, expected %d at %#lx", it->is_hole,
		      want->is_hole, want->start);
	/* The hole and used names share storage, as in the kernel. */
	kt_assert(it->start_hole == it->start_used &&
		  it->last_hole == it->last_used);
	if (want->is_hole)
		kt_assert_msg(it->start_hole == want->start &&
			      it->last_hole == want->last,
			      "hole [%#lx, %#lx], expected [%#lx, %#lx]",
			      it->start_hole, it->last_hole, want->start,
			      want->last);
	else
		kt_assert_msg(it->start_used == want->start &&
			      it->last_used == want->last,
			      "used [%#lx, %#lx], expected [%#lx, %#lx]",
			      it->start_used, it->last_used, want->start,
			      want->last);
}

/* A whole walk of [base + f, base + l] must match the oracle exactly. */
static void check_walk(struct span_world *w, unsigned int f, unsigned int l)
{
	struct span_rec want[SPAN_U];
	struct interval_tree_span_iter it;
	unsigned int n = oracle_spans(w, f, l, want), i = 0;

	interval_tree_for_each_span(&it, &w->root, w->base + f, w->base + l) {
		kt_assert_msg(i < n, "extra span after %u", n);
		expect_span(&it, &want[i]);
		i++;
	}
	kt_assert_msg(i == n, "%u spans, expected %u", i, n);
	kt_assert(interval_tree_span_iter_done(&it) && it.is_hole == -1);
	interval_tree_span_iter_next(&it);	/* harmless once done */
	kt_assert(it.is_hole == -1);
}

/*
 * Random mixes of next() and advance(): after advance(new) the rest of
 * the walk must be exactly the walk of [new, last].
 */
static void check_advance_walk(struct span_world *w, u64 *rs, unsigned int f,
			       unsigned int l)
{
	struct span_rec want[SPAN_U];
	struct interval_tree_span_iter it;
	unsigned int n = oracle_spans(w, f, l, want), i = 0, steps;

	interval_tree_span_iter_first(&it, &w->root, w->base + f,
				      w->base + l);
	for (steps = 0; steps < 40; steps++) {
		unsigned int to;

		if (i == n) {
			kt_assert(interval_tree_span_iter_done(&it));
			break;
		}
		expect_span(&it, &want[i]);
		switch (rnd_below(rs, 6)) {
		case 0:		/* somewhere inside the current span */
			to = want[i].start - w->base +
			     rnd_below(rs, want[i].last - want[i].start + 1);
			break;
		case 1:		/* just past it: same as next() */
			to = want[i].last - w->base + 1;
			break;
		case 2:		/* anywhere, backwards included */
			to = rnd_below(rs, SPAN_U + 2);
			break;
		default:
			interval_tree_span_iter_next(&it);
			i++;
			continue;
		}
		if (w->base && to >= SPAN_U)
			to = SPAN_U - 1;	/* no index past ULONG_MAX */
		interval_tree_span_iter_advance(&it, &w->root, w->base + to);
		if (to > l) {
			kt_assert(interval_tree_span_iter_done(&it));
			/* A finished walk stays finished. */
			interval_tree_span_iter_advance(&it, &w->root, w->base);
			kt_assert(interval_tree_span_iter_done(&it));
			return;
		}
		n = oracle_spans(w, to, l, want);
		i = 0;
	}
}

static void span_world_empty(struct span_world *w)
{
	unsigned int i;

	for (i = 0; i < w->nr; i++)
		interval_tree_remove(&w->nodes[i], &w->root);
	kt_assert(RB_EMPTY_ROOT(&w->root.rb_root));
}

START_TEST(test_span_fixed_cases)
{
	struct span_world *w = kzalloc(sizeof(*w), GFP_KERNEL);
	static const unsigned long iv[][2] = {
		{ 10, 19 }, { 20, 29 },		/* adjacent: one run */
		{ 25, 40 },			/* overlapping: extends it */
		{ 50, 50 },			/* a single point */
		{ 60, 70 }, { 62, 64 },		/* nested */
	};
	struct interval_tree_span_iter it;
	unsigned int i;

	ck_assert_ptr_nonnull(w);
	w->root = RB_ROOT_CACHED;
	for (i = 0; i < ARRAY_SIZE(iv); i++) {
		unsigned long k;

		w->nodes[i].start = iv[i][0];
		w->nodes[i].last = iv[i][1];
		interval_tree_insert(&w->nodes[i], &w->root);
		for (k = iv[i][0]; k <= iv[i][1]; k++)
			w->used[k] = true;
	}
	w->nr = ARRAY_SIZE(iv);

	interval_tree_span_iter_first(&it, &w->root, 0, 95);
	ck_assert_int_eq(it.is_hole, 1);
	ck_assert_uint_eq(it.start_hole, 0);
	ck_assert_uint_eq(it.last_hole, 9);
	interval_tree_span_iter_next(&it);
	ck_assert_int_eq(it.is_hole, 0);
	ck_assert_uint_eq(it.start_used, 10);
	ck_assert_uint_eq(it.last_used, 40);
	interval_tree_span_iter_next(&it);
	ck_assert_int_eq(it.is_hole, 1);
	ck_assert_uint_eq(it.start_hole, 41);
	ck_assert_uint_eq(it.last_hole, 49);
	interval_tree_span_iter_next(&it);
	ck_assert_int_eq(it.is_hole, 0);
	ck_assert_uint_eq(it.start_used, 50);
	ck_assert_uint_eq(it.last_used, 50);

	/* Starting and ending inside used spans and holes. */
	check_walk(w, 0, 95);
	check_walk(w, 15, 45);
	check_walk(w, 12, 35);
	check_walk(w, 45, 63);
	check_walk(w, 50, 50);
	check_walk(w, 51, 59);
	check_walk(w, 71, 95);
	check_walk(w, 40, 41);

	/* advance() inside the current used span just moves its start. */
	interval_tree_span_iter_first(&it, &w->root, 0, 95);
	interval_tree_span_iter_next(&it);
	interval_tree_span_iter_advance(&it, &w->root, 33);
	ck_assert_int_eq(it.is_hole, 0);
	ck_assert_uint_eq(it.start_used, 33);
	ck_assert_uint_eq(it.last_used, 40);
	/* ... to the index after it is next() ... */
	interval_tree_span_iter_advance(&it, &w->root, 41);
	ck_assert_int_eq(it.is_hole, 1);
	ck_assert_uint_eq(it.start_hole, 41);
	ck_assert_uint_eq(it.last_hole, 49);
	/* ... and backwards restarts from the tree. */
	interval_tree_span_iter_advance(&it, &w->root, 5);
	ck_assert_int_eq(it.is_hole, 1);
	ck_assert_uint_eq(it.start_hole, 5);
	ck_assert_uint_eq(it.last_hole, 9);
	interval_tree_span_iter_advance(&it, &w->root, 96);
	ck_assert(interval_tree_span_iter_done(&it));

	span_world_empty(w);
	kfree(w);
}
END_TEST

START_TEST(test_span_empty_and_full)
{
	struct rb_root_cached root = RB_ROOT_CACHED;
	struct interval_tree_node all = { .start = 0, .last = ULONG_MAX };
	struct interval_tree_node top = { .start = ULONG_MAX - 9,
					  .last = ULONG_MAX };
	struct interval_tree_span_iter it;
	unsigned int n;

	/* Empty tree: one hole, the whole range. */
	interval_tree_span_iter_first(&it, &root, 0, ULONG_MAX);
	ck_assert_int_eq(it.is_hole, 1);
	ck_assert_uint_eq(it.start_hole, 0);
	ck_assert_uint_eq(it.last_hole, ULONG_MAX);
	interval_tree_span_iter_next(&it);
	ck_assert(interval_tree_span_iter_done(&it));

	interval_tree_span_iter_first(&it, &root, 7, 7);
	ck_assert_int_eq(it.is_hole, 1);
	ck_assert_uint_eq(it.start_hole, 7);
	ck_assert_uint_eq(it.last_hole, 7);
	interval_tree_span_iter_next(&it);
	ck_assert_int_eq(it.is_hole, -1);

	/* Full coverage: one used span, clipped to the range. */
	interval_tree_insert(&all, &root);
	n = 0;
	interval_tree_for_each_span(&it, &root, 0, ULONG_MAX) {
		ck_assert_int_eq(it.is_hole, 0);
		ck_assert_uint_eq(it.start_used, 0);
		ck_assert_uint_eq(it.last_used, ULONG_MAX);
		n++;
	}
	ck_assert_uint_eq(n, 1);
	interval_tree_span_iter_first(&it, &root, 100, 200);
	ck_assert_int_eq(it.is_hole, 0);
	ck_assert_uint_eq(it.start_used, 100);
	ck_assert_uint_eq(it.last_used, 200);
	interval_tree_span_iter_next(&it);
	ck_assert(interval_tree_span_iter_done(&it));
	interval_tree_remove(&all, &root);

	/* A used span ending at ULONG_MAX, then advance to the very end. */
	interval_tree_insert(&top, &root);
	interval_tree_span_iter_first(&it, &root, 0, ULONG_MAX);
	ck_assert_int_eq(it.is_hole, 1);
	ck_assert_uint_eq(it.last_hole, ULONG_MAX - 10);
	interval_tree_span_iter_next(&it);
	ck_assert_int_eq(it.is_hole, 0);
	ck_assert_uint_eq(it.start_used, ULONG_MAX - 9);
	ck_assert_uint_eq(it.last_used, ULONG_MAX);
	interval_tree_span_iter_advance(&it, &root, ULONG_MAX);
	ck_assert_int_eq(it.is_hole, 0);
	ck_assert_uint_eq(it.start_used, ULONG_MAX);
	/* Back to 0 from a span ending at ULONG_MAX restarts, not ends. */
	interval_tree_span_iter_advance(&it, &root, 0);
	ck_assert_int_eq(it.is_hole, 1);
	ck_assert_uint_eq(it.start_hole, 0);
	interval_tree_span_iter_next(&it);
	interval_tree_span_iter_next(&it);
	ck_assert(interval_tree_span_iter_done(&it));
	interval_tree_remove(&top, &root);
	ck_assert(RB_EMPTY_ROOT(&root.rb_root));
}
END_TEST

START_TEST(test_span_random_oracle)
{
	u64 rs = ktest_seed("test_span_random_oracle");
	struct span_world *w = kzalloc(sizeof(*w), GFP_KERNEL);
	unsigned int trial, q;

	ck_assert_ptr_nonnull(w);
	for (trial = 0; trial < 2000; trial++) {
		unsigned long base = trial & 1 ? ULONG_MAX - SPAN_U + 1 : 0;

		span_world_fill(w, &rs, base);
		check_walk(w, 0, SPAN_U - 1);
		for (q = 0; q < 8; q++) {
			unsigned int a = rnd_below(&rs, SPAN_U);
			unsigned int b = rnd_below(&rs, SPAN_U);

			check_walk(w, min(a, b), max(a, b));
		}
		for (q = 0; q < 6; q++) {
			unsigned int a = rnd_below(&rs, SPAN_U);
			unsigned int b = rnd_below(&rs, SPAN_U);

			check_advance_walk(w, &rs, min(a, b), max(a, b));
		}
		check_advance_walk(w, &rs, 0, SPAN_U - 1);
		span_world_empty(w);
	}
	kfree(w);
}
END_TEST

Suite *interval_tree_suite(void)
{
	Suite *s = suite_create("interval_tree");
	TCase *tc = ktest_tcase("tree");
	TCase *span = ktest_tcase("span");

	tcase_add_test(tc, test_itree_small_cases);
	tcase_add_test(tc, test_itree_random_oracle);
	tcase_add_test(tc, test_itree_custom_define);
	suite_add_tcase(s, tc);

	tcase_add_test(span, test_span_fixed_cases);
	tcase_add_test(span, test_span_empty_and_full);
	tcase_add_test(span, test_span_random_oracle);
	suite_add_tcase(s, span);
	return s;
}
