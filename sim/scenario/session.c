// SPDX-License-Identifier: GPL-2.0
/*
 * session.c - one scenario file, run as its settings and the command line
 * say, judged, and made reproducible.
 *
 * Modes, in order of precedence:
 *   replay    --replay TRACE: one run following the trace (and its seed);
 *   fail-nth  --fail-nth or 'set fail-nth on': one clean run counts the
 *             fault points, then one run per point with that point
 *             failing; each must end clean (deviations from the expected
 *             outcomes stop a run quietly, the audit must still pass);
 *   explore   --explore N, 'set explore N' or the dfs scheduler:
 *             kshim_explore() until the first failure;
 *   run       one run.
 *
 * Every run is a controlled run of sc_program(), in a child process unless
 * --no-fork.  A failing run is classified (deadlock, lost wakeup, livelock,
 * a failed expectation, lockdep, a reference cycle, a WARN, a leak, a
 * crash), its trace is written next to the caller as
 * iommufd-sim-NAME-SEED.trace, and it is replayed once to check that the
 * trace reproduces it.
 */
#include <glib.h>		/* before kernel headers: they define noinline */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <kshim/sched.h>
#include <kshim/umem.h>
#include "session.h"

#define REPORT_LINES	80

const char *sc_verdict_name(enum sc_verdict v)
{
	switch (v) {
	case SC_PASS: return "pass";
	case SC_FAIL: return "fail";
	case SC_SKIP: return "skip";
	case SC_ERROR: return "error";
	}
	return "?";
}

void sc_result_clear(struct sc_result *r)
{
	g_free(r->path);
	g_free(r->name);
	g_free(r->headline);
	g_free(r->detail);
	g_free(r->skip_reason);
	if (r->errors)
		g_ptr_array_unref(r->errors);
	g_free(r->fault_site);
	g_free(r->trace_file);
	g_free(r->replay_cmd);
	g_free(r->gdb_cmd);
	g_free(r->dot_file);
	g_free(r->png_file);
	memset(r, 0, sizeof(*r));
}

/* ---- classification ------------------------------------------------------ */

static bool report_has(const char *report, const char *kind,
		       const char *in_title)
{
	const char *p = report;
	size_t klen = strlen(kind);

	while (p && *p) {
		const char *eol = strchr(p, '\n');

		if (p[0] == '[' && !strncmp(p + 1, kind, klen) &&
		    p[1 + klen] == ']') {
			if (!in_title)
				return true;
			if (g_strstr_len(p, eol ? eol - p : -1, in_title))
				return true;
		}
		p = eol ? eol + 1 : NULL;
	}
	return false;
}

static enum sc_failure_kind classify(const struct kshim_run_result *res,
				     const struct sc_shared *sh)
{
	const char *rep = res->report ? res->report : "";

	/*
	 * A failed expectation stops the run; what happens while the other
	 * threads wind down (even getting stuck) is its consequence.
	 */
	if (sh && sh->failed && res->status != KSHIM_RUN_CRASH)
		return SC_FK_EXPECTATION;
	switch (res->status) {
	case KSHIM_RUN_PASS:
		return SC_FK_NONE;
	case KSHIM_RUN_CRASH:
		return SC_FK_CRASH;
	case KSHIM_RUN_DEADLOCK:
		return strstr(rep, "BUG: deadlock") ? SC_FK_DEADLOCK :
						      SC_FK_LOST_WAKEUP;
	case KSHIM_RUN_LIVELOCK:
		return SC_FK_LIVELOCK;
	case KSHIM_RUN_DIVERGED:
		return SC_FK_DIVERGED;
	case KSHIM_RUN_FAIL:
		break;
	}
	if (sh && sh->failed)
		return SC_FK_EXPECTATION;
	if (report_has(rep, "lockdep", NULL) ||
	    report_has(rep, "atomic-sleep", NULL))
		return SC_FK_LOCKDEP;
	if (report_has(rep, "leak", "reference cycle"))
		return SC_FK_CYCLE;
	if (report_has(rep, "warn", NULL))
		return SC_FK_WARN;
	if (report_has(rep, "leak", NULL) || res->problems)
		return SC_FK_LEAK;
	return SC_FK_OTHER;
}

