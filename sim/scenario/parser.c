// SPDX-License-Identifier: GPL-2.0
/*
 * parser.c - scenario files to struct sc_scenario.
 *
 * Reading happens in two passes.  The first turns the file (and what it
 * includes) into logical lines: comments stripped, continuation lines
 * joined, each remembering the file and line where it starts.  The second
 * parses each logical line into a statement and checks it against the
 * operation table: every mistake is reported as "file:line: message" with
 * what to write instead, and nothing runs while any remains.
 */
#include <glib.h>		/* before kernel headers: they define noinline */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kshim/sched.h>
#include "ast.h"

#define MAX_ERRORS	50
#define MAX_INCLUDE	16

struct lline {
	const char *file;
	int line;
	char *text;
};

enum tok_kind { T_WORD, T_FIELD, T_ARROW, T_LBRACE, T_RBRACE, T_PIPE };

struct tok {
	enum tok_kind kind;
	char *text;		/* WORD: the word; FIELD: the key */
	char *value;		/* FIELD: the value as written */
};

struct block {
	int thread;		/* 0: main */
	int proc;		/* process in effect */
};

struct parser {
	struct sc_scenario *sc;
	GPtrArray *errors;
	GPtrArray *lines;	/* struct lline * */
	unsigned int pos;
	bool any_step;
	GHashTable *names;	/* handle name -> index + 1 */
	GPtrArray *open_fds;	/* per process handle: GArray of iommufd */
	GHashTable *joined;	/* thread index -> line */
	const char *file;
	int line;
};

