// SPDX-License-Identifier: GPL-2.0
/*
 * fault.c - I/O page fault queues (IOMMUFD_OBJ_FAULT) and their fd.
 *
 * A FAULT object is created by IOMMU_FAULT_QUEUE_ALLOC together with an
 * anonymous file ("[iommufd-pgfault]").  HWPTs allocated with
 * IOMMU_HWPT_FAULT_ID_VALID point at it; the IOMMU core hands every page
 * request group that a device raises on such a HWPT's domain to
 * iommufd_fault_iopf_handler(), which queues it.  User space then:
 *
 *   read()   takes whole groups off the queue, as 40-byte records
 *            (struct iommu_hwpt_pgfault).  Each group read is given a
 *            cookie and parked in @response until it is answered;
 *   write()  answers groups by cookie with 8-byte records
 *            (struct iommu_hwpt_page_response); the answer reaches the
 *            device through iopf_group_response();
 *   poll()   reports EPOLLIN when a group waits to be read.
 *
 * A group therefore lives in exactly one place at a time: on the deliver
 * list (queued, unread), in the response xarray (read, unanswered), or on
 * a private list of a thread that is about to answer and free it.  Moving
 * it between the two shared places happens under fault->mutex, so a group
 * can never be answered twice; the deliver list alone is also reachable
 * from the fault handler, which only takes the eventq spinlock.
 *
 * Groups whose attachment goes away (detach, replace) or whose FAULT
 * object is destroyed are answered INVALID here, so a device never waits
 * for an answer that cannot come.
 *
 * Lifetimes: the file holds a users reference on the FAULT object and a
 * reference on the context, both dropped by the file's release (the
 * struct iommufd_eventq part it shares with the vEVENTQ, eventq.c).  So the
 * object cannot be destroyed while the fd is open, and the context outlives
 * the fd.  The fd number is published (fd_install) only after the object is
 * finalized: until then the abort path may release the file synchronously.
 *
 * Lock order: fault->mutex -> eventq->lock; fault->mutex -> the IOMMU
 * core's fault-parameter lock (iopf_group_response()).
 */
#include <fcntl.h>
#include <linux/anon_inodes.h>
#include <linux/bug.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <uapi/linux/iommufd.h>

#include "iommufd_private.h"

/* The user-visible answer codes are the IOMMU core's. */
static_assert((int)IOMMUFD_PAGE_RESP_SUCCESS == (int)IOMMU_PAGE_RESP_SUCCESS);
static_assert((int)IOMMUFD_PAGE_RESP_INVALID == (int)IOMMU_PAGE_RESP_INVALID);
/* Record flags and permissions are copied bit for bit. */
static_assert((int)IOMMU_PGFAULT_FLAGS_PASID_VALID ==
	      IOMMU_FAULT_PAGE_REQUEST_PASID_VALID);
static_assert((int)IOMMU_PGFAULT_FLAGS_LAST_PAGE ==
	      IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE);
static_assert((int)IOMMU_PGFAULT_PERM_READ == IOMMU_FAULT_PERM_READ);
static_assert((int)IOMMU_PGFAULT_PERM_WRITE == IOMMU_FAULT_PERM_WRITE);
static_assert((int)IOMMU_PGFAULT_PERM_EXEC == IOMMU_FAULT_PERM_EXEC);
static_assert((int)IOMMU_PGFAULT_PERM_PRIV == IOMMU_FAULT_PERM_PRIV);
static_assert(sizeof(struct iommu_hwpt_pgfault) == 40);
static_assert(sizeof(struct iommu_hwpt_page_response) == 8);

#define IOMMUFD_PGFAULT_FLAGS \
	(IOMMU_PGFAULT_FLAGS_PASID_VALID | IOMMU_PGFAULT_FLAGS_LAST_PAGE)
#define IOMMUFD_PGFAULT_PERMS						\
	(IOMMU_PGFAULT_PERM_READ | IOMMU_PGFAULT_PERM_WRITE |		\
	 IOMMU_PGFAULT_PERM_EXEC | IOMMU_PGFAULT_PERM_PRIV)

/* ---- IOPF enable/disable ---------------------------------------------- */

/**
 * iommufd_fault_iopf_enable - count a fault-capable attachment of a device
 * @idev: the device being attached to a HWPT that has a FAULT object
 *
 * In the kernels this count was introduced with, the first enable also
 * switched the device's IOPF feature on.  Here, as in the newest kernels,
 * the IOMMU driver does that itself when a domain with an iopf_handler is
 * attached (the mock puts the device on its iopf queue), so only the count
 * is kept: it pairs every enable with a disable and catches an unbalanced
 * disable.
 *
 * Return: 0.
 */
