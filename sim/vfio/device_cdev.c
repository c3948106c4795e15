// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO device cdevs for mock devices: /dev/vfio/devices/vfioN.
 *
 * The part of the VFIO core and of a physical-device driver a VMM meets
 * when it brings a device up on iommufd: open the cdev, bind it to an
 * iommufd (VFIO_DEVICE_BIND_IOMMUFD), attach it to an IOAS or HWPT, with
 * replace on a second attach and PASIDs where the device has them, detach,
 * and unbind on close.  Behind each node is a mock device; nothing else of
 * VFIO (regions, interrupts, migration) is there.
 *
 * Rules kept from the kernel's cdev path:
 *   - a device is bound through one open file at a time: binding again,
 *     from that file or another, is -EINVAL;
 *   - every ioctl but BIND on an unbound file is -EINVAL;
 *   - the binding holds the iommufd context until the file is released,
 *     which detaches (every PASID, then the device) and unbinds;
 *   - DETACH of a device that is not attached succeeds and does nothing.
 *
 * Locking: vdev->lock serialises binding and attachment of one device and
 * is taken before any iommufd lock, as the kernel's dev_set lock is.
 */
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sprintf.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <linux/vfio.h>
#include <iommufd_sim_vfio.h>
#include <uapi/iommufd_test.h>
#include <mock_iommu.h>
#include "vfio_mock.h"

struct vfio_mock_device {
	struct miscdevice misc;
	char name[16];			/* "vfioN" */
	char nodename[32];		/* "vfio/devices/vfioN" */
	struct mock_dev *mdev;
	bool pasid_capable;

	struct mutex lock;
	/* The binding: all set together, all NULL when unbound. */
	struct file *owner;
	struct iommufd_ctx *ictx;
	struct iommufd_device *idev;
	bool attached;
	struct xarray pasids;		/* attached PASIDs (value: 1) */
};

static struct vfio_mock_device **vdevs;
static unsigned int nr_vdevs;

/* Undo a binding; vdev->lock held. */
static void vfio_mock_unbind(struct vfio_mock_device *vdev)
{
	unsigned long pasid;
	void *entry;

	xa_for_each(&vdev->pasids, pasid, entry)
		iommufd_device_detach(vdev->idev, pasid);
	xa_destroy(&vdev->pasids);
	if (vdev->attached)
		iommufd_device_detach(vdev->idev, IOMMU_NO_PASID);
	iommufd_device_unbind(vdev->idev);
	iommufd_ctx_put(vdev->ictx);
	vdev->attached = false;
	vdev->idev = NULL;
	vdev->ictx = NULL;
	vdev->owner = NULL;
}

static int vfio_mock_bind(struct vfio_mock_device *vdev, struct file *file,
			  void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_device_bind_iommufd, out_devid);
	struct vfio_device_bind_iommufd bind;
	struct iommufd_device *idev;
	struct iommufd_ctx *ictx;
	u32 devid;
	int rc;

	if (copy_from_user(&bind, arg, minsz))
		return -EFAULT;
	if (bind.argsz < minsz || bind.flags || bind.iommufd < 0)
		return -EINVAL;

	mutex_lock(&vdev->lock);
	if (vdev->owner) {
		rc = -EINVAL;
		goto out_unlock;
	}
	ictx = iommufd_ctx_from_fd(bind.iommufd);
	if (IS_ERR(ictx)) {
		rc = PTR_ERR(ictx);
		goto out_unlock;
	}
	idev = iommufd_device_bind(ictx, mock_dev_device(vdev->mdev), &devid);
	if (IS_ERR(idev)) {
		rc = PTR_ERR(idev);
		goto out_put_ctx;
	}
	if (copy_to_user(arg + offsetof(struct vfio_device_bind_iommufd,
					 out_devid),
			 &devid, sizeof(devid))) {
		rc = -EFAULT;
		goto out_unbind;
	}
	vdev->owner = file;
	vdev->ictx = ictx;
	vdev->idev = idev;
	xa_init(&vdev->pasids);
	mutex_unlock(&vdev->lock);
	return 0;

out_unbind:
	iommufd_device_unbind(idev);
out_put_ctx:
	iommufd_ctx_put(ictx);
