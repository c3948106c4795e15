// SPDX-License-Identifier: GPL-2.0
/*
 * runner.c - one run of a scenario inside a controlled world.
 *
 * The main block runs as task 0 of the run; each `thread NAME { }` block
 * becomes a simulated thread started with kshim_thread_run(), so that the
 * scheduler interleaves the threads' steps at every scheduling point of
 * the simulated kernel, and the deadlock checker sees every thread.
 *
 * Synchronisation steps are built on the shim's execution interface, not
 * on host primitives, so that they are scheduling points too:
 *   wait blocked T   sleep in virtual time until T is blocked; virtual time
 *                    moves only when no thread can run, so the waiter
 *                    wakes exactly when T (and everybody else) is stuck;
 *   wait stalled B   the same, until a fault is stalled in the range;
 *   barrier NAME     kshim_block() with a KSHIM_BLOCK_BARRIER blocker,
 *                    woken when the last participant arrives;
 *   join             kshim_thread_join(), which the wait-for graph knows.
 *
 * A failed expectation stops the run: the failure goes to the world's
 * report and to struct sc_shared, stalled faults are let go and barriers
 * opened so that every thread can finish, the driver side lets go of its
 * accesses, and the processes are closed as at exit.  In fail-nth mode a
 * deviation (the injected failure showing) stops the run the same way,
 * but quietly: the audit then checks that the error paths cleaned up.
 */
#include <glib.h>		/* before kernel headers: they define noinline */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <linux/delay.h>
#include <linux/sched.h>
#include <kshim/exec.h>
#include <kshim/report.h>
#include <kshim/sched.h>
#include <kshim/umem.h>
#include <iommufd_sim.h>
#include "ops.h"

/* ---- helpers for executors ------------------------------------------------ */

const struct sc_arg *sc_arg(struct sc_exec *x, const char *name)
{
	int i = sc_op_field_index(x->st->op, name);

	g_assert(i >= 0);
	return &x->st->args[i];
}

bool sc_has(struct sc_exec *x, const char *name)
{
	int i = sc_op_field_index(x->st->op, name);

	if (i < 0 || !x->st->args[i].set)
		return false;
	/* A switch written name=off is given but off. */
	if (x->st->op->fields[i].type == SC_FT_BOOL)
		return x->st->args[i].u;
	return true;
}

static uint64_t handle_value(struct sc_run *run, int h, bool use_idev)
{
	const struct sc_handle *hd = g_ptr_array_index(run->sc->handles, h);
	const struct sc_htype_info *ti = &sc_htypes[hd->type];

	if (hd->type == SC_H_MOCKDEV && use_idev)
		return run->h[h].v[1];
	if (ti->id_slot >= 0)
		return run->h[h].v[ti->id_slot];
	if (ti->fd_slot >= 0)
		return run->h[h].v[ti->fd_slot];
	return 0;
}

static uint64_t eval(struct sc_run *run, const struct sc_expr *e,
		     bool use_idev)
{
	switch (e->kind) {
	case SC_E_NUM:
		return e->num;
	case SC_E_HANDLE:
		return handle_value(run, e->handle, use_idev);
	case SC_E_FIELD:
		return run->h[e->handle].v[e->field->slot];
	case SC_E_ADD:
		return eval(run, e->l, use_idev) + eval(run, e->r, use_idev);
	case SC_E_SUB:
		return eval(run, e->l, use_idev) - eval(run, e->r, use_idev);
	}
	return 0;
}

uint64_t sc_num_or(struct sc_exec *x, const char *name, uint64_t dflt)
{
	const struct sc_arg *a = sc_arg(x, name);

	if (!a->set)
		return dflt;
	if (a->spec && a->spec->type == SC_FT_BOOL)
		return a->u;
	if (!a->expr)
		return a->u;
	return eval(x->run, a->expr, a->spec && a->spec->use_idev);
}

