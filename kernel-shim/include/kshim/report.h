/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim/report.h - the run's failure report.
 *
 * Everything the simulated kernel would print as a splat (WARN, lockdep
 * reports, "sleeping function called from invalid context", refcount
 * saturation, leaks) is recorded here as an issue with a title, a location
 * and a backtrace.  Tests and scenario audits require the report to be empty
 * at teardown; kshim_report_dump() prints it.
 *
 * Only the shim records issues; kernel-style code raises them through
 * WARN_ON() and friends (linux/bug.h) or through the checkers.
 */
#ifndef _KSHIM_REPORT_H
#define _KSHIM_REPORT_H

#include <stddef.h>
#include <stdio.h>

enum kshim_issue_kind {
	KSHIM_ISSUE_WARN,		/* WARN_ON() and friends */
	KSHIM_ISSUE_LOCKDEP,		/* lock-order and lock-usage reports */
	KSHIM_ISSUE_ATOMIC_SLEEP,	/* sleeping in atomic context */
	KSHIM_ISSUE_DEADLOCK,		/* nothing runnable (controlled mode) */
	KSHIM_ISSUE_LIVELOCK,		/* step bound exceeded */
	KSHIM_ISSUE_LEAK,		/* allocation or reference left behind */
	KSHIM_ISSUE_OTHER,
	KSHIM_ISSUE_NR_KINDS,
};

struct kshim_issue {
	enum kshim_issue_kind kind;
	char *title;		/* one line, lockdep/kernel style */
	char *where;		/* "file:line func" of the report site */
	char *text;		/* details: message, backtrace, checker output */
	unsigned long seq;	/* order of recording within the world */
};

/* Raised by WARN_ON()/WARN_ON_ONCE(): records a WARN with a backtrace. */
void kshim_warn_on(const char *file, int line, const char *func,
		   const char *cond);
/* Raised by WARN()/WARN_ONCE(): as above with a formatted message. */
void kshim_warn(const char *file, int line, const char *func,
		const char *cond, const char *fmt, ...)
	__attribute__((__format__(printf, 5, 6)));
/* Raised by BUG()/BUG_ON(): prints a backtrace and aborts. */
void kshim_bug(const char *file, int line, const char *func, const char *what)
	__attribute__((__noreturn__));

/* Record an issue found by a checker.  @text may be NULL. */
void kshim_report_issue(enum kshim_issue_kind kind, const char *title,
			const char *text);

/* Number of issues of @kind recorded in this world. */
unsigned int kshim_report_count(enum kshim_issue_kind kind);
/* Number of issues of any kind. */
unsigned int kshim_report_total(void);
/* The @i-th issue in recording order, or NULL. */
const struct kshim_issue *kshim_report_get(unsigned int i);
/* Forget every recorded issue (tests that provoke issues on purpose). */
void kshim_report_clear(void);
/* Print every issue to @out. */
void kshim_report_dump(FILE *out);
const char *kshim_issue_kind_name(enum kshim_issue_kind kind);

/*
 * Capture the current call stack as text, one frame per line, skipping
 * @skip innermost frames.  The caller free()s
 * the result.
 */
char *kshim_backtrace_text(int skip);
/* Describe a code address as "function+off (file:line)" into @buf. */
void kshim_symbolize(const void *pc, char *buf, size_t len);

/* The world generation; WARN_ON_ONCE re-arms when it changes. */
unsigned long kshim_world_generation(void);

#endif /* _KSHIM_REPORT_H */
