/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mock IOMMU's ABI values, as the driver sees them.
 *
 * These are facts of the kernel's test uAPI (iommufd_test.h, which the
 * iommufd layer owns as iommufd/iommufd_test.h).  mock-iommu sits below
 * iommufd and cannot include that header, so the driver keeps its own
 * copy of the values it implements, under the same names and with the
 * same layouts.  This header is private to mock-iommu (and its white-box
 * tests): a file that includes iommufd_test.h must not include it.
 */
#ifndef _MOCK_IOMMU_ABI_H
#define _MOCK_IOMMU_ABI_H

#include <linux/types.h>

/* Device flags of IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS. */
enum {
	MOCK_FLAGS_DEVICE_NO_DIRTY = 1 << 0,
	MOCK_FLAGS_DEVICE_HUGE_IOVA = 1 << 1,
	MOCK_FLAGS_DEVICE_PASID = 1 << 2,
};

/* The aperture of the kernel mock's paging domains. */
#define MOCK_APERTURE_START	(1UL << 24)
#define MOCK_APERTURE_LAST	((1UL << 31) - 1)

enum {
	MOCK_NESTED_DOMAIN_IOTLB_ID_MAX = 3,
	MOCK_NESTED_DOMAIN_IOTLB_NUM = 4,
};

enum {
	MOCK_DEV_CACHE_ID_MAX = 3,
	MOCK_DEV_CACHE_NUM = 4,
};

#define MOCK_PASID_WIDTH		20
#define IOMMU_TEST_PASID_RESERVED	1024

#define IOMMU_HW_INFO_TYPE_SELFTEST	0xfeedbeef
#define IOMMU_HW_INFO_SELFTEST_REGVAL	0xdeadbeef

struct iommu_test_hw_info {
	__u32 flags;
	__u32 test_reg;
};

#define IOMMU_HWPT_DATA_SELFTEST	0xdead
#define IOMMU_TEST_IOTLB_DEFAULT	0xbadbeef
#define IOMMU_TEST_DEV_CACHE_DEFAULT	0xbaddad

struct iommu_hwpt_selftest {
	__u32 iotlb;
};

#define IOMMU_HWPT_INVALIDATE_DATA_SELFTEST		0xdeadbeef
#define IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID	0xdadbeef
#define IOMMU_TEST_INVALIDATE_FLAG_ALL			(1 << 0)

struct iommu_hwpt_invalidate_selftest {
	__u32 flags;
	__u32 iotlb_id;
};

/* The mock vIOMMU ([6.13] and later). */
#define IOMMU_VIOMMU_TYPE_SELFTEST	0xdeadbeef

struct iommu_viommu_selftest {
	__u32 in_data;
	__u32 out_data;
	__aligned_u64 out_mmap_offset;
	__aligned_u64 out_mmap_length;
};

#define IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST		0xdeadbeef
#define IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID	0xdadbeef

struct iommu_viommu_invalidate_selftest {
	__u32 flags;
	__u32 vdev_id;
	__u32 cache_id;
};

#define IOMMU_VEVENTQ_TYPE_SELFTEST	0xbeefbeef

struct iommu_viommu_event_selftest {
	__u32 virt_id;
};

#define IOMMU_HW_QUEUE_TYPE_SELFTEST	0xdeadbeef
#define IOMMU_TEST_HW_QUEUE_MAX		2

#endif /* _MOCK_IOMMU_ABI_H */