uint64_t sc_num(struct sc_exec *x, const char *name)
{
	return sc_num_or(x, name, 0);
}

uint32_t sc_id(struct sc_exec *x, const char *name)
{
	return (uint32_t)sc_num(x, name);
}

struct sc_rt_handle *sc_handle_arg(struct sc_exec *x, const char *name,
				   int *index)
{
	const struct sc_arg *a = sc_arg(x, name);

	if (!a->set || !a->expr || (a->expr->kind != SC_E_HANDLE &&
				    a->expr->kind != SC_E_FIELD))
		return NULL;
	if (index)
		*index = a->expr->handle;
	return &x->run->h[a->expr->handle];
}

struct sc_rt_handle *sc_new_handle(struct sc_exec *x)
{
	struct sc_rt_handle *h = &x->run->h[x->st->handle];

	h->live = true;
	h->run = x->run;
	h->proc = x->proc;
	return h;
}

static int out_index(struct sc_exec *x, const char *name)
{
	int i = sc_op_output_index(x->st->op, name);

	g_assert(i >= 0);
	return i;
}

void sc_out_num(struct sc_exec *x, const char *name, uint64_t v)
{
	int i = out_index(x, name);

	x->out_set[i] = true;
	x->out_num[i] = v;
}

void sc_out_bytes(struct sc_exec *x, const char *name, const void *p,
		  size_t len)
{
	int i = out_index(x, name);

	x->out_set[i] = true;
	if (x->out_bytes[i])
		g_byte_array_unref(x->out_bytes[i]);
	x->out_bytes[i] = g_byte_array_sized_new(len);
	g_byte_array_append(x->out_bytes[i], p, len);
}

void sc_out_list(struct sc_exec *x, const char *name, const uint64_t *v,
		 size_t n)
{
	int i = out_index(x, name);

	x->out_set[i] = true;
	if (x->out_list[i])
		g_array_unref(x->out_list[i]);
	x->out_list[i] = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	g_array_append_vals(x->out_list[i], v, n);
}

int sc_error(struct sc_exec *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_string_vprintf(x->err, fmt, ap);
	va_end(ap);
	return SC_EXEC_ERROR;
}

int sc_assert_fail(struct sc_exec *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_string_vprintf(x->err, fmt, ap);
	va_end(ap);
	return SC_EXEC_ASSERT;
}

int sc_sys(long ret)
{
	return ret < 0 ? -errno : 0;
}

int sc_ioctl(struct sc_exec *x, unsigned long cmd, void *arg)
{
	return sc_sys(iommufd_sim_ioctl(x->proc, x->ctx_fd, cmd, arg));
}

/* ---- stopping ------------------------------------------------------------ */

/* Let every thread run to its end: stalled faults go, barriers open. */
static void unblock_everything(struct sc_run *run)
{
	GHashTableIter it;
	gpointer v;

	for (unsigned int i = 0; i < run->sc->handles->len; i++) {
		const struct sc_handle *hd = g_ptr_array_index(run->sc->handles, i);
		struct sc_rt_handle *h = &run->h[i];

		if (hd->type == SC_H_BUFFER && h->live && h->ptr)
			kshim_fault_plan_set(h->ptr, 0, h->v[1],
					     KSHIM_FAULT_RESOLVE);
	}
	g_hash_table_iter_init(&it, run->barriers);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct sc_barrier_rt *b = v;
		struct kshim_guard *g = &b->guard;

		kshim_guard_lock(g);
		b->open = true;
		for (unsigned int i = 0; i < b->waiters->len; i++)
			kshim_wake(g_ptr_array_index(b->waiters, i));
		g_ptr_array_set_size(b->waiters, 0);
		kshim_guard_unlock(g);
	}
}

