// SPDX-License-Identifier: GPL-2.0
/*
 * eventq.c - event queues read through an fd: the part FAULT and vEVENTQ
 * share (struct iommufd_eventq), and the vEVENTQ (IOMMUFD_OBJ_VEVENTQ).
 *
 * An event queue is an object plus an anonymous file.  The file holds a
 * @users reference on the object and a reference on the context; its
 * release drops both.  So the object cannot be destroyed while its fd is
 * open, the context outlives the fd, and nothing the context's release
 * destroys holds the context (the object itself holds nothing of it).  The
 * fd number is reserved while the object is built and published
 * (fd_install) only after the object is finalized: until then a failure
 * releases the file synchronously (iommufd_object_abort_and_destroy()).
 *
 * vEVENTQ.  A vIOMMU has at most one vEVENTQ per type; the driver pushes
 * events with iommufd_viommu_report_event() (driver.c).  The queue holds
 * at most @depth real events; an event that does not fit is dropped and
 * the queue's single lost-events header (flags LOST_EVENTS, no payload)
 * stands at the tail in its place, taking the sequence number the event
 * would have had.  Sequence numbers count every item queued and wrap from
 * INT_MAX to 0.
 *
 *   read()  copies whole items (header, then payload) while they fit;
 *           0 if the first does not fit or nothing is queued (it never
 *           blocks).  An item being copied is off the list; on a copy
 *           fault it goes back to the head.
 *   poll()  EPOLLIN | EPOLLRDNORM while items are queued, never EPOLLOUT.
 *   write() none (the VFS answers EINVAL).
 *
 * Lock order: viommu->veventqs_rwsem -> eventq->lock.
 */
#include <fcntl.h>
#include <linux/anon_inodes.h>
#include <linux/bug.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <uapi/linux/iommufd.h>

#include "iommufd_private.h"

static_assert(sizeof(struct iommufd_vevent_header) == 8);

/* ---- common ------------------------------------------------------------ */

/**
 * iommufd_eventq_init - the shared part of an event queue, and its file
 * @eventq: the object, allocated and not yet finalized
 * @name: the anonymous inode's name
 * @ictx: the context
 * @fops: the file's operations (their release must be
 *	  iommufd_eventq_fops_release() or call it)
 *
 * Initialises the lock, list and wait queue (always, so that destroy can
 * run on any partly built object), creates the file, takes its references
 * on the object and the context, and reserves a descriptor number.  The
 * caller installs the file at that number once the object is finalized,
 * or gives the number back with put_unused_fd() and aborts the object
 * (which releases the file).
 *
 * Return: the reserved descriptor number, or -errno.
 */
int iommufd_eventq_init(struct iommufd_eventq *eventq, const char *name,
			struct iommufd_ctx *ictx,
			const struct file_operations *fops)
{
	struct file *filep;
	int fdno;

	spin_lock_init(&eventq->lock);
	INIT_LIST_HEAD(&eventq->deliver);
	init_waitqueue_head(&eventq->wait_queue);
	eventq->ictx = ictx;

	filep = anon_inode_getfile(name, fops, eventq, O_RDWR);
	if (IS_ERR(filep))
		return PTR_ERR(filep);
	/* Event fds are streams: pread/pwrite are ESPIPE, like the kernel's. */
	nonseekable_open(file_inode(filep), filep);

	refcount_inc(&eventq->obj.users);
	iommufd_ctx_get(ictx);
	eventq->filep = filep;

	fdno = get_unused_fd_flags(O_CLOEXEC);
	/* On failure the caller's abort releases the file. */
	return fdno;
}

/**
 * iommufd_eventq_fini - tear down what iommufd_eventq_init() initialised
 * @eventq: the queue; its deliver list must be empty by now
 */
void iommufd_eventq_fini(struct iommufd_eventq *eventq)
{
	WARN_ON(!list_empty(&eventq->deliver));
	kshim_waitqueue_destroy(&eventq->wait_queue);
	kshim_spin_lock_destroy(&eventq->lock);
}

/**
 * iommufd_eventq_fops_release - the last reference to an event queue's file
 * @inode: the file's inode
 * @filep: the file
 *
 * Gives back what the file held: its @users on the object (which may make
 * the object destroyable) and its context reference.  Queued items stay
 * with the object.
 *
 * Return: 0.
 */
int iommufd_eventq_fops_release(struct inode *inode, struct file *filep)
{
	struct iommufd_eventq *eventq = filep->private_data;
	struct iommufd_ctx *ictx = eventq->ictx;

	refcount_dec(&eventq->obj.users);
	iommufd_ctx_put(ictx);
	return 0;
}

