/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/xarray.h - the XArray, a sparse array of pointers indexed by
 * unsigned long.
 *
 * Contract
 *   Kept:    the normal API with the kernel's names, signatures and return
 *            conventions: xa_load/xa_store/xa_erase/xa_insert/xa_cmpxchg,
 *            xa_reserve/xa_release, xa_alloc/xa_alloc_cyclic with struct
 *            xa_limit, the three marks, xa_find/xa_find_after/xa_extract
 *            and the xa_for_each* iterators, xa_empty, xa_marked,
 *            xa_destroy, the _bh/_irq wrappers, the xa_lock macros and the
 *            __xa_* variants for callers holding xa_lock.  The entry
 *            encoding is the kernel's: 4-byte aligned pointers, value
 *            entries (bit 0 set), internal entries ending in binary 10 (the
 *            zero entry, and the errors decoded by xa_err()).  A zero entry
 *            reads as NULL but occupies its slot: xa_insert() sees it as
 *            busy, searches skip it, xa_empty() is false.  Allocating arrays
 *            keep XA_MARK_0 as the free mark, hand out the lowest free ID
 *            in the limit (never 0 with XA_FLAGS_ALLOC1) and wrap as the
 *            kernel's xa_alloc_cyclic() does, returning 1.  A locked
 *            operation that needs memory drops xa_lock around the
 *            allocation when the gfp may block and keeps it for an atomic
 *            gfp.  Underneath is a radix tree of XA_CHUNK_SIZE-slot nodes
 *            whose mark and free summaries are exact at every level, so
 *            each operation, marked search and free-ID search is O(log n).
 *   Dropped: the advanced xas_* API and multi-index entries (xa_store_range,
 *            orders, siblings); RCU (see the guard below).  The kernel
 *            first tries a GFP_NOWAIT node allocation under the lock and
 *            falls back to the caller's gfp only if that fails; the shim
 *            always takes the fallback path, which is one of the kernel's
 *            own executions: every node is one allocation (one fault
 *            point) with the caller's gfp, and a blocking gfp always drops
 *            the lock.  The m68k allowance for 2-byte aligned pointers: an
 *            entry ending in binary 10 is refused unless it is
 *            XA_ZERO_ENTRY.
 *   Added:   storing an internal entry (an error, a pointer that is not
 *            4-byte aligned) WARNs and fails with -EINVAL every time, not
 *            only for the kernel's "advanced" entries; a mark number that
 *            does not exist, or XA_MARK_0 set or cleared by the caller of an
 *            allocating array, WARNs instead of corrupting the summaries.
 *            The __xa_* variants assert xa_lock with lockdep, and the plain
 *            wrappers that may allocate (xa_store too) check might_sleep()
 *            for a blocking gfp even when no node turns out to be needed.
 *            Every operation passes one scheduling point
 *            (KSHIM_PT_XARRAY), right after taking xa_lock if it takes it.
 *            Nodes come from kzalloc(), so they are counted, leak-checked
 *            and fault points.  struct xarray carries a guard
 *            (kshim/exec.h) taken by readers and around every change to the
 *            tree, so lockless readers (xa_load, xa_find, ...) never see a
 *            half-made change or a freed node, as RCU guarantees in the
 *            kernel; it is never held across a scheduling point and lockdep
 *            does not see it.  kshim_xa_check() verifies the tree for
 *            tests.  With CONFIG_KSHIM_XA_SMALL_NODES nodes have 4 slots
 *            instead of 64, so tests reach deep trees with few entries.
 */
#ifndef _KSHIM_LINUX_XARRAY_H
#define _KSHIM_LINUX_XARRAY_H

#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <kshim/exec.h>

/*
 * Entry encoding, by the two low bits:
 *
 *   00  a pointer (the caller's object, at least 4-byte aligned)
 *   x1  a value entry (an integer shifted up by one) or a tagged pointer
 *   10  an internal entry: XA_ZERO_ENTRY, XA_RETRY_ENTRY or an error
 *
 * Only pointers, value entries and XA_ZERO_ENTRY may be stored.
 */