static void stop_run(struct sc_exec *x, int kind, const char *msg)
{
	struct sc_run *run = x->run;
	struct sc_shared *sh = run->shared;

	if (run->aborted)
		return;
	run->aborted = true;
	if (run->opts->fail_nth_mode) {
		sh->stopped = true;
		g_strlcpy(sh->stop_msg, msg, sizeof(sh->stop_msg));
	} else {
		char *title = g_strdup_printf("scenario: %s:%d: %s", x->st->file,
					      x->st->line, msg);

		sh->failed = kind;
		g_strlcpy(sh->file, x->st->file, sizeof(sh->file));
		sh->line = x->st->line;
		g_strlcpy(sh->msg, msg, sizeof(sh->msg));
		g_strlcpy(sh->thread, x->th->decl->name, sizeof(sh->thread));
		sh->step = x->step;
		sh->sched_step = x->sched_start;
		kshim_report_issue(KSHIM_ISSUE_OTHER, title, NULL);
		g_free(title);
	}
	if (run->opts->trace)
		fprintf(run->opts->trace, "[%s] %s:%d: %s%s\n",
			x->th->decl->name, x->st->file, x->st->line, msg,
			run->opts->fail_nth_mode ? " (stopping quietly: fail-nth)" : "");
	unblock_everything(run);
}

/* ---- outcomes ------------------------------------------------------------- */

static char *describe_alts(const struct sc_stmt *st)
{
	GString *s = g_string_new(NULL);

	if (!st->has_outcome)
		return g_strdup("ok");
	for (int i = 0; i < st->nalts; i++)
		g_string_append_printf(s, "%s%s", i ? " or " : "",
				       st->alts[i] ? sc_errno_name(st->alts[i]) : "ok");
	return g_string_free(s, FALSE);
}

static char *flags_text(const char *const *names, uint64_t mask)
{
	GString *s = g_string_new(NULL);

	for (int i = 0; names && names[i]; i++)
		if (mask & (1ull << i))
			g_string_append_printf(s, "%s%s", s->len ? "," : "",
					       names[i]);
	if (!s->len)
		g_string_append(s, "(none)");
	return g_string_free(s, FALSE);
}

static char *list_text(const GArray *l, bool pairs, char sep)
{
	GString *s = g_string_new("[");

	for (unsigned int i = 0; l && i < l->len; i += pairs ? 2 : 1) {
		uint64_t a = g_array_index(l, uint64_t, i);

		if (i)
			g_string_append_c(s, ',');
		if (a == SC_ALL && !pairs) {
			g_string_append(s, "all");
			continue;
		}
		g_string_append_printf(s, "%#" G_GINT64_MODIFIER "x", a);
		if (pairs)
			g_string_append_printf(s, "%c%#" G_GINT64_MODIFIER "x",
					       sep, g_array_index(l, uint64_t, i + 1));
	}
	g_string_append_c(s, ']');
	return g_string_free(s, FALSE);
}

static bool lists_equal(const GArray *a, const GArray *b)
{
	unsigned int la = a ? a->len : 0, lb = b ? b->len : 0;

	if (la != lb)
		return false;
	return !la || !memcmp(a->data, b->data, la * sizeof(uint64_t));
}