static const char *kind_phrase(enum sc_failure_kind k)
{
	switch (k) {
	case SC_FK_DEADLOCK: return "deadlock";
	case SC_FK_LOST_WAKEUP: return "lost wakeup";
	case SC_FK_LIVELOCK: return "livelock";
	case SC_FK_LEAK: return "leak";
	case SC_FK_CYCLE: return "reference cycle";
	case SC_FK_LOCKDEP: return "lockdep report";
	case SC_FK_WARN: return "WARN";
	case SC_FK_EXPECTATION: return "failed expectation";
	case SC_FK_CRASH: return "crash";
	case SC_FK_DIVERGED: return "replay divergence";
	default: return "failure";
	}
}

/* The first @max lines of @s, and a note of how many more there are. */
static char *head_lines(const char *s, unsigned int max)
{
	GString *out = g_string_new(NULL);
	unsigned int n = 0, rest = 0;

	for (const char *p = s; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (n < max)
			g_string_append_printf(out, "    %.*s\n", (int)len, p);
		else
			rest++;
		n++;
		p = eol ? eol + 1 : NULL;
	}
	if (rest)
		g_string_append_printf(out, "    ... %u more lines (-v shows everything)\n",
				       rest);
	return g_string_free(out, FALSE);
}

/*
 * The report with the issue that decided the run's fate first, then the
 * other issues, then the audit's findings (what was left behind), which
 * are mostly consequences.
 */
static char *primary_first(const char *report, enum sc_failure_kind kind)
{
	static const char *const kinds[] = {
		"warn", "lockdep", "atomic-sleep", "deadlock", "livelock",
		"leak", "other",
	};
	GString *pre = g_string_new(NULL), *first = g_string_new(NULL);
	GString *rest = g_string_new(NULL), *cur = pre;
	char **lines = g_strsplit(report, "\n", -1);
	const char *want = NULL, *title_has = NULL;
	bool taken = false;

	switch (kind) {
	case SC_FK_DEADLOCK:
	case SC_FK_LOST_WAKEUP: want = "deadlock"; break;
	case SC_FK_LIVELOCK: want = "livelock"; break;
	case SC_FK_LOCKDEP: want = "lockdep"; break;
	case SC_FK_WARN: want = "warn"; break;
	case SC_FK_CYCLE: want = "leak"; title_has = "reference cycle"; break;
	case SC_FK_EXPECTATION: want = "other"; break;
	default: break;
	}
	for (char **l = lines; *l; l++) {
		bool start = false;
		const char *k = NULL;

		if ((*l)[0] == '[') {
			for (unsigned int i = 0; i < G_N_ELEMENTS(kinds); i++) {
				size_t n = strlen(kinds[i]);

				if (!strncmp(*l + 1, kinds[i], n) && (*l)[n + 1] == ']') {
					start = true;
					k = kinds[i];
				}
			}
		}
		if (start) {
			if (!taken && want && !strcmp(k, want) &&
			    (!title_has || strstr(*l, title_has))) {
				cur = first;
				taken = true;
			} else {
				cur = rest;
			}
		}
		if (**l || l[1])
			g_string_append_printf(cur, "%s\n", *l);
	}
	g_strfreev(lines);
	g_string_append(first, rest->str);
	if (pre->len) {
		g_string_append(first, "left behind (the audit at the end of the run):\n");
		g_string_append(first, pre->str);
	}
	g_string_free(pre, TRUE);
	g_string_free(rest, TRUE);
	return g_string_free(first, FALSE);
}

/* The title of the issue that decided @kind, if the report has one. */
static char *primary_title(const char *report, enum sc_failure_kind kind)
{
	char *ordered = primary_first(report, kind), *nl, *t;

	if (ordered[0] != '[' || !(t = strchr(ordered, ' '))) {
		g_free(ordered);
		return NULL;
	}
	nl = strchr(t, '\n');
	t = g_strndup(t + 1, nl ? nl - t - 1 : (long)strlen(t + 1));
	g_free(ordered);
	return t;
}

/* ---- running --------------------------------------------------------------- */