#define BITS_PER_XA_VALUE	(BITS_PER_LONG - 1)

/**
 * xa_mk_value() - Make an XArray entry from an integer.
 * @v: The integer, at most LONG_MAX.
 *
 * Return: an entry that can be stored; xa_to_value() gives @v back.
 */
static inline void *xa_mk_value(unsigned long v)
{
	WARN_ON((long)v < 0);
	return (void *)((v << 1) | 1);
}

/**
 * xa_to_value() - The integer in a value entry.
 * @entry: An entry made by xa_mk_value().
 *
 * Return: the integer.
 */
static inline unsigned long xa_to_value(const void *entry)
{
	return (unsigned long)entry >> 1;
}

/**
 * xa_is_value() - Whether an entry is a value entry.
 * @entry: An XArray entry.
 *
 * Return: true if @entry was made by xa_mk_value().
 */
static inline bool xa_is_value(const void *entry)
{
	return (unsigned long)entry & 1;
}

/**
 * xa_tag_pointer() - Store a 2-bit tag in the low bits of a pointer.
 * @p: A pointer aligned to at least 4 bytes.
 * @tag: 0, 1 or 3 (2 would make an internal entry).
 *
 * Return: the tagged pointer, storable as long as @tag is not 2.
 */
static inline void *xa_tag_pointer(void *p, unsigned long tag)
{
	return (void *)((unsigned long)p | tag);
}

/**
 * xa_untag_pointer() - The pointer inside a tagged pointer.
 * @entry: A value made by xa_tag_pointer().
 *
 * Return: the pointer with the tag bits cleared.
 */
static inline void *xa_untag_pointer(void *entry)
{
	return (void *)((unsigned long)entry & ~3UL);
}

/**
 * xa_pointer_tag() - The tag of a tagged pointer.
 * @entry: A value made by xa_tag_pointer().
 *
 * Return: the two low bits of @entry.
 */
static inline unsigned int xa_pointer_tag(void *entry)
{
	return (unsigned long)entry & 3UL;
}

/* Internal entries: the XArray's own values, never the caller's objects. */
static inline void *xa_mk_internal(unsigned long v)
{
	return (void *)((v << 2) | 2);
}

static inline unsigned long xa_to_internal(const void *entry)
{
	return (unsigned long)entry >> 2;
}

static inline bool xa_is_internal(const void *entry)
{
	return ((unsigned long)entry & 3) == 2;
}

/* Returned by readers that raced with a writer in the kernel (not here). */
#define XA_RETRY_ENTRY		xa_mk_internal(256)
/* Occupies a slot but reads as NULL: a reservation. */
#define XA_ZERO_ENTRY		xa_mk_internal(257)

/**
 * xa_is_zero() - Whether an entry is the zero entry.
 * @entry: An XArray entry.
 *
 * Return: true if @entry is XA_ZERO_ENTRY.
 */
static inline bool xa_is_zero(const void *entry)
{
	return unlikely(entry == XA_ZERO_ENTRY);
}

static inline bool xa_is_retry(const void *entry)
{
	return unlikely(entry == XA_RETRY_ENTRY);
}

/* Internal entries the kernel reserves for its advanced API. */
static inline bool xa_is_advanced(const void *entry)
{
	return xa_is_internal(entry) && entry <= XA_RETRY_ENTRY;
}

/* An error as an internal entry: -errno shifted up by two. */
#define XA_ERROR(errno)		xa_mk_internal((unsigned long)(long)(errno))

/**
 * xa_is_err() - Whether an entry returned by the XArray is an error.
 * @entry: The return value of xa_store(), xa_erase(), xa_cmpxchg() ...
 *
 * Return: true if @entry encodes an errno.
 */
static inline bool xa_is_err(const void *entry)
{
	return unlikely(xa_is_internal(entry) &&
			(unsigned long)entry >= -((MAX_ERRNO << 2) + 2));
}

