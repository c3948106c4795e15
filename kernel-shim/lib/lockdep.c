// SPDX-License-Identifier: GPL-2.0
/*
 * lockdep for the simulator: held-lock stacks, lock classes and the
 * class-order graph.
 *
 * A class is (struct lock_class_key *, subclass).  When a task takes lock B
 * while holding A (a blocking acquisition, not a trylock), the edge A -> B
 * is added to the graph, remembering where both were taken the first time.
 * Before an edge is added we search for a path B -> ... -> A; finding one
 * means two tasks can take the classes in opposite orders, which is
 * reported as a possible circular locking dependency with the chain and the
 * classic two-CPU scenario.  Read acquisitions of an rwsem take part like
 * write ones: a kernel rwsem reader waits behind a queued writer, so
 * read-involving cycles deadlock too.
 *
 * Everything here runs under one host mutex; it is bookkeeping, never a
 * scheduling point.
 */
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <linux/bug.h>
#include <linux/lockdep.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <kshim/report.h>
#include "kshim_internal.h"

struct lock_class {
	struct lock_class_key *key;
	unsigned int subclass;
	char name[96];
	unsigned int id;
	GPtrArray *after;		/* struct lock_edge * */
	unsigned int bfs_mark;
};

/* A -> B: B was taken while A was held. */
struct lock_edge {
	struct lock_class *from;
	struct lock_class *to;
	unsigned long from_ip;		/* where A was taken */
	unsigned long to_ip;		/* where B was taken */
	u8 from_read, to_read;
	char task[TASK_COMM_LEN];
};

static pthread_mutex_t lockdep_lock = PTHREAD_MUTEX_INITIALIZER;
static GHashTable *lockdep_classes;	/* (key ^ subclass) -> class */
static unsigned int lockdep_nr_classes;
static unsigned int lockdep_bfs_gen;
static bool lockdep_order_checks = true;

void kshim_lockdep_set_order_checks(bool on)
{
	lockdep_order_checks = on;
}

static void class_free(gpointer p)
{
	struct lock_class *c = p;

	g_ptr_array_free(c->after, TRUE);
	g_free(c);
}

static guint class_hash(gconstpointer k)
{
	return g_direct_hash(k);
}

void kshim_lockdep_world_begin(void)
{
	kshim_lockdep_world_end();
}

void kshim_lockdep_world_end(void)
{
	pthread_mutex_lock(&lockdep_lock);
	if (lockdep_classes)
		g_hash_table_destroy(lockdep_classes);
	lockdep_classes = NULL;
	lockdep_nr_classes = 0;
	lockdep_order_checks = true;
	pthread_mutex_unlock(&lockdep_lock);
}

void lockdep_init_map(struct lockdep_map *map, const char *name,
		      struct lock_class_key *key, int subclass)
{
	memset(map->class_cache, 0, sizeof(map->class_cache));
	map->cache_gen = 0;
	map->name = name;
	map->key = key;
}

/* Find or create the class of @map/@subclass; lockdep_lock held. */
static struct lock_class *map_class(struct lockdep_map *map,
				    unsigned int subclass)
{
	unsigned long gen = kshim_world_generation();
	struct lock_class *c;
	gpointer hkey;

	if (subclass >= MAX_LOCKDEP_SUBCLASSES)
		subclass = MAX_LOCKDEP_SUBCLASSES - 1;
	if (map->cache_gen != gen) {
		memset(map->class_cache, 0, sizeof(map->class_cache));
		map->cache_gen = gen;
	}
	if (map->class_cache[subclass])
		return map->class_cache[subclass];

	if (!lockdep_classes)
		lockdep_classes = g_hash_table_new_full(class_hash,
							g_direct_equal, NULL,
							class_free);
	/*
	 * Keys are distinct static objects of at least one byte, but two may
	 * be adjacent; scaling the address keeps (key, subclass) pairs apart.
	 */
	hkey = (gpointer)((uintptr_t)map->key * MAX_LOCKDEP_SUBCLASSES +
			  subclass);
	c = g_hash_table_lookup(lockdep_classes, hkey);
	if (!c) {
		c = g_new0(struct lock_class, 1);
		c->key = map->key;
		c->subclass = subclass;
		c->id = ++lockdep_nr_classes;
		c->after = g_ptr_array_new_with_free_func(g_free);
		if (subclass)
			snprintf(c->name, sizeof(c->name), "%s/%u",
				 map->name ? map->name : "?", subclass);
		else
			snprintf(c->name, sizeof(c->name), "%s",
				 map->name ? map->name : "?");
		g_hash_table_insert(lockdep_classes, hkey, c);
	}
	map->class_cache[subclass] = c;
	return c;
}