/* ---- vEVENTQ ----------------------------------------------------------- */

static bool iommufd_vevent_is_lost(struct iommufd_veventq *veventq,
				   struct iommufd_vevent *vevent)
{
	return vevent == &veventq->lost_events_header;
}

/**
 * iommufd_veventq_abort - undo a vEVENTQ (also the guts of its destroy)
 * @obj: the object
 *
 * Caller holds the vIOMMU's veventqs_rwsem for write, so no report is
 * running; the file is gone.  Queued events are freed (the lost-events
 * header is part of the queue and is only unlinked).
 */
void iommufd_veventq_abort(struct iommufd_object *obj)
{
	struct iommufd_eventq *eventq =
		container_of(obj, struct iommufd_eventq, obj);
	struct iommufd_veventq *veventq = eventq_to_veventq(eventq);
	struct iommufd_viommu *viommu = veventq->viommu;
	struct iommufd_vevent *cur, *next;

	lockdep_assert_held_write(&viommu->veventqs_rwsem);

	list_for_each_entry_safe(cur, next, &eventq->deliver, node) {
		list_del_init(&cur->node);
		if (!iommufd_vevent_is_lost(veventq, cur))
			kfree(cur);
	}

	refcount_dec(&viommu->obj.users);
	list_del(&veventq->node);
	iommufd_eventq_fini(eventq);
}

/**
 * iommufd_veventq_destroy - destroy a vEVENTQ whose file is gone
 * @obj: the object
 */
void iommufd_veventq_destroy(struct iommufd_object *obj)
{
	struct iommufd_veventq *veventq = eventq_to_veventq(
		container_of(obj, struct iommufd_eventq, obj));
	struct iommufd_viommu *viommu = veventq->viommu;

	down_write(&viommu->veventqs_rwsem);
	iommufd_veventq_abort(obj);
	up_write(&viommu->veventqs_rwsem);
}

/*
 * Take the first item off the queue.  The lost-events header is embedded
 * and may be queued again by a report while the reader copies it, so the
 * reader copies a snapshot of it (@lost) and the header itself goes off the
 * list at once.
 */
static struct iommufd_vevent *
iommufd_veventq_fetch(struct iommufd_veventq *veventq,
		      struct iommufd_vevent *lost)
{
	struct iommufd_eventq *eventq = &veventq->common;
	struct iommufd_vevent *vevent = NULL;

	spin_lock(&eventq->lock);
	if (!list_empty(&eventq->deliver)) {
		vevent = list_first_entry(&eventq->deliver,
					  struct iommufd_vevent, node);
		list_del_init(&vevent->node);
		if (iommufd_vevent_is_lost(veventq, vevent)) {
			lost->header = vevent->header;
			lost->data_len = 0;
			vevent = lost;
		}
	}
	spin_unlock(&eventq->lock);
	return vevent;
}

/*
 * Put an item that could not be read back at the head.  For the lost
 * header: unless a newer loss queued it again meanwhile (its newer number
 * then supersedes the one the reader saw).
 */
static void iommufd_veventq_restore(struct iommufd_veventq *veventq,
				    struct iommufd_vevent *vevent,
				    struct iommufd_vevent *lost)
{
	struct iommufd_eventq *eventq = &veventq->common;

	spin_lock(&eventq->lock);
	if (vevent == lost) {
		if (list_empty(&veventq->lost_events_header.node)) {
			veventq->lost_events_header.header = lost->header;
			list_add(&veventq->lost_events_header.node,
				 &eventq->deliver);
		}
	} else {
		list_add(&vevent->node, &eventq->deliver);
	}
	spin_unlock(&eventq->lock);
}

static ssize_t iommufd_veventq_fops_read(struct file *filep, char __user *buf,
					 size_t count, loff_t *ppos)
{
	struct iommufd_eventq *eventq = filep->private_data;
	struct iommufd_veventq *veventq = eventq_to_veventq(eventq);
	const size_t hdr_size = sizeof(struct iommufd_vevent_header);
	struct iommufd_vevent lost;
	struct iommufd_vevent *cur;
	size_t done = 0;
	int rc = 0;

	if (*ppos)
		return -ESPIPE;

	while ((cur = iommufd_veventq_fetch(veventq, &lost))) {
		size_t item = hdr_size + cur->data_len;

		/* Only whole items: the first that does not fit ends it. */
		if (item > count - done) {
			iommufd_veventq_restore(veventq, cur, &lost);
			break;
		}
		if (copy_to_user(buf + done, &cur->header, hdr_size) ||
		    (cur->data_len &&
		     copy_to_user(buf + done + hdr_size, cur->event_data,
				  cur->data_len))) {
			iommufd_veventq_restore(veventq, cur, &lost);
			rc = -EFAULT;
			break;
		}
		done += item;
		if (cur != &lost) {
			spin_lock(&eventq->lock);
			veventq->num_events--;
			spin_unlock(&eventq->lock);
			kfree(cur);
		}
	}

	if (done)
		return done;
	return rc;
}

