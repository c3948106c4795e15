// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - the iommufd context, the object table and the ioctl dispatcher.
 *
 * Every open of /dev/iommu creates a context.  Objects live in the
 * context's ID table (an allocating xarray, IDs from 1, lowest free first).
 * An object is created in phases: its ID is reserved with a placeholder
 * (XA_ZERO_ENTRY, which lookups see as empty), it is filled in, the
 * response is copied to user space, and only then is it published
 * (finalize); any failure before that aborts it and frees the ID.  Once
 * another thread can find an object there is no reliable way to undo it,
 * so every step that can fail comes before finalize.
 *
 * Destruction has one primitive, iommufd_object_remove(), with three front
 * ends: IOMMU_DESTROY (never waits: anything else holding the object means
 * EBUSY), iommufd_object_destroy_user() for objects drivers created (waits
 * for short-term holders), and iommufd_object_put_and_try_destroy() for
 * automatic domains.  Closing the file destroys whatever is left, leaves
 * first, in repeated passes.
 */
#include <linux/anon_inodes.h>
#include <linux/bug.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sprintf.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <uapi/linux/iommufd.h>

#include "iommufd_private.h"
#include <uapi/iommufd_test.h>

struct iommufd_object_ops {
	/* Revoke holders a destroyer would otherwise wait for. */
	void (*pre_destroy)(struct iommufd_object *obj);
	void (*destroy)(struct iommufd_object *obj);
	/* Undo a fully initialised object that was never published. */
	void (*abort)(struct iommufd_object *obj);
	/* Non-zero: where the object keeps the struct file * it owns. */
	size_t file_offset;
	/* The objects this one holds @users references on (debug.c). */
	void (*refs)(struct iommufd_object *obj, iommufd_object_ref_fn fn,
		     void *data);
};
static const struct iommufd_object_ops iommufd_object_ops[];

/* How long a destroyer waits for short-term holders (newest: 10 s). */
#define IOMMUFD_DESTROY_WAIT_MSECS	10000

struct iommufd_object *_iommufd_object_alloc(struct iommufd_ctx *ictx,
					     size_t size,
					     enum iommufd_object_type type)
{
	struct iommufd_object *obj;
	int rc;

	obj = kzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!obj)
		return ERR_PTR(-ENOMEM);
	obj->type = type;
	/* The table owns one of each until the object is removed. */
	refcount_set(&obj->wait_cnt, 1);
	refcount_set(&obj->users, 1);

	/*
	 * Reserve an ID with a placeholder: lookups see nothing until
	 * iommufd_object_finalize() stores the object there.
	 */
	rc = xa_alloc(&ictx->objects, &obj->id, XA_ZERO_ENTRY, xa_limit_31b,
		      GFP_KERNEL_ACCOUNT);
	if (rc)
		goto out_free;
	return obj;
out_free:
	kfree(obj);
	return ERR_PTR(rc);
}

/*
 * Allocate the one new object of an ioctl; the dispatcher finalizes it if
 * the handler succeeds and aborts it otherwise.  Types with an ->abort op
 * need their undo to run under the caller's locks, which the dispatcher
 * cannot provide, so they must use _iommufd_object_alloc() instead.
 */
struct iommufd_object *_iommufd_object_alloc_ucmd(struct iommufd_ucmd *ucmd,
						  size_t size,
						  enum iommufd_object_type type)
{
	struct iommufd_object *new_obj;

	if (WARN_ON(ucmd->new_obj))
		return ERR_PTR(-EBUSY);
	if (WARN_ON(iommufd_object_ops[type].abort))
		return ERR_PTR(-EOPNOTSUPP);

	new_obj = _iommufd_object_alloc(ucmd->ictx, size, type);
	if (IS_ERR(new_obj))
		return new_obj;
	ucmd->new_obj = new_obj;
	return new_obj;
}

/* Publish @obj: from now on lookups find it. */
void iommufd_object_finalize(struct iommufd_ctx *ictx,
			     struct iommufd_object *obj)
{
	void *old;

	/* Replacing the placeholder needs no memory, so it cannot fail. */
	old = xa_store(&ictx->objects, obj->id, obj, GFP_KERNEL);
	/* xa_store() reports a placeholder as NULL: anything else is a bug. */
	WARN_ON(old);
}

