/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iommufd_selftest.h - reaching the mock devices of SELFTEST objects from
 * inside the kernel.
 *
 * The simulator's own addition (the kernel has no such interface): the
 * scenario engine plays a device driver and makes a mock device do DMA,
 * naming the device by the SELFTEST object ID that IOMMU_TEST_OP_MOCK_DOMAIN
 * returned, as a test names everything else.
 */
#ifndef __IOMMUFD_SELFTEST_H
#define __IOMMUFD_SELFTEST_H

#include <linux/types.h>

struct iommufd_ctx;

int iommufd_selftest_dma(struct iommufd_ctx *ictx, u32 stdev_id, u32 pasid,
			 unsigned long iova, void *buf, size_t len, bool write);

#endif /* __IOMMUFD_SELFTEST_H */
