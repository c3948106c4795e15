/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/rbtree.h - intrusive red-black trees.
 *
 * Contract
 *   Kept:    the kernel's rbtree API with its exact names, signatures and
 *            return conventions: rb_parent, rb_entry, rb_entry_safe,
 *            RB_EMPTY_ROOT, RB_EMPTY_NODE, RB_CLEAR_NODE, rb_link_node,
 *            rb_insert_color, rb_erase, rb_first/last/next/prev,
 *            rb_first_postorder/rb_next_postorder and
 *            rbtree_postorder_for_each_entry_safe, rb_replace_node, the
 *            leftmost-cached variants (rb_insert_color_cached,
 *            rb_erase_cached returning the new leftmost or NULL,
 *            rb_first_cached, rb_replace_node_cached), and the callback
 *            helpers rb_add, rb_add_cached (returning @node when it became
 *            the leftmost), rb_find_add, rb_find_add_cached, rb_find,
 *            rb_find_first, rb_next_match, rb_for_each.  The tree never
 *            allocates: nodes are embedded in the caller's objects, and the
 *            caller does its own locking.  Insertion and erase are
 *            O(log n) with O(1) rotations; rb_next/rb_prev are amortised
 *            O(1) over a full walk and O(log n) worst case.
 *   Dropped: the RCU and latch-tree variants (rb_link_node_rcu,
 *            rb_replace_node_rcu, rb_find_rcu): the simulator has no
 *            lockless readers.
 *   Added:   nothing.
 */
#ifndef _KSHIM_LINUX_RBTREE_H
#define _KSHIM_LINUX_RBTREE_H

#include <linux/kernel.h>
#include <linux/rbtree_types.h>
#include <linux/types.h>

#define rb_parent(r)	((struct rb_node *)((r)->__rb_parent_color & ~3UL))

#define rb_entry(ptr, type, member)	container_of(ptr, type, member)

/* Like rb_entry(), but a NULL @ptr gives NULL instead of a bogus pointer. */
#define rb_entry_safe(ptr, type, member) ({				\
	typeof(ptr) __rbes_ptr = (ptr);					\
	__rbes_ptr ? rb_entry(__rbes_ptr, type, member) : NULL;		\
})

#define RB_EMPTY_ROOT(root)	(READ_ONCE((root)->rb_node) == NULL)

/*
 * A node that is in no tree can be marked by pointing its parent word at
 * itself: no linked node is ever its own parent.
 */
#define RB_EMPTY_NODE(node)						\
	((node)->__rb_parent_color == (unsigned long)(node))
#define RB_CLEAR_NODE(node)						\
	((node)->__rb_parent_color = (unsigned long)(node))

void rb_insert_color(struct rb_node *node, struct rb_root *root);
void rb_erase(struct rb_node *node, struct rb_root *root);

struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);

struct rb_node *rb_first_postorder(const struct rb_root *root);
struct rb_node *rb_next_postorder(const struct rb_node *node);

void rb_replace_node(struct rb_node *victim, struct rb_node *new,
		     struct rb_root *root);

/**
 * rb_link_node() - attach a new node at a leaf position found by a search
 * @node: the node to link; it becomes a red leaf
 * @parent: the node that will be @node's parent, NULL for an empty tree
 * @rb_link: the NULL child slot of @parent (or the root slot) to fill
 *
 * The caller descends the tree itself, remembering the last node visited
 * and the slot it stopped at, then calls this and rb_insert_color() (or
 * one of its variants) to restore the red-black properties.
 */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **rb_link)
{
	/* Colour bit 0 clear: the new node is red. */
	node->__rb_parent_color = (unsigned long)parent;
	node->rb_left = NULL;
	node->rb_right = NULL;
	*rb_link = node;
}

/*
 * Walk every entry of the tree in post-order (children before parents), so
 * that the body may free @pos: the successor @n is computed before the body
 * runs.  The tree is not rebalanced; this is for tearing down whole trees.
 */
