// SPDX-License-Identifier: GPL-2.0
/*
 * selftest.c - IOMMU_TEST_CMD: the test uAPI on top of the mock IOMMU.
 *
 * The kernel's test build (CONFIG_IOMMUFD_TEST) lets user space create
 * mock devices, look inside mock page tables and drive in-kernel accesses
 * the way an emulated-device driver would.  This file serves the same ABI
 * (iommufd_test.h) on top of mock-iommu:
 *
 *   SELFTEST objects  MOCK_DOMAIN(_FLAGS) creates a mock device, binds it
 *                     (a DEVICE object) and attaches it; the SELFTEST
 *                     object owns all of that, and destroying it undoes it
 *                     in reverse.  Mock devices take no context reference
 *                     (iommufd_selftest_is_mock_dev()), so a context whose
 *                     objects own mock devices can still be closed.
 *   access fds        CREATE_ACCESS returns an fd ("[iommufd_test_staccess]")
 *                     that stands for an external access with a driver
 *                     unmap callback, as a VFIO mdev would have.  The access
 *                     lives as long as the fd; the ACCESS_* ops name it by
 *                     fd.  Its pins are recorded as items, and the unmap
 *                     callback drops every item a core unmap touches.
 *   checks            MD_CHECK_MAP/REFS/IOTLB, DEV_CHECK_CACHE and DIRTY
 *                     read or poke mock state through mock-iommu's API.
 *
 * Lock order of an access fd: staccess->lock -> access->ioas_lock (pin and
 * unpin take it); the core calls the unmap callback with no iommufd lock
 * held, so the callback may take staccess->lock and unpin.
 */
#include <fcntl.h>
#include <linux/anon_inodes.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <mock_iommu.h>
#include <uapi/linux/iommufd.h>

#include "io_pagetable.h"
#include "iommufd_private.h"
#include "iommufd_selftest.h"
#include <uapi/iommufd_test.h>

/* The mock's IO page: half a CPU page, so IOVA alignment drops below it. */
#define MOCK_IO_PAGE_SIZE	(PAGE_SIZE / 2)

/* Largest pin or copy a test op accepts (a kvmalloc of this order). */
#define IOMMUFD_TEST_MAX_XFER	(16UL * 1024 * 1024)

/* Bits a DIRTY bitmap may span: 2^27 pages (a 16 MiB bitmap). */
#define IOMMUFD_TEST_DIRTY_MAX_BITS	(1UL << 27)

/* iommufd_test_memory_limit (pages.c) at the start of every world. */
#define IOMMUFD_TEST_MEMORY_LIMIT_DEFAULT	65536

/*
 * The smallest SET_TEMP_MEMORY_LIMIT: a PFN batch must hold at least one
 * element (a PFN and its count).
 */
#define IOMMUFD_TEST_MEMORY_LIMIT_MIN	(sizeof(unsigned long) + sizeof(u32))

static_assert(IOMMUFD_TEST_MEMORY_LIMIT_MIN == 12);
static_assert(sizeof(struct iommu_test_cmd) == 72);
static_assert((unsigned int)MOCK_ACCESS_RW_WRITE == IOMMUFD_ACCESS_RW_WRITE);
static_assert((unsigned int)MOCK_ACCESS_RW_SLOW_PATH ==
	      __IOMMUFD_ACCESS_RW_SLOW_PATH);

/* ---- SELFTEST objects: mock devices ------------------------------------ */

/*
 * A mock device bound and attached for user space.  The object owns the
 * driver's reference on @idev (from bind to unbind) and the mock device.
 * @pasids records the PASIDs user space attached, so that destroying the
 * object (which may happen at context close, without PASID_DETACH) can
 * detach them before unbinding.
 */
struct iommufd_selftest {
	struct iommufd_object obj;
	struct iommufd_device *idev;
	struct mock_dev *mock_dev;
	struct xarray pasids;
};

static struct iommufd_selftest *to_selftest(struct iommufd_object *obj)
{
	return container_of(obj, struct iommufd_selftest, obj);
}

/**
 * iommufd_selftest_is_mock_dev - is @dev a mock device
 * @dev: a device being bound
 *
 * A mock device is owned by a SELFTEST object of the context it is bound
 * to, so its DEVICE must not hold a context reference (that would be a
 * cycle no close could break), and it needs no MSI isolation.
 *
 * Return: true for mock devices.
 */
bool iommufd_selftest_is_mock_dev(struct device *dev)
{
	return mock_dev_from_device(dev);
}

/**
 * iommufd_selftest_destroy - destroy a SELFTEST object
 * @obj: the object
 *
 * Undoes MOCK_DOMAIN: detaches the PASIDs still attached and the RID,
 * unbinds the DEVICE and deletes the mock device.
 */
void iommufd_selftest_destroy(struct iommufd_object *obj)
{
	struct iommufd_selftest *sobj = to_selftest(obj);
	unsigned long pasid;
	void *entry;

	xa_for_each(&sobj->pasids, pasid, entry)
		iommufd_device_detach(sobj->idev, pasid);
	xa_destroy(&sobj->pasids);

	iommufd_device_detach(sobj->idev, IOMMU_NO_PASID);
	iommufd_device_unbind(sobj->idev);
	mock_dev_destroy(sobj->mock_dev);
}

/* The SELFTEST object owns the driver's reference on its DEVICE. */
void iommufd_selftest_refs(struct iommufd_object *obj,
			   iommufd_object_ref_fn fn, void *data)
{
	fn(obj, &to_selftest(obj)->idev->obj, "driver", data);
}

static struct iommufd_selftest *
iommufd_test_get_selftest(struct iommufd_ucmd *ucmd, u32 id)
{
	struct iommufd_object *obj;

	obj = iommufd_get_object(ucmd->ictx, id, IOMMUFD_OBJ_SELFTEST);
	if (IS_ERR(obj))
		return ERR_CAST(obj);
	return to_selftest(obj);
}