static void perr(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void perr(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (ps->errors->len >= MAX_ERRORS)
		return;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_ptr_array_add(ps->errors, g_strdup_printf("%s:%d: %s", ps->file,
						    ps->line, msg));
	g_free(msg);
}

/* ---- pass 1: logical lines --------------------------------------------- */

static void strip_comment(char *s)
{
	bool quoted = false;

	for (char *p = s; *p; p++) {
		if (*p == '\\' && quoted && p[1]) {
			p++;
			continue;
		}
		if (*p == '"')
			quoted = !quoted;
		else if (*p == '#' && !quoted) {
			*p = 0;
			return;
		}
	}
}

static bool read_lines(struct parser *ps, const char *path, int depth,
		       GPtrArray *stack);

static bool handle_include(struct parser *ps, const char *path,
			   const char *arg, int depth, GPtrArray *stack)
{
	size_t len = strlen(arg);
	char *dir, *name, *full;
	bool ok;

	if (len < 2 || arg[0] != '"' || arg[len - 1] != '"') {
		perr(ps, "include needs a quoted file name (write include \"common.inc\")");
		return false;
	}
	name = g_strndup(arg + 1, len - 2);
	dir = g_path_get_dirname(path);
	full = g_path_is_absolute(name) ? g_strdup(name) :
		strcmp(dir, ".") ? g_build_filename(dir, name, NULL) :
				   g_strdup(name);
	g_free(dir);
	g_free(name);
	if (depth >= MAX_INCLUDE) {
		perr(ps, "includes nested more than %d deep (is '%s' including itself?)",
		     MAX_INCLUDE, full);
		g_free(full);
		return false;
	}
	for (unsigned int i = 0; i < stack->len; i++) {
		if (!strcmp(g_ptr_array_index(stack, i), full)) {
			perr(ps, "'%s' includes itself", full);
			g_free(full);
			return false;
		}
	}
	ok = read_lines(ps, full, depth + 1, stack);
	g_free(full);
	return ok;
}

static bool read_lines(struct parser *ps, const char *path, int depth,
		       GPtrArray *stack)
{
	const char *file = g_string_chunk_insert_const(ps->sc->strings, path);
	GString *cur = g_string_new(NULL);
	char *contents = NULL, **raw;
	const char *saved_file = ps->file;
	int saved_line = ps->line;
	GError *gerr = NULL;
	int start = 0;
	bool ok = true;

	if (!g_file_get_contents(path, &contents, NULL, &gerr)) {
		perr(ps, "cannot read '%s': %s", path, gerr->message);
		g_error_free(gerr);
		g_string_free(cur, TRUE);
		return false;
	}
	g_ptr_array_add(stack, (gpointer)file);
	raw = g_strsplit(contents, "\n", -1);
	g_free(contents);
	for (int i = 0; raw[i]; i++) {
		char *l = raw[i];
		size_t n;

		if (raw[i + 1] == NULL && !*l)
			break;
		strip_comment(l);
		g_strchomp(l);
		n = strlen(l);
		if (!cur->len)
			start = i + 1;
		if (n && l[n - 1] == '\\') {
			l[n - 1] = ' ';
			g_string_append(cur, l);
			continue;
		}
		g_string_append(cur, l);
		g_strstrip(cur->str);
		cur->len = strlen(cur->str);
		if (cur->len) {
			ps->file = file;
			ps->line = start;
			if (g_str_has_prefix(cur->str, "include") &&
			    (cur->str[7] == ' ' || cur->str[7] == '\t' ||
			     !cur->str[7])) {
				char *arg = g_strstrip(g_strdup(cur->str + 7));

				if (!handle_include(ps, path, arg, depth, stack))
					ok = false;
				g_free(arg);
			} else {
				struct lline *ll = g_new0(struct lline, 1);

				ll->file = file;
				ll->line = start;
				ll->text = g_strdup(cur->str);
				g_ptr_array_add(ps->lines, ll);
			}
		}
		g_string_truncate(cur, 0);
	}
	g_strfreev(raw);
	g_string_free(cur, TRUE);
	g_ptr_array_remove_index(stack, stack->len - 1);
	ps->file = saved_file;
	ps->line = saved_line;
	return ok;
}

/* ---- tokens --------------------------------------------------------------- */

static void tok_free(gpointer p)
{
	struct tok *t = p;

	g_free(t->text);
	g_free(t->value);
	g_free(t);
}

static GPtrArray *tokenize(struct parser *ps, const char *s)
{
	GPtrArray *toks = g_ptr_array_new_with_free_func(tok_free);

	while (*s) {
		const char *start;
		int depth = 0;
		bool quoted = false;
		struct tok *t;
		char *word, *eq;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		t = g_new0(struct tok, 1);
		if (s[0] == '=' && s[1] == '>') {
			t->kind = T_ARROW;
			s += 2;
			g_ptr_array_add(toks, t);
			continue;
		}
		if (*s == '{' || *s == '}' || *s == '|') {
			t->kind = *s == '{' ? T_LBRACE : *s == '}' ? T_RBRACE :
								    T_PIPE;
			s++;
			g_ptr_array_add(toks, t);
			continue;
		}
		start = s;
		for (; *s; s++) {
			if (quoted) {
				if (*s == '\\' && s[1])
					s++;
				else if (*s == '"')
					quoted = false;
				continue;
			}
			if (*s == '"')
				quoted = true;
			else if (*s == '[')
				depth++;
			else if (*s == ']')
				depth--;
			else if (depth <= 0 && (*s == ' ' || *s == '\t' ||
						*s == '|' || *s == '{' ||
						*s == '}'))
				break;
			else if (depth <= 0 && s[0] == '=' && s[1] == '>')
				break;
		}
		if (quoted)
			perr(ps, "a string is not closed (add the closing '\"')");
		else if (depth > 0)
			perr(ps, "a list is not closed (add the closing ']')");
		word = g_strndup(start, s - start);
		eq = strchr(word, '=');
		if (eq && eq != word && word[0] != '"') {
			t->kind = T_FIELD;
			t->text = g_strndup(word, eq - word);
			t->value = g_strdup(eq + 1);
			g_free(word);
		} else {
			t->kind = T_WORD;
			t->text = word;
		}
		g_ptr_array_add(toks, t);
	}
	return toks;
}

/* ---- handles ------------------------------------------------------------- */

static bool is_ident(const char *s)
{
	if (!g_ascii_isalpha(*s) && *s != '_')
		return false;
	for (s++; *s; s++)
		if (!g_ascii_isalnum(*s) && *s != '_')
			return false;
	return true;
}

static int find_handle(struct parser *ps, const char *name)
{
	gpointer v = g_hash_table_lookup(ps->names, name);

	return v ? GPOINTER_TO_INT(v) - 1 : -1;
}

static struct sc_handle *handle_at(struct parser *ps, int i)
{
	return g_ptr_array_index(ps->sc->handles, i);
}

static char *defined_list(struct parser *ps, uint32_t mask)
{
	GString *s = g_string_new(NULL);
	unsigned int n = 0;

	for (unsigned int i = 0; i < ps->sc->handles->len; i++) {
		struct sc_handle *h = handle_at(ps, i);

		if (mask && !(mask & SC_HM(h->type)))
			continue;
		if (n++ == 16) {
			g_string_append(s, ", ...");
			break;
		}
		g_string_append_printf(s, "%s%s", s->len ? ", " : "", h->name);
	}
	if (!s->len)
		g_string_append(s, "none");
	return g_string_free(s, FALSE);
}

static void unknown_handle(struct parser *ps, const char *name)
{
	char *list = defined_list(ps, 0);

	perr(ps, "unknown handle '%s' (defined so far: %s)", name, list);
	g_free(list);
}

static int define_handle(struct parser *ps, const char *name,
			 enum sc_htype type, int proc, int ctx)
{
	struct sc_handle *h;
	int old;

	if (!is_ident(name)) {
		perr(ps, "'%s' is not a handle name (names are letters, digits and '_', not starting with a digit)",
		     name);
		return -1;
	}
	if (sc_op_find(name) || !strcmp(name, "ok") || !strcmp(name, "all")) {
		perr(ps, "'%s' is a keyword; pick another handle name", name);
		return -1;
	}
	old = find_handle(ps, name);
	if (old >= 0) {
		h = handle_at(ps, old);
		perr(ps, "handle '%s' is already defined at %s:%d (pick another name)",
		     name, h->file, h->line);
		return -1;
	}
	h = g_new0(struct sc_handle, 1);
	h->name = g_strdup(name);
	h->type = type;
	h->file = ps->file;
	h->line = ps->line;
	h->proc = proc;
	h->ctx = ctx;
	g_ptr_array_add(ps->sc->handles, h);
	g_hash_table_insert(ps->names, h->name,
			    GINT_TO_POINTER(ps->sc->handles->len));
	if (type == SC_H_PROCESS)
		g_ptr_array_add(ps->open_fds, g_array_new(FALSE, FALSE,
							  sizeof(int)));
	else
		g_ptr_array_add(ps->open_fds, NULL);
	return ps->sc->handles->len - 1;
}

static GArray *proc_fds(struct parser *ps, int proc)
{
	return g_ptr_array_index(ps->open_fds, proc);
}

/* ---- values ------------------------------------------------------------- */

static const char *type_word(enum sc_htype t)
{
	return sc_htypes[t].name;
}

static char *mask_words(uint32_t mask)
{
	GString *s = g_string_new(NULL);
	int n = 0, total = __builtin_popcount(mask), i;

	for (i = 0; i < SC_H_NR; i++) {
		if (!(mask & SC_HM(i)))
			continue;
		n++;
		if (s->len)
			g_string_append(s, n == total ? " or " : ", ");
		g_string_append(s, type_word(i));
	}
	return g_string_free(s, FALSE);
}

static void expr_free(struct sc_expr *e)
{
	if (!e)
		return;
	expr_free(e->l);
	expr_free(e->r);
	g_free(e);
}

static const char *number_hint = "write 12K, 0x3000 or 12288";

/* One term: a number, a handle, or handle.field. */
static struct sc_expr *parse_term(struct parser *ps, const char *field,
				  const char *s)
{
	struct sc_expr *e = g_new0(struct sc_expr, 1);
	const char *dot;

	if (g_ascii_isdigit(*s)) {
		e->kind = SC_E_NUM;
		if (!sc_parse_number(s, &e->num)) {
			perr(ps, "field '%s': '%s' is not a number (%s)", field,
			     s, number_hint);
			goto err;
		}
		return e;
	}
	dot = strchr(s, '.');
	if (dot) {
		char *hname = g_strndup(s, dot - s);
		int h = find_handle(ps, hname);
		struct sc_handle *hd;

		if (h < 0) {
			if (is_ident(hname))
				unknown_handle(ps, hname);
			else
				perr(ps, "field '%s': '%s' is not a number or a handle's field (%s, or NAME.FIELD)",
				     field, s, number_hint);
			g_free(hname);
			goto err;
		}
		g_free(hname);
		hd = handle_at(ps, h);
		e->kind = SC_E_FIELD;
		e->handle = h;
		e->field = sc_hfield_find(hd->type, dot + 1);
		if (!e->field) {
			GString *l = g_string_new(NULL);

			for (const struct sc_hfield *f = sc_htypes[hd->type].fields;
			     f->name; f++)
				g_string_append_printf(l, "%s%s", l->len ? ", " : "",
						       f->name);
			perr(ps, "'%s' is %s and has no field '%s' (its fields: %s)",
			     hd->name, type_word(hd->type), dot + 1,
			     l->len ? l->str : "none");
			g_string_free(l, TRUE);
			goto err;
		}
		return e;
	}
	if (!is_ident(s)) {
		perr(ps, "field '%s': '%s' is not a number (%s)", field, s,
		     number_hint);
		goto err;
	}
	e->kind = SC_E_HANDLE;
	e->handle = find_handle(ps, s);
	if (e->handle < 0) {
		unknown_handle(ps, s);
		goto err;
	}
	return e;
err:
	g_free(e);
	return NULL;
}

/* term (('+' | '-') term)* */
static struct sc_expr *parse_expr(struct parser *ps, const char *field,
				  const char *s)
{
	struct sc_expr *acc = NULL;
	const char *p = s;
	char op = '+';

	if (!*s) {
		perr(ps, "field '%s' has no value (%s)", field, number_hint);
		return NULL;
	}
	while (*p) {
		const char *end = p;
		struct sc_expr *t;
		char *term;

		while (*end && *end != '+' && *end != '-')
			end++;
		term = g_strndup(p, end - p);
		if (!*term) {
			perr(ps, "field '%s': '%s' is not a number (%s)", field,
			     s, number_hint);
			g_free(term);
			expr_free(acc);
			return NULL;
		}
		t = parse_term(ps, field, term);
		g_free(term);
		if (!t) {
			expr_free(acc);
			return NULL;
		}
		if (!acc) {
			acc = t;
		} else {
			struct sc_expr *n = g_new0(struct sc_expr, 1);

			n->kind = op == '+' ? SC_E_ADD : SC_E_SUB;
			n->l = acc;
			n->r = t;
			acc = n;
		}
		if (!*end)
			break;
		op = *end;
		p = end + 1;
		if (!*p) {
			perr(ps, "field '%s': '%s' ends with '%c' (%s)", field, s,
			     op, number_hint);
			expr_free(acc);
			return NULL;
		}
	}
	return acc;
}

/* A handle or handle field standing where an object ID goes. */
static bool check_id_expr(struct parser *ps, const struct sc_fspec *f,
			  struct sc_expr *e)
{
	char *want = mask_words(f->hmask);
	bool ok = true;

	if (e->kind == SC_E_HANDLE) {
		struct sc_handle *h = handle_at(ps, e->handle);

		if (!(f->hmask & SC_HM(h->type))) {
			char *list = defined_list(ps, f->hmask);

			perr(ps, "field '%s': '%s' is %s, not %s (%s so far: %s)",
			     f->name, h->name, type_word(h->type), want,
			     "candidates", list);
			g_free(list);
			ok = false;
		}
	} else if (e->kind == SC_E_FIELD) {
		struct sc_handle *h = handle_at(ps, e->handle);

		if (e->field->kind != SC_HF_ID ||
		    !(f->hmask & SC_HM(e->field->of))) {
			perr(ps, "field '%s': '%s.%s' is not the ID of %s",
			     f->name, h->name, e->field->name, want);
			ok = false;
		}
	}
	g_free(want);
	return ok;
}

static bool check_num_expr(struct parser *ps, const struct sc_fspec *f,
			   struct sc_expr *e)
{
	if (!e)
		return false;
	if (e->kind == SC_E_HANDLE) {
		struct sc_handle *h = handle_at(ps, e->handle);
		const struct sc_hfield *first = sc_htypes[h->type].fields;

		if (first->name)
			perr(ps, "field '%s': '%s' is %s, not a number (write %s.%s, or another of its fields)",
			     f->name, h->name, type_word(h->type), h->name,
			     first->name);
		else
			perr(ps, "field '%s': '%s' is %s, not a number",
			     f->name, h->name, type_word(h->type));
		return false;
	}
	if (e->kind == SC_E_ADD || e->kind == SC_E_SUB)
		return check_num_expr(ps, f, e->l) &&
		       check_num_expr(ps, f, e->r);
	return true;
}

static char *strip_brackets(const char *v)
{
	size_t len = strlen(v);

	if (len >= 2 && v[0] == '[' && v[len - 1] == ']')
		return g_strndup(v + 1, len - 2);
	return g_strdup(v);
}

static char *names_list(const char *const *names)
{
	GString *s = g_string_new(NULL);

	for (; *names; names++)
		g_string_append_printf(s, "%s%s", s->len ? ", " : "", *names);
	return g_string_free(s, FALSE);
}

static int name_index(const char *const *names, const char *w)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(names[i], w))
			return i;
	return -1;
}

