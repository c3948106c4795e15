/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/interval_tree.h - the stock interval tree over unsigned long, and
 * the span iterator.
 *
 * Contract
 *   Kept:    struct interval_tree_node {rb, start, last, __subtree_last}
 *            with closed intervals [start, last];
 *            interval_tree_insert/remove/subtree_search/iter_first/
 *            iter_next over a struct rb_root_cached (see
 *            linux/interval_tree_generic.h for their semantics and cost).
 *            The span iterator: struct interval_tree_span_iter with the
 *            public fields start_hole/start_used (one storage, a union as
 *            in the kernel), last_hole/last_used (likewise) and is_hole;
 *            interval_tree_span_iter_first/next/done/advance and
 *            interval_tree_for_each_span.
 *   Dropped: the CONFIG_INTERVAL_TREE_SPAN_ITER switch: the span iterator
 *            is always built (iommufd needs it).
 *   Added:   nothing.  The iterator's private state differs from the
 *            kernel's (see struct interval_tree_span_iter); callers must
 *            not use it.
 */
#ifndef _KSHIM_LINUX_INTERVAL_TREE_H
#define _KSHIM_LINUX_INTERVAL_TREE_H

#include <linux/rbtree.h>

struct interval_tree_node {
	struct rb_node rb;
	unsigned long start;	/* first index of the interval */
	unsigned long last;	/* last index, inclusive */
	unsigned long __subtree_last;
};

void interval_tree_insert(struct interval_tree_node *node,
			  struct rb_root_cached *root);
void interval_tree_remove(struct interval_tree_node *node,
			  struct rb_root_cached *root);
struct interval_tree_node *
interval_tree_subtree_search(struct interval_tree_node *node,
			     unsigned long start, unsigned long last);
struct interval_tree_node *
interval_tree_iter_first(struct rb_root_cached *root,
			 unsigned long start, unsigned long last);
struct interval_tree_node *
interval_tree_iter_next(struct interval_tree_node *node,
			unsigned long start, unsigned long last);

/**
 * struct interval_tree_span_iter - walk a range as alternating used spans
 * and holes
 * @start_hole: first index of the hole, valid when @is_hole == 1
 * @last_hole: last index (inclusive) of the hole, valid when @is_hole == 1
 * @start_used: first index of the used span, valid when @is_hole == 0
 * @last_used: last index (inclusive) of the used span, valid when
 *             @is_hole == 0
 * @is_hole: 1 for a hole, 0 for a used span, -1 once the walk is done
 *
 * The iterator does not hand out nodes.  It cuts [first_index, last_index]
 * into consecutive spans, in increasing order and covering every index of
 * the range exactly once: a used span is a maximal run of indexes each
 * inside some node (overlapping or merely adjacent nodes merge into one
 * run), clipped to the range; a hole is a maximal run of indexes inside no
 * node.  Used spans and holes therefore alternate.  start_hole/start_used
 * share storage, as do last_hole/last_used, so either name reads the
 * current span's bounds.
 *
 * The iterator caches a node between calls: the tree must not change
 * while a walk is in progress (start a new one with
 * interval_tree_span_iter_first() after changing it).
 */
struct interval_tree_span_iter {
	/* private: */
	/* First node of the next used span in the range; NULL if none. */
	struct interval_tree_node *next_used;
	unsigned long first_index;
	unsigned long last_index;

	/* public: */
	union {
		unsigned long start_hole;
		unsigned long start_used;
	};
	union {
		unsigned long last_hole;
		unsigned long last_used;
	};
	int is_hole;
};

void interval_tree_span_iter_first(struct interval_tree_span_iter *iter,
				   struct rb_root_cached *itree,
				   unsigned long first_index,
				   unsigned long last_index);
void interval_tree_span_iter_advance(struct interval_tree_span_iter *iter,
				     struct rb_root_cached *itree,
				     unsigned long new_index);
void interval_tree_span_iter_next(struct interval_tree_span_iter *iter);

static inline bool
interval_tree_span_iter_done(struct interval_tree_span_iter *iter)
{
	return iter->is_hole == -1;
}

/*
 * Walk every span of [first_index, last_index] in order; inside the body
 * test span->is_hole and read the matching bounds.
 */
#define interval_tree_for_each_span(span, itree, first_index, last_index) \
	for (interval_tree_span_iter_first(span, itree,			\
					   first_index, last_index);	\
	     !interval_tree_span_iter_done(span);			\
	     interval_tree_span_iter_next(span))

#endif /* _KSHIM_LINUX_INTERVAL_TREE_H */
