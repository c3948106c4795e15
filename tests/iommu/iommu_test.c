// SPDX-License-Identifier: GPL-2.0
/*
 * Shared helpers of the IOMMU suites (iommu_test.h).
 */
#include <string.h>
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/spinlock.h>
#include "iommu_test.h"

int t_owner;

static void iommu_setup(void)
{
	ck_assert_int_eq(mock_iommu_init(), 0);
}

static void iommu_teardown(void)
{
	mock_iommu_exit();
	ck_assert_uint_eq(kshim_iommu_groups_live(), 0);
	ck_assert_uint_eq(kshim_iommu_domains_live(), 0);
}

TCase *iommu_tcase(const char *name)
{
	TCase *tc = ktest_tcase(name);

	/* Runs after the world's setup, and its teardown before the audit. */
	tcase_add_checked_fixture(tc, iommu_setup, iommu_teardown);
	return tc;
}

struct mock_dev *t_mock_dev_cfg(u32 flags, const struct mock_pt_cfg *cfg)
{
	struct mock_dev_opts opts = { .flags = flags, .pt_cfg = cfg };
	struct mock_dev *mdev = mock_dev_create_opts(&opts);

	ck_assert_msg(!IS_ERR(mdev), "mock_dev_create: %ld", PTR_ERR(mdev));
	return mdev;
}

struct mock_dev *t_mock_dev(u32 flags)
{
	return t_mock_dev_cfg(flags, NULL);
}

struct iommu_domain *t_attach_paging(struct mock_dev *mdev, u32 flags)
{
	struct device *dev = mock_dev_device(mdev);
	struct iommu_domain *domain;
	struct iommu_group *group;

	ck_assert_int_eq(iommu_device_claim_dma_owner(dev, &t_owner), 0);
	domain = iommu_paging_domain_alloc_flags(dev, flags);
	ck_assert_msg(!IS_ERR(domain), "domain alloc: %ld", PTR_ERR(domain));
	group = iommu_group_get(dev);
	ck_assert_int_eq(iommu_attach_group(domain, group), 0);
	iommu_group_put(group);
	return domain;
}

void t_detach_free(struct mock_dev *mdev, struct iommu_domain *domain)
{
	struct device *dev = mock_dev_device(mdev);
	struct iommu_group *group = iommu_group_get(dev);

	iommu_detach_group(domain, group);
	iommu_group_put(group);
	iommu_device_release_dma_owner(dev);
	iommu_domain_free(domain);
}

void t_fill_page(struct page *page, unsigned int seed)
{
	unsigned char *p = page_address(page);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE; i++)
		p[i] = (unsigned char)(seed + i);
}

static struct {
	spinlock_t lock;
	struct iopf_group *groups[8];
	unsigned int n;
	struct completion arrived;	/* one complete() per group */
} inbox;

void t_inbox_init(void)
{
	memset(&inbox, 0, sizeof(inbox));
	spin_lock_init(&inbox.lock);
	init_completion(&inbox.arrived);
}

void t_inbox_fini(void)
{
	kshim_completion_destroy(&inbox.arrived);
	kshim_spin_lock_destroy(&inbox.lock);
}

int t_iopf_handler(struct iopf_group *group)
{
	spin_lock(&inbox.lock);
	if (inbox.n == ARRAY_SIZE(inbox.groups)) {
		spin_unlock(&inbox.lock);
		return -ENOSPC;
	}
	inbox.groups[inbox.n++] = group;
	spin_unlock(&inbox.lock);
	complete(&inbox.arrived);
	return 0;
}

unsigned int t_inbox_count(void)
{
	unsigned int n;

	spin_lock(&inbox.lock);
	n = inbox.n;
	spin_unlock(&inbox.lock);
	return n;
}

struct iopf_group *t_inbox_group(unsigned int idx)
{
	struct iopf_group *group = NULL;

	spin_lock(&inbox.lock);
	if (idx < inbox.n)
		group = inbox.groups[idx];
	spin_unlock(&inbox.lock);
	return group;
}

struct iopf_group *t_inbox_wait(unsigned int idx, unsigned int msecs)
{
	struct iopf_group *group;

	while (!(group = t_inbox_group(idx))) {
		if (!wait_for_completion_timeout(&inbox.arrived,
						 msecs_to_jiffies(msecs)))
			return t_inbox_group(idx);
	}
	return group;
}
