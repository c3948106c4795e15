// SPDX-License-Identifier: GPL-2.0
/*
 * linux/rbtree.h and linux/rbtree_augmented.h: the red-black invariants
 * after every operation, the cached leftmost, the callback helpers and the
 * augmentation callbacks against brute force.
 */
#include <linux/rbtree.h>
#include <linux/rbtree_augmented.h>
#include <linux/slab.h>
#include "ktest.h"
#include "shim_suites.h"

/*
 * Check's ck_assert*() record a mark point (a message to the parent
 * process) on every call, far too slow for audits that run after every
 * tree operation.  These only call into Check when they fail.
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

/* splitmix64: small, good enough, and replayable from ktest_seed(). */
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

struct item_aug {
	unsigned int size;	/* nodes in the subtree */
	unsigned long sum;	/* sum of weights in the subtree */
};

struct item {
	unsigned long key;
	struct rb_node rb;	/* deliberately not the first member */
	unsigned int seq;	/* insertion order, to check stability */
	bool linked;
	unsigned long weight;
	unsigned long subtree_max;	/* for the _MAX callbacks */
	struct item_aug aug;		/* for the hand-written callbacks */
	bool visited;
};

#define to_item(node)	rb_entry(node, struct item, rb)

/* Items sort by key, equal keys in insertion order. */
static bool item_before(const struct item *a, const struct item *b)
{
	return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

/* Tree order: equal keys go after the ones already there. */
static bool item_less(struct rb_node *a, const struct rb_node *b)
{
	return to_item(a)->key < rb_entry(b, struct item, rb)->key;
}

static int item_cmp_key(const void *key, const struct rb_node *node)
{
	unsigned long k = *(const unsigned long *)key;
	unsigned long nk = rb_entry(node, struct item, rb)->key;

	return k < nk ? -1 : k > nk;
}

static int item_cmp_node(struct rb_node *a, const struct rb_node *b)
{
	return item_cmp_key(&to_item(a)->key, b);
}

static int item_cmp_node_const(const struct rb_node *a,
			       const struct rb_node *b)
{
	return item_cmp_key(&rb_entry(a, struct item, rb)->key, b);
}

/* ---- invariant checker ---- */

struct rb_audit {
	struct rb_node **order;	/* in-order nodes, filled by the walk */
	unsigned int count;
	unsigned int cap;
	unsigned int max_depth;
};

/* Returns the black height of @node's subtree, NULL leaves counting 1. */
static int audit_subtree(struct rb_audit *a, struct rb_node *node,
			 struct rb_node *parent, unsigned int depth)
{
	int lh, rh;

	if (!node)
		return 1;
	if (depth > a->max_depth)
		a->max_depth = depth;
	kt_assert(rb_parent(node) == parent);
	kt_assert_msg((node->__rb_parent_color & 2) == 0,
		      "bit 1 of the parent word is set");
	kt_assert(!RB_EMPTY_NODE(node));
	if (rb_is_red(node))
		kt_assert_msg((!node->rb_left || rb_is_black(node->rb_left)) &&
			      (!node->rb_right || rb_is_black(node->rb_right)),
			      "red node with a red child");
	lh = audit_subtree(a, node->rb_left, node, depth + 1);
	kt_assert(a->count < a->cap);
	a->order[a->count++] = node;
	rh = audit_subtree(a, node->rb_right, node, depth + 1);
	kt_assert_msg(lh == rh, "black heights differ: %d vs %d", lh, rh);
	return lh + (rb_is_black(node) ? 1 : 0);
}

static unsigned int ilog2_ceil(unsigned int n)
{
	unsigned int l = 0;

	while ((1U << l) < n)
		l++;
	return l;
}

/*
 * Check every red-black invariant, parent pointers, the (key, seq) order,
 * the node count, the depth bound, and that rb_first/last/next/prev agree
 * with the structure.  @a->order receives the nodes in order.
 */
static void audit_tree(struct rb_audit *a, struct rb_root *root,
		       unsigned int expect)
{
	struct rb_node *node;
	unsigned int i;

	a->count = 0;
	a->max_depth = 0;
	if (root->rb_node) {
		kt_assert(rb_parent(root->rb_node) == NULL);
		kt_assert_msg(rb_is_black(root->rb_node), "red root");
	}
	audit_subtree(a, root->rb_node, NULL, 1);
	kt_assert(a->count == expect);
	kt_assert(RB_EMPTY_ROOT(root) == (expect == 0));
	/* Depth of a red-black tree is at most 2 * log2(n + 1). */
	kt_assert(a->max_depth <= 2 * ilog2_ceil(expect + 1));

	for (i = 1; i < a->count; i++)
		kt_assert_msg(item_before(to_item(a->order[i - 1]),
					  to_item(a->order[i])),
			      "in-order walk not sorted at %u", i);

	node = rb_first(root);
	for (i = 0; i < a->count; i++, node = rb_next(node))
		kt_assert(node == a->order[i]);
	kt_assert(node == NULL);
	node = rb_last(root);
	for (i = a->count; i > 0; i--, node = rb_prev(node))
		kt_assert(node == a->order[i - 1]);
	kt_assert(node == NULL);
}

static void audit_cached(struct rb_audit *a, struct rb_root_cached *root,
			 unsigned int expect)
{
	audit_tree(a, &root->rb_root, expect);
	kt_assert(rb_first_cached(root) == (expect ? a->order[0] : NULL));
}

static struct rb_audit *audit_alloc(unsigned int cap)
{
	struct rb_audit *a = kzalloc(sizeof(*a), GFP_KERNEL);

	kt_assert(a != NULL);
	a->order = kvcalloc(cap, sizeof(*a->order), GFP_KERNEL);
	kt_assert(a->order != NULL);
	a->cap = cap;
	return a;
}

static void audit_free(struct rb_audit *a)
{
	kvfree(a->order);
	kfree(a);
}

/* A pool of items with O(1) random pick among linked / unlinked ones. */
struct pool {
	struct item *items;
	unsigned int *free_ids, *used_ids;
	unsigned int nr_free, nr_used, cap;
	unsigned int next_seq;
};

static void pool_init(struct pool *p, unsigned int cap)
{
	unsigned int i;

	p->items = kvcalloc(cap, sizeof(*p->items), GFP_KERNEL);
	p->free_ids = kvcalloc(cap, sizeof(*p->free_ids), GFP_KERNEL);
	p->used_ids = kvcalloc(cap, sizeof(*p->used_ids), GFP_KERNEL);
	kt_assert(p->items && p->free_ids && p->used_ids);
	for (i = 0; i < cap; i++) {
		RB_CLEAR_NODE(&p->items[i].rb);
		p->free_ids[i] = cap - 1 - i;
	}
	p->nr_free = cap;
	p->nr_used = 0;
	p->cap = cap;
	p->next_seq = 0;
}

static void pool_destroy(struct pool *p)
{
	kvfree(p->items);
	kvfree(p->free_ids);
	kvfree(p->used_ids);
}

/* Take a random unlinked item and give it @key. */
static struct item *pool_take(struct pool *p, u64 *rs, unsigned long key)
{
	unsigned int slot = rnd_below(rs, p->nr_free);
	struct item *it = &p->items[p->free_ids[slot]];

	p->used_ids[p->nr_used++] = p->free_ids[slot];
	p->free_ids[slot] = p->free_ids[--p->nr_free];
	kt_assert(!it->linked);
	it->key = key;
	it->seq = p->next_seq++;
	it->weight = rnd_next(rs) >> 40;
	it->linked = true;
	return it;
}

/* Pick a random linked item and mark it unlinked (the caller erases). */
static struct item *pool_give(struct pool *p, u64 *rs)
{
	unsigned int slot = rnd_below(rs, p->nr_used);
	struct item *it = &p->items[p->used_ids[slot]];

	p->free_ids[p->nr_free++] = p->used_ids[slot];
	p->used_ids[slot] = p->used_ids[--p->nr_used];
	kt_assert(it->linked);
	it->linked = false;
	return it;
}

/* Insert by hand, as most kernel users do: search, link, rebalance. */
static void insert_manual_cached(struct item *it, struct rb_root_cached *root)
{
	struct rb_node **link = &root->rb_root.rb_node, *parent = NULL;
	bool leftmost = true;

	while (*link) {
		parent = *link;
		if (it->key < to_item(parent)->key) {
			link = &parent->rb_left;
		} else {
			link = &parent->rb_right;
			leftmost = false;
		}
	}
	rb_link_node(&it->rb, parent, link);
	rb_insert_color_cached(&it->rb, root, leftmost);
}

static void insert_manual(struct item *it, struct rb_root *root)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = it->key < to_item(parent)->key ? &parent->rb_left :
							 &parent->rb_right;
	}
	rb_link_node(&it->rb, parent, link);
	rb_insert_color(&it->rb, root);
}

