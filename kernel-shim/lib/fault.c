// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection (kshim/fault.h).
 *
 * The decision order at a fault point: the site filter first (a point that
 * does not match is invisible to fail-nth and probability), then the
 * task's fail-nth countdown, then the world's probability.
 */
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <kshim/fault.h>
#include <kshim/world.h>
#include "kshim_internal.h"

static unsigned int fault_permille;
static GPatternSpec *fault_filter;
static unsigned long fault_points;
static const struct kshim_site *fault_last;

void kshim_fail_nth_set(unsigned int nth)
{
	current->kshim.fail_nth = nth;
}

unsigned int kshim_fail_nth_get(void)
{
	return current->kshim.fail_nth;
}

void kshim_fault_set_probability(unsigned int permille)
{
	fault_permille = permille;
}

void kshim_fault_set_filter(const char *pattern)
{
	if (fault_filter)
		g_pattern_spec_free(fault_filter);
	fault_filter = pattern ? g_pattern_spec_new(pattern) : NULL;
}

static bool filter_match(const struct kshim_site *site)
{
	const char *base;
	char *loc;
	bool match;

	if (!fault_filter)
		return true;
	if (g_pattern_spec_match_string(fault_filter, site->func))
		return true;
	base = strrchr(site->file, '/');
	base = base ? base + 1 : site->file;
	if (g_pattern_spec_match_string(fault_filter, base))
		return true;
	loc = g_strdup_printf("%s:%d", base, site->line);
	match = g_pattern_spec_match_string(fault_filter, loc);
	g_free(loc);
	return match;
}

bool kshim_should_fail(struct kshim_site *site)
{
	struct task_struct *t = current;
	bool fail = false;

	kshim_site_register(site);
	__atomic_add_fetch(&site->calls, 1, __ATOMIC_RELAXED);
	if (!filter_match(site))
		return false;
	__atomic_add_fetch(&fault_points, 1, __ATOMIC_RELAXED);

	if (t->kshim.fail_nth && --t->kshim.fail_nth == 0)
		fail = true;
	else if (kshim_exec_mode() == KSHIM_MODE_CONTROLLED)
		fail = kshim_ctl_fault_decision();	/* recorded, replayable */
	else if (fault_permille && kshim_random_u64() % 1000 < fault_permille)
		fail = true;

	if (fail) {
		__atomic_add_fetch(&site->failed, 1, __ATOMIC_RELAXED);
		fault_last = site;
		printk(KERN_INFO "FAULT_INJECTION: forcing a failure at %s\n",
		       kshim_site_name(site));
	}
	return fail;
}

unsigned long kshim_fault_points_reached(void)
{
	return __atomic_load_n(&fault_points, __ATOMIC_RELAXED);
}

const struct kshim_site *kshim_fault_last_failed(void)
{
	return fault_last;
}

void kshim_fault_world_begin(void)
{
	fault_permille = 0;
	kshim_fault_set_filter(NULL);
	fault_points = 0;
	fault_last = NULL;
}