#define rbtree_postorder_for_each_entry_safe(pos, n, root, field)	\
	for ((pos) = rb_entry_safe(rb_first_postorder(root),		\
				   typeof(*(pos)), field);		\
	     (pos) != NULL &&						\
	     ((n) = rb_entry_safe(rb_next_postorder(&(pos)->field),	\
				  typeof(*(pos)), field), true);	\
	     (pos) = (n))

/* The cached leftmost node, NULL for an empty tree: O(1). */
#define rb_first_cached(root)	((root)->rb_leftmost)

/**
 * rb_insert_color_cached() - rebalance after rb_link_node() in a cached tree
 * @node: the node just linked
 * @root: the cached root
 * @leftmost: true if the search that placed @node never went right, i.e.
 *            @node is now the smallest node
 */
static inline void rb_insert_color_cached(struct rb_node *node,
					  struct rb_root_cached *root,
					  bool leftmost)
{
	if (leftmost)
		root->rb_leftmost = node;
	rb_insert_color(node, &root->rb_root);
}

/**
 * rb_erase_cached() - remove a node from a cached tree
 * @node: the node to remove
 * @root: the cached root
 *
 * Return: the new leftmost node if @node was the leftmost one (NULL if the
 * tree became empty), else NULL.
 */
static inline struct rb_node *rb_erase_cached(struct rb_node *node,
					      struct rb_root_cached *root)
{
	struct rb_node *leftmost = NULL;

	if (root->rb_leftmost == node)
		leftmost = root->rb_leftmost = rb_next(node);
	rb_erase(node, &root->rb_root);
	return leftmost;
}

/**
 * rb_replace_node_cached() - put @new in @victim's place in a cached tree
 * @victim: the linked node to replace
 * @new: the node taking its place; it must sort at the same position
 * @root: the cached root
 */
static inline void rb_replace_node_cached(struct rb_node *victim,
					  struct rb_node *new,
					  struct rb_root_cached *root)
{
	if (root->rb_leftmost == victim)
		root->rb_leftmost = new;
	rb_replace_node(victim, new, &root->rb_root);
}

/*
 * The callback helpers below take one of two kinds of ordering function:
 *
 *   less(a, b):  true when node a sorts strictly before node b.  Nodes
 *                that compare equal are kept in insertion order (a new
 *                node goes after its equals).
 *   cmp(k, b):   <0, 0, >0 as the key (or node) k sorts before, equal to
 *                or after node b.
 *
 * They are inline so that the compiler can inline the comparison too.
 */

/**
 * rb_add_cached() - insert @node into a cached tree by a less() order
 * @node: node to insert
 * @tree: cached tree
 * @less: strict weak order on nodes
 *
 * Return: @node if it became the leftmost node, else NULL.
 */
static __always_inline struct rb_node *
rb_add_cached(struct rb_node *node, struct rb_root_cached *tree,
	      bool (*less)(struct rb_node *, const struct rb_node *))
{
	struct rb_node **link = &tree->rb_root.rb_node;
	struct rb_node *parent = NULL;
	bool leftmost = true;

	while (*link) {
		parent = *link;
		if (less(node, parent)) {
			link = &parent->rb_left;
		} else {
			link = &parent->rb_right;
			leftmost = false;
		}
	}
	rb_link_node(node, parent, link);
	rb_insert_color_cached(node, tree, leftmost);
	return leftmost ? node : NULL;
}

/**
 * rb_add() - insert @node into a tree by a less() order
 * @node: node to insert
 * @tree: tree
 * @less: strict weak order on nodes
 */
