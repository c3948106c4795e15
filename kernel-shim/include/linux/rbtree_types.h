/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/rbtree_types.h - the red-black tree node and root types.
 *
 * Contract
 *   Kept:    struct rb_node with the parent pointer and the colour packed
 *            into one word (__rb_parent_color; bit 0 is the colour, bit 1
 *            is unused and always clear), struct rb_root, struct
 *            rb_root_cached (a root plus the cached leftmost node),
 *            RB_ROOT and RB_ROOT_CACHED.
 *   Dropped: nothing.
 *   Added:   nothing.  The split from linux/rbtree.h mirrors the kernel,
 *            so that headers embedding an rb_node need not pull in the API.
 */
#ifndef _KSHIM_LINUX_RBTREE_TYPES_H
#define _KSHIM_LINUX_RBTREE_TYPES_H

/*
 * Nodes are at least long-aligned, which keeps the two low bits of every
 * node address clear: __rb_parent_color stores the parent's address with
 * the node's colour in bit 0.  Callers never touch the fields directly
 * except through the helpers of linux/rbtree.h and linux/rbtree_augmented.h.
 */
struct rb_node {
	unsigned long  __rb_parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __attribute__((aligned(sizeof(long))));

struct rb_root {
	struct rb_node *rb_node;
};

/*
 * A root that also remembers its smallest node, so that rb_first_cached()
 * is O(1).  Only the *_cached operations keep @rb_leftmost in step; mixing
 * them with the plain ones on the inner @rb_root corrupts the cache.
 */
struct rb_root_cached {
	struct rb_root rb_root;
	struct rb_node *rb_leftmost;
};

#define RB_ROOT		(struct rb_root) { NULL, }
#define RB_ROOT_CACHED	(struct rb_root_cached) { { NULL, }, NULL }

#endif /* _KSHIM_LINUX_RBTREE_TYPES_H */