/* MOCK_DOMAIN and MOCK_DOMAIN_FLAGS: IDs are SELFTEST, DEVICE, auto HWPT. */
static int iommufd_test_mock_domain(struct iommufd_ucmd *ucmd,
				    struct iommu_test_cmd *cmd)
{
	struct iommufd_selftest *sobj;
	struct iommufd_device *idev;
	u32 pt_id = cmd->id;
	u32 dev_flags = 0;
	u32 idev_id;
	int rc;

	sobj = iommufd_object_alloc(ucmd->ictx, sobj, IOMMUFD_OBJ_SELFTEST);
	if (IS_ERR(sobj))
		return PTR_ERR(sobj);
	xa_init(&sobj->pasids);

	if (cmd->op == IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS)
		dev_flags = cmd->mock_domain_flags.dev_flags;

	/* Unknown device flags are EINVAL from the mock. */
	sobj->mock_dev = mock_dev_create(dev_flags);
	if (IS_ERR(sobj->mock_dev)) {
		rc = PTR_ERR(sobj->mock_dev);
		goto out_sobj;
	}

	idev = iommufd_device_bind(ucmd->ictx, mock_dev_device(sobj->mock_dev),
				   &idev_id);
	if (IS_ERR(idev)) {
		rc = PTR_ERR(idev);
		goto out_mdev;
	}
	sobj->idev = idev;

	rc = iommufd_device_attach(idev, IOMMU_NO_PASID, &pt_id);
	if (rc)
		goto out_unbind;

	cmd->mock_domain.out_stdev_id = sobj->obj.id;
	cmd->mock_domain.out_hwpt_id = pt_id;
	cmd->mock_domain.out_idev_id = idev_id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_detach;
	iommufd_object_finalize(ucmd->ictx, &sobj->obj);
	return 0;

out_detach:
	iommufd_device_detach(idev, IOMMU_NO_PASID);
out_unbind:
	iommufd_device_unbind(idev);
out_mdev:
	mock_dev_destroy(sobj->mock_dev);
out_sobj:
	xa_destroy(&sobj->pasids);
	iommufd_object_abort(ucmd->ictx, &sobj->obj);
	return rc;
}

/* MOCK_DOMAIN_REPLACE: reports the HWPT actually attached in pt_id. */
static int iommufd_test_mock_domain_replace(struct iommufd_ucmd *ucmd,
					    struct iommu_test_cmd *cmd)
{
	struct iommufd_selftest *sobj;
	u32 pt_id = cmd->mock_domain_replace.pt_id;
	int rc;

	/*
	 * Holding the SELFTEST object (not just the DEVICE) keeps a
	 * concurrent destroy, which detaches, from racing the replace.
	 */
	sobj = iommufd_test_get_selftest(ucmd, cmd->id);
	if (IS_ERR(sobj))
		return PTR_ERR(sobj);

	rc = iommufd_device_replace(sobj->idev, IOMMU_NO_PASID, &pt_id);
	if (rc)
		goto out_put;

	cmd->mock_domain_replace.pt_id = pt_id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
out_put:
	iommufd_put_object(ucmd->ictx, &sobj->obj);
	return rc;
}

static int iommufd_test_pasid_attach(struct iommufd_ucmd *ucmd,
				     struct iommu_test_cmd *cmd)
{
	u32 pasid = cmd->pasid_attach.pasid;
	struct iommufd_selftest *sobj;
	u32 pt_id = cmd->pasid_attach.pt_id;
	int rc;

	sobj = iommufd_test_get_selftest(ucmd, cmd->id);
	if (IS_ERR(sobj))
		return PTR_ERR(sobj);

	rc = iommufd_device_attach(sobj->idev, pasid, &pt_id);
	if (rc)
		goto out_put;

	/* The RID is detached by destroy anyway: only PASIDs are recorded. */
	if (pasid != IOMMU_NO_PASID) {
		rc = xa_err(xa_store(&sobj->pasids, pasid, xa_mk_value(pasid),
				     GFP_KERNEL_ACCOUNT));
		if (rc)
			goto out_detach;
	}

	cmd->pasid_attach.pt_id = pt_id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc) {
		xa_erase(&sobj->pasids, pasid);
		goto out_detach;
	}
	goto out_put;

out_detach:
	iommufd_device_detach(sobj->idev, pasid);
out_put:
	iommufd_put_object(ucmd->ictx, &sobj->obj);
	return rc;
}

static int iommufd_test_pasid_replace(struct iommufd_ucmd *ucmd,
				      struct iommu_test_cmd *cmd)
{
	struct iommufd_selftest *sobj;
	u32 pt_id = cmd->pasid_replace.pt_id;
	int rc;

	sobj = iommufd_test_get_selftest(ucmd, cmd->id);
	if (IS_ERR(sobj))
		return PTR_ERR(sobj);

	rc = iommufd_device_replace(sobj->idev, cmd->pasid_replace.pasid,
				    &pt_id);
	if (rc)
		goto out_put;

	cmd->pasid_replace.pt_id = pt_id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
out_put:
	iommufd_put_object(ucmd->ictx, &sobj->obj);
	return rc;
}

static int iommufd_test_pasid_detach(struct iommufd_ucmd *ucmd,
				     struct iommu_test_cmd *cmd)
{
	u32 pasid = cmd->pasid_detach.pasid;
	struct iommufd_selftest *sobj;

	sobj = iommufd_test_get_selftest(ucmd, cmd->id);
	if (IS_ERR(sobj))
		return PTR_ERR(sobj);

	iommufd_device_detach(sobj->idev, pasid);
	xa_erase(&sobj->pasids, pasid);
	iommufd_put_object(ucmd->ictx, &sobj->obj);
	return 0;
}

