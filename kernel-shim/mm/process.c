// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated processes (kshim/process.h): mm_struct lifetime, credentials,
 * user_structs, resource limits, locked_vm accounting, and the mm layer's
 * world hook (begin, audit, end of processes, user memory and
 * userfaultfd).
 *
 * Objects and their references:
 *   kshim_process  refs: the creator (until destroy), get_task_struct() on
 *                  its leader.  Holds its cred.user (get_uid) until freed.
 *   mm_struct      mm_users: the process until it exits, mmget().
 *                  mm_count: all mm_users together, mmgrab().
 *   user_struct    one per uid and world; __count: the processes of that
 *                  uid, get_uid().  The root user is static and never freed.
 *
 * Locking: proc_lock (a host mutex, never held across a scheduling point)
 * protects the world's lists of processes, mms and users.  mm->locked_vm
 * is under mm->mmap_lock held for write; pinned_vm and user locked_vm are
 * atomics.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <linux/bug.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/user.h>
#include <kshim/fault.h>
#include <kshim/process.h>
#include <kshim/world.h>
#include "mm_internal.h"

struct kshim_process {
	atomic_t refs;
	struct task_struct leader;
	struct signal_struct signal;
	struct cred cred;
	struct mm_struct *mm;		/* NULL once exited */
	atomic_t entered;		/* threads acting as the process */
	bool exited;
	struct list_head node;		/* on the world's list until freed */
};

struct user_namespace {
	int level;
};

struct user_namespace init_user_ns;

static pthread_mutex_t proc_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(processes);		/* kshim_process.node */
static LIST_HEAD(mms);			/* kshim_mm.node */
static LIST_HEAD(users);		/* user_struct.kshim_node */
static unsigned long processes_live;
static int next_pid = 1000;
/* Accounting left behind by objects already freed, for the audit. */
static GString *freed_leftovers;
static unsigned int freed_leftover_count;

static struct user_struct root_user;

const struct cred kshim_init_cred = {
	.uid = GLOBAL_ROOT_UID,
	.gid = GLOBAL_ROOT_GID,
	.euid = GLOBAL_ROOT_UID,
	.egid = GLOBAL_ROOT_GID,
	.cap_effective = CAP_FULL_SET,
	.user = &root_user,
};

#define RLIM_INIT_INF	{ RLIM_INFINITY, RLIM_INFINITY }

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
const struct signal_struct kshim_init_signal = {
	.rlim = {
		[0 ... RLIM_NLIMITS - 1] = RLIM_INIT_INF,
		[RLIMIT_MEMLOCK] = { MLOCK_LIMIT, MLOCK_LIMIT },
	},
};
#pragma GCC diagnostic pop

/* One thread's stack of entered processes. */
#define PROC_ENTER_DEPTH	8

struct proc_saved {
	struct kshim_process *p;
	struct mm_struct *mm;
	const struct cred *cred;
	struct signal_struct *signal;
	struct task_struct *group_leader;
};

static __thread struct proc_saved entered[PROC_ENTER_DEPTH];
static __thread int entered_depth;

static void record_leftover(const char *fmt, ...) __printf(1, 2);

static void record_leftover(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&proc_lock);
	if (!freed_leftovers)
		freed_leftovers = g_string_new(NULL);
	va_start(ap, fmt);
	g_string_append_vprintf(freed_leftovers, fmt, ap);
	va_end(ap);
	freed_leftover_count++;
	pthread_mutex_unlock(&proc_lock);
}

/* user_struct */

/* The user_struct of @uid with a new reference. */
static struct user_struct *alloc_uid(kuid_t uid)
{
	struct user_struct *u;

	pthread_mutex_lock(&proc_lock);
	list_for_each_entry(u, &users, kshim_node) {
		if (uid_eq(u->uid, uid)) {
			refcount_inc(&u->__count);
			pthread_mutex_unlock(&proc_lock);
			return u;
		}
	}
	u = g_new0(struct user_struct, 1);
	refcount_set(&u->__count, 1);
	u->uid = uid;
	atomic_long_set(&u->locked_vm, 0);
	list_add_tail(&u->kshim_node, &users);
	pthread_mutex_unlock(&proc_lock);
	return u;
}

