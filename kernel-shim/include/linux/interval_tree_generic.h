/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/interval_tree_generic.h - interval trees over caller structures.
 *
 * Contract
 *   Kept:    INTERVAL_TREE_DEFINE(ITSTRUCT, ITRB, ITTYPE, ITSUBTREE,
 *            ITSTART, ITLAST, ITSTATIC, ITPREFIX) generating, with storage
 *            class ITSTATIC:
 *              void ITPREFIX_insert(ITSTRUCT *node,
 *                                   struct rb_root_cached *root);
 *              void ITPREFIX_remove(ITSTRUCT *node,
 *                                   struct rb_root_cached *root);
 *              ITSTRUCT *ITPREFIX_subtree_search(ITSTRUCT *node,
 *                                                ITTYPE start, ITTYPE last);
 *              ITSTRUCT *ITPREFIX_iter_first(struct rb_root_cached *root,
 *                                            ITTYPE start, ITTYPE last);
 *              ITSTRUCT *ITPREFIX_iter_next(ITSTRUCT *node,
 *                                           ITTYPE start, ITTYPE last);
 *            Intervals are closed: [ITSTART(node), ITLAST(node)], and a
 *            query [start, last] matches every node with
 *            ITSTART(node) <= last && start <= ITLAST(node).  Matches come
 *            in ascending ITSTART order (ties in insertion order).  Nodes
 *            are embedded (member ITRB, a struct rb_node) and never
 *            allocated; ITSUBTREE (of ITTYPE) holds the largest ITLAST in
 *            the node's subtree.  The caller locks.  insert/remove are
 *            O(log n); iter_first is O(log n) and each iter_next O(log n),
 *            so k matches cost O((k + 1) log n) at worst.
 *   Dropped: nothing.
 *   Added:   the generated functions are declared before they are defined
 *            (so an empty ITSTATIC passes -Wmissing-prototypes) and are
 *            __maybe_unused (so a static instance need not use them all).
 */
#ifndef _KSHIM_LINUX_INTERVAL_TREE_GENERIC_H
#define _KSHIM_LINUX_INTERVAL_TREE_GENERIC_H

#include <linux/compiler.h>
#include <linux/rbtree_augmented.h>

/*
 * How the search prunes: every node caches in ITSUBTREE the largest ITLAST
 * below it.  For a query [start, last]:
 *   - a subtree whose ITSUBTREE < start holds no match (all end too early);
 *   - once a node has ITSTART > last, neither it nor anything after it in
 *     order can match (the tree is sorted by ITSTART).
 */
#define INTERVAL_TREE_DEFINE(ITSTRUCT, ITRB, ITTYPE, ITSUBTREE,		\
			     ITSTART, ITLAST, ITSTATIC, ITPREFIX)	\
									\
RB_DECLARE_CALLBACKS_MAX(static, ITPREFIX ## _augment,			\
			 ITSTRUCT, ITRB, ITTYPE, ITSUBTREE, ITLAST);	\
									\
ITSTATIC void ITPREFIX ## _insert(ITSTRUCT *node,			\
				  struct rb_root_cached *root);		\
ITSTATIC void ITPREFIX ## _remove(ITSTRUCT *node,			\
				  struct rb_root_cached *root);		\
ITSTATIC ITSTRUCT *ITPREFIX ## _subtree_search(ITSTRUCT *node,		\
					       ITTYPE start, ITTYPE last); \
ITSTATIC ITSTRUCT *ITPREFIX ## _iter_first(struct rb_root_cached *root,	\
					   ITTYPE start, ITTYPE last);	\
ITSTATIC ITSTRUCT *ITPREFIX ## _iter_next(ITSTRUCT *node,		\
					  ITTYPE start, ITTYPE last);	\
									\
/*									\
 * Insert @node, ordered by ITSTART.  On the way down every node passed	\
 * gets @node's ITLAST folded into its subtree maximum, which is all the \
 * augmentation a new leaf needs; rotations are handled by the callbacks. \
 */									\