/* A HWPT of either kind, by ID. */
static struct iommufd_hw_pagetable *
iommufd_test_get_hwpt(struct iommufd_ucmd *ucmd, u32 id)
{
	struct iommufd_object *obj;

	obj = iommufd_get_object(ucmd->ictx, id, IOMMUFD_OBJ_ANY);
	if (IS_ERR(obj))
		return ERR_CAST(obj);
	if (obj->type != IOMMUFD_OBJ_HWPT_PAGING &&
	    obj->type != IOMMUFD_OBJ_HWPT_NESTED) {
		iommufd_put_object(ucmd->ictx, obj);
		return ERR_PTR(-ENOENT);
	}
	return container_of(obj, struct iommufd_hw_pagetable, obj);
}

/*
 * PASID_CHECK_HWPT: hwpt_id 0 asks "is nothing attached at this PASID";
 * otherwise the HWPT's domain must be the one attached there.
 */
static int iommufd_test_pasid_check_hwpt(struct iommufd_ucmd *ucmd,
					 struct iommu_test_cmd *cmd)
{
	struct iommu_domain *attached = NULL;
	struct iommu_attach_handle *handle;
	struct iommufd_hw_pagetable *hwpt;
	struct iommufd_selftest *sobj;
	struct device *dev;
	int rc = 0;

	sobj = iommufd_test_get_selftest(ucmd, cmd->id);
	if (IS_ERR(sobj))
		return PTR_ERR(sobj);

	dev = mock_dev_device(sobj->mock_dev);
	handle = iommu_attach_handle_get(dev->iommu_group,
					 cmd->pasid_check.pasid, 0);
	if (!IS_ERR(handle))
		attached = handle->domain;

	if (!cmd->pasid_check.hwpt_id) {
		if (attached)
			rc = -EINVAL;
		goto out_put;
	}

	hwpt = iommufd_test_get_hwpt(ucmd, cmd->pasid_check.hwpt_id);
	if (IS_ERR(hwpt)) {
		rc = PTR_ERR(hwpt);
		goto out_put;
	}
	if (attached != hwpt->domain)
		rc = -EINVAL;
	iommufd_put_object(ucmd->ictx, &hwpt->obj);
out_put:
	iommufd_put_object(ucmd->ictx, &sobj->obj);
	return rc;
}

/* The mock device behind a DEVICE ID; -ENOENT, or -EINVAL if not mock. */
static struct iommufd_device *
iommufd_test_get_mock_idev(struct iommufd_ucmd *ucmd, u32 id,
			   struct mock_dev **mdev)
{
	struct iommufd_device *idev;

	idev = iommufd_get_device(ucmd, id);
	if (IS_ERR(idev))
		return idev;
	*mdev = mock_dev_from_device(idev->dev);
	if (!*mdev) {
		iommufd_put_object(ucmd->ictx, &idev->obj);
		return ERR_PTR(-EINVAL);
	}
	return idev;
}

/*
 * TRIGGER_IOPF: one page request, the last of its group.  Where it goes
 * is the IOMMU core's business (the PASID's attachment, or the RID's
 * nested domain, else answered INVALID at once); a device that is not
 * attached to any fault-capable domain reports nothing.  Either way the
 * op succeeds.
 */
static int iommufd_test_trigger_iopf(struct iommufd_ucmd *ucmd,
				     struct iommu_test_cmd *cmd)
{
	struct iommufd_device *idev;
	struct mock_dev *mdev;

	idev = iommufd_test_get_mock_idev(ucmd, cmd->trigger_iopf.dev_id,
					  &mdev);
	if (IS_ERR(idev))
		return PTR_ERR(idev);

	mock_dev_trigger_iopf(mdev, cmd->trigger_iopf.pasid,
			      cmd->trigger_iopf.grpid, cmd->trigger_iopf.perm,
			      cmd->trigger_iopf.addr);
	iommufd_put_object(ucmd->ictx, &idev->obj);
	return 0;
}

/*
 * TRIGGER_VEVENT: the device raises a selftest event {virt_id} to the
 * vIOMMU it is linked to (attached to a nested HWPT of that vIOMMU, with a
 * vDEVICE there).  ENOENT when not linked, EOPNOTSUPP when the vIOMMU has
 * no selftest vEVENTQ; a full queue loses the event and still succeeds.
 */
static int iommufd_test_trigger_vevent(struct iommufd_ucmd *ucmd,
				       struct iommu_test_cmd *cmd)
{
	struct iommufd_device *idev;
	struct mock_dev *mdev;
	int rc;

	idev = iommufd_test_get_mock_idev(ucmd, cmd->trigger_vevent.dev_id,
					  &mdev);
	if (IS_ERR(idev))
		return PTR_ERR(idev);
	rc = mock_dev_trigger_vevent(mdev);
	iommufd_put_object(ucmd->ictx, &idev->obj);
	return rc;
}

static int iommufd_test_dev_check_cache(struct iommufd_ucmd *ucmd,
					struct iommu_test_cmd *cmd)
{
	struct iommufd_device *idev;
	struct mock_dev *mdev;
	u32 val;
	int rc;

	idev = iommufd_test_get_mock_idev(ucmd, cmd->id, &mdev);
	if (IS_ERR(idev))
		return PTR_ERR(idev);

	rc = mock_dev_cache_get(mdev, cmd->check_dev_cache.id, &val);
	if (!rc && val != cmd->check_dev_cache.cache)
		rc = -EINVAL;
	iommufd_put_object(ucmd->ictx, &idev->obj);
	return rc;
}

/* ---- mock page tables ------------------------------------------------ */