/**
 * xa_err() - The errno in an entry returned by the XArray.
 * @entry: The return value of xa_store(), xa_erase(), xa_cmpxchg() ...
 *
 * Return: the negative errno encoded in @entry, or 0 if it is not an error.
 */
static inline int xa_err(void *entry)
{
	if (xa_is_err(entry))
		return (long)entry >> 2;
	return 0;
}

/*
 * Marks.  Every present entry has XA_MAX_MARKS independent mark bits.  An
 * allocating array uses XA_MARK_0 itself, as XA_FREE_MARK, to find free
 * indices; only XA_MARK_1 and XA_MARK_2 are the caller's there.  XA_PRESENT
 * is not a mark but a search filter meaning "any entry".
 */
typedef unsigned int xa_mark_t;

#define XA_MARK_0		((xa_mark_t)0U)
#define XA_MARK_1		((xa_mark_t)1U)
#define XA_MARK_2		((xa_mark_t)2U)
#define XA_PRESENT		((xa_mark_t)8U)
#define XA_MARK_MAX		XA_MARK_2
#define XA_FREE_MARK		XA_MARK_0
#define XA_MAX_MARKS		3

enum xa_lock_type {
	XA_LOCK_IRQ = 1,
	XA_LOCK_BH = 2,
};

/*
 * xa_flags.  The lock type is recorded (all spinlock flavours are one
 * spinlock in the shim); XA_FLAGS_ACCOUNT adds __GFP_ACCOUNT to every node
 * allocation; TRACK_FREE makes XA_MARK_0 the free mark; ZERO_BUSY keeps
 * index 0 from ever being allocated; ALLOC_WRAPPED is xa_alloc_cyclic()'s
 * memory of having run past U32_MAX.
 */
#define XA_FLAGS_LOCK_IRQ	((gfp_t)XA_LOCK_IRQ)
#define XA_FLAGS_LOCK_BH	((gfp_t)XA_LOCK_BH)
#define XA_FLAGS_TRACK_FREE	((gfp_t)4U)
#define XA_FLAGS_ZERO_BUSY	((gfp_t)8U)
#define XA_FLAGS_ALLOC_WRAPPED	((gfp_t)16U)
#define XA_FLAGS_ACCOUNT	((gfp_t)32U)
#define XA_FLAGS_ALLOC		(XA_FLAGS_TRACK_FREE)
#define XA_FLAGS_ALLOC1		(XA_FLAGS_TRACK_FREE | XA_FLAGS_ZERO_BUSY)

/*
 * Tree geometry.  A node has XA_CHUNK_SIZE slots; the index bits are
 * consumed XA_CHUNK_SHIFT at a time from the top.  The small-node build
 * exists for tests (see kernel-shim/CMakeLists.txt).
 */
#ifdef CONFIG_KSHIM_XA_SMALL_NODES
#define XA_CHUNK_SHIFT		2
#else
#define XA_CHUNK_SHIFT		6
#endif
#define XA_CHUNK_SIZE		(1UL << XA_CHUNK_SHIFT)
#define XA_CHUNK_MASK		(XA_CHUNK_SIZE - 1)
#define XA_MARK_LONGS		BITS_TO_LONGS(XA_CHUNK_SIZE)
/* Levels needed for the whole index space. */
#define XA_MAX_HEIGHT		DIV_ROUND_UP(BITS_PER_LONG, XA_CHUNK_SHIFT)

/**
 * struct xarray - The anchor of an XArray.
 * @xa_lock: Serialises writers; the caller may hold it around several
 *           operations and use the __xa_* variants.
 * @xa_flags: XA_FLAGS_* chosen at initialisation, plus ALLOC_WRAPPED.
 * @xa_head: The root node, or NULL when the array is empty.
 * @xa_guard: Shim only: taken by readers and around every change to the
 *            tree so that readers need not hold @xa_lock.  Kernel-style
 *            code never touches it.
 */
struct xarray {
	spinlock_t xa_lock;
	gfp_t xa_flags;
	void *xa_head;
	struct kshim_guard xa_guard;
};

