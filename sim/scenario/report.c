// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - what a person reads: one line per scenario, and for a
 * failure the place, what was expected and what happened, the checker's
 * report, and the commands that replay it and stop in gdb.
 */
#include <glib.h>		/* before kernel headers: they define noinline */
#include <stdio.h>
#include "session.h"

static void print_stats(FILE *out, const struct sc_result *r)
{
	if (!g_strcmp0(r->mode, "fail-nth"))
		fprintf(out, "  (fail-nth: %lu runs over %lu fault points; %.2f s)",
			r->runs, r->fault_points, r->seconds);
	else if (!g_strcmp0(r->mode, "explore") && r->exhausted)
		fprintf(out, "  (explore: %lu run%s, %s: every schedule with at most %d preemption%s; %.2f s)",
			r->runs, r->runs == 1 ? "" : "s", r->scheduler,
			r->preempt_bound, r->preempt_bound == 1 ? "" : "s",
			r->seconds);
	else if (!g_strcmp0(r->mode, "explore"))
		fprintf(out, "  (explore: %lu run%s, %s; %.2f s)", r->runs,
			r->runs == 1 ? "" : "s", r->scheduler, r->seconds);
	else
		fprintf(out, "  (%s%s%s; %.2f s)", r->mode,
			r->scheduler && g_strcmp0(r->mode, "replay") ? ", " : "",
			r->scheduler && g_strcmp0(r->mode, "replay") ? r->scheduler : "",
			r->seconds);
}

void sc_print_result(FILE *out, const struct sc_result *r,
		     const struct sc_cli_opts *o)
{
	switch (r->verdict) {
	case SC_PASS:
		fprintf(out, "ok    %s", r->path);
		if (r->expected)
			fprintf(out, ": %s", r->headline);
		print_stats(out, r);
		fputc('\n', out);
		if (r->detail)
			fputs(r->detail, out);
		break;
	case SC_SKIP:
		fprintf(out, "skip  %s: %s\n", r->path, r->skip_reason);
		break;
	case SC_ERROR:
		fprintf(out, "ERROR %s: %s\n", r->path, r->headline);
		fflush(out);
		for (unsigned int i = 0; r->errors && i < r->errors->len; i++)
			fprintf(stderr, "%s\n", (char *)g_ptr_array_index(r->errors, i));
		break;
	case SC_FAIL:
		fprintf(out, "FAIL  %s: %s\n", r->path, r->headline);
		if (r->detail)
			fputs(r->detail, out);
		if (r->replay_cmd) {
			fprintf(out, "  replay: %s", r->replay_cmd);
			if (r->reproduced == 1)
				fputs("   (checked: it reproduces)", out);
			else if (r->reproduced == 0)
				fputs("   (warning: the check replay did not fail the same way)", out);
			fputc('\n', out);
		}
		if (r->gdb_cmd)
			fprintf(out, "  in gdb: %s\n", r->gdb_cmd);
		break;
	}
	if (r->dot_file)
		fprintf(out, "  graph:  %s%s%s%s\n", r->dot_file,
			r->png_file ? " (" : "", r->png_file ? r->png_file : "",
			r->png_file ? ")" : "");
	(void)o;
}