/* Undo an _iommufd_object_alloc() whose object owns nothing yet. */
void iommufd_object_abort(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	void *old;

	old = xa_erase(&ictx->objects, obj->id);
	WARN_ON(old);
	if (WARN_ON(!refcount_dec_and_test(&obj->users)))
		return;
	kfree(obj);
}

/*
 * Undo a fully initialised object that was never finalized.  A file the
 * object owns is released synchronously: a deferred fput() could run the
 * file's release after the kfree() below.  That is also why a handler must
 * not fd_install() such a file before it knows it will succeed.
 */
void iommufd_object_abort_and_destroy(struct iommufd_ctx *ictx,
				      struct iommufd_object *obj)
{
	const struct iommufd_object_ops *ops = &iommufd_object_ops[obj->type];

	if (ops->file_offset) {
		struct file **filep = ((void *)obj) + ops->file_offset;

		if (*filep)
			__fput_sync(*filep);
	}

	if (ops->abort)
		ops->abort(obj);
	else
		ops->destroy(obj);
	iommufd_object_abort(ictx, obj);
}

struct iommufd_object *iommufd_get_object(struct iommufd_ctx *ictx, u32 id,
					  enum iommufd_object_type type)
{
	struct iommufd_object *obj;

	if (iommufd_should_fail())
		return ERR_PTR(-ENOENT);

	xa_lock(&ictx->objects);
	obj = xa_load(&ictx->objects, id);
	if (!obj || (type != IOMMUFD_OBJ_ANY && obj->type != type) ||
	    !iommufd_lock_obj(obj))
		obj = ERR_PTR(-ENOENT);
	xa_unlock(&ictx->objects);
	return obj;
}

/*
 * Drop the table's bias on @wait_cnt and wait until the short-term holders
 * are gone.  On timeout the bias is restored and -EBUSY returned: the
 * object stays and the context's release will clean it.
 */
static int iommufd_object_dec_wait(struct iommufd_ctx *ictx,
				   struct iommufd_object *to_destroy)
{
	if (refcount_dec_and_test(&to_destroy->wait_cnt))
		return 0;

	if (iommufd_object_ops[to_destroy->type].pre_destroy)
		iommufd_object_ops[to_destroy->type].pre_destroy(to_destroy);

	if (wait_event_timeout(ictx->destroy_wait,
			       refcount_read(&to_destroy->wait_cnt) == 0,
			       msecs_to_jiffies(IOMMUFD_DESTROY_WAIT_MSECS)))
		return 0;

	pr_crit("Time out waiting for iommufd object to become free\n");
	refcount_inc(&to_destroy->wait_cnt);
	return -EBUSY;
}

/**
 * iommufd_object_remove - remove an object from the table and destroy it
 * @ictx: the context
 * @to_destroy: the object, if the caller holds a @users reference on it
 *	(the reference is consumed), or NULL to name it by @id only
 * @id: the object's ID
 * @flags: REMOVE_WAIT to wait for short-term holders first,
 *	REMOVE_OBJ_TOMBSTONE to leave the ID occupied
 *
 * Only the table's @users reference may remain for the removal to proceed.
 *
 * Return: 0, -ENOENT if there is no such published object, -EBUSY if
 * something still depends on it.
 */