/*
 * A statically initialised xa_lock.  Like the kernel's lockdep for static
 * locks, the class key is the address of the object itself.  The all-zero
 * guard is an unlocked host mutex.
 */
#define __XA_LOCK_UNLOCKED(xa_name) {					\
	.guard = { { 0 } },						\
	.owner = NULL,							\
	.waiters = LIST_HEAD_INIT((xa_name).xa_lock.waiters),		\
	.dep_map = {							\
		.key = (struct lock_class_key *)&(xa_name),		\
		.name = #xa_name ".xa_lock",				\
		.kind = KSHIM_LOCK_SPIN,				\
	},								\
}

#define XARRAY_INIT(name, flags) {					\
	.xa_lock = __XA_LOCK_UNLOCKED(name),				\
	.xa_flags = (flags),						\
	.xa_head = NULL,						\
	.xa_guard = { { 0 } },						\
}

/**
 * DEFINE_XARRAY_FLAGS() - Define an XArray with custom flags.
 * @name: A string that names your XArray.
 * @flags: XA_FLAG values.
 */
#define DEFINE_XARRAY_FLAGS(name, flags)				\
	struct xarray name = XARRAY_INIT(name, flags)

/**
 * DEFINE_XARRAY() - Define an XArray.
 * @name: A string that names your XArray.
 */
#define DEFINE_XARRAY(name) DEFINE_XARRAY_FLAGS(name, 0)

/**
 * DEFINE_XARRAY_ALLOC() - Define an XArray which allocates IDs starting at 0.
 * @name: A string that names your XArray.
 */
#define DEFINE_XARRAY_ALLOC(name) DEFINE_XARRAY_FLAGS(name, XA_FLAGS_ALLOC)

/**
 * DEFINE_XARRAY_ALLOC1() - Define an XArray which allocates IDs starting at 1.
 * @name: A string that names your XArray.
 */
#define DEFINE_XARRAY_ALLOC1(name) DEFINE_XARRAY_FLAGS(name, XA_FLAGS_ALLOC1)

/**
 * xa_init_flags() - Initialise an empty XArray with flags.
 * @xa: XArray.
 * @flags: XA_FLAG values.
 *
 * As in the kernel this is an inline function, so its xa_lock class is
 * per translation unit.
 *
 * Context: Any context.
 */
static inline void xa_init_flags(struct xarray *xa, gfp_t flags)
{
	spin_lock_init(&xa->xa_lock);
	kshim_guard_init(&xa->xa_guard);
	xa->xa_flags = flags;
	xa->xa_head = NULL;
}

/**
 * xa_init() - Initialise an empty XArray.
 * @xa: XArray.
 *
 * Context: Any context.
 */
static inline void xa_init(struct xarray *xa)
{
	xa_init_flags(xa, 0);
}

/**
 * struct xa_limit - Represents a range of IDs.
 * @min: The lowest ID to allocate (inclusive).
 * @max: The maximum ID to allocate (inclusive).
 */
struct xa_limit {
	u32 max;
	u32 min;
};

#define XA_LIMIT(_min, _max) (struct xa_limit) { .min = _min, .max = _max }

#define xa_limit_32b	XA_LIMIT(0, UINT_MAX)
#define xa_limit_31b	XA_LIMIT(0, INT_MAX)
#define xa_limit_16b	XA_LIMIT(0, USHRT_MAX)

/* The normal API; each function takes xa_lock itself where it must. */
void *xa_load(struct xarray *xa, unsigned long index);
void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
void *xa_erase(struct xarray *xa, unsigned long index);
bool xa_get_mark(struct xarray *xa, unsigned long index, xa_mark_t mark);
void xa_set_mark(struct xarray *xa, unsigned long index, xa_mark_t mark);
void xa_clear_mark(struct xarray *xa, unsigned long index, xa_mark_t mark);
void *xa_find(struct xarray *xa, unsigned long *indexp, unsigned long max,
	      xa_mark_t filter);
