/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/printk.h - the kernel log.
 *
 * Contract
 *   Kept:    printk() with KERN_<level> prefixes, pr_emerg .. pr_debug,
 *            pr_fmt() per file, the _once variants (once per world),
 *            _ratelimited variants (printed every time: the log is not a
 *            console), no_printk().
 *   Dropped: consoles, dynamic debug: pr_debug() is always logged at
 *            debug level (it costs a formatted string; hot paths avoid it).
 *   Added:   the log is per world and readable by tests
 *            (kshim/log.h: kshim_log_contains()), by gdb (the
 *            kshim_log_text() function) and echoed to stderr for messages
 *            at or above the console level (KSHIM_LOGLEVEL, default 4:
 *            warnings and worse).
 */
#ifndef _KSHIM_LINUX_PRINTK_H
#define _KSHIM_LINUX_PRINTK_H

#include <linux/compiler.h>

#define KERN_SOH	"\001"
#define KERN_EMERG	KERN_SOH "0"
#define KERN_ALERT	KERN_SOH "1"
#define KERN_CRIT	KERN_SOH "2"
#define KERN_ERR	KERN_SOH "3"
#define KERN_WARNING	KERN_SOH "4"
#define KERN_NOTICE	KERN_SOH "5"
#define KERN_INFO	KERN_SOH "6"
#define KERN_DEBUG	KERN_SOH "7"
#define KERN_DEFAULT	""
#define KERN_CONT	KERN_SOH "c"

int printk(const char *fmt, ...) __printf(1, 2);

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define pr_emerg(fmt, ...)  printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...)  printk(KERN_ALERT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...)   printk(KERN_CRIT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)    printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)   printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)   printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)  printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...)   printk(KERN_CONT fmt, ##__VA_ARGS__)

#define no_printk(fmt, ...) ({ if (0) printk(fmt, ##__VA_ARGS__); 0; })

#define __kshim_printk_once(level, fmt, ...) ({				\
	static unsigned long __print_gen;				\
	if (__print_gen != kshim_world_generation()) {			\
		__print_gen = kshim_world_generation();			\
		printk(level pr_fmt(fmt), ##__VA_ARGS__);		\
	}								\
})
unsigned long kshim_world_generation(void);

#define pr_err_once(fmt, ...)  __kshim_printk_once(KERN_ERR, fmt, ##__VA_ARGS__)
#define pr_warn_once(fmt, ...) __kshim_printk_once(KERN_WARNING, fmt, ##__VA_ARGS__)
#define pr_info_once(fmt, ...) __kshim_printk_once(KERN_INFO, fmt, ##__VA_ARGS__)
#define pr_err_ratelimited(fmt, ...)  pr_err(fmt, ##__VA_ARGS__)
#define pr_warn_ratelimited(fmt, ...) pr_warn(fmt, ##__VA_ARGS__)
#define pr_info_ratelimited(fmt, ...) pr_info(fmt, ##__VA_ARGS__)

#endif /* _KSHIM_LINUX_PRINTK_H */
