// SPDX-License-Identifier: GPL-2.0
/*
 * The XArray (linux/xarray.h) as a radix tree.
 *
 * Shape.  xa_head is NULL for an empty array, otherwise the root node.  A
 * node at level @shift has XA_CHUNK_SIZE slots; slot i of a node whose
 * first index is B covers the indices B + (i << shift) up to
 * B + ((i + 1) << shift) - 1.  Leaves (shift 0) hold the entries; the slots
 * of every other node hold child nodes.  The root is the lowest node whose
 * span reaches the highest index in use: storing beyond it adds levels on
 * top (the old root becomes slot 0 of the new one), and when a root keeps
 * nothing but slot 0 it is replaced by that child.  A node never stays
 * empty: erasing the last entry of a node frees it and clears its slot in
 * the parent, upwards as far as needed, so the tree holds exactly the nodes
 * on the paths to present entries and xa_empty() is "no root".
 *
 * Summaries.  Each node keeps a bitmap of occupied slots (@present) and one
 * bitmap per mark.  In a leaf a mark bit belongs to the entry in that slot.
 * In an interior node the bit of slot i is the OR of the child's bitmap for
 * that mark, i.e. "something below is marked".  Whenever a bitmap changes
 * between empty and non-empty, the change is carried to the parent, so the
 * summaries are exact at every level and a marked search descends only
 * into subtrees that contain a match: O(height) per result.
 *
 * Free tracking.  In an allocating array XA_MARK_0 is the free mark and
 * means the opposite of present: a leaf slot has it iff it is empty, an
 * interior slot iff it is empty or its child has a free slot.  New nodes
 * start with every reachable slot free.  xa_alloc's search for the lowest
 * free ID is then the same descent, stopping at the first empty slot; IDs
 * above the root's span are free by definition.  A reserved (zero) entry
 * occupies its slot, so it is not free.  An empty slot never carries the
 * caller's marks: erasing clears them and setting a mark needs an entry.
 *
 * Memory and locking.  A write first measures, under the guard, how many
 * nodes it needs (new levels above the root plus the missing part of the
 * path to the leaf); if its private pool (struct xa_prealloc) holds fewer,
 * it leaves the guard, allocates them - dropping xa_lock around kzalloc()
 * when the gfp may block, keeping it for an atomic gfp - and measures
 * again, since the tree may have changed while the lock was dropped.  Only
 * when the pool suffices does it change the tree, all at once under the
 * guard, so an allocation failure leaves the array exactly as it was and
 * surplus nodes go back with kfree().  The guard is a host mutex that
 * readers (which, like the kernel's RCU readers, do not take xa_lock) and
 * the writers' tree updates share; it is never held across an allocation,
 * a WARN or a scheduling point.
 */
#include <stdio.h>
#include <string.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/lockdep.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>
#include <kshim/exec.h>

static_assert(XA_CHUNK_SIZE <= BITS_PER_LONG,
	      "a node's slot bitmaps must fit in one unsigned long");
static_assert(XA_MARK_LONGS == 1, "one word per mark bitmap");

struct xa_node {
	unsigned char shift;		/* index bits below this level */
	unsigned char offset;		/* our slot in the parent */
	struct xa_node *parent;		/* NULL for the root */
	unsigned long present;		/* occupied slots */
	unsigned long marks[XA_MAX_MARKS];
	void *slots[XA_CHUNK_SIZE];	/* entries (leaf) or children */
};

/*
 * Nodes a write may still need.  Growing a one-leaf tree to the top of the
 * index space takes one new node per level above the old root plus a
 * fresh path below the new root: fewer than two per level.
 */
struct xa_prealloc {
	unsigned int nr;
	struct xa_node *nodes[2 * XA_MAX_HEIGHT];
};

/* The guard only protects the tree, so it may be taken on a const array. */
static void xa_guard_lock(const struct xarray *xa)
{
	kshim_guard_lock((struct kshim_guard *)&xa->xa_guard);
}

static void xa_guard_unlock(const struct xarray *xa)
{
	kshim_guard_unlock((struct kshim_guard *)&xa->xa_guard);
}

static inline struct xa_node *xa_root(const struct xarray *xa)
{
	return xa->xa_head;
}

static inline bool xa_track_free(const struct xarray *xa)
{
	return xa->xa_flags & XA_FLAGS_TRACK_FREE;
}

static inline bool xa_zero_busy(const struct xarray *xa)
{
	return xa->xa_flags & XA_FLAGS_ZERO_BUSY;
}

static inline void *xa_zero_to_null(void *entry)
{
	return xa_is_zero(entry) ? NULL : entry;
}

/* Highest index under a root at level @shift. */
static unsigned long xa_span_last(unsigned int shift)
{
	if (shift + XA_CHUNK_SHIFT >= BITS_PER_LONG)
		return ULONG_MAX;
	return (1UL << (shift + XA_CHUNK_SHIFT)) - 1;
}

/*
 * Slots of a node at @shift that an unsigned long index can reach: all of
 * them, except in a top-level node whose span would pass ULONG_MAX (with
 * 64 slots, the level-60 root only reaches slots 0..15).
 */
static unsigned long xa_reachable_slots(unsigned int shift)
{
	unsigned int bits = BITS_PER_LONG - shift;
	unsigned long nr = bits >= XA_CHUNK_SHIFT ? XA_CHUNK_SIZE : 1UL << bits;

	return ~0UL >> (BITS_PER_LONG - nr);
}

/* Level of the lowest root whose span reaches @index. */
static unsigned int xa_shift_for(unsigned long index)
{
	unsigned int shift = 0;

	while (index > xa_span_last(shift))
		shift += XA_CHUNK_SHIFT;
	return shift;
}