int iommufd_fault_iopf_enable(struct iommufd_device *idev)
{
	mutex_lock(&idev->iopf_lock);
	idev->iopf_enabled++;
	mutex_unlock(&idev->iopf_lock);
	return 0;
}

/**
 * iommufd_fault_iopf_disable - drop a count taken by iommufd_fault_iopf_enable
 * @idev: the device
 */
void iommufd_fault_iopf_disable(struct iommufd_device *idev)
{
	mutex_lock(&idev->iopf_lock);
	if (!WARN_ON(!idev->iopf_enabled))
		idev->iopf_enabled--;
	mutex_unlock(&idev->iopf_lock);
}

/* ---- groups ------------------------------------------------------------ */

/* Answer a group that is on no shared list any more, and free it. */
static void iommufd_fault_group_respond(struct iopf_group *group,
					enum iommu_page_response_code code)
{
	iopf_group_response(group, code);
	iopf_free_group(group);
}

/*
 * Answer INVALID every group of @fault, or only those raised through
 * @handle when it is not NULL.  Caller holds fault->mutex, which keeps
 * readers and writers from moving groups between the two places.
 */
static void iommufd_fault_flush_locked(struct iommufd_fault *fault,
				       struct iommu_attach_handle *handle)
{
	struct iopf_group *group, *next;
	unsigned long index;
	LIST_HEAD(flush);

	lockdep_assert_held(&fault->mutex);

	/* The handler may append concurrently: unlink under the spinlock. */
	spin_lock(&fault->common.lock);
	list_for_each_entry_safe(group, next, &fault->common.deliver, node) {
		if (handle && group->attach_handle != handle)
			continue;
		list_move_tail(&group->node, &flush);
	}
	spin_unlock(&fault->common.lock);

	list_for_each_entry_safe(group, next, &flush, node) {
		list_del_init(&group->node);
		iommufd_fault_group_respond(group, IOMMU_PAGE_RESP_INVALID);
	}

	xa_for_each(&fault->response, index, group) {
		if (handle && group->attach_handle != handle)
			continue;
		xa_erase(&fault->response, index);
		iommufd_fault_group_respond(group, IOMMU_PAGE_RESP_INVALID);
	}
}

/**
 * iommufd_auto_response_faults - answer the faults of a detached attachment
 * @hwpt: the HWPT the attachment used (nothing to do without a FAULT)
 * @handle: the attachment's handle, already removed from the IOMMU core
 *
 * Called when a device leaves @hwpt (detach, or replace onto another HWPT).
 * Nobody can answer those groups meaningfully any more: every group raised
 * through @handle, read or not, is answered INVALID and freed.
 */
void iommufd_auto_response_faults(struct iommufd_hw_pagetable *hwpt,
				  struct iommufd_attach_handle *handle)
{
	struct iommufd_fault *fault = hwpt->fault;

	if (!fault || !handle)
		return;

	mutex_lock(&fault->mutex);
	iommufd_fault_flush_locked(fault, &handle->handle);
	mutex_unlock(&fault->mutex);
}

/**
 * iommufd_fault_iopf_handler - the iopf_handler of fault-capable domains
 * @group: a complete page request group
 *
 * Runs in the thread that reported the fault, with no iommufd lock held;
 * it only queues.  The domain's iommufd_hwpt names the HWPT, whose FAULT
 * object receives the group.
 *
 * Return: 0 when the group was queued (it is answered later through the
 * fault fd, or automatically), -EINVAL when the domain has no FAULT object
 * (the IOMMU core then answers INVALID).
 */
int iommufd_fault_iopf_handler(struct iopf_group *group)
{
	struct iommufd_hw_pagetable *hwpt;
	struct iommufd_fault *fault;

	hwpt = group->attach_handle->domain->iommufd_hwpt;
	if (WARN_ON(!hwpt || !hwpt->fault))
		return -EINVAL;
	fault = hwpt->fault;

	spin_lock(&fault->common.lock);
	list_add_tail(&group->node, &fault->common.deliver);
	spin_unlock(&fault->common.lock);

	wake_up_interruptible(&fault->common.wait_queue);
	return 0;
}

/* ---- the fault fd ---------------------------------------------------- */

/* The oldest queued group, taken off the deliver list, or NULL. */
static struct iopf_group *
iommufd_fault_deliver_fetch(struct iommufd_fault *fault)
{
	struct iopf_group *group = NULL;

	spin_lock(&fault->common.lock);
	if (!list_empty(&fault->common.deliver)) {
		group = list_first_entry(&fault->common.deliver,
					 struct iopf_group, node);
		list_del_init(&group->node);
	}
	spin_unlock(&fault->common.lock);
	return group;
}

