// SPDX-License-Identifier: GPL-2.0
/*
 * Red-black trees (linux/rbtree.h, linux/rbtree_augmented.h).
 *
 * The invariants, with NULL children counted as black leaves:
 *   (1) every node is red or black;
 *   (2) the root is black;
 *   (3) a red node has no red child;
 *   (4) every path from a node down to a NULL leaf crosses the same number
 *       of black nodes (the node's black height).
 * Together they bound the depth by 2 * log2(n + 1).
 *
 * The rebalancing code below is written once for both mirror images: a
 * direction is a bool (false = left, true = right) and rb_slot() finds the
 * child pointer for it.  Each rotation tells the augmentation about itself
 * through the rotate callback, right after the shape has changed.
 */
#include <linux/rbtree_augmented.h>

#define RB_LEFT		false
#define RB_RIGHT	true

static inline struct rb_node **rb_slot(struct rb_node *node, bool dir)
{
	return dir ? &node->rb_right : &node->rb_left;
}

/* Which side of @parent @child hangs on. */
static inline bool rb_side(const struct rb_node *parent,
			   const struct rb_node *child)
{
	return parent->rb_right == child;
}

static inline void rb_set_black(struct rb_node *rb)
{
	rb->__rb_parent_color |= RB_BLACK;
}

static inline void rb_set_red(struct rb_node *rb)
{
	rb->__rb_parent_color &= ~(unsigned long)RB_BLACK;
}

/*
 * Rotate @top's child on side @dir up into @top's place.  That child (the
 * riser) inherits @top's parent and colour; @top becomes the riser's child
 * on the other side, keeping its own colour, and adopts the riser's inner
 * subtree.  In-order sequence is unchanged.  Returns the riser.
 */
static struct rb_node *rb_rotate(struct rb_node *top, bool dir,
				 struct rb_root *root)
{
	struct rb_node *riser = *rb_slot(top, dir);
	struct rb_node *inner = *rb_slot(riser, !dir);
	unsigned long top_pc = top->__rb_parent_color;

	WRITE_ONCE(*rb_slot(top, dir), inner);
	if (inner)
		rb_set_parent(inner, top);
	WRITE_ONCE(*rb_slot(riser, !dir), top);
	riser->__rb_parent_color = top_pc;
	rb_set_parent(top, riser);
	__rb_change_child(top, riser, __rb_parent(top_pc), root);
	return riser;
}

static inline void rb_notify_rotate(void (*augment_rotate)(struct rb_node *,
							   struct rb_node *),
				    struct rb_node *old, struct rb_node *new)
{
	if (augment_rotate)
		augment_rotate(old, new);
}

/*
 * Restore the invariants after @node was linked as a red leaf.  The only
 * possible violation is (3) between @node and its parent (or (2) if @node
 * is the root); each round either fixes it with at most two rotations or
 * pushes it two levels up by recolouring.
 */
static void rb_insert_fixup(struct rb_node *node, struct rb_root *root,
			    void (*augment_rotate)(struct rb_node *,
						   struct rb_node *))
{
	for (;;) {
		struct rb_node *parent = rb_parent(node);
		struct rb_node *gparent, *uncle;
		bool dir;

		if (!parent) {
			/* @node is the root: blackening it fixes (2). */
			rb_set_parent_color(node, NULL, RB_BLACK);
			return;
		}
		if (rb_is_black(parent))
			return;

		/* A red parent is not the root, so it has a black parent. */
		gparent = rb_parent(parent);
		dir = rb_side(gparent, parent);
		uncle = *rb_slot(gparent, !dir);

		if (uncle && rb_is_red(uncle)) {
			/*
			 * Red parent and uncle: move the grandparent's black
			 * down to both of them.  Black heights are unchanged;
			 * the grandparent, now red, may clash with its own
			 * parent, so go again from there.
			 */
			rb_set_black(parent);
			rb_set_black(uncle);
			rb_set_red(gparent);
			node = gparent;
			continue;
		}

		if (rb_side(parent, node) != dir) {
			/*
			 * @node is an inner grandchild: rotate it above its
			 * parent so that the red pair lines up on the outside.
			 * Both are red, so black heights do not move.
			 */
			rb_rotate(parent, !dir, root);
			rb_notify_rotate(augment_rotate, parent, node);
			parent = node;
		}

		/*
		 * @parent is now the outer red child of a black grandparent.
		 * Rotating it up gives it the grandparent's black, and the
		 * grandparent, red now, becomes its child: both red nodes
		 * hang under one black and every path keeps its count.
		 */
		rb_rotate(gparent, dir, root);
		rb_set_red(gparent);
		rb_notify_rotate(augment_rotate, gparent, parent);
		return;
	}
}