START_TEST(test_rbtree_empty_and_clear)
{
	struct rb_root root = RB_ROOT;
	struct rb_root_cached croot = RB_ROOT_CACHED;
	struct item it = { .key = 1 };
	struct rb_node *none = NULL;

	kt_assert(RB_EMPTY_ROOT(&root));
	kt_assert(RB_EMPTY_ROOT(&croot.rb_root));
	kt_assert(rb_first(&root) == NULL);
	kt_assert(rb_last(&root) == NULL);
	kt_assert(rb_first_cached(&croot) == NULL);
	kt_assert(rb_first_postorder(&root) == NULL);
	kt_assert(rb_next_postorder(NULL) == NULL);
	kt_assert(rb_entry_safe(none, struct item, rb) == NULL);

	RB_CLEAR_NODE(&it.rb);
	kt_assert(RB_EMPTY_NODE(&it.rb));
	kt_assert(rb_next(&it.rb) == NULL);
	kt_assert(rb_prev(&it.rb) == NULL);

	insert_manual(&it, &root);
	kt_assert(!RB_EMPTY_NODE(&it.rb));
	kt_assert(!RB_EMPTY_ROOT(&root));
	kt_assert(rb_entry_safe(rb_first(&root), struct item, rb) == &it);
	kt_assert(rb_next(&it.rb) == NULL);
	kt_assert(rb_prev(&it.rb) == NULL);
	rb_erase(&it.rb, &root);
	kt_assert(RB_EMPTY_ROOT(&root));

	insert_manual_cached(&it, &croot);
	kt_assert(rb_first_cached(&croot) == &it.rb);
	kt_assert(rb_erase_cached(&it.rb, &croot) == NULL);
	kt_assert(rb_first_cached(&croot) == NULL);
	kt_assert(RB_EMPTY_ROOT(&croot.rb_root));
}
END_TEST

