/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/delay.h - sleeping and busy delays.
 *
 * Contract
 *   Kept:    msleep/ssleep/usleep_range/fsleep sleep at least the given
 *            time (jiffies granularity) and are sleeping operations
 *            (reported in atomic context); udelay/ndelay/mdelay busy-wait
 *            and are allowed in atomic context.
 *   Dropped: precise sub-jiffy timing.
 *   Added:   in controlled mode all of these advance virtual time only.
 */
#ifndef _KSHIM_LINUX_DELAY_H
#define _KSHIM_LINUX_DELAY_H

#include <linux/jiffies.h>

void msleep(unsigned int msecs);
void usleep_range(unsigned long min, unsigned long max);
void udelay(unsigned long usecs);
void ndelay(unsigned long nsecs);

static inline void ssleep(unsigned int seconds)
{
	msleep(seconds * 1000);
}

static inline void mdelay(unsigned long msecs)
{
	udelay(msecs * 1000);
}

static inline void fsleep(unsigned long usecs)
{
	usleep_range(usecs, usecs);
}

#endif /* _KSHIM_LINUX_DELAY_H */