struct session {
	const struct sc_scenario *sc;
	const struct sc_cli_opts *o;
	struct sc_result *r;
	struct sc_shared *shared;	/* MAP_SHARED */
	struct sc_runopts ropts;
	struct sc_program_arg arg;
	bool fork;
	unsigned long total;		/* for progress */
	/* The run --dot draws from: its decisions, seed, injected fault. */
	bool have_graph;
	struct kshim_trace graph_trace;
	uint64_t graph_seed;
	unsigned long graph_fail_nth;
	struct sc_shared graph_shared;
	gint64 last_progress;
	const char *what;
};

static void progress_line(struct session *s, unsigned long run,
			  unsigned long failures)
{
	gint64 now = g_get_monotonic_time();

	/* At most ten updates a second. */
	if (!s->o->progress || now - s->last_progress < 100000)
		return;
	s->last_progress = now;
	if (s->total)
		printf("\r  %s: run %lu/%lu, %lu failing   ", s->what, run,
		       s->total, failures);
	else
		printf("\r  %s: run %lu, %lu failing   ", s->what, run, failures);
	fflush(stdout);
}

static void progress_done(struct session *s)
{
	if (!s->o->progress)
		return;
	printf("\r%*s\r", 60, "");
	fflush(stdout);
}

static void run_once(struct session *s, const struct kshim_sched_config *cfg,
		     struct kshim_run_result *res)
{
	int rc = kshim_run_controlled(sc_program, &s->arg, cfg, s->fork, res);

	if (rc < 0) {
		memset(res, 0, sizeof(*res));
		res->status = KSHIM_RUN_CRASH;
		res->report = g_strdup_printf("could not start the run: %s\n",
					      g_strerror(-rc));
	}
}

struct explore_cb {
	struct session *s;
	bool copied;
};

static void on_explore_run(unsigned long run, const struct kshim_run_result *res,
			   void *data)
{
	struct explore_cb *cb = data;

	if (res->status != KSHIM_RUN_PASS && !cb->copied) {
		cb->s->r->shared = *cb->s->shared;
		cb->s->r->have_shared = true;
		cb->copied = true;
	}
	progress_line(cb->s, run, cb->copied);
}

static char *trace_name(struct session *s, uint64_t seed)
{
	char *base = g_path_get_basename(s->sc->path), *dot, *name, *path;

	dot = strrchr(base, '.');
	if (dot && dot != base)
		*dot = 0;
	for (char *p = base; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_')
			*p = '_';
	name = g_strdup_printf("iommufd-sim-%s-%" G_GUINT64_FORMAT ".trace",
			       base, seed);
	path = s->o->trace_dir ? g_build_filename(s->o->trace_dir, name, NULL) :
				 g_strdup(name);
	g_free(base);
	g_free(name);
	return path;
}

static bool write_trace(const char *path, const struct sc_scenario *sc,
			const struct kshim_trace *trace, uint64_t seed,
			const char *sched, enum sc_failure_kind kind)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return false;
	kshim_trace_write(f, trace);
	/* kshim_trace_read() skips lines it does not know. */
	fprintf(f, "seed %" G_GUINT64_FORMAT "\n", seed);
	fprintf(f, "scheduler %s\n", sched);
	fprintf(f, "scenario %s\n", sc->path);
	fprintf(f, "failure %s\n", sc_failure_kind_name(kind));
	return fclose(f) == 0;
}

/* Read a trace file; its "seed" line if @seed is not NULL. */
static int read_trace(const char *path, struct kshim_trace *trace,
		      uint64_t *seed, bool *seed_found)
{
	char *text = NULL, **lines;
	FILE *f;
	int rc;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return -errno ? -errno : -ENOENT;
	lines = g_strsplit(text, "\n", -1);
	*seed_found = false;
	for (char **l = lines; *l; l++)
		if (g_str_has_prefix(*l, "seed ") &&
		    sc_parse_number(*l + 5, seed))
			*seed_found = true;
	g_strfreev(lines);
	f = fmemopen(text, strlen(text), "r");
	rc = kshim_trace_read(f, trace);
	fclose(f);
	g_free(text);
	return rc;
}