static struct lock_edge *find_edge(struct lock_class *from,
				   struct lock_class *to)
{
	unsigned int i;

	for (i = 0; i < from->after->len; i++) {
		struct lock_edge *e = g_ptr_array_index(from->after, i);

		if (e->to == to)
			return e;
	}
	return NULL;
}

/*
 * Breadth-first search from @from for @target; on success fills @path with
 * the edges of one shortest path (in order) and returns its length.
 */
static int bfs_path(struct lock_class *from, struct lock_class *target,
		    struct lock_edge **path, int max)
{
	GQueue queue = G_QUEUE_INIT;
	GHashTable *parent = g_hash_table_new(g_direct_hash, g_direct_equal);
	int len = 0;

	lockdep_bfs_gen++;
	from->bfs_mark = lockdep_bfs_gen;
	g_queue_push_tail(&queue, from);
	while (!g_queue_is_empty(&queue)) {
		struct lock_class *c = g_queue_pop_head(&queue);
		unsigned int i;

		for (i = 0; i < c->after->len; i++) {
			struct lock_edge *e = g_ptr_array_index(c->after, i);

			if (e->to->bfs_mark == lockdep_bfs_gen)
				continue;
			e->to->bfs_mark = lockdep_bfs_gen;
			g_hash_table_insert(parent, e->to, e);
			if (e->to == target)
				goto found;
			g_queue_push_tail(&queue, e->to);
		}
	}
	goto out;
found:
	{
		struct lock_class *c = target;
		struct lock_edge *tmp[64];
		int n = 0, i;

		while (c != from && n < (int)G_N_ELEMENTS(tmp)) {
			struct lock_edge *e = g_hash_table_lookup(parent, c);

			tmp[n++] = e;
			c = e->from;
		}
		for (i = 0; i < n && i < max; i++)
			path[i] = tmp[n - 1 - i];
		len = n < max ? n : max;
	}
out:
	g_queue_clear(&queue);
	g_hash_table_destroy(parent);
	return len;
}

static void append_ip(GString *s, const char *prefix, unsigned long ip)
{
	char sym[512];

	kshim_symbolize((const void *)ip, sym, sizeof(sym));
	g_string_append_printf(s, "%s%s\n", prefix, sym);
}

static void append_held(GString *s, struct task_struct *t)
{
	int i;

	g_string_append_printf(s, "%d lock%s held by %s/%d:\n",
			       t->kshim.lock_depth,
			       t->kshim.lock_depth == 1 ? "" : "s", t->comm,
			       t->pid);
	for (i = 0; i < t->kshim.lock_depth; i++) {
		struct kshim_held_lock *h = &t->kshim.held[i];
		char sym[512];

		kshim_symbolize((const void *)h->ip, sym, sizeof(sym));
		g_string_append_printf(s, " #%d: (%s){%s}, at: %s\n", i,
				       h->class ? h->class->name : h->map->name,
				       h->read ? "read" : "write", sym);
	}
}

/* Report the cycle closed by prev -> next; lockdep_lock held. */
static void report_circular(struct task_struct *t, struct kshim_held_lock *prev,
			    struct lock_class *next, int next_read,
			    unsigned long ip, struct lock_edge **path, int len)
{
	GString *s = g_string_new(NULL);
	int i;

	g_string_append_printf(s, "%s/%d is trying to acquire lock:\n (%s){%s}, at:\n",
			       t->comm, t->pid, next->name,
			       next_read ? "read" : "write");
	append_ip(s, "  ", ip);
	g_string_append_printf(s, "but task is already holding lock:\n (%s){%s}, at:\n",
			       prev->class->name, prev->read ? "read" : "write");
	append_ip(s, "  ", prev->ip);
	g_string_append(s, "which lock already depends on the new lock.\n\n"
			   "the existing dependency chain (in reverse order) is:\n");
	for (i = len - 1; i >= 0; i--) {
		struct lock_edge *e = path[i];

		g_string_append_printf(s, "-> #%d (%s): taken by %s at\n", i,
				       e->to->name, e->task);
		append_ip(s, "       ", e->to_ip);
	}
	g_string_append_printf(
		s,
		"\n Possible unsafe locking scenario:\n\n"
		"       CPU0                    CPU1\n"
		"       ----                    ----\n"
		"  lock(%s);\n"
		"                               lock(%s);\n"
		"                               lock(%s);\n"
		"  lock(%s);\n\n *** DEADLOCK ***\n\n",
		prev->class->name, next->name, prev->class->name, next->name);
	append_held(s, t);
	pthread_mutex_unlock(&lockdep_lock);
	kshim_report_issue(KSHIM_ISSUE_LOCKDEP,
			   "WARNING: possible circular locking dependency detected",
			   s->str);
	pthread_mutex_lock(&lockdep_lock);
	g_string_free(s, TRUE);
}