/*
 * After a black node was removed, the subtree at the child slot of
 * @parent that held it (now NULL or a black node) is one black short of
 * its sibling.  Repair that by borrowing from the sibling's side, or push
 * the deficit up one level by making the sibling red.
 */
static void rb_erase_fixup(struct rb_node *parent, struct rb_root *root,
			   void (*augment_rotate)(struct rb_node *,
						  struct rb_node *))
{
	struct rb_node *node = NULL;	/* the short subtree's root */

	for (;;) {
		struct rb_node *sibling, *far, *near;
		bool dir;

		/*
		 * The sibling side is one black taller, so the sibling
		 * exists; that also tells the sides apart when @node is NULL.
		 */
		dir = parent->rb_right == node;
		sibling = *rb_slot(parent, !dir);

		if (rb_is_red(sibling)) {
			/*
			 * Red sibling (so black parent and black children):
			 * rotate it up and recolour so that @node gets one of
			 * its black children as the new sibling.
			 */
			rb_rotate(parent, !dir, root);
			rb_set_red(parent);
			rb_notify_rotate(augment_rotate, parent, sibling);
			sibling = *rb_slot(parent, !dir);
		}

		far = *rb_slot(sibling, !dir);
		near = *rb_slot(sibling, dir);

		if (!far || rb_is_black(far)) {
			if (!near || rb_is_black(near)) {
				/*
				 * Black sibling with black children: paint it
				 * red, which takes one black off its side too.
				 * A red parent absorbs that by turning black;
				 * a black one passes the deficit upwards.
				 */
				rb_set_red(sibling);
				if (rb_is_red(parent)) {
					rb_set_black(parent);
					return;
				}
				node = parent;
				parent = rb_parent(node);
				/* At the root every path lost one: balanced. */
				if (!parent)
					return;
				continue;
			}
			/*
			 * Only the near nephew is red: rotate it above the
			 * sibling, so that the red nephew is on the far side.
			 */
			rb_rotate(sibling, dir, root);
			rb_set_red(sibling);
			rb_notify_rotate(augment_rotate, sibling, near);
			far = sibling;
			sibling = near;
		}

		/*
		 * Black sibling with a red far nephew: rotate the sibling up
		 * into the parent's place and colour, make the parent and the
		 * far nephew black.  @node's side gains a black and the far
		 * side keeps its count.
		 */
		rb_rotate(parent, !dir, root);
		rb_set_black(parent);
		rb_set_black(far);
		rb_notify_rotate(augment_rotate, parent, sibling);
		return;
	}
}

/**
 * rb_insert_color() - rebalance after rb_link_node()
 * @node: the node just linked
 * @root: its tree
 */
void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	rb_insert_fixup(node, root, NULL);
}

/**
 * __rb_insert_augmented() - rebalance an augmented tree after a link
 * @node: the node just linked
 * @root: its tree
 * @augment_rotate: called after each rotation (see rb_augment_callbacks)
 *
 * Use rb_insert_augmented() rather than this.
 */
void __rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			   void (*augment_rotate)(struct rb_node *old,
						  struct rb_node *new))
{
	rb_insert_fixup(node, root, augment_rotate);
}

/**
 * __rb_erase_color() - rebalance after __rb_erase_augmented()
 * @parent: what __rb_erase_augmented() returned (never NULL)
 * @root: the tree
 * @augment_rotate: called after each rotation
 */
void __rb_erase_color(struct rb_node *parent, struct rb_root *root,
		      void (*augment_rotate)(struct rb_node *old,
					     struct rb_node *new))
{
	rb_erase_fixup(parent, root, augment_rotate);
}

/* Plain trees have nothing to keep up to date. */
static inline void rb_noop_propagate(struct rb_node *node,
				     struct rb_node *stop)
{
}

static inline void rb_noop_copy(struct rb_node *old, struct rb_node *new)
{
}

static const struct rb_augment_callbacks rb_noop_callbacks = {
	.propagate = rb_noop_propagate,
	.copy = rb_noop_copy,
	.rotate = NULL,		/* rb_erase_fixup() checks for NULL */
};

/**
 * rb_erase() - remove a node from its tree
 * @node: a linked node
 * @root: its tree
 *
 * @node's own fields are left stale; use RB_CLEAR_NODE() if the caller
 * needs to tell later that it is unlinked.
 */
