/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim/world.h - one simulated kernel's global state, created and audited.
 *
 * All global state of the simulated kernel (tasks, the log, the report,
 * allocation and fault-site counters, lock classes, the clock, registered
 * devices, simulated memory) belongs to the current world.  A test or a
 * scenario run begins a world, runs, audits it and ends it; the next run
 * never sees the previous one's state.  Runs that must be isolated from a
 * crash run each world in a fresh child process instead (sim/).
 *
 * Layers with state of their own (user memory, the IOMMU core, mock
 * devices) register hooks with KSHIM_WORLD_HOOK() so that they are reset at
 * begin and audited at end without the shim knowing about them.
 */
#ifndef _KSHIM_WORLD_H
#define _KSHIM_WORLD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <kshim/exec.h>

struct kshim_sched_config;

struct kshim_world_config {
	enum kshim_mode mode;
	uint64_t seed;				/* RNG seed for the world */
	const struct kshim_sched_config *sched;	/* controlled mode only */
};

/* Start a world; @cfg may be NULL for a free-run world with seed 0. */
void kshim_world_begin(const struct kshim_world_config *cfg);
/*
 * Audit the world: live allocations, WARNs and other issues, held locks,
 * unjoined threads, and every registered layer's own checks.  The upper
 * layers (descriptor tables, modules: prio >= KSHIM_PRIO_MODULE) are shut
 * down as part of the audit, so call it only to finish a world.  Prints
 * what is wrong to @out (if not NULL).  Return: the number of problems.
 */
int kshim_world_audit(FILE *out);
/* Tear the world down (whatever the audit said). */
void kshim_world_end(void);
bool kshim_world_active(void);
uint64_t kshim_world_seed(void);
/* Deterministic per-world random numbers (splitmix64). */
uint64_t kshim_random_u64(void);

/*
 * A layer's per-world hooks.  Begin hooks run in increasing @prio order
 * (0 when not set counts as 50) and end hooks in the reverse order, as the
 * kernel initialises its core before modules and tears down the other way
 * round.  The layers use:
 *
 *   KSHIM_PRIO_PHYSMEM  10   simulated physical memory
 *   KSHIM_PRIO_MM       20   processes, user memory
 *   KSHIM_PRIO_CORE     30   the IOMMU core, devices
 *   KSHIM_PRIO_MODULE   60   module_init()/module_exit()
 *   KSHIM_PRIO_FILES    90   descriptor tables (closed first at the end)
 */
#define KSHIM_PRIO_PHYSMEM	10
#define KSHIM_PRIO_MM		20
#define KSHIM_PRIO_CORE		30
#define KSHIM_PRIO_MODULE	60
#define KSHIM_PRIO_FILES	90

struct kshim_world_hook {
	const char *name;
	int prio;
	void (*begin)(void);
	/* Print problems to @out, return how many. */
	int (*audit)(FILE *out);
	void (*end)(void);
	struct kshim_world_hook *next;
	unsigned long ended_gen;	/* world in which ->end already ran */
};

void kshim_world_register_hook(struct kshim_world_hook *hook);

#define KSHIM_WORLD_HOOK(var, ...)					\
	static struct kshim_world_hook var = { __VA_ARGS__ };		\
	static void __attribute__((constructor)) var##_register(void)	\
	{								\
		kshim_world_register_hook(&var);			\
	}

#endif /* _KSHIM_WORLD_H */