START_TEST(test_rbtree_colour_packing)
{
	struct rb_root root = RB_ROOT;
	struct item it[3] = { { .key = 1 }, { .key = 2 }, { .key = 3 } };
	unsigned int i;

	static_assert(__alignof__(struct rb_node) >= 4,
		      "two low bits of a node address must be free");
	/* Ascending inserts rotate once: 2 becomes the black root. */
	for (i = 0; i < 3; i++)
		insert_manual(&it[i], &root);
	kt_assert(root.rb_node == &it[1].rb);
	kt_assert(rb_color(&it[1].rb) == RB_BLACK);
	kt_assert(rb_parent(&it[1].rb) == NULL);
	kt_assert(it[1].rb.__rb_parent_color == RB_BLACK);
	for (i = 0; i < 3; i += 2) {
		kt_assert(rb_parent(&it[i].rb) == &it[1].rb);
		kt_assert(rb_color(&it[i].rb) == RB_RED);
		kt_assert(rb_is_red(&it[i].rb) && !rb_is_black(&it[i].rb));
		kt_assert(it[i].rb.__rb_parent_color ==
			  ((unsigned long)&it[1].rb | RB_RED));
	}
	kt_assert(it[1].rb.rb_left == &it[0].rb);
	kt_assert(it[1].rb.rb_right == &it[2].rb);

	/* A fourth node recolours: both children black, root stays black. */
	{
		struct item four = { .key = 4, .seq = 3 };
		struct rb_audit *a = audit_alloc(8);

		for (i = 0; i < 3; i++)
			it[i].seq = i;
		insert_manual(&four, &root);
		kt_assert(rb_is_black(&it[0].rb) && rb_is_black(&it[2].rb));
		kt_assert(rb_is_red(&four.rb));
		audit_tree(a, &root, 4);
		audit_free(a);
	}
}
END_TEST

