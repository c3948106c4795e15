/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the IOMMU core and mock IOMMU suites.
 *
 * Every test runs in its own world (ktest_tcase) with the mock IOMMU
 * registered by iommu_tcase()'s fixture and unregistered before the
 * world's audit, so a leaked device, group, domain, frame or WARN fails
 * the test.
 */
#ifndef _IOMMU_TEST_H
#define _IOMMU_TEST_H

#include <check.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <mock_iommu.h>
#include "ktest.h"

/* A test case whose tests run with the mock IOMMU registered. */
TCase *iommu_tcase(const char *name);

/* The DMA owner cookie the tests claim groups with. */
extern int t_owner;

/* Create a mock device, asserting success. */
struct mock_dev *t_mock_dev(u32 flags);
struct mock_dev *t_mock_dev_cfg(u32 flags, const struct mock_pt_cfg *cfg);

/*
 * Claim @mdev's group, allocate a paging domain with @flags and attach
 * it; t_detach_free() undoes all of it.
 */
struct iommu_domain *t_attach_paging(struct mock_dev *mdev, u32 flags);
void t_detach_free(struct mock_dev *mdev, struct iommu_domain *domain);

/* Fill the frame's bytes with @seed, @seed+1, ... */
void t_fill_page(struct page *page, unsigned int seed);

/*
 * An inbox for I/O page fault groups: t_iopf_handler() is a domain's
 * iopf_handler that queues each group (up to 8) and wakes waiters.
 */
void t_inbox_init(void);
void t_inbox_fini(void);
int t_iopf_handler(struct iopf_group *group);
unsigned int t_inbox_count(void);
struct iopf_group *t_inbox_group(unsigned int idx);
/* Wait up to @msecs for group @idx; NULL on timeout. */
struct iopf_group *t_inbox_wait(unsigned int idx, unsigned int msecs);

/* A small deterministic generator for replayable random tests. */
struct t_rng {
	u64 state;
};

static inline u64 t_rng_next(struct t_rng *rng)
{
	u64 z = (rng->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static inline u64 t_rng_below(struct t_rng *rng, u64 n)
{
	return n ? t_rng_next(rng) % n : 0;
}

#endif /* _IOMMU_TEST_H */
