// SPDX-License-Identifier: GPL-2.0
/*
 * json.c - --json: the results as one JSON document on stdout.
 *
 * Schema "iommufd-sim-results", version 1 (docs/cli.md describes every
 * member).  Add members freely; rename or remove one only with a new
 * schema_version.
 */
#include <glib.h>		/* before kernel headers: they define noinline */
#include <json-glib/json-glib.h>
#include "session.h"

#define SC_JSON_SCHEMA_VERSION	1

static void add_str(JsonBuilder *b, const char *name, const char *v)
{
	json_builder_set_member_name(b, name);
	if (v)
		json_builder_add_string_value(b, v);
	else
		json_builder_add_null_value(b);
}

static void add_int(JsonBuilder *b, const char *name, gint64 v)
{
	json_builder_set_member_name(b, name);
	json_builder_add_int_value(b, v);
}

static void add_failure(JsonBuilder *b, const struct sc_result *r)
{
	json_builder_set_member_name(b, "failure");
	if (r->verdict != SC_FAIL) {
		json_builder_add_null_value(b);
		return;
	}
	json_builder_begin_object(b);
	add_str(b, "kind", sc_failure_kind_name(r->kind));
	add_str(b, "message", r->headline);
	if (r->have_shared && r->shared.failed) {
		add_str(b, "file", r->shared.file);
		add_int(b, "line", r->shared.line);
		add_str(b, "thread", r->shared.thread);
		add_int(b, "step", r->shared.step);
		add_int(b, "scheduler_step", r->shared.sched_step);
	}
	add_int(b, "failing_run", r->failing_run);
	add_int(b, "seed", r->seed);
	add_int(b, "scheduler_steps", r->sched_steps);
	if (r->fail_nth) {
		add_int(b, "fail_nth", r->fail_nth);
		add_str(b, "fault_site", r->fault_site);
	}
	add_str(b, "report", r->detail);
	add_str(b, "trace_file", r->trace_file);
	add_str(b, "replay_command", r->replay_cmd);
	add_str(b, "gdb_command", r->gdb_cmd);
	json_builder_set_member_name(b, "reproduced");
	if (r->reproduced < 0)
		json_builder_add_null_value(b);
	else
		json_builder_add_boolean_value(b, r->reproduced);
	json_builder_end_object(b);
}

char *sc_results_json(GPtrArray *results, double seconds)
{
	JsonBuilder *b = json_builder_new();
	unsigned int counts[4] = { 0 };
	JsonGenerator *gen;
	JsonNode *root;
	char *text;

	json_builder_begin_object(b);
	add_str(b, "schema", "iommufd-sim-results");
	add_int(b, "schema_version", SC_JSON_SCHEMA_VERSION);
	add_str(b, "tool", "iommufd-sim");
	add_str(b, "version", IOMMUFD_SIM_VERSION);
	json_builder_set_member_name(b, "scenarios");
	json_builder_begin_array(b);
	for (unsigned int i = 0; i < results->len; i++) {
		const struct sc_result *r = g_ptr_array_index(results, i);

		counts[r->verdict]++;
		json_builder_begin_object(b);
		add_str(b, "file", r->path);
		add_str(b, "name", r->name);
		add_str(b, "result", sc_verdict_name(r->verdict));
		add_str(b, "mode", r->mode);
		add_int(b, "runs", r->runs);
		add_int(b, "failing_runs", r->failing_runs);
		json_builder_set_member_name(b, "exhaustive");
		json_builder_add_boolean_value(b, r->exhausted);
		add_str(b, "scheduler", r->scheduler);
		add_int(b, "seed", r->seed);
		add_str(b, "expected_failure",
			r->expected ? sc_failure_kind_name(r->expected) : NULL);
		if (r->verdict == SC_PASS && r->expected)
			add_str(b, "found", r->headline);
		add_failure(b, r);
		add_str(b, "skip_reason", r->skip_reason);
		json_builder_set_member_name(b, "errors");
		json_builder_begin_array(b);
		for (unsigned int k = 0; r->errors && k < r->errors->len; k++)
			json_builder_add_string_value(b, g_ptr_array_index(r->errors, k));
		json_builder_end_array(b);
		add_str(b, "dot_file", r->dot_file);
		add_str(b, "png_file", r->png_file);
		json_builder_set_member_name(b, "seconds");
		json_builder_add_double_value(b, r->seconds);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "summary");
	json_builder_begin_object(b);
	add_int(b, "passed", counts[SC_PASS]);
	add_int(b, "failed", counts[SC_FAIL]);
	add_int(b, "skipped", counts[SC_SKIP]);
	add_int(b, "errors", counts[SC_ERROR]);
	json_builder_set_member_name(b, "seconds");
	json_builder_add_double_value(b, seconds);
	json_builder_end_object(b);
	json_builder_end_object(b);

	root = json_builder_get_root(b);
	gen = json_generator_new();
	json_generator_set_pretty(gen, TRUE);
	json_generator_set_root(gen, root);
	text = json_generator_to_data(gen, NULL);
	json_node_unref(root);
	g_object_unref(gen);
	g_object_unref(b);
	return text;
}
