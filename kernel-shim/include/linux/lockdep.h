/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/lockdep.h - lock classes, held-lock tracking and lock assertions.
 *
 * Contract
 *   Kept:    every lock embeds a struct lockdep_map; its class is the
 *            static struct lock_class_key of the init call site (so all
 *            iopt->iova_rwsem are one class, as in the kernel), with the
 *            _nested() subclass.  Each task keeps a stack of the locks it
 *            holds (read or write, trylock or not, where taken).
 *            lockdep_assert_held/_read/_write/_not_held and lockdep_is_held
 *            check that stack for real; a failed assertion is a WARN.
 *            Taking a lock adds class-order edges; a new edge that closes a
 *            cycle (AA, ABBA or longer, with rwsem read/write awareness) is
 *            reported as "possible circular locking dependency detected"
 *            without needing the deadlock to happen.
 *   Dropped: irq-state tracking (hardirq/softirq safe/unsafe classes): the
 *            simulator has no interrupt context; chain-hash caching beyond
 *            a per-edge "already validated" check.
 *   Added:   lock-held-at-thread-exit and lock-held-at-ioctl-return checks
 *            (kshim_lockdep_assert_none_held()), and lockdep_set_novalidate
 *            is honoured only through lockdep_set_class.
 */
#ifndef _KSHIM_LINUX_LOCKDEP_H
#define _KSHIM_LINUX_LOCKDEP_H

#include <linux/compiler.h>
#include <linux/types.h>

/* One per lock-initialisation site; its address is the class identity. */
struct lock_class_key {
	char __one_byte;
};

struct lock_class;

struct lockdep_map {
	struct lock_class_key *key;
	const char *name;
	struct lock_class *class_cache[8];	/* per subclass, filled lazily */
	unsigned long cache_gen;		/* world the cache belongs to */
	unsigned int kind;			/* enum kshim_lock_kind */
};

#define MAX_LOCKDEP_SUBCLASSES	8
#define SINGLE_DEPTH_NESTING	1

/* How a lock is held; also how an assertion asks. */
enum kshim_lock_kind {
	KSHIM_LOCK_MUTEX,
	KSHIM_LOCK_RWSEM,
	KSHIM_LOCK_SPIN,
	KSHIM_LOCK_OTHER,
};

enum {
	LOCK_STATE_UNKNOWN = -1,
	LOCK_STATE_NOT_HELD = 0,
	LOCK_STATE_HELD = 1,
};

#define KSHIM_HELD_ANY		(-1)
#define KSHIM_HELD_WRITE	0
#define KSHIM_HELD_READ		1

void lockdep_init_map(struct lockdep_map *map, const char *name,
		      struct lock_class_key *key, int subclass);

/*
 * Acquire/release hooks called by the lock implementations.  @read is 0 for
 * exclusive, 1 for shared; @trylock marks acquisitions that cannot block
 * (they are recorded but add no ordering edge).
 */
void kshim_lock_acquire(struct lockdep_map *map, unsigned int subclass,
			int trylock, int read, unsigned long ip);
/*
 * As kshim_lock_acquire(), exclusive and blocking, for a lock taken while
 * @nest is held (down_write_nest_lock(), mutex_lock_nest_lock()): several
 * locks of one class may be held that way without a recursion report,
 * since @nest serialises everyone who takes more than one.
 */
void kshim_lock_acquire_nest(struct lockdep_map *map, unsigned int subclass,
			     struct lockdep_map *nest, unsigned long ip);
void kshim_lock_release(struct lockdep_map *map, unsigned long ip);
/* Lock downgrade (rwsem write -> read) keeps the held entry. */
void kshim_lock_downgrade(struct lockdep_map *map, unsigned long ip);

/* 1 if the current task holds @map in mode @read (KSHIM_HELD_*). */
int kshim_lock_is_held(const struct lockdep_map *map, int read);
void kshim_lockdep_assert(const struct lockdep_map *map, int read,
			  bool want_held, const char *file, int line);
/* Report every lock the current task holds, titled @when; 0 if none. */
int kshim_lockdep_assert_none_held(const char *when);
/* Locks held by the current task. */
int kshim_lockdep_depth(void);

#define lockdep_is_held(lock)	kshim_lock_is_held(&(lock)->dep_map, \
						   KSHIM_HELD_ANY)
#define lockdep_assert_held(l)						\
	kshim_lockdep_assert(&(l)->dep_map, KSHIM_HELD_ANY, true,	\
			     __FILE__, __LINE__)
#define lockdep_assert_held_write(l)					\
	kshim_lockdep_assert(&(l)->dep_map, KSHIM_HELD_WRITE, true,	\
			     __FILE__, __LINE__)
#define lockdep_assert_held_read(l)					\
	kshim_lockdep_assert(&(l)->dep_map, KSHIM_HELD_READ, true,	\
			     __FILE__, __LINE__)
#define lockdep_assert_not_held(l)					\
	kshim_lockdep_assert(&(l)->dep_map, KSHIM_HELD_ANY, false,	\
			     __FILE__, __LINE__)
#define lockdep_assert_held_once(l) lockdep_assert_held(l)
#define lockdep_assert_none_held_once() \
	((void)kshim_lockdep_assert_none_held("lockdep_assert_none_held_once"))

#define lockdep_set_class(lock, k) \
	lockdep_init_map(&(lock)->dep_map, #k, k, 0)
#define lockdep_set_class_and_name(lock, k, n) \
	lockdep_init_map(&(lock)->dep_map, n, k, 0)

#endif /* _KSHIM_LINUX_LOCKDEP_H */
