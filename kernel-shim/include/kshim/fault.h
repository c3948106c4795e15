/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim/fault.h - fault injection.
 *
 * Every allocation (linux/slab.h), every user-memory access and pin, and
 * every explicit fault point of the core passes kshim_should_fail().  A
 * point fails when one of these says so:
 *
 *   fail-nth     per task, as the kernel's /proc/<pid>/task/<tid>/fail-nth:
 *                kshim_fail_nth_set(N) makes the Nth fault point this task
 *                reaches fail; kshim_fail_nth_get() reads back 0 once it
 *                has fired and the remaining count before that.
 *   probability  world-wide, seeded: each point fails with probability P.
 *   filter       a glob on "func", "file" or "file:line" restricts both of
 *                the above to matching sites.
 *   scheduler    in controlled mode the scheduler owns the decision, so a
 *                (seed, trace) pair replays which point failed.
 *
 * __GFP_NOFAIL allocations never fail.
 */
#ifndef _KSHIM_FAULT_H
#define _KSHIM_FAULT_H

#include <stdbool.h>
#include <stdint.h>
#include <kshim/site.h>

bool kshim_should_fail(struct kshim_site *site);
#define kshim_fault_point()	kshim_should_fail(KSHIM_SITE())

void kshim_fail_nth_set(unsigned int nth);
unsigned int kshim_fail_nth_get(void);
/* @permille failures per 1000 points reached, 0 to disable. */
void kshim_fault_set_probability(unsigned int permille);
/* Glob pattern, or NULL to match every site. */
void kshim_fault_set_filter(const char *pattern);
/* Fault points reached (and matching the filter) in this world so far. */
unsigned long kshim_fault_points_reached(void);
/* The site that failed most recently, or NULL. */
const struct kshim_site *kshim_fault_last_failed(void);

#endif /* _KSHIM_FAULT_H */