/* Compare one check; on a mismatch, describe it into @why. */
static bool check_one(struct sc_exec *x, const struct sc_check *c,
		      GString *why)
{
	const struct sc_fspec *spec = c->want.spec;
	bool idev = spec && spec->use_idev;
	char *w = NULL, *h = NULL;
	bool ok = true;
	uint64_t have = 0, want;
	int oi = c->output;

	if (oi >= 0 && !x->out_set[oi]) {
		g_string_printf(why, "%s: expected %s=..., but the call returned no '%s'",
				x->st->op->name, c->name, c->name);
		return false;
	}
	if (oi < 0 && !x->run->h[x->st->handle].live) {
		g_string_printf(why, "%s: expected %s=..., but nothing was created",
				x->st->op->name, c->name);
		return false;
	}
	if (oi < 0) {
		have = x->run->h[x->st->handle].v[c->hfield->slot];
		want = eval(x->run, c->want.expr, false);
		if (have != want) {
			w = sc_format_num(want);
			h = sc_format_num(have);
			ok = false;
		}
		goto out;
	}
	switch (spec->type) {
	case SC_FT_NUM:
	case SC_FT_ID:
		have = x->out_num[oi];
		want = eval(x->run, c->want.expr, idev);
		if (have != want) {
			w = sc_format_num(want);
			h = sc_format_num(have);
			ok = false;
		}
		break;
	case SC_FT_FLAGS:
		if (x->out_num[oi] != c->want.u) {
			w = flags_text(spec->names, c->want.u);
			h = flags_text(spec->names, x->out_num[oi]);
			ok = false;
		}
		break;
	case SC_FT_BYTES: {
		const GByteArray *hb = x->out_bytes[oi];

		if (!hb || hb->len != c->want.bytes->len ||
		    memcmp(hb->data, c->want.bytes->data, hb->len)) {
			w = sc_format_bytes(c->want.bytes->data, c->want.bytes->len);
			h = hb ? sc_format_bytes(hb->data, hb->len) : g_strdup("nothing");
			ok = false;
		}
		break;
	}
	case SC_FT_RANGES:
	case SC_FT_LIST:
		if (!lists_equal(x->out_list[oi], c->want.list)) {
			bool pairs = spec->type == SC_FT_RANGES;

			w = list_text(c->want.list, pairs, '-');
			h = list_text(x->out_list[oi], pairs, '-');
			ok = false;
		}
		break;
	default:
		break;
	}
out:
	if (!ok && c->written && strcmp(c->written, w))
		g_string_printf(why, "%s: expected %s=%s (%s), got %s",
				x->st->op->name, c->name, c->written, w, h);
	else if (!ok)
		g_string_printf(why, "%s: expected %s=%s, got %s", x->st->op->name,
				c->name, w, h);
	g_free(w);
	g_free(h);
	return ok;
}

/* Every handle an argument names must have been created by now. */
static bool handles_ready(struct sc_exec *x, const struct sc_expr *e)
{
	const struct sc_handle *hd;

	if (!e)
		return true;
	if (e->kind == SC_E_ADD || e->kind == SC_E_SUB)
		return handles_ready(x, e->l) && handles_ready(x, e->r);
	if (e->kind == SC_E_NUM)
		return true;
	hd = g_ptr_array_index(x->run->sc->handles, e->handle);
	/* A thread not started yet is waited for by wait and join. */
	if (x->run->h[e->handle].live || hd->type == SC_H_THREAD)
		return true;
	sc_error(x, "handle '%s' does not exist at this point (the step that creates it, %s:%d, has not run or failed)",
		 hd->name, hd->file, hd->line);
	return false;
}

static void trace_result(struct sc_exec *x, int rc, unsigned long step)
{
	FILE *t = x->run->opts->trace;
	const struct sc_op *op = x->st->op;

	if (!t)
		return;
	fprintf(t, "[%lu] %s -> ", step, x->th->decl->name);
	if (rc == 0)
		fputs("ok", t);
	else if (rc == SC_EXEC_ERROR || rc == SC_EXEC_ASSERT)
		fputs("failed", t);
	else
		fputs(sc_errno_name(-rc), t);
	for (int i = 0; rc == 0 && i < SC_MAX_OUTPUTS && op->outputs[i].name; i++) {
		char *v = NULL;

		if (!x->out_set[i])
			continue;
		if (x->out_bytes[i])
			v = sc_format_bytes(x->out_bytes[i]->data,
					    MIN(x->out_bytes[i]->len, 64u));
		else if (x->out_list[i])
			v = list_text(x->out_list[i],
				      op->outputs[i].type == SC_FT_RANGES, '-');
		else if (op->outputs[i].type == SC_FT_FLAGS)
			v = flags_text(op->outputs[i].names, x->out_num[i]);
		else
			v = sc_format_num(x->out_num[i]);
		fprintf(t, " %s=%s", op->outputs[i].name, v);
		g_free(v);
	}
	if (rc == 0 && x->st->handle >= 0 && x->run->h[x->st->handle].live) {
		const struct sc_handle *hd =
			g_ptr_array_index(x->run->sc->handles, x->st->handle);

		for (const struct sc_hfield *f = sc_htypes[hd->type].fields;
		     f->name; f++) {
			if (f != sc_htypes[hd->type].fields && f->slot == 0)
				continue;	/* an alias of the first */
			fprintf(t, " %s.%s=%#" G_GINT64_MODIFIER "x", hd->name,
				f->name, x->run->h[x->st->handle].v[f->slot]);
		}
	}
	fputc('\n', t);
	fflush(t);
}