static inline unsigned int xa_offset(const struct xa_node *node,
				     unsigned long index)
{
	return (index >> node->shift) & XA_CHUNK_MASK;
}

/* The leaf that holds @index, or NULL if the path does not exist. */
static struct xa_node *xa_leaf(const struct xarray *xa, unsigned long index)
{
	struct xa_node *node = xa_root(xa);

	if (!node || index > xa_span_last(node->shift))
		return NULL;
	while (node && node->shift)
		node = node->slots[xa_offset(node, index)];
	return node;
}

/* The raw entry at @index (XA_ZERO_ENTRY included); guard held. */
static void *xa_lookup(const struct xarray *xa, unsigned long index)
{
	struct xa_node *leaf = xa_leaf(xa, index);

	return leaf ? leaf->slots[index & XA_CHUNK_MASK] : NULL;
}

/*
 * Set or clear @mark for slot @offset of @node and carry the change upwards
 * for as long as a bitmap turns from empty to non-empty or back.
 */
static void xa_mark_update(struct xa_node *node, unsigned int offset,
			   xa_mark_t mark, bool set)
{
	for (;;) {
		unsigned long *bits = &node->marks[mark];
		bool was_any = *bits != 0;

		if (set)
			*bits |= BIT(offset);
		else
			*bits &= ~BIT(offset);
		if (was_any == (*bits != 0) || !node->parent)
			return;
		set = *bits != 0;
		offset = node->offset;
		node = node->parent;
	}
}

/* The marks an empty slot must carry: only the free mark, if tracked. */
static void xa_slot_emptied(const struct xarray *xa, struct xa_node *node,
			    unsigned int offset)
{
	xa_mark_t mark;

	for (mark = 0; mark < XA_MAX_MARKS; mark++)
		xa_mark_update(node, offset, mark,
			       mark == XA_FREE_MARK && xa_track_free(xa));
}

/*
 * Nodes needed to store at @index: the levels to add above the root and
 * the missing part of the path below.  Guard held.
 */
static unsigned int xa_nodes_needed(const struct xarray *xa,
				    unsigned long index)
{
	struct xa_node *node = xa_root(xa);
	unsigned int shift;

	if (!node)
		return xa_shift_for(index) / XA_CHUNK_SHIFT + 1;
	if (index > xa_span_last(node->shift)) {
		/*
		 * The new top level reaches @index only in a slot other
		 * than 0, so below it the whole path is new as well.
		 */
		shift = xa_shift_for(index);
		return (shift - node->shift) / XA_CHUNK_SHIFT +
		       shift / XA_CHUNK_SHIFT;
	}
	while (node->shift) {
		struct xa_node *child = node->slots[xa_offset(node, index)];

		if (!child)
			return node->shift / XA_CHUNK_SHIFT;
		node = child;
	}
	return 0;
}

/* Take a node from @pre and make it an empty node at @shift. */
static struct xa_node *xa_node_take(const struct xarray *xa,
				    struct xa_prealloc *pre, unsigned int shift,
				    struct xa_node *parent, unsigned int offset)
{
	struct xa_node *node;

	/* xa_nodes_needed() was checked against the pool under the guard. */
	BUG_ON(!pre->nr);
	node = pre->nodes[--pre->nr];
	memset(node, 0, sizeof(*node));
	node->shift = shift;
	node->offset = offset;
	node->parent = parent;
	if (xa_track_free(xa))
		node->marks[XA_FREE_MARK] = xa_reachable_slots(shift);
	return node;
}

/* Put a new root above @root, which becomes its slot 0. */
static struct xa_node *xa_grow(struct xarray *xa, struct xa_node *root,
			       struct xa_prealloc *pre)
{
	struct xa_node *top = xa_node_take(xa, pre,
					   root->shift + XA_CHUNK_SHIFT,
					   NULL, 0);
	xa_mark_t mark;

	top->slots[0] = root;
	top->present = BIT(0);
	for (mark = 0; mark < XA_MAX_MARKS; mark++) {
		if (root->marks[mark])
			top->marks[mark] |= BIT(0);
		else
			top->marks[mark] &= ~BIT(0);
	}
	root->parent = top;
	root->offset = 0;
	xa->xa_head = top;
	return top;
}

/*
 * Make sure the leaf for @index exists, taking exactly the nodes that
 * xa_nodes_needed() counted from @pre, and return it.  Guard held.  New
 * nodes change no summary above them: an empty slot already reads as
 * "nothing marked, free" and so does a new node.
 */
static struct xa_node *xa_create(struct xarray *xa, unsigned long index,
				 struct xa_prealloc *pre)
{
	struct xa_node *node = xa_root(xa);

	if (!node) {
		node = xa_node_take(xa, pre, xa_shift_for(index), NULL, 0);
		xa->xa_head = node;
	}
	while (index > xa_span_last(node->shift))
		node = xa_grow(xa, node, pre);
	while (node->shift) {
		unsigned int offset = xa_offset(node, index);
		struct xa_node *child = node->slots[offset];

		if (!child) {
			child = xa_node_take(xa, pre,
					     node->shift - XA_CHUNK_SHIFT,
					     node, offset);
			node->slots[offset] = child;
			node->present |= BIT(offset);
		}
		node = child;
	}
	return node;
}

/*
 * Store @entry (not NULL) at @index with the nodes in @pre, which must
 * cover xa_nodes_needed().  Marks of an existing entry are kept.  Returns
 * the old raw entry.  Guard held.
 */
static void *xa_put(struct xarray *xa, unsigned long index, void *entry,
		    struct xa_prealloc *pre)
{
	struct xa_node *leaf = xa_create(xa, index, pre);
	unsigned int offset = index & XA_CHUNK_MASK;
	void *old = leaf->slots[offset];

