/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ast.h - a parsed scenario: handles, statements, their arguments and
 * expected outcomes, and the table of operations that gives them meaning.
 *
 * The parser (parser.c) turns a file into a struct sc_scenario and checks
 * everything it can before anything runs: operation names, field names
 * and types, handle names and types, numbers, errno names, outcomes.  The
 * runner (runner.c) then executes the statements against the simulated
 * kernel; every operation has one executor (ops_*.c, kernel_ops.c).
 *
 * Handles are numbered at parse time (their index into the runner's
 * table); a statement refers to them by index, never by name.
 */
#ifndef _SC_AST_H
#define _SC_AST_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

/* ---- handles ------------------------------------------------------------ */

enum sc_htype {
	SC_H_NONE,
	SC_H_PROCESS,
	SC_H_IOMMUFD,
	SC_H_BUFFER,
	SC_H_MEMFD,
	SC_H_IOAS,
	SC_H_MAPPING,
	SC_H_MOCKDEV,
	SC_H_HWPT,
	SC_H_FAULTQ,
	SC_H_ACCESS,
	SC_H_ITEM,
	SC_H_KACCESS,
	SC_H_THREAD,
	SC_H_KMUTEX,
	SC_H_VIOMMU,
	SC_H_VDEVICE,
	SC_H_HWQUEUE,
	SC_H_VEVENTQ,
	SC_H_REGION,		/* an mmap() of a driver region */
	SC_H_NR,
};

#define SC_HM(t)	(1u << (t))
/* Every handle type whose handle stands for an object ID. */
#define SC_HM_OBJECTS	(SC_HM(SC_H_IOAS) | SC_HM(SC_H_MOCKDEV) |	\
			 SC_HM(SC_H_HWPT) | SC_HM(SC_H_FAULTQ) |	\
			 SC_HM(SC_H_KACCESS) | SC_HM(SC_H_VIOMMU) |	\
			 SC_HM(SC_H_VDEVICE) | SC_HM(SC_H_HWQUEUE) |	\
			 SC_HM(SC_H_VEVENTQ))

/* Value slots of a runtime handle. */
#define SC_HSLOTS	6

enum sc_hfield_kind {
	SC_HF_NUM,		/* an address, a length, a size */
	SC_HF_ID,		/* an object ID (of type @of) */
	SC_HF_FD,		/* a descriptor */
};

struct sc_hfield {
	const char *name;
	int slot;
	enum sc_hfield_kind kind;
	enum sc_htype of;	/* SC_HF_ID: what kind of object */
};

struct sc_htype_info {
	const char *name;		/* in messages: "an IOAS" */
	const struct sc_hfield *fields;	/* NULL-name terminated */
	int id_slot;			/* -1: no object ID */
	int fd_slot;			/* -1: no descriptor */
};

extern const struct sc_htype_info sc_htypes[SC_H_NR];
const struct sc_hfield *sc_hfield_find(enum sc_htype type, const char *name);

/* A handle as declared by the statement that creates it. */
struct sc_handle {
	char *name;
	enum sc_htype type;
	const char *file;
	int line;
	int proc;		/* process handle it belongs to, -1: none */
	int ctx;		/* iommufd handle of its object, -1: none */
};

/* ---- values ------------------------------------------------------------- */

enum sc_expr_kind {
	SC_E_NUM,
	SC_E_HANDLE,		/* a handle where an ID/fd/handle goes */
	SC_E_FIELD,		/* handle.field */
	SC_E_ADD,
	SC_E_SUB,
};

struct sc_expr {
	enum sc_expr_kind kind;
	uint64_t num;
	int handle;
	const struct sc_hfield *field;
	struct sc_expr *l, *r;
};

/* Field types of operations. */
enum sc_ftype {
	SC_FT_NUM,		/* number expression */
	SC_FT_ID,		/* object ID: handle (its id), id field, number */
	SC_FT_HANDLE,		/* a handle of the given types */
	SC_FT_BYTES,		/* 5a5a00ff, "text", 5a*64 */
	SC_FT_ENUM,		/* one of @names */
	SC_FT_FLAGS,		/* comma list of @names: a bit mask */
	SC_FT_RANGES,		/* [first-last, ...] */
	SC_FT_PAGES,		/* [off+len, ...] or all */
	SC_FT_LIST,		/* [n, n, all, ...]: numbers (all = ~0) */
	SC_FT_BOOL,		/* a bare word */
	SC_FT_STR,		/* a word or a quoted string */
	SC_FT_FILL,		/* zero, pattern, or a byte value */
	SC_FT_HANDLES,		/* [h, h, ...]: handle indexes in @list */
};

struct sc_fspec {
	const char *name;
	enum sc_ftype type;
	uint32_t hmask;			/* SC_FT_ID / SC_FT_HANDLE */
	const char *const *names;	/* SC_FT_ENUM / SC_FT_FLAGS */
	bool required;
	bool use_idev;			/* SC_FT_ID: a mock device's DEVICE ID */
};

/* An argument or an expected returned value, as written. */
struct sc_arg {
	const struct sc_fspec *spec;
	bool set;
	struct sc_expr *expr;		/* NUM, ID, HANDLE */
	GByteArray *bytes;		/* BYTES */
	uint64_t u;			/* ENUM index, FLAGS mask, BOOL */
	GArray *list;			/* RANGES (pairs), PAGES (pairs), LIST */
	char *str;			/* STR */
};

