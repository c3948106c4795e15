/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/build_bug.h - compile-time assertions.
 *
 * Contract
 *   Kept:    BUILD_BUG_ON, BUILD_BUG_ON_MSG, BUILD_BUG_ON_ZERO, static_assert
 *            fail the build exactly where the kernel's would.
 *   Dropped: nothing.
 *   Added:   nothing.
 */
#ifndef _KSHIM_LINUX_BUILD_BUG_H
#define _KSHIM_LINUX_BUILD_BUG_H

#include <assert.h>

/* 0 if @e is false, otherwise a compile error (usable in expressions). */
#define BUILD_BUG_ON_ZERO(e) ((int)(sizeof(struct { int:(-!!(e)); })))

#define BUILD_BUG_ON_MSG(cond, msg) _Static_assert(!(cond), msg)
#define BUILD_BUG_ON(cond) \
	_Static_assert(!(cond), "BUILD_BUG_ON failed: " #cond)
#define BUILD_BUG() _Static_assert(0, "BUILD_BUG")

#endif /* _KSHIM_LINUX_BUILD_BUG_H */