/* Quote for a shell only when needed, so commands stay readable. */
static char *shell_quote(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!g_ascii_isalnum(*p) && !strchr("_-./=:+,@%", *p))
			return g_shell_quote(s);
	return *s ? g_strdup(s) : g_strdup("''");
}

/* One more run following @trace: does it fail the same way? */
static void replay_check(struct session *s, const struct kshim_sched_config *base,
			 const struct kshim_trace *trace, uint64_t seed,
			 enum sc_failure_kind kind, uint64_t hash)
{
	struct kshim_sched_config cfg = *base;
	struct kshim_run_result res;
	struct sc_shared saved = *s->shared;
	struct sc_runopts ropts = s->ropts;

	cfg.kind = KSHIM_SCHED_REPLAY;
	cfg.replay = trace;
	cfg.seed = seed;
	cfg.fail_nth = 0;
	cfg.break_at_step = 0;
	ropts.trace = NULL;
	ropts.break_at_step = 0;
	s->arg.opts = &ropts;
	run_once(s, &cfg, &res);
	s->arg.opts = &s->ropts;
	s->r->reproduced = classify(&res, s->shared) == kind &&
			   res.trace_hash == hash;
	kshim_run_result_free(&res);
	*s->shared = saved;
}

/* Remember a run to draw its graph from (--dot). */
static void keep_for_graph(struct session *s, const struct kshim_run_result *res,
			   uint64_t seed, unsigned long fail_nth)
{
	if (!s->o->dot_path)
		return;
	kshim_trace_free(&s->graph_trace);
	s->graph_trace.nsteps = res->trace.nsteps;
	/* kshim_trace_free() frees with free() */
	s->graph_trace.steps = malloc(res->trace.nsteps + 1);
	if (s->graph_trace.steps && res->trace.nsteps)
		memcpy(s->graph_trace.steps, res->trace.steps, res->trace.nsteps);
	s->graph_seed = seed;
	s->graph_fail_nth = fail_nth;
	s->graph_shared = *s->shared;
	s->have_graph = true;
}

/*
 * Draw the object graph after the chosen step (--dot-step), else after
 * the failing step, else after the last one: run the kept run again,
 * following its decisions up to that moment, and let the step's thread
 * draw without preemption (dfs after its prefix behaves like rr).
 */
static void draw_graph(struct session *s, const struct kshim_sched_config *base)
{
	const struct sc_shared *sh = &s->graph_shared;
	struct kshim_sched_config cfg = *base;
	struct sc_runopts ropts = s->ropts;
	struct kshim_run_result res;
	unsigned long step, k;

	if (s->o->dot_step) {
		step = s->o->dot_step;
		k = sh->mark_sched;
		if (step > sh->steps) {
			fprintf(stderr, "iommufd-sim: %s: no graph: the run has %lu steps, not %lu\n",
				s->sc->path, sh->steps, step);
			return;
		}
	} else if (sh->failed) {
		step = sh->step;
		k = sh->fail_sched;
	} else {
		step = sh->last_step;
		k = sh->last_sched;
	}
	cfg.kind = KSHIM_SCHED_DFS;
	cfg.prefix = s->graph_trace.steps;
	cfg.prefix_len = MIN(k, s->graph_trace.nsteps);
	cfg.replay = NULL;
	cfg.seed = s->graph_seed;
	cfg.fail_nth = s->graph_fail_nth;
	cfg.break_at_step = 0;
	ropts.dot_path = s->o->dot_path;
	ropts.dot_step = step;
	ropts.trace = NULL;
	ropts.break_at_step = 0;
	ropts.fail_nth_mode = s->graph_fail_nth != 0;
	s->arg.opts = &ropts;
	run_once(s, &cfg, &res);
	s->arg.opts = &s->ropts;
	if (s->shared->dot_written)
		s->r->dot_file = g_strdup(s->o->dot_path);
	else
		fprintf(stderr, "iommufd-sim: %s: no graph: the run did not reach step %lu\n",
			s->sc->path, step);
	kshim_run_result_free(&res);
}