out_unlock:
	mutex_unlock(&vdev->lock);
	return rc;
}

/* Attach, or replace when already attached; vdev->lock held. */
static int vfio_mock_attach_locked(struct vfio_mock_device *vdev,
				   bool use_pasid, u32 pasid, u32 *pt_id)
{
	int rc;

	if (!use_pasid) {
		if (vdev->attached)
			return iommufd_device_replace(vdev->idev,
						      IOMMU_NO_PASID, pt_id);
		rc = iommufd_device_attach(vdev->idev, IOMMU_NO_PASID, pt_id);
		if (!rc)
			vdev->attached = true;
		return rc;
	}
	if (xa_load(&vdev->pasids, pasid))
		return iommufd_device_replace(vdev->idev, pasid, pt_id);
	rc = iommufd_device_attach(vdev->idev, pasid, pt_id);
	if (rc)
		return rc;
	rc = xa_err(xa_store(&vdev->pasids, pasid, xa_mk_value(1),
			     GFP_KERNEL));
	if (rc)
		iommufd_device_detach(vdev->idev, pasid);
	return rc;
}

static void vfio_mock_detach_locked(struct vfio_mock_device *vdev,
				    bool use_pasid, u32 pasid)
{
	if (!use_pasid) {
		if (vdev->attached)
			iommufd_device_detach(vdev->idev, IOMMU_NO_PASID);
		vdev->attached = false;
		return;
	}
	if (xa_erase(&vdev->pasids, pasid))
		iommufd_device_detach(vdev->idev, pasid);
}

static int vfio_mock_attach(struct vfio_mock_device *vdev, void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_device_attach_iommufd_pt, pt_id);
	size_t xend = offsetofend(struct vfio_device_attach_iommufd_pt, pasid);
	struct vfio_device_attach_iommufd_pt attach;
	bool use_pasid;
	int rc;

	if (copy_from_user(&attach, arg, minsz))
		return -EFAULT;
	if (attach.argsz < minsz ||
	    (attach.flags & ~VFIO_DEVICE_ATTACH_PASID))
		return -EINVAL;
	use_pasid = attach.flags & VFIO_DEVICE_ATTACH_PASID;
	if (use_pasid) {
		if (!vdev->pasid_capable)
			return -EOPNOTSUPP;
		if (attach.argsz < xend)
			return -EINVAL;
		if (copy_from_user(&attach.pasid, arg + minsz,
				   sizeof(attach.pasid)))
			return -EFAULT;
	}

	mutex_lock(&vdev->lock);
	rc = vfio_mock_attach_locked(vdev, use_pasid, attach.pasid,
				     &attach.pt_id);
	if (rc)
		goto out_unlock;
	if (copy_to_user(arg + offsetof(struct vfio_device_attach_iommufd_pt,
					 pt_id),
			 &attach.pt_id, sizeof(attach.pt_id))) {
		vfio_mock_detach_locked(vdev, use_pasid, attach.pasid);
		rc = -EFAULT;
	}
out_unlock:
	mutex_unlock(&vdev->lock);
	return rc;
}

static int vfio_mock_detach(struct vfio_mock_device *vdev, void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_device_detach_iommufd_pt, flags);
	size_t xend = offsetofend(struct vfio_device_detach_iommufd_pt, pasid);
	struct vfio_device_detach_iommufd_pt detach;
	bool use_pasid;

	if (copy_from_user(&detach, arg, minsz))
		return -EFAULT;
	if (detach.argsz < minsz ||
	    (detach.flags & ~VFIO_DEVICE_DETACH_PASID))
		return -EINVAL;
	use_pasid = detach.flags & VFIO_DEVICE_DETACH_PASID;
	detach.pasid = 0;
	if (use_pasid) {
		if (!vdev->pasid_capable)
			return -EOPNOTSUPP;
		if (detach.argsz < xend)
			return -EINVAL;
		if (copy_from_user(&detach.pasid, arg + minsz,
				   sizeof(detach.pasid)))
			return -EFAULT;
	}
	mutex_lock(&vdev->lock);
	vfio_mock_detach_locked(vdev, use_pasid, detach.pasid);
	mutex_unlock(&vdev->lock);
	return 0;
}