static __poll_t iommufd_veventq_fops_poll(struct file *filep,
					  struct poll_table_struct *wait)
{
	struct iommufd_eventq *eventq = filep->private_data;
	__poll_t mask = 0;

	poll_wait(filep, &eventq->wait_queue, wait);
	spin_lock(&eventq->lock);
	if (!list_empty(&eventq->deliver))
		mask |= EPOLLIN | EPOLLRDNORM;
	spin_unlock(&eventq->lock);
	return mask;
}

static const struct file_operations iommufd_veventq_fops = {
	.owner = THIS_MODULE,
	.read = iommufd_veventq_fops_read,
	.poll = iommufd_veventq_fops_poll,
	.release = iommufd_eventq_fops_release,
	.llseek = no_llseek,
};

/**
 * iommufd_veventq_alloc - IOMMU_VEVENTQ_ALLOC
 * @ucmd: the ioctl; struct iommu_veventq_alloc
 *
 * Creates the vEVENTQ and its fd ("[iommufd-viommu-event]").  The whole
 * creation runs under the vIOMMU's veventqs_rwsem (write), so two
 * concurrent allocations of one type cannot both succeed.
 *
 * Return: 0, -EOPNOTSUPP (flags, __reserved, DEFAULT type), -EINVAL (depth
 * 0), -ENOENT (vIOMMU), -EEXIST (a queue of that type exists), -ENOMEM,
 * the fd reservation error, -EFAULT when the response cannot be copied.
 */
int iommufd_veventq_alloc(struct iommufd_ucmd *ucmd)
{
	struct iommu_veventq_alloc *cmd = ucmd->cmd;
	struct iommufd_veventq *veventq;
	struct iommufd_viommu *viommu;
	int fdno;
	int rc;

	if (cmd->flags || cmd->__reserved ||
	    cmd->type == IOMMU_VEVENTQ_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if (!cmd->veventq_depth)
		return -EINVAL;

	viommu = iommufd_get_viommu(ucmd, cmd->viommu_id);
	if (IS_ERR(viommu))
		return PTR_ERR(viommu);

	down_write(&viommu->veventqs_rwsem);

	if (iommufd_viommu_find_veventq(viommu, cmd->type)) {
		rc = -EEXIST;
		goto out_unlock_veventqs;
	}

	/* Not the ucmd variant: the abort must run under veventqs_rwsem. */
	veventq = __iommufd_object_alloc(ucmd->ictx, veventq,
					 IOMMUFD_OBJ_VEVENTQ, common.obj);
	if (IS_ERR(veventq)) {
		rc = PTR_ERR(veventq);
		goto out_unlock_veventqs;
	}

	veventq->type = cmd->type;
	veventq->viommu = viommu;
	refcount_inc(&viommu->obj.users);
	veventq->depth = cmd->veventq_depth;
	list_add_tail(&veventq->node, &viommu->veventqs);
	INIT_LIST_HEAD(&veventq->lost_events_header.node);
	veventq->lost_events_header.header.flags =
		IOMMU_VEVENTQ_FLAG_LOST_EVENTS;

	fdno = iommufd_eventq_init(&veventq->common, "[iommufd-viommu-event]",
				   ucmd->ictx, &iommufd_veventq_fops);
	if (fdno < 0) {
		rc = fdno;
		goto out_abort;
	}

	cmd->out_veventq_id = veventq->common.obj.id;
	cmd->out_veventq_fd = fdno;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_put_fdno;

	iommufd_object_finalize(ucmd->ictx, &veventq->common.obj);
	/* Nothing can fail any more: only now may user space see the fd. */
	fd_install(fdno, veventq->common.filep);
	goto out_unlock_veventqs;

out_put_fdno:
	put_unused_fd(fdno);
out_abort:
	iommufd_object_abort_and_destroy(ucmd->ictx, &veventq->common.obj);
out_unlock_veventqs:
	up_write(&viommu->veventqs_rwsem);
	iommufd_put_object(ucmd->ictx, &viommu->obj);
	return rc;
}
