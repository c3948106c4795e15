// SPDX-License-Identifier: GPL-2.0
/*
 * The stock unsigned long interval tree and the span iterator
 * (linux/interval_tree.h).
 */
#include <linux/interval_tree.h>
#include <linux/interval_tree_generic.h>

#define IT_START(node)	((node)->start)
#define IT_LAST(node)	((node)->last)

INTERVAL_TREE_DEFINE(struct interval_tree_node, rb, unsigned long,
		     __subtree_last, IT_START, IT_LAST, , interval_tree)

/*
 * The span iterator.
 *
 * State between calls: the window [first_index, last_index], the current
 * span in the public fields, and next_used, the first node (in start
 * order, among nodes overlapping the window) that is not part of the
 * current or an earlier used span.  Invariants after every call that did
 * not finish the walk:
 *
 *   - the current span ends at last_index, or the one after it starts at
 *     last_hole + 1 (== last_used + 1: one storage);
 *   - a hole that does not end at last_index ends just before
 *     next_used->start (so next_used != NULL);
 *   - a used span that does not end at last_index is followed by a hole:
 *     it ended because no node overlapping the window covers the next
 *     index; the hole runs to next_used->start - 1, or to last_index if
 *     next_used is NULL.
 *
 * So next() only needs the current kind and bounds plus next_used.
 */

/*
 * Make the used span that starts at @start (inside next_used, which must
 * be set) current: merge in, in start order, every further node that
 * overlaps or abuts the run, until a gap or the end of the window.
 * Costs O(log n) per merged node.
 */
static void span_iter_take_used(struct interval_tree_span_iter *iter,
				unsigned long start)
{
	struct interval_tree_node *cur = iter->next_used;
	unsigned long end = cur->last;

	/* end < last_index inside the loop, so end + 1 cannot wrap. */
	while (end < iter->last_index) {
		cur = interval_tree_iter_next(cur, iter->first_index,
					      iter->last_index);
		if (!cur || cur->start > end + 1)
			break;
		if (cur->last > end)
			end = cur->last;
	}
	if (end >= iter->last_index) {
		end = iter->last_index;
		cur = NULL;	/* nothing after this span */
	}
	iter->next_used = cur;
	iter->start_used = start;
	iter->last_used = end;
	iter->is_hole = 0;
}

/**
 * interval_tree_span_iter_first() - start a span walk
 * @iter: the iterator
 * @itree: the tree to walk
 * @first_index: first index of the range (at most @last_index)
 * @last_index: last index of the range, inclusive
 *
 * On return @iter describes the first span of the range; the walk is
 * never done at this point, since the range is not empty.
 */
void interval_tree_span_iter_first(struct interval_tree_span_iter *iter,
				   struct rb_root_cached *itree,
				   unsigned long first_index,
				   unsigned long last_index)
{
	struct interval_tree_node *node;

	iter->first_index = first_index;
	iter->last_index = last_index;
	node = interval_tree_iter_first(itree, first_index, last_index);
	iter->next_used = node;
	if (!node || node->start > first_index) {
		/* Leading hole: up to the first node, or the whole range. */
		iter->start_hole = first_index;
		iter->last_hole = node ? node->start - 1 : last_index;
		iter->is_hole = 1;
		return;
	}
	span_iter_take_used(iter, first_index);
}

/**
 * interval_tree_span_iter_next() - move to the following span
 * @iter: the iterator, not done
 *
 * Sets is_hole to -1 once the current span was the last of the range;
 * calling it again after that is harmless.
 */
void interval_tree_span_iter_next(struct interval_tree_span_iter *iter)
{
	unsigned long next_index;

	if (iter->is_hole == -1)
		return;
	if (iter->last_hole >= iter->last_index) {
		iter->is_hole = -1;
		return;
	}
	next_index = iter->last_hole + 1;
	if (iter->is_hole) {
		/* A hole ending early is followed by next_used's span. */
		span_iter_take_used(iter, next_index);
		return;
	}
	iter->start_hole = next_index;
	iter->last_hole = iter->next_used ? iter->next_used->start - 1 :
					    iter->last_index;
	iter->is_hole = 1;
}

/**
 * interval_tree_span_iter_advance() - skip ahead to an index
 * @iter: the iterator
 * @itree: the tree being walked (needed if the walk must restart)
 * @new_index: the index to continue from
 *
 * The walk continues as if it had been started at @new_index with the
 * same last index: if @new_index lies inside the current span, that span
 * is cut to start there; if it is the index right after it, this is
 * interval_tree_span_iter_next(); otherwise (including going backwards)
 * the walk restarts from the tree in O(log n).  Past the last index the
 * walk is done; a finished walk stays finished.
 */
void interval_tree_span_iter_advance(struct interval_tree_span_iter *iter,
				     struct rb_root_cached *itree,
				     unsigned long new_index)
{
	if (iter->is_hole == -1)
		return;
	iter->first_index = new_index;
	if (new_index > iter->last_index) {
		iter->is_hole = -1;
		return;
	}
	/* start_hole/last_hole alias start_used/last_used. */
	if (iter->start_hole <= new_index && new_index <= iter->last_hole) {
		iter->start_hole = new_index;
		return;
	}
	if (new_index > iter->last_hole && new_index - 1 == iter->last_hole)
		interval_tree_span_iter_next(iter);
	else
		interval_tree_span_iter_first(iter, itree, new_index,
					      iter->last_index);
}
