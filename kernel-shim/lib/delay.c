// SPDX-License-Identifier: GPL-2.0
/*
 * Sleeps and busy delays (linux/delay.h).
 */
#include <linux/delay.h>
#include <linux/sched.h>
#include "kshim_internal.h"

void msleep(unsigned int msecs)
{
	/* One extra jiffy: at least @msecs must pass, as in the kernel. */
	schedule_timeout(msecs_to_jiffies(msecs) + 1);
}

void usleep_range(unsigned long min, unsigned long max)
{
	schedule_timeout(usecs_to_jiffies(min) ? usecs_to_jiffies(min) : 1);
}

/*
 * Busy delays never sleep.  In free-run they spin on the host clock; in
 * controlled mode they are a scheduling point and virtual time does not
 * move (busy-waiting CPUs do not advance a simulated clock).
 */
void ndelay(unsigned long nsecs)
{
	uint64_t end;

	kshim_sched_point(KSHIM_PT_YIELD, NULL);
	if (kshim_exec_mode() != KSHIM_MODE_FREE_RUN)
		return;
	end = kshim_host_ns() + nsecs;
	while (kshim_host_ns() < end)
		;
}

void udelay(unsigned long usecs)
{
	ndelay(usecs * 1000);
}
