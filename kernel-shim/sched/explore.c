// SPDX-License-Identifier: GPL-2.0
/*
 * Runs, explorations and fault sweeps over controlled mode (kshim/sched.h).
 *
 * kshim_run_controlled() is the supervisor of one run.  In-process, it
 * begins a controlled world, starts the program as task 0, waits, audits
 * and ends the world.  With fork, the same happens in a child process that
 * sends the result back over a pipe, so the parent survives any crash.
 *
 * kshim_explore() drives many runs: seeds for random and PCT, and for DFS a
 * depth-first enumeration of schedules with a preemption bound (stateless
 * model checking, as CHESS does with iterative context bounding).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <kshim/fault.h>
#include <kshim/report.h>
#include <kshim/sched.h>
#include <kshim/world.h>
#include "../lib/kshim_internal.h"
#include "ctl.h"

static const char *const status_names[] = {
	[KSHIM_RUN_PASS] = "pass",
	[KSHIM_RUN_FAIL] = "fail",
	[KSHIM_RUN_DEADLOCK] = "deadlock",
	[KSHIM_RUN_LIVELOCK] = "livelock",
	[KSHIM_RUN_DIVERGED] = "diverged",
	[KSHIM_RUN_CRASH] = "crash",
};

const char *kshim_run_status_name(enum kshim_run_status status)
{
	return status <= KSHIM_RUN_CRASH ? status_names[status] : "?";
}

void kshim_trace_free(struct kshim_trace *trace)
{
	free(trace->steps);
	free(trace->faults);
	memset(trace, 0, sizeof(*trace));
}

void kshim_run_result_free(struct kshim_run_result *res)
{
	kshim_trace_free(&res->trace);
	free(res->info);
	free(res->report);
	free(res->first_issue);
	free(res->fault_site);
	memset(res, 0, sizeof(*res));
}

/* FNV-1a over the decisions and the failed fault points. */
uint64_t kshim_trace_hash(const struct kshim_trace *trace)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned long i;

	for (i = 0; i < trace->nsteps; i++)
		h = (h ^ trace->steps[i]) * 0x100000001b3ULL;
	for (i = 0; i < trace->nfaults; i++)
		h = (h ^ (trace->faults[i] + 0x100)) * 0x100000001b3ULL;
	return h;
}

/* --- one run ---------------------------------------------------------- */

struct run_body {
	int (*fn)(void *);
	void *arg;
};

static int run_in_process(int (*fn)(void *), void *arg,
			  const struct kshim_sched_config *cfg,
			  struct kshim_run_result *res)
{
	struct kshim_world_config wcfg = {
		.mode = KSHIM_MODE_CONTROLLED,
		.seed = cfg->seed,
		.sched = cfg,
	};
	bool had_world = kshim_world_active();
	enum kshim_run_status status;
	struct task_struct *t0;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	int i;

	memset(res, 0, sizeof(*res));
	kshim_world_begin(&wcfg);
	t0 = kshim_task_create(fn, arg, "main");
	status = kshim_ctl_supervise(t0);

	if (status == KSHIM_RUN_PASS) {
		/* Every task exited; the supervisor joins task 0 itself. */
		pthread_join(kshim_task_host(t0)->thread, NULL);
		res->fn_result = t0->kshim.result;
		kshim_task_abandon(t0);
		for (i = 1; i < kshim_ctl.ntasks; i++)
			if (!list_empty(&kshim_ctl.tasks[i]->kshim.node))
				pthread_join(kshim_task_host(kshim_ctl.tasks[i])->thread,
					     NULL);
	}

	out = open_memstream(&buf, &len);
	res->problems = kshim_world_audit(out);
	fclose(out);
	res->report = buf;
	if (kshim_report_total())
		res->first_issue = strdup(kshim_report_get(0)->title);
	if (kshim_fault_last_failed())
		res->fault_site = strdup(kshim_site_name(kshim_fault_last_failed()));
	if (status == KSHIM_RUN_PASS && res->problems)
		status = KSHIM_RUN_FAIL;
	res->status = status;
	res->steps = kshim_ctl.step;
	res->ntasks = kshim_ctl.ntasks;
	res->fault_points = kshim_ctl.fault_points;
	res->trace = kshim_ctl.trace;
	res->trace_hash = kshim_trace_hash(&res->trace);
	res->info = kshim_ctl.info;
	res->ninfo = kshim_ctl.ninfo;
	/* The result owns the buffers now. */
	memset(&kshim_ctl.trace, 0, sizeof(kshim_ctl.trace));
	kshim_ctl.info = NULL;
	kshim_ctl.ninfo = 0;

