// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated kernel log: one buffer per world.
 *
 * Lines are stamped with the world's jiffies as "[sss.mmm]".  Messages at or
 * above the console level also go to stderr.  The host lock protecting the
 * buffer is internal and never a scheduling point, so printk is allowed in
 * any context, as in the kernel.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <linux/jiffies.h>
#include <linux/printk.h>
#include <kshim/log.h>
#include "kshim_internal.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static GString *log_buf;
static int console_level = -1;
static bool log_at_line_start = true;

int kshim_log_console_level(void)
{
	if (console_level < 0) {
		const char *env = getenv("KSHIM_LOGLEVEL");

		console_level = env ? atoi(env) : 4;
	}
	return console_level;
}

void kshim_log_set_console_level(int level)
{
	console_level = level;
}

/* Split a KERN_<level> prefix off @fmt; -1 for KERN_CONT. */
static int printk_level(const char **fmt)
{
	const char *f = *fmt;
	int level = 4;

	if (f[0] == KERN_SOH[0] && f[1]) {
		if (f[1] == 'c')
			level = -1;
		else if (f[1] >= '0' && f[1] <= '7')
			level = f[1] - '0';
		*fmt = f + 2;
	}
	return level;
}

int printk(const char *fmt, ...)
{
	unsigned long now = kshim_jiffies() - KSHIM_INITIAL_JIFFIES;
	int level = printk_level(&fmt);
	va_list ap;
	char *msg;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (len < 0)
		return 0;

	pthread_mutex_lock(&log_lock);
	if (!log_buf)
		log_buf = g_string_new(NULL);
	if (level >= 0 && !log_at_line_start)
		g_string_append_c(log_buf, '\n');
	if (level >= 0)
		g_string_append_printf(log_buf, "[%5lu.%03lu] ", now / HZ,
				       now % HZ);
	g_string_append(log_buf, msg);
	log_at_line_start = len > 0 && msg[len - 1] == '\n';
	pthread_mutex_unlock(&log_lock);

	if (level <= kshim_log_console_level()) {
		fputs(msg, stderr);
		if (len > 0 && msg[len - 1] != '\n')
			fputc('\n', stderr);
	}
	free(msg);
	return len;
}

const char *kshim_log_text(void)
{
	const char *text;

	pthread_mutex_lock(&log_lock);
	if (!log_buf)
		log_buf = g_string_new(NULL);
	text = log_buf->str;
	pthread_mutex_unlock(&log_lock);
	return text;
}

bool kshim_log_contains(const char *needle)
{
	bool found;

	pthread_mutex_lock(&log_lock);
	found = log_buf && strstr(log_buf->str, needle);
	pthread_mutex_unlock(&log_lock);
	return found;
}

void kshim_log_clear(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_buf)
		g_string_truncate(log_buf, 0);
	log_at_line_start = true;
	pthread_mutex_unlock(&log_lock);
}

void kshim_log_world_begin(void)
{
	kshim_log_clear();
}

void kshim_log_world_end(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_buf) {
		g_string_free(log_buf, TRUE);
		log_buf = NULL;
	}
	log_at_line_start = true;
	pthread_mutex_unlock(&log_lock);
}
