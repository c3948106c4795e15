/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/sprintf.h - formatted output into buffers.
 *
 * Contract
 *   Kept:    snprintf/vsnprintf (return the length that would have been
 *            written), scnprintf/vscnprintf (return what was written,
 *            never more than size - 1), kasprintf/kvasprintf (a kmalloc'd
 *            string, counted and failable like any allocation).
 *   Dropped: the kernel's %p extensions (%pS, %pa ...).
 *   Added:   nothing.
 */
#ifndef _KSHIM_LINUX_SPRINTF_H
#define _KSHIM_LINUX_SPRINTF_H

#include <stdarg.h>
#include <stdio.h>
#include <linux/compiler.h>
#include <linux/gfp.h>
#include <kshim/site.h>

static inline int vscnprintf(char *buf, size_t size, const char *fmt,
			     va_list args)
{
	int i;

	if (!size)
		return 0;
	i = vsnprintf(buf, size, fmt, args);
	if (i < 0)
		return 0;
	return (size_t)i < size ? i : (int)(size - 1);
}

static inline __printf(3, 4) int scnprintf(char *buf, size_t size,
					   const char *fmt, ...)
{
	va_list args;
	int i;

	va_start(args, fmt);
	i = vscnprintf(buf, size, fmt, args);
	va_end(args);
	return i;
}

char *kshim_kvasprintf(gfp_t gfp, struct kshim_site *site, const char *fmt,
		       va_list args);
char *kshim_kasprintf(gfp_t gfp, struct kshim_site *site, const char *fmt,
		      ...) __printf(3, 4);

#define kvasprintf(gfp, fmt, args) \
	kshim_kvasprintf((gfp), KSHIM_SITE(), (fmt), (args))
#define kasprintf(gfp, fmt...) kshim_kasprintf((gfp), KSHIM_SITE(), fmt)

#endif /* _KSHIM_LINUX_SPRINTF_H */