static bool debugger_attached(void)
{
	char *status = NULL;
	bool traced = false;

	if (g_file_get_contents("/proc/self/status", &status, NULL, NULL)) {
		const char *p = strstr(status, "TracerPid:");

		traced = p && atoi(p + strlen("TracerPid:")) != 0;
	}
	g_free(status);
	return traced;
}

/*
 * --break-at-step lands here, in the thread about to run the step: 'finish'
 * returns to exec_stmt(), from where 'step' enters the operation.
 */
static noinline void
scenario_break(const struct sc_stmt *st, unsigned long step,
	       const char *thread)
{
	fprintf(stderr, "iommufd-sim: step %lu, %s:%d: %s (thread %s): raising SIGTRAP\n",
		step, st->file, st->line, st->text, thread);
	if (debugger_attached())
		raise(SIGTRAP);
	else
		fprintf(stderr, "iommufd-sim: no debugger is attached; continuing (run under gdb: see docs/debugging.md)\n");
}

static void exec_stmt(struct sc_thread_rt *th, const struct sc_stmt *st)
{
	struct sc_run *run = th->run;
	struct sc_exec x = {
		.run = run, .th = th, .st = st,
		.ctx_fd = -1,
	};
	bool was_aborted;
	unsigned long step;
	int rc;

	x.err = g_string_new(NULL);
	was_aborted = run->aborted;
	step = ++run->step;
	x.step = step;
	x.sched_start = kshim_ctl_step();
	run->shared->steps = step;
	if (run->opts->trace) {
		fprintf(run->opts->trace, "[%lu] %s %s:%d: %s   (scheduler step %lu)\n",
			step, th->decl->name, st->file, st->line, st->text,
			kshim_ctl_step());
		fflush(run->opts->trace);
	}
	if (run->opts->break_at_step == step)
		scenario_break(st, step, th->decl->name);

	if (!run->h[st->proc].live) {
		rc = sc_error(&x, "process '%s' does not exist at this point",
			      ((struct sc_handle *)g_ptr_array_index(run->sc->handles,
								     st->proc))->name);
		goto done;
	}
	x.proc = run->h[st->proc].ptr;
	for (int i = 0; i < SC_MAX_FIELDS && st->op->fields[i].name; i++)
		if (st->args[i].set && !handles_ready(&x, st->args[i].expr)) {
			rc = SC_EXEC_ERROR;
			goto done;
		}
	if (st->ctx >= 0) {
		if (!run->h[st->ctx].live) {
			rc = sc_error(&x, "iommufd '%s' is not open at this point",
				      ((struct sc_handle *)g_ptr_array_index(run->sc->handles,
									     st->ctx))->name);
			goto done;
		}
		x.ctx_fd = run->h[st->ctx].v[0];
	}
	rc = st->op->exec(&x);
done:
	trace_result(&x, rc, step);
	if (run->aborted) {
		/* Another thread failed meanwhile: this result means nothing. */
	} else if (rc == SC_EXEC_ERROR) {
		stop_run(&x, SC_FAIL_RUNTIME, x.err->str);
	} else if (rc == SC_EXEC_ASSERT) {
		stop_run(&x, SC_FAIL_EXPECT, x.err->str);
	} else {
		int got = rc ? -rc : 0;
		bool match = false;

		if (!st->has_outcome)
			match = got == 0;
		for (int i = 0; i < st->nalts; i++)
			match |= st->alts[i] == got;
		if (!match) {
			char *want = describe_alts(st);
			char *msg = g_strdup_printf("%s: expected %s, got %s",
						    st->op->name, want,
						    got ? sc_errno_name(got) : "ok");

			stop_run(&x, SC_FAIL_EXPECT, msg);
			g_free(msg);
			g_free(want);
			} else {
			/* Checks apply to the outcome that happened. */
			GString *why = g_string_new(NULL);

			for (unsigned int i = 0; i < st->checks->len; i++) {
				if (!check_one(&x, g_ptr_array_index(st->checks, i),
					       why)) {
					stop_run(&x, SC_FAIL_EXPECT, why->str);
								break;
				}
			}
			g_string_free(why, TRUE);
		}
	}
	/*
	 * Where a graph of this moment can be drawn later: a run that follows
	 * this one's first decisions (a dfs prefix) and then never preempts
	 * gets here in the same state and draws without being interrupted.
	 */
	if (!was_aborted) {
		run->shared->last_sched = kshim_ctl_step();
		run->shared->last_step = step;
		if (run->aborted)
			run->shared->fail_sched = kshim_ctl_step();
	}
	if (run->opts->dot_step == step) {
		run->shared->mark_sched = kshim_ctl_step();
		if (run->opts->dot_path) {
			char *title = g_strdup_printf("%s, after step %lu (%s:%d)",
						      run->sc->name, step,
						      st->file, st->line);

			if (!sc_dot_write(run, run->opts->dot_path, title))
				run->shared->dot_written = true;
			g_free(title);
		}
	}
	for (int i = 0; i < SC_MAX_OUTPUTS; i++) {
		if (x.out_bytes[i])
			g_byte_array_unref(x.out_bytes[i]);
		if (x.out_list[i])
			g_array_unref(x.out_list[i]);
	}
	g_string_free(x.err, TRUE);
}