	leaf->slots[offset] = entry;
	if (!old) {
		leaf->present |= BIT(offset);
		if (xa_track_free(xa))
			xa_mark_update(leaf, offset, XA_FREE_MARK, false);
	}
	return old;
}

/* Free the empty @node and every ancestor it leaves empty. */
static void xa_prune(struct xarray *xa, struct xa_node *node)
{
	while (!node->present) {
		struct xa_node *parent = node->parent;
		unsigned int offset = node->offset;

		kfree(node);
		if (!parent) {
			xa->xa_head = NULL;
			return;
		}
		parent->slots[offset] = NULL;
		parent->present &= ~BIT(offset);
		xa_slot_emptied(xa, parent, offset);
		node = parent;
	}
}

/* Drop root levels that only hold slot 0. */
static void xa_shrink(struct xarray *xa)
{
	struct xa_node *node = xa_root(xa);

	while (node && node->shift && node->present == BIT(0)) {
		struct xa_node *child = node->slots[0];

		child->parent = NULL;
		child->offset = 0;
		xa->xa_head = child;
		kfree(node);
		node = child;
	}
}

/* Erase @index; returns the old raw entry.  Guard held, never allocates. */
static void *xa_remove(struct xarray *xa, unsigned long index)
{
	struct xa_node *leaf = xa_leaf(xa, index);
	unsigned int offset = index & XA_CHUNK_MASK;
	void *old;

	if (!leaf || !leaf->slots[offset])
		return NULL;
	old = leaf->slots[offset];
	xa_slot_emptied(xa, leaf, offset);
	leaf->slots[offset] = NULL;
	leaf->present &= ~BIT(offset);
	if (!leaf->present)
		xa_prune(xa, leaf);
	xa_shrink(xa);
	return old;
}

static void xa_free_nodes(struct xa_node *node)
{
	unsigned long present = node->present;

	while (node->shift && present) {
		xa_free_nodes(node->slots[__ffs(present)]);
		present &= present - 1;
	}
	kfree(node);
}

static unsigned long xa_node_bits(const struct xa_node *node,
				  xa_mark_t filter)
{
	return filter == XA_PRESENT ? node->present : node->marks[filter];
}

/*
 * The first slot at an index in [@start, @last] whose bit in @filter (a
 * mark, or XA_PRESENT) is set.  The summaries lead straight down to it;
 * when a subtree has nothing at or after @start we climb to the parent's
 * next slot.  For the free mark an empty interior slot is a match: its
 * first index not below @start is free.  Returns true with the index and
 * the raw entry (NULL for a free slot).  Guard held.
 */
static bool xa_search(const struct xarray *xa, unsigned long start,
		      unsigned long last, xa_mark_t filter,
		      unsigned long *indexp, void **entryp)
{
	struct xa_node *node = xa_root(xa);
	unsigned long base = 0;		/* first index under @node */
	unsigned int offset;

	if (!node || start > last || start > xa_span_last(node->shift))
		return false;
	offset = xa_offset(node, start);
	for (;;) {
		unsigned long bits = 0, first;
		void *slot;

		if (offset < XA_CHUNK_SIZE)
			bits = xa_node_bits(node, filter) & (~0UL << offset);
		if (!bits) {
			struct xa_node *parent = node->parent;

			if (!parent)
				return false;
			base -= (unsigned long)node->offset << parent->shift;
			offset = node->offset + 1;
			node = parent;
			continue;
		}
		offset = __ffs(bits);
		first = base + ((unsigned long)offset << node->shift);
		/* Only the slot holding @start begins below it. */
		if (first > last)
			return false;
		slot = node->slots[offset];
		if (!node->shift) {
			*indexp = first;
			*entryp = slot;
			return true;
		}
		if (!slot) {
			*indexp = max(first, start);
			*entryp = NULL;
			return true;
		}
		node = slot;
		base = first;
		offset = first < start ? xa_offset(node, start) : 0;
	}
}

/*
 * The lowest free index in [@min, @max] of an allocating array: from the
 * tree's free summaries, or else the first index above the root's span.
 * Guard held.
 */
static bool xa_find_free(const struct xarray *xa, unsigned long min,
			 unsigned long max, unsigned long *indexp)
{
	struct xa_node *root = xa_root(xa);
	unsigned long span;
	void *entry;

	if (min > max)
		return false;
	if (!root || min > xa_span_last(root->shift)) {
		*indexp = min;
		return true;
	}
	if (xa_search(xa, min, max, XA_FREE_MARK, indexp, &entry))
		return true;
	span = xa_span_last(root->shift);
	if (span < max) {
		*indexp = span + 1;
		return true;
	}
	return false;
}

/*
 * The first entry in [@start, @max] matching @filter, skipping reserved
 * slots.  Guard held.
 */
static void *xa_next(const struct xarray *xa, unsigned long start,
		     unsigned long max, xa_mark_t filter,
		     unsigned long *indexp)
{
	unsigned long index;
	void *entry;

	if (filter >= XA_MAX_MARKS)
		filter = XA_PRESENT;
	while (xa_search(xa, start, max, filter, &index, &entry)) {
		/* A free slot (free-mark filter) ends the walk, as NULL. */
		if (!entry)
			return NULL;
		if (!xa_is_zero(entry)) {
			*indexp = index;
			return entry;
		}
		if (index >= max)
			break;
		start = index + 1;
	}
	return NULL;
}

/*
 * The lock flavour the array was declared with.  All of them are one
 * spinlock in the shim, but dropping and retaking xa_lock uses the
 * matching pair, as the kernel does.
 */
static void xa_unlock_type(struct xarray *xa, gfp_t lock_type)
{
	if (lock_type & XA_FLAGS_LOCK_IRQ)
		xa_unlock_irq(xa);
	else if (lock_type & XA_FLAGS_LOCK_BH)
		xa_unlock_bh(xa);
	else
		xa_unlock(xa);
}

