// SPDX-License-Identifier: GPL-2.0
/*
 * iommufd-sim - run scenario files against the simulated iommufd.
 *
 *   iommufd-sim run [OPTION...] FILE|DIR...
 *
 * Exit status: 0 every scenario passed, 1 one failed (or has mistakes),
 * 2 the command line is wrong, 77 every scenario was skipped.
 * See docs/cli.md.
 */
#include <glib.h>		/* before kernel headers: they define noinline */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib.h>
#include <kshim/log.h>
#include <kshim/sched.h>
#include "../scenario/session.h"

#define EXIT_USAGE	2
#define EXIT_SKIPPED	77

static const char *summary_text =
	"Run scenario files (*.sc) against the simulated iommufd: every step's\n"
	"expected outcome is checked, interleavings explored or failures\n"
	"injected as asked, and the end state audited.  Directories are\n"
	"searched recursively for *.sc files.\n"
	"\n"
	"Exit status: 0 all passed, 1 a scenario failed or has mistakes,\n"
	"2 usage error, 77 every scenario was skipped.";

static const char *description_text =
	"Examples:\n"
	"  iommufd-sim run scenarios\n"
	"  iommufd-sim run scenarios/race/pin-vs-unmap.sc --scheduler pct --explore 500\n"
	"  iommufd-sim run scenarios/seed --fail-nth\n"
	"  iommufd-sim run FILE --replay iommufd-sim-NAME-SEED.trace\n"
	"  gdb -ex run --args iommufd-sim run FILE --replay TRACE --break-at-step 7\n"
	"\n"
	"The language: docs/scenario-format.md.  This command: docs/cli.md.\n"
	"Debugging a failure: docs/debugging.md.";

static char *opt_seed, *opt_scheduler, *opt_explore, *opt_bound;
static char *opt_fail_nth_max, *opt_replay, *opt_break, *opt_break_sched;
static char *opt_dot, *opt_dot_step, *opt_trace_dir;
static gboolean opt_fail_nth, opt_json, opt_trace, opt_no_fork, opt_version;
static int opt_verbose;

static gboolean count_verbose(const gchar *name, const gchar *value,
			      gpointer data, GError **error)
{
	opt_verbose++;
	return TRUE;
}

static GOptionEntry entries[] = {
	{ "seed", 0, 0, G_OPTION_ARG_STRING, &opt_seed,
	  "Seed of the first run (scheduler and frame placement)", "N" },
	{ "scheduler", 0, 0, G_OPTION_ARG_STRING, &opt_scheduler,
	  "Scheduler: rr, random, pct or dfs (overrides 'set scheduler')", "S" },
	{ "explore", 0, 0, G_OPTION_ARG_STRING, &opt_explore,
	  "Run N interleavings (with dfs: at most N)", "N" },
	{ "preempt-bound", 0, 0, G_OPTION_ARG_STRING, &opt_bound,
	  "With dfs: every schedule with at most N preemptions (default 2)", "N" },
	{ "fail-nth", 0, 0, G_OPTION_ARG_NONE, &opt_fail_nth,
	  "Sweep every fault point: one run per point with it failing", NULL },
	{ "fail-nth-max", 0, 0, G_OPTION_ARG_STRING, &opt_fail_nth_max,
	  "Sweep at most the first N fault points", "N" },
	{ "replay", 0, 0, G_OPTION_ARG_FILENAME, &opt_replay,
	  "Replay a trace written by a failing run", "TRACE" },
	{ "break-at-step", 0, 0, G_OPTION_ARG_STRING, &opt_break,
	  "Raise SIGTRAP (for gdb) in the thread about to run scenario step N; runs in-process", "N" },
	{ "break-at-sched-step", 0, 0, G_OPTION_ARG_STRING, &opt_break_sched,
	  "Raise SIGTRAP before scheduler decision N; runs in-process", "N" },
	{ "json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
	  "Print the results as JSON (schema iommufd-sim-results 1)", NULL },
	{ "dot", 0, 0, G_OPTION_ARG_FILENAME, &opt_dot,
	  "Write the object graph (Graphviz) at --dot-step, at the failure, or at the end; and FILE.png if dot is installed", "FILE" },
	{ "dot-step", 0, 0, G_OPTION_ARG_STRING, &opt_dot_step,
	  "The scenario step after which --dot draws the graph", "N" },
	{ "trace", 0, 0, G_OPTION_ARG_NONE, &opt_trace,
	  "Print a log of every step and its result", NULL },
	{ "trace-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_trace_dir,
	  "Where failing runs' traces go (default: the current directory)", "DIR" },
	{ "no-fork", 0, 0, G_OPTION_ARG_NONE, &opt_no_fork,
	  "Run in this process instead of a child per run (for gdb)", NULL },
	{ "verbose", 'v', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK,
	  count_verbose, "Show full reports (repeat for more)", NULL },
	{ "version", 0, 0, G_OPTION_ARG_NONE, &opt_version,
	  "Print the version and exit", NULL },
	{ NULL }
};