void rb_erase(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *rebalance;

	rebalance = __rb_erase_augmented(node, root, &rb_noop_callbacks);
	if (rebalance)
		rb_erase_fixup(rebalance, root, NULL);
}

/* The extreme node of the subtree at @node in direction @dir. */
static struct rb_node *rb_extreme(struct rb_node *node, bool dir)
{
	if (node)
		while (*rb_slot(node, dir))
			node = *rb_slot(node, dir);
	return node;
}

/*
 * The in-order neighbour of @node in direction @dir (RB_RIGHT: next).
 * Either the extreme of the child subtree on that side, or the first
 * ancestor reached from its other side.
 */
static struct rb_node *rb_step(const struct rb_node *node, bool dir)
{
	struct rb_node *cur = (struct rb_node *)node;
	struct rb_node *parent;

	if (RB_EMPTY_NODE(node))
		return NULL;
	if (*rb_slot(cur, dir))
		return rb_extreme(*rb_slot(cur, dir), !dir);
	while ((parent = rb_parent(cur)) && *rb_slot(parent, dir) == cur)
		cur = parent;
	return parent;
}

/**
 * rb_next() - the in-order successor
 * @node: a linked node
 *
 * Return: the next node, or NULL if @node is the last one or unlinked
 * (RB_EMPTY_NODE).
 */
struct rb_node *rb_next(const struct rb_node *node)
{
	return rb_step(node, RB_RIGHT);
}

/**
 * rb_prev() - the in-order predecessor
 * @node: a linked node
 *
 * Return: the previous node, or NULL if @node is the first one or
 * unlinked (RB_EMPTY_NODE).
 */
struct rb_node *rb_prev(const struct rb_node *node)
{
	return rb_step(node, RB_LEFT);
}

/**
 * rb_first() - the smallest node
 * @root: the tree
 *
 * Return: the first node in order, NULL for an empty tree.  O(log n);
 * rb_first_cached() is O(1).
 */
struct rb_node *rb_first(const struct rb_root *root)
{
	return rb_extreme(root->rb_node, RB_LEFT);
}

/**
 * rb_last() - the largest node
 * @root: the tree
 *
 * Return: the last node in order, NULL for an empty tree.
 */
struct rb_node *rb_last(const struct rb_root *root)
{
	return rb_extreme(root->rb_node, RB_RIGHT);
}

/* The first node in post-order below @node: the deepest leftmost leaf. */
static struct rb_node *rb_postorder_descend(struct rb_node *node)
{
	for (;;) {
		if (node->rb_left)
			node = node->rb_left;
		else if (node->rb_right)
			node = node->rb_right;
		else
			return node;
	}
}

/**
 * rb_first_postorder() - the first node of a post-order walk
 * @root: the tree
 *
 * Return: a leaf, or NULL for an empty tree.
 */
struct rb_node *rb_first_postorder(const struct rb_root *root)
{
	if (!root->rb_node)
		return NULL;
	return rb_postorder_descend(root->rb_node);
}

/**
 * rb_next_postorder() - the next node of a post-order walk
 * @node: the current node (may be NULL)
 *
 * Only reads @node's parent and its parent's children, so @node itself
 * may be freed once this returned.
 *
 * Return: the next node, NULL after the root.
 */
struct rb_node *rb_next_postorder(const struct rb_node *node)
{
	struct rb_node *parent;

	if (!node)
		return NULL;
	parent = rb_parent(node);
	/* Coming up from the left: the right subtree is still to do. */
	if (parent && node == parent->rb_left && parent->rb_right)
		return rb_postorder_descend(parent->rb_right);
	/* Coming up from the right (or a lone left): the parent is next. */
	return parent;
}

/**
 * rb_replace_node() - put @new in @victim's place without rebalancing
 * @victim: the linked node to replace
 * @new: the replacement; it must sort at @victim's position
 * @root: the tree
 *
 * @new takes over @victim's colour, parent and children; @victim is left
 * stale.
 */
void rb_replace_node(struct rb_node *victim, struct rb_node *new,
		     struct rb_root *root)
{
	struct rb_node *parent = rb_parent(victim);

	*new = *victim;
	if (victim->rb_left)
		rb_set_parent(victim->rb_left, new);
	if (victim->rb_right)
		rb_set_parent(victim->rb_right, new);
	__rb_change_child(victim, new, parent, root);
}