static void xa_lock_type(struct xarray *xa, gfp_t lock_type)
{
	if (lock_type & XA_FLAGS_LOCK_IRQ)
		xa_lock_irq(xa);
	else if (lock_type & XA_FLAGS_LOCK_BH)
		xa_lock_bh(xa);
	else
		xa_lock(xa);
}

/*
 * Grow @pre to @need nodes.  Called without the guard.  A gfp that may
 * block is not allowed under a spinlock, so xa_lock is dropped around the
 * allocations (if this task holds it; a caller that broke the locking rule
 * has already been warned about) and taken again; the caller then looks at
 * the tree afresh.  Returns 0 or -ENOMEM.
 */
static int xa_prealloc_fill(struct xarray *xa, struct xa_prealloc *pre,
			    unsigned int need, gfp_t gfp)
{
	/* xa_flags may change once the lock is dropped: read it now. */
	gfp_t flags = xa->xa_flags;
	bool drop;

	BUG_ON(need > ARRAY_SIZE(pre->nodes));
	if (flags & XA_FLAGS_ACCOUNT)
		gfp |= __GFP_ACCOUNT;
	drop = gfpflags_allow_blocking(gfp) && lockdep_is_held(&xa->xa_lock);
	if (drop)
		xa_unlock_type(xa, flags);
	while (pre->nr < need) {
		struct xa_node *node = kzalloc(sizeof(*node), gfp);

		if (!node)
			break;
		pre->nodes[pre->nr++] = node;
	}
	if (drop)
		xa_lock_type(xa, flags);
	return pre->nr < need ? -ENOMEM : 0;
}

/* Return the nodes a write did not use. */
static void xa_prealloc_drain(struct xa_prealloc *pre)
{
	while (pre->nr)
		kfree(pre->nodes[--pre->nr]);
}

/*
 * Only pointers (4-byte aligned), value entries and XA_ZERO_ENTRY can be
 * stored: anything else ending in binary 10 would be taken for one of the
 * array's own internal entries.
 */
static bool xa_entry_bad(const void *entry, const char *op)
{
	return WARN(xa_is_internal(entry) && !xa_is_zero(entry),
		    "%s: %p is an internal entry or a pointer that is not 4-byte aligned\n",
		    op, entry);
}

/* Marks the caller may set or clear on this array. */
static bool xa_mark_bad(const struct xarray *xa, xa_mark_t mark,
			const char *op)
{
	if (WARN(mark > XA_MARK_MAX, "%s: no mark %u\n", op, mark))
		return true;
	return WARN(mark == XA_FREE_MARK && xa_track_free(xa),
		    "%s: XA_MARK_0 is the free mark of an allocating array\n",
		    op);
}

static void xa_flags_update(struct xarray *xa, gfp_t set, gfp_t clear)
{
	xa_guard_lock(xa);
	xa->xa_flags = (xa->xa_flags & ~clear) | set;
	xa_guard_unlock(xa);
}

/**
 * xa_load() - Load an entry from an XArray.
 * @xa: XArray.
 * @index: index into array.
 *
 * Context: Any context.  Takes no lock; may be called with xa_lock held.
 * Return: The entry at @index in @xa (NULL for a reserved slot).
 */
void *xa_load(struct xarray *xa, unsigned long index)
{
	void *entry;

	kshim_sched_point(KSHIM_PT_XARRAY, xa);
	xa_guard_lock(xa);
	entry = xa_lookup(xa, index);
	xa_guard_unlock(xa);
	return xa_zero_to_null(entry);
}

/**
 * __xa_erase() - Erase this entry from the XArray while locked.
 * @xa: XArray.
 * @index: Index into array.
 *
 * Clears the entry's marks (and marks the index free in an allocating
 * array).  Never allocates, so never fails.
 *
 * Context: Any context.  Expects xa_lock to be held on entry.
 * Return: The entry which used to be at this index (NULL if reserved).
 */
void *__xa_erase(struct xarray *xa, unsigned long index)
{
	void *entry;

	kshim_sched_point(KSHIM_PT_XARRAY, xa);
	lockdep_assert_held(&xa->xa_lock);
	xa_guard_lock(xa);
	entry = xa_remove(xa, index);
	xa_guard_unlock(xa);
	return xa_zero_to_null(entry);
}

/**
 * xa_erase() - Erase this entry from the XArray.
 * @xa: XArray.
 * @index: Index of entry.
 *
 * Context: Any context.  Takes and releases the xa_lock.
 * Return: The entry which used to be at this index (NULL if reserved).
 */
void *xa_erase(struct xarray *xa, unsigned long index)
{
	void *entry;

	xa_lock(xa);
	entry = __xa_erase(xa, index);
	xa_unlock(xa);
	return entry;
}

/**
 * __xa_store() - Store this entry in the XArray while locked.
 * @xa: XArray.
 * @index: Index into array.
 * @entry: New entry.
 * @gfp: Memory allocation flags.
 *
 * Storing NULL erases, except in an allocating array, where it leaves the
 * index reserved.  Replacing an entry keeps its marks.  If memory is needed
 * and @gfp may block, xa_lock is dropped while allocating.
 *
 * Context: Any context.  Expects xa_lock to be held on entry.  May release
 * and reacquire xa_lock if @gfp flags permit.
 * Return: The old entry at this index (NULL if it was reserved) or an
 * xa_err() entry: -EINVAL for an entry that cannot be stored, -ENOMEM.
 */