#define SC_ALL		UINT64_MAX	/* "all" in a LIST or PAGES */

/* ---- operations --------------------------------------------------------- */

struct sc_exec;
struct sc_stmt;

enum sc_outcome_rule {
	SC_OUT_REQUIRED,	/* the step can fail: '=> ok' or '=> ERRNO' */
	SC_OUT_OPTIONAL,	/* can fail in principle; '=> ok' by default */
	SC_OUT_NONE,		/* cannot fail: no outcome, or '=> ok' */
};

#define SC_MAX_FIELDS	12
#define SC_MAX_OUTPUTS	8

struct sc_op {
	const char *name;
	enum sc_htype creates;		/* SC_H_NONE if it creates nothing */
	const char *primary;		/* field a positional operand fills */
	struct sc_fspec fields[SC_MAX_FIELDS];
	struct sc_fspec outputs[SC_MAX_OUTPUTS];
	enum sc_outcome_rule outcome;
	bool ctx;			/* goes through an iommufd */
	/* 0, -errno, or SC_EXEC_ERROR with a message in the exec */
	int (*exec)(struct sc_exec *x);
	/* Extra checks at parse time; false with a message in @err. */
	bool (*validate)(const struct sc_stmt *st, GString *err);
	const char *section;		/* for the reference: uapi, test, ... */
};

extern const struct sc_op sc_ops[];
const struct sc_op *sc_op_find(const char *name);
int sc_op_field_index(const struct sc_op *op, const char *name);
int sc_op_output_index(const struct sc_op *op, const char *name);

/* ---- statements --------------------------------------------------------- */

struct sc_check {
	char *name;
	char *written;			/* the value as the scenario wrote it */
	int output;			/* index into op->outputs, or -1 */
	const struct sc_hfield *hfield;	/* else a field of the new handle */
	struct sc_arg want;
};

#define SC_MAX_ALTS	4

struct sc_stmt {
	const struct sc_op *op;
	const char *file;		/* interned in the scenario */
	int line;
	char *text;			/* the statement as written */
	int handle;			/* created handle, -1 */
	struct sc_arg args[SC_MAX_FIELDS];
	int proc;			/* process in effect (handle index) */
	int ctx;			/* iommufd the step goes through, -1 */
	int thread;			/* thread it belongs to (0: main) */
	/* outcome */
	bool has_outcome;
	int nalts;
	int alts[SC_MAX_ALTS];		/* 0 = ok, > 0 = errno */
	GPtrArray *checks;		/* struct sc_check * */
	/* thread statements */
	GPtrArray *body;		/* struct sc_stmt * */
	int target_thread;		/* thread, join T, wait blocked T: index */
	char *barrier;			/* barrier NAME */
};

/* ---- the scenario ------------------------------------------------------- */

enum sc_uffd_mode {
	SC_UFFD_OFF,
	SC_UFFD_OPTIONAL,
	SC_UFFD_REQUIRED,
};

enum sc_failure_kind {
	SC_FK_NONE,
	SC_FK_DEADLOCK,
	SC_FK_LOST_WAKEUP,
	SC_FK_LIVELOCK,
	SC_FK_LEAK,
	SC_FK_CYCLE,
	SC_FK_LOCKDEP,
	SC_FK_WARN,
	/* not expectable */
	SC_FK_EXPECTATION,	/* a step's expectation or an assertion */
	SC_FK_CRASH,
	SC_FK_DIVERGED,
	SC_FK_OTHER,
	SC_FK_NR,
};

const char *sc_failure_kind_name(enum sc_failure_kind k);

struct sc_thread_decl {
	char *name;
	int handle;
	GPtrArray *body;
	const struct sc_stmt *stmt;
};

struct sc_settings {
	int scheduler;			/* enum kshim_sched_kind, -1 unset */
	bool seed_set;
	uint64_t seed;
	unsigned long explore;		/* 0 unset */
	int preempt_bound;		/* -1 unset */
	unsigned int pct_depth;		/* 0 unset */
	int fail_nth;			/* -1 unset, 0 off, 1 on */
	enum sc_uffd_mode uffd;
	unsigned long max_steps;	/* 0 unset */
	enum sc_failure_kind expect_failure;
	int expect_failure_line;
};

struct sc_scenario {
	char *path;			/* as given */
	char *name;
	struct sc_settings set;
	GPtrArray *main;		/* struct sc_stmt * */
	GPtrArray *handles;		/* struct sc_handle * */
	GPtrArray *threads;		/* struct sc_thread_decl *; [0] = main */
	GHashTable *barriers;		/* name -> participants (GUINT) */
	GStringChunk *strings;		/* interned file names */
	unsigned int nstmts;
};

/*
 * Parse @path.  On errors, returns NULL and appends one "file:line:
 * message" string per error to @errors.
 */
struct sc_scenario *sc_parse_file(const char *path, GPtrArray *errors);
void sc_scenario_free(struct sc_scenario *sc);

/* values.c */
bool sc_parse_number(const char *s, uint64_t *out);
bool sc_parse_bytes(const char *s, GByteArray **out, char **why);
int sc_errno_from_name(const char *name);
const char *sc_errno_name(int err);
const char *sc_closest(const char *word, const char *const *cands,
		       unsigned int n);
char *sc_format_bytes(const guint8 *data, size_t len);
char *sc_format_num(uint64_t v);

#endif /* _SC_AST_H */
