/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/iova_bitmap.h - a user bitmap of dirty IOVA pages, walked in chunks.
 *
 * Contract
 *   Kept:    the kernel's API and signatures.  As in the kernel, the
 *            implementation belongs to iommufd (iommufd/iova_bitmap.c); the
 *            IOMMU core and drivers only call iova_bitmap_set() through
 *            iommu_dirty_bitmap_record() (linux/iommu.h).
 *   Dropped: nothing here; see iommufd/iova_bitmap.c.
 *   Added:   kernel-shim carries a weak iova_bitmap_set() so that programs
 *            linking the IOMMU core without iommufd (the mock's own tests,
 *            benchmarks) still link.  It WARNs if it is ever reached: such
 *            programs record dirty pages through the kshim_record callback
 *            of struct iommu_dirty_bitmap instead.  iommufd's definition
 *            overrides it.
 */
#ifndef _KSHIM_LINUX_IOVA_BITMAP_H
#define _KSHIM_LINUX_IOVA_BITMAP_H

#include <linux/types.h>

struct iova_bitmap;

typedef int (*iova_bitmap_fn_t)(struct iova_bitmap *bitmap,
				unsigned long iova, size_t length,
				void *opaque);

struct iova_bitmap *iova_bitmap_alloc(unsigned long iova, size_t length,
				      unsigned long page_size,
				      u64 __user *data);
void iova_bitmap_free(struct iova_bitmap *bitmap);
int iova_bitmap_for_each(struct iova_bitmap *bitmap, void *opaque,
			 iova_bitmap_fn_t fn);
void iova_bitmap_set(struct iova_bitmap *bitmap, unsigned long iova,
		     size_t length);

#endif /* _KSHIM_LINUX_IOVA_BITMAP_H */