void *__xa_store(struct xarray *xa, unsigned long index, void *entry,
		 gfp_t gfp)
{
	struct xa_prealloc pre = { .nr = 0 };
	void *curr;
	int err;

	kshim_sched_point(KSHIM_PT_XARRAY, xa);
	lockdep_assert_held(&xa->xa_lock);
	if (xa_entry_bad(entry, __func__))
		return XA_ERROR(-EINVAL);
	if (!entry && xa_track_free(xa))
		entry = XA_ZERO_ENTRY;

	for (;;) {
		unsigned int need = 0;

		xa_guard_lock(xa);
		if (!entry) {
			curr = xa_remove(xa, index);
		} else {
			need = xa_nodes_needed(xa, index);
			if (need <= pre.nr) {
				curr = xa_put(xa, index, entry, &pre);
				need = 0;
			}
		}
		xa_guard_unlock(xa);
		if (!need)
			break;
		err = xa_prealloc_fill(xa, &pre, need, gfp);
		if (err) {
			curr = XA_ERROR(err);
			break;
		}
	}
	xa_prealloc_drain(&pre);
	return xa_zero_to_null(curr);
}

/**
 * xa_store() - Store this entry in the XArray.
 * @xa: XArray.
 * @index: Index into array.
 * @entry: New entry.
 * @gfp: Memory allocation flags.
 *
 * See __xa_store() for what is stored.
 *
 * Context: Any context.  Takes and releases the xa_lock.  May sleep if the
 * @gfp flags permit.
 * Return: The old entry at this index (NULL if it was reserved) or an
 * xa_err() entry.
 */
void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	void *curr;

	__xa_might_alloc(gfp);
	xa_lock(xa);
	curr = __xa_store(xa, index, entry, gfp);
	xa_unlock(xa);
	return curr;
}

/**
 * __xa_cmpxchg() - Conditionally replace an entry while locked.
 * @xa: XArray.
 * @index: Index into array.
 * @old: Old value to test against.
 * @entry: New value to place in array.
 * @gfp: Memory allocation flags.
 *
 * The comparison is with the stored entry, so a reserved slot matches
 * XA_ZERO_ENTRY and not NULL.  Storing NULL erases, in allocating arrays
 * too (this is how xa_release() frees a reserved ID).
 *
 * Context: Any context.  Expects xa_lock to be held on entry.  May release
 * and reacquire xa_lock if @gfp flags permit.
 * Return: The old entry at this index (NULL if it was reserved) or an
 * xa_err() entry.
 */
void *__xa_cmpxchg(struct xarray *xa, unsigned long index, void *old,
		   void *entry, gfp_t gfp)
{
	struct xa_prealloc pre = { .nr = 0 };
	void *curr;
	int err;

	kshim_sched_point(KSHIM_PT_XARRAY, xa);
	lockdep_assert_held(&xa->xa_lock);
	if (xa_entry_bad(entry, __func__))
		return XA_ERROR(-EINVAL);

	for (;;) {
		unsigned int need = 0;

		xa_guard_lock(xa);
		curr = xa_lookup(xa, index);
		if (curr == old) {
			if (!entry) {
				xa_remove(xa, index);
			} else {
				need = xa_nodes_needed(xa, index);
				if (need <= pre.nr) {
					xa_put(xa, index, entry, &pre);
					need = 0;
				}
			}
		}
		xa_guard_unlock(xa);
		if (!need)
			break;
		err = xa_prealloc_fill(xa, &pre, need, gfp);
		if (err) {
			curr = XA_ERROR(err);
			break;
		}
	}
	xa_prealloc_drain(&pre);
	return xa_zero_to_null(curr);
}

/**
 * __xa_insert() - Store this entry in the XArray if no entry is present.
 * @xa: XArray.
 * @index: Index into array.
 * @entry: New entry; NULL reserves the index.
 * @gfp: Memory allocation flags.
 *
 * A reserved slot counts as present.
 *
 * Context: Any context.  Expects xa_lock to be held on entry.  May release
 * and reacquire xa_lock if @gfp flags permit.
 * Return: 0 if the store succeeded, -EBUSY if another entry was present,
 * -ENOMEM if memory could not be allocated, -EINVAL for an entry that
 * cannot be stored.
 */
int __xa_insert(struct xarray *xa, unsigned long index, void *entry,
		gfp_t gfp)
{
	struct xa_prealloc pre = { .nr = 0 };
	int err = 0;

	kshim_sched_point(KSHIM_PT_XARRAY, xa);
	lockdep_assert_held(&xa->xa_lock);
	if (xa_entry_bad(entry, __func__))
		return -EINVAL;
	if (!entry)
		entry = XA_ZERO_ENTRY;

	for (;;) {
		unsigned int need = 0;

		xa_guard_lock(xa);
		if (xa_lookup(xa, index)) {
			err = -EBUSY;
		} else {
			need = xa_nodes_needed(xa, index);
			if (need <= pre.nr) {
				xa_put(xa, index, entry, &pre);
				need = 0;
			}
		}
		xa_guard_unlock(xa);
		if (!need)
			break;
		err = xa_prealloc_fill(xa, &pre, need, gfp);
		if (err)
			break;
	}
	xa_prealloc_drain(&pre);
	return err;
}

/* Checks shared by __xa_alloc() and __xa_alloc_cyclic(). */
static int xa_alloc_check(const struct xarray *xa, const void *entry,
			  const char *op)
{
	if (xa_entry_bad(entry, op))
		return -EINVAL;
	if (WARN(!xa_track_free(xa), "%s: array is not an allocating array\n",
		 op))
		return -EINVAL;
	return 0;
}

/* The body of __xa_alloc(); the checks are done. */
static int xa_do_alloc(struct xarray *xa, u32 *id, void *entry,
		       struct xa_limit limit, gfp_t gfp)
{
	struct xa_prealloc pre = { .nr = 0 };
	int err = 0;

	if (!entry)
		entry = XA_ZERO_ENTRY;
	if (xa_zero_busy(xa) && !limit.min)
		limit.min = 1;

