/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/uidgid.h - kernel uids and gids.
 *
 * Contract
 *   Kept:    kuid_t/kgid_t as wrapped integers (so a uid is never mixed up
 *            with a plain int), KUIDT_INIT/KGIDT_INIT, __kuid_val,
 *            __kgid_val, uid_eq/gid_eq, GLOBAL_ROOT_UID.
 *   Dropped: user namespaces: every id is in the initial namespace.
 *   Added:   nothing.
 */
#ifndef _KSHIM_LINUX_UIDGID_H
#define _KSHIM_LINUX_UIDGID_H

#include <linux/types.h>

typedef struct {
	uid_t val;
} kuid_t;

typedef struct {
	gid_t val;
} kgid_t;

#define KUIDT_INIT(value)	((kuid_t){ value })
#define KGIDT_INIT(value)	((kgid_t){ value })
#define GLOBAL_ROOT_UID		KUIDT_INIT(0)
#define GLOBAL_ROOT_GID		KGIDT_INIT(0)

static inline uid_t __kuid_val(kuid_t uid)
{
	return uid.val;
}

static inline gid_t __kgid_val(kgid_t gid)
{
	return gid.val;
}

static inline bool uid_eq(kuid_t a, kuid_t b)
{
	return a.val == b.val;
}

static inline bool gid_eq(kgid_t a, kgid_t b)
{
	return a.val == b.val;
}

#endif /* _KSHIM_LINUX_UIDGID_H */