/* A HWPT_PAGING whose domain is the mock's; -ENOENT or -EINVAL. */
static struct iommufd_hw_pagetable *
iommufd_test_get_md_paging(struct iommufd_ucmd *ucmd, u32 id)
{
	struct iommufd_object *obj;
	struct iommufd_hw_pagetable *hwpt;

	obj = iommufd_get_object(ucmd->ictx, id, IOMMUFD_OBJ_HWPT_PAGING);
	if (IS_ERR(obj))
		return ERR_CAST(obj);
	hwpt = container_of(obj, struct iommufd_hw_pagetable, obj);
	if (!mock_domain_is_paging(hwpt->domain)) {
		iommufd_put_object(ucmd->ictx, obj);
		return ERR_PTR(-EINVAL);
	}
	return hwpt;
}

/* A HWPT_NESTED whose domain is the mock's; -ENOENT or -EINVAL. */
static struct iommufd_hw_pagetable *
iommufd_test_get_md_nested(struct iommufd_ucmd *ucmd, u32 id)
{
	struct iommufd_object *obj;
	struct iommufd_hw_pagetable *hwpt;

	obj = iommufd_get_object(ucmd->ictx, id, IOMMUFD_OBJ_HWPT_NESTED);
	if (IS_ERR(obj))
		return ERR_CAST(obj);
	hwpt = container_of(obj, struct iommufd_hw_pagetable, obj);
	if (!mock_domain_is_nested(hwpt->domain)) {
		iommufd_put_object(ucmd->ictx, obj);
		return ERR_PTR(-EINVAL);
	}
	return hwpt;
}

/* The frame backing user page @uaddr now, by a short GUP reference. */
static int iommufd_test_user_frame(unsigned long uaddr, struct page **page)
{
	int rc;

	rc = get_user_pages_fast(uaddr & PAGE_MASK, 1, 0, page);
	if (rc < 0)
		return rc;
	if (WARN_ON(rc != 1))
		return -EFAULT;
	return 0;
}

/*
 * MD_CHECK_MAP: each mock IO page of [iova, iova + length) must translate
 * to the physical memory that backs uptr at the same offset right now.
 */
static int iommufd_test_md_check_pa(struct iommufd_ucmd *ucmd,
				    struct iommu_test_cmd *cmd)
{
	unsigned long iova = cmd->check_map.iova;
	unsigned long length = cmd->check_map.length;
	unsigned long uptr = cmd->check_map.uptr;
	struct iommufd_hw_pagetable *hwpt;
	unsigned long end;
	int rc = 0;

	if (iova % MOCK_IO_PAGE_SIZE || length % MOCK_IO_PAGE_SIZE ||
	    uptr % MOCK_IO_PAGE_SIZE || check_add_overflow(uptr, length, &end))
		return -EINVAL;

	hwpt = iommufd_test_get_md_paging(ucmd, cmd->id);
	if (IS_ERR(hwpt))
		return PTR_ERR(hwpt);

	for (; length; length -= MOCK_IO_PAGE_SIZE) {
		struct page *page;
		phys_addr_t want;

		rc = iommufd_test_user_frame(uptr, &page);
		if (rc)
			break;
		want = page_to_phys(page) + (uptr % PAGE_SIZE);
		put_page(page);

		if (iommu_iova_to_phys(hwpt->domain, iova) != want) {
			rc = -EINVAL;
			break;
		}
		iova += MOCK_IO_PAGE_SIZE;
		uptr += MOCK_IO_PAGE_SIZE;
	}

	iommufd_put_object(ucmd->ictx, &hwpt->obj);
	return rc;
}

/*
 * MD_CHECK_REFS: every page of [uptr, uptr + length) must be pinned
 * exactly @refs times.  Our own GUP reference adds 1 to the count, which
 * the division by the pin bias ignores.  (There are no compound pages,
 * which the kernel skips.)
 */
static int iommufd_test_md_check_refs(struct iommufd_ucmd *ucmd,
				      struct iommu_test_cmd *cmd)
{
	unsigned long length = cmd->check_refs.length;
	unsigned long uptr = cmd->check_refs.uptr;
	int rc = 0;

	if (length % PAGE_SIZE || uptr % PAGE_SIZE)
		return -EINVAL;

	for (; length; length -= PAGE_SIZE) {
		struct page *page;
		unsigned int pins;

		rc = iommufd_test_user_frame(uptr, &page);
		if (rc)
			return rc;
		pins = page_ref_count(page) / GUP_PIN_COUNTING_BIAS;
		put_page(page);
		if (pins != cmd->check_refs.refs)
			return -EIO;
		uptr += PAGE_SIZE;
	}
	return 0;
}

static int iommufd_test_md_check_iotlb(struct iommufd_ucmd *ucmd,
				       struct iommu_test_cmd *cmd)
{
	struct iommufd_hw_pagetable *hwpt;
	u32 val;
	int rc;

	hwpt = iommufd_test_get_md_nested(ucmd, cmd->id);
	if (IS_ERR(hwpt))
		return PTR_ERR(hwpt);

	rc = mock_nested_check_iotlb(hwpt->domain, cmd->check_iotlb.id, &val);
	if (!rc && val != cmd->check_iotlb.iotlb)
		rc = -EINVAL;
	iommufd_put_object(ucmd->ictx, &hwpt->obj);
	return rc;
}

/*
 * DIRTY: for every set bit i of the user bitmap, mark the mock IOPTE
 * mapping iova + i * page_size dirty, as a device write would, and count
 * those that were mapped.
 *
 * The kernel mock indexes its flat table by (iova + i * page_size) /
 * page_size, which names the right IO page only for page_size ==
 * MOCK_IO_PAGE_SIZE (what the selftests use).  Our mock has a real page
 * table, so the address itself is marked: identical for that page size,
 * and correct for the others.
 */
static int iommufd_test_dirty(struct iommufd_ucmd *ucmd,
			      struct iommu_test_cmd *cmd)
{
	unsigned long page_size = cmd->dirty.page_size;
	unsigned long length = cmd->dirty.length;
	unsigned long iova = cmd->dirty.iova;
	void __user *uptr = u64_to_user_ptr(cmd->dirty.uptr);
	struct iommufd_hw_pagetable *hwpt;
	unsigned long *bitmap;
	unsigned long i, nbits;
	u64 count = 0;
	int rc;