	for (;;) {
		unsigned long index;
		unsigned int need = 0;

		xa_guard_lock(xa);
		if (!xa_find_free(xa, limit.min, limit.max, &index)) {
			err = -EBUSY;
		} else {
			need = xa_nodes_needed(xa, index);
			if (need <= pre.nr) {
				/* The ID is written before the entry shows. */
				*id = index;
				xa_put(xa, index, entry, &pre);
				need = 0;
			}
		}
		xa_guard_unlock(xa);
		if (!need)
			break;
		err = xa_prealloc_fill(xa, &pre, need, gfp);
		if (err)
			break;
	}
	xa_prealloc_drain(&pre);
	return err;
}

/**
 * __xa_alloc() - Find somewhere to store this entry in the XArray.
 * @xa: XArray, initialised with XA_FLAGS_ALLOC or XA_FLAGS_ALLOC1.
 * @id: Where to write the new ID.
 * @entry: New entry; NULL reserves the ID.
 * @limit: Range for the allocated ID.
 * @gfp: Memory allocation flags.
 *
 * Stores @entry at the lowest free index within @limit (never 0 for
 * XA_FLAGS_ALLOC1) and writes that index to @id.
 *
 * Context: Any context.  Expects xa_lock to be held on entry.  May release
 * and reacquire xa_lock if @gfp flags permit.
 * Return: 0 on success, -ENOMEM if memory could not be allocated, -EBUSY if
 * there are no free entries in @limit, -EINVAL for an unsuitable array or
 * entry.
 */
int __xa_alloc(struct xarray *xa, u32 *id, void *entry,
	       struct xa_limit limit, gfp_t gfp)
{
	int err;

	kshim_sched_point(KSHIM_PT_XARRAY, xa);
	lockdep_assert_held(&xa->xa_lock);
	err = xa_alloc_check(xa, entry, __func__);
	if (err)
		return err;
	return xa_do_alloc(xa, id, entry, limit, gfp);
}

/**
 * __xa_alloc_cyclic() - Find somewhere to store this entry in the XArray.
 * @xa: XArray, initialised with XA_FLAGS_ALLOC or XA_FLAGS_ALLOC1.
 * @id: Where to write the new ID.
 * @entry: New entry; NULL reserves the ID.
 * @limit: Range of allocated ID.
 * @next: Pointer to the next ID to allocate.
 * @gfp: Memory allocation flags.
 *
 * Allocates the lowest free ID at or above *@next within @limit.  If that
 * fails (no free ID up there, or no memory) it tries again from the bottom
 * of @limit, which counts as wrapping.  Running past U32_MAX also counts:
 * it is remembered in the array and reported by the next allocation.  On
 * success *@next is set to one past the new ID.
 *
 * Context: Any context.  Expects xa_lock to be held on entry.  May release
 * and reacquire xa_lock if @gfp flags permit.
 * Return: 0 if the allocation succeeded without wrapping, 1 if it wrapped,
 * -ENOMEM if memory could not be allocated, -EBUSY if there are no free
 * entries in @limit, -EINVAL for an unsuitable array or entry.
 */
int __xa_alloc_cyclic(struct xarray *xa, u32 *id, void *entry,
		      struct xa_limit limit, u32 *next, gfp_t gfp)
{
	u32 min = limit.min;
	int ret;

	kshim_sched_point(KSHIM_PT_XARRAY, xa);
	lockdep_assert_held(&xa->xa_lock);
	ret = xa_alloc_check(xa, entry, __func__);
	if (ret)
		return ret;

	limit.min = max(min, *next);
	ret = xa_do_alloc(xa, id, entry, limit, gfp);
	if (ret == 0 && (xa->xa_flags & XA_FLAGS_ALLOC_WRAPPED)) {
		xa_flags_update(xa, 0, XA_FLAGS_ALLOC_WRAPPED);
		ret = 1;
	}
	if (ret < 0 && limit.min > min) {
		limit.min = min;
		ret = xa_do_alloc(xa, id, entry, limit, gfp);
		if (ret == 0)
			ret = 1;
	}
	if (ret >= 0) {
		*next = *id + 1;
		if (*next == 0)
			xa_flags_update(xa, XA_FLAGS_ALLOC_WRAPPED, 0);
	}
	return ret;
}

/**
 * xa_get_mark() - Inquire whether this mark is set on this entry.
 * @xa: XArray.
 * @index: Index of entry.
 * @mark: Mark number.
 *
 * Context: Any context.  Takes no lock; may be called with xa_lock held.
 * Return: True if the entry at @index has this mark set.  For the free mark
 * of an allocating array: whether @index is free.
 */
bool xa_get_mark(struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	struct xa_node *leaf;
	bool set;

	kshim_sched_point(KSHIM_PT_XARRAY, xa);
	if (WARN(mark > XA_MARK_MAX, "%s: no mark %u\n", __func__, mark))
		return false;
	xa_guard_lock(xa);
	leaf = xa_leaf(xa, index);
	if (leaf)
		set = leaf->marks[mark] & BIT(index & XA_CHUNK_MASK);
	else
		set = mark == XA_FREE_MARK && xa_track_free(xa);
	xa_guard_unlock(xa);
	return set;
}

/* Set or clear a caller's mark on a present entry; xa_lock held. */
static void xa_change_mark(struct xarray *xa, unsigned long index,
			   xa_mark_t mark, bool set)
{
	struct xa_node *leaf;
	unsigned int offset = index & XA_CHUNK_MASK;

	xa_guard_lock(xa);
	leaf = xa_leaf(xa, index);
	if (leaf && leaf->slots[offset])
		xa_mark_update(leaf, offset, mark, set);
	xa_guard_unlock(xa);
}