static void bad_name(struct parser *ps, const struct sc_fspec *f,
		     const char *w)
{
	unsigned int n = 0;
	const char *close;
	char *list;

	while (f->names[n])
		n++;
	close = sc_closest(w, f->names, n);
	list = names_list(f->names);
	if (close)
		perr(ps, "field '%s': unknown value '%s' (did you mean '%s'? values: %s)",
		     f->name, w, close, list);
	else
		perr(ps, "field '%s': unknown value '%s' (values: %s)", f->name,
		     w, list);
	g_free(list);
}

static bool parse_literal(struct parser *ps, const char *field, const char *s,
			  uint64_t *v)
{
	if (sc_parse_number(s, v))
		return true;
	perr(ps, "field '%s': '%s' is not a number (%s)", field, s, number_hint);
	return false;
}

static bool parse_value(struct parser *ps, const struct sc_fspec *f,
			const char *v, struct sc_arg *a)
{
	char **items = NULL, *inner = NULL, *why = NULL;
	bool ok = false;
	uint64_t x, y;

	a->spec = f;
	switch (f->type) {
	case SC_FT_NUM:
		a->expr = parse_expr(ps, f->name, v);
		ok = a->expr && check_num_expr(ps, f, a->expr);
		break;
	case SC_FT_ID:
		a->expr = parse_expr(ps, f->name, v);
		ok = a->expr && check_id_expr(ps, f, a->expr);
		break;
	case SC_FT_HANDLE: {
		int h = is_ident(v) ? find_handle(ps, v) : -1;
		char *want = mask_words(f->hmask);

		if (!is_ident(v)) {
			perr(ps, "field '%s': '%s' is not a handle name (expected %s)",
			     f->name, v, want);
		} else if (h < 0) {
			unknown_handle(ps, v);
		} else if (!(f->hmask & SC_HM(handle_at(ps, h)->type))) {
			char *list = defined_list(ps, f->hmask);

			perr(ps, "field '%s': '%s' is %s, not %s (candidates so far: %s)",
			     f->name, v, type_word(handle_at(ps, h)->type),
			     want, list);
			g_free(list);
		} else {
			a->expr = g_new0(struct sc_expr, 1);
			a->expr->kind = SC_E_HANDLE;
			a->expr->handle = h;
			ok = true;
		}
		g_free(want);
		break;
	}
	case SC_FT_HANDLES: {
		char *want = mask_words(f->hmask);

		a->list = g_array_new(FALSE, FALSE, sizeof(uint64_t));
		inner = strip_brackets(v);
		items = g_strsplit(inner, ",", -1);
		ok = true;
		for (char **p = items; *p && ok; p++) {
			char *it = g_strstrip(*p);
			int h;

			if (!*it)
				continue;
			h = is_ident(it) ? find_handle(ps, it) : -1;
			if (h < 0) {
				if (is_ident(it))
					unknown_handle(ps, it);
				else
					perr(ps, "field '%s': '%s' is not a handle name (expected %s)",
					     f->name, it, want);
				ok = false;
			} else if (!(f->hmask & SC_HM(handle_at(ps, h)->type))) {
				perr(ps, "field '%s': '%s' is %s, not %s", f->name, it,
				     type_word(handle_at(ps, h)->type), want);
				ok = false;
			} else {
				uint64_t hv = h;

				g_array_append_val(a->list, hv);
			}
		}
		g_free(want);
		break;
	}
	case SC_FT_BYTES:
		ok = sc_parse_bytes(v, &a->bytes, &why);
		if (!ok)
			perr(ps, "field '%s': %s", f->name, why);
		break;
	case SC_FT_ENUM:
		if (name_index(f->names, v) < 0) {
			bad_name(ps, f, v);
			break;
		}
		a->u = name_index(f->names, v);
		ok = true;
		break;
	case SC_FT_FLAGS:
		if (!strcmp(v, "none")) {
			ok = true;
			break;
		}
		inner = strip_brackets(v);
		items = g_strsplit(inner, ",", -1);
		ok = true;
		for (char **p = items; *p; p++) {
			int i = name_index(f->names, g_strstrip(*p));

			if (!**p)
				continue;
			if (i < 0) {
				bad_name(ps, f, *p);
				ok = false;
				continue;
			}
			a->u |= 1ull << i;
		}
		break;
	case SC_FT_RANGES:
	case SC_FT_PAGES:
		a->list = g_array_new(FALSE, FALSE, sizeof(uint64_t));
		if (f->type == SC_FT_PAGES && !strcmp(v, "all")) {
			x = 0;
			y = SC_ALL;
			g_array_append_val(a->list, x);
			g_array_append_val(a->list, y);
			ok = true;
			break;
		}
		inner = strip_brackets(v);
		items = g_strsplit(inner, ",", -1);
		ok = true;
		for (char **p = items; *p && ok; p++) {
			const char *sep_s = f->type == SC_FT_RANGES ? "-" : "+";
			char *it = g_strstrip(*p), *sep, *first;

			if (!*it)
				continue;
			sep = strstr(it, "..");
			if (!sep || f->type == SC_FT_PAGES)
				sep = strstr(it, sep_s);
			if (!sep) {
				perr(ps, "field '%s': '%s' is not %s", f->name, it,
				     f->type == SC_FT_RANGES ?
				     "a range (write FIRST-LAST, e.g. 0x1000000-0x1ffffff)" :
				     "a page range (write OFFSET+LENGTH, e.g. 0+4K, or all)");
				ok = false;
				break;
			}
			first = g_strndup(it, sep - it);
			ok = parse_literal(ps, f->name, first, &x) &&
			     parse_literal(ps, f->name,
					   sep + (sep[0] == '.' ? 2 : 1), &y);
			g_free(first);
			if (ok && f->type == SC_FT_RANGES && y < x) {
				perr(ps, "field '%s': range '%s' ends before it starts (FIRST-LAST is inclusive)",
				     f->name, it);
				ok = false;
			}
			if (ok) {
				g_array_append_val(a->list, x);
				g_array_append_val(a->list, y);
			}
		}
		break;
	case SC_FT_LIST:
		a->list = g_array_new(FALSE, FALSE, sizeof(uint64_t));
		inner = strip_brackets(v);
		items = g_strsplit(inner, ",", -1);
		ok = true;
		for (char **p = items; *p && ok; p++) {
			char *it = g_strstrip(*p);

			if (!*it)
				continue;
			if (!strcmp(it, "all"))
				x = SC_ALL;
			else
				ok = parse_literal(ps, f->name, it, &x);
			if (ok)
				g_array_append_val(a->list, x);
		}
		break;
	case SC_FT_BOOL:
		if (!strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "yes") ||
		    !strcmp(v, "true")) {
			a->u = 1;
			ok = true;
		} else if (!strcmp(v, "0") || !strcmp(v, "off") ||
			   !strcmp(v, "no") || !strcmp(v, "false")) {
			a->u = 0;
			ok = true;
		} else {
			perr(ps, "field '%s' is a switch: write just '%s' (or %s=on/off)",
			     f->name, f->name, f->name);
		}
		break;
	case SC_FT_STR: {
		size_t len = strlen(v);

		if (len >= 2 && v[0] == '"' && v[len - 1] == '"')
			a->str = g_strndup(v + 1, len - 2);
		else
			a->str = g_strdup(v);
		ok = true;
		break;
	}
	case SC_FT_FILL:
		if (!strcmp(v, "zero")) {
			a->u = 0;
			ok = true;
		} else if (!strcmp(v, "pattern")) {
			a->u = 0x100;
			ok = true;
		} else if (sc_parse_number(v, &x) && x <= 0xff) {
			a->u = x;
			ok = true;
		} else {
			perr(ps, "field 'fill': '%s' is not a fill (write fill=0x5a, fill=zero or fill=pattern)",
			     v);
		}
		break;
	}
	g_free(inner);
	g_strfreev(items);
	g_free(why);
	a->set = ok;
	return ok;
}