int iommufd_object_remove(struct iommufd_ctx *ictx,
			  struct iommufd_object *to_destroy, u32 id,
			  unsigned int flags)
{
	struct iommufd_object *obj;
	bool zerod_wait_cnt = false;
	int ret;

	if (flags & REMOVE_WAIT) {
		ret = iommufd_object_dec_wait(ictx, to_destroy);
		if (ret) {
			/*
			 * A reference was leaked: give back the caller's and
			 * leave the object to the context's release.
			 */
			refcount_dec(&to_destroy->users);
			return ret;
		}
		zerod_wait_cnt = true;
	}

	xa_lock(&ictx->objects);
	obj = xa_load(&ictx->objects, id);
	if (to_destroy) {
		/* Drop the caller's reference under the lock. */
		refcount_dec(&to_destroy->users);
		if (WARN_ON(obj != to_destroy)) {
			ret = -ENOENT;
			goto err_xa;
		}
	} else if (!obj) {
		/* Never published, a tombstone, or no such ID. */
		ret = -ENOENT;
		goto err_xa;
	}

	if (!refcount_dec_if_one(&obj->users)) {
		ret = -EBUSY;
		goto err_xa;
	}

	/*
	 * In an allocating array storing NULL would keep the ID reserved:
	 * erase it so that it is reused, unless a tombstone must hold it.
	 */
	if (flags & REMOVE_OBJ_TOMBSTONE)
		__xa_store(&ictx->objects, id, XA_ZERO_ENTRY, GFP_ATOMIC);
	else
		__xa_erase(&ictx->objects, id);
	if (ictx->vfio_ioas && &ictx->vfio_ioas->obj == obj)
		ictx->vfio_ioas = NULL;
	xa_unlock(&ictx->objects);

	/*
	 * @users is zero, so a positive @wait_cnt can only be a racing
	 * iommufd_put_object() about to drop it.
	 */
	if (!zerod_wait_cnt) {
		ret = iommufd_object_dec_wait(ictx, obj);
		if (WARN_ON(ret))
			return ret;
	}

	iommufd_object_ops[obj->type].destroy(obj);
	kfree(obj);
	return 0;

err_xa:
	if (zerod_wait_cnt) {
		/* Give the table its bias back. */
		refcount_set(&obj->wait_cnt, 1);
	}
	xa_unlock(&ictx->objects);
	return ret;
}

void iommufd_object_for_each_ref(struct iommufd_object *obj,
				 iommufd_object_ref_fn fn, void *data)
{
	if (iommufd_object_ops[obj->type].refs)
		iommufd_object_ops[obj->type].refs(obj, fn, data);
}

static int iommufd_destroy(struct iommufd_ucmd *ucmd)
{
	struct iommu_destroy *cmd = ucmd->cmd;

	return iommufd_object_remove(ucmd->ictx, NULL, cmd->id, 0);
}