	if (!page_size || !length || iova % page_size ||
	    length % page_size || !uptr)
		return -EINVAL;
	nbits = length / page_size;
	if (nbits > IOMMUFD_TEST_DIRTY_MAX_BITS)
		return -EOVERFLOW;

	hwpt = iommufd_test_get_md_paging(ucmd, cmd->id);
	if (IS_ERR(hwpt))
		return PTR_ERR(hwpt);

	if (!mock_domain_dirty_tracking(hwpt->domain)) {
		rc = -EINVAL;
		goto out_put;
	}

	bitmap = kvcalloc(BITS_TO_LONGS(nbits), sizeof(*bitmap),
			  GFP_KERNEL_ACCOUNT);
	if (!bitmap) {
		rc = -ENOMEM;
		goto out_put;
	}
	if (copy_from_user(bitmap, uptr, DIV_ROUND_UP(nbits, BITS_PER_BYTE))) {
		rc = -EFAULT;
		goto out_free;
	}

	for (i = 0; i < nbits; i++) {
		if (!test_bit(i, bitmap))
			continue;
		/* -ENOENT: nothing mapped there, nothing to mark. */
		if (!mock_domain_set_dirty(hwpt->domain, iova + i * page_size))
			count++;
	}

	cmd->dirty.out_nr_dirty = count;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
out_free:
	kvfree(bitmap);
out_put:
	iommufd_put_object(ucmd->ictx, &hwpt->obj);
	return rc;
}

/* ---- IOAS ------------------------------------------------------------ */

/* ADD_RESERVED: an IOVA range no mapping may use, dropped with the IOAS. */
static int iommufd_test_add_reserved(struct iommufd_ucmd *ucmd,
				     struct iommu_test_cmd *cmd)
{
	unsigned long start = cmd->add_reserved.start;
	unsigned long length = cmd->add_reserved.length;
	struct iommufd_ioas *ioas;
	unsigned long last;
	int rc;

	if (!length)
		return -EINVAL;
	if (check_add_overflow(start, length - 1, &last))
		return -EOVERFLOW;

	ioas = iommufd_get_ioas(ucmd->ictx, cmd->id);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);
	/* A NULL owner marks the test's own ranges. */
	down_write(&ioas->iopt.iova_rwsem);
	rc = iopt_reserve_iova(&ioas->iopt, start, last, NULL);
	up_write(&ioas->iopt.iova_rwsem);
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return rc;
}

/*
 * The syzkaller encoding (MOCK_FLAGS_ACCESS_SYZ): the u64 IOVA holds, in
 * host memory order, a u32 area number and a u32 offset into that area,
 * so a fuzzer can name mapped memory without knowing where it landed.
 */
struct iommufd_test_syz_layout {
	u32 nth_area;
	u32 offset;
};

/* Decode @iova against @iopt's areas in IOVA order; 0 if there is none. */
static unsigned long iommufd_test_syz_iova(struct io_pagetable *iopt, u64 iova)
{
	struct iommufd_test_syz_layout syz;
	struct iopt_area *area;
	unsigned long ret = 0;
	u32 nth;

	static_assert(sizeof(syz) == sizeof(iova));
	memcpy(&syz, &iova, sizeof(syz));
	nth = syz.nth_area;

	down_read(&iopt->iova_rwsem);
	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX)) {
		if (!nth--) {
			ret = iopt_area_iova(area) + syz.offset;
			break;
		}
	}
	up_read(&iopt->iova_rwsem);
	return ret;
}

/* The syzkaller IOVA of an access, against the IOAS it is attached to. */
static unsigned long iommufd_test_syz_access_iova(struct iommufd_access *access,
						  u64 iova)
{
	unsigned long ret = 0;

	mutex_lock(&access->ioas_lock);
	if (access->ioas)
		ret = iommufd_test_syz_iova(&access->ioas->iopt, iova);
	mutex_unlock(&access->ioas_lock);
	return ret;
}

/**
 * iommufd_test_syz_conv_iova_id - decode a syzkaller IOVA of an ioctl
 * @ucmd: the ioctl
 * @ioas_id: the IOAS the IOVA belongs to
 * @iova: the IOVA, rewritten in place
 * @flags: the ioctl's flags; MOCK_FLAGS_ACCESS_SYZ selects the encoding
 *	   and is cleared
 *
 * Used by IOMMU_IOAS_COPY for its source IOVA.  A missing IOAS leaves
 * @iova as it is (the ioctl then reports the lookup failure itself).
 */
void iommufd_test_syz_conv_iova_id(struct iommufd_ucmd *ucmd,
				   unsigned int ioas_id, u64 *iova, u32 *flags)
{
	struct iommufd_ioas *ioas;

	if (!(*flags & MOCK_FLAGS_ACCESS_SYZ))
		return;
	*flags &= ~(u32)MOCK_FLAGS_ACCESS_SYZ;

	ioas = iommufd_get_ioas(ucmd->ictx, ioas_id);
	if (IS_ERR(ioas))
		return;
	*iova = iommufd_test_syz_iova(&ioas->iopt, *iova);
	iommufd_put_object(ucmd->ictx, &ioas->obj);
}

/* ---- access fds -------------------------------------------------------- */

/*
 * One access fd.  @lock serialises everything done with @access: pins
 * (so that an unmap callback, which takes it too, cannot return while a
 * pin of its range is half recorded), unpins and the item list.
 */
struct selftest_access {
	struct iommufd_access *access;
	struct file *file;
	struct mutex lock;
	struct list_head items;
	unsigned int next_id;
	bool needs_pin;
};

