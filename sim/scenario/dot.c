// SPDX-License-Identifier: GPL-2.0
/*
 * dot.c - the object graph of every open iommufd, as Graphviz.
 *
 * Nodes: each context (one cluster per open iommufd), each of its objects
 * with type, ID, the scenario's name for it and its users count, and each
 * area of every IOAS (IOVA range, accesses, locks).  Edges: the ID table's
 * reference on each object, every long-term reference one object holds on
 * another (with why: "ioas", "attached", "parent", "driver", "fault"), and
 * references from outside the graph (a driver, a file, a mapping, or a
 * leak), counted from users = 1 (table) + references from objects +
 * outside.  The walk is iommufd_debug.h's.
 */
#include <glib.h>		/* before kernel headers: they define noinline */
#include <stdio.h>
#include <string.h>
#include <linux/iommufd.h>
#include "iommufd_debug.h"
#include "kernel_ops.h"
#include "runner.h"

struct dot_obj {
	u32 id;
	char type[16];
	unsigned int users, wait_cnt, incoming;
	bool holds_ctx;
};

struct dot_ctx {
	struct sc_run *run;
	int ctx;			/* handle index */
	GString *out;
	GArray *objs;			/* struct dot_obj */
	GString *edges;
	u32 cur_ioas;
	unsigned int area_no;
};

static const char *object_name(struct dot_ctx *d, u32 id, const char *type)
{
	const struct sc_scenario *sc = d->run->sc;

	for (unsigned int i = 0; i < sc->handles->len; i++) {
		const struct sc_handle *hd = g_ptr_array_index(sc->handles, i);
		const struct sc_rt_handle *h = &d->run->h[i];

		if (!h->live || hd->ctx != d->ctx)
			continue;
		if (hd->type == SC_H_MOCKDEV) {
			if (!strcmp(type, "selftest") && h->v[0] == id)
				return hd->name;
			if (!strcmp(type, "device") && h->v[1] == id)
				return hd->name;
			continue;
		}
		if (sc_htypes[hd->type].id_slot >= 0 &&
		    h->v[sc_htypes[hd->type].id_slot] == id)
			return hd->name;
	}
	return NULL;
}

static void on_object(const struct iommufd_debug_object *o, void *data)
{
	struct dot_ctx *d = data;
	struct dot_obj obj = {
		.id = o->id, .users = o->users, .wait_cnt = o->wait_cnt,
		.holds_ctx = o->holds_ctx,
	};

	g_strlcpy(obj.type, o->type_name, sizeof(obj.type));
	g_array_append_val(d->objs, obj);
}

static void on_ref(u32 holder, u32 held, const char *what, void *data)
{
	struct dot_ctx *d = data;

	g_string_append_printf(d->edges, "  c%d_o%u -> c%d_o%u [label=\"%s\"];\n",
			       d->ctx, holder, d->ctx, held, what);
	for (unsigned int i = 0; i < d->objs->len; i++) {
		struct dot_obj *o = &g_array_index(d->objs, struct dot_obj, i);

		if (o->id == held)
			o->incoming++;
	}
}

static void on_area(unsigned long iova, unsigned long last,
		    unsigned long num_accesses, unsigned long num_locks,
		    void *data)
{
	struct dot_ctx *d = data;
	unsigned int n = d->area_no++;

	g_string_append_printf(d->out,
			       "    c%d_o%u_a%u [shape=note, label=\"area %#lx-%#lx\\naccesses=%lu locks=%lu\"%s];\n",
			       d->ctx, d->cur_ioas, n, iova, last, num_accesses,
			       num_locks, num_locks ? ", color=red" : "");
	g_string_append_printf(d->out,
			       "    c%d_o%u -> c%d_o%u_a%u [style=dashed, arrowhead=none];\n",
			       d->ctx, d->cur_ioas, d->ctx, d->cur_ioas, n);
}