/* ---- statements ----------------------------------------------------------- */

static void stmt_free(gpointer p);

static void arg_clear(struct sc_arg *a)
{
	expr_free(a->expr);
	if (a->bytes)
		g_byte_array_unref(a->bytes);
	if (a->list)
		g_array_unref(a->list);
	g_free(a->str);
	memset(a, 0, sizeof(*a));
}

static void check_free(gpointer p)
{
	struct sc_check *c = p;

	g_free(c->name);
	g_free(c->written);
	arg_clear(&c->want);
	g_free(c);
}

static void stmt_free(gpointer p)
{
	struct sc_stmt *st = p;

	for (int i = 0; i < SC_MAX_FIELDS; i++)
		arg_clear(&st->args[i]);
	if (st->checks)
		g_ptr_array_unref(st->checks);
	if (st->body)
		g_ptr_array_unref(st->body);
	g_free(st->text);
	g_free(st->barrier);
	g_free(st);
}

static char *fields_list(const struct sc_op *op)
{
	GString *s = g_string_new(NULL);

	for (int i = 0; i < SC_MAX_FIELDS && op->fields[i].name; i++)
		g_string_append_printf(s, "%s%s", s->len ? ", " : "",
				       op->fields[i].name);
	if (!s->len)
		g_string_append(s, "none");
	return g_string_free(s, FALSE);
}

static void unknown_op(struct parser *ps, const char *name)
{
	const char *names[256];
	unsigned int n = 0;
	const char *close;

	for (const struct sc_op *op = sc_ops; op->name && n < 256; op++)
		names[n++] = op->name;
	close = sc_closest(name, names, n);
	if (close)
		perr(ps, "unknown operation '%s' (did you mean '%s'?)", name,
		     close);
	else
		perr(ps, "unknown operation '%s' (see docs/scenario-format.md for the list)",
		     name);
}

/* The handle, if any, an argument names (for the context it belongs to). */
static int arg_handle(const struct sc_arg *a)
{
	if (!a->set || !a->expr)
		return -1;
	if (a->expr->kind == SC_E_HANDLE || a->expr->kind == SC_E_FIELD)
		return a->expr->handle;
	return -1;
}

static void resolve_ctx(struct parser *ps, struct sc_stmt *st)
{
	int ci = sc_op_field_index(st->op, "ctx");
	GArray *fds;

	st->ctx = -1;
	if (ci >= 0 && st->args[ci].set) {
		st->ctx = st->args[ci].expr->handle;
	} else {
		for (int i = 0; i < SC_MAX_FIELDS && st->op->fields[i].name; i++) {
			int h = arg_handle(&st->args[i]);

			if (h >= 0 && handle_at(ps, h)->ctx >= 0) {
				st->ctx = handle_at(ps, h)->ctx;
				break;
			}
		}
	}
	if (st->ctx < 0) {
		fds = proc_fds(ps, st->proc);
		if (fds->len == 1) {
			st->ctx = g_array_index(fds, int, 0);
		} else if (!fds->len) {
			perr(ps, "%s: no iommufd is open in process %s (write 'open NAME' before this step)",
			     st->op->name, handle_at(ps, st->proc)->name);
			return;
		} else {
			GString *l = g_string_new(NULL);

			for (unsigned int i = 0; i < fds->len; i++)
				g_string_append_printf(l, "%s%s", i ? ", " : "",
						       handle_at(ps, g_array_index(fds, int, i))->name);
			perr(ps, "%s: several iommufds are open (%s): say which with ctx=NAME",
			     st->op->name, l->str);
			g_string_free(l, TRUE);
			return;
		}
	}
	if (handle_at(ps, st->ctx)->proc != st->proc)
		perr(ps, "%s: iommufd '%s' belongs to process %s, but this step runs as %s (write 'as %s' first, or open an iommufd in %s)",
		     st->op->name, handle_at(ps, st->ctx)->name,
		     handle_at(ps, handle_at(ps, st->ctx)->proc)->name,
		     handle_at(ps, st->proc)->name,
		     handle_at(ps, handle_at(ps, st->ctx)->proc)->name,
		     handle_at(ps, st->proc)->name);
}

