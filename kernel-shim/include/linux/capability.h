/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/capability.h - capabilities of the simulated process.
 *
 * Contract
 *   Kept:    the CAP_* numbers of the uAPI (taken from the host's uapi
 *            header, so they are the real ones), kernel_cap_t as a 64-bit
 *            set with cap_raise/cap_lower/cap_raised, capable(cap) testing
 *            the effective set of current's credentials, ns_capable() and
 *            has_capability() likewise.  iommufd relies on CAP_IPC_LOCK
 *            (no pinned-memory accounting), CAP_SYS_RESOURCE (choosing the
 *            accounting mode) and CAP_SYS_RAWIO.
 *   Dropped: the permitted/inheritable/bounding sets, user namespaces,
 *            audit records and LSM hooks.
 *   Added:   capabilities are a setting of the simulated process
 *            (kshim/process.h); a thread outside any simulated process
 *            has the init credentials (every capability), like a kernel
 *            thread.
 */
#ifndef _KSHIM_LINUX_CAPABILITY_H
#define _KSHIM_LINUX_CAPABILITY_H

#include_next <linux/capability.h>	/* the uAPI CAP_* numbers */
#include <linux/types.h>

typedef struct {
	u64 val;
} kernel_cap_t;

#define CAP_TO_MASK_64(x)	(1ULL << ((x) & 63))
#define CAP_FULL_SET		((kernel_cap_t){ ((1ULL << (CAP_LAST_CAP + 1)) - 1) })
#define CAP_EMPTY_SET		((kernel_cap_t){ 0 })

#define cap_raise(c, flag)	((c).val |= CAP_TO_MASK_64(flag))
#define cap_lower(c, flag)	((c).val &= ~CAP_TO_MASK_64(flag))
#define cap_raised(c, flag)	(((c).val & CAP_TO_MASK_64(flag)) != 0)

struct task_struct;
struct user_namespace;

extern struct user_namespace init_user_ns;

bool capable(int cap);
bool ns_capable(struct user_namespace *ns, int cap);
bool has_capability(struct task_struct *t, int cap);

#endif /* _KSHIM_LINUX_CAPABILITY_H */
