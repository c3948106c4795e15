/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/log2.h - integer base-2 logarithms and powers of two.
 *
 * Contract
 *   Kept:    ilog2 (floor, undefined for 0), is_power_of_2 (false for 0),
 *            roundup_pow_of_two / rounddown_pow_of_two (undefined for 0 and
 *            for results that do not fit an unsigned long), order_base_2
 *            (ceil; 0 for 0 and 1).
 *   Dropped: nothing.   Added: nothing.
 */
#ifndef _KSHIM_LINUX_LOG2_H
#define _KSHIM_LINUX_LOG2_H

#include <linux/bitops.h>

static inline __attribute__((const)) int ilog2(u64 n)
{
	return fls64(n) - 1;
}

static inline __attribute__((const)) bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

static inline __attribute__((const))
unsigned long roundup_pow_of_two(unsigned long n)
{
	return 1UL << fls_long(n - 1);
}

static inline __attribute__((const))
unsigned long rounddown_pow_of_two(unsigned long n)
{
	return 1UL << (fls_long(n) - 1);
}

static inline __attribute__((const)) int order_base_2(unsigned long n)
{
	return n > 1 ? ilog2(n - 1) + 1 : 0;
}

#endif /* _KSHIM_LINUX_LOG2_H */