static void usage_error(GOptionContext *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void usage_error(GOptionContext *ctx, const char *fmt, ...)
{
	va_list ap;

	fputs("iommufd-sim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (ctx) {
		char *help = g_option_context_get_help(ctx, TRUE, NULL);

		fputs(help, stderr);
		g_free(help);
	} else {
		fputs("Usage: iommufd-sim run [OPTION...] FILE|DIR...\n"
		      "Try 'iommufd-sim run --help'.\n", stderr);
	}
	exit(EXIT_USAGE);
}

static uint64_t number_opt(GOptionContext *ctx, const char *name,
			   const char *v)
{
	uint64_t n;

	if (!sc_parse_number(v, &n))
		usage_error(ctx, "--%s: '%s' is not a number (write 12, 0x10 or 4K)",
			    name, v);
	return n;
}

static int sort_paths(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect(const char *path, GPtrArray *files)
{
	GPtrArray *here = g_ptr_array_new();
	GDir *dir = g_dir_open(path, 0, NULL);
	const char *name;

	if (!dir) {
		g_ptr_array_unref(here);
		return;
	}
	while ((name = g_dir_read_name(dir)))
		g_ptr_array_add(here, g_build_filename(path, name, NULL));
	g_dir_close(dir);
	g_ptr_array_sort(here, sort_paths);
	for (unsigned int i = 0; i < here->len; i++) {
		char *p = g_ptr_array_index(here, i);

		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			collect(p, files);
		else if (g_str_has_suffix(p, ".sc"))
			g_ptr_array_add(files, g_strdup(p));
		g_free(p);
	}
	g_ptr_array_unref(here);
}

static int cmd_run(int argc, char **argv)
{
	GOptionContext *ctx = g_option_context_new("FILE|DIR... - run scenarios");
	struct sc_cli_opts o = { .scheduler = -1, .preempt_bound = -1 };
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *results = g_ptr_array_new();
	unsigned int counts[4] = { 0 };
	GError *err = NULL;
	gint64 t0;
	double secs;
	int status;

	g_option_context_set_summary(ctx, summary_text);
	g_option_context_set_description(ctx, description_text);
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_set_prgname("iommufd-sim run");
	if (!g_option_context_parse(ctx, &argc, &argv, &err))
		usage_error(ctx, "%s", err->message);
	if (opt_version) {
		printf("iommufd-sim %s\n", IOMMUFD_SIM_VERSION);
		exit(0);
	}

	o.self = g_getenv("IOMMUFD_SIM_SELF") ? g_getenv("IOMMUFD_SIM_SELF") :
						argv[0];
	if (opt_seed) {
		o.seed_set = true;
		o.seed = number_opt(ctx, "seed", opt_seed);
	}
	if (opt_scheduler) {
		static const char *const names[] = { "rr", "random", "pct", "dfs" };
		static const int kinds[] = { KSHIM_SCHED_RR, KSHIM_SCHED_RANDOM,
					     KSHIM_SCHED_PCT, KSHIM_SCHED_DFS };

		for (int i = 0; i < 4; i++)
			if (!strcmp(opt_scheduler, names[i]))
				o.scheduler = kinds[i];
		if (o.scheduler < 0)
			usage_error(ctx, "--scheduler: unknown scheduler '%s' (rr, random, pct or dfs)",
				    opt_scheduler);
	}
	if (opt_explore) {
		o.explore = number_opt(ctx, "explore", opt_explore);
		if (!o.explore)
			usage_error(ctx, "--explore: at least 1 run");
	}
	if (opt_bound)
		o.preempt_bound = number_opt(ctx, "preempt-bound", opt_bound);
	o.fail_nth = opt_fail_nth;
	if (opt_fail_nth_max)
		o.fail_nth_max = number_opt(ctx, "fail-nth-max", opt_fail_nth_max);
	o.replay = opt_replay;
	if (opt_break)
		o.break_at_step = number_opt(ctx, "break-at-step", opt_break);
	if (opt_break_sched)
		o.break_at_sched_step = number_opt(ctx, "break-at-sched-step",
						   opt_break_sched);
	o.dot_path = opt_dot;
	if (opt_dot_step) {
		if (!opt_dot)
			usage_error(ctx, "--dot-step needs --dot FILE");
		o.dot_step = number_opt(ctx, "dot-step", opt_dot_step);
	}
	o.json = opt_json;
	o.trace = opt_trace;
	o.trace_out = opt_json ? stderr : stdout;
	o.no_fork = opt_no_fork;
	o.verbose = opt_verbose;
	o.trace_dir = opt_trace_dir;
	o.progress = !opt_json && isatty(STDOUT_FILENO);
	/*
	 * The simulated kernel's console: reports are in the results, so only
	 * -v shows errors as they happen, -vv everything (KSHIM_LOGLEVEL wins).
	 */
	if (!g_getenv("KSHIM_LOGLEVEL"))
		kshim_log_set_console_level(opt_verbose >= 2 ? 7 :
					    opt_verbose ? 3 : 0);
	if (opt_replay && (opt_explore || opt_fail_nth))
		usage_error(ctx, "--replay runs one trace: it cannot be combined with --explore or --fail-nth");
	if (opt_fail_nth && opt_explore)
		usage_error(ctx, "--fail-nth and --explore are separate modes: pick one");
	if (opt_trace_dir && !g_file_test(opt_trace_dir, G_FILE_TEST_IS_DIR))
		usage_error(ctx, "--trace-dir: '%s' is not a directory", opt_trace_dir);

	if (argc < 2)
		usage_error(ctx, "no scenario given (name files or directories)");
	for (int i = 1; i < argc; i++) {
		if (g_file_test(argv[i], G_FILE_TEST_IS_DIR))
			collect(argv[i], files);
		else if (g_file_test(argv[i], G_FILE_TEST_EXISTS))
			g_ptr_array_add(files, g_strdup(argv[i]));
		else
			usage_error(ctx, "'%s': no such file or directory", argv[i]);
	}
	if (!files->len)
		usage_error(ctx, "no *.sc files in %s", argv[1]);
	if ((o.break_at_step || o.break_at_sched_step || opt_dot_step ||
	     opt_replay) && files->len != 1)
		usage_error(ctx, "--replay, --break-at-step and --dot-step apply to one scenario file (%u given)",
			    files->len);

	t0 = g_get_monotonic_time();
	for (unsigned int i = 0; i < files->len; i++) {
		struct sc_result *r = g_new0(struct sc_result, 1);

		sc_session_run(g_ptr_array_index(files, i), &o, r);
		counts[r->verdict]++;
		g_ptr_array_add(results, r);
		if (!o.json) {
			sc_print_result(stdout, r, &o);
			fflush(stdout);
		} else {
			for (unsigned int k = 0; r->errors && k < r->errors->len; k++)
				fprintf(stderr, "%s\n",
					(char *)g_ptr_array_index(r->errors, k));
		}
	}
	secs = (g_get_monotonic_time() - t0) / 1e6;

	if (o.json) {
		char *text = sc_results_json(results, secs);

		puts(text);
		g_free(text);
	} else {
		printf("summary: %u passed, %u failed, %u skipped",
		       counts[SC_PASS], counts[SC_FAIL] + counts[SC_ERROR],
		       counts[SC_SKIP]);
		if (counts[SC_ERROR])
			printf(" (%u with mistakes)", counts[SC_ERROR]);
		printf(", %u scenario%s in %.1f s\n", files->len,
		       files->len == 1 ? "" : "s", secs);
	}

	if (counts[SC_FAIL] || counts[SC_ERROR])
		status = 1;
	else if (!counts[SC_PASS] && counts[SC_SKIP])
		status = EXIT_SKIPPED;
	else
		status = 0;
	fflush(stdout);
	for (unsigned int i = 0; i < results->len; i++) {
		sc_result_clear(g_ptr_array_index(results, i));
		g_free(g_ptr_array_index(results, i));
	}
	g_ptr_array_unref(results);
	g_ptr_array_unref(files);
	g_option_context_free(ctx);
	/*
	 * In-process runs that got stuck (a deadlock) or kept a context alive
	 * (a reference cycle) leave their world's memory and parked threads
	 * behind on purpose, and the audit has reported them: do not let a
	 * leak checker at exit turn that into a second failure.
	 */
	if (o.no_fork || o.break_at_step || o.break_at_sched_step) {
		fflush(NULL);
		_exit(status);
	}
	return status;
}

static void print_top_help(FILE *out)
{
	fprintf(out,
		"Usage: iommufd-sim COMMAND [OPTION...]\n"
		"\n"
		"The Linux iommufd subsystem as a user-mode simulator.\n"
		"\n"
		"Commands:\n"
		"  run FILE|DIR...   run scenario files (iommufd-sim run --help)\n"
		"\n"
		"Options:\n"
		"  -h, --help        show this help\n"
		"  --version         print the version\n"
		"\n"
		"Documentation: docs/cli.md, docs/scenario-format.md, docs/debugging.md\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("iommufd-sim: no command given\n", stderr);
		print_top_help(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		print_top_help(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("iommufd-sim %s\n", IOMMUFD_SIM_VERSION);
		printf("This is free software under the GNU GPL version 2; there is NO WARRANTY.\n");
		return 0;
	}
	if (!strcmp(argv[1], "run")) {
		/* "run" becomes argv[0] of the subcommand */
		argv[1] = argv[0];
		return cmd_run(argc - 1, argv + 1);
	}
	fprintf(stderr, "iommufd-sim: unknown command '%s' (commands: run)\n",
		argv[1]);
	print_top_help(stderr);
	return EXIT_USAGE;
}
