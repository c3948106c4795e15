/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/spinlock.h - spinning locks and atomic context.
 *
 * Contract
 *   Kept:    spin_lock/unlock, the _irq/_irqsave/_bh variants (the irq
 *            flags are saved and restored but no interrupts exist),
 *            spin_trylock, assert_spin_locked, spin_is_locked; holding a
 *            spinlock is atomic context: sleeping in it (mutex_lock,
 *            GFP_KERNEL allocation, waits) is reported as
 *            "BUG: sleeping function called from invalid context".
 *   Dropped: actual spinning.  A contended spinlock parks the waiter like a
 *            mutex does; in controlled mode that is what lets the
 *            scheduler see who waits for whom.
 *   Added:   owner tracking, for reports.
 */
#ifndef _KSHIM_LINUX_SPINLOCK_H
#define _KSHIM_LINUX_SPINLOCK_H

#include <linux/list.h>
#include <linux/lockdep.h>
#include <kshim/exec.h>

typedef struct spinlock {
	struct kshim_guard guard;
	struct task_struct *owner;
	struct list_head waiters;
	struct lockdep_map dep_map;
} spinlock_t;

void __spin_lock_init(spinlock_t *lock, const char *name,
		      struct lock_class_key *key);

#define spin_lock_init(lock)						\
	do {								\
		static struct lock_class_key __key;			\
		__spin_lock_init((lock), #lock, &__key);		\
	} while (0)

void spin_lock(spinlock_t *lock);
void spin_lock_nested(spinlock_t *lock, int subclass);
int spin_trylock(spinlock_t *lock);
void spin_unlock(spinlock_t *lock);
bool spin_is_locked(spinlock_t *lock);
/* Shim helper: destroy the guard; the lock must be free. */
void kshim_spin_lock_destroy(spinlock_t *lock);

#define spin_lock_irq(l)		spin_lock(l)
#define spin_unlock_irq(l)		spin_unlock(l)
#define spin_lock_bh(l)			spin_lock(l)
#define spin_unlock_bh(l)		spin_unlock(l)
#define spin_lock_irqsave(l, flags)	do { (flags) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, flags) do { (void)(flags); spin_unlock(l); } while (0)
#define assert_spin_locked(l)		lockdep_assert_held(l)

#endif /* _KSHIM_LINUX_SPINLOCK_H */
