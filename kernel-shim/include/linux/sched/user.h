/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/sched/user.h - per-user accounting (struct user_struct).
 *
 * Contract
 *   Kept:    one user_struct per uid of the world, shared by every
 *            simulated process of that uid; a reference count
 *            (get_uid/free_uid) and locked_vm, the per-user counter that
 *            iommufd's USER accounting mode (and io_uring) charge with a
 *            cmpxchg loop against RLIMIT_MEMLOCK.
 *   Dropped: user namespaces, the other per-user counters.
 *   Added:   a user_struct freed with locked_vm not 0 is recorded for the
 *            world audit; kshim/process.h has charge/uncharge helpers.
 */
#ifndef _KSHIM_LINUX_SCHED_USER_H
#define _KSHIM_LINUX_SCHED_USER_H

#include <linux/atomic.h>
#include <linux/refcount.h>
#include <linux/uidgid.h>

struct user_struct {
	refcount_t __count;
	kuid_t uid;
	atomic_long_t locked_vm;	/* pages charged by USER-mode pins */
	struct list_head kshim_node;	/* on the world's user list */
};

static inline struct user_struct *get_uid(struct user_struct *u)
{
	refcount_inc(&u->__count);
	return u;
}

/* Drop a reference; NULL is allowed.  Freed with the last one. */
void free_uid(struct user_struct *u);

#endif /* _KSHIM_LINUX_SCHED_USER_H */
