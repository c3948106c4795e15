// SPDX-License-Identifier: GPL-2.0
/*
 * The run's failure report: WARNs, BUGs and checker findings.
 *
 * Issues are kept in recording order for the lifetime of a world.  Each WARN
 * also goes to the kernel log at KERN_WARNING with its backtrace, so a
 * reader of the log sees it where it happened.
 */
#include <dlfcn.h>
#include <execinfo.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <linux/printk.h>
#include <kshim/report.h>
#include "kshim_internal.h"

#ifdef KSHIM_ASAN
/* Provided by the sanitizer runtime; gives function and file:line. */
void __sanitizer_symbolize_pc(void *pc, const char *fmt, char *out_buf,
			      size_t out_buf_size);
#endif

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static GPtrArray *report_issues;
static unsigned int report_counts[KSHIM_ISSUE_NR_KINDS];

static const char *const issue_kind_names[KSHIM_ISSUE_NR_KINDS] = {
	[KSHIM_ISSUE_WARN] = "warn",
	[KSHIM_ISSUE_LOCKDEP] = "lockdep",
	[KSHIM_ISSUE_ATOMIC_SLEEP] = "atomic-sleep",
	[KSHIM_ISSUE_DEADLOCK] = "deadlock",
	[KSHIM_ISSUE_LIVELOCK] = "livelock",
	[KSHIM_ISSUE_LEAK] = "leak",
	[KSHIM_ISSUE_OTHER] = "other",
};

const char *kshim_issue_kind_name(enum kshim_issue_kind kind)
{
	if (kind < 0 || kind >= KSHIM_ISSUE_NR_KINDS)
		return "?";
	return issue_kind_names[kind];
}

char *kshim_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

void kshim_symbolize(const void *pc, char *buf, size_t len)
{
#ifdef KSHIM_ASAN
	/* The return address points after the call; look one byte back. */
	__sanitizer_symbolize_pc((char *)pc - 1, "%f %S", buf, len);
	if (buf[0] && strcmp(buf, "<null>") != 0)
		return;
#endif
	Dl_info info;

	if (dladdr(pc, &info) && info.dli_sname)
		snprintf(buf, len, "%s+0x%lx", info.dli_sname,
			 (unsigned long)((const char *)pc -
					 (const char *)info.dli_saddr));
	else if (dladdr(pc, &info) && info.dli_fname)
		snprintf(buf, len, "%s+0x%lx", info.dli_fname,
			 (unsigned long)((const char *)pc -
					 (const char *)info.dli_fbase));
	else
		snprintf(buf, len, "%p", pc);
}

char *kshim_backtrace_text(int skip)
{
	void *frames[48];
	GString *out = g_string_new(NULL);
	char sym[512];
	int n, i;

	n = backtrace(frames, G_N_ELEMENTS(frames));
	for (i = skip + 1; i < n; i++) {
		kshim_symbolize(frames[i], sym, sizeof(sym));
		g_string_append_printf(out, "  %s\n", sym);
		/* Stop at the test runner or the program's main. */
		if (strstr(sym, "srunner_run") || strstr(sym, "main ") == sym)
			break;
	}
	return g_string_free(out, FALSE);
}

static void report_add(enum kshim_issue_kind kind, char *title, char *where,
		       char *text)
{
	struct kshim_issue *issue = g_new0(struct kshim_issue, 1);

	issue->kind = kind;
	issue->title = title;
	issue->where = where;
	issue->text = text;
	pthread_mutex_lock(&report_lock);
	if (!report_issues)
		report_issues = g_ptr_array_new();
	issue->seq = report_issues->len;
	g_ptr_array_add(report_issues, issue);
	report_counts[kind]++;
	pthread_mutex_unlock(&report_lock);
}

static void warn_common(const char *file, int line, const char *func,
			const char *cond, char *msg)
{
	struct task_struct *t = current;
	char *bt = kshim_backtrace_text(2);
	char *where = kshim_strdup_printf("%s:%d %s", file, line, func);
	char *text;

	text = kshim_strdup_printf("%s%s%scondition: %s\ntask: %s/%d\n%s",
				   msg ? msg : "", msg ? "\n" : "", "",
				   cond, t->comm, t->pid, bt);
	printk(KERN_WARNING "------------[ cut here ]------------\n");
	printk(KERN_WARNING "WARNING: PID: %d at %s\n%s", t->pid, where, text);
	report_add(KSHIM_ISSUE_WARN,
		   kshim_strdup_printf("WARNING at %s", where), where, text);
	free(bt);
	free(msg);
}

void kshim_warn_on(const char *file, int line, const char *func,
		   const char *cond)
{
	warn_common(file, line, func, cond, NULL);
}

void kshim_warn(const char *file, int line, const char *func,
		const char *cond, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	warn_common(file, line, func, cond, msg);
}

void kshim_bug(const char *file, int line, const char *func, const char *what)
{
	char *bt = kshim_backtrace_text(1);

	fprintf(stderr, "kernel BUG at %s:%d %s: %s\n%s", file, line, func,
		what, bt);
	fflush(stderr);
	free(bt);
	abort();
}

void kshim_report_issue(enum kshim_issue_kind kind, const char *title,
			const char *text)
{
	printk(KERN_ERR "%s\n%s", title, text ? text : "");
	report_add(kind, strdup(title), NULL, text ? strdup(text) : NULL);
}

unsigned int kshim_report_count(enum kshim_issue_kind kind)
{
	unsigned int n;

	pthread_mutex_lock(&report_lock);
	n = report_counts[kind];
	pthread_mutex_unlock(&report_lock);
	return n;
}

unsigned int kshim_report_total(void)
{
	unsigned int n;

	pthread_mutex_lock(&report_lock);
	n = report_issues ? report_issues->len : 0;
	pthread_mutex_unlock(&report_lock);
	return n;
}

const struct kshim_issue *kshim_report_get(unsigned int i)
{
	const struct kshim_issue *issue = NULL;

	pthread_mutex_lock(&report_lock);
	if (report_issues && i < report_issues->len)
		issue = g_ptr_array_index(report_issues, i);
	pthread_mutex_unlock(&report_lock);
	return issue;
}

void kshim_report_dump(FILE *out)
{
	unsigned int i;

	pthread_mutex_lock(&report_lock);
	for (i = 0; report_issues && i < report_issues->len; i++) {
		struct kshim_issue *issue =
			g_ptr_array_index(report_issues, i);

		fprintf(out, "[%s] %s\n%s", issue_kind_names[issue->kind],
			issue->title, issue->text ? issue->text : "");
		if (issue->text && issue->text[0] &&
		    issue->text[strlen(issue->text) - 1] != '\n')
			fputc('\n', out);
	}
	pthread_mutex_unlock(&report_lock);
}

static void issue_free(gpointer p)
{
	struct kshim_issue *issue = p;

	free(issue->title);
	free(issue->where);
	free(issue->text);
	g_free(issue);
}

void kshim_report_clear(void)
{
	kshim_report_world_end();
}

void kshim_report_world_begin(void)
{
	kshim_report_world_end();
}

void kshim_report_world_end(void)
{
	pthread_mutex_lock(&report_lock);
	if (report_issues) {
		g_ptr_array_set_free_func(report_issues, issue_free);
		g_ptr_array_free(report_issues, TRUE);
		report_issues = NULL;
	}
	memset(report_counts, 0, sizeof(report_counts));
	pthread_mutex_unlock(&report_lock);
}