static void describe_failure(struct session *s, const struct kshim_run_result *res,
			     const struct kshim_sched_config *cfg, uint64_t seed)
{
	struct sc_result *r = s->r;
	const struct sc_shared *sh = r->have_shared ? &r->shared : NULL;
	GString *d = g_string_new(NULL);
	char *qself = shell_quote(s->o->self), *qfile = shell_quote(s->sc->path);
	char *title = NULL;

	r->kind = classify(res, sh);
	r->sched_steps = res->steps;
	r->seed = seed;
	if (res->fault_site && !r->fault_site)
		r->fault_site = g_strdup(res->fault_site);

	if (sh && sh->failed)
		r->headline = g_strdup_printf("%s:%d: %s", sh->file, sh->line,
					      sh->msg);
	else if (res->report && (title = primary_title(res->report, r->kind)))
		r->headline = g_strdup_printf("%s: %s", kind_phrase(r->kind),
					      title);
	else if (res->first_issue)
		r->headline = g_strdup_printf("%s: %s", kind_phrase(r->kind),
					      res->first_issue);
	else
		r->headline = g_strdup_printf("%s (run status %s)",
					      kind_phrase(r->kind),
					      kshim_run_status_name(res->status));

	if (sh && sh->failed)
		g_string_append_printf(d, "  at step %lu in thread %s (scheduler step %lu)\n",
				       sh->step, sh->thread, sh->sched_step);
	if (r->runs > 1)
		g_string_append_printf(d, "  %s (failing run %lu of %lu), scheduler %s, seed %" G_GUINT64_FORMAT ", %lu scheduler steps\n",
				       r->mode, r->failing_run, r->runs,
				       r->scheduler, seed, res->steps);
	else
		g_string_append_printf(d, "  %s, scheduler %s, seed %" G_GUINT64_FORMAT ", %lu scheduler steps\n",
				       r->mode, r->scheduler, seed, res->steps);
	if (r->fail_nth)
		g_string_append_printf(d, "  injected failure: fault point %lu%s%s\n",
				       r->fail_nth, r->fault_site ? " at " : "",
				       r->fault_site ? r->fault_site : "");
	if (res->report && *res->report) {
		bool checker = !(sh && sh->failed);

		if (checker || s->o->verbose) {
			char *ordered = primary_first(res->report, r->kind);
			char *body = head_lines(ordered, s->o->verbose ? ~0u :
						REPORT_LINES);

			g_free(ordered);

			g_string_append(d, checker ? "  report:\n" :
					"  audit of the stopped run:\n");
			g_string_append(d, body);
			g_free(body);
		} else if (res->problems > 1) {
			g_string_append_printf(d, "  (the audit of the stopped run found %d more problem(s); -v shows them)\n",
					       res->problems - 1);
		}
	}

	/* A replay's trace is the one it was given: never overwrite it. */
	r->trace_file = s->o->replay ? g_strdup(s->o->replay) :
				       trace_name(s, seed);
	if (s->o->replay ||
	    write_trace(r->trace_file, s->sc, &res->trace, seed, r->scheduler,
			r->kind)) {
		char *qtrace = shell_quote(r->trace_file);
		unsigned long step = sh && sh->step ? sh->step : 0;

		r->replay_cmd = g_strdup_printf("%s run %s --replay %s", qself,
						qfile, qtrace);
		if (step)
			r->gdb_cmd = g_strdup_printf("gdb -ex run --args %s run %s --replay %s --break-at-step %lu",
						     qself, qfile, qtrace, step);
		else
			r->gdb_cmd = g_strdup_printf("gdb -ex run --args %s run %s --replay %s --break-at-sched-step %lu",
						     qself, qfile, qtrace,
						     res->steps ? res->steps : 1);
		g_free(qtrace);
		if (!s->o->replay && s->fork)
			replay_check(s, cfg, &res->trace, seed, r->kind,
				     res->trace_hash);
	} else {
		g_string_append_printf(d, "  (could not write the trace to %s: %s)\n",
				       r->trace_file, g_strerror(errno));
	}
	r->detail = g_string_free(d, FALSE);
	g_free(title);
	g_free(qself);
	g_free(qfile);
}