static bool parse_outcome(struct parser *ps, struct sc_stmt *st,
			  GPtrArray *toks, unsigned int i)
{
	bool want_alt = true, ok_seen = false, good = true;

	st->has_outcome = true;
	for (; i < toks->len; i++) {
		struct tok *t = g_ptr_array_index(toks, i);

		if (t->kind == T_PIPE) {
			want_alt = true;
			continue;
		}
		if (t->kind == T_WORD && want_alt) {
			char **alts = g_strsplit(t->text, "|", -1);

			for (char **a = alts; *a; a++) {
				int e;

				if (!**a)
					continue;
				if (st->nalts == SC_MAX_ALTS) {
					perr(ps, "%s: at most %d outcomes", st->op->name,
					     SC_MAX_ALTS);
					good = false;
					break;
				}
				if (!strcmp(*a, "ok")) {
					st->alts[st->nalts++] = 0;
					ok_seen = true;
					continue;
				}
				e = sc_errno_from_name(*a);
				if (!e) {
					static const char *const common[] = {
						"EBUSY", "ENOENT", "EINVAL", "EPERM",
						"EFAULT", "ENOMEM", "EOVERFLOW",
						"EOPNOTSUPP", "EADDRINUSE", "ENOTTY",
						"E2BIG", "EBADF", "EMSGSIZE", "ENOSPC",
						"EDEADLOCK", "ERANGE", "EEXIST",
						"EIO", "EAGAIN", "ENODEV",
					};
					const char *close = sc_closest(*a, common,
								       G_N_ELEMENTS(common));

					if (close)
						perr(ps, "%s: unknown outcome '%s' (did you mean '%s'? write '=> ok' or '=> ERRNO')",
						     st->op->name, *a, close);
					else
						perr(ps, "%s: unknown outcome '%s' (write '=> ok' or an errno name such as '=> EBUSY')",
						     st->op->name, *a);
					good = false;
					continue;
				}
				st->alts[st->nalts++] = e;
			}
			g_strfreev(alts);
			want_alt = false;
			continue;
		}
		if (t->kind == T_FIELD) {
			struct sc_check *c;
			const struct sc_fspec *spec = NULL;
			struct sc_fspec tmp = { 0 };
			int oi;

			if (!ok_seen && st->op->creates != SC_H_NONE &&
			    sc_op_output_index(st->op, t->text) < 0) {
				perr(ps, "%s: '%s=' is a field of what a successful call creates; write '=> ok %s=%s'",
				     st->op->name, t->text, t->text, t->value);
				good = false;
				continue;
			}
			c = g_new0(struct sc_check, 1);
			c->name = g_strdup(t->text);
			c->written = g_strdup(t->value);
			oi = sc_op_output_index(st->op, t->text);
			c->output = oi;
			if (oi >= 0) {
				spec = &st->op->outputs[oi];
			} else if (st->op->creates != SC_H_NONE &&
				   (c->hfield = sc_hfield_find(st->op->creates,
							       t->text))) {
				tmp.name = c->hfield->name;
				tmp.type = c->hfield->kind == SC_HF_ID ?
					   SC_FT_ID : SC_FT_NUM;
				tmp.hmask = SC_HM(c->hfield->of);
				spec = &tmp;
			}
			if (!spec) {
				GString *l = g_string_new(NULL);

				for (int k = 0; k < SC_MAX_OUTPUTS &&
						st->op->outputs[k].name; k++)
					g_string_append_printf(l, "%s%s",
							       l->len ? ", " : "",
							       st->op->outputs[k].name);
				if (st->op->creates != SC_H_NONE)
					for (const struct sc_hfield *f =
						     sc_htypes[st->op->creates].fields;
					     f->name; f++)
						g_string_append_printf(l, "%s%s",
								       l->len ? ", " : "",
								       f->name);
				perr(ps, "%s: '%s' is not something this step returns (it returns: %s)",
				     st->op->name, t->text,
				     l->len ? l->str : "nothing to check");
				g_string_free(l, TRUE);
				check_free(c);
				good = false;
				continue;
			}
			if (!parse_value(ps, spec, t->value, &c->want)) {
				check_free(c);
				good = false;
				continue;
			}
			/* tmp dies here; the check keeps its type only */
			c->want.spec = oi >= 0 ? spec : NULL;
			g_ptr_array_add(st->checks, c);
			continue;
		}
		perr(ps, "%s: after '=>' write 'ok', an errno name, or name=value checks",
		     st->op->name);
		good = false;
	}
	if (!st->nalts && good) {
		perr(ps, "%s: '=>' needs an outcome (write '=> ok' or '=> ERRNO')",
		     st->op->name);
		good = false;
	}
	return good;
}

static struct sc_stmt *parse_stmt(struct parser *ps, struct block *b,
				  const char *text);

/* The statement with runs of blanks (outside strings) made one space. */
static char *normalize(const char *text)
{
	GString *s = g_string_new(NULL);
	bool quoted = false, blank = false;

	for (const char *p = text; *p; p++) {
		if (!quoted && (*p == ' ' || *p == '\t')) {
			blank = true;
			continue;
		}
		if (blank && s->len)
			g_string_append_c(s, ' ');
		blank = false;
		if (*p == '"' && (p == text || p[-1] != '\\'))
			quoted = !quoted;
		g_string_append_c(s, *p);
	}
	return g_string_free(s, FALSE);
}

static void parse_block(struct parser *ps, struct block *b, GPtrArray *out,
			bool in_thread);

static void add_barrier(struct parser *ps, const char *name, int thread)
{
	GHashTable *parts = g_hash_table_lookup(ps->sc->barriers, name);

	if (!parts) {
		parts = g_hash_table_new(g_direct_hash, g_direct_equal);
		g_hash_table_insert(ps->sc->barriers, g_strdup(name), parts);
	}
	if (g_hash_table_contains(parts, GINT_TO_POINTER(thread + 1))) {
		perr(ps, "barrier '%s' is named twice by %s (a thread reaches each barrier once; use another name)",
		     name, thread ? "this thread" : "the main block");
		return;
	}
	g_hash_table_add(parts, GINT_TO_POINTER(thread + 1));
}

