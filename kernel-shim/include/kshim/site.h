/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim/site.h - call sites of allocations and fault points.
 *
 * Every allocation and every fault-injection point in the simulated kernel
 * has a static descriptor created at its call site by KSHIM_SITE().  The
 * descriptor counts calls, injected failures and (for allocations) live
 * objects, so that leak reports and fail-nth sweeps can name the exact line.
 * Descriptors register themselves on first use; kshim_sites_reset() zeroes
 * their counters when a new world starts.
 */
#ifndef _KSHIM_SITE_H
#define _KSHIM_SITE_H

#include <stdbool.h>
#include <stddef.h>

struct kshim_site {
	const char *file;
	int line;
	const char *func;
	/* Counters, updated atomically by the shim. */
	unsigned long calls;		/* times the site was reached */
	unsigned long failed;		/* injected failures */
	unsigned long live;		/* allocations not yet freed */
	unsigned long live_bytes;
	/* Registry link, set once. */
	struct kshim_site *next;
	int registered;
};

#define KSHIM_SITE() ({							\
	static struct kshim_site __kshim_site = {			\
		.file = __FILE__, .line = __LINE__, .func = __func__,	\
	};								\
	&__kshim_site; })

/* Make @site visible to reports (idempotent, cheap after the first call). */
void kshim_site_register(struct kshim_site *site);
/* Iterate over every registered site. */
struct kshim_site *kshim_sites_first(void);
/* Zero every registered site's counters. */
void kshim_sites_reset(void);
/* "file:line func" of @site, in a static buffer per thread. */
const char *kshim_site_name(const struct kshim_site *site);

#endif /* _KSHIM_SITE_H */