ITSTATIC __maybe_unused void						\
ITPREFIX ## _insert(ITSTRUCT *node, struct rb_root_cached *root)	\
{									\
	struct rb_node **link = &root->rb_root.rb_node;			\
	struct rb_node *__parent = NULL;				\
	ITTYPE __start = ITSTART(node), __last = ITLAST(node);		\
	bool __leftmost = true;						\
									\
	while (*link) {							\
		ITSTRUCT *__p = rb_entry(*link, ITSTRUCT, ITRB);	\
									\
		__parent = *link;					\
		if (__p->ITSUBTREE < __last)				\
			__p->ITSUBTREE = __last;			\
		if (__start < ITSTART(__p)) {				\
			link = &__p->ITRB.rb_left;			\
		} else {						\
			link = &__p->ITRB.rb_right;			\
			__leftmost = false;				\
		}							\
	}								\
	node->ITSUBTREE = __last;					\
	rb_link_node(&node->ITRB, __parent, link);			\
	rb_insert_augmented_cached(&node->ITRB, root, __leftmost,	\
				   &ITPREFIX ## _augment);		\
}									\
									\
ITSTATIC __maybe_unused void						\
ITPREFIX ## _remove(ITSTRUCT *node, struct rb_root_cached *root)	\
{									\
	rb_erase_augmented_cached(&node->ITRB, root, &ITPREFIX ## _augment); \
}									\
									\
/*									\
 * The first node, in order, of the subtree at @node that overlaps	\
 * [start, last], given that the subtree holds some node ending at or	\
 * after @start (@node->ITSUBTREE >= start).				\
 *									\
 * If the left subtree also holds such a node, the answer can only be	\
 * there: the first node of the left subtree ending at or after @start	\
 * either overlaps, or starts after @last, and then so does everything	\
 * after it, @node and the right subtree included.  Otherwise the	\
 * candidates are @node itself, then the right subtree.			\
 */									\
ITSTATIC __maybe_unused ITSTRUCT *					\
ITPREFIX ## _subtree_search(ITSTRUCT *node, ITTYPE start, ITTYPE last)	\
{									\
	for (;;) {							\
		struct rb_node *__kid = node->ITRB.rb_left;		\
									\
		if (__kid &&						\
		    rb_entry(__kid, ITSTRUCT, ITRB)->ITSUBTREE >= start) { \
			node = rb_entry(__kid, ITSTRUCT, ITRB);		\
			continue;					\
		}							\
		if (ITSTART(node) > last)				\
			return NULL;					\
		if (ITLAST(node) >= start)				\
			return node;					\
		__kid = node->ITRB.rb_right;				\
		if (!__kid ||						\
		    rb_entry(__kid, ITSTRUCT, ITRB)->ITSUBTREE < start)	\
			return NULL;					\
		node = rb_entry(__kid, ITSTRUCT, ITRB);			\
	}								\
}									\
									\
/*									\
 * The first node overlapping [start, last], or NULL.  Two O(1) checks	\
 * reject queries entirely after (root maximum) or before (leftmost start) \
 * everything in the tree.						\
 */									\
ITSTATIC __maybe_unused ITSTRUCT *					\
ITPREFIX ## _iter_first(struct rb_root_cached *root,			\
			ITTYPE start, ITTYPE last)			\
{									\
	ITSTRUCT *__top, *__first;					\
									\
	if (!root->rb_root.rb_node)					\
		return NULL;						\
	__top = rb_entry(root->rb_root.rb_node, ITSTRUCT, ITRB);	\
	if (__top->ITSUBTREE < start)					\
		return NULL;						\
	__first = rb_entry(root->rb_leftmost, ITSTRUCT, ITRB);		\
	if (ITSTART(__first) > last)					\
		return NULL;						\
	return ITPREFIX ## _subtree_search(__top, start, last);		\
}									\
									\
/*									\
 * The node after @node (itself a match of [start, last]) overlapping the \
 * same query, or NULL.  Everything before @node in order has been seen, \
 * so look in @node's right subtree first, then climb: each ancestor	\
 * reached from its left side comes next in order, followed by its own	\
 * right subtree.							\
 */									\
ITSTATIC __maybe_unused ITSTRUCT *					\
ITPREFIX ## _iter_next(ITSTRUCT *node, ITTYPE start, ITTYPE last)	\
{									\
	struct rb_node *__cur = &node->ITRB;				\
									\
	for (;;) {							\
		struct rb_node *__up, *__kid = __cur->rb_right;		\
		ITSTRUCT *__n;						\
									\
		/*							\
		 * A right subtree holding a node that ends late enough	\
		 * decides the answer: its first such node overlaps or	\
		 * starts past @last (see _subtree_search).		\
		 */							\
		if (__kid &&						\
		    rb_entry(__kid, ITSTRUCT, ITRB)->ITSUBTREE >= start) \
			return ITPREFIX ## _subtree_search(		\
				rb_entry(__kid, ITSTRUCT, ITRB), start, last); \
									\
		/* Climb past ancestors whose right side we came from. */ \
		for (;;) {						\
			__up = rb_parent(__cur);			\
			if (!__up)					\
				return NULL;				\
			if (__up->rb_left == __cur)			\
				break;					\
			__cur = __up;					\
		}							\
		__cur = __up;						\
		__n = rb_entry(__cur, ITSTRUCT, ITRB);			\
		if (ITSTART(__n) > last)				\
			return NULL;					\
		if (ITLAST(__n) >= start)				\
			return __n;					\
	}								\
}

#endif /* _KSHIM_LINUX_INTERVAL_TREE_GENERIC_H */
