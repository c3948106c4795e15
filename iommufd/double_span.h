/* SPDX-License-Identifier: GPL-2.0 */
/*
 * double_span.h - walk a range against two interval trees at once.
 *
 * The range [first_index, last_index] is cut into consecutive spans that
 * cover every index exactly once, in increasing order, and each span says
 * which tree (if any) uses it:
 *
 *   is_used == 1   every index is inside some node of tree 0; the span is
 *                  a whole maximal used run of tree 0 (clipped to the
 *                  range), whatever tree 1 holds there;
 *   is_used == 2   no node of tree 0, but every index is inside some node
 *                  of tree 1; the span ends where tree 1's run ends or
 *                  where tree 0 starts again, whichever comes first;
 *   is_used == 0   a hole in both trees;
 *   is_used == -1  the walk is over.
 *
 * Tree 0 therefore has priority.  The users pick the order: pages.c reads
 * PFNs with (access_itree, domains_itree) so the xarray wins over a
 * domain read-back, and unfills with (domains_itree, access_itree);
 * io_pagetable.c finds free IOVA with (reserved_itree, area_itree).
 *
 * Neither tree may change during a walk.
 */
#ifndef __IOMMUFD_DOUBLE_SPAN_H
#define __IOMMUFD_DOUBLE_SPAN_H

#include <linux/interval_tree.h>

/**
 * struct interval_tree_double_span_iter - state of a two-tree span walk
 * @itrees: the two trees
 * @spans: a single-tree span walk of each; spans[0] always starts at the
 *	   current position, spans[1] is moved there when it is needed
 * @last_index: last index of the whole walk
 * @start_hole: first index of the span (alias @start_used)
 * @last_hole: last index of the span, inclusive (alias @last_used)
 * @is_used: see the top of this file
 */
struct interval_tree_double_span_iter {
	struct rb_root_cached *itrees[2];
	struct interval_tree_span_iter spans[2];
	unsigned long last_index;
	union {
		unsigned long start_hole;
		unsigned long start_used;
	};
	union {
		unsigned long last_hole;
		unsigned long last_used;
	};
	int is_used;
};

/* Describe the span that starts where spans[0] currently starts. */
static inline void
interval_tree_double_span_iter_update(struct interval_tree_double_span_iter *iter)
{
	struct interval_tree_span_iter *s0 = &iter->spans[0];
	struct interval_tree_span_iter *s1 = &iter->spans[1];

	if (interval_tree_span_iter_done(s0)) {
		iter->is_used = -1;
		return;
	}

	if (!s0->is_hole) {
		/* Tree 0 wins: report its whole run. */
		iter->is_used = 1;
		iter->start_used = s0->start_used;
		iter->last_used = s0->last_used;
		return;
	}

	/*
	 * A hole of tree 0.  Look at tree 1 from the same index; the span
	 * ends at whichever of the two current spans ends first.
	 */
	interval_tree_span_iter_advance(s1, iter->itrees[1], s0->start_hole);
	if (WARN_ON(interval_tree_span_iter_done(s1))) {
		iter->is_used = -1;
		return;
	}
	iter->is_used = s1->is_hole ? 0 : 2;
	iter->start_hole = s0->start_hole;
	iter->last_hole = min(s0->last_hole, s1->last_hole);
}

static inline void
interval_tree_double_span_iter_first(struct interval_tree_double_span_iter *iter,
				     struct rb_root_cached *itree0,
				     struct rb_root_cached *itree1,
				     unsigned long first_index,
				     unsigned long last_index)
{
	iter->itrees[0] = itree0;
	iter->itrees[1] = itree1;
	iter->last_index = last_index;
	interval_tree_span_iter_first(&iter->spans[0], itree0, first_index,
				      last_index);
	interval_tree_span_iter_first(&iter->spans[1], itree1, first_index,
				      last_index);
	interval_tree_double_span_iter_update(iter);
}

static inline void
interval_tree_double_span_iter_next(struct interval_tree_double_span_iter *iter)
{
	if (iter->is_used == -1)
		return;
	/* last_used may be ULONG_MAX: compare before adding one. */
	if (iter->last_used >= iter->last_index) {
		iter->is_used = -1;
		return;
	}
	interval_tree_span_iter_advance(&iter->spans[0], iter->itrees[0],
					iter->last_used + 1);
	interval_tree_double_span_iter_update(iter);
}

static inline bool
interval_tree_double_span_iter_done(struct interval_tree_double_span_iter *iter)
{
	return iter->is_used == -1;
}

#define interval_tree_for_each_double_span(span, itree0, itree1, first_index, \
					   last_index)			       \
	for (interval_tree_double_span_iter_first(span, itree0, itree1,	       \
						  first_index, last_index);    \
	     !interval_tree_double_span_iter_done(span);		       \
	     interval_tree_double_span_iter_next(span))

#endif /* __IOMMUFD_DOUBLE_SPAN_H */