	/*
	 * Tasks of a finished run are freed; those of a stuck run stay
	 * parked forever, so only their bookkeeping is dropped.
	 */
	for (i = 0; i < kshim_ctl.ntasks; i++) {
		struct task_struct *t = kshim_ctl.tasks[i];

		if (status == KSHIM_RUN_PASS || status == KSHIM_RUN_FAIL)
			kshim_task_free(t);
		else
			kshim_task_abandon(t);
	}
	kshim_ctl.ntasks = 0;

	kshim_world_end();
	if (had_world)
		kshim_world_begin(NULL);
	return status == KSHIM_RUN_PASS ? 0 : 1;
}

/* Result transport from a child: fixed header, then variable parts. */
struct wire_header {
	int status, fn_result, problems;
	unsigned long steps, fault_points, nsteps, nfaults, ninfo;
	unsigned int ntasks;
	uint64_t trace_hash;
	size_t report_len, issue_len, site_len;
};

static int write_all(int fd, const void *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p = (const char *)p + n;
		len -= n;
	}
	return 0;
}

static int read_all(int fd, void *p, size_t len)
{
	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p = (char *)p + n;
		len -= n;
	}
	return 0;
}

static void send_result(int fd, const struct kshim_run_result *res)
{
	struct wire_header h = {
		.status = res->status, .fn_result = res->fn_result,
		.problems = res->problems, .steps = res->steps,
		.fault_points = res->fault_points,
		.nsteps = res->trace.nsteps, .nfaults = res->trace.nfaults,
		.ninfo = res->ninfo, .ntasks = res->ntasks,
		.trace_hash = res->trace_hash,
		.report_len = res->report ? strlen(res->report) : 0,
		.issue_len = res->first_issue ? strlen(res->first_issue) : 0,
		.site_len = res->fault_site ? strlen(res->fault_site) : 0,
	};

	if (write_all(fd, &h, sizeof(h)) ||
	    write_all(fd, res->trace.steps, h.nsteps) ||
	    write_all(fd, res->trace.faults, h.nfaults * sizeof(long)) ||
	    write_all(fd, res->info, h.ninfo * sizeof(*res->info)) ||
	    write_all(fd, res->report, h.report_len) ||
	    write_all(fd, res->first_issue, h.issue_len) ||
	    write_all(fd, res->fault_site, h.site_len))
		_exit(3);
}

static char *recv_string(int fd, size_t len)
{
	char *s = malloc(len + 1);

	if (!s || read_all(fd, s, len)) {
		free(s);
		return NULL;
	}
	s[len] = 0;
	return s;
}

static int recv_result(int fd, struct kshim_run_result *res)
{
	struct wire_header h;

	if (read_all(fd, &h, sizeof(h)))
		return -1;
	res->status = h.status;
	res->fn_result = h.fn_result;
	res->problems = h.problems;
	res->steps = h.steps;
	res->fault_points = h.fault_points;
	res->ntasks = h.ntasks;
	res->trace_hash = h.trace_hash;
	res->trace.nsteps = h.nsteps;
	res->trace.nfaults = h.nfaults;
	res->ninfo = h.ninfo;
	res->trace.steps = malloc(h.nsteps + 1);
	res->trace.faults = malloc(h.nfaults * sizeof(long) + 1);
	res->info = malloc(h.ninfo * sizeof(*res->info) + 1);
	if (!res->trace.steps || !res->trace.faults || !res->info ||
	    read_all(fd, res->trace.steps, h.nsteps) ||
	    read_all(fd, res->trace.faults, h.nfaults * sizeof(long)) ||
	    read_all(fd, res->info, h.ninfo * sizeof(*res->info)))
		return -1;
	res->report = recv_string(fd, h.report_len);
	if (h.issue_len)
		res->first_issue = recv_string(fd, h.issue_len);
	if (h.site_len)
		res->fault_site = recv_string(fd, h.site_len);
	return res->report ? 0 : -1;
}

