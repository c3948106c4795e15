// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of call sites (kshim/site.h).
 *
 * Sites are static objects; registration pushes a site onto a lock-free
 * singly linked list exactly once.  Sites are never unregistered, so the
 * list only grows and can be walked without a lock.
 */
#include <stdio.h>
#include <string.h>
#include <kshim/site.h>

static struct kshim_site *site_list;

void kshim_site_register(struct kshim_site *site)
{
	struct kshim_site *head;

	if (__atomic_load_n(&site->registered, __ATOMIC_ACQUIRE))
		return;
	if (__atomic_exchange_n(&site->registered, 1, __ATOMIC_ACQ_REL))
		return;
	head = __atomic_load_n(&site_list, __ATOMIC_ACQUIRE);
	do {
		site->next = head;
	} while (!__atomic_compare_exchange_n(&site_list, &head, site, false,
					      __ATOMIC_RELEASE,
					      __ATOMIC_ACQUIRE));
}

struct kshim_site *kshim_sites_first(void)
{
	return __atomic_load_n(&site_list, __ATOMIC_ACQUIRE);
}

void kshim_sites_reset(void)
{
	struct kshim_site *site;

	for (site = kshim_sites_first(); site; site = site->next) {
		__atomic_store_n(&site->calls, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&site->failed, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&site->live, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&site->live_bytes, 0, __ATOMIC_RELAXED);
	}
}

const char *kshim_site_name(const struct kshim_site *site)
{
	static __thread char buf[256];
	const char *file = strrchr(site->file, '/');

	/* Keep the layer directory: "iommufd/pages.c:123 fn". */
	if (file) {
		const char *dir = file;

		while (dir > site->file && dir[-1] != '/')
			dir--;
		file = dir;
	} else {
		file = site->file;
	}
	snprintf(buf, sizeof(buf), "%s:%d %s", file, site->line, site->func);
	return buf;
}