static struct sc_stmt *parse_stmt(struct parser *ps, struct block *b,
				  const char *text)
{
	GPtrArray *toks = tokenize(ps, text);
	bool given[SC_MAX_FIELDS];
	struct sc_stmt *st = NULL;
	unsigned int i = 0;
	const char *name;
	char *opname;
	struct tok *t;

	if (!toks->len)
		goto out;
	t = g_ptr_array_index(toks, 0);
	if (t->kind != T_WORD) {
		perr(ps, "a step starts with an operation name, not '%s'",
		     t->kind == T_FIELD ? t->text : text);
		goto out;
	}
	if ((!strcmp(t->text, "expect") || !strcmp(t->text, "wait")) &&
	    toks->len > 1 &&
	    ((struct tok *)g_ptr_array_index(toks, 1))->kind == T_WORD) {
		opname = g_strdup_printf("%s %s", t->text,
					 ((struct tok *)g_ptr_array_index(toks, 1))->text);
		i = 2;
	} else {
		opname = g_strdup(t->text);
		i = 1;
	}
	st = g_new0(struct sc_stmt, 1);
	st->op = sc_op_find(opname);
	st->file = ps->file;
	st->line = ps->line;
	st->text = normalize(text);
	st->handle = -1;
	st->proc = b->proc;
	st->ctx = -1;
	st->thread = b->thread;
	st->target_thread = -1;
	st->checks = g_ptr_array_new_with_free_func(check_free);
	if (!st->op) {
		if (!strcmp(opname, "expect") || !strcmp(opname, "wait"))
			perr(ps, "'%s' needs what: %s", opname,
			     !strcmp(opname, "expect") ?
			     "expect bytes, expect pins, expect object or expect translation" :
			     "wait blocked THREAD or wait stalled BUFFER");
		else if (!strncmp(opname, "expect ", 7)) {
			static const char *const asserts[] = {
				"expect bytes", "expect pins", "expect object",
				"expect translation",
			};
			const char *close = sc_closest(opname, asserts, 4);

			if (close)
				perr(ps, "unknown assertion '%s' (did you mean '%s'?)",
				     opname, close);
			else
				perr(ps, "unknown assertion '%s' (write expect bytes, expect pins, expect object or expect translation)",
				     opname);
		}
		else if (!strncmp(opname, "wait ", 5))
			perr(ps, "unknown wait '%s' (write wait blocked THREAD or wait stalled BUFFER)",
			     opname);
		else
			unknown_op(ps, opname);
		g_free(opname);
		stmt_free(st);
		st = NULL;
		goto out;
	}
	g_free(opname);

	/* thread NAME { ... } and barrier NAME have their own syntax. */
	if (!strcmp(st->op->name, "thread")) {
		struct sc_thread_decl *td;
		struct block tb;

		if (b->thread) {
			perr(ps, "threads cannot be nested: start 'thread %s' at the top level",
			     toks->len > 1 ? ((struct tok *)g_ptr_array_index(toks, 1))->text : "NAME");
			goto out_bad;
		}
		if (toks->len != 3 ||
		    ((struct tok *)g_ptr_array_index(toks, 1))->kind != T_WORD ||
		    ((struct tok *)g_ptr_array_index(toks, 2))->kind != T_LBRACE) {
			perr(ps, "write 'thread NAME {', the steps on the next lines, then '}' on a line of its own");
			goto out_bad;
		}
		name = ((struct tok *)g_ptr_array_index(toks, 1))->text;
		st->handle = find_handle(ps, name);
		/* Declared by the first pass (threads may name later threads). */
		if (st->handle < 0 || handle_at(ps, st->handle)->type != SC_H_THREAD ||
		    handle_at(ps, st->handle)->line != ps->line ||
		    handle_at(ps, st->handle)->file != ps->file)
			st->handle = define_handle(ps, name, SC_H_THREAD, b->proc, -1);
		td = g_new0(struct sc_thread_decl, 1);
		td->name = g_strdup(name);
		td->handle = st->handle;
		td->body = g_ptr_array_new_with_free_func(stmt_free);
		td->stmt = st;
		g_ptr_array_add(ps->sc->threads, td);
		st->target_thread = ps->sc->threads->len - 1;
		st->body = g_ptr_array_ref(td->body);
		tb.thread = st->target_thread;
		tb.proc = b->proc;
		parse_block(ps, &tb, td->body, true);
		goto out;
	}
	if (!strcmp(st->op->name, "barrier")) {
		if (toks->len != 2 ||
		    ((struct tok *)g_ptr_array_index(toks, 1))->kind != T_WORD ||
		    !is_ident(((struct tok *)g_ptr_array_index(toks, 1))->text)) {
			perr(ps, "write 'barrier NAME' (every thread that names the barrier waits for the others)");
			goto out_bad;
		}
		st->barrier = g_strdup(((struct tok *)g_ptr_array_index(toks, 1))->text);
		add_barrier(ps, st->barrier, b->thread);
		goto out;
	}

	/* The name of what the step creates. */
	if (st->op->creates != SC_H_NONE) {
		t = i < toks->len ? g_ptr_array_index(toks, i) : NULL;
		if (!t || t->kind != T_WORD) {
			perr(ps, "%s: missing the name of what it creates (write '%s NAME ...')",
			     st->op->name, st->op->name);
			goto out_bad;
		}
		i++;
		name = t->text;
		/* defined below, once the step's context is known */
	} else {
		name = NULL;
	}

	memset(given, 0, sizeof(given));
	for (; i < toks->len; i++) {
		const struct sc_fspec *f;
		int fi;

		t = g_ptr_array_index(toks, i);
		if (t->kind == T_ARROW)
			break;
		if (t->kind == T_LBRACE || t->kind == T_RBRACE ||
		    t->kind == T_PIPE) {
			perr(ps, "%s: unexpected '%s'", st->op->name,
			     t->kind == T_LBRACE ? "{" : t->kind == T_RBRACE ? "}" : "|");
			continue;
		}
		if (t->kind == T_WORD) {
			fi = sc_op_field_index(st->op, t->text);
			if (fi >= 0 && st->op->fields[fi].type == SC_FT_BOOL) {
				if (given[fi])
					perr(ps, "%s: '%s' is given twice", st->op->name,
					     t->text);
				given[fi] = true;
				st->args[fi].spec = &st->op->fields[fi];
				st->args[fi].set = true;
				st->args[fi].u = 1;
				continue;
			}
			if (st->op->primary) {
				fi = sc_op_field_index(st->op, st->op->primary);
				if (!given[fi]) {
					given[fi] = true;
					parse_value(ps, &st->op->fields[fi], t->text,
						    &st->args[fi]);
					continue;
				}
			}
			{
				char *list = fields_list(st->op);

				perr(ps, "%s: unexpected word '%s' (fields are written name=value; fields: %s)",
				     st->op->name, t->text, list);
				g_free(list);
			}
			continue;
		}
		/* name=value */
		fi = sc_op_field_index(st->op, t->text);
		if (fi < 0) {
			const char *cands[SC_MAX_FIELDS];
			unsigned int n = 0;
			const char *close;
			char *list = fields_list(st->op);

			for (int k = 0; k < SC_MAX_FIELDS && st->op->fields[k].name; k++)
				cands[n++] = st->op->fields[k].name;
			close = sc_closest(t->text, cands, n);
			if (close)
				perr(ps, "%s: unknown field '%s' (did you mean '%s'? fields: %s)",
				     st->op->name, t->text, close, list);
			else
				perr(ps, "%s: unknown field '%s' (fields: %s)",
				     st->op->name, t->text, list);
			g_free(list);
			continue;
		}
		f = &st->op->fields[fi];
		if (given[fi]) {
			perr(ps, "%s: field '%s' is given twice", st->op->name,
			     t->text);
			continue;
		}
		given[fi] = true;
		parse_value(ps, f, t->value, &st->args[fi]);
	}

	/* Required fields. */
	for (int k = 0; k < SC_MAX_FIELDS && st->op->fields[k].name; k++) {
		const struct sc_fspec *f = &st->op->fields[k];

		if (f->required && !given[k])
			perr(ps, "%s: missing field '%s' (write %s=...)",
			     st->op->name, f->name, f->name);
	}

	/* The outcome. */
	if (i < toks->len) {
		parse_outcome(ps, st, toks, i + 1);
		if (st->op->outcome == SC_OUT_NONE &&
		    (st->nalts != 1 || st->alts[0] != 0 || st->checks->len))
			perr(ps, "%s cannot fail (it returns nothing): remove '=> ...'",
			     st->op->name);
	} else if (st->op->outcome == SC_OUT_REQUIRED) {
		perr(ps, "%s: missing expectation (end the step with '=> ok' or '=> ERRNO')",
		     st->op->name);
	}

	if (st->op->validate) {
		GString *err = g_string_new(NULL);

		if (!st->op->validate(st, err))
			perr(ps, "%s: %s", st->op->name, err->str);
		g_string_free(err, TRUE);
	}

	if (st->op->ctx)
		resolve_ctx(ps, st);

	/* Statement-specific bookkeeping. */
	if (!strcmp(st->op->name, "as")) {
		int pi = sc_op_field_index(st->op, "process");

		if (st->args[pi].set)
			b->proc = st->args[pi].expr->handle;
	} else if (!strcmp(st->op->name, "join") ||
		   !strcmp(st->op->name, "wait blocked")) {
		int ti = sc_op_field_index(st->op, "thread");

		if (st->args[ti].set) {
			int h = st->args[ti].expr->handle;
			const struct sc_thread_decl *self =
				g_ptr_array_index(ps->sc->threads, b->thread);

			/* The thread's index is resolved when all are known. */
			if (b->thread && self->handle == h)
				perr(ps, "%s: a thread cannot %s itself",
				     st->op->name,
				     st->op->name[0] == 'j' ? "join" : "wait for");
			if (!strcmp(st->op->name, "join")) {
				if (g_hash_table_contains(ps->joined, GINT_TO_POINTER(h + 1)))
					perr(ps, "thread '%s' is joined twice",
					     handle_at(ps, h)->name);
				g_hash_table_insert(ps->joined, GINT_TO_POINTER(h + 1),
						    GINT_TO_POINTER(st->line));
			}
		} else if (b->thread && !given[ti]) {
			perr(ps, "join without a thread name joins every thread and belongs to the main block; in a thread write 'join THREAD'");
		}
	} else if (!strcmp(st->op->name, "close")) {
		int fi = sc_op_field_index(st->op, "fd");

		if (st->args[fi].set) {
			int h = st->args[fi].expr->handle;
			struct sc_handle *hd = handle_at(ps, h);

			if (hd->proc != st->proc)
				perr(ps, "close: '%s' belongs to process %s, but this step runs as %s",
				     hd->name, handle_at(ps, hd->proc)->name,
				     handle_at(ps, st->proc)->name);
			if (hd->type == SC_H_IOMMUFD) {
				GArray *fds = proc_fds(ps, hd->proc);

				for (unsigned int k = 0; k < fds->len; k++)
					if (g_array_index(fds, int, k) == h)
						g_array_remove_index(fds, k--);
			}
		}
	}

	if (name) {
		int proc = st->proc;

		st->handle = define_handle(ps, name, st->op->creates,
					   st->op->creates == SC_H_PROCESS ? -1 : proc,
					   st->ctx);
		if (st->handle >= 0) {
			if (st->op->creates == SC_H_IOMMUFD)
				g_array_append_val(proc_fds(ps, proc), st->handle);
		}
	}
	goto out;

out_bad:
	stmt_free(st);
	st = NULL;
out:
	g_ptr_array_unref(toks);
	return st;
}

