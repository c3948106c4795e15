// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU's cdev bring-up against the preload library's VFIO device cdevs
 * (IOMMUFD_SIM_DEVICES=2): bind, autodomain attach, HWPT allocation with
 * GET_HW_INFO, replace, detach, and the cdev rules (one binding per device,
 * nothing but BIND before it, close unbinds, the binding keeps the iommufd
 * alive).
 */
#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfio.h>
#include <iommufd_sim_vfio.h>
#include "plain.h"

#define BUF_SIZE	(8 * 4096UL)
#define IOVA		(MOCK_APERTURE_START)

static int bind(int devfd, int iommufd, __u32 *devid)
{
	struct vfio_device_bind_iommufd cmd = {
		.argsz = sizeof(cmd), .iommufd = iommufd,
	};
	int rc = ioctl(devfd, VFIO_DEVICE_BIND_IOMMUFD, &cmd);

	if (devid)
		*devid = cmd.out_devid;
	return rc;
}

static int attach(int devfd, __u32 *pt_id)
{
	struct vfio_device_attach_iommufd_pt cmd = {
		.argsz = offsetof(struct vfio_device_attach_iommufd_pt, pasid),
		.pt_id = *pt_id,
	};
	int rc = ioctl(devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd);

	*pt_id = cmd.pt_id;
	return rc;
}

static int detach(int devfd)
{
	struct vfio_device_detach_iommufd_pt cmd = { .argsz = 8 };

	return ioctl(devfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd);
}

int main(void)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct iommu_hw_info hw = { .size = sizeof(hw) };
	struct iommu_hwpt_alloc alloc = { .size = sizeof(alloc) };
	struct vfio_device_attach_iommufd_pt pasid_attach = {
		.argsz = sizeof(pasid_attach),
		.flags = VFIO_DEVICE_ATTACH_PASID, .pasid = 1,
	};
	int iofd, iofd2, dev0, dev0b, dev1;
	__u32 ioas, devid, devid1, pt, auto_hwpt;
	void *buf;

	iofd = open("/dev/iommu", O_RDWR);
	CHECK(iofd >= 0);
	CHECK_OK(plain_ioas_alloc(iofd, &ioas));
	CHECK_ERR(ENOENT, open("/dev/vfio/devices/vfio2", O_RDWR));

	dev0 = open("/dev/vfio/devices/vfio0", O_RDWR | O_CLOEXEC);
	CHECK(dev0 >= 0);
	/* Nothing but BIND before the device is bound. */
	CHECK_ERR(EINVAL, ioctl(dev0, VFIO_DEVICE_GET_INFO, &info));
	CHECK_ERR(EINVAL, attach(dev0, &ioas));
	CHECK_ERR(EBADFD, bind(dev0, dev0, NULL));
	CHECK_ERR(EBADF, bind(dev0, 999, NULL));
	CHECK_OK(bind(dev0, iofd, &devid));
	CHECK(devid != 0);
	CHECK_ERR(EINVAL, bind(dev0, iofd, NULL));
	/* One binding per device, whichever file asks. */
	dev0b = open("/dev/vfio/devices/vfio0", O_RDWR);
	CHECK(dev0b >= 0);
	CHECK_ERR(EINVAL, bind(dev0b, iofd, NULL));
	CHECK_OK(close(dev0b));

	CHECK_OK(ioctl(dev0, VFIO_DEVICE_GET_INFO, &info));
	CHECK(info.flags & VFIO_DEVICE_FLAGS_CDEV);

	/* Autodomain: attaching to the IOAS makes an automatic HWPT. */
	pt = ioas;
	CHECK_OK(attach(dev0, &pt));
	CHECK(pt != ioas);
	auto_hwpt = pt;
	buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf != MAP_FAILED);
	CHECK_OK(plain_map_fixed(iofd, ioas, buf, BUF_SIZE, IOVA));
	CHECK_OK(plain_check_map(iofd, auto_hwpt, IOVA, BUF_SIZE, buf));

	/* QEMU's next step: read capabilities, allocate its own HWPT. */
	hw.dev_id = devid;
	CHECK_OK(ioctl(iofd, IOMMU_GET_HW_INFO, &hw));
	alloc.dev_id = devid;
	alloc.pt_id = ioas;
	if (hw.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING)
		alloc.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	CHECK_OK(ioctl(iofd, IOMMU_HWPT_ALLOC, &alloc));
	/* A second attach replaces. */
	pt = alloc.out_hwpt_id;
	CHECK_OK(attach(dev0, &pt));
	CHECK(pt == alloc.out_hwpt_id);
	CHECK_OK(plain_check_map(iofd, pt, IOVA, BUF_SIZE, buf));
	/* The automatic HWPT lost its last device and went away. */
	CHECK_ERR(ENOENT, plain_destroy(iofd, auto_hwpt));
	/* Busy while attached; gone after detach (twice is fine). */
	CHECK_ERR(EBUSY, plain_destroy(iofd, pt));
	CHECK_OK(detach(dev0));
	CHECK_OK(detach(dev0));
	CHECK_OK(plain_destroy(iofd, pt));
	/* No PASID support on this device. */
	CHECK_ERR(EOPNOTSUPP,
		  ioctl(dev0, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &pasid_attach));

	/* A second iommufd and device: the binding outlives the fd. */
	iofd2 = open("/dev/iommu", O_RDWR);
	dev1 = open("/dev/vfio/devices/vfio1", O_RDWR);
	CHECK(iofd2 >= 0 && dev1 >= 0);
	CHECK_OK(bind(dev1, iofd2, &devid1));
	CHECK_OK(close(iofd2));
	CHECK_OK(close(dev1));	/* unbinds; the context goes with it */

	/* Closing the device unbinds it: it can be bound again. */
	pt = ioas;
	CHECK_OK(attach(dev0, &pt));
	CHECK_OK(close(dev0));
	dev0 = open("/dev/vfio/devices/vfio0", O_RDWR);
	CHECK_OK(bind(dev0, iofd, NULL));
	CHECK_OK(close(dev0));

	CHECK_OK(plain_unmap(iofd, ioas, IOVA, BUF_SIZE, NULL));
	CHECK_OK(close(iofd));
	plain_done("preload-vfio-cdev");
	return 0;
}