static int iommufd_fops_open(struct inode *inode, struct file *filp)
{
	struct iommufd_ctx *ictx;

	ictx = kzalloc(sizeof(*ictx), GFP_KERNEL_ACCOUNT);
	if (!ictx)
		return -ENOMEM;

	/*
	 * The VFIO container node starts in VFIO type1's accounting mode:
	 * pinned pages charge the process's locked_vm.
	 */
	if (inode && inode->i_name && !strcmp(inode->i_name, "vfio"))
		ictx->account_mode = IOPT_PAGES_ACCOUNT_MM;
	else
		ictx->account_mode = IOPT_PAGES_ACCOUNT_USER;

	init_rwsem(&ictx->ioas_creation_lock);
	mutex_init(&ictx->mmaps_lock);
	INIT_LIST_HEAD(&ictx->mmaps);
	xa_init_flags(&ictx->objects, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	xa_init(&ictx->groups);
	ictx->file = filp;
	init_waitqueue_head(&ictx->destroy_wait);
	filp->private_data = ictx;
	iommufd_debug_ctx_opened(ictx);
	return 0;
}

/*
 * Objects form a graph of @users references; a leaf holds only the table's
 * reference.  Destroying every leaf drops references on interior objects,
 * so repeated passes make progress until the table is empty.  A pass that
 * destroys nothing means a reference was leaked: that is a bug, reported
 * and left (the objects leak rather than being freed while referenced).
 * Tombstones keep the table non-empty but are never visited.
 */
static int iommufd_fops_release(struct inode *inode, struct file *filp)
{
	struct iommufd_ctx *ictx = filp->private_data;
	struct iommufd_object *obj;

	for (;;) {
		unsigned int destroyed = 0;
		unsigned int live = 0;
		unsigned long index;

		xa_for_each(&ictx->objects, index, obj) {
			live++;
			/*
			 * In release every other @users reference comes from
			 * another object; its destruction will make this one
			 * a leaf in a later pass.
			 */
			if (!refcount_dec_if_one(&obj->users))
				continue;
			destroyed++;
			xa_erase(&ictx->objects, index);
			iommufd_object_ops[obj->type].destroy(obj);
			kfree(obj);
		}
		if (!live)
			break;
		if (!destroyed) {
			char *text = iommufd_debug_describe(ictx);

			/* The remaining objects leak rather than be freed in use. */
			WARN(1, "iommufd: release made no progress, %u object(s) left (a users reference was leaked):\n%s",
			     live, text);
			kfree(text);
			break;
		}
	}
	WARN_ON(!xa_empty(&ictx->groups));
	/* Their owners unregistered every mmap region when destroyed. */
	WARN_ON(!list_empty(&ictx->mmaps));
	/* Frees tombstones, and whatever a leak left behind. */
	xa_destroy(&ictx->objects);
	mutex_destroy(&ictx->mmaps_lock);
	kshim_rwsem_destroy(&ictx->ioas_creation_lock);
	iommufd_debug_ctx_released(ictx);
	kfree(ictx);
	return 0;
}

static int iommufd_option(struct iommufd_ucmd *ucmd)
{
	struct iommu_option *cmd = ucmd->cmd;
	int rc;

	if (cmd->__reserved)
		return -EOPNOTSUPP;

	switch (cmd->option_id) {
	case IOMMU_OPTION_RLIMIT_MODE:
		rc = iommufd_option_rlimit_mode(cmd, ucmd->ictx);
		break;
	case IOMMU_OPTION_HUGE_PAGES:
		rc = iommufd_ioas_option(ucmd);
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (rc)
		return rc;
	/* Only val64 goes back, for both ops. */
	if (copy_to_user(&((struct iommu_option __user *)ucmd->ubuffer)->val64,
			 &cmd->val64, sizeof(cmd->val64)))
		return -EFAULT;
	return 0;
}

/* Every command's struct, so the dispatcher can copy any of them. */
union ucmd_buffer {
	struct iommu_destroy destroy;
	struct iommu_fault_alloc fault;
	struct iommu_hw_info info;
	struct iommu_hwpt_alloc hwpt;
	struct iommu_hwpt_get_dirty_bitmap get_dirty_bitmap;
	struct iommu_hwpt_invalidate cache;
	struct iommu_hwpt_set_dirty_tracking set_dirty_tracking;
	struct iommu_ioas_alloc alloc;
	struct iommu_ioas_allow_iovas allow_iovas;
	struct iommu_ioas_copy ioas_copy;
	struct iommu_ioas_iova_ranges iova_ranges;
	struct iommu_ioas_map map;
	struct iommu_ioas_map_file map_file;
	struct iommu_ioas_change_process change_process;
	struct iommu_ioas_unmap unmap;
	struct iommu_option option;
	struct iommu_vfio_ioas vfio_ioas;
	struct iommu_viommu_alloc viommu;
	struct iommu_vdevice_alloc vdev;
	struct iommu_veventq_alloc veventq;
	struct iommu_hw_queue_alloc hw_queue;
#ifdef CONFIG_IOMMUFD_TEST
	struct iommu_test_cmd test;
#endif
};

struct iommufd_ioctl_op {
	unsigned int size;
	unsigned int min_size;
	unsigned int ioctl_num;
	int (*execute)(struct iommufd_ucmd *ucmd);
};

/*
 * @last names the final field that existed when the ioctl was introduced:
 * shorter structs are EINVAL, anything from there up is accepted.
 */
#define IOCTL_OP(_ioctl, _fn, _struct, _last)				\
	[_IOC_NR(_ioctl) - IOMMUFD_CMD_BASE] = {			\
		.size = sizeof(_struct) +				\
			BUILD_BUG_ON_ZERO(sizeof(union ucmd_buffer) <	\
					  sizeof(_struct)),		\
		.min_size = offsetofend(_struct, _last),		\
		.ioctl_num = _ioctl,					\
		.execute = _fn,						\
	}

static const struct iommufd_ioctl_op iommufd_ioctl_ops[] = {
	IOCTL_OP(IOMMU_DESTROY, iommufd_destroy, struct iommu_destroy, id),
	IOCTL_OP(IOMMU_FAULT_QUEUE_ALLOC, iommufd_fault_alloc,
		 struct iommu_fault_alloc, out_fault_fd),
	IOCTL_OP(IOMMU_GET_HW_INFO, iommufd_get_hw_info, struct iommu_hw_info,
		 __reserved),
	IOCTL_OP(IOMMU_HWPT_ALLOC, iommufd_hwpt_alloc, struct iommu_hwpt_alloc,
		 __reserved),
	IOCTL_OP(IOMMU_HWPT_GET_DIRTY_BITMAP, iommufd_hwpt_get_dirty_bitmap,
		 struct iommu_hwpt_get_dirty_bitmap, data),
	IOCTL_OP(IOMMU_HWPT_INVALIDATE, iommufd_hwpt_invalidate,
		 struct iommu_hwpt_invalidate, __reserved),
	IOCTL_OP(IOMMU_HWPT_SET_DIRTY_TRACKING, iommufd_hwpt_set_dirty_tracking,
		 struct iommu_hwpt_set_dirty_tracking, __reserved),
	IOCTL_OP(IOMMU_HW_QUEUE_ALLOC, iommufd_hw_queue_alloc_ioctl,
		 struct iommu_hw_queue_alloc, length),
	IOCTL_OP(IOMMU_IOAS_ALLOC, iommufd_ioas_alloc_ioctl,
		 struct iommu_ioas_alloc, out_ioas_id),
	IOCTL_OP(IOMMU_IOAS_ALLOW_IOVAS, iommufd_ioas_allow_iovas,
		 struct iommu_ioas_allow_iovas, allowed_iovas),
	IOCTL_OP(IOMMU_IOAS_CHANGE_PROCESS, iommufd_ioas_change_process,
		 struct iommu_ioas_change_process, __reserved),
	IOCTL_OP(IOMMU_IOAS_COPY, iommufd_ioas_copy, struct iommu_ioas_copy,
		 src_iova),
	IOCTL_OP(IOMMU_IOAS_IOVA_RANGES, iommufd_ioas_iova_ranges,
		 struct iommu_ioas_iova_ranges, out_iova_alignment),
	IOCTL_OP(IOMMU_IOAS_MAP, iommufd_ioas_map, struct iommu_ioas_map,
		 iova),
	IOCTL_OP(IOMMU_IOAS_MAP_FILE, iommufd_ioas_map_file,
		 struct iommu_ioas_map_file, iova),
	IOCTL_OP(IOMMU_IOAS_UNMAP, iommufd_ioas_unmap, struct iommu_ioas_unmap,
		 length),
	IOCTL_OP(IOMMU_OPTION, iommufd_option, struct iommu_option, val64),
	IOCTL_OP(IOMMU_VDEVICE_ALLOC, iommufd_vdevice_alloc_ioctl,
		 struct iommu_vdevice_alloc, virt_id),
	IOCTL_OP(IOMMU_VEVENTQ_ALLOC, iommufd_veventq_alloc,
		 struct iommu_veventq_alloc, out_veventq_fd),
	IOCTL_OP(IOMMU_VFIO_IOAS, iommufd_vfio_ioas, struct iommu_vfio_ioas,
		 __reserved),
	IOCTL_OP(IOMMU_VIOMMU_ALLOC, iommufd_viommu_alloc_ioctl,
		 struct iommu_viommu_alloc, out_viommu_id),
#ifdef CONFIG_IOMMUFD_TEST
	IOCTL_OP(IOMMU_TEST_CMD, iommufd_test, struct iommu_test_cmd, last),
#endif
};

static long iommufd_fops_ioctl(struct file *filp, unsigned int cmd,
			       unsigned long arg)
{
	struct iommufd_ctx *ictx = filp->private_data;
	const struct iommufd_ioctl_op *op;
	struct iommufd_ucmd ucmd = {};
	union ucmd_buffer buf;
	unsigned int nr;
	int ret;

	nr = _IOC_NR(cmd);
	if (nr < IOMMUFD_CMD_BASE ||
	    (nr - IOMMUFD_CMD_BASE) >= ARRAY_SIZE(iommufd_ioctl_ops))
		return iommufd_vfio_ioctl(ictx, cmd, arg);

	ucmd.ictx = ictx;
	ucmd.ubuffer = (void __user *)arg;
	/* The size is read before the slot is checked: a bad pointer on an
	 * unused slot is EFAULT, not ENOTTY. */
	ret = get_user(ucmd.user_size, (u32 __user *)ucmd.ubuffer);
	if (ret)
		return ret;

	op = &iommufd_ioctl_ops[nr - IOMMUFD_CMD_BASE];
	if (op->ioctl_num != cmd)
		return -ENOIOCTLCMD;
	if (ucmd.user_size < op->min_size)
		return -EINVAL;

	ucmd.cmd = &buf;
	ret = copy_struct_from_user(ucmd.cmd, op->size, ucmd.ubuffer,
				    ucmd.user_size);
	if (ret)
		return ret;
	ret = op->execute(&ucmd);

	if (ucmd.new_obj) {
		if (ret)
			iommufd_object_abort_and_destroy(ictx, ucmd.new_obj);
		else
			iommufd_object_finalize(ictx, ucmd.new_obj);
	}
	return ret;
}

/*
 * A mapping of a driver region holds the region's owner: VMA open (a split
 * or a fork copies the VMA) and close (munmap, exit) move a @users
 * reference, so the owner's IOMMU_DESTROY is -EBUSY while any mapping of
 * it exists.  The VMA's file reference keeps the context alive meanwhile.
 */
static void iommufd_fops_vma_open(struct vm_area_struct *vma)
{
	struct iommufd_mmap *immap = vma->vm_private_data;

	refcount_inc(&immap->owner->users);
}

static void iommufd_fops_vma_close(struct vm_area_struct *vma)
{
	struct iommufd_mmap *immap = vma->vm_private_data;

	refcount_dec(&immap->owner->users);
}

static const struct vm_operations_struct iommufd_vma_ops = {
	.open = iommufd_fops_vma_open,
	.close = iommufd_fops_vma_close,
};

/*
 * mmap() of a driver region (_iommufd_alloc_mmap()).  Only the exact
 * region: its offset and its length, shared and not executable.  The
 * region is device memory, mapped uncached.
 */
static int iommufd_fops_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct iommufd_ctx *ictx = filp->private_data;
	size_t length = vma->vm_end - vma->vm_start;
	struct iommufd_mmap *immap, *found = NULL;
	int rc;

	if (!PAGE_ALIGNED(length))
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;

	/*
	 * The region cannot go while mmaps_lock is held: its owner's destroy
	 * unregisters it under that lock.  The owner itself may already be
	 * on its way out (no @users left), then it is not mapped.
	 */
	mutex_lock(&ictx->mmaps_lock);
	list_for_each_entry(immap, &ictx->mmaps, node) {
		if (immap->vm_pgoff == vma->vm_pgoff) {
			found = immap;
			break;
		}
	}
	/* No partial mapping: a lookup by range would find sub-ranges. */
	if (!found || length != found->length) {
		rc = -ENXIO;
		goto out_unlock;
	}

	/* The first VMA gets no ->open: take its reference here. */
	if (!refcount_inc_not_zero(&found->owner->users)) {
		rc = -ENXIO;
		goto out_unlock;
	}

	vma->vm_pgoff = 0;
	vma->vm_private_data = found;
	vma->vm_ops = &iommufd_vma_ops;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	rc = io_remap_pfn_range(vma, vma->vm_start,
				found->mmio_addr >> PAGE_SHIFT, length,
				vma->vm_page_prot);
	if (rc)
		refcount_dec(&found->owner->users);
out_unlock:
	mutex_unlock(&ictx->mmaps_lock);
	return rc;
}

const struct file_operations iommufd_fops = {
	.open = iommufd_fops_open,
	.release = iommufd_fops_release,
	.unlocked_ioctl = iommufd_fops_ioctl,
	.mmap = iommufd_fops_mmap,
};

/**
 * iommufd_ctx_get - take a reference on the context (its file)
 * @ictx: the context
 */
void iommufd_ctx_get(struct iommufd_ctx *ictx)
{
	get_file(ictx->file);
}

/**
 * iommufd_ctx_from_file - the context behind an iommufd file
 * @file: the file
 *
 * Return: the context with a reference taken, or ERR_PTR(-EBADFD) when the
 * file is not an iommufd.
 */
struct iommufd_ctx *iommufd_ctx_from_file(struct file *file)
{
	struct iommufd_ctx *ictx;

	if (file->f_op != &iommufd_fops)
		return ERR_PTR(-EBADFD);
	ictx = file->private_data;
	iommufd_ctx_get(ictx);
	return ictx;
}

/**
 * iommufd_ctx_from_fd - the context behind an iommufd descriptor
 * @fd: the descriptor
 *
 * Return: the context with a reference taken, ERR_PTR(-EBADF) for a bad
 * descriptor, ERR_PTR(-EBADFD) when it is not an iommufd.
 */
struct iommufd_ctx *iommufd_ctx_from_fd(int fd)
{
	struct file *file;

	file = fget(fd);
	if (!file)
		return ERR_PTR(-EBADF);

	if (file->f_op != &iommufd_fops) {
		fput(file);
		return ERR_PTR(-EBADFD);
	}
	/* fget() is the reference the caller gets. */
	return file->private_data;
}

/**
 * iommufd_ctx_put - drop a reference taken with iommufd_ctx_get()
 * @ictx: the context
 */
void iommufd_ctx_put(struct iommufd_ctx *ictx)
{
	fput(ictx->file);
}

static const struct iommufd_object_ops iommufd_object_ops[] = {
	[IOMMUFD_OBJ_ACCESS] = {
		.destroy = iommufd_access_destroy_object,
		.refs = iommufd_access_refs,
	},
	[IOMMUFD_OBJ_DEVICE] = {
		.pre_destroy = iommufd_device_pre_destroy,
		.destroy = iommufd_device_destroy,
		.refs = iommufd_device_refs,
	},
	[IOMMUFD_OBJ_FAULT] = {
		.destroy = iommufd_fault_destroy,
		.file_offset = offsetof(struct iommufd_fault, common.filep),
	},
	[IOMMUFD_OBJ_HWPT_PAGING] = {
		.destroy = iommufd_hwpt_paging_destroy,
		.abort = iommufd_hwpt_paging_abort,
		.refs = iommufd_hwpt_paging_refs,
	},
	[IOMMUFD_OBJ_HWPT_NESTED] = {
		.destroy = iommufd_hwpt_nested_destroy,
		.abort = iommufd_hwpt_nested_abort,
		.refs = iommufd_hwpt_nested_refs,
	},
	[IOMMUFD_OBJ_IOAS] = {
		.destroy = iommufd_ioas_destroy,
	},
	[IOMMUFD_OBJ_VIOMMU] = {
		.destroy = iommufd_viommu_destroy,
		.refs = iommufd_viommu_refs,
	},
	[IOMMUFD_OBJ_VDEVICE] = {
		.destroy = iommufd_vdevice_destroy,
		.abort = iommufd_vdevice_abort,
		.refs = iommufd_vdevice_refs,
	},
	[IOMMUFD_OBJ_VEVENTQ] = {
		.destroy = iommufd_veventq_destroy,
		.abort = iommufd_veventq_abort,
		.file_offset = offsetof(struct iommufd_veventq, common.filep),
		.refs = iommufd_veventq_refs,
	},
	[IOMMUFD_OBJ_HW_QUEUE] = {
		.destroy = iommufd_hw_queue_destroy,
		.refs = iommufd_hw_queue_refs,
	},
#ifdef CONFIG_IOMMUFD_TEST
	[IOMMUFD_OBJ_SELFTEST] = {
		.destroy = iommufd_selftest_destroy,
		.refs = iommufd_selftest_refs,
	},
#endif
};

static struct miscdevice iommu_misc_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "iommu",
	.fops = &iommufd_fops,
	.nodename = "iommu",
	.mode = 0660,
};

static struct miscdevice vfio_misc_dev = {
	.minor = VFIO_MINOR,
	.name = "vfio",
	.fops = &iommufd_fops,
	.nodename = "vfio/vfio",
	.mode = 0666,
};

static int __init iommufd_init(void)
{
	int ret;

	ret = misc_register(&iommu_misc_dev);
	if (ret)
		return ret;

	if (IS_ENABLED(CONFIG_IOMMUFD_VFIO_CONTAINER)) {
		ret = misc_register(&vfio_misc_dev);
		if (ret)
			goto err_misc;
	}
#ifdef CONFIG_IOMMUFD_TEST
	iommufd_test_init();
#endif
	return 0;
err_misc:
	misc_deregister(&iommu_misc_dev);
	return ret;
}

static void __exit iommufd_exit(void)
{
#ifdef CONFIG_IOMMUFD_TEST
	iommufd_test_exit();
#endif
	if (IS_ENABLED(CONFIG_IOMMUFD_VFIO_CONTAINER))
		misc_deregister(&vfio_misc_dev);
	misc_deregister(&iommu_misc_dev);
}

module_init(iommufd_init);
module_exit(iommufd_exit);