static void exec_block(struct sc_thread_rt *th, const GPtrArray *body)
{
	for (unsigned int i = 0; i < body->len && !th->run->aborted; i++)
		exec_stmt(th, g_ptr_array_index(body, i));
}

/* ---- threads and synchronisation ------------------------------------------- */

int sc_x_nop(struct sc_exec *x)
{
	return 0;
}

/* Scenario mutexes a thread still holds when the run is abandoned. */
static void release_kmutexes(struct sc_thread_rt *th)
{
	struct sc_run *run = th->run;

	for (unsigned int i = 0; i < run->sc->handles->len; i++) {
		const struct sc_handle *hd = g_ptr_array_index(run->sc->handles, i);
		struct sc_rt_handle *h = &run->h[i];

		if (hd->type == SC_H_KMUTEX && h->live &&
		    h->v[0] == (uint64_t)th->index + 1) {
			struct sc_exec x = { .run = run, .th = th };
			struct sc_stmt st = { 0 };
			int fi;

			/* Reuse the kunlock executor on a synthetic step. */
			st.op = sc_op_find("kunlock");
			fi = sc_op_field_index(st.op, "mutex");
			st.args[fi].set = true;
			st.args[fi].expr = &(struct sc_expr){
				.kind = SC_E_HANDLE, .handle = i };
			x.st = &st;
			x.err = g_string_new(NULL);
			sc_x_kunlock(&x);
			g_string_free(x.err, TRUE);
		}
	}
}

static int thread_main(void *data)
{
	struct sc_thread_rt *th = data;

	exec_block(th, th->decl->body);
	if (th->run->aborted)
		release_kmutexes(th);
	th->done = true;
	return 0;
}