/* ---- settings ------------------------------------------------------------- */

static const char *const fk_names[SC_FK_NR] = {
	[SC_FK_NONE] = "none",
	[SC_FK_DEADLOCK] = "deadlock",
	[SC_FK_LOST_WAKEUP] = "lost-wakeup",
	[SC_FK_LIVELOCK] = "livelock",
	[SC_FK_LEAK] = "leak",
	[SC_FK_CYCLE] = "cycle",
	[SC_FK_LOCKDEP] = "lockdep",
	[SC_FK_WARN] = "warn",
	[SC_FK_EXPECTATION] = "expectation",
	[SC_FK_CRASH] = "crash",
	[SC_FK_DIVERGED] = "diverged",
	[SC_FK_OTHER] = "other",
};

const char *sc_failure_kind_name(enum sc_failure_kind k)
{
	return k < SC_FK_NR ? fk_names[k] : "?";
}

static bool setting_number(struct parser *ps, const char *key, const char *v,
			   uint64_t *out)
{
	if (v && sc_parse_number(v, out))
		return true;
	perr(ps, "set %s: '%s' is not a number (%s)", key, v ? v : "", number_hint);
	return false;
}

static void parse_setting(struct parser *ps, char **w, int n)
{
	struct sc_settings *s = &ps->sc->set;
	static const char *const keys[] = {
		"scheduler", "seed", "explore", "preempt-bound", "pct-depth",
		"fail-nth", "uffd", "max-steps",
	};
	const char *key = n > 1 ? w[1] : "", *v = n > 2 ? w[2] : NULL;
	uint64_t x;

	if (n != 3) {
		perr(ps, "write 'set KEY VALUE' (keys: scheduler, seed, explore, preempt-bound, pct-depth, fail-nth, uffd, max-steps)");
		return;
	}
	if (!strcmp(key, "scheduler")) {
		static const char *const sched[] = { "rr", "random", "pct", "dfs" };
		int i;

		for (i = 0; i < 4; i++)
			if (!strcmp(v, sched[i]))
				break;
		if (i == 4) {
			perr(ps, "set scheduler: unknown scheduler '%s' (rr, random, pct or dfs)",
			     v);
			return;
		}
		s->scheduler = i == 0 ? KSHIM_SCHED_RR : i == 1 ? KSHIM_SCHED_RANDOM :
			       i == 2 ? KSHIM_SCHED_PCT : KSHIM_SCHED_DFS;
	} else if (!strcmp(key, "seed")) {
		if (setting_number(ps, key, v, &s->seed))
			s->seed_set = true;
	} else if (!strcmp(key, "explore")) {
		if (setting_number(ps, key, v, &x)) {
			if (!x)
				perr(ps, "set explore: at least 1 run");
			s->explore = x;
		}
	} else if (!strcmp(key, "preempt-bound")) {
		if (setting_number(ps, key, v, &x)) {
			if (x > 16)
				perr(ps, "set preempt-bound: %s is too many (0 to 16; 2 or 3 finds most bugs)",
				     v);
			s->preempt_bound = x;
		}
	} else if (!strcmp(key, "pct-depth")) {
		if (setting_number(ps, key, v, &x)) {
			if (x < 1 || x > 8)
				perr(ps, "set pct-depth: %s is out of range (1 to 8)", v);
			s->pct_depth = x;
		}
	} else if (!strcmp(key, "fail-nth")) {
		if (!strcmp(v, "on"))
			s->fail_nth = 1;
		else if (!strcmp(v, "off"))
			s->fail_nth = 0;
		else
			perr(ps, "set fail-nth: write 'on' or 'off'");
	} else if (!strcmp(key, "uffd")) {
		if (!strcmp(v, "off"))
			s->uffd = SC_UFFD_OFF;
		else if (!strcmp(v, "optional"))
			s->uffd = SC_UFFD_OPTIONAL;
		else if (!strcmp(v, "required"))
			s->uffd = SC_UFFD_REQUIRED;
		else
			perr(ps, "set uffd: write 'off', 'optional' or 'required'");
	} else if (!strcmp(key, "max-steps")) {
		if (setting_number(ps, key, v, &x))
			s->max_steps = x;
	} else {
		const char *close = sc_closest(key, keys, G_N_ELEMENTS(keys));

		if (close)
			perr(ps, "unknown setting '%s' (did you mean '%s'?)", key,
			     close);
		else
			perr(ps, "unknown setting '%s' (settings: scheduler, seed, explore, preempt-bound, pct-depth, fail-nth, uffd, max-steps)",
			     key);
	}
}

/* Settings lines; true if @text was one. */
static bool try_setting(struct parser *ps, const char *text)
{
	char **w;
	int n;
	bool is = false;

	if (!g_str_has_prefix(text, "set ") && !g_str_has_prefix(text, "scenario") &&
	    !g_str_has_prefix(text, "expect-failure") && strcmp(text, "set"))
		return false;
	w = g_strsplit_set(text, " \t", -1);
	/* collapse empty words */
	n = 0;
	for (int i = 0; w[i]; i++) {
		if (*w[i])
			w[n++] = w[i];
		else
			g_free(w[i]);
	}
	w[n] = NULL;
	if (!strcmp(w[0], "set")) {
		is = true;
		if (ps->any_step)
			perr(ps, "settings come before the first step: move 'set %s' up",
			     n > 1 ? w[1] : "...");
		parse_setting(ps, w, n);
	} else if (!strcmp(w[0], "scenario")) {
		const char *q = text + strlen("scenario");
		size_t len;

		is = true;
		while (*q == ' ' || *q == '\t')
			q++;
		len = strlen(q);
		if (len < 2 || q[0] != '"' || q[len - 1] != '"') {
			perr(ps, "write scenario \"NAME\" (a quoted name)");
		} else {
			g_free(ps->sc->name);
			ps->sc->name = g_strndup(q + 1, len - 2);
		}
		if (ps->any_step)
			perr(ps, "settings come before the first step: move 'scenario' up");
	} else if (!strcmp(w[0], "expect-failure")) {
		int k;

		is = true;
		for (k = SC_FK_DEADLOCK; k <= SC_FK_WARN; k++)
			if (n == 2 && !strcmp(w[1], fk_names[k]))
				break;
		if (k > SC_FK_WARN)
			perr(ps, "write 'expect-failure KIND' (kinds: deadlock, lost-wakeup, livelock, leak, cycle, lockdep, warn)");
		else {
			ps->sc->set.expect_failure = k;
			ps->sc->set.expect_failure_line = ps->line;
		}
		if (ps->any_step)
			perr(ps, "settings come before the first step: move 'expect-failure' up");
	}
	g_strfreev(w);
	return is;
}

