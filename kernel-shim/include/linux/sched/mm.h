/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/sched/mm.h - the lifetime of an mm_struct.
 *
 * Contract
 *   Kept:    two counts, as in the kernel.  mm_users counts users of the
 *            address space: mmget()/mmget_not_zero()/mmput(); when it
 *            reaches 0 the address space is torn down (every user mapping
 *            the simulator made in it is unmapped, so later GUP and
 *            uaccess on it fail with -EFAULT).  mm_count counts users of
 *            the struct: mmgrab()/mmdrop(); all mm_users together hold one.
 *            mmget_not_zero() fails once the process has exited, which is
 *            how iommufd notices a gone source mm.
 *   Dropped: lazy TLB references, mmput_async (same as mmput here).
 *   Added:   an mm freed with pinned_vm or locked_vm not 0 is recorded for
 *            the world audit (kshim/process.h).
 */
#ifndef _KSHIM_LINUX_SCHED_MM_H
#define _KSHIM_LINUX_SCHED_MM_H

#include <linux/atomic.h>
#include <linux/mm_types.h>
#include <linux/sched.h>

static inline void mmgrab(struct mm_struct *mm)
{
	atomic_inc(&mm->mm_count);
}

/* Drop a struct reference; the mm is freed with the last. */
void mmdrop(struct mm_struct *mm);

static inline void mmget(struct mm_struct *mm)
{
	atomic_inc(&mm->mm_users);
}

static inline bool mmget_not_zero(struct mm_struct *mm)
{
	return atomic_inc_not_zero(&mm->mm_users);
}

/* Drop an address-space reference; the last one tears the mappings down. */
void mmput(struct mm_struct *mm);

static inline void mmput_async(struct mm_struct *mm)
{
	mmput(mm);
}

/*
 * kthread_use_mm/kthread_unuse_mm: the calling thread adopts @mm as its
 * current->mm for uaccess (as a kernel thread would).
 */
void kthread_use_mm(struct mm_struct *mm);
void kthread_unuse_mm(struct mm_struct *mm);

#endif /* _KSHIM_LINUX_SCHED_MM_H */