/* Put a group back at the head: it stays the next one to be read. */
static void iommufd_fault_deliver_restore(struct iommufd_fault *fault,
					  struct iopf_group *group)
{
	spin_lock(&fault->common.lock);
	list_add(&group->node, &fault->common.deliver);
	spin_unlock(&fault->common.lock);
}

static void iommufd_fault_compose(const struct iommu_fault *fault,
				  struct iommu_hwpt_pgfault *rec, u32 dev_id,
				  u32 cookie)
{
	memset(rec, 0, sizeof(*rec));
	rec->flags = fault->prm.flags & IOMMUFD_PGFAULT_FLAGS;
	rec->dev_id = dev_id;
	rec->pasid = fault->prm.pasid;
	rec->grpid = fault->prm.grpid;
	rec->perm = fault->prm.perm & IOMMUFD_PGFAULT_PERMS;
	rec->addr = fault->prm.addr;
	/* No prefetch hint is ever given. */
	rec->length = 0;
	rec->cookie = cookie;
}

/*
 * Copy one group's records to @buf.  On a fault nothing of the group
 * counts as read: the caller undoes the cookie and requeues it.
 */
static int iommufd_fault_copy_group(struct iopf_group *group,
				    char __user *buf)
{
	struct iommufd_attach_handle *handle =
		to_iommufd_handle(group->attach_handle);
	struct iommu_hwpt_pgfault rec;
	struct iopf_fault *iopf;
	size_t off = 0;

	list_for_each_entry(iopf, &group->faults, list) {
		iommufd_fault_compose(&iopf->fault, &rec, handle->idev->obj.id,
				      group->cookie);
		if (copy_to_user(buf + off, &rec, sizeof(rec)))
			return -EFAULT;
		off += sizeof(rec);
	}
	return 0;
}

/*
 * read(): only whole groups, in arrival order, as many as fit.
 *
 * When the first pending group does not fit in @count at all, the read
 * fails with EINVAL rather than returning 0: a 0 would look like an empty
 * queue while poll() keeps reporting EPOLLIN, and the caller could spin
 * forever without learning that its buffer is too small.  (6.12.117 does
 * the same; the newest upstream returns 0.)  A read of 0 bytes returns 0.
 * A copy fault puts the group back at the head; it is EFAULT only if no
 * group was read before it.
 */
static ssize_t iommufd_fault_fops_read(struct file *filep, char __user *buf,
				       size_t count, loff_t *ppos)
{
	const size_t rec_size = sizeof(struct iommu_hwpt_pgfault);
	struct iommufd_fault *fault = filep->private_data;
	struct iopf_group *group;
	size_t done = 0;
	int rc = 0;

	if (*ppos || count % rec_size)
		return -ESPIPE;

	mutex_lock(&fault->mutex);
	while (done < count && (group = iommufd_fault_deliver_fetch(fault))) {
		if (group->fault_count * rec_size > count - done) {
			iommufd_fault_deliver_restore(fault, group);
			if (!done)
				rc = -EINVAL;
			break;
		}

		/* The lowest free cookie, never 0 (XA_FLAGS_ALLOC1). */
		rc = xa_alloc(&fault->response, &group->cookie, group,
			      xa_limit_32b, GFP_KERNEL_ACCOUNT);
		if (rc) {
			iommufd_fault_deliver_restore(fault, group);
			break;
		}

		rc = iommufd_fault_copy_group(group, buf + done);
		if (rc) {
			xa_erase(&fault->response, group->cookie);
			iommufd_fault_deliver_restore(fault, group);
			break;
		}
		done += group->fault_count * rec_size;
	}
	mutex_unlock(&fault->mutex);

	if (done)
		return done;
	return rc;
}

/*
 * write(): answers, processed in order.  The first bad one (unknown code,
 * unknown or already answered cookie, copy fault) stops the write; the
 * bytes of the answers before it are returned, or the error if there were
 * none.
 */