/* ---- blocks ----------------------------------------------------------------- */

static void parse_block(struct parser *ps, struct block *b, GPtrArray *out,
			bool in_thread)
{
	int open_file_line = ps->line;
	const char *open_file = ps->file;

	while (ps->pos < ps->lines->len) {
		struct lline *ll = g_ptr_array_index(ps->lines, ps->pos++);
		struct sc_stmt *st;

		ps->file = ll->file;
		ps->line = ll->line;
		if (!strcmp(ll->text, "}")) {
			if (in_thread)
				return;
			perr(ps, "'}' without a 'thread NAME {' to close");
			continue;
		}
		if (try_setting(ps, ll->text)) {
			if (in_thread)
				perr(ps, "settings belong at the top of the file, not in a thread");
			continue;
		}
		ps->any_step = true;
		st = parse_stmt(ps, b, ll->text);
		if (st) {
			g_ptr_array_add(out, st);
			ps->sc->nstmts++;
		}
	}
	if (in_thread) {
		ps->file = open_file;
		ps->line = open_file_line;
		perr(ps, "thread is not closed (add a line with '}')");
	}
}

/* ---- threads ------------------------------------------------------------------ */

/* Threads may name threads written further down: declare them all first. */
static void predeclare_threads(struct parser *ps, int proc)
{
	for (unsigned int i = 0; i < ps->lines->len; i++) {
		struct lline *ll = g_ptr_array_index(ps->lines, i);
		char **w;

		if (!g_str_has_prefix(ll->text, "thread"))
			continue;
		w = g_strsplit_set(ll->text, " \t", -1);
		if (g_strv_length(w) == 3 && !strcmp(w[0], "thread") &&
		    !strcmp(w[2], "{") && is_ident(w[1])) {
			ps->file = ll->file;
			ps->line = ll->line;
			define_handle(ps, w[1], SC_H_THREAD, proc, -1);
		}
		g_strfreev(w);
	}
}

/* join T and wait blocked T: the index of T among the threads. */
static void resolve_threads(struct sc_scenario *sc, GPtrArray *body)
{
	for (unsigned int i = 0; i < body->len; i++) {
		struct sc_stmt *st = g_ptr_array_index(body, i);
		int ti = sc_op_field_index(st->op, "thread");

		if (st->body)
			resolve_threads(sc, st->body);
		if ((strcmp(st->op->name, "join") &&
		     strcmp(st->op->name, "wait blocked")) || ti < 0 ||
		    !st->args[ti].set)
			continue;
		for (unsigned int k = 1; k < sc->threads->len; k++) {
			struct sc_thread_decl *td = g_ptr_array_index(sc->threads, k);

			if (td->handle == st->args[ti].expr->handle)
				st->target_thread = k;
		}
	}
}

/* ---- entry ------------------------------------------------------------------ */

static void handle_free(gpointer p)
{
	struct sc_handle *h = p;

	g_free(h->name);
	g_free(h);
}

static void thread_free(gpointer p)
{
	struct sc_thread_decl *td = p;

	g_free(td->name);
	if (td->body)
		g_ptr_array_unref(td->body);
	g_free(td);
}

static void lline_free(gpointer p)
{
	struct lline *ll = p;

	g_free(ll->text);
	g_free(ll);
}

void sc_scenario_free(struct sc_scenario *sc)
{
	if (!sc)
		return;
	if (sc->main)
		g_ptr_array_unref(sc->main);
	if (sc->threads)
		g_ptr_array_unref(sc->threads);
	if (sc->handles)
		g_ptr_array_unref(sc->handles);
	if (sc->barriers)
		g_hash_table_unref(sc->barriers);
	if (sc->strings)
		g_string_chunk_free(sc->strings);
	g_free(sc->path);
	g_free(sc->name);
	g_free(sc);
}

static void fds_free(gpointer p)
{
	if (p)
		g_array_unref(p);
}

struct sc_scenario *sc_parse_file(const char *path, GPtrArray *errors)
{
	struct sc_scenario *sc = g_new0(struct sc_scenario, 1);
	struct parser ps = { .sc = sc, .errors = errors };
	struct sc_thread_decl *main_td;
	GPtrArray *stack = g_ptr_array_new();
	struct block b = { 0 };
	unsigned int nerr = errors->len;
	char *base;

	sc->path = g_strdup(path);
	base = g_path_get_basename(path);
	sc->name = base;
	sc->set.scheduler = -1;
	sc->set.preempt_bound = -1;
	sc->set.fail_nth = -1;
	sc->strings = g_string_chunk_new(256);
	sc->main = g_ptr_array_new_with_free_func(stmt_free);
	sc->handles = g_ptr_array_new_with_free_func(handle_free);
	sc->threads = g_ptr_array_new_with_free_func(thread_free);
	sc->barriers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					     (GDestroyNotify)g_hash_table_unref);
	ps.lines = g_ptr_array_new_with_free_func(lline_free);
	ps.names = g_hash_table_new(g_str_hash, g_str_equal);
	ps.open_fds = g_ptr_array_new_with_free_func(fds_free);
	ps.joined = g_hash_table_new(g_direct_hash, g_direct_equal);
	ps.file = g_string_chunk_insert_const(sc->strings, path);

	main_td = g_new0(struct sc_thread_decl, 1);
	main_td->name = g_strdup("main");
	main_td->handle = -1;
	g_ptr_array_add(sc->threads, main_td);

	/* The process 'p' exists from the start. */
	ps.line = 0;
	b.proc = define_handle(&ps, "p", SC_H_PROCESS, -1, -1);
	b.thread = 0;

	if (read_lines(&ps, path, 0, stack)) {
		predeclare_threads(&ps, b.proc);
		parse_block(&ps, &b, sc->main, false);
		resolve_threads(sc, sc->main);
		main_td->body = g_ptr_array_ref(sc->main);
		if (!sc->nstmts && errors->len == nerr) {
			ps.line = 1;
			perr(&ps, "the scenario has no steps");
		}
	}
	if (sc->set.expect_failure && sc->set.fail_nth == 1) {
		ps.line = sc->set.expect_failure_line;
		perr(&ps, "'set fail-nth on' cannot be combined with expect-failure (a sweep needs every run to be clean)");
	}

	g_ptr_array_unref(stack);
	g_ptr_array_unref(ps.lines);
	g_hash_table_unref(ps.names);
	g_ptr_array_unref(ps.open_fds);
	g_hash_table_unref(ps.joined);
	if (errors->len != nerr) {
		sc_scenario_free(sc);
		return NULL;
	}
	return sc;
}