/* Sorted input is the worst case for an unbalanced tree. */
START_TEST(test_rbtree_sequential)
{
	const unsigned int n = 2000;
	struct item *items = kvcalloc(n, sizeof(*items), GFP_KERNEL);
	struct rb_audit *a = audit_alloc(n);
	struct rb_root root = RB_ROOT;
	unsigned int pass, i;

	kt_assert(items != NULL);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			unsigned int k = pass ? n - 1 - i : i;

			items[k].key = k;
			items[k].seq = k;
			insert_manual(&items[k], &root);
			if (i % 97 == 0)
				audit_tree(a, &root, i + 1);
		}
		audit_tree(a, &root, n);
		/* Erase from the front (pass 0) or from the middle out. */
		for (i = 0; i < n; i++) {
			unsigned int k = pass ? (i * 7919) % n : i;

			rb_erase(&items[k].rb, &root);
			if (i % 89 == 0)
				audit_tree(a, &root, n - 1 - i);
		}
		kt_assert(RB_EMPTY_ROOT(&root));
	}
	audit_free(a);
	kvfree(items);
}
END_TEST

/*
 * Random inserts (by hand and through rb_add_cached) and erases on a
 * cached tree, with a full audit after every single operation.
 */
START_TEST(test_rbtree_random_cached)
{
	const unsigned int cap = 384, ops = 10000;
	u64 rs = ktest_seed("test_rbtree_random_cached");
	struct rb_audit *a = audit_alloc(cap);
	struct rb_root_cached root = RB_ROOT_CACHED;
	struct pool p;
	unsigned int op;

	pool_init(&p, cap);
	for (op = 0; op < ops + cap; op++) {
		bool draining = op >= ops;
		bool insert = !draining && p.nr_free &&
			      (!p.nr_used || rnd_below(&rs, 100) < 55);

		if (draining && !p.nr_used)
			break;
		if (insert) {
			/* Narrow keys give many duplicates. */
			unsigned long key = rnd_below(&rs, 4) ?
					    rnd_below(&rs, 200) : rnd_next(&rs);
			struct item *it = pool_take(&p, &rs, key);
			struct rb_node *old_first = rb_first_cached(&root);
			bool becomes_first = !old_first ||
					     key < to_item(old_first)->key;

			if (rnd_below(&rs, 2)) {
				insert_manual_cached(it, &root);
			} else {
				struct rb_node *ret;

				ret = rb_add_cached(&it->rb, &root, item_less);
				kt_assert(ret ==
					  (becomes_first ? &it->rb : NULL));
			}
			kt_assert(rb_first_cached(&root) ==
				  (becomes_first ? &it->rb : old_first));
		} else {
			struct item *it = pool_give(&p, &rs);
			bool was_first = rb_first_cached(&root) == &it->rb;
			struct rb_node *succ = rb_next(&it->rb);
			struct rb_node *ret = rb_erase_cached(&it->rb, &root);

			kt_assert(ret == (was_first ? succ : NULL));
			RB_CLEAR_NODE(&it->rb);
		}
		audit_cached(a, &root, p.nr_used);
	}
	kt_assert(RB_EMPTY_ROOT(&root.rb_root));
	kt_assert(rb_first_cached(&root) == NULL);
	pool_destroy(&p);
	audit_free(a);
}
END_TEST