/**
 * __xa_set_mark() - Set this mark on this entry while locked.
 * @xa: XArray.
 * @index: Index of entry.
 * @mark: Mark number.
 *
 * Attempting to set a mark on a %NULL entry does not succeed.  A reserved
 * entry can be marked (and is still skipped by searches).
 *
 * Context: Any context.  Expects xa_lock to be held on entry.
 */
void __xa_set_mark(struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	kshim_sched_point(KSHIM_PT_XARRAY, xa);
	lockdep_assert_held(&xa->xa_lock);
	if (xa_mark_bad(xa, mark, __func__))
		return;
	xa_change_mark(xa, index, mark, true);
}

/**
 * __xa_clear_mark() - Clear this mark on this entry while locked.
 * @xa: XArray.
 * @index: Index of entry.
 * @mark: Mark number.
 *
 * Context: Any context.  Expects xa_lock to be held on entry.
 */
void __xa_clear_mark(struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	kshim_sched_point(KSHIM_PT_XARRAY, xa);
	lockdep_assert_held(&xa->xa_lock);
	if (xa_mark_bad(xa, mark, __func__))
		return;
	xa_change_mark(xa, index, mark, false);
}

/**
 * xa_set_mark() - Set this mark on this entry.
 * @xa: XArray.
 * @index: Index of entry.
 * @mark: Mark number.
 *
 * Attempting to set a mark on a %NULL entry does not succeed.
 *
 * Context: Process context.  Takes and releases the xa_lock.
 */
void xa_set_mark(struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	xa_lock(xa);
	__xa_set_mark(xa, index, mark);
	xa_unlock(xa);
}

/**
 * xa_clear_mark() - Clear this mark on this entry.
 * @xa: XArray.
 * @index: Index of entry.
 * @mark: Mark number.
 *
 * Clearing a mark always succeeds.
 *
 * Context: Process context.  Takes and releases the xa_lock.
 */
void xa_clear_mark(struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	xa_lock(xa);
	__xa_clear_mark(xa, index, mark);
	xa_unlock(xa);
}

/**
 * xa_find() - Search the XArray for an entry.
 * @xa: XArray.
 * @indexp: Pointer to an index.
 * @max: Maximum index to search to.
 * @filter: Selection criterion (a mark, or XA_PRESENT).
 *
 * Finds the entry in @xa with the lowest index at or above *@indexp and at
 * most @max that matches @filter.  Reserved slots are skipped.
 *
 * Context: Any context.  Takes no lock; may be called with xa_lock held.
 * Return: The entry, if found, with *@indexp set to its index; otherwise
 * %NULL with *@indexp unchanged.
 */
void *xa_find(struct xarray *xa, unsigned long *indexp, unsigned long max,
	      xa_mark_t filter)
{
	void *entry;

	kshim_sched_point(KSHIM_PT_XARRAY, xa);
	xa_guard_lock(xa);
	entry = xa_next(xa, *indexp, max, filter, indexp);
	xa_guard_unlock(xa);
	return entry;
}

/**
 * xa_find_after() - Search the XArray for a present entry.
 * @xa: XArray.
 * @indexp: Pointer to an index.
 * @max: Maximum index to search to.
 * @filter: Selection criterion (a mark, or XA_PRESENT).
 *
 * As xa_find(), but starting just above *@indexp: the step of the
 * xa_for_each() iterators.
 *
 * Context: Any context.  Takes no lock; may be called with xa_lock held.
 * Return: The entry, if found, with *@indexp set to its index; otherwise
 * %NULL with *@indexp unchanged.
 */
void *xa_find_after(struct xarray *xa, unsigned long *indexp,
		    unsigned long max, xa_mark_t filter)
{
	void *entry;

	kshim_sched_point(KSHIM_PT_XARRAY, xa);
	if (*indexp == ULONG_MAX)
		return NULL;
	xa_guard_lock(xa);
	entry = xa_next(xa, *indexp + 1, max, filter, indexp);
	xa_guard_unlock(xa);
	return entry;
}

/**
 * xa_extract() - Copy selected entries from the XArray into a normal array.
 * @xa: The source XArray to copy from.
 * @dst: The buffer to copy entries into.
 * @start: The first index in the XArray eligible to be selected.
 * @max: The last index in the XArray eligible to be selected.
 * @n: The maximum number of entries to copy.
 * @filter: Selection criterion (a mark, or XA_PRESENT).
 *
 * Copies up to @n entries matching @filter, in index order, skipping
 * reserved slots.  The copy is one consistent snapshot.
 *
 * Context: Any context.  Takes no lock; may be called with xa_lock held.
 * Return: The number of entries copied.
 */
unsigned int xa_extract(struct xarray *xa, void **dst, unsigned long start,
			unsigned long max, unsigned int n, xa_mark_t filter)
{
	unsigned int copied = 0;
	unsigned long index;

	kshim_sched_point(KSHIM_PT_XARRAY, xa);
	xa_guard_lock(xa);
	while (copied < n) {
		void *entry = xa_next(xa, start, max, filter, &index);

		if (!entry)
			break;
		dst[copied++] = entry;
		if (index >= max)
			break;
		start = index + 1;
	}
	xa_guard_unlock(xa);
	return copied;
}

/**
 * xa_destroy() - Free all internal data structures.
 * @xa: XArray.
 *
 * Frees every node; the entries themselves are the caller's.  The array is
 * left empty and may be used again.
 *
 * Context: Any context.  Takes and releases the xa_lock.
 */
void xa_destroy(struct xarray *xa)
{
	struct xa_node *root;
	unsigned long flags;

	kshim_sched_point(KSHIM_PT_XARRAY, xa);
	xa_lock_irqsave(xa, flags);
	xa_guard_lock(xa);
	root = xa_root(xa);
	xa->xa_head = NULL;
	xa_guard_unlock(xa);
	/* Detached: no reader can reach these nodes any more. */
	if (root)
		xa_free_nodes(root);
	xa_unlock_irqrestore(xa, flags);
}

