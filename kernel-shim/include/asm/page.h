/* SPDX-License-Identifier: GPL-2.0 */
/*
 * asm/page.h - the CPU page geometry.
 *
 * Contract
 *   Kept:    PAGE_SHIFT/PAGE_SIZE/PAGE_MASK of x86-64 (4 KiB pages), and
 *            HPAGE_SHIFT/HPAGE_SIZE for 2 MiB transparent huge pages.
 *   Dropped: everything about the kernel's own page tables.
 *   Added:   the world checks at start-up that the host page size matches,
 *            since user memory is the host's memory.
 */
#ifndef _KSHIM_ASM_PAGE_H
#define _KSHIM_ASM_PAGE_H

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

#define HPAGE_SHIFT	21
#define HPAGE_SIZE	(1UL << HPAGE_SHIFT)
#define HPAGE_MASK	(~(HPAGE_SIZE - 1))

#endif /* _KSHIM_ASM_PAGE_H */