static ssize_t iommufd_fault_fops_write(struct file *filep,
					const char __user *buf, size_t count,
					loff_t *ppos)
{
	const size_t rsp_size = sizeof(struct iommu_hwpt_page_response);
	struct iommufd_fault *fault = filep->private_data;
	struct iommu_hwpt_page_response response;
	struct iopf_group *group;
	size_t done = 0;
	int rc = 0;

	if (*ppos || count % rsp_size)
		return -ESPIPE;

	mutex_lock(&fault->mutex);
	while (done < count) {
		if (copy_from_user(&response, buf + done, rsp_size)) {
			rc = -EFAULT;
			break;
		}
		if (response.code != IOMMUFD_PAGE_RESP_SUCCESS &&
		    response.code != IOMMUFD_PAGE_RESP_INVALID) {
			rc = -EINVAL;
			break;
		}
		/* Erasing claims the group: a second answer finds nothing. */
		group = xa_erase(&fault->response, response.cookie);
		if (!group) {
			rc = -EINVAL;
			break;
		}
		iommufd_fault_group_respond(group, response.code);
		done += rsp_size;
	}
	mutex_unlock(&fault->mutex);

	if (done)
		return done;
	return rc;
}

static __poll_t iommufd_fault_fops_poll(struct file *filep,
					struct poll_table_struct *wait)
{
	struct iommufd_fault *fault = filep->private_data;
	__poll_t mask = EPOLLOUT;

	poll_wait(filep, &fault->common.wait_queue, wait);
	spin_lock(&fault->common.lock);
	if (!list_empty(&fault->common.deliver))
		mask |= EPOLLIN | EPOLLRDNORM;
	spin_unlock(&fault->common.lock);
	return mask;
}

static const struct file_operations iommufd_fault_fops = {
	.owner = THIS_MODULE,
	.read = iommufd_fault_fops_read,
	.write = iommufd_fault_fops_write,
	.poll = iommufd_fault_fops_poll,
	/*
	 * Queued and unanswered groups stay with the FAULT object when the
	 * file goes: the HWPTs using it may still raise more.  They are
	 * answered when their attachment goes or when the object is
	 * destroyed.
	 */
	.release = iommufd_eventq_fops_release,
	.llseek = no_llseek,
};

/**
 * iommufd_fault_destroy - destroy a FAULT object
 * @obj: the object; its file is gone and no HWPT refers to it any more
 *
 * Also the abort path of iommufd_fault_alloc(), after the file (if any)
 * was released synchronously.  Whatever groups are left (normally none:
 * detaching answered them) are answered INVALID.
 */
void iommufd_fault_destroy(struct iommufd_object *obj)
{
	struct iommufd_eventq *eventq =
		container_of(obj, struct iommufd_eventq, obj);
	struct iommufd_fault *fault = eventq_to_fault(eventq);

	mutex_lock(&fault->mutex);
	iommufd_fault_flush_locked(fault, NULL);
	mutex_unlock(&fault->mutex);

	xa_destroy(&fault->response);
	mutex_destroy(&fault->mutex);
	iommufd_eventq_fini(eventq);
}

/**
 * iommufd_fault_alloc - IOMMU_FAULT_QUEUE_ALLOC
 * @ucmd: the ioctl; struct iommu_fault_alloc
 *
 * Creates the FAULT object and its fd.  The object is finalized before the
 * fd number is installed; until then any failure releases the file
 * synchronously (iommufd_object_abort_and_destroy()) and frees both.
 *
 * Return: 0, -EOPNOTSUPP for non-zero flags, -ENOMEM, the fd reservation
 * error (-EMFILE), -EFAULT when the response cannot be copied.
 */
int iommufd_fault_alloc(struct iommufd_ucmd *ucmd)
{
	struct iommu_fault_alloc *cmd = ucmd->cmd;
	struct iommufd_fault *fault;
	int fdno;
	int rc;

	if (cmd->flags)
		return -EOPNOTSUPP;

	fault = __iommufd_object_alloc(ucmd->ictx, fault, IOMMUFD_OBJ_FAULT,
				       common.obj);
	if (IS_ERR(fault))
		return PTR_ERR(fault);

	xa_init_flags(&fault->response, XA_FLAGS_ALLOC1);
	mutex_init(&fault->mutex);

	fdno = iommufd_eventq_init(&fault->common, "[iommufd-pgfault]",
				   ucmd->ictx, &iommufd_fault_fops);
	if (fdno < 0) {
		rc = fdno;
		goto out_abort;
	}

	cmd->out_fault_id = fault->common.obj.id;
	cmd->out_fault_fd = fdno;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_put_fdno;

	iommufd_object_finalize(ucmd->ictx, &fault->common.obj);
	/* Nothing can fail any more: only now may user space see the fd. */
	fd_install(fdno, fault->common.filep);
	return 0;

out_put_fdno:
	put_unused_fd(fdno);
out_abort:
	iommufd_object_abort_and_destroy(ucmd->ictx, &fault->common.obj);
	return rc;
}
