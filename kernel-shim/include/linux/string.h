/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/string.h - string and memory helpers.
 *
 * Contract
 *   Kept:    the C library's mem* and str* functions, plus the kernel's
 *            memchr_inv() (first byte that differs from @c, or NULL),
 *            strscpy() (always terminates, -E2BIG on truncation) and
 *            memzero_explicit().
 *   Dropped: nothing.   Added: nothing.
 */
#ifndef _KSHIM_LINUX_STRING_H
#define _KSHIM_LINUX_STRING_H

#include <string.h>
#include <sys/types.h>
#include <linux/errno.h>

static inline void *memchr_inv(const void *start, int c, size_t bytes)
{
	const unsigned char *p = start;
	size_t i;

	for (i = 0; i < bytes; i++)
		if (p[i] != (unsigned char)c)
			return (void *)(p + i);
	return NULL;
}

static inline ssize_t strscpy(char *dst, const char *src, size_t count)
{
	size_t len;

	if (!count)
		return -E2BIG;
	len = strnlen(src, count);
	if (len == count) {
		memcpy(dst, src, count - 1);
		dst[count - 1] = 0;
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return len;
}

static inline void memzero_explicit(void *s, size_t count)
{
	memset(s, 0, count);
	__asm__ __volatile__("" : : "r"(s) : "memory");
}

#endif /* _KSHIM_LINUX_STRING_H */
