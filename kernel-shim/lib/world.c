// SPDX-License-Identifier: GPL-2.0
/*
 * Worlds (kshim/world.h): begin, audit, end.
 */
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>
#include <asm/page.h>
#include <linux/bug.h>
#include <linux/kernel.h>
#include <kshim/alloc.h>
#include <kshim/report.h>
#include <kshim/site.h>
#include <kshim/world.h>
#include "kshim_internal.h"

static unsigned long world_gen = 1;
static bool world_active;
static uint64_t world_seed;
static uint64_t world_rng;
static struct kshim_world_hook *hooks;

unsigned long kshim_world_generation(void)
{
	return __atomic_load_n(&world_gen, __ATOMIC_RELAXED);
}

static int hook_prio(const struct kshim_world_hook *hook)
{
	return hook->prio ? hook->prio : 50;
}

/* Insert @hook in priority order, after hooks of the same priority. */
void kshim_world_register_hook(struct kshim_world_hook *hook)
{
	struct kshim_world_hook **pos = &hooks;

	while (*pos && hook_prio(*pos) <= hook_prio(hook))
		pos = &(*pos)->next;
	hook->next = *pos;
	*pos = hook;
}

bool kshim_world_active(void)
{
	return world_active;
}

uint64_t kshim_world_seed(void)
{
	return world_seed;
}

/* splitmix64: one atomic step per number, so threads never repeat one. */
uint64_t kshim_random_u64(void)
{
	uint64_t z = __atomic_add_fetch(&world_rng, 0x9e3779b97f4a7c15ULL,
					__ATOMIC_RELAXED);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void kshim_world_begin(const struct kshim_world_config *cfg)
{
	struct kshim_world_hook *hook;

	if (sysconf(_SC_PAGESIZE) != (long)PAGE_SIZE) {
		fprintf(stderr, "kshim: host page size %ld, simulator built for %lu\n",
			sysconf(_SC_PAGESIZE), PAGE_SIZE);
		abort();
	}
	if (world_active)
		kshim_world_end();
	__atomic_add_fetch(&world_gen, 1, __ATOMIC_RELAXED);
	world_seed = cfg ? cfg->seed : 0;
	world_rng = world_seed;

	kshim_report_world_begin();
	kshim_log_world_begin();
	kshim_sites_reset();
	kshim_alloc_world_begin();
	kshim_fault_world_begin();
	kshim_lockdep_world_begin();
	kshim_exec_world_begin(cfg);
	for (hook = hooks; hook; hook = hook->next)
		if (hook->begin)
			hook->begin();
	world_active = true;
}

/*
 * End the hooks at or above @min_prio, in reverse order, once per world:
 * the audit shuts descriptor tables and modules down before it looks at
 * the core layers, and kshim_world_end() does the rest.
 */
static void end_hooks(int min_prio)
{
	struct kshim_world_hook *stack[64];
	struct kshim_world_hook *hook;
	int n = 0;

	for (hook = hooks; hook; hook = hook->next) {
		if (hook_prio(hook) < min_prio)
			continue;
		if (WARN_ON(n == ARRAY_SIZE(stack)))
			break;
		stack[n++] = hook;
	}
	while (n--) {
		if (stack[n]->end && stack[n]->ended_gen != world_gen)
			stack[n]->end();
		stack[n]->ended_gen = world_gen;
	}
}

static int audit_hooks(FILE *out, int min_prio, int max_prio)
{
	struct kshim_world_hook *hook;
	int problems = 0;

	for (hook = hooks; hook; hook = hook->next)
		if (hook->audit && hook_prio(hook) >= min_prio &&
		    hook_prio(hook) <= max_prio)
			problems += hook->audit(out);
	return problems;
}

/*
 * An audit answers "what is left when this kernel shuts down": the upper
 * layers (descriptor tables, modules) are audited, then shut down, and
 * only then are the core layers, allocations and the report examined, so
 * that what a module frees at exit does not count as a leak while what it
 * leaks does.
 */
int kshim_world_audit(FILE *out)
{
	int problems = 0;

	problems += audit_hooks(out, KSHIM_PRIO_MODULE, INT_MAX);
	end_hooks(KSHIM_PRIO_MODULE);
	problems += audit_hooks(out, INT_MIN, KSHIM_PRIO_MODULE - 1);
	problems += kshim_exec_world_audit(out);
	problems += kshim_alloc_world_audit(out);
	if (kshim_report_total()) {
		problems += kshim_report_total();
		if (out)
			kshim_report_dump(out);
	}
	return problems;
}

void kshim_world_end(void)
{
	end_hooks(INT_MIN);
	kshim_exec_world_end();
	kshim_lockdep_world_end();
	kshim_alloc_world_end();
	kshim_report_world_end();
	kshim_log_world_end();
	world_active = false;
	__atomic_add_fetch(&world_gen, 1, __ATOMIC_RELAXED);
}