static void report_recursive(struct task_struct *t, struct kshim_held_lock *h,
			     struct lock_class *c, unsigned long ip)
{
	GString *s = g_string_new(NULL);

	g_string_append_printf(s, "%s/%d is trying to acquire lock:\n (%s), at:\n",
			       t->comm, t->pid, c->name);
	append_ip(s, "  ", ip);
	g_string_append_printf(s, "but task is already holding lock:\n (%s), at:\n",
			       h->class->name);
	append_ip(s, "  ", h->ip);
	g_string_append_printf(s,
			       "\n Possible unsafe locking scenario:\n\n"
			       "       CPU0\n       ----\n  lock(%s);\n  lock(%s);\n\n"
			       " *** DEADLOCK ***\n\n May be due to missing lock nesting notation\n\n",
			       c->name, c->name);
	append_held(s, t);
	pthread_mutex_unlock(&lockdep_lock);
	kshim_report_issue(KSHIM_ISSUE_LOCKDEP,
			   "WARNING: possible recursive locking detected", s->str);
	pthread_mutex_lock(&lockdep_lock);
	g_string_free(s, TRUE);
}

static int held_index(struct task_struct *t, const struct lockdep_map *map);

static void lock_acquire(struct lockdep_map *map, unsigned int subclass,
			 int trylock, int read, struct lockdep_map *nest,
			 unsigned long ip)
{
	struct task_struct *t = current;
	struct kshim_held_lock *h;
	struct lock_class *c;
	int i;

	pthread_mutex_lock(&lockdep_lock);
	c = map_class(map, subclass);
	/* Another lock of a class already held under the same nest lock. */
	if (nest && held_index(t, nest) >= 0) {
		for (i = 0; i < t->kshim.lock_depth; i++) {
			h = &t->kshim.held[i];
			if (h->class == c && h->nest == nest) {
				h->refs++;
				pthread_mutex_unlock(&lockdep_lock);
				return;
			}
		}
	}
	if (!trylock && lockdep_order_checks) {
		for (i = 0; i < t->kshim.lock_depth; i++) {
			struct kshim_held_lock *prev = &t->kshim.held[i];
			struct lock_edge *path[32];
			struct lock_edge *e;
			int len;

			if (prev->class == c) {
				report_recursive(t, prev, c, ip);
				continue;
			}
			if (find_edge(prev->class, c))
				continue;
			len = bfs_path(c, prev->class, path, G_N_ELEMENTS(path));
			if (len) {
				report_circular(t, prev, c, read, ip, path, len);
				continue;	/* do not record the bad edge */
			}
			e = g_new0(struct lock_edge, 1);
			e->from = prev->class;
			e->to = c;
			e->from_ip = prev->ip;
			e->to_ip = ip;
			e->from_read = prev->read;
			e->to_read = read;
			memcpy(e->task, t->comm, sizeof(e->task));
			g_ptr_array_add(prev->class->after, e);
		}
	}
	if (t->kshim.lock_depth >= KSHIM_MAX_LOCK_DEPTH) {
		pthread_mutex_unlock(&lockdep_lock);
		kshim_report_issue(KSHIM_ISSUE_LOCKDEP,
				   "BUG: MAX_LOCK_DEPTH too low!", NULL);
		return;
	}
	h = &t->kshim.held[t->kshim.lock_depth++];
	h->map = map;
	h->class = c;
	h->ip = ip;
	h->read = read;
	h->trylock = trylock;
	h->subclass = subclass;
	h->step = 0;
	h->refs = 1;
	h->nest = nest;
	pthread_mutex_unlock(&lockdep_lock);
}

void kshim_lock_acquire(struct lockdep_map *map, unsigned int subclass,
			int trylock, int read, unsigned long ip)
{
	lock_acquire(map, subclass, trylock, read, NULL, ip);
}

