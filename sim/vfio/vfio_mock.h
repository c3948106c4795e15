/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VFIO device cdevs for mock devices (device_cdev.c): the embedding API
 * creates them with a world (iommufd_sim_opts.vfio_devices) and removes
 * them after every process is gone, before the audit.
 */
#ifndef _SIM_VFIO_MOCK_H
#define _SIM_VFIO_MOCK_H

#include <linux/types.h>

/* /dev/vfio/devices/vfio0..@n-1, mock devices with MOCK_FLAGS_DEVICE_@flags. */
int vfio_mock_devices_create(unsigned int n, u32 flags);
void vfio_mock_devices_destroy(void);

#endif /* _SIM_VFIO_MOCK_H */