void free_uid(struct user_struct *u)
{
	long left;

	if (!u)
		return;
	if (!refcount_dec_and_test(&u->__count))
		return;
	if (WARN_ON(u == &root_user)) {
		refcount_set(&u->__count, 1);
		return;
	}
	left = atomic_long_read(&u->locked_vm);
	if (left)
		record_leftover("user %u freed with locked_vm %ld pages\n",
				__kuid_val(u->uid), left);
	pthread_mutex_lock(&proc_lock);
	list_del(&u->kshim_node);
	pthread_mutex_unlock(&proc_lock);
	g_free(u);
}

struct user_struct *kshim_current_user(void)
{
	return current_cred()->user;
}

int kshim_user_locked_vm_charge(struct user_struct *user,
				struct task_struct *task, unsigned long npages)
{
	unsigned long limit, cur, next;

	if (kshim_fault_point())
		return -ENOMEM;
	limit = task_rlimit(task, RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	cur = atomic_long_read(&user->locked_vm);
	do {
		next = cur + npages;
		if (next > limit || next < cur)
			return -ENOMEM;
	} while (!atomic_long_try_cmpxchg(&user->locked_vm, (long *)&cur,
					  next));
	return 0;
}

void kshim_user_locked_vm_uncharge(struct user_struct *user,
				   unsigned long npages)
{
	WARN_ON(atomic_long_sub_return(npages, &user->locked_vm) < 0);
}

/* capabilities */

bool has_capability(struct task_struct *t, int cap)
{
	const struct cred *c = t->cred ? t->cred : &kshim_init_cred;

	return cap_raised(c->cap_effective, cap);
}

bool capable(int cap)
{
	return cap_raised(current_cred()->cap_effective, cap);
}

bool ns_capable(struct user_namespace *ns, int cap)
{
	return capable(cap);
}

/* mm_struct */

static struct mm_struct *mm_alloc(const char *name)
{
	struct mm_struct *mm = g_new0(struct mm_struct, 1);
	struct kshim_mm *km = g_new0(struct kshim_mm, 1);