/* A pinned range, as ACCESS_PAGES recorded it. */
struct selftest_access_item {
	struct list_head items_elm;
	unsigned long iova;
	size_t length;
	unsigned int id;
};

static const struct file_operations iommufd_test_staccess_fops;

/* The access behind fd @fd, with a file reference; -EBADFD otherwise. */
static struct selftest_access *iommufd_test_access_get(int fd)
{
	struct file *file;

	file = fget(fd);
	if (!file)
		return ERR_PTR(-EBADFD);
	if (file->f_op != &iommufd_test_staccess_fops) {
		fput(file);
		return ERR_PTR(-EBADFD);
	}
	return file->private_data;
}

static void iommufd_test_access_put(struct selftest_access *staccess)
{
	fput(staccess->file);
}

/*
 * The driver's unmap callback: drop every item intersecting
 * [iova, iova + length - 1].  The core requires that no pin of the range
 * is left when it returns.
 */
static void iommufd_test_access_unmap(void *data, unsigned long iova,
				      unsigned long length)
{
	unsigned long last = iova + length - 1;
	struct selftest_access *staccess = data;
	struct selftest_access_item *item, *next;

	mutex_lock(&staccess->lock);
	list_for_each_entry_safe(item, next, &staccess->items, items_elm) {
		if (iova > item->iova + item->length - 1 || last < item->iova)
			continue;
		list_del(&item->items_elm);
		iommufd_access_unpin_pages(staccess->access, item->iova,
					   item->length);
		kfree(item);
	}
	mutex_unlock(&staccess->lock);
}

static const struct iommufd_access_ops selftest_access_ops_pin = {
	.needs_pin_pages = 1,
	.unmap = iommufd_test_access_unmap,
};

static const struct iommufd_access_ops selftest_access_ops = {
	.unmap = iommufd_test_access_unmap,
};

/* Closing the fd unpins every item and destroys the access. */
static int iommufd_test_staccess_release(struct inode *inode,
					 struct file *filep)
{
	struct selftest_access *staccess = filep->private_data;

	if (staccess->access) {
		iommufd_test_access_unmap(staccess, 0, ULONG_MAX);
		iommufd_access_destroy(staccess->access);
	}
	WARN_ON(!list_empty(&staccess->items));
	mutex_destroy(&staccess->lock);
	kfree(staccess);
	return 0;
}

static const struct file_operations iommufd_test_staccess_fops = {
	.owner = THIS_MODULE,
	.release = iommufd_test_staccess_release,
};

static struct selftest_access *iommufd_test_alloc_access(void)
{
	struct selftest_access *staccess;
	struct file *filep;

	staccess = kzalloc(sizeof(*staccess), GFP_KERNEL_ACCOUNT);
	if (!staccess)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&staccess->items);
	mutex_init(&staccess->lock);

	filep = anon_inode_getfile("[iommufd_test_staccess]",
				   &iommufd_test_staccess_fops, staccess,
				   O_RDWR);
	if (IS_ERR(filep)) {
		mutex_destroy(&staccess->lock);
		kfree(staccess);
		return ERR_CAST(filep);
	}
	staccess->file = filep;
	return staccess;
}

/*
 * CREATE_ACCESS: an external access attached to IOAS cmd->id, returned as
 * an fd.  The fd number is installed last; before that a failure drops
 * the never-published file, whose release then finds no access.
 */
static int iommufd_test_create_access(struct iommufd_ucmd *ucmd,
				      struct iommu_test_cmd *cmd)
{
	u32 flags = cmd->create_access.flags;
	struct selftest_access *staccess;
	struct iommufd_access *access;
	u32 id;
	int fdno;
	int rc;

	if (flags & ~MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES)
		return -EOPNOTSUPP;

	staccess = iommufd_test_alloc_access();
	if (IS_ERR(staccess))
		return PTR_ERR(staccess);
	staccess->needs_pin = flags & MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES;

	fdno = get_unused_fd_flags(O_CLOEXEC);
	if (fdno < 0) {
		rc = -ENOMEM;
		goto out_fput;
	}

	access = iommufd_access_create(ucmd->ictx,
				       staccess->needs_pin ?
					       &selftest_access_ops_pin :
					       &selftest_access_ops,
				       staccess, &id);
	if (IS_ERR(access)) {
		rc = PTR_ERR(access);
		goto out_put_fdno;
	}
	rc = iommufd_access_attach(access, cmd->id);
	if (rc)
		goto out_destroy;

	cmd->create_access.out_access_fd = fdno;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_detach;

	staccess->access = access;
	fd_install(fdno, staccess->file);
	return 0;

out_detach:
	iommufd_access_detach(access);
out_destroy:
	iommufd_access_destroy(access);
out_put_fdno:
	put_unused_fd(fdno);
out_fput:
	fput(staccess->file);
	return rc;
}

/* ACCESS_REPLACE_IOAS: existing pins go through the unmap callback. */
static int iommufd_test_access_replace_ioas(struct iommufd_ucmd *ucmd,
					    struct iommu_test_cmd *cmd)
{
	struct selftest_access *staccess;
	int rc;

	staccess = iommufd_test_access_get(cmd->id);
	if (IS_ERR(staccess))
		return PTR_ERR(staccess);

	rc = iommufd_access_replace(staccess->access,
				    cmd->access_replace_ioas.ioas_id);
	iommufd_test_access_put(staccess);
	return rc;
}

/* The pinned pages must be the frames backing @uptr now, page by page. */
static int iommufd_test_check_pages(unsigned long uptr, struct page **pages,
				    size_t npages)
{
	for (; npages; npages--, pages++, uptr += PAGE_SIZE) {
		struct page *page;
		int rc;

		rc = iommufd_test_user_frame(uptr, &page);
		if (rc)
			return rc;
		put_page(page);
		if (page != *pages)
			return -EBADE;
	}
	return 0;
}