void *xa_find_after(struct xarray *xa, unsigned long *indexp,
		    unsigned long max, xa_mark_t filter);
unsigned int xa_extract(struct xarray *xa, void **dst, unsigned long start,
			unsigned long max, unsigned int n, xa_mark_t filter);
void xa_destroy(struct xarray *xa);
bool xa_empty(const struct xarray *xa);
bool xa_marked(const struct xarray *xa, xa_mark_t mark);

/* The same operations for callers that hold xa_lock. */
void *__xa_erase(struct xarray *xa, unsigned long index);
void *__xa_store(struct xarray *xa, unsigned long index, void *entry,
		 gfp_t gfp);
void *__xa_cmpxchg(struct xarray *xa, unsigned long index, void *old,
		   void *entry, gfp_t gfp);
int __must_check __xa_insert(struct xarray *xa, unsigned long index,
			     void *entry, gfp_t gfp);
int __must_check __xa_alloc(struct xarray *xa, u32 *id, void *entry,
			    struct xa_limit limit, gfp_t gfp);
int __must_check __xa_alloc_cyclic(struct xarray *xa, u32 *id, void *entry,
				   struct xa_limit limit, u32 *next, gfp_t gfp);
void __xa_set_mark(struct xarray *xa, unsigned long index, xa_mark_t mark);
void __xa_clear_mark(struct xarray *xa, unsigned long index, xa_mark_t mark);

/*
 * Shim helper for tests: check every invariant of the tree behind @xa (the
 * summaries, the parent links, no empty node, a minimal root).  Returns the
 * number of nodes and, through @height, the number of levels; a broken
 * invariant is a WARN and -EUCLEAN.
 */
long kshim_xa_check(struct xarray *xa, unsigned int *height);

#define xa_trylock(xa)		spin_trylock(&(xa)->xa_lock)
#define xa_lock(xa)		spin_lock(&(xa)->xa_lock)
#define xa_unlock(xa)		spin_unlock(&(xa)->xa_lock)
#define xa_lock_bh(xa)		spin_lock_bh(&(xa)->xa_lock)
#define xa_unlock_bh(xa)	spin_unlock_bh(&(xa)->xa_lock)
#define xa_lock_irq(xa)		spin_lock_irq(&(xa)->xa_lock)
#define xa_unlock_irq(xa)	spin_unlock_irq(&(xa)->xa_lock)
#define xa_lock_irqsave(xa, flags) \
				spin_lock_irqsave(&(xa)->xa_lock, flags)
#define xa_unlock_irqrestore(xa, flags) \
				spin_unlock_irqrestore(&(xa)->xa_lock, flags)
#define xa_lock_nested(xa, subclass) \
				spin_lock_nested(&(xa)->xa_lock, subclass)
#define xa_lock_bh_nested(xa, subclass) \
				spin_lock_nested(&(xa)->xa_lock, subclass)
#define xa_lock_irq_nested(xa, subclass) \
				spin_lock_nested(&(xa)->xa_lock, subclass)
#define xa_lock_irqsave_nested(xa, flags, subclass)			\
	do {								\
		(flags) = 0;						\
		spin_lock_nested(&(xa)->xa_lock, subclass);		\
	} while (0)

/*
 * What the kernel's might_alloc() checks: a gfp that may block must not be
 * used in atomic context, whether or not memory turns out to be needed.
 */
#define __xa_might_alloc(gfp) might_sleep_if(gfpflags_allow_blocking(gfp))

/**
 * xa_store_bh() - Store this entry in the XArray (softirq-safe lock).
 * @xa: XArray.
 * @index: Index into array.
 * @entry: New entry.
 * @gfp: Memory allocation flags.
 *
 * Return: as xa_store().
 */
static inline void *xa_store_bh(struct xarray *xa, unsigned long index,
				void *entry, gfp_t gfp)
{
	void *curr;

	__xa_might_alloc(gfp);
	xa_lock_bh(xa);
	curr = __xa_store(xa, index, entry, gfp);
	xa_unlock_bh(xa);
	return curr;
}