static enum kshim_sched_kind pick_scheduler(const struct session *s)
{
	if (s->o->scheduler >= 0)
		return s->o->scheduler;
	if (s->sc->set.scheduler >= 0)
		return s->sc->set.scheduler;
	return KSHIM_SCHED_RR;
}

static void judge(struct session *s, const struct kshim_run_result *fail,
		  const struct kshim_sched_config *cfg, uint64_t seed)
{
	struct sc_result *r = s->r;
	enum sc_failure_kind want = s->sc->set.expect_failure;

	r->expected = want;
	if (!fail) {
		if (want) {
			r->verdict = SC_FAIL;
			r->kind = SC_FK_NONE;
			r->headline = g_strdup_printf("expected a %s (expect-failure %s at line %d), but %lu run%s ended clean",
						      kind_phrase(want),
						      sc_failure_kind_name(want),
						      s->sc->set.expect_failure_line,
						      r->runs, r->runs == 1 ? "" : "s");
		} else {
			r->verdict = SC_PASS;
		}
		return;
	}
	if (want && classify(fail, r->have_shared ? &r->shared : NULL) == want) {
		r->verdict = SC_PASS;
		r->kind = want;
		r->seed = seed;
		char *title = fail->report ? primary_title(fail->report, want) :
					     NULL;

		r->headline = g_strdup_printf("found the expected %s%s%s",
					      kind_phrase(want), title ? ": " : "",
					      title ? title : "");
		g_free(title);
		if (s->o->verbose && fail->report) {
			char *ordered = primary_first(fail->report, want);

			r->detail = head_lines(ordered, ~0u);
			g_free(ordered);
		}
		return;
	}
	r->verdict = SC_FAIL;
	describe_failure(s, fail, cfg, seed);
	if (want) {
		char *h = r->headline;

		r->headline = g_strdup_printf("expected a %s, got a %s: %s",
					      kind_phrase(want),
					      kind_phrase(r->kind), h);
		g_free(h);
	}
}

static void mode_single(struct session *s, struct kshim_sched_config *cfg)
{
	struct kshim_run_result res;

	run_once(s, cfg, &res);
	s->r->runs = 1;
	keep_for_graph(s, &res, cfg->seed, 0);
	if (res.status != KSHIM_RUN_PASS) {
		s->r->failing_runs = 1;
		s->r->failing_run = 1;
		s->r->shared = *s->shared;
		s->r->have_shared = true;
		judge(s, &res, cfg, cfg->seed);
	} else {
		s->r->shared = *s->shared;
		judge(s, NULL, cfg, cfg->seed);
	}
	kshim_run_result_free(&res);
}

static void mode_explore(struct session *s, struct kshim_sched_config *cfg,
			 unsigned long runs, unsigned int bound)
{
	struct explore_cb cb = { .s = s };
	struct kshim_explore_config ecfg = {
		.sched = *cfg,
		.runs = runs,
		.preempt_bound = bound,
		.fork = s->fork,
		.stop_on_failure = true,
		.progress = on_explore_run,
		.progress_data = &cb,
	};
	struct kshim_explore_result res;

	s->total = runs;
	s->what = "exploring";
	kshim_explore(sc_program, &s->arg, &ecfg, &res);
	progress_done(s);
	s->r->runs = res.runs;
	s->r->exhausted = cfg->kind == KSHIM_SCHED_DFS && res.exhausted;
	s->r->preempt_bound = bound;
	s->r->failing_runs = res.failures;
	s->r->failing_run = res.first_failure_run;
	if (res.failures) {
		if (cb.copied) {
			struct sc_shared now = *s->shared;

			*s->shared = s->r->shared;
			keep_for_graph(s, &res.failure, res.failing_cfg.seed, 0);
			*s->shared = now;
		}
		judge(s, &res.failure, &res.failing_cfg, res.failing_cfg.seed);
	} else {
		judge(s, NULL, cfg, cfg->seed);
		if (s->o->dot_path) {
			/* Draw the first schedule's run. */
			struct kshim_run_result one;

			run_once(s, cfg, &one);
			keep_for_graph(s, &one, cfg->seed, 0);
			kshim_run_result_free(&one);
		}
	}
	kshim_explore_result_free(&res);
}