START_TEST(test_rbtree_add_find_helpers)
{
	const unsigned int n = 100, nkeys = 10;
	struct item *items = kvcalloc(2 * n, sizeof(*items), GFP_KERNEL);
	struct rb_audit *a = audit_alloc(2 * n);
	struct rb_root root = RB_ROOT;
	struct rb_root_cached croot = RB_ROOT_CACHED;
	struct rb_node *node;
	unsigned long key;
	unsigned int i, seen;

	kt_assert(items != NULL);
	/* Keys 0..9 ten times each, inserted in a scrambled order. */
	for (i = 0; i < n; i++) {
		items[i].key = (i * 7) % nkeys;
		items[i].seq = i;
		rb_add(&items[i].rb, &root, item_less);
	}
	audit_tree(a, &root, n);

	for (key = 0; key < nkeys; key++) {
		struct item *first = NULL;

		node = rb_find(&key, &root, item_cmp_key);
		kt_assert(node != NULL);
		kt_assert(to_item(node)->key == key);

		/* Equal keys stay in insertion order: first = lowest seq. */
		node = rb_find_first(&key, &root, item_cmp_key);
		kt_assert(node != NULL);
		for (i = 0; i < n; i++)
			if (items[i].key == key) {
				first = &items[i];
				break;
			}
		kt_assert(node == &first->rb);

		seen = 0;
		rb_for_each(node, &key, &root, item_cmp_key) {
			kt_assert(to_item(node)->key == key);
			if (seen)
				kt_assert(item_before(to_item(rb_prev(node)),
						      to_item(node)));
			seen++;
		}
		kt_assert(seen == (n / nkeys));
	}
	key = 42;
	kt_assert(rb_find(&key, &root, item_cmp_key) == NULL);
	kt_assert(rb_find_first(&key, &root, item_cmp_key) == NULL);
	seen = 0;
	rb_for_each(node, &key, &root, item_cmp_key)
		seen++;
	kt_assert(seen == 0);
	/* rb_next_match stops at the first non-matching node. */
	key = 3;
	node = rb_find_first(&key, &root, item_cmp_key);
	for (i = 1; i < n / nkeys; i++)
		node = rb_next_match(&key, node, item_cmp_key);
	kt_assert(node != NULL);
	kt_assert(rb_next_match(&key, node, item_cmp_key) == NULL);

	/* rb_find_add: unique keys only; a duplicate returns the holder. */
	root = RB_ROOT;
	for (i = 0; i < n; i++) {
		struct item *it = &items[n + i];

		it->key = (i * 37) % 50;
		it->seq = i;
		node = rb_find_add(&it->rb, &root, item_cmp_node);
		if (i < 50) {
			kt_assert(node == NULL);
		} else {
			kt_assert(node == (&items[n + i - 50].rb));
			RB_CLEAR_NODE(&it->rb);
		}
	}
	audit_tree(a, &root, 50);

	/* The same through the cached variants. */
	for (i = 0; i < n; i++) {
		struct item *it = &items[i];
		unsigned long old_first_key = croot.rb_leftmost ?
			to_item(croot.rb_leftmost)->key : ULONG_MAX;

		it->key = 1000 - (i * 13) % 60;
		it->seq = i;
		node = rb_find_add_cached(&it->rb, &croot,
					  item_cmp_node_const);
		if (i < 60) {
			kt_assert(node == NULL);
			kt_assert(rb_first_cached(&croot) ==
				  (it->key < old_first_key ? &it->rb :
				   rb_first(&croot.rb_root)));
		} else {
			kt_assert(node == &items[i - 60].rb);
		}
	}
	audit_cached(a, &croot, 60);

	croot = RB_ROOT_CACHED;
	for (i = 0; i < n; i++) {
		struct item *it = &items[i];
		bool lowest = !croot.rb_leftmost ||
			      (i % 10) < to_item(croot.rb_leftmost)->key;

		it->key = i % 10;
		it->seq = i;
		node = rb_add_cached(&it->rb, &croot, item_less);
		kt_assert(node == (lowest ? &it->rb : NULL));
	}
	audit_cached(a, &croot, n);

	audit_free(a);
	kvfree(items);
}
END_TEST

START_TEST(test_rbtree_replace_node)
{
	const unsigned int n = 300;
	u64 rs = ktest_seed("test_rbtree_replace_node");
	struct item *items = kvcalloc(2 * n, sizeof(*items), GFP_KERNEL);
	struct item **cur = kvcalloc(n, sizeof(*cur), GFP_KERNEL);
	struct rb_audit *a = audit_alloc(n);
	struct rb_root_cached root = RB_ROOT_CACHED;
	unsigned int i, round;

	kt_assert(items && cur);
	for (i = 0; i < n; i++) {
		items[i].key = i;
		items[i].seq = i;
		cur[i] = &items[i];
		insert_manual_cached(&items[i], &root);
	}
	/* Swap each key between its two items a few times, key 0 included. */
	for (round = 0; round < 3 * n; round++) {
		unsigned int k = round % 7 == 0 ? 0 : rnd_below(&rs, n);
		struct item *old = cur[k];
		struct item *new = old == &items[k] ? &items[n + k] :
						      &items[k];

		new->key = k;
		new->seq = k;
		rb_replace_node_cached(&old->rb, &new->rb, &root);
		cur[k] = new;
		if (round % 31 == 0)
			audit_cached(a, &root, n);
	}
	audit_cached(a, &root, n);
	for (i = 0; i < n; i++)
		kt_assert(a->order[i] == &cur[i]->rb);
	audit_free(a);
	kvfree(cur);
	kvfree(items);
}
END_TEST