int sc_x_thread(struct sc_exec *x)
{
	struct sc_thread_rt *th = &x->run->threads[x->st->target_thread];
	struct sc_rt_handle *h = sc_new_handle(x);

	th->started = true;
	th->task = kshim_thread_run(thread_main, th, th->decl->name);
	if (!th->task) {
		th->started = false;
		h->live = false;
		return sc_error(x, "could not start thread '%s' (more than %d threads?)",
				th->decl->name, KSHIM_CTL_MAX_TASKS);
	}
	return 0;
}

static struct sc_thread_rt *target(struct sc_exec *x)
{
	return &x->run->threads[x->st->target_thread];
}

int sc_x_wait_blocked(struct sc_exec *x)
{
	struct sc_thread_rt *t = target(x);
	int rc = 0;

	x->th->in_sync = true;
	for (;;) {
		if (x->run->aborted)
			break;
		if (t->done) {
			rc = sc_error(x, "wait blocked: thread '%s' finished without blocking",
				      t->decl->name);
			break;
		}
		if (t->started && !t->in_sync &&
		    t->task->kshim.state == KSHIM_TASK_BLOCKED)
			break;
		/* Virtual time moves only when nothing can run. */
		msleep(1000);
	}
	x->th->in_sync = false;
	return rc;
}

int sc_x_wait_stalled(struct sc_exec *x)
{
	struct sc_rt_handle *b = sc_handle_arg(x, "buf", NULL);
	uint64_t off = sc_num(x, "offset");
	uint64_t len = sc_num_or(x, "length", b->v[1] - MIN(off, b->v[1]));
	uint64_t n = sc_num_or(x, "count", 1);
	int rc = 0, waited = 0;

	x->th->in_sync = true;
	while (!x->run->aborted &&
	       kshim_fault_stalled(b->ptr, off, len) < n) {
		if (waited++ == 60) {
			rc = sc_error(x, "wait stalled: no fault stalled in [%#" G_GINT64_MODIFIER "x, %#" G_GINT64_MODIFIER "x) of the buffer after 60 s of virtual time (nothing touched those pages, or the plan is not 'stall')",
				      off, off + len);
			break;
		}
		msleep(1000);
	}
	x->th->in_sync = false;
	return rc;
}

int sc_x_barrier(struct sc_exec *x)
{
	struct sc_barrier_rt *b = g_hash_table_lookup(x->run->barriers,
						      x->st->barrier);
	struct kshim_guard *g = &b->guard;
	struct kshim_blocker what = {
		.kind = KSHIM_BLOCK_BARRIER, .obj = b, .name = b->name,
	};

	x->th->in_sync = true;
	kshim_sched_point(KSHIM_PT_WAIT, b);
	kshim_guard_lock(g);
	if (++b->arrived >= b->need) {
		b->open = true;
		for (unsigned int i = 0; i < b->waiters->len; i++)
			kshim_wake(g_ptr_array_index(b->waiters, i));
		g_ptr_array_set_size(b->waiters, 0);
	} else {
		g_ptr_array_add(b->waiters, current);
		while (!b->open)
			kshim_block(g, &what, KSHIM_NO_TIMEOUT);
	}
	kshim_guard_unlock(g);
	x->th->in_sync = false;
	return 0;
}

static void join_one(struct sc_thread_rt *self, struct sc_thread_rt *t)
{
	/* A stopped run: do not make the others wait for our locks. */
	if (self->run->aborted)
		release_kmutexes(self);
	self->in_sync = true;
	while (!t->started && !self->run->aborted)
		msleep(1000);
	if (t->started) {
		if (t->joined) {
			/* Someone else joins it: wait until it is done. */
			while (!t->done)
				msleep(1000);
		} else {
			t->joined = true;
			kshim_thread_join(t->task);
		}
	}
	self->in_sync = false;
}

