/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/err.h - errors encoded in pointers.
 *
 * Contract
 *   Kept:    the top 4095 values of the address space encode -errno;
 *            ERR_PTR, PTR_ERR, IS_ERR, IS_ERR_OR_NULL, ERR_CAST,
 *            PTR_ERR_OR_ZERO behave as in the kernel.  User space never
 *            maps the last page, so no valid pointer is mistaken for an
 *            error, as in the kernel.
 *   Dropped: nothing.
 *   Added:   nothing.
 */
#ifndef _KSHIM_LINUX_ERR_H
#define _KSHIM_LINUX_ERR_H

#include <linux/compiler.h>
#include <linux/types.h>

#define MAX_ERRNO	4095

#define IS_ERR_VALUE(x) unlikely((unsigned long)(void *)(x) >= \
				 (unsigned long)-MAX_ERRNO)

static inline void *__must_check ERR_PTR(long error)
{
	return (void *)error;
}

static inline long __must_check PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool __must_check IS_ERR(const void *ptr)
{
	return IS_ERR_VALUE((unsigned long)ptr);
}

static inline bool __must_check IS_ERR_OR_NULL(const void *ptr)
{
	return unlikely(!ptr) || IS_ERR_VALUE((unsigned long)ptr);
}

/* Re-type an error pointer; the value is kept. */
static inline void *__must_check ERR_CAST(const void *ptr)
{
	return (void *)ptr;
}

static inline int __must_check PTR_ERR_OR_ZERO(const void *ptr)
{
	if (IS_ERR(ptr))
		return PTR_ERR(ptr);
	return 0;
}

#endif /* _KSHIM_LINUX_ERR_H */