static int vfio_mock_get_info(struct vfio_mock_device *vdev, void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	/* A PCI function with nothing to map or interrupt. */
	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_CDEV;
	info.num_regions = 0;
	info.num_irqs = 0;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long vfio_mock_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct vfio_mock_device *vdev = file->private_data;
	void __user *uarg = (void __user *)arg;
	bool bound;

	if (cmd == VFIO_DEVICE_BIND_IOMMUFD)
		return vfio_mock_bind(vdev, file, uarg);

	mutex_lock(&vdev->lock);
	bound = vdev->owner == file;
	mutex_unlock(&vdev->lock);
	if (!bound)
		return -EINVAL;

	switch (cmd) {
	case VFIO_DEVICE_ATTACH_IOMMUFD_PT:
		return vfio_mock_attach(vdev, uarg);
	case VFIO_DEVICE_DETACH_IOMMUFD_PT:
		return vfio_mock_detach(vdev, uarg);
	case VFIO_DEVICE_GET_INFO:
		return vfio_mock_get_info(vdev, uarg);
	default:
		return -ENOTTY;
	}
}

static int vfio_mock_open(struct inode *inode, struct file *file)
{
	struct miscdevice *misc = file->private_data;

	file->private_data = container_of(misc, struct vfio_mock_device, misc);
	return 0;
}

static int vfio_mock_release(struct inode *inode, struct file *file)
{
	struct vfio_mock_device *vdev = file->private_data;

	mutex_lock(&vdev->lock);
	if (vdev->owner == file)
		vfio_mock_unbind(vdev);
	mutex_unlock(&vdev->lock);
	return 0;
}

static const struct file_operations vfio_mock_fops = {
	.open = vfio_mock_open,
	.release = vfio_mock_release,
	.unlocked_ioctl = vfio_mock_ioctl,
};

static void vfio_mock_device_free(struct vfio_mock_device *vdev)
{
	misc_deregister(&vdev->misc);
	mock_dev_destroy(vdev->mdev);
	mutex_destroy(&vdev->lock);
	kfree(vdev);
}

static struct vfio_mock_device *vfio_mock_device_create(unsigned int index,
							u32 flags)
{
	struct vfio_mock_device *vdev;
	int rc;

	vdev = kzalloc(sizeof(*vdev), GFP_KERNEL);
	if (!vdev)
		return ERR_PTR(-ENOMEM);
	mutex_init(&vdev->lock);
	vdev->mdev = mock_dev_create(flags);
	if (IS_ERR(vdev->mdev)) {
		rc = PTR_ERR(vdev->mdev);
		goto out_free;
	}
	vdev->pasid_capable = flags & MOCK_FLAGS_DEVICE_PASID;
	snprintf(vdev->name, sizeof(vdev->name), "vfio%u", index);
	snprintf(vdev->nodename, sizeof(vdev->nodename), "vfio/devices/vfio%u",
		 index);
	vdev->misc.minor = MISC_DYNAMIC_MINOR;
	vdev->misc.name = vdev->name;
	vdev->misc.nodename = vdev->nodename;
	vdev->misc.fops = &vfio_mock_fops;
	rc = misc_register(&vdev->misc);
	if (rc)
		goto out_mdev;
	return vdev;

out_mdev:
	mock_dev_destroy(vdev->mdev);
out_free:
	mutex_destroy(&vdev->lock);
	kfree(vdev);
	return ERR_PTR(rc);
}

int vfio_mock_devices_create(unsigned int n, u32 flags)
{
	struct vfio_mock_device *vdev;

	if (WARN_ON(nr_vdevs))
		return -EBUSY;
	vdevs = kcalloc(n, sizeof(*vdevs), GFP_KERNEL);
	if (!vdevs)
		return -ENOMEM;
	for (; nr_vdevs < n; nr_vdevs++) {
		vdev = vfio_mock_device_create(nr_vdevs, flags);
		if (IS_ERR(vdev)) {
			vfio_mock_devices_destroy();
			return PTR_ERR(vdev);
		}
		vdevs[nr_vdevs] = vdev;
	}
	return 0;
}

void vfio_mock_devices_destroy(void)
{
	while (nr_vdevs)
		vfio_mock_device_free(vdevs[--nr_vdevs]);
	kfree(vdevs);
	vdevs = NULL;
}
