/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim/log.h - reading the simulated kernel's log.
 *
 * printk() (linux/printk.h) appends "[seconds.millis] message" lines to a
 * per-world buffer.  Tests search it; gdb users call kshim_log_text().
 */
#ifndef _KSHIM_LOG_H
#define _KSHIM_LOG_H

#include <stdbool.h>

/* The whole log of the current world (valid until the next printk). */
const char *kshim_log_text(void);
bool kshim_log_contains(const char *needle);
void kshim_log_clear(void);
/* Messages with level <= @level (0 emerg .. 7 debug) are echoed to stderr. */
void kshim_log_set_console_level(int level);
int kshim_log_console_level(void);

#endif /* _KSHIM_LOG_H */
