/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to kernel-shim/iommu: what iommu.c and io-pgfault.c share.
 */
#ifndef _KSHIM_IOMMU_PRIV_H
#define _KSHIM_IOMMU_PRIV_H

#include <linux/iommu.h>

/* The device's fault parameter with a reference, or NULL (io-pgfault.c). */
struct iommu_fault_param *iopf_get_dev_fault_param(struct device *dev);
void iopf_put_dev_fault_param(struct iommu_fault_param *fault_param);

#endif /* _KSHIM_IOMMU_PRIV_H */