	atomic_set(&mm->mm_users, 1);
	atomic_set(&mm->mm_count, 1);
	init_rwsem(&mm->mmap_lock);
	atomic64_set(&mm->pinned_vm, 0);
	mm->kshim = km;
	km->mm = mm;
	INIT_LIST_HEAD(&km->vmas);
	g_strlcpy(km->name, name, sizeof(km->name));
	pthread_mutex_lock(&proc_lock);
	list_add_tail(&km->node, &mms);
	pthread_mutex_unlock(&proc_lock);
	return mm;
}

static void mm_free(struct mm_struct *mm)
{
	struct kshim_mm *km = mm->kshim;
	s64 pinned = atomic64_read(&mm->pinned_vm);

	if (pinned || mm->locked_vm)
		record_leftover("mm of %s freed with pinned_vm %lld locked_vm %lu pages\n",
				km->name, (long long)pinned, mm->locked_vm);
	WARN_ON(!list_empty(&km->vmas));
	pthread_mutex_lock(&proc_lock);
	list_del(&km->node);
	pthread_mutex_unlock(&proc_lock);
	kshim_rwsem_destroy(&mm->mmap_lock);
	g_free(km);
	g_free(mm);
}

void mmdrop(struct mm_struct *mm)
{
	int left = atomic_dec_return(&mm->mm_count);

	if (WARN_ON(left < 0))
		return;
	if (!left)
		mm_free(mm);
}

void mmput(struct mm_struct *mm)
{
	int left;

	might_sleep();
	left = atomic_dec_return(&mm->mm_users);
	if (WARN_ON(left < 0))
		return;
	if (left)
		return;
	/* exit_mmap: the simulator's mappings of this address space go. */
	kshim_umem_exit_mmap(mm);
	mmdrop(mm);
}

void kthread_use_mm(struct mm_struct *mm)
{
	struct task_struct *t = current;

	WARN_ON(t->mm);
	mmgrab(mm);
	t->mm = mm;
}

void kthread_unuse_mm(struct mm_struct *mm)
{
	struct task_struct *t = current;

	WARN_ON(t->mm != mm);
	t->mm = NULL;
	mmdrop(mm);
}

/* locked_vm (mm/util.c semantics) */

int __account_locked_vm(struct mm_struct *mm, unsigned long pages, bool inc,
			const struct task_struct *task, bool bypass_rlim)
{
	unsigned long locked_vm, limit;
	int ret = 0;

	mmap_assert_write_locked(mm);
	locked_vm = mm->locked_vm;
	if (inc) {
		if (kshim_fault_point()) {
			ret = -ENOMEM;
		} else if (!bypass_rlim) {
			limit = task_rlimit(task, RLIMIT_MEMLOCK) >> PAGE_SHIFT;
			if (locked_vm + pages > limit)
				ret = -ENOMEM;
		}
		if (!ret)
			mm->locked_vm = locked_vm + pages;
	} else {
		WARN_ON_ONCE(pages > locked_vm);
		mm->locked_vm = locked_vm - pages;
	}
	return ret;
}

int account_locked_vm(struct mm_struct *mm, unsigned long pages, bool inc)
{
	int ret;

	if (!pages || !mm)
		return 0;
	mmap_write_lock(mm);
	ret = __account_locked_vm(mm, pages, inc, current,
				  capable(CAP_IPC_LOCK));
	mmap_write_unlock(mm);
	return ret;
}

/* processes */

static inline struct kshim_process *leader_process(struct task_struct *t)
{
	if (t->signal && t->signal->kshim_leader == t)
		return container_of(t, struct kshim_process, leader);
	return NULL;
}

static void process_free(struct kshim_process *p)
{
	WARN_ON(!p->exited);
	free_uid(p->cred.user);
	pthread_mutex_lock(&proc_lock);
	list_del(&p->node);
	pthread_mutex_unlock(&proc_lock);
	g_free(p);
}

static void process_put(struct kshim_process *p)
{
	if (atomic_dec_and_test(&p->refs))
		process_free(p);
}

struct task_struct *get_task_struct(struct task_struct *t)
{
	struct kshim_process *p = leader_process(t);

	if (p)
		WARN_ON(atomic_inc_return(&p->refs) <= 1);
	return t;
}

void put_task_struct(struct task_struct *t)
{
	struct kshim_process *p = leader_process(t);

	if (p)
		process_put(p);
}

struct kshim_process *kshim_process_create(const struct kshim_process_opts *opts)
{
	struct kshim_process_opts def = { .uid = KSHIM_PROCESS_DEFAULT_UID };
	struct kshim_process *p = g_new0(struct kshim_process, 1);
	unsigned int i;

	if (!opts)
		opts = &def;
	atomic_set(&p->refs, 1);
	for (i = 0; i < RLIM_NLIMITS; i++)
		p->signal.rlim[i] = kshim_init_signal.rlim[i];
	if (opts->memlock_cur || opts->memlock_max) {
		p->signal.rlim[RLIMIT_MEMLOCK].rlim_cur = opts->memlock_cur;
		p->signal.rlim[RLIMIT_MEMLOCK].rlim_max =
			max(opts->memlock_max, opts->memlock_cur);
	}
	p->signal.kshim_leader = &p->leader;
	p->signal.kshim_host_rlimits = opts->host_rlimits;

	if (opts->root) {
		p->cred = kshim_init_cred;
		p->cred.user = get_uid(&root_user);
	} else {
		p->cred.uid = p->cred.euid = KUIDT_INIT(opts->uid);
		p->cred.gid = p->cred.egid = KGIDT_INIT(opts->uid);
		p->cred.cap_effective.val = opts->caps;
		p->cred.user = opts->uid ? alloc_uid(p->cred.uid) :
					   get_uid(&root_user);
	}

