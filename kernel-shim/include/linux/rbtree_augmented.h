/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/rbtree_augmented.h - red-black trees that keep a per-subtree value.
 *
 * Contract
 *   Kept:    struct rb_augment_callbacks {propagate, copy, rotate} with the
 *            kernel's meaning, rb_insert_augmented(_cached),
 *            rb_erase_augmented(_cached), RB_DECLARE_CALLBACKS (from a
 *            compute(node, exit) function returning true when the stored
 *            value was already right and @exit is set) and
 *            RB_DECLARE_CALLBACKS_MAX (subtree maximum of a per-node
 *            value).  The low-level helpers that augmented users and
 *            lib/rbtree.c share also keep their kernel names: RB_RED,
 *            RB_BLACK, __rb_parent, __rb_color, rb_color, rb_is_red,
 *            rb_is_black, rb_set_parent, rb_set_parent_color,
 *            __rb_change_child, __rb_insert_augmented, __rb_erase_color
 *            and the inline __rb_erase_augmented.
 *   Dropped: __rb_change_child_rcu (no lockless readers).
 *   Added:   nothing.
 *
 * An augmented tree stores in every node a value computed from the node
 * and its two subtrees (e.g. the largest interval end below it).  The tree
 * code calls back whenever the shape changes:
 *
 *   rotate(old, new):     @new has just taken @old's place at the top of a
 *                         rotation, so it now roots the same set of nodes
 *                         @old rooted; @old sits one level lower and must be
 *                         recomputed from its new children.
 *   copy(old, new):       @new is replacing @old in the tree (erase of a
 *                         node with two children): copy the value over.
 *   propagate(node, stop): recompute @node and its ancestors, bottom up,
 *                         stopping before @stop (NULL: up to the root) or
 *                         as soon as a recomputed value did not change.
 *
 * The caller inserting a node must itself fix the values along its search
 * path (a new leaf only grows its ancestors' subtrees) before calling
 * rb_insert_augmented(); rotations are then taken care of.
 */
#ifndef _KSHIM_LINUX_RBTREE_AUGMENTED_H
#define _KSHIM_LINUX_RBTREE_AUGMENTED_H

#include <linux/compiler.h>
#include <linux/rbtree.h>

struct rb_augment_callbacks {
	void (*propagate)(struct rb_node *node, struct rb_node *stop);
	void (*copy)(struct rb_node *old, struct rb_node *new);
	void (*rotate)(struct rb_node *old, struct rb_node *new);
};

void __rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			   void (*augment_rotate)(struct rb_node *old,
						  struct rb_node *new));

/**
 * rb_insert_augmented() - rebalance after linking a node into an augmented
 * tree
 * @node: the node just placed with rb_link_node()
 * @root: the tree
 * @augment: the tree's callbacks
 *
 * Before the call, @node's own value must be set and the values of its
 * ancestors must already account for it (the insertion search path is the
 * natural place to do that); this only handles the rotations.
 */
static inline void
rb_insert_augmented(struct rb_node *node, struct rb_root *root,
		    const struct rb_augment_callbacks *augment)
{
	__rb_insert_augmented(node, root, augment->rotate);
}

/**
 * rb_insert_augmented_cached() - rb_insert_augmented() for a cached tree
 * @node: the node just placed with rb_link_node()
 * @root: the cached tree
 * @newleft: true if @node is the new smallest node
 * @augment: the tree's callbacks
 */
static inline void
rb_insert_augmented_cached(struct rb_node *node,
			   struct rb_root_cached *root, bool newleft,
			   const struct rb_augment_callbacks *augment)
{
	if (newleft)
		root->rb_leftmost = node;
	rb_insert_augmented(node, &root->rb_root, augment);
}

/*
 * Generate the three callbacks and a struct rb_augment_callbacks named
 * RBNAME (with storage class RBSTATIC) for nodes of type RBSTRUCT linked
 * through their rb_node member RBFIELD, whose augmented member is
 * RBAUGMENTED.  RBCOMPUTE(node, exit) recomputes node->RBAUGMENTED from the
 * node and its children; when @exit is true and the stored value is
 * already correct it must return true without writing, which ends the
 * upward propagation early.  Otherwise it stores the value and returns
 * false.
 */
#define RB_DECLARE_CALLBACKS(RBSTATIC, RBNAME,				\
			     RBSTRUCT, RBFIELD, RBAUGMENTED, RBCOMPUTE)	\
