/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runner.h - executing a parsed scenario inside one controlled run.
 *
 * sc_program() is the program of a controlled run (kshim_run_controlled()
 * calls it as task 0 of a fresh world): it creates the simulator in that
 * world, runs the main block, starts the scenario's threads as simulated
 * threads, closes every process at the end, and returns; the supervisor's
 * world audit decides whether the run was clean.
 *
 * A failed expectation is recorded twice: as an issue in the world's
 * report (so that the run fails, and explorations and sweeps see it) and
 * in struct sc_shared, which the front end reads back.  sc_shared lives in
 * a MAP_SHARED mapping so that it survives a run in a child process.
 */
#ifndef _SC_RUNNER_H
#define _SC_RUNNER_H

#include <stdio.h>
#include "ast.h"		/* glib first: kernel headers define noinline */
#include <kshim/exec.h>

struct iommufd_sim;
struct iommufd_sim_proc;
struct task_struct;

/* What one run reports back to the front end. */
struct sc_shared {
	int failed;			/* SC_FAIL_* */
	char file[512];
	int line;
	char msg[2048];
	char thread[32];
	unsigned long step;		/* scenario step that failed */
	unsigned long sched_step;	/* scheduler step when it started */
	unsigned long steps;		/* scenario steps run */
	bool stopped;			/* fail-nth: stopped at a deviation */
	char stop_msg[512];
	bool dot_written;
	/*
	 * Scheduler decisions made when a step ended, where a graph would be
	 * drawn: after the step the options name (mark), after the step
	 * that failed, after the last step before the run stopped.
	 */
	unsigned long mark_sched, fail_sched, last_sched;
	unsigned long last_step;	/* the step last_sched belongs to */
};

enum {
	SC_FAIL_NONE,
	SC_FAIL_EXPECT,			/* an outcome or an assertion */
	SC_FAIL_RUNTIME,		/* the scenario could not go on */
};

/* How a run is to be executed (the same for every run of a session). */
struct sc_runopts {
	bool fail_nth_mode;		/* deviations stop quietly */
	unsigned long break_at_step;	/* SIGTRAP before this step */
	unsigned long dot_step;		/* draw (or mark) after this step */
	const char *dot_path;		/* NULL: no graph */
	FILE *trace;			/* step log, or NULL */
	bool uffd;			/* use userfaultfd where possible */
};

struct sc_rt_handle {
	bool live;
	uint64_t v[SC_HSLOTS];
	void *ptr;			/* process, umem, access, mutex ... */
	struct iommufd_sim_proc *proc;	/* descriptors and buffers */
	GArray *pins;			/* kaccess: (iova, length) pairs */
	bool internal;			/* kaccess */
	bool readonly;			/* buffer */
	bool closed;			/* descriptors */
	int unmap_mode;			/* kaccess: 0 drop, 1 ignore */
	GArray *locks;			/* kaccess: kmutex handles (int), in order */
	GArray *unmapped;		/* buffer: munmapped (off, len) pairs */
	int ctx;			/* kaccess: its iommufd handle */
	struct sc_run *run;
};

struct sc_thread_rt {
	const struct sc_thread_decl *decl;
	int index;
	struct task_struct *task;
	struct sc_run *run;
	bool started, done, joined;
	bool in_sync;			/* in a scenario wait, barrier or join */
};

struct sc_barrier_rt {
	char *name;
	unsigned int need, arrived;
	GPtrArray *waiters;		/* struct task_struct * */
	bool open;
	struct kshim_guard guard;
};

struct sc_run {
	const struct sc_scenario *sc;
	const struct sc_runopts *opts;
	struct sc_shared *shared;
	struct iommufd_sim *sim;
	struct sc_rt_handle *h;		/* [sc->handles->len] */
	struct sc_thread_rt *threads;	/* [sc->threads->len] */
	GHashTable *barriers;		/* name -> struct sc_barrier_rt * */
	unsigned long step;
	bool aborted;
};

/* The execution of one statement. */
struct sc_exec {
	struct sc_run *run;
	struct sc_thread_rt *th;
	const struct sc_stmt *st;
	struct iommufd_sim_proc *proc;	/* process in effect */
	int ctx_fd;			/* descriptor of the step's iommufd */
	unsigned long step;		/* this step's number */
	unsigned long sched_start;	/* scheduler step when it started */
	/* returned values, by output index */
	bool out_set[SC_MAX_OUTPUTS];
	uint64_t out_num[SC_MAX_OUTPUTS];
	GByteArray *out_bytes[SC_MAX_OUTPUTS];
	GArray *out_list[SC_MAX_OUTPUTS];
	GString *err;			/* SC_EXEC_ERROR / SC_EXEC_ASSERT */
};

/* Executors return 0, -errno, or one of these. */
#define SC_EXEC_ERROR	(-100000)	/* the scenario cannot go on */
#define SC_EXEC_ASSERT	(-100001)	/* an assertion did not hold */

struct sc_program_arg {
	const struct sc_scenario *sc;
	const struct sc_runopts *opts;
	struct sc_shared *shared;
};

/* The program of a controlled run; @data is a struct sc_program_arg. */
int sc_program(void *data);

/* Helpers for executors (runner.c). */
const struct sc_arg *sc_arg(struct sc_exec *x, const char *name);
bool sc_has(struct sc_exec *x, const char *name);
/* Evaluate a NUM/ID/HANDLE argument (0 if absent). */
uint64_t sc_num(struct sc_exec *x, const char *name);
uint64_t sc_num_or(struct sc_exec *x, const char *name, uint64_t dflt);
/* The object ID of an ID argument (a mock device: stdev or idev). */
uint32_t sc_id(struct sc_exec *x, const char *name);
/* The handle named by a HANDLE/ID argument, or NULL (an error is set). */
struct sc_rt_handle *sc_handle_arg(struct sc_exec *x, const char *name,
				   int *index);
void sc_out_num(struct sc_exec *x, const char *name, uint64_t v);
void sc_out_bytes(struct sc_exec *x, const char *name, const void *p,
		  size_t len);
void sc_out_list(struct sc_exec *x, const char *name, const uint64_t *v,
		 size_t n);
int sc_error(struct sc_exec *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int sc_assert_fail(struct sc_exec *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The created handle of this statement. */
struct sc_rt_handle *sc_new_handle(struct sc_exec *x);
/* errno of the last iommufd_sim_* call as a return value. */
int sc_sys(long ret);

/* Executors by area. */
int sc_ioctl(struct sc_exec *x, unsigned long cmd, void *arg);

/* dot.c: draw the object graph of every open iommufd now. */
int sc_dot_write(struct sc_run *run, const char *path, const char *title);

#endif /* _SC_RUNNER_H */