	snprintf(p->leader.comm, sizeof(p->leader.comm), "%s",
		 opts->name ? opts->name : "proc");
	p->mm = mm_alloc(p->leader.comm);
	p->leader.mm = p->mm;
	p->leader.group_leader = &p->leader;
	p->leader.cred = &p->cred;
	p->leader.signal = &p->signal;
	p->leader.kshim.state = KSHIM_TASK_RUNNABLE;
	INIT_LIST_HEAD(&p->leader.kshim.node);

	pthread_mutex_lock(&proc_lock);
	p->leader.pid = next_pid++;
	list_add_tail(&p->node, &processes);
	processes_live++;
	pthread_mutex_unlock(&proc_lock);
	return p;
}

void kshim_process_destroy(struct kshim_process *p)
{
	struct mm_struct *mm = p->mm;

	if (WARN_ON(p->exited))
		return;
	WARN(atomic_read(&p->entered),
	     "process %s destroyed while %d thread(s) act as it\n",
	     p->leader.comm, atomic_read(&p->entered));
	pthread_mutex_lock(&proc_lock);
	p->exited = true;
	p->mm = NULL;
	p->leader.mm = NULL;
	processes_live--;
	pthread_mutex_unlock(&proc_lock);
	mmput(mm);
	process_put(p);
}

void kshim_process_enter(struct kshim_process *p)
{
	struct task_struct *t = current;
	struct proc_saved *s;

	BUG_ON(entered_depth >= PROC_ENTER_DEPTH);
	WARN_ON(p->exited);
	s = &entered[entered_depth++];
	s->p = p;
	s->mm = t->mm;
	s->cred = t->cred;
	s->signal = t->signal;
	s->group_leader = t->group_leader;
	atomic_inc(&p->entered);
	t->mm = p->mm;
	t->cred = &p->cred;
	t->signal = &p->signal;
	t->group_leader = &p->leader;
}

void kshim_process_leave(void)
{
	struct task_struct *t = current;
	struct proc_saved *s;

	if (WARN_ON(!entered_depth))
		return;
	s = &entered[--entered_depth];
	atomic_dec(&s->p->entered);
	t->mm = s->mm;
	t->cred = s->cred;
	t->signal = s->signal;
	t->group_leader = s->group_leader;
}

struct kshim_process *kshim_process_current(void)
{
	return entered_depth ? entered[entered_depth - 1].p : NULL;
}

struct mm_struct *kshim_process_mm(struct kshim_process *p)
{
	return p->mm;
}

struct task_struct *kshim_process_leader(struct kshim_process *p)
{
	return &p->leader;
}

struct user_struct *kshim_process_user(struct kshim_process *p)
{
	return p->cred.user;
}

unsigned long kshim_host_rlimit(unsigned int limit, bool max)
{
	struct rlimit rl;

	/* RLIM_INFINITY is the kernel's value: no translation needed. */
	if (getrlimit(limit, &rl))
		return RLIM_INFINITY;
	return max ? rl.rlim_max : rl.rlim_cur;
}

void kshim_process_set_rlimit(struct kshim_process *p, unsigned int resource,
			      unsigned long cur, unsigned long max)
{
	if (WARN_ON(resource >= RLIM_NLIMITS))
		return;
	WRITE_ONCE(p->signal.rlim[resource].rlim_max, max(cur, max));
	WRITE_ONCE(p->signal.rlim[resource].rlim_cur, cur);
}

void kshim_process_set_caps(struct kshim_process *p, u64 caps)
{
	WRITE_ONCE(p->cred.cap_effective.val, caps);
}

void kshim_process_set_cap(struct kshim_process *p, int cap, bool on)
{
	u64 caps = READ_ONCE(p->cred.cap_effective.val);

	if (on)
		caps |= CAP_TO_MASK_64(cap);
	else
		caps &= ~CAP_TO_MASK_64(cap);
	WRITE_ONCE(p->cred.cap_effective.val, caps);
}

unsigned long kshim_processes_live(void)
{
	unsigned long n;

	pthread_mutex_lock(&proc_lock);
	n = processes_live;
	pthread_mutex_unlock(&proc_lock);
	return n;
}

/* The mm layer's world hook. */

static void mm_world_begin(void)
{
	pthread_mutex_lock(&proc_lock);
	INIT_LIST_HEAD(&processes);
	INIT_LIST_HEAD(&mms);
	INIT_LIST_HEAD(&users);
	refcount_set(&root_user.__count, 1);
	root_user.uid = GLOBAL_ROOT_UID;
	atomic_long_set(&root_user.locked_vm, 0);
	list_add_tail(&root_user.kshim_node, &users);
	processes_live = 0;
	next_pid = 1000;
	if (freed_leftovers)
		g_string_truncate(freed_leftovers, 0);
	freed_leftover_count = 0;
	pthread_mutex_unlock(&proc_lock);
	kshim_uaccess_world_begin();
	kshim_gup_world_begin();
	kshim_uffd_world_begin();
	kshim_umem_world_begin();
}

static int mm_world_audit(FILE *out)
{
	struct kshim_process *p;
	struct user_struct *u;
	struct kshim_mm *km;
	int problems = kshim_umem_world_audit(out);

	pthread_mutex_lock(&proc_lock);
	list_for_each_entry(p, &processes, node) {
		int inside = atomic_read(&p->entered);

		if (inside) {
			if (out)
				fprintf(out, "mm: %d thread(s) still act as process %s/%d\n",
					inside, p->leader.comm, p->leader.pid);
			problems++;
		}
		if (p->exited)
			continue;
		if (out)
			fprintf(out, "mm: process %s/%d was never destroyed\n",
				p->leader.comm, p->leader.pid);
		problems++;
	}
	list_for_each_entry(km, &mms, node) {
		struct mm_struct *mm = km->mm;
		s64 pinned = atomic64_read(&mm->pinned_vm);

		if (!pinned && !mm->locked_vm)
			continue;
		if (out)
			fprintf(out, "mm: mm of %s still has pinned_vm %lld locked_vm %lu pages\n",
				km->name, (long long)pinned, mm->locked_vm);
		problems++;
	}
	list_for_each_entry(u, &users, kshim_node) {
		long left = atomic_long_read(&u->locked_vm);

		if (!left)
			continue;
		if (out)
			fprintf(out, "mm: user %u still has locked_vm %ld pages\n",
				__kuid_val(u->uid), left);
		problems++;
	}
	if (freed_leftover_count) {
		if (out)
			fputs(freed_leftovers->str, out);
		problems += freed_leftover_count;
	}
	pthread_mutex_unlock(&proc_lock);
	return problems;
}

/* Free whatever the world left behind, without auditing it again. */
static void mm_world_end(void)
{
	struct kshim_process *p, *pn;
	struct user_struct *u, *un;
	struct kshim_mm *km, *kn;

	kshim_umem_world_end();
	kshim_uffd_world_end();
	pthread_mutex_lock(&proc_lock);
	list_for_each_entry_safe(p, pn, &processes, node) {
		list_del(&p->node);
		g_free(p);
	}
	list_for_each_entry_safe(km, kn, &mms, node) {
		list_del(&km->node);
		kshim_guard_destroy(&km->mm->mmap_lock.guard);
		g_free(km->mm);
		g_free(km);
	}
	list_for_each_entry_safe(u, un, &users, kshim_node) {
		list_del(&u->kshim_node);
		if (u != &root_user)
			g_free(u);
	}
	processes_live = 0;
	pthread_mutex_unlock(&proc_lock);
	/* A thread that never left: give it back what it had before. */
	if (entered_depth) {
		struct task_struct *t = current;

		t->mm = entered[0].mm;
		t->cred = entered[0].cred;
		t->signal = entered[0].signal;
		t->group_leader = entered[0].group_leader;
		entered_depth = 0;
	}
}

/* After files (which may hold memfds), before physical memory. */
KSHIM_WORLD_HOOK(mm_hook,
	.name = "mm",
	.prio = KSHIM_PRIO_MM,
	.begin = mm_world_begin,
	.audit = mm_world_audit,
	.end = mm_world_end,
);