/**
 * xa_store_irq() - Store this entry in the XArray (irq-safe lock).
 * @xa: XArray.
 * @index: Index into array.
 * @entry: New entry.
 * @gfp: Memory allocation flags.
 *
 * Return: as xa_store().
 */
static inline void *xa_store_irq(struct xarray *xa, unsigned long index,
				 void *entry, gfp_t gfp)
{
	void *curr;

	__xa_might_alloc(gfp);
	xa_lock_irq(xa);
	curr = __xa_store(xa, index, entry, gfp);
	xa_unlock_irq(xa);
	return curr;
}

/**
 * xa_erase_bh() - Erase this entry from the XArray (softirq-safe lock).
 * @xa: XArray.
 * @index: Index of entry.
 *
 * Return: the entry which used to be at this index.
 */
static inline void *xa_erase_bh(struct xarray *xa, unsigned long index)
{
	void *entry;

	xa_lock_bh(xa);
	entry = __xa_erase(xa, index);
	xa_unlock_bh(xa);
	return entry;
}

/**
 * xa_erase_irq() - Erase this entry from the XArray (irq-safe lock).
 * @xa: XArray.
 * @index: Index of entry.
 *
 * Return: the entry which used to be at this index.
 */
static inline void *xa_erase_irq(struct xarray *xa, unsigned long index)
{
	void *entry;

	xa_lock_irq(xa);
	entry = __xa_erase(xa, index);
	xa_unlock_irq(xa);
	return entry;
}

/**
 * xa_cmpxchg() - Conditionally replace an entry in the XArray.
 * @xa: XArray.
 * @index: Index into array.
 * @old: Old value to test against.
 * @entry: New value to place in array.
 * @gfp: Memory allocation flags.
 *
 * If the entry at @index is @old (compared as stored, so a reserved slot
 * matches XA_ZERO_ENTRY, not NULL), replace it with @entry; storing NULL
 * erases.  Takes and releases xa_lock.
 *
 * Return: the old entry at @index (NULL for a reserved slot), whether or not
 * it was replaced, or an xa_err() entry.
 */
static inline void *xa_cmpxchg(struct xarray *xa, unsigned long index,
			       void *old, void *entry, gfp_t gfp)
{
	void *curr;

	__xa_might_alloc(gfp);
	xa_lock(xa);
	curr = __xa_cmpxchg(xa, index, old, entry, gfp);
	xa_unlock(xa);
	return curr;
}

static inline void *xa_cmpxchg_bh(struct xarray *xa, unsigned long index,
				  void *old, void *entry, gfp_t gfp)
{
	void *curr;

	__xa_might_alloc(gfp);
	xa_lock_bh(xa);
	curr = __xa_cmpxchg(xa, index, old, entry, gfp);
	xa_unlock_bh(xa);
	return curr;
}

static inline void *xa_cmpxchg_irq(struct xarray *xa, unsigned long index,
				   void *old, void *entry, gfp_t gfp)
{
	void *curr;

	__xa_might_alloc(gfp);
	xa_lock_irq(xa);
	curr = __xa_cmpxchg(xa, index, old, entry, gfp);
	xa_unlock_irq(xa);
	return curr;
}

/**
 * xa_insert() - Store this entry in the XArray unless another entry is
 *		 already present.
 * @xa: XArray.
 * @index: Index into array.
 * @entry: New entry; NULL reserves the slot.
 * @gfp: Memory allocation flags.
 *
 * A reserved (zero) entry counts as present.
 *
 * Return: 0 if the store succeeded, -EBUSY if another entry was present,
 * -ENOMEM if memory could not be allocated, -EINVAL for an entry that
 * cannot be stored.
 */
static inline int __must_check xa_insert(struct xarray *xa,
					 unsigned long index, void *entry,
					 gfp_t gfp)
{
	int err;

	__xa_might_alloc(gfp);
	xa_lock(xa);
	err = __xa_insert(xa, index, entry, gfp);
	xa_unlock(xa);
	return err;
}

