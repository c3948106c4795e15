/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/jiffies.h - the tick counter.
 *
 * Contract
 *   Kept:    `jiffies` as an unsigned long that only grows, HZ ticks per
 *            second, msecs/usecs <-> jiffies conversions (rounding up, as
 *            the kernel does), time_after/time_before and friends that are
 *            correct across wrap-around.
 *   Dropped: jiffies is not a variable you can take the address of.
 *   Added:   in controlled mode it is virtual time, which advances only
 *            when every thread waits for a deadline (a 60 s timeout costs
 *            nothing); in free-run mode it is the host monotonic clock.
 */
#ifndef _KSHIM_LINUX_JIFFIES_H
#define _KSHIM_LINUX_JIFFIES_H

#include <linux/kernel.h>
#include <kshim/exec.h>

#define HZ		1000
#define jiffies		kshim_jiffies()

#define time_after(a, b)	((long)((b) - (a)) < 0)
#define time_before(a, b)	time_after(b, a)
#define time_after_eq(a, b)	((long)((a) - (b)) >= 0)
#define time_before_eq(a, b)	time_after_eq(b, a)
#define time_is_before_jiffies(a)	time_after(jiffies, a)
#define time_is_after_jiffies(a)	time_before(jiffies, a)

static inline unsigned long msecs_to_jiffies(unsigned int m)
{
	return DIV_ROUND_UP((unsigned long)m * HZ, 1000);
}

static inline unsigned long usecs_to_jiffies(unsigned int u)
{
	return DIV_ROUND_UP((unsigned long)u * HZ, 1000000);
}

static inline unsigned int jiffies_to_msecs(unsigned long j)
{
	return j * (1000 / HZ);
}

static inline unsigned long secs_to_jiffies(unsigned long s)
{
	return s * HZ;
}

#endif /* _KSHIM_LINUX_JIFFIES_H */
