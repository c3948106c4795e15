/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim/sched.h - controlled execution: schedulers, runs, explorations,
 * fault sweeps and replay.
 *
 * A controlled run executes a program (a function that may start simulated
 * threads with kshim_thread_run()) in a fresh world in controlled mode:
 * exactly one simulated thread runs at a time, a scheduler picks the next
 * one at every scheduling point, and time is virtual.  The run ends when
 * every thread has exited, or when a checker stops it (deadlock, livelock,
 * replay divergence).  The caller is the supervisor: it is not a simulated
 * thread and only waits for the outcome.
 *
 * Every run records its decisions (which thread ran at each step, which
 * fault points failed) as a trace.  The same binary, program and
 * configuration give the same trace; a trace replays the run exactly,
 * optionally stopping at a chosen step with SIGTRAP for gdb.
 *
 * Runs can execute in a fresh child process each (fork), so that a crash,
 * a leak or a deadlock in one run never touches the next; or in-process,
 * which is faster and what gdb wants.  In-process, the threads of a run
 * that ended in deadlock are abandoned, parked forever.
 */
#ifndef _KSHIM_SCHED_H
#define _KSHIM_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum kshim_sched_kind {
	KSHIM_SCHED_RR,		/* round-robin, no preemption */
	KSHIM_SCHED_RANDOM,	/* uniform choice at every point, seeded */
	KSHIM_SCHED_PCT,	/* probabilistic concurrency testing */
	KSHIM_SCHED_DFS,	/* follow a prefix, then no preemption */
	KSHIM_SCHED_REPLAY,	/* follow a recorded trace exactly */
};

/* Simulated threads per controlled run (task indexes 0..63). */
#define KSHIM_CTL_MAX_TASKS	64

struct kshim_trace {
	unsigned char *steps;		/* task index per decision */
	unsigned long nsteps;
	unsigned long *faults;		/* fault-point ordinals that failed */
	unsigned long nfaults;
};

/* What a DFS explorer needs to know about each step. */
struct kshim_step_info {
	uint64_t runnable;		/* bit per task index */
	unsigned char chosen;
	unsigned char prev;		/* who ran before the decision */
	bool prev_runnable;		/* could prev have continued? */
};

struct kshim_sched_config {
	enum kshim_sched_kind kind;
	uint64_t seed;
	unsigned int pct_depth;		/* d; 0 means 3 */
	unsigned long pct_steps;	/* k; 0 means "calibrate" */
	const unsigned char *prefix;	/* DFS: choices to follow first */
	unsigned long prefix_len;
	const struct kshim_trace *replay;
	unsigned long break_at_step;	/* SIGTRAP before this step (1-based) */
	unsigned long max_steps;	/* unfair steps; 0 means 100000 */
	unsigned long fair_steps;	/* fair phase after that; 0: 10000 */
	unsigned long fail_nth;		/* fail the Nth fault point, 0: none */
	unsigned int fail_permille;	/* random fault points, 0: none */
	bool record_steps;		/* fill kshim_run_result.info */
	bool no_lock_order;		/* switch lockdep's order graph off */
};

enum kshim_run_status {
	KSHIM_RUN_PASS,		/* finished, clean audit */
	KSHIM_RUN_FAIL,		/* finished, audit found problems */
	KSHIM_RUN_DEADLOCK,	/* nothing runnable, nothing to wait for */
	KSHIM_RUN_LIVELOCK,	/* step bound and fair phase exhausted */
	KSHIM_RUN_DIVERGED,	/* replay could not follow its trace */
	KSHIM_RUN_CRASH,	/* the run's process died */
};

struct kshim_run_result {
	enum kshim_run_status status;
	int fn_result;			/* the program's return value */
	unsigned long steps;
	unsigned int ntasks;
	uint64_t trace_hash;
	unsigned long fault_points;	/* fault points reached */
	struct kshim_trace trace;
	struct kshim_step_info *info;	/* if record_steps */
	unsigned long ninfo;
	int problems;			/* audit problem count */
	char *report;			/* audit and checker output */
	char *first_issue;		/* title of the first issue, if any */
	char *fault_site;		/* last injected failure, if any */
};

const char *kshim_run_status_name(enum kshim_run_status status);
const char *kshim_sched_kind_name(enum kshim_sched_kind kind);
void kshim_run_result_free(struct kshim_run_result *res);

/*
 * Run @fn(@arg) once as task 0 of a controlled world configured by @cfg,
 * in a child process if @fork.  Return: 0 if the run passed, 1 otherwise
 * (details in @res), -errno if it could not be started.
 */
int kshim_run_controlled(int (*fn)(void *), void *arg,
			 const struct kshim_sched_config *cfg, bool fork,
			 struct kshim_run_result *res);

struct kshim_explore_config {
	struct kshim_sched_config sched;	/* kind: RANDOM, PCT or DFS */
	unsigned long runs;		/* at most this many runs (0: 1000) */
	unsigned int preempt_bound;	/* DFS: explore bounds 0..this */
	bool fork;
	bool stop_on_failure;
	/* Called after every run (progress lines); may be NULL. */
	void (*progress)(unsigned long run, const struct kshim_run_result *res,
			 void *data);
	void *progress_data;
};

struct kshim_explore_result {
	unsigned long runs;
	unsigned long failures;
	bool exhausted;			/* DFS explored its whole space */
	unsigned long pct_steps;	/* k used by PCT */
	unsigned int max_tasks;		/* n seen */
	unsigned long first_failure_run;	/* 1-based, 0 = none */
	struct kshim_sched_config failing_cfg;	/* how to reproduce it */
	struct kshim_run_result failure;	/* the first failing run */
};

/*
 * Run @fn many times under different schedules.  RANDOM and PCT use seeds
 * cfg.sched.seed, +1, +2 ...; DFS enumerates schedules with at most 0, 1,
 * ... preempt_bound preemptions.  Return: number of failing runs.
 */
int kshim_explore(int (*fn)(void *), void *arg,
		  const struct kshim_explore_config *cfg,
		  struct kshim_explore_result *res);
void kshim_explore_result_free(struct kshim_explore_result *res);

struct kshim_sweep_result {
	unsigned long fault_points;	/* reached by the clean run */
	unsigned long runs;
	unsigned long failures;
	unsigned long first_failing_nth;
	char *first_failing_site;	/* the site that was failed */
	struct kshim_run_result failure;
};

/*
 * Fail-nth sweep: run once to count fault points, then once per N with the
 * Nth fault point failing; every run must end clean (no crash, no leak, no
 * WARN, no lock held).  At most @max_nth runs (0: no limit).
 */
int kshim_fail_sweep(int (*fn)(void *), void *arg,
		     const struct kshim_sched_config *sched, bool fork,
		     unsigned long max_nth, struct kshim_sweep_result *res);
void kshim_sweep_result_free(struct kshim_sweep_result *res);

/* Traces as text: "kshim-trace 1\nsteps <rle>\nfaults <list>\n". */
int kshim_trace_write(FILE *out, const struct kshim_trace *trace);
int kshim_trace_read(FILE *in, struct kshim_trace *trace);
void kshim_trace_free(struct kshim_trace *trace);
uint64_t kshim_trace_hash(const struct kshim_trace *trace);

/* Inside a controlled run: the current step and this task's index. */
unsigned long kshim_ctl_step(void);
int kshim_ctl_task_index(void);

#endif /* _KSHIM_SCHED_H */