/* Post-order visits children first, so the body can free as it goes. */
START_TEST(test_rbtree_postorder_free)
{
	const unsigned int n = 777;
	u64 rs = ktest_seed("test_rbtree_postorder_free");
	struct rb_root root = RB_ROOT;
	struct item *pos, *next;
	unsigned int i, visited = 0;

	for (i = 0; i < n; i++) {
		struct item *it = kzalloc(sizeof(*it), GFP_KERNEL);

		kt_assert(it != NULL);
		it->key = rnd_below(&rs, 1000);
		insert_manual(it, &root);
	}
	/* First a read-only walk checking the order. */
	rbtree_postorder_for_each_entry_safe(pos, next, &root, rb) {
		struct rb_node *l = pos->rb.rb_left, *r = pos->rb.rb_right;

		kt_assert(!l || to_item(l)->visited);
		kt_assert(!r || to_item(r)->visited);
		kt_assert(!pos->visited);
		pos->visited = true;
		visited++;
	}
	kt_assert(visited == n);
	kt_assert(to_item(root.rb_node)->visited);
	/* Then free everything; ASan objects to any touch of a freed one. */
	visited = 0;
	rbtree_postorder_for_each_entry_safe(pos, next, &root, rb) {
		kfree(pos);
		visited++;
	}
	kt_assert(visited == n);
}
END_TEST

/* ---- augmented trees ---- */

#define ITEM_WEIGHT(it)	((it)->weight)

RB_DECLARE_CALLBACKS_MAX(static, item_max_cb, struct item, rb,
			 unsigned long, subtree_max, ITEM_WEIGHT);

/* Subtree size and weight sum: an aggregate where every update matters. */
static bool item_aug_compute(struct item *it, bool exit)
{
	struct item_aug v = { .size = 1, .sum = it->weight };
	struct rb_node *kid;

	kid = it->rb.rb_left;
	if (kid) {
		v.size += to_item(kid)->aug.size;
		v.sum += to_item(kid)->aug.sum;
	}
	kid = it->rb.rb_right;
	if (kid) {
		v.size += to_item(kid)->aug.size;
		v.sum += to_item(kid)->aug.sum;
	}
	if (exit && it->aug.size == v.size && it->aug.sum == v.sum)
		return true;
	it->aug = v;
	return false;
}

RB_DECLARE_CALLBACKS(static, item_aug_cb, struct item, rb, aug,
		     item_aug_compute);

/* Brute force: recompute both augmentations and compare with the tree's. */
static void check_aug_subtree(struct rb_node *node, bool sized,
			      unsigned long *max, struct item_aug *agg)
{
	struct item *it;
	unsigned long lmax = 0, rmax = 0;
	struct item_aug l = { 0 }, r = { 0 };

	*max = 0;
	*agg = (struct item_aug){ 0 };
	if (!node)
		return;
	it = to_item(node);
	check_aug_subtree(node->rb_left, sized, &lmax, &l);
	check_aug_subtree(node->rb_right, sized, &rmax, &r);
	*max = max3(it->weight, lmax, rmax);
	agg->size = l.size + r.size + 1;
	agg->sum = l.sum + r.sum + it->weight;
	if (sized) {
		kt_assert(it->aug.size == agg->size);
		kt_assert(it->aug.sum == agg->sum);
	} else {
		kt_assert(it->subtree_max == *max);
	}
}

static void check_aug(struct rb_root *root, bool sized)
{
	unsigned long max;
	struct item_aug agg;

	check_aug_subtree(root->rb_node, sized, &max, &agg);
}

static void insert_max(struct item *it, struct rb_root *root)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	/* The new leaf only raises its ancestors' maxima. */
	while (*link) {
		struct item *p = to_item(*link);

		parent = *link;
		if (p->subtree_max < it->weight)
			p->subtree_max = it->weight;
		link = it->key < p->key ? &parent->rb_left : &parent->rb_right;
	}
	it->subtree_max = it->weight;
	rb_link_node(&it->rb, parent, link);
	rb_insert_augmented(&it->rb, root, &item_max_cb);
}