static inline void							\
RBNAME ## _propagate(struct rb_node *rb, struct rb_node *stop)		\
{									\
	for (; rb != stop; rb = rb_parent(rb)) {			\
		RBSTRUCT *__n = rb_entry(rb, RBSTRUCT, RBFIELD);	\
									\
		if (RBCOMPUTE(__n, true))				\
			break;						\
	}								\
}									\
static inline void							\
RBNAME ## _copy(struct rb_node *rb_old, struct rb_node *rb_new)		\
{									\
	RBSTRUCT *__from = rb_entry(rb_old, RBSTRUCT, RBFIELD);		\
	RBSTRUCT *__to = rb_entry(rb_new, RBSTRUCT, RBFIELD);		\
									\
	__to->RBAUGMENTED = __from->RBAUGMENTED;			\
}									\
static void								\
RBNAME ## _rotate(struct rb_node *rb_old, struct rb_node *rb_new)	\
{									\
	RBSTRUCT *__down = rb_entry(rb_old, RBSTRUCT, RBFIELD);		\
	RBSTRUCT *__up = rb_entry(rb_new, RBSTRUCT, RBFIELD);		\
									\
	/* Same set of nodes below @new as was below @old. */		\
	__up->RBAUGMENTED = __down->RBAUGMENTED;			\
	RBCOMPUTE(__down, false);					\
}									\
RBSTATIC const struct rb_augment_callbacks RBNAME = {			\
	.propagate = RBNAME ## _propagate,				\
	.copy = RBNAME ## _copy,					\
	.rotate = RBNAME ## _rotate,					\
}

/*
 * RB_DECLARE_CALLBACKS for the common case where the augmented value
 * (of type RBTYPE) is the maximum over the subtree of RBCOMPUTE(node), a
 * per-node value.  Also generates RBNAME ## _compute_max(node, exit).
 */
#define RB_DECLARE_CALLBACKS_MAX(RBSTATIC, RBNAME, RBSTRUCT, RBFIELD,	\
				 RBTYPE, RBAUGMENTED, RBCOMPUTE)	\
