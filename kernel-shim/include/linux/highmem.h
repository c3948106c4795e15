/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/highmem.h - temporary kernel mappings of pages.
 *
 * Contract
 *   Kept:    kmap_local_page/kunmap_local and kmap/kunmap return an address
 *            through which the page's bytes can be read and written;
 *            memcpy_to_page/memcpy_from_page.
 *   Dropped: there is no highmem: every frame is always in the direct map,
 *            so mapping is page_address() and unmapping does nothing.
 *   Added:   nothing.
 */
#ifndef _KSHIM_LINUX_HIGHMEM_H
#define _KSHIM_LINUX_HIGHMEM_H

#include <string.h>
#include <linux/mm.h>

static inline void *kmap_local_page(struct page *page)
{
	return page_address(page);
}

static inline void kunmap_local(const void *addr)
{
}

static inline void *kmap(struct page *page)
{
	return page_address(page);
}

static inline void kunmap(struct page *page)
{
}

static inline void memcpy_from_page(char *to, struct page *page,
				    size_t offset, size_t len)
{
	memcpy(to, (char *)page_address(page) + offset, len);
}

static inline void memcpy_to_page(struct page *page, size_t offset,
				  const char *from, size_t len)
{
	memcpy((char *)page_address(page) + offset, from, len);
}

#endif /* _KSHIM_LINUX_HIGHMEM_H */
