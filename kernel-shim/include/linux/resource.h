/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/resource.h - resource limits.
 *
 * Contract
 *   Kept:    struct rlimit {rlim_cur, rlim_max}, the RLIMIT_* numbers,
 *            RLIM_NLIMITS and RLIM_INFINITY.  They come from the host C
 *            library's <sys/resource.h>, whose values are the kernel's, so
 *            that one translation unit can use both without clashing.
 *   Dropped: getrusage and the prlimit machinery.
 *   Added:   nothing (the limits themselves are in linux/sched/signal.h).
 */
#ifndef _KSHIM_LINUX_RESOURCE_H
#define _KSHIM_LINUX_RESOURCE_H

#include <sys/resource.h>

/* The kernel's default RLIMIT_MEMLOCK (8 MiB since Linux 5.16). */
#define MLOCK_LIMIT	(8UL << 20)

#endif /* _KSHIM_LINUX_RESOURCE_H */
