// SPDX-License-Identifier: GPL-2.0
/*
 * Worlds (kshim/world.h): begin, audit, end.
 */
#include <stdlib.h>
#include <unistd.h>
#include <asm/page.h>
#include <linux/bug.h>
#include <kshim/alloc.h>
#include <kshim/report.h>
#include <kshim/site.h>
#include <kshim/world.h>
#include "kshim_internal.h"

static unsigned long world_gen = 1;
static bool world_active;
static uint64_t world_seed;
static uint64_t world_rng;
static struct kshim_world_hook *hooks, **hooks_tail = &hooks;

unsigned long kshim_world_generation(void)
{
	return __atomic_load_n(&world_gen, __ATOMIC_RELAXED);
}

void kshim_world_register_hook(struct kshim_world_hook *hook)
{
	hook->next = NULL;
	*hooks_tail = hook;
	hooks_tail = &hook->next;
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

int kshim_world_audit(FILE *out)
{
	struct kshim_world_hook *hook;
	int problems = 0;

	for (hook = hooks; hook; hook = hook->next)
		if (hook->audit)
			problems += hook->audit(out);
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
	struct kshim_world_hook *hook;

	for (hook = hooks; hook; hook = hook->next)
		if (hook->end)
			hook->end();
	kshim_exec_world_end();
	kshim_lockdep_world_end();
	kshim_alloc_world_end();
	kshim_report_world_end();
	kshim_log_world_end();
	world_active = false;
	__atomic_add_fetch(&world_gen, 1, __ATOMIC_RELAXED);
}