static void mode_fail_nth(struct session *s, struct kshim_sched_config *cfg)
{
	struct kshim_run_result res;
	unsigned long points, nth;

	/* The clean run checks every expectation and counts fault points. */
	cfg->fail_nth = 0;
	run_once(s, cfg, &res);
	s->r->runs = 1;
	keep_for_graph(s, &res, cfg->seed, 0);
	if (res.status != KSHIM_RUN_PASS) {
		s->r->failing_runs = 1;
		s->r->failing_run = 1;
		s->r->shared = *s->shared;
		s->r->have_shared = true;
		judge(s, &res, cfg, cfg->seed);
		kshim_run_result_free(&res);
		return;
	}
	points = res.fault_points;
	s->r->fault_points = points;
	kshim_run_result_free(&res);
	if (s->o->fail_nth_max && points > s->o->fail_nth_max)
		points = s->o->fail_nth_max;

	s->ropts.fail_nth_mode = true;
	s->total = points + 1;
	s->what = "fail-nth";
	for (nth = 1; nth <= points; nth++) {
		cfg->fail_nth = nth;
		run_once(s, cfg, &res);
		s->r->runs++;
		progress_line(s, s->r->runs, 0);
		if (res.status != KSHIM_RUN_PASS) {
			progress_done(s);
			keep_for_graph(s, &res, cfg->seed, nth);
			s->r->failing_runs = 1;
			s->r->failing_run = s->r->runs;
			s->r->fail_nth = nth;
			s->r->shared = *s->shared;
			s->r->have_shared = true;
			judge(s, &res, cfg, cfg->seed);
			kshim_run_result_free(&res);
			s->ropts.fail_nth_mode = false;
			return;
		}
		kshim_run_result_free(&res);
	}
	progress_done(s);
	s->ropts.fail_nth_mode = false;
	judge(s, NULL, cfg, cfg->seed);
}

/* Whether userfaultfd cannot be used here, and why. */
static bool uffd_forbidden(const char **why)
{
	const char *env = getenv("KSHIM_USERFAULTFD");

	if (env && (!strcmp(env, "0") || !g_ascii_strcasecmp(env, "no") ||
		    !g_ascii_strcasecmp(env, "off") ||
		    !g_ascii_strcasecmp(env, "false"))) {
		*why = "KSHIM_USERFAULTFD turns it off";
		return true;
	}
	return !kshim_uffd_available(why);
}

void sc_session_run(const char *path, const struct sc_cli_opts *o,
		    struct sc_result *r)
{
	struct session s = { .o = o, .r = r };
	struct kshim_sched_config cfg = { 0 };
	struct kshim_trace replay = { 0 };
	struct sc_scenario *sc;
	gint64 t0 = g_get_monotonic_time();
	char *dot_prog = NULL;
	const char *why;
	unsigned long explore;
	int bound;

	memset(r, 0, sizeof(*r));
	r->path = g_strdup(path);
	r->errors = g_ptr_array_new_with_free_func(g_free);
	r->reproduced = -1;
	sc = sc_parse_file(path, r->errors);
	if (!sc) {
		char *base = g_path_get_basename(path);

		r->name = base;
		r->verdict = SC_ERROR;
		r->mode = "parse";
		r->headline = g_strdup_printf("%u mistake%s in the scenario; nothing ran",
					      r->errors->len,
					      r->errors->len == 1 ? "" : "s");
		goto out;
	}
	s.sc = sc;
	r->name = g_strdup(sc->name);
	r->expected = sc->set.expect_failure;

	if (sc->set.uffd == SC_UFFD_REQUIRED && uffd_forbidden(&why)) {
		r->verdict = SC_SKIP;
		r->mode = "run";
		r->skip_reason = g_strdup_printf("needs userfaultfd ('set uffd required'), which is not available here: %s",
						 why);
		goto out;
	}
	if (o->fail_nth && sc->set.expect_failure) {
		r->verdict = SC_SKIP;
		r->mode = "fail-nth";
		r->skip_reason = g_strdup_printf("a fail-nth sweep needs every run clean, and this scenario expects a %s",
						 kind_phrase(sc->set.expect_failure));
		goto out;
	}

