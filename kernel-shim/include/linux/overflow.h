/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/overflow.h - arithmetic that reports wrap-around.
 *
 * Contract
 *   Kept:    check_add_overflow/check_sub_overflow/check_mul_overflow store
 *            the wrapped result and return true on overflow, for any mix of
 *            integer types; size_add/size_mul/array_size/struct_size
 *            saturate at SIZE_MAX so that an allocation of the result fails.
 *   Dropped: nothing.
 *   Added:   nothing.
 */
#ifndef _KSHIM_LINUX_OVERFLOW_H
#define _KSHIM_LINUX_OVERFLOW_H

#include <linux/kernel.h>

#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d) __builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d) __builtin_mul_overflow(a, b, d)

static inline size_t __must_check size_mul(size_t a, size_t b)
{
	size_t bytes;

	if (check_mul_overflow(a, b, &bytes))
		return SIZE_MAX;
	return bytes;
}

static inline size_t __must_check size_add(size_t a, size_t b)
{
	size_t bytes;

	if (check_add_overflow(a, b, &bytes))
		return SIZE_MAX;
	return bytes;
}

#define array_size(a, b)	size_mul(a, b)
#define array3_size(a, b, c)	size_mul(size_mul(a, b), c)
#define flex_array_size(p, member, count) \
	size_mul(count, sizeof(*(p)->member))
#define struct_size(p, member, count) \
	size_add(sizeof(*(p)), flex_array_size(p, member, count))
#define struct_size_t(type, member, count) \
	struct_size((type *)NULL, member, count)

#endif /* _KSHIM_LINUX_OVERFLOW_H */