/* ACCESS_PAGES: pin [iova, iova + length) and record it as an item. */
static int iommufd_test_access_pages(struct iommufd_ucmd *ucmd,
				     struct iommu_test_cmd *cmd)
{
	unsigned long length = cmd->access_pages.length;
	unsigned long uptr = cmd->access_pages.uptr;
	unsigned long iova = cmd->access_pages.iova;
	u32 flags = cmd->access_pages.flags;
	struct selftest_access_item *item;
	struct selftest_access *staccess;
	struct page **pages;
	unsigned long last;
	size_t npages;
	int rc;

	/* Bounded so a fuzzer cannot ask for an absurd page array. */
	if (length > IOMMUFD_TEST_MAX_XFER)
		return -ENOMEM;
	if (flags & ~(MOCK_FLAGS_ACCESS_WRITE | MOCK_FLAGS_ACCESS_SYZ))
		return -EOPNOTSUPP;

	staccess = iommufd_test_access_get(cmd->id);
	if (IS_ERR(staccess))
		return PTR_ERR(staccess);

	if (!staccess->needs_pin) {
		rc = -EOPNOTSUPP;
		goto out_put;
	}

	if (flags & MOCK_FLAGS_ACCESS_SYZ)
		iova = iommufd_test_syz_access_iova(staccess->access,
						    cmd->access_pages.iova);

	/* The core reports these too; they must not size the array. */
	if (!length) {
		rc = -EINVAL;
		goto out_put;
	}
	if (check_add_overflow(iova, length - 1, &last)) {
		rc = -EOVERFLOW;
		goto out_put;
	}
	npages = (ALIGN_DOWN(last, PAGE_SIZE) - ALIGN_DOWN(iova, PAGE_SIZE)) /
		 PAGE_SIZE + 1;
	pages = kvcalloc(npages, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages) {
		rc = -ENOMEM;
		goto out_put;
	}

	/*
	 * The pin and the item it becomes are one step under @lock: an unmap
	 * callback for this range waits until the item exists and then
	 * drops it, so the core never returns from an unmap with a pin left.
	 */
	mutex_lock(&staccess->lock);
	rc = iommufd_access_pin_pages(staccess->access, iova, length, pages,
				      flags & MOCK_FLAGS_ACCESS_WRITE);
	if (rc)
		goto out_unlock;

	/* uptr 0 skips the check (syzkaller does not know the memory). */
	if (uptr) {
		rc = iommufd_test_check_pages(uptr - iova % PAGE_SIZE, pages,
					      npages);
		if (rc)
			goto out_unpin;
	}

	item = kzalloc(sizeof(*item), GFP_KERNEL_ACCOUNT);
	if (!item) {
		rc = -ENOMEM;
		goto out_unpin;
	}
	item->iova = iova;
	item->length = length;
	item->id = staccess->next_id++;
	list_add_tail(&item->items_elm, &staccess->items);

	cmd->access_pages.out_access_pages_id = item->id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_free_item;
	goto out_unlock;

out_free_item:
	list_del(&item->items_elm);
	kfree(item);
out_unpin:
	iommufd_access_unpin_pages(staccess->access, iova, length);
out_unlock:
	mutex_unlock(&staccess->lock);
	kvfree(pages);
out_put:
	iommufd_test_access_put(staccess);
	return rc;
}

/* DESTROY_ACCESS_PAGES: unpin one item. */
static int iommufd_test_access_item_destroy(struct iommufd_ucmd *ucmd,
					    struct iommu_test_cmd *cmd)
{
	unsigned int item_id = cmd->destroy_access_pages.access_pages_id;
	struct selftest_access_item *item;
	struct selftest_access *staccess;
	int rc = -ENOENT;

	staccess = iommufd_test_access_get(cmd->id);
	if (IS_ERR(staccess))
		return PTR_ERR(staccess);

	mutex_lock(&staccess->lock);
	list_for_each_entry(item, &staccess->items, items_elm) {
		if (item->id != item_id)
			continue;
		list_del(&item->items_elm);
		iommufd_access_unpin_pages(staccess->access, item->iova,
					   item->length);
		kfree(item);
		rc = 0;
		break;
	}
	mutex_unlock(&staccess->lock);
	iommufd_test_access_put(staccess);
	return rc;
}

/* ACCESS_RW: copy between user memory and the IOAS, through a buffer. */
static int iommufd_test_access_rw(struct iommufd_ucmd *ucmd,
				  struct iommu_test_cmd *cmd)
{
	void __user *ubuf = u64_to_user_ptr(cmd->access_rw.uptr);
	unsigned long length = cmd->access_rw.length;
	unsigned long iova = cmd->access_rw.iova;
	u32 flags = cmd->access_rw.flags;
	struct selftest_access *staccess;
	void *tmp;
	int rc;

	if (length > IOMMUFD_TEST_MAX_XFER)
		return -ENOMEM;
	if (flags & ~(MOCK_ACCESS_RW_WRITE | MOCK_ACCESS_RW_SLOW_PATH |
		      MOCK_FLAGS_ACCESS_SYZ))
		return -EOPNOTSUPP;

	staccess = iommufd_test_access_get(cmd->id);
	if (IS_ERR(staccess))
		return PTR_ERR(staccess);

	tmp = kvzalloc(length, GFP_KERNEL_ACCOUNT);
	if (!tmp) {
		rc = -ENOMEM;
		goto out_put;
	}

	if (flags & MOCK_ACCESS_RW_WRITE) {
		if (copy_from_user(tmp, ubuf, length)) {
			rc = -EFAULT;
			goto out_free;
		}
	}

	if (flags & MOCK_FLAGS_ACCESS_SYZ)
		iova = iommufd_test_syz_access_iova(staccess->access,
						    cmd->access_rw.iova);