static int run_forked(int (*fn)(void *), void *arg,
		      const struct kshim_sched_config *cfg,
		      struct kshim_run_result *res)
{
	int fds[2], status;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe(fds))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (!pid) {
		struct kshim_run_result child;

		close(fds[0]);
		run_in_process(fn, arg, cfg, &child);
		send_result(fds[1], &child);
		close(fds[1]);
		fflush(NULL);
		_exit(0);
	}
	close(fds[1]);
	if (recv_result(fds[0], res)) {
		kshim_run_result_free(res);
		res->status = KSHIM_RUN_CRASH;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (res->status != KSHIM_RUN_CRASH &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return res->status == KSHIM_RUN_PASS ? 0 : 1;

	res->status = KSHIM_RUN_CRASH;
	free(res->report);
	if (WIFSIGNALED(status))
		res->report = kshim_strdup_printf("the run's process was killed by signal %d (%s)\n",
						  WTERMSIG(status),
						  strsignal(WTERMSIG(status)));
	else
		res->report = kshim_strdup_printf("the run's process exited with status %d before reporting\n",
						  WEXITSTATUS(status));
	free(res->first_issue);
	res->first_issue = strdup("the run crashed");
	return 1;
}

int kshim_run_controlled(int (*fn)(void *), void *arg,
			 const struct kshim_sched_config *cfg, bool fork,
			 struct kshim_run_result *res)
{
	if (fork)
		return run_forked(fn, arg, cfg, res);
	return run_in_process(fn, arg, cfg, res);
}

/* --- explorations ----------------------------------------------------- */

void kshim_explore_result_free(struct kshim_explore_result *res)
{
	free((void *)res->failing_cfg.prefix);
	kshim_run_result_free(&res->failure);
	memset(res, 0, sizeof(*res));
}

/* Keep the first failure; returns true if the caller should stop. */
static bool account(const struct kshim_explore_config *cfg,
		    struct kshim_explore_result *res,
		    const struct kshim_sched_config *scfg,
		    struct kshim_run_result *run)
{
	bool failed = run->status != KSHIM_RUN_PASS;

	res->runs++;
	if (run->ntasks > res->max_tasks)
		res->max_tasks = run->ntasks;
	if (cfg->progress)
		cfg->progress(res->runs, run, cfg->progress_data);
	if (failed) {
		res->failures++;
		if (!res->first_failure_run) {
			res->first_failure_run = res->runs;
			res->failing_cfg = *scfg;
			res->failing_cfg.record_steps = false;
			if (scfg->prefix) {
				unsigned char *copy = malloc(scfg->prefix_len + 1);

				memcpy(copy, scfg->prefix, scfg->prefix_len);
				res->failing_cfg.prefix = copy;
			}
			res->failure = *run;
			memset(run, 0, sizeof(*run));
		}
	}
	kshim_run_result_free(run);
	return failed && cfg->stop_on_failure;
}

static unsigned long max_runs(const struct kshim_explore_config *cfg)
{
	return cfg->runs ? cfg->runs : 1000;
}

static int explore_seeded(int (*fn)(void *), void *arg,
			  const struct kshim_explore_config *cfg,
			  struct kshim_explore_result *res)
{
	struct kshim_sched_config scfg = cfg->sched;
	struct kshim_run_result run;
	unsigned long i;

	if (scfg.kind == KSHIM_SCHED_PCT && !scfg.pct_steps) {
		/* Calibrate k: the steps of one non-preemptive run. */
		struct kshim_sched_config cal = scfg;

		cal.kind = KSHIM_SCHED_RR;
		kshim_run_controlled(fn, arg, &cal, cfg->fork, &run);
		scfg.pct_steps = run.steps ? run.steps : 1;
		res->max_tasks = run.ntasks;
		kshim_run_result_free(&run);
	}
	res->pct_steps = scfg.pct_steps;
	for (i = 0; i < max_runs(cfg); i++) {
		scfg.seed = cfg->sched.seed + i;
		kshim_run_controlled(fn, arg, &scfg, cfg->fork, &run);
		if (account(cfg, res, &scfg, &run))
			break;
	}
	return res->failures;
}

/*
 * The order in which a step's alternatives are tried: the non-preemptive
 * choice first, then the others by task index.
 */
static int alternatives(const struct kshim_step_info *si, unsigned char *out)
{
	int n = 0, i;
	unsigned char def;

	if (si->prev_runnable) {
		def = si->prev;
	} else {
		def = 0xff;
		for (i = 0; i < KSHIM_CTL_MAX_TASKS; i++)
			if ((si->runnable & (1ULL << i)) && i > si->prev) {
				def = i;
				break;
			}
		if (def == 0xff)
			def = __builtin_ctzll(si->runnable);
	}
	out[n++] = def;
	for (i = 0; i < KSHIM_CTL_MAX_TASKS; i++)
		if ((si->runnable & (1ULL << i)) && i != def)
			out[n++] = i;
	return n;
}

static bool is_preemption(const struct kshim_step_info *si, unsigned char c)
{
	return si->prev_runnable && c != si->prev;
}

/*
 * Next prefix after a run with steps @info: back up to the deepest step
 * that has an untried alternative within the preemption @bound.
 */
static bool dfs_next(const struct kshim_step_info *info, unsigned long n,
		     unsigned int bound, unsigned char **prefix,
		     unsigned long *prefix_len)
{
	unsigned int *pre = calloc(n + 1, sizeof(*pre));
	unsigned char alt[KSHIM_CTL_MAX_TASKS];
	unsigned long i;
	bool found = false;

	for (i = 0; i < n; i++)
		pre[i + 1] = pre[i] + is_preemption(&info[i], info[i].chosen);
	for (i = n; i-- > 0 && !found;) {
		int na = alternatives(&info[i], alt), k;

		for (k = 0; k < na && alt[k] != info[i].chosen; k++)
			;
		for (k++; k < na; k++) {
			if (pre[i] + is_preemption(&info[i], alt[k]) > bound)
				continue;
			*prefix = realloc(*prefix, i + 1);
			for (unsigned long j = 0; j < i; j++)
				(*prefix)[j] = info[j].chosen;
			(*prefix)[i] = alt[k];
			*prefix_len = i + 1;
			found = true;
			break;
		}
	}
	free(pre);
	return found;
}

static int explore_dfs(int (*fn)(void *), void *arg,
		       const struct kshim_explore_config *cfg,
		       struct kshim_explore_result *res)
{
	struct kshim_sched_config scfg = cfg->sched;
	unsigned char *prefix = NULL;
	struct kshim_run_result run;
	unsigned int bound;
	bool stop = false;

	scfg.record_steps = true;
	res->exhausted = true;
	for (bound = 0; bound <= cfg->preempt_bound && !stop; bound++) {
		unsigned long prefix_len = 0;

		for (;;) {
			if (res->runs >= max_runs(cfg)) {
				res->exhausted = false;
				stop = true;
				break;
			}
			scfg.prefix = prefix;
			scfg.prefix_len = prefix_len;
			kshim_run_controlled(fn, arg, &scfg, cfg->fork, &run);
			if (run.status == KSHIM_RUN_CRASH || !run.info) {
				/* No step record: this branch cannot go on. */
				stop = account(cfg, res, &scfg, &run);
				break;
			}
			{
				struct kshim_step_info *info = run.info;
				unsigned long ninfo = run.ninfo;
				bool more;

				run.info = NULL;
				stop = account(cfg, res, &scfg, &run);
				more = !stop && dfs_next(info, ninfo, bound,
							 &prefix, &prefix_len);
				free(info);
				if (!more)
					break;
			}
		}
	}
	free(prefix);
	return res->failures;
}

int kshim_explore(int (*fn)(void *), void *arg,
		  const struct kshim_explore_config *cfg,
		  struct kshim_explore_result *res)
{
	memset(res, 0, sizeof(*res));
	if (cfg->sched.kind == KSHIM_SCHED_DFS)
		return explore_dfs(fn, arg, cfg, res);
	return explore_seeded(fn, arg, cfg, res);
}

/* --- fail-nth sweeps -------------------------------------------------- */

void kshim_sweep_result_free(struct kshim_sweep_result *res)
{
	free(res->first_failing_site);
	kshim_run_result_free(&res->failure);
	memset(res, 0, sizeof(*res));
}

int kshim_fail_sweep(int (*fn)(void *), void *arg,
		     const struct kshim_sched_config *sched, bool fork,
		     unsigned long max_nth, struct kshim_sweep_result *res)
{
	struct kshim_sched_config scfg = *sched;
	struct kshim_run_result run;
	unsigned long nth;

	memset(res, 0, sizeof(*res));
	scfg.fail_nth = 0;
	kshim_run_controlled(fn, arg, &scfg, fork, &run);
	res->runs++;
	res->fault_points = run.fault_points;
	if (run.status != KSHIM_RUN_PASS) {
		/* The program fails even without injection. */
		res->failures++;
		res->failure = run;
		return 1;
	}
	kshim_run_result_free(&run);

	for (nth = 1; nth <= res->fault_points; nth++) {
		if (max_nth && nth > max_nth)
			break;
		scfg.fail_nth = nth;
		kshim_run_controlled(fn, arg, &scfg, fork, &run);
		res->runs++;
		if (run.status != KSHIM_RUN_PASS) {
			res->failures++;
			if (!res->first_failing_nth) {
				res->first_failing_nth = nth;
				res->first_failing_site = run.fault_site ?
					strdup(run.fault_site) : NULL;
				res->failure = run;
				continue;
			}
		}
		kshim_run_result_free(&run);
	}
	return res->failures;
}

/* --- trace files ------------------------------------------------------ */

int kshim_trace_write(FILE *out, const struct kshim_trace *trace)
{
	unsigned long i = 0;

	fprintf(out, "kshim-trace 1\nsteps");
	while (i < trace->nsteps) {
		unsigned long j = i;

		while (j < trace->nsteps && trace->steps[j] == trace->steps[i])
			j++;
		if (j - i > 1)
			fprintf(out, " %u*%lu", trace->steps[i], j - i);
		else
			fprintf(out, " %u", trace->steps[i]);
		i = j;
	}
	fprintf(out, "\nfaults");
	for (i = 0; i < trace->nfaults; i++)
		fprintf(out, " %lu", trace->faults[i]);
	fprintf(out, "\n");
	return ferror(out) ? -EIO : 0;
}

int kshim_trace_read(FILE *in, struct kshim_trace *trace)
{
	char *line = NULL, *tok, *save;
	size_t cap = 0;
	int version = 0, rc = -EINVAL;
	GByteArray *steps = g_byte_array_new();
	GArray *faults = g_array_new(FALSE, FALSE, sizeof(unsigned long));

	memset(trace, 0, sizeof(*trace));
	while (getline(&line, &cap, in) > 0) {
		if (sscanf(line, "kshim-trace %d", &version) == 1)
			continue;
		tok = strtok_r(line, " \n", &save);
		if (!tok)
			continue;
		if (!strcmp(tok, "steps")) {
			while ((tok = strtok_r(NULL, " \n", &save))) {
				unsigned int t;
				unsigned long rep = 1;
				unsigned char b;

				if (sscanf(tok, "%u*%lu", &t, &rep) < 1 ||
				    t >= KSHIM_CTL_MAX_TASKS)
					goto out;
				b = t;
				while (rep--)
					g_byte_array_append(steps, &b, 1);
			}
		} else if (!strcmp(tok, "faults")) {
			while ((tok = strtok_r(NULL, " \n", &save))) {
				unsigned long f = strtoul(tok, NULL, 10);

				g_array_append_val(faults, f);
			}
		}
	}
	if (version != 1)
		goto out;
	trace->nsteps = steps->len;
	trace->steps = malloc(steps->len + 1);
	if (steps->len)
		memcpy(trace->steps, steps->data, steps->len);
	trace->nfaults = faults->len;
	trace->faults = malloc(faults->len * sizeof(unsigned long) + 1);
	if (faults->len)
		memcpy(trace->faults, faults->data,
		       faults->len * sizeof(unsigned long));
	rc = 0;
out:
	free(line);
	g_byte_array_free(steps, TRUE);
	g_array_free(faults, TRUE);
	return rc;
}
