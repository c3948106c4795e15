/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/mmap_lock.h - the address-space lock of an mm.
 *
 * Contract
 *   Kept:    mmap_read_lock/mmap_read_unlock/mmap_read_trylock,
 *            mmap_write_lock/mmap_write_unlock/mmap_write_downgrade,
 *            the _killable variants and mmap_assert_locked /
 *            mmap_assert_write_locked, all on mm->mmap_lock, a real
 *            rw_semaphore (a queued writer blocks new readers) that lockdep
 *            and the deadlock checker see.
 *   Dropped: per-VMA locks and the mmap_lock tracepoints.  _killable never
 *            fails (no signals in the simulator).
 *   Added:   nothing.  The simulator takes mmap_lock where the kernel
 *            would: for write when it changes the user mappings (munmap,
 *            mprotect, exit), for read in the GUP slow path.
 */
#ifndef _KSHIM_LINUX_MMAP_LOCK_H
#define _KSHIM_LINUX_MMAP_LOCK_H

#include <linux/lockdep.h>
#include <linux/mm_types.h>
#include <linux/rwsem.h>

static inline void mmap_read_lock(struct mm_struct *mm)
{
	down_read(&mm->mmap_lock);
}

static inline int mmap_read_lock_killable(struct mm_struct *mm)
{
	down_read(&mm->mmap_lock);
	return 0;
}

static inline bool mmap_read_trylock(struct mm_struct *mm)
{
	return down_read_trylock(&mm->mmap_lock) != 0;
}

static inline void mmap_read_unlock(struct mm_struct *mm)
{
	up_read(&mm->mmap_lock);
}

static inline void mmap_write_lock(struct mm_struct *mm)
{
	down_write(&mm->mmap_lock);
}

static inline int mmap_write_lock_killable(struct mm_struct *mm)
{
	down_write(&mm->mmap_lock);
	return 0;
}

static inline void mmap_write_unlock(struct mm_struct *mm)
{
	up_write(&mm->mmap_lock);
}

static inline void mmap_write_downgrade(struct mm_struct *mm)
{
	downgrade_write(&mm->mmap_lock);
}

#define mmap_assert_locked(mm)		lockdep_assert_held(&(mm)->mmap_lock)
#define mmap_assert_write_locked(mm)	lockdep_assert_held_write(&(mm)->mmap_lock)

#endif /* _KSHIM_LINUX_MMAP_LOCK_H */