static __always_inline void
rb_add(struct rb_node *node, struct rb_root *tree,
       bool (*less)(struct rb_node *, const struct rb_node *))
{
	struct rb_node **link = &tree->rb_node;
	struct rb_node *parent = NULL;

	while (*link) {
		parent = *link;
		if (less(node, parent))
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(node, parent, link);
	rb_insert_color(node, tree);
}

/**
 * rb_find_add_cached() - insert @node into a cached tree unless an equal one
 * exists
 * @node: node to insert
 * @tree: cached tree
 * @cmp: total order on nodes
 *
 * Return: the existing node comparing equal to @node (and @node is not
 * inserted), or NULL when @node was inserted.
 */
static __always_inline struct rb_node *
rb_find_add_cached(struct rb_node *node, struct rb_root_cached *tree,
		   int (*cmp)(const struct rb_node *new,
			      const struct rb_node *exist))
{
	struct rb_node **link = &tree->rb_root.rb_node;
	struct rb_node *parent = NULL;
	bool leftmost = true;
	int c;

	while (*link) {
		parent = *link;
		c = cmp(node, parent);
		if (c < 0) {
			link = &parent->rb_left;
		} else if (c > 0) {
			link = &parent->rb_right;
			leftmost = false;
		} else {
			return parent;
		}
	}
	rb_link_node(node, parent, link);
	rb_insert_color_cached(node, tree, leftmost);
	return NULL;
}

/**
 * rb_find_add() - insert @node into a tree unless an equal one exists
 * @node: node to insert
 * @tree: tree
 * @cmp: total order on nodes
 *
 * Return: the existing node comparing equal to @node (and @node is not
 * inserted), or NULL when @node was inserted.
 */
static __always_inline struct rb_node *
rb_find_add(struct rb_node *node, struct rb_root *tree,
	    int (*cmp)(struct rb_node *, const struct rb_node *))
{
	struct rb_node **link = &tree->rb_node;
	struct rb_node *parent = NULL;
	int c;

	while (*link) {
		parent = *link;
		c = cmp(node, parent);
		if (c < 0)
			link = &parent->rb_left;
		else if (c > 0)
			link = &parent->rb_right;
		else
			return parent;
	}
	rb_link_node(node, parent, link);
	rb_insert_color(node, tree);
	return NULL;
}

/**
 * rb_find() - find a node matching @key
 * @key: the key to look for
 * @tree: tree to search
 * @cmp: compares @key with a node
 *
 * Return: a node comparing equal to @key (any one of them if several do),
 * or NULL.
 */
static __always_inline struct rb_node *
rb_find(const void *key, const struct rb_root *tree,
	int (*cmp)(const void *key, const struct rb_node *))
{
	struct rb_node *node = tree->rb_node;
	int c;

	while (node) {
		c = cmp(key, node);
		if (c < 0)
			node = node->rb_left;
		else if (c > 0)
			node = node->rb_right;
		else
			return node;
	}
	return NULL;
}

/**
 * rb_find_first() - find the leftmost node matching @key
 * @key: the key to look for
 * @tree: tree to search
 * @cmp: compares @key with a node
 *
 * Return: the first node, in tree order, comparing equal to @key, or NULL.
 */
static __always_inline struct rb_node *
rb_find_first(const void *key, const struct rb_root *tree,
	      int (*cmp)(const void *key, const struct rb_node *))
{
	struct rb_node *node = tree->rb_node;
	struct rb_node *match = NULL;
	int c;

	/* On a hit keep going left: an earlier equal node may exist there. */
	while (node) {
		c = cmp(key, node);
		if (c <= 0) {
			if (!c)
				match = node;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return match;
}

/**
 * rb_next_match() - the node after @node, if it still matches @key
 * @key: the key being iterated
 * @node: a node matching @key
 * @cmp: compares @key with a node
 *
 * Return: rb_next(@node) if it compares equal to @key, else NULL.
 */
static __always_inline struct rb_node *
rb_next_match(const void *key, struct rb_node *node,
	      int (*cmp)(const void *key, const struct rb_node *))
{
	node = rb_next(node);
	if (node && cmp(key, node))
		node = NULL;
	return node;
}

/* Visit, in order, every node comparing equal to @key. */
#define rb_for_each(node, key, tree, cmp)				\
	for ((node) = rb_find_first((key), (tree), (cmp));		\
	     (node); (node) = rb_next_match((key), (node), (cmp)))

#endif /* _KSHIM_LINUX_RBTREE_H */