/**
 * xa_empty() - Determine if an array has any present entries.
 * @xa: XArray.
 *
 * A reserved slot is an entry here, so the array is not empty.
 *
 * Context: Any context.
 * Return: %true if the array contains nothing at all.
 */
bool xa_empty(const struct xarray *xa)
{
	bool empty;

	kshim_sched_point(KSHIM_PT_XARRAY, xa);
	xa_guard_lock(xa);
	empty = !xa_root(xa);
	xa_guard_unlock(xa);
	return empty;
}

/**
 * xa_marked() - Inquire whether any entry in this array has a mark set.
 * @xa: Array.
 * @mark: Mark value, or XA_PRESENT.
 *
 * For the free mark of an allocating array: whether any index could still
 * be allocated.
 *
 * Context: Any context.
 * Return: %true if any entry has this mark set.
 */
bool xa_marked(const struct xarray *xa, xa_mark_t mark)
{
	struct xa_node *root;
	bool marked;

	kshim_sched_point(KSHIM_PT_XARRAY, xa);
	if (WARN(mark > XA_MARK_MAX && mark != XA_PRESENT, "%s: no mark %u\n",
		 __func__, mark))
		return false;
	xa_guard_lock(xa);
	root = xa_root(xa);
	if (mark == XA_PRESENT)
		marked = root;
	else if (mark == XA_FREE_MARK && xa_track_free(xa))
		marked = !root || xa_span_last(root->shift) != ULONG_MAX ||
			 root->marks[mark];
	else
		marked = root && root->marks[mark];
	xa_guard_unlock(xa);
	return marked;
}

/* What one node must look like; the first broken rule goes to @why. */
static long xa_check_node(const struct xarray *xa, const struct xa_node *node,
			  const struct xa_node *parent, unsigned int offset,
			  unsigned int shift, char *why, size_t len)
{
	unsigned long reach = xa_reachable_slots(shift);
	unsigned long used = 0;
	long nodes = 1, sub;
	unsigned int i;
	xa_mark_t mark;

	if (node->parent != parent || node->offset != offset ||
	    node->shift != shift) {
		snprintf(why, len, "node %p: parent/offset/shift %p/%u/%u, expected %p/%u/%u",
			 node, node->parent, node->offset, node->shift,
			 parent, offset, shift);
		return -EUCLEAN;
	}
	for (i = 0; i < XA_CHUNK_SIZE; i++)
		if (node->slots[i])
			used |= BIT(i);
	if (!used || used != node->present || (used & ~reach)) {
		snprintf(why, len, "node %p (shift %u): present %#lx, slots in use %#lx, reachable %#lx",
			 node, shift, node->present, used, reach);
		return -EUCLEAN;
	}
	for (mark = 0; mark < XA_MAX_MARKS; mark++) {
		bool free_mark = mark == XA_FREE_MARK && xa_track_free(xa);
		unsigned long want = 0;

		for (i = 0; i < XA_CHUNK_SIZE; i++) {
			const struct xa_node *child = node->slots[i];
			bool bit;

			if (!(reach & BIT(i)))
				continue;
			if (!shift)
				bit = free_mark ? !child :
				      (node->marks[mark] & BIT(i)) && child;
			else
				bit = child ? child->marks[mark] != 0 :
					      free_mark;
			if (bit)
				want |= BIT(i);
		}
		if (node->marks[mark] != want) {
			snprintf(why, len, "node %p (shift %u): mark %u is %#lx, expected %#lx",
				 node, shift, mark, node->marks[mark], want);
			return -EUCLEAN;
		}
	}
	for (i = 0; i < XA_CHUNK_SIZE; i++) {
		const void *slot = node->slots[i];

		if (!slot)
			continue;
		if (!shift) {
			if (xa_is_internal(slot) && !xa_is_zero(slot)) {
				snprintf(why, len, "node %p slot %u: internal entry %p",
					 node, i, slot);
				return -EUCLEAN;
			}
			continue;
		}
		sub = xa_check_node(xa, slot, node, i, shift - XA_CHUNK_SHIFT,
				    why, len);
		if (sub < 0)
			return sub;
		nodes += sub;
	}
	return nodes;
}

/**
 * kshim_xa_check() - Verify the tree behind an XArray.
 * @xa: XArray.
 * @height: If not NULL, set to the number of levels (0 when empty).
 *
 * A shim helper for tests.  Checks the parent links and levels, that no
 * node is empty, that the occupancy and mark summaries are exact at every
 * level (the free mark included), that only storable entries are stored
 * and that the root is no taller than needed.
 *
 * Context: Any context.  Takes no lock.
 * Return: the number of nodes, or -EUCLEAN after a WARN that names the
 * first broken invariant.
 */
long kshim_xa_check(struct xarray *xa, unsigned int *height)
{
	struct xa_node *root;
	char why[192] = "";
	long nodes = 0;

	xa_guard_lock(xa);
	root = xa_root(xa);
	if (height)
		*height = root ? root->shift / XA_CHUNK_SHIFT + 1 : 0;
	if (root) {
		if (root->shift % XA_CHUNK_SHIFT ||
		    (root->shift && root->present == BIT(0))) {
			snprintf(why, sizeof(why), "root %p (shift %u, present %#lx) is not minimal",
				 root, root->shift, root->present);
			nodes = -EUCLEAN;
		} else {
			nodes = xa_check_node(xa, root, NULL, 0, root->shift,
					      why, sizeof(why));
		}
	}
	xa_guard_unlock(xa);
	WARN(nodes < 0, "xarray %p: %s\n", xa, why);
	return nodes;
}
