/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/errno.h - kernel-internal error numbers.
 *
 * Contract
 *   Kept:    every user-visible errno comes from the host (so the numbers a
 *            simulated ioctl returns are the host's), plus the kernel-only
 *            codes that never reach user space (ENOIOCTLCMD, ERESTARTSYS ...)
 *            with their kernel values.
 *   Dropped: nothing.
 *   Added:   nothing.
 */
#ifndef _KSHIM_LINUX_ERRNO_H
#define _KSHIM_LINUX_ERRNO_H

#include_next <linux/errno.h>

#define ERESTARTSYS	512
#define ERESTARTNOINTR	513
#define ERESTARTNOHAND	514
#define ENOIOCTLCMD	515
#define EPROBE_DEFER	517
#define ENOTSUPP	524

#endif /* _KSHIM_LINUX_ERRNO_H */