static void draw_ctx(struct sc_run *run, int ci, GString *out)
{
	const struct sc_handle *hd = g_ptr_array_index(run->sc->handles, ci);
	const struct sc_handle *proc = g_ptr_array_index(run->sc->handles,
							 hd->proc);
	struct file *file = sc_kernel_ctx_file(run->h[ci].ptr);
	struct dot_ctx d = {
		.run = run, .ctx = ci, .out = out,
		.objs = g_array_new(FALSE, FALSE, sizeof(struct dot_obj)),
		.edges = g_string_new(NULL),
	};
	unsigned int i;

	/* Objects first, so that references can be counted against them. */
	iommufd_debug_walk(file, on_object, NULL, &d);
	iommufd_debug_walk(file, NULL, on_ref, &d);

	g_string_append_printf(out, "  subgraph cluster_c%d {\n", ci);
	g_string_append_printf(out, "    label=\"iommufd '%s' (fd %" G_GUINT64_FORMAT ", process %s)\";\n",
			       hd->name, run->h[ci].v[0], proc->name);
	g_string_append_printf(out, "    c%d [shape=folder, label=\"context '%s'\"];\n",
			       ci, hd->name);
	for (i = 0; i < d.objs->len; i++) {
		struct dot_obj *o = &g_array_index(d.objs, struct dot_obj, i);
		const char *name = object_name(&d, o->id, o->type);

		g_string_append_printf(out,
				       "    c%d_o%u [label=\"%s %u%s%s%s\\nusers=%u wait_cnt=%u%s\"];\n",
				       ci, o->id, o->type, o->id,
				       name ? "\\n'" : "", name ? name : "",
				       name ? "'" : "", o->users, o->wait_cnt,
				       o->holds_ctx ? "\\nholds the context" : "");
		g_string_append_printf(out,
				       "    c%d -> c%d_o%u [style=dotted, label=\"table\"];\n",
				       ci, ci, o->id);
		if (!strcmp(o->type, "ioas")) {
			d.cur_ioas = o->id;
			d.area_no = 0;
			iommufd_debug_walk_areas(file, o->id, on_area, &d);
		}
	}
	g_string_append(out, "  }\n");
	g_string_append(out, d.edges->str);
	for (i = 0; i < d.objs->len; i++) {
		struct dot_obj *o = &g_array_index(d.objs, struct dot_obj, i);
		int outside = (int)o->users - 1 - (int)o->incoming;

		if (o->holds_ctx)
			g_string_append_printf(out,
					       "  c%d_o%u -> c%d [color=red, label=\"file reference\"];\n",
					       ci, o->id, ci);
		if (outside <= 0)
			continue;
		g_string_append_printf(out,
				       "  c%d_x%u [shape=ellipse, style=dashed, label=\"outside the graph\\n(driver, file, mapping)\"];\n",
				       ci, o->id);
		g_string_append_printf(out,
				       "  c%d_x%u -> c%d_o%u [style=dashed, label=\"%d\"];\n",
				       ci, o->id, ci, o->id, outside);
	}
	g_array_unref(d.objs);
	g_string_free(d.edges, TRUE);
}

int sc_dot_write(struct sc_run *run, const char *path, const char *title)
{
	GString *out = g_string_new(NULL);
	unsigned int contexts = 0;
	GError *err = NULL;
	bool ok;

	g_string_append(out, "digraph iommufd {\n");
	g_string_append_printf(out, "  label=\"%s\";\n  labelloc=t;\n", title);
	g_string_append(out, "  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n  edge [fontname=\"monospace\", fontsize=10];\n");
	for (unsigned int i = 0; i < run->sc->handles->len; i++) {
		const struct sc_handle *hd = g_ptr_array_index(run->sc->handles, i);
		const struct sc_rt_handle *h = &run->h[i];

		if (hd->type != SC_H_IOMMUFD || !h->live || h->closed || !h->ptr)
			continue;
		draw_ctx(run, i, out);
		contexts++;
	}
	if (!contexts)
		g_string_append(out, "  none [shape=plaintext, label=\"no iommufd is open\"];\n");
	g_string_append(out, "}\n");
	ok = g_file_set_contents(path, out->str, out->len, &err);
	if (!ok) {
		fprintf(stderr, "iommufd-sim: cannot write %s: %s\n", path,
			err->message);
		g_error_free(err);
	}
	g_string_free(out, TRUE);
	return ok ? 0 : -1;
}