int sc_x_join(struct sc_exec *x)
{
	struct sc_run *run = x->run;

	if (x->st->target_thread > 0) {
		join_one(x->th, target(x));
		return 0;
	}
	for (unsigned int i = 1; i < run->sc->threads->len; i++)
		if (run->threads[i].started && !run->threads[i].joined)
			join_one(x->th, &run->threads[i]);
	return 0;
}

/* ---- the program ----------------------------------------------------------- */

static void barrier_free(gpointer p)
{
	struct sc_barrier_rt *b = p;

	kshim_guard_destroy(&b->guard);
	g_ptr_array_unref(b->waiters);
	g_free(b->name);
	g_free(b);
}

int sc_program(void *data)
{
	struct sc_program_arg *arg = data;
	const struct sc_scenario *sc = arg->sc;
	struct iommufd_sim_opts sopts = { .in_current_world = true };
	struct sc_run run = {
		.sc = sc, .opts = arg->opts, .shared = arg->shared,
	};
	struct sc_thread_rt *main_th;
	GHashTableIter it;
	gpointer k, v;
	int ret;

	memset(run.shared, 0, sizeof(*run.shared));
	kshim_uffd_set_enabled(run.opts->uffd);
	run.h = g_new0(struct sc_rt_handle, sc->handles->len);
	run.threads = g_new0(struct sc_thread_rt, sc->threads->len);
	for (unsigned int i = 0; i < sc->threads->len; i++) {
		run.threads[i].decl = g_ptr_array_index(sc->threads, i);
		run.threads[i].index = i;
		run.threads[i].run = &run;
	}
	run.barriers = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
					     barrier_free);
	g_hash_table_iter_init(&it, sc->barriers);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct sc_barrier_rt *b = g_new0(struct sc_barrier_rt, 1);

		b->name = g_strdup(k);
		b->need = g_hash_table_size(v);
		b->waiters = g_ptr_array_new();
		kshim_guard_init(&b->guard);
		g_hash_table_insert(run.barriers, b->name, b);
	}

	run.sim = iommufd_sim_create(&sopts);
	main_th = &run.threads[0];
	main_th->started = true;
	main_th->task = current;

	/* Handle 0 is the process 'p'. */
	run.h[0].run = &run;
	run.h[0].ptr = iommufd_sim_proc_create(run.sim,
			&(struct iommufd_sim_proc_opts){ .name = "p" });
	run.h[0].proc = run.h[0].ptr;
	run.h[0].live = run.h[0].ptr != NULL;
	if (run.h[0].live) {
		exec_block(main_th, sc->main);
	} else {
		struct sc_exec x = { .run = &run, .th = main_th,
				     .st = g_ptr_array_index(sc->main, 0) };

		stop_run(&x, SC_FAIL_RUNTIME,
			 "the process 'p' could not be created (out of memory)");
	}

	if (run.aborted)
		release_kmutexes(main_th);
	/* The implicit join that ends every scenario. */
	for (unsigned int i = 1; i < sc->threads->len; i++)
		if (run.threads[i].started && !run.threads[i].joined)
			join_one(main_th, &run.threads[i]);

	if (run.aborted) {
		release_kmutexes(main_th);
		sc_kernel_cleanup(&run);
	}
	/* Every process exits: descriptors closed, memory unmapped. */
	iommufd_sim_destroy(run.sim, NULL);

	ret = run.shared->failed ? 1 : 0;
	for (unsigned int i = 0; i < sc->handles->len; i++) {
		if (run.h[i].pins)
			g_array_unref(run.h[i].pins);
		if (run.h[i].unmapped)
			g_array_unref(run.h[i].unmapped);
		if (run.h[i].locks)
			g_array_unref(run.h[i].locks);
	}
	g_hash_table_unref(run.barriers);
	g_free(run.threads);
	g_free(run.h);
	return ret;
}