void kshim_lock_acquire_nest(struct lockdep_map *map, unsigned int subclass,
			     struct lockdep_map *nest, unsigned long ip)
{
	lock_acquire(map, subclass, 0, 0, nest, ip);
}

/*
 * The entry for @map: its own, or a shared nest entry of its class (the
 * class of the subclass that entry was taken with).
 */
static int held_index(struct task_struct *t, const struct lockdep_map *map)
{
	struct kshim_held_lock *h;
	int i;

	for (i = t->kshim.lock_depth - 1; i >= 0; i--)
		if (t->kshim.held[i].map == map)
			return i;
	for (i = t->kshim.lock_depth - 1; i >= 0; i--) {
		h = &t->kshim.held[i];
		if (h->nest && h->subclass < G_N_ELEMENTS(map->class_cache) &&
		    map->class_cache[h->subclass] == h->class)
			return i;
	}
	return -1;
}

void kshim_lock_release(struct lockdep_map *map, unsigned long ip)
{
	struct task_struct *t = current;
	int i = held_index(t, map);

	if (i < 0) {
		GString *s = g_string_new(NULL);

		g_string_append_printf(s, "%s/%d is trying to release lock (%s) at:\n",
				       t->comm, t->pid,
				       map->name ? map->name : "?");
		append_ip(s, "  ", ip);
		g_string_append(s, "but there are no more locks to release!\n");
		append_held(s, t);
		kshim_report_issue(KSHIM_ISSUE_LOCKDEP,
				   "WARNING: bad unlock balance detected!",
				   s->str);
		g_string_free(s, TRUE);
		return;
	}
	if (t->kshim.held[i].refs > 1) {
		t->kshim.held[i].refs--;
		return;
	}
	memmove(&t->kshim.held[i], &t->kshim.held[i + 1],
		(t->kshim.lock_depth - i - 1) * sizeof(t->kshim.held[0]));
	t->kshim.lock_depth--;
}

void kshim_lock_downgrade(struct lockdep_map *map, unsigned long ip)
{
	struct task_struct *t = current;
	int i = held_index(t, map);

	if (WARN_ON(i < 0))
		return;
	t->kshim.held[i].read = 1;
}

int kshim_lock_is_held(const struct lockdep_map *map, int read)
{
	struct task_struct *t = current;
	int i = held_index(t, map);

	if (i < 0)
		return 0;
	if (read == KSHIM_HELD_ANY)
		return 1;
	return t->kshim.held[i].read == read;
}

void kshim_lockdep_assert(const struct lockdep_map *map, int read,
			  bool want_held, const char *file, int line)
{
	bool held = kshim_lock_is_held(map, read);

	if (held == want_held)
		return;
	kshim_warn(file, line, "lockdep_assert",
		   want_held ? "lockdep_assert_held" : "lockdep_assert_not_held",
		   "lock %s is %s by %s/%d (wanted %s%s)\n",
		   map->name ? map->name : "?", held ? "held" : "not held",
		   current->comm, current->pid,
		   want_held ? "held" : "not held",
		   read == KSHIM_HELD_READ ? " for read" :
		   read == KSHIM_HELD_WRITE ? " for write" : "");
}

int kshim_lockdep_depth(void)
{
	return current->kshim.lock_depth;
}

int kshim_lockdep_assert_none_held(const char *when)
{
	struct task_struct *t = current;
	GString *s;
	char *title;
	int n = t->kshim.lock_depth;

	if (!n)
		return 0;
	s = g_string_new(NULL);
	append_held(s, t);
	title = kshim_strdup_printf("BUG: lock held %s!", when);
	kshim_report_issue(KSHIM_ISSUE_LOCKDEP, title, s->str);
	free(title);
	g_string_free(s, TRUE);
	return n;
}

char *kshim_lockdep_held_text(struct task_struct *t)
{
	GString *s = g_string_new(NULL);

	append_held(s, t);
	return g_string_free(s, FALSE);
}

void kshim_lockdep_task_exit(struct task_struct *t)
{
	GString *s;
	char *title;

	if (!t->kshim.lock_depth)
		return;
	s = g_string_new(NULL);
	append_held(s, t);
	title = kshim_strdup_printf("BUG: %s/%d still has locks held!",
				    t->comm, t->pid);
	kshim_report_issue(KSHIM_ISSUE_LOCKDEP, title, s->str);
	free(title);
	g_string_free(s, TRUE);
}