	s.shared = mmap(NULL, sizeof(struct sc_shared), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s.shared == MAP_FAILED) {
		r->verdict = SC_ERROR;
		r->headline = g_strdup_printf("mmap: %s", g_strerror(errno));
		goto out;
	}
	memset(s.shared, 0, sizeof(*s.shared));
	s.ropts.break_at_step = o->break_at_step;
	s.ropts.dot_step = o->dot_step;		/* marks where to draw */
	s.ropts.trace = o->trace ? o->trace_out : NULL;
	s.ropts.uffd = sc->set.uffd != SC_UFFD_OFF;
	s.arg.sc = sc;
	s.arg.opts = &s.ropts;
	s.arg.shared = s.shared;
	s.fork = !o->no_fork && !o->break_at_step && !o->break_at_sched_step;

	cfg.kind = pick_scheduler(&s);
	cfg.seed = o->seed_set ? o->seed : sc->set.seed_set ? sc->set.seed : 1;
	cfg.pct_depth = sc->set.pct_depth;
	cfg.max_steps = sc->set.max_steps;
	cfg.break_at_step = o->break_at_sched_step;
	r->scheduler = kshim_sched_kind_name(cfg.kind);
	r->seed = cfg.seed;
	explore = o->explore ? o->explore : sc->set.explore;
	bound = o->preempt_bound >= 0 ? o->preempt_bound :
		sc->set.preempt_bound >= 0 ? sc->set.preempt_bound : 2;

	if (o->replay) {
		uint64_t seed = cfg.seed;
		bool found;
		int rc = read_trace(o->replay, &replay, &seed, &found);

		if (rc) {
			r->verdict = SC_ERROR;
			r->mode = "replay";
			r->headline = g_strdup_printf("cannot read the trace %s (%s)",
						      o->replay,
						      rc == -EINVAL ? "not a kshim-trace file" :
						      g_strerror(-rc));
			goto out_unmap;
		}
		if (found && !o->seed_set)
			cfg.seed = seed;
		cfg.kind = KSHIM_SCHED_REPLAY;
		cfg.replay = &replay;
		r->mode = "replay";
		r->scheduler = "replay";
		r->seed = cfg.seed;
		mode_single(&s, &cfg);
	} else if (o->fail_nth || sc->set.fail_nth == 1) {
		r->mode = "fail-nth";
		mode_fail_nth(&s, &cfg);
	} else if ((o->break_at_step || o->break_at_sched_step) &&
		   (explore > 1 || cfg.kind == KSHIM_SCHED_DFS)) {
		/* Stopping in gdb: one run, the first schedule. */
		r->mode = "run";
		if (cfg.kind == KSHIM_SCHED_DFS)
			cfg.kind = KSHIM_SCHED_RR;
		mode_single(&s, &cfg);
	} else if (explore > 1 || cfg.kind == KSHIM_SCHED_DFS) {
		r->mode = "explore";
		if (cfg.kind == KSHIM_SCHED_RR) {
			/* rr has one schedule: nothing to explore */
			mode_single(&s, &cfg);
		} else {
			mode_explore(&s, &cfg, explore ? explore : 1000, bound);
		}
	} else {
		r->mode = "run";
		mode_single(&s, &cfg);
	}

	if (o->dot_path && s.have_graph)
		draw_graph(&s, &cfg);
	kshim_trace_free(&s.graph_trace);
	if (r->dot_file && (dot_prog = g_find_program_in_path("dot"))) {
		char *png = g_strdup_printf("%s.png", r->dot_file);
		char *argv[] = { "dot", "-Tpng", "-o", png, r->dot_file, NULL };
		gint status = 0;

		if (g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
				 NULL, NULL, NULL, &status, NULL) &&
		    g_spawn_check_wait_status(status, NULL))
			r->png_file = png;
		else
			g_free(png);
		g_free(dot_prog);
	}
out_unmap:
	munmap(s.shared, sizeof(struct sc_shared));
out:
	kshim_trace_free(&replay);
	sc_scenario_free(sc);
	r->seconds = (g_get_monotonic_time() - t0) / 1e6;
}
