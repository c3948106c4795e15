/* SPDX-License-Identifier: GPL-2.0 */
/*
 * session.h - running one scenario file the way the command line and the
 * file's settings ask: one run, an exploration, a fail-nth sweep or a
 * replay; classifying what went wrong; writing the trace that replays it.
 */
#ifndef _SC_SESSION_H
#define _SC_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <glib.h>
#include "ast.h"
#include "runner.h"

struct sc_cli_opts {
	const char *self;		/* how to call this program again */
	bool seed_set;
	uint64_t seed;
	int scheduler;			/* enum kshim_sched_kind, -1: file's */
	unsigned long explore;		/* 0: the file's */
	int preempt_bound;		/* -1: the file's */
	bool fail_nth;
	unsigned long fail_nth_max;	/* 0: every fault point */
	const char *replay;
	unsigned long break_at_step;
	unsigned long break_at_sched_step;
	const char *dot_path;
	unsigned long dot_step;		/* 0: at the failure, or the end */
	bool trace;
	FILE *trace_out;
	bool no_fork;
	int verbose;
	const char *trace_dir;
	bool progress;			/* stdout is a terminal */
	bool json;
};

enum sc_verdict {
	SC_PASS,
	SC_FAIL,
	SC_SKIP,
	SC_ERROR,			/* the file has mistakes */
};

struct sc_result {
	char *path;
	char *name;
	enum sc_verdict verdict;
	const char *mode;		/* run, explore, fail-nth, replay */
	unsigned long runs;
	unsigned long failing_runs;
	unsigned long failing_run;	/* 1-based index of the first */
	bool exhausted;			/* dfs explored every schedule */
	int preempt_bound;		/* dfs */
	const char *scheduler;
	uint64_t seed;
	enum sc_failure_kind expected;
	enum sc_failure_kind kind;	/* of the first failing run */
	char *headline;			/* one line: what went wrong */
	char *detail;			/* the report, several lines */
	char *skip_reason;
	GPtrArray *errors;		/* parse errors */
	struct sc_shared shared;	/* of the first failing run */
	bool have_shared;
	unsigned long sched_steps;
	unsigned long fault_points;
	unsigned long fail_nth;		/* the failing fault point */
	char *fault_site;
	char *trace_file;
	char *replay_cmd;
	char *gdb_cmd;
	int reproduced;			/* -1 not tried, 0 no, 1 yes */
	char *dot_file;
	char *png_file;
	double seconds;
};

void sc_session_run(const char *path, const struct sc_cli_opts *o,
		    struct sc_result *r);
void sc_result_clear(struct sc_result *r);
const char *sc_verdict_name(enum sc_verdict v);

/* report.c */
void sc_print_result(FILE *out, const struct sc_result *r,
		     const struct sc_cli_opts *o);
/* json.c */
char *sc_results_json(GPtrArray *results, double seconds);

#endif /* _SC_SESSION_H */