static inline int __must_check xa_insert_bh(struct xarray *xa,
					    unsigned long index, void *entry,
					    gfp_t gfp)
{
	int err;

	__xa_might_alloc(gfp);
	xa_lock_bh(xa);
	err = __xa_insert(xa, index, entry, gfp);
	xa_unlock_bh(xa);
	return err;
}

static inline int __must_check xa_insert_irq(struct xarray *xa,
					     unsigned long index, void *entry,
					     gfp_t gfp)
{
	int err;

	__xa_might_alloc(gfp);
	xa_lock_irq(xa);
	err = __xa_insert(xa, index, entry, gfp);
	xa_unlock_irq(xa);
	return err;
}

/**
 * xa_alloc() - Find somewhere to store this entry in the XArray.
 * @xa: XArray, initialised with XA_FLAGS_ALLOC or XA_FLAGS_ALLOC1.
 * @id: Where to write the allocated ID.
 * @entry: New entry; NULL reserves the ID.
 * @limit: Range of ID to allocate.
 * @gfp: Memory allocation flags.
 *
 * Stores @entry at the lowest free index within @limit and writes that
 * index to @id.
 *
 * Return: 0 on success, -ENOMEM if memory could not be allocated, -EBUSY if
 * there are no free entries in @limit, -EINVAL for an unsuitable array or
 * entry.
 */
static inline __must_check int xa_alloc(struct xarray *xa, u32 *id,
					void *entry, struct xa_limit limit,
					gfp_t gfp)
{
	int err;

	__xa_might_alloc(gfp);
	xa_lock(xa);
	err = __xa_alloc(xa, id, entry, limit, gfp);
	xa_unlock(xa);
	return err;
}

static inline __must_check int xa_alloc_bh(struct xarray *xa, u32 *id,
					   void *entry, struct xa_limit limit,
					   gfp_t gfp)
{
	int err;

	__xa_might_alloc(gfp);
	xa_lock_bh(xa);
	err = __xa_alloc(xa, id, entry, limit, gfp);
	xa_unlock_bh(xa);
	return err;
}

static inline __must_check int xa_alloc_irq(struct xarray *xa, u32 *id,
					    void *entry, struct xa_limit limit,
					    gfp_t gfp)
{
	int err;

	__xa_might_alloc(gfp);
	xa_lock_irq(xa);
	err = __xa_alloc(xa, id, entry, limit, gfp);
	xa_unlock_irq(xa);
	return err;
}

/**
 * xa_alloc_cyclic() - Find somewhere to store this entry in the XArray.
 * @xa: XArray, initialised with XA_FLAGS_ALLOC or XA_FLAGS_ALLOC1.
 * @id: Where to write the allocated ID.
 * @entry: New entry; NULL reserves the ID.
 * @limit: Range of allocated ID.
 * @next: Pointer to the next ID to allocate.
 * @gfp: Memory allocation flags.
 *
 * Allocates the lowest free ID at or above *@next within @limit; when there
 * is none (or that attempt fails), retries from the bottom of @limit.
 * *@next is left one past the ID handed out.
 *
 * Return: 0 if the allocation succeeded without wrapping, 1 if it wrapped,
 * -ENOMEM if memory could not be allocated, -EBUSY if there are no free
 * entries in @limit.
 */
static inline int xa_alloc_cyclic(struct xarray *xa, u32 *id, void *entry,
				  struct xa_limit limit, u32 *next, gfp_t gfp)
{
	int err;

	__xa_might_alloc(gfp);
	xa_lock(xa);
	err = __xa_alloc_cyclic(xa, id, entry, limit, next, gfp);
	xa_unlock(xa);
	return err;
}

static inline int xa_alloc_cyclic_bh(struct xarray *xa, u32 *id, void *entry,
				     struct xa_limit limit, u32 *next,
				     gfp_t gfp)
{
	int err;

	__xa_might_alloc(gfp);
	xa_lock_bh(xa);
	err = __xa_alloc_cyclic(xa, id, entry, limit, next, gfp);
	xa_unlock_bh(xa);
	return err;
}