	/* The remaining flags are the core's IOMMUFD_ACCESS_RW_* bits. */
	rc = iommufd_access_rw(staccess->access, iova, tmp, length,
			       flags & ~MOCK_FLAGS_ACCESS_SYZ);
	if (rc)
		goto out_free;
	if (!(flags & MOCK_ACCESS_RW_WRITE)) {
		if (copy_to_user(ubuf, tmp, length))
			rc = -EFAULT;
	}

out_free:
	kvfree(tmp);
out_put:
	iommufd_test_access_put(staccess);
	return rc;
}

/* ---- dispatch ------------------------------------------------------------ */

/**
 * iommufd_test - IOMMU_TEST_CMD
 * @ucmd: the ioctl; struct iommu_test_cmd (its __reserved is not checked)
 *
 * Return: the op's result; -EOPNOTSUPP for an unknown op.
 */
int iommufd_test(struct iommufd_ucmd *ucmd)
{
	struct iommu_test_cmd *cmd = ucmd->cmd;

	switch (cmd->op) {
	case IOMMU_TEST_OP_ADD_RESERVED:
		return iommufd_test_add_reserved(ucmd, cmd);
	case IOMMU_TEST_OP_MOCK_DOMAIN:
	case IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS:
		return iommufd_test_mock_domain(ucmd, cmd);
	case IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE:
		return iommufd_test_mock_domain_replace(ucmd, cmd);
	case IOMMU_TEST_OP_MD_CHECK_MAP:
		return iommufd_test_md_check_pa(ucmd, cmd);
	case IOMMU_TEST_OP_MD_CHECK_REFS:
		return iommufd_test_md_check_refs(ucmd, cmd);
	case IOMMU_TEST_OP_MD_CHECK_IOTLB:
		return iommufd_test_md_check_iotlb(ucmd, cmd);
	case IOMMU_TEST_OP_DEV_CHECK_CACHE:
		return iommufd_test_dev_check_cache(ucmd, cmd);
	case IOMMU_TEST_OP_CREATE_ACCESS:
		return iommufd_test_create_access(ucmd, cmd);
	case IOMMU_TEST_OP_ACCESS_REPLACE_IOAS:
		return iommufd_test_access_replace_ioas(ucmd, cmd);
	case IOMMU_TEST_OP_ACCESS_PAGES:
		return iommufd_test_access_pages(ucmd, cmd);
	case IOMMU_TEST_OP_ACCESS_RW:
		return iommufd_test_access_rw(ucmd, cmd);
	case IOMMU_TEST_OP_DESTROY_ACCESS_PAGES:
		return iommufd_test_access_item_destroy(ucmd, cmd);
	case IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT:
		if (cmd->memory_limit.limit < IOMMUFD_TEST_MEMORY_LIMIT_MIN)
			return -EINVAL;
		iommufd_test_memory_limit = cmd->memory_limit.limit;
		return 0;
	case IOMMU_TEST_OP_DIRTY:
		return iommufd_test_dirty(ucmd, cmd);
	case IOMMU_TEST_OP_TRIGGER_IOPF:
		return iommufd_test_trigger_iopf(ucmd, cmd);
	case IOMMU_TEST_OP_TRIGGER_VEVENT:
		return iommufd_test_trigger_vevent(ucmd, cmd);
	case IOMMU_TEST_OP_PASID_ATTACH:
		return iommufd_test_pasid_attach(ucmd, cmd);
	case IOMMU_TEST_OP_PASID_REPLACE:
		return iommufd_test_pasid_replace(ucmd, cmd);
	case IOMMU_TEST_OP_PASID_DETACH:
		return iommufd_test_pasid_detach(ucmd, cmd);
	case IOMMU_TEST_OP_PASID_CHECK_HWPT:
		return iommufd_test_pasid_check_hwpt(ucmd, cmd);
	default:
		return -EOPNOTSUPP;
	}
}

/**
 * iommufd_test_init - the test build's part of module init
 *
 * Registers the mock IOMMU, as the kernel's test build registers its mock
 * driver, and restores the global temporary-memory limit: every world
 * starts from the module's initial state.
 */
void iommufd_test_init(void)
{
	iommufd_test_memory_limit = IOMMUFD_TEST_MEMORY_LIMIT_DEFAULT;
	WARN_ON(mock_iommu_init());
}

/**
 * iommufd_test_exit - the test build's part of module exit
 */
void iommufd_test_exit(void)
{
	mock_iommu_exit();
}

/* ---- for in-kernel front ends (iommufd_selftest.h) ----------------------- */

/**
 * iommufd_selftest_dma - DMA by the mock device of a SELFTEST object
 * @ictx: the context of the object
 * @stdev_id: the SELFTEST object (MOCK_DOMAIN's out_stdev_id)
 * @pasid: the PASID of the transaction, IOMMU_NO_PASID for none
 * @iova: the address the device uses
 * @buf: the bytes to write, or where the read bytes go
 * @len: bytes
 * @write: a write rather than a read
 *
 * The object is held across the transfer, so a concurrent destroy of it
 * waits for the DMA (which may itself wait for a page response).
 *
 * Return: 0, -ENOENT if there is no such object, or the error of
 * mock_dev_dma_read()/mock_dev_dma_write().
 */
int iommufd_selftest_dma(struct iommufd_ctx *ictx, u32 stdev_id, u32 pasid,
			 unsigned long iova, void *buf, size_t len, bool write)
{
	struct iommufd_selftest *sobj;
	struct iommufd_object *obj;
	int rc;

	obj = iommufd_get_object(ictx, stdev_id, IOMMUFD_OBJ_SELFTEST);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	sobj = to_selftest(obj);
	if (write)
		rc = mock_dev_dma_write(sobj->mock_dev, pasid, iova, buf, len);
	else
		rc = mock_dev_dma_read(sobj->mock_dev, pasid, iova, buf, len);
	iommufd_put_object(ictx, obj);
	return rc;
}
