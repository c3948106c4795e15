/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/cred.h - task credentials.
 *
 * Contract
 *   Kept:    struct cred with uid/gid/euid/egid, the effective capability
 *            set and the user_struct of the uid; current_cred(),
 *            current_uid(), current_euid(), current_user(),
 *            get_current_user() (with a reference, dropped by free_uid()).
 *   Dropped: RCU, get_cred/put_cred reference counting (a simulated
 *            process's credentials live as long as the process), securebits,
 *            keyrings, LSM blobs.
 *   Added:   current_cred() of a thread outside any simulated process is
 *            the init credential (uid 0, every capability).
 */
#ifndef _KSHIM_LINUX_CRED_H
#define _KSHIM_LINUX_CRED_H

#include <linux/capability.h>
#include <linux/sched.h>
#include <linux/sched/user.h>
#include <linux/uidgid.h>

struct cred {
	kuid_t uid;
	kgid_t gid;
	kuid_t euid;
	kgid_t egid;
	kernel_cap_t cap_effective;
	struct user_struct *user;
};

/* The credentials of threads that act as no simulated process. */
extern const struct cred kshim_init_cred;

static inline const struct cred *current_cred(void)
{
	const struct cred *c = current->cred;

	return c ? c : &kshim_init_cred;
}

#define current_uid()	(current_cred()->uid)
#define current_gid()	(current_cred()->gid)
#define current_euid()	(current_cred()->euid)
#define current_egid()	(current_cred()->egid)

/* The user_struct of current's uid (init's for threads outside a process). */
struct user_struct *kshim_current_user(void);
#define current_user()	kshim_current_user()

static inline struct user_struct *get_current_user(void)
{
	return get_uid(current_user());
}

#endif /* _KSHIM_LINUX_CRED_H */