static inline bool RBNAME ## _compute_max(RBSTRUCT *node, bool exit)	\
{									\
	RBTYPE __max = RBCOMPUTE(node);					\
	struct rb_node *__kid;						\
									\
	__kid = node->RBFIELD.rb_left;					\
	if (__kid &&							\
	    rb_entry(__kid, RBSTRUCT, RBFIELD)->RBAUGMENTED > __max)	\
		__max = rb_entry(__kid, RBSTRUCT, RBFIELD)->RBAUGMENTED; \
	__kid = node->RBFIELD.rb_right;					\
	if (__kid &&							\
	    rb_entry(__kid, RBSTRUCT, RBFIELD)->RBAUGMENTED > __max)	\
		__max = rb_entry(__kid, RBSTRUCT, RBFIELD)->RBAUGMENTED; \
	if (exit && node->RBAUGMENTED == __max)				\
		return true;						\
	node->RBAUGMENTED = __max;					\
	return false;							\
}									\
RB_DECLARE_CALLBACKS(RBSTATIC, RBNAME,					\
		     RBSTRUCT, RBFIELD, RBAUGMENTED, RBNAME ## _compute_max)

/* Colour encoding in bit 0 of __rb_parent_color. */
#define RB_RED		0
#define RB_BLACK	1

#define __rb_parent(pc)		((struct rb_node *)((pc) & ~3UL))
#define __rb_color(pc)		((pc) & 1)
#define __rb_is_black(pc)	__rb_color(pc)
#define __rb_is_red(pc)		(!__rb_color(pc))
#define rb_color(rb)		__rb_color((rb)->__rb_parent_color)
#define rb_is_red(rb)		__rb_is_red((rb)->__rb_parent_color)
#define rb_is_black(rb)		__rb_is_black((rb)->__rb_parent_color)

/* Change @rb's parent, keeping its colour. */
static inline void rb_set_parent(struct rb_node *rb, struct rb_node *p)
{
	rb->__rb_parent_color = rb_color(rb) | (unsigned long)p;
}

static inline void rb_set_parent_color(struct rb_node *rb,
				       struct rb_node *p, int color)
{
	rb->__rb_parent_color = (unsigned long)p | (unsigned long)color;
}

/*
 * Make whatever pointed down at @old (a child slot of @parent, or the
 * root slot when @parent is NULL) point at @new instead.  @new's own
 * parent word is the caller's business.
 */
static inline void __rb_change_child(struct rb_node *old,
				     struct rb_node *new,
				     struct rb_node *parent,
				     struct rb_root *root)
{
	if (!parent)
		WRITE_ONCE(root->rb_node, new);
	else if (parent->rb_left == old)
		WRITE_ONCE(parent->rb_left, new);
	else
		WRITE_ONCE(parent->rb_right, new);
}

void __rb_erase_color(struct rb_node *parent, struct rb_root *root,
		      void (*augment_rotate)(struct rb_node *old,
					     struct rb_node *new));

/*
 * The structural half of an erase: unlink @node, fixing the augmented
 * values, and report where black height may now be missing.
 *
 * Returns NULL when the tree is still a valid red-black tree, else the
 * parent of the position that lost one black node; the caller passes it
 * to __rb_erase_color().  It is inline so that the callbacks are too.
 */
static __always_inline struct rb_node *
__rb_erase_augmented(struct rb_node *node, struct rb_root *root,
		     const struct rb_augment_callbacks *augment)
{
	struct rb_node *left = node->rb_left;
	struct rb_node *right = node->rb_right;
	unsigned long pc = node->__rb_parent_color;
	struct rb_node *parent = __rb_parent(pc);
	struct rb_node *rebalance = NULL;
	struct rb_node *stale;	/* lowest node with a stale value */

	if (!left || !right) {
		/*
		 * At most one child.  By the black-height rule a lone child
		 * is a red leaf under a black @node: it moves up and takes
		 * @node's colour, and nothing is lost.  With no child, a
		 * red @node goes quietly but a black one leaves its parent
		 * one black short on that side.
		 */
		struct rb_node *only = left ? left : right;

		__rb_change_child(node, only, parent, root);
		if (only)
			only->__rb_parent_color = pc;
		else if (__rb_is_black(pc))
			rebalance = parent;
		stale = parent;
	} else {
		/*
		 * Two children: the in-order successor (leftmost of the right
		 * subtree, which has no left child) takes @node's place and
		 * colour; the hole it leaves is where a black may be missing.
		 */
		struct rb_node *succ = right, *succ_parent, *succ_child;
		unsigned long succ_pc;

		while (succ->rb_left)
			succ = succ->rb_left;
		succ_child = succ->rb_right;
		succ_pc = succ->__rb_parent_color;

		if (succ == right) {
			/* @succ keeps its right subtree and moves up one. */
			succ_parent = succ;
			augment->copy(node, succ);
		} else {
			/* Splice @succ out, then hang @node's right on it. */
			succ_parent = __rb_parent(succ_pc);
			WRITE_ONCE(succ_parent->rb_left, succ_child);
			WRITE_ONCE(succ->rb_right, right);
			rb_set_parent(right, succ);
			augment->copy(node, succ);
			/* Below @succ only the path from the hole changed. */
			augment->propagate(succ_parent, succ);
		}
		WRITE_ONCE(succ->rb_left, left);
		rb_set_parent(left, succ);
		succ->__rb_parent_color = pc;
		__rb_change_child(node, succ, parent, root);

		if (succ_child)
			/* Red leaf under black @succ: blacken, done. */
			rb_set_parent_color(succ_child, succ_parent, RB_BLACK);
		else if (__rb_is_black(succ_pc))
			rebalance = succ_parent;
		stale = succ;
	}
	augment->propagate(stale, NULL);
	return rebalance;
}

/**
 * rb_erase_augmented() - remove a node from an augmented tree
 * @node: the node to remove
 * @root: the tree
 * @augment: the tree's callbacks
 */
static __always_inline void
rb_erase_augmented(struct rb_node *node, struct rb_root *root,
		   const struct rb_augment_callbacks *augment)
{
	struct rb_node *rebalance = __rb_erase_augmented(node, root, augment);

	if (rebalance)
		__rb_erase_color(rebalance, root, augment->rotate);
}

/**
 * rb_erase_augmented_cached() - remove a node from a cached augmented tree
 * @node: the node to remove
 * @root: the cached tree
 * @augment: the tree's callbacks
 */
static __always_inline void
rb_erase_augmented_cached(struct rb_node *node, struct rb_root_cached *root,
			  const struct rb_augment_callbacks *augment)
{
	if (root->rb_leftmost == node)
		root->rb_leftmost = rb_next(node);
	rb_erase_augmented(node, &root->rb_root, augment);
}

#endif /* _KSHIM_LINUX_RBTREE_AUGMENTED_H */