static void insert_sized(struct item *it, struct rb_root_cached *root)
{
	struct rb_node **link = &root->rb_root.rb_node, *parent = NULL;
	bool leftmost = true;

	while (*link) {
		struct item *p = to_item(*link);

		parent = *link;
		p->aug.size++;
		p->aug.sum += it->weight;
		if (it->key < p->key) {
			link = &parent->rb_left;
		} else {
			link = &parent->rb_right;
			leftmost = false;
		}
	}
	it->aug.size = 1;
	it->aug.sum = it->weight;
	rb_link_node(&it->rb, parent, link);
	rb_insert_augmented_cached(&it->rb, root, leftmost, &item_aug_cb);
}

/* Order statistic through the sizes: the @k-th node in order (0-based). */
static struct rb_node *select_kth(struct rb_root *root, unsigned int k)
{
	struct rb_node *node = root->rb_node;

	while (node) {
		unsigned int lsize = node->rb_left ?
				     to_item(node->rb_left)->aug.size : 0;

		if (k < lsize) {
			node = node->rb_left;
		} else if (k == lsize) {
			return node;
		} else {
			k -= lsize + 1;
			node = node->rb_right;
		}
	}
	return NULL;
}

START_TEST(test_rbtree_augmented_random)
{
	const unsigned int cap = 256, ops = 6000;
	u64 rs = ktest_seed("test_rbtree_augmented_random");
	struct rb_audit *a = audit_alloc(cap);
	struct rb_root max_root = RB_ROOT;
	struct rb_root_cached size_root = RB_ROOT_CACHED;
	struct pool pmax, psize;
	unsigned int op, k;

	pool_init(&pmax, cap);
	pool_init(&psize, cap);
	for (op = 0;; op++) {
		bool draining = op >= ops;
		bool on_max = rnd_below(&rs, 2);
		struct pool *p;
		bool insert;

		if (draining) {
			if (!pmax.nr_used && !psize.nr_used)
				break;
			/* Drain whichever pool still has linked items. */
			if (!(on_max ? pmax.nr_used : psize.nr_used))
				on_max = !on_max;
		}
		p = on_max ? &pmax : &psize;
		insert = !draining && p->nr_free &&
			 (!p->nr_used || rnd_below(&rs, 100) < 55);
		if (insert) {
			struct item *it = pool_take(p, &rs,
						    rnd_below(&rs, 100));

			if (on_max)
				insert_max(it, &max_root);
			else
				insert_sized(it, &size_root);
		} else {
			struct item *it = pool_give(p, &rs);
			bool was_first = size_root.rb_leftmost == &it->rb;
			struct rb_node *succ = rb_next(&it->rb);

			if (on_max) {
				rb_erase_augmented(&it->rb, &max_root,
						   &item_max_cb);
			} else {
				rb_erase_augmented_cached(&it->rb, &size_root,
							  &item_aug_cb);
				kt_assert(!was_first ||
					  size_root.rb_leftmost == succ);
			}
		}
		if (on_max) {
			audit_tree(a, &max_root, pmax.nr_used);
			check_aug(&max_root, false);
		} else {
			audit_cached(a, &size_root, psize.nr_used);
			check_aug(&size_root.rb_root, true);
			if (psize.nr_used) {
				k = rnd_below(&rs, psize.nr_used);
				kt_assert(select_kth(&size_root.rb_root,
							    k) == a->order[k]);
			}
		}
	}
	kt_assert(RB_EMPTY_ROOT(&max_root));
	kt_assert(RB_EMPTY_ROOT(&size_root.rb_root));
	pool_destroy(&pmax);
	pool_destroy(&psize);
	audit_free(a);
}
END_TEST

Suite *rbtree_suite(void)
{
	Suite *s = suite_create("rbtree");
	TCase *tc = ktest_tcase("core");
	TCase *aug = ktest_tcase("augmented");

	tcase_add_test(tc, test_rbtree_empty_and_clear);
	tcase_add_test(tc, test_rbtree_colour_packing);
	tcase_add_test(tc, test_rbtree_sequential);
	tcase_add_test(tc, test_rbtree_random_cached);
	tcase_add_test(tc, test_rbtree_add_find_helpers);
	tcase_add_test(tc, test_rbtree_replace_node);
	tcase_add_test(tc, test_rbtree_postorder_free);
	suite_add_tcase(s, tc);

	tcase_add_test(aug, test_rbtree_augmented_random);
	suite_add_tcase(s, aug);
	return s;
}
