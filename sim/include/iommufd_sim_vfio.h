/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * iommufd_sim_vfio.h - the VFIO device cdev ioctls that bind a device to an
 * iommufd (Linux 6.6 and later), for programs built against an older
 * <linux/vfio.h>.  Include it after <linux/vfio.h>: it defines only what
 * that header lacks.  Values are the kernel's ABI.
 *
 * The simulator presents its mock devices as /dev/vfio/devices/vfioN when
 * asked to (IOMMUFD_SIM_DEVICES for the preload library, the vfio_devices
 * option of iommufd_sim_create()).  A VMM then does what it does on real
 * hardware: open the cdev, VFIO_DEVICE_BIND_IOMMUFD with its iommufd (the
 * device ID comes back in out_devid), VFIO_DEVICE_ATTACH_IOMMUFD_PT to an
 * IOAS or HWPT (again to replace), VFIO_DEVICE_DETACH_IOMMUFD_PT, close.
 */
#ifndef _IOMMUFD_SIM_VFIO_H
#define _IOMMUFD_SIM_VFIO_H

#include <linux/ioctl.h>
#include <linux/types.h>

#ifndef VFIO_TYPE
#define VFIO_TYPE	(';')
#define VFIO_BASE	100
#endif

#ifndef VFIO_DEVICE_FLAGS_CDEV
#define VFIO_DEVICE_FLAGS_CDEV	(1 << 9)
#endif

#ifndef VFIO_DEVICE_GET_INFO
struct vfio_device_info {
	__u32 argsz;
	__u32 flags;
#define VFIO_DEVICE_FLAGS_RESET	(1 << 0)
#define VFIO_DEVICE_FLAGS_PCI	(1 << 1)
	__u32 num_regions;
	__u32 num_irqs;
	__u32 cap_offset;
	__u32 pad;
};
#define VFIO_DEVICE_GET_INFO	_IO(VFIO_TYPE, VFIO_BASE + 7)
#endif

#ifndef VFIO_DEVICE_BIND_IOMMUFD
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
};
#define VFIO_DEVICE_BIND_IOMMUFD	_IO(VFIO_TYPE, VFIO_BASE + 18)

struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
#define VFIO_DEVICE_ATTACH_PASID	(1 << 0)
	__u32 pt_id;
	__u32 pasid;
};
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT	_IO(VFIO_TYPE, VFIO_BASE + 19)

struct vfio_device_detach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
#define VFIO_DEVICE_DETACH_PASID	(1 << 0)
	__u32 pasid;
};
#define VFIO_DEVICE_DETACH_IOMMUFD_PT	_IO(VFIO_TYPE, VFIO_BASE + 20)
#endif

#endif /* _IOMMUFD_SIM_VFIO_H */
