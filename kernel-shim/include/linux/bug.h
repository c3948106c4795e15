/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/bug.h - run-time assertions.
 *
 * Contract
 *   Kept:    WARN_ON(cond), WARN_ON_ONCE, WARN(cond, fmt...), WARN_ONCE
 *            evaluate @cond once and return it, so they can guard code the
 *            way the kernel's do.  BUG_ON/BUG stop execution.
 *   Dropped: the kernel's taint flags and panic_on_warn.
 *   Added:   a WARN is never just printed: it is recorded, with a
 *            backtrace, in the run's report (kshim/report.h) that every
 *            test teardown and every scenario audit requires to be empty.
 *            "Once" means once per world (kshim/world.h), not once per
 *            process, so consecutive runs in one process each see it.
 *            BUG prints a backtrace and aborts the process.
 */
#ifndef _KSHIM_LINUX_BUG_H
#define _KSHIM_LINUX_BUG_H

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <kshim/report.h>

#define WARN_ON(condition) ({					\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		kshim_warn_on(__FILE__, __LINE__, __func__, #condition);\
	unlikely(__ret_warn_on);					\
})

#define WARN(condition, format...) ({					\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		kshim_warn(__FILE__, __LINE__, __func__, #condition,	\
			   format);					\
	unlikely(__ret_warn_on);					\
})

/*
 * Per-call-site "once": the static remembers the world generation in which
 * the site last fired, so a new world re-arms it.
 */
#define __KSHIM_FIRST_IN_WORLD() ({					\
	static unsigned long __warned_gen;				\
	bool __first = __warned_gen != kshim_world_generation();	\
	__warned_gen = kshim_world_generation();			\
	__first;							\
})

#define WARN_ON_ONCE(condition) ({					\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on) && __KSHIM_FIRST_IN_WORLD())	\
		kshim_warn_on(__FILE__, __LINE__, __func__, #condition);\
	unlikely(__ret_warn_on);					\
})

#define WARN_ONCE(condition, format...) ({				\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on) && __KSHIM_FIRST_IN_WORLD())	\
		kshim_warn(__FILE__, __LINE__, __func__, #condition,	\
			   format);					\
	unlikely(__ret_warn_on);					\
})

#define BUG() kshim_bug(__FILE__, __LINE__, __func__, "BUG()")
#define BUG_ON(condition)						\
	do {								\
		if (unlikely(condition))				\
			kshim_bug(__FILE__, __LINE__, __func__,		\
				  "BUG_ON(" #condition ")");		\
	} while (0)

#endif /* _KSHIM_LINUX_BUG_H */