static inline int xa_alloc_cyclic_irq(struct xarray *xa, u32 *id,
				      void *entry, struct xa_limit limit,
				      u32 *next, gfp_t gfp)
{
	int err;

	__xa_might_alloc(gfp);
	xa_lock_irq(xa);
	err = __xa_alloc_cyclic(xa, id, entry, limit, next, gfp);
	xa_unlock_irq(xa);
	return err;
}

/**
 * xa_reserve() - Reserve this index in the XArray.
 * @xa: XArray.
 * @index: Index into array.
 * @gfp: Memory allocation flags.
 *
 * Makes a later store at @index need no memory.  Readers see NULL there
 * until something is stored; an occupied index is left alone.
 *
 * Return: 0 if the reservation succeeded (or the index was occupied),
 * -ENOMEM if it could not allocate memory.
 */
static inline __must_check int xa_reserve(struct xarray *xa,
					  unsigned long index, gfp_t gfp)
{
	return xa_err(xa_cmpxchg(xa, index, NULL, XA_ZERO_ENTRY, gfp));
}

static inline __must_check int xa_reserve_bh(struct xarray *xa,
					     unsigned long index, gfp_t gfp)
{
	return xa_err(xa_cmpxchg_bh(xa, index, NULL, XA_ZERO_ENTRY, gfp));
}

static inline __must_check int xa_reserve_irq(struct xarray *xa,
					      unsigned long index, gfp_t gfp)
{
	return xa_err(xa_cmpxchg_irq(xa, index, NULL, XA_ZERO_ENTRY, gfp));
}

/**
 * xa_release() - Release a reserved entry.
 * @xa: XArray.
 * @index: Index of entry.
 *
 * Undoes xa_reserve() if nothing was stored at @index since.
 */
static inline void xa_release(struct xarray *xa, unsigned long index)
{
	xa_cmpxchg(xa, index, XA_ZERO_ENTRY, NULL, 0);
}

/**
 * xa_for_each_range() - Iterate over a portion of an XArray.
 * @xa: XArray.
 * @index: Index of @entry (an unsigned long).
 * @entry: Entry retrieved from array.
 * @start: First index to retrieve from array.
 * @last: Last index to retrieve from array.
 *
 * Visits the present entries in index order, skipping reserved slots.  The
 * array may be modified during the walk; every step is a fresh search.
 */
#define xa_for_each_range(xa, index, entry, start, last)		\
	for (index = start,						\
	     entry = xa_find(xa, &index, last, XA_PRESENT);		\
	     entry;							\
	     entry = xa_find_after(xa, &index, last, XA_PRESENT))

/**
 * xa_for_each_start() - Iterate over a portion of an XArray.
 * @xa: XArray.
 * @index: Index of @entry.
 * @entry: Entry retrieved from array.
 * @start: First index to retrieve from array.
 */
#define xa_for_each_start(xa, index, entry, start)			\
	xa_for_each_range(xa, index, entry, start, ULONG_MAX)

/**
 * xa_for_each() - Iterate over present entries in an XArray.
 * @xa: XArray.
 * @index: Index of @entry.
 * @entry: Entry retrieved from array.
 */
#define xa_for_each(xa, index, entry)					\
	xa_for_each_start(xa, index, entry, 0)

/**
 * xa_for_each_marked() - Iterate over marked entries in an XArray.
 * @xa: XArray.
 * @index: Index of @entry.
 * @entry: Entry retrieved from array.
 * @filter: Selection criterion (a mark, or XA_PRESENT).
 */
#define xa_for_each_marked(xa, index, entry, filter)			\
	for (index = 0, entry = xa_find(xa, &index, ULONG_MAX, filter);	\
	     entry; entry = xa_find_after(xa, &index, ULONG_MAX, filter))

#endif /* _KSHIM_LINUX_XARRAY_H */
