// SPDX-License-Identifier: GPL-2.0
/*
 * I/O page faults: iopf queues, fault reporting, page responses.
 *
 * A device can report page requests once its IOMMU driver put it on an
 * iopf queue (iopf_queue_add_device()), which gives it a fault parameter:
 *
 *   partial  requests without LAST_PAGE, kept until their group's last
 *            request arrives;
 *   faults   groups handed to a handler and not yet answered.
 *
 * The last request of a group builds a struct iopf_group from the partial
 * requests with the same group ID and hands it to the iopf_handler of the
 * domain whose attach handle sits at the request's PASID (or at the RID
 * when the request has no PASID, or when the driver keeps the PASID table
 * in user memory and the RID has a nested domain).  A handler that accepts
 * the group answers it later with iopf_group_response(), which reaches the
 * driver's page_response(), and frees it with iopf_free_group().  A group
 * nobody can handle is answered INVALID at once.  Removing a device from
 * its queue answers INVALID for every group still pending, so the device
 * never waits for an answer that cannot come; the groups themselves stay
 * valid until their handler frees them (each holds a fault-parameter
 * reference).
 *
 * Lock order: queue->lock -> dev->iommu->lock -> fault_param->lock ->
 * (driver's page_response).  The handler runs with none of them held, in
 * the reporting thread: the kernel's workqueue for SVA is not modelled, and
 * iommufd's handler only queues the group.
 */
#include <linux/bug.h>
#include <linux/iommu.h>
#include <linux/slab.h>
#include "iommu-priv.h"

struct iommu_fault_param *iopf_get_dev_fault_param(struct device *dev)
{
	struct dev_iommu *param = dev->iommu;
	struct iommu_fault_param *fault_param;

	if (!param)
		return NULL;
	mutex_lock(&param->lock);
	fault_param = param->fault_param;
	if (fault_param && !refcount_inc_not_zero(&fault_param->users))
		fault_param = NULL;
	mutex_unlock(&param->lock);
	return fault_param;
}

void iopf_put_dev_fault_param(struct iommu_fault_param *fault_param)
{
	if (refcount_dec_and_test(&fault_param->users)) {
		mutex_destroy(&fault_param->lock);
		kfree(fault_param);
	}
}

/**
 * iopf_queue_alloc() - allocate an iopf queue
 * @name: for messages (unused)
 *
 * Return: the queue, or NULL.
 */
struct iopf_queue *iopf_queue_alloc(const char *name)
{
	struct iopf_queue *queue;

	queue = kzalloc(sizeof(*queue), GFP_KERNEL);
	if (!queue)
		return NULL;
	INIT_LIST_HEAD(&queue->devices);
	mutex_init(&queue->lock);
	return queue;
}

/**
 * iopf_queue_free() - free a queue, removing the devices still on it
 * @queue: the queue, or NULL
 */
void iopf_queue_free(struct iopf_queue *queue)
{
	struct iommu_fault_param *fault_param, *next;

	if (!queue)
		return;
	list_for_each_entry_safe(fault_param, next, &queue->devices, queue_list)
		iopf_queue_remove_device(queue, fault_param->dev);
	mutex_destroy(&queue->lock);
	kfree(queue);
}

/**
 * iopf_queue_add_device() - let a device report page requests
 * @queue: the driver's queue
 * @dev: a probed device
 *
 * Return: 0, -ENODEV, -EBUSY if the device is on a queue, -ENOMEM.
 */
int iopf_queue_add_device(struct iopf_queue *queue, struct device *dev)
{
	struct dev_iommu *param = dev->iommu;
	struct iommu_fault_param *fault_param;
	int ret = 0;

	if (!param)
		return -ENODEV;
	mutex_lock(&queue->lock);
	mutex_lock(&param->lock);
	if (param->fault_param) {
		ret = -EBUSY;
		goto out_unlock;
	}
	fault_param = kzalloc(sizeof(*fault_param), GFP_KERNEL);
	if (!fault_param) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	mutex_init(&fault_param->lock);
	INIT_LIST_HEAD(&fault_param->partial);
	INIT_LIST_HEAD(&fault_param->faults);
	refcount_set(&fault_param->users, 1);	/* the device's own */
	fault_param->dev = dev;
	fault_param->queue = queue;
	list_add(&fault_param->queue_list, &queue->devices);
	param->fault_param = fault_param;
out_unlock:
	mutex_unlock(&param->lock);
	mutex_unlock(&queue->lock);
	return ret;
}

/**
 * iopf_queue_remove_device() - stop a device's page requests
 * @queue: the queue the device is on (WARN otherwise)
 * @dev: the device
 *
 * Partial requests are dropped; groups still waiting for an answer are
 * answered INVALID through the driver.
 */
void iopf_queue_remove_device(struct iopf_queue *queue, struct device *dev)
{
	struct dev_iommu *param = dev->iommu;
	struct iommu_fault_param *fault_param;
	struct iopf_fault *iopf, *next_iopf;
	struct iopf_group *group, *next_group;
	const struct iommu_ops *ops = dev_iommu_ops(dev);

	mutex_lock(&queue->lock);
	mutex_lock(&param->lock);
	fault_param = param->fault_param;
	if (WARN_ON(!fault_param || fault_param->queue != queue))
		goto out_unlock;

	mutex_lock(&fault_param->lock);
	list_for_each_entry_safe(iopf, next_iopf, &fault_param->partial, list)
		kfree(iopf);
	INIT_LIST_HEAD(&fault_param->partial);
	list_for_each_entry_safe(group, next_group, &fault_param->faults,
				 pending_node) {
		struct iopf_fault *last = &group->last_fault;
		struct iommu_page_response resp = {
			.pasid = last->fault.prm.pasid,
			.grpid = last->fault.prm.grpid,
			.code = IOMMU_PAGE_RESP_INVALID,
		};

		ops->page_response(dev, last, &resp);
		list_del_init(&group->pending_node);
	}
	mutex_unlock(&fault_param->lock);

	list_del(&fault_param->queue_list);
	param->fault_param = NULL;
	iopf_put_dev_fault_param(fault_param);	/* the device's reference */
out_unlock:
	mutex_unlock(&param->lock);
	mutex_unlock(&queue->lock);
}

/* Keep a request that is not the last of its group. */
static void report_partial_fault(struct iommu_fault_param *fault_param,
				 struct iommu_fault *fault)
{
	struct iopf_fault *iopf;

	iopf = kzalloc(sizeof(*iopf), GFP_KERNEL);
	if (!iopf)
		return;		/* the group will be incomplete, as in the kernel */
	iopf->fault = *fault;
	mutex_lock(&fault_param->lock);
	list_add(&iopf->list, &fault_param->partial);
	mutex_unlock(&fault_param->lock);
}

/*
 * Build the group that @evt completes.  If there is no memory, the group
 * on the caller's stack (@abort_group) is used, only to answer INVALID.
 * The group takes over the caller's fault-parameter reference and is
 * pending (on fault_param->faults) from here on.
 */
static struct iopf_group *iopf_group_alloc(struct iommu_fault_param *fault_param,
					   struct iopf_fault *evt,
					   struct iopf_group *abort_group)
{
	struct iopf_fault *iopf, *next;
	struct iopf_group *group;

	group = kzalloc(sizeof(*group), GFP_KERNEL);
	if (!group)
		group = abort_group;
	group->fault_param = fault_param;
	group->last_fault.fault = evt->fault;
	INIT_LIST_HEAD(&group->faults);
	INIT_LIST_HEAD(&group->pending_node);
	INIT_LIST_HEAD(&group->node);
	list_add(&group->last_fault.list, &group->faults);

	mutex_lock(&fault_param->lock);
	list_for_each_entry_safe(iopf, next, &fault_param->partial, list) {
		if (iopf->fault.prm.grpid == evt->fault.prm.grpid)
			list_move(&iopf->list, &group->faults);
	}
	list_add(&group->pending_node, &fault_param->faults);
	mutex_unlock(&fault_param->lock);
	group->fault_count = list_count_nodes(&group->faults);
	return group;
}

/* Find the handle whose domain handles @group; 0 or -ENOENT. */
static int iopf_find_handle(struct device *dev, struct iopf_group *group)
{
	struct iommu_fault_page_request *prm = &group->last_fault.fault.prm;
	struct iommu_attach_handle *handle;

	if (prm->flags & IOMMU_FAULT_PAGE_REQUEST_PASID_VALID) {
		handle = iommu_attach_handle_get(dev->iommu_group, prm->pasid,
						 0);
		if (IS_ERR(handle)) {
			/*
			 * With the PASID table in user memory, every PASID
			 * is translated by the nested domain of the RID.
			 */
			if (!dev_iommu_ops(dev)->user_pasid_table)
				return -ENOENT;
			handle = iommu_attach_handle_get(dev->iommu_group,
							 IOMMU_NO_PASID,
							 IOMMU_DOMAIN_NESTED);
		}
	} else {
		handle = iommu_attach_handle_get(dev->iommu_group,
						 IOMMU_NO_PASID, 0);
	}
	if (IS_ERR(handle))
		return -ENOENT;
	group->attach_handle = handle;
	return 0;
}

static void __iopf_free_group(struct iopf_group *group)
{
	struct iopf_fault *iopf, *next;

	list_for_each_entry_safe(iopf, next, &group->faults, list) {
		if (!(iopf->fault.prm.flags &
		      IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE))
			kfree(iopf);
	}
	iopf_put_dev_fault_param(group->fault_param);
}

/**
 * iopf_free_group() - free a group a handler accepted
 * @group: the group, answered with iopf_group_response() first
 */
void iopf_free_group(struct iopf_group *group)
{
	__iopf_free_group(group);
	kfree(group);
}

/**
 * iommu_report_device_fault() - a driver reports a page request
 * @dev: the device, on an iopf queue (WARN otherwise)
 * @evt: the request; copied, the caller keeps it
 *
 * A request without LAST_PAGE is kept; the last one of a group delivers
 * the whole group to the handler of the domain attached at its PASID.
 * When nothing can handle it the group is answered INVALID at once.
 */
void iommu_report_device_fault(struct device *dev, struct iopf_fault *evt)
{
	struct iommu_fault *fault = &evt->fault;
	struct iommu_fault_param *fault_param;
	struct iopf_group abort_group = {};
	struct iopf_group *group;

	fault_param = iopf_get_dev_fault_param(dev);
	if (WARN_ON(!fault_param))
		return;

	if (!(fault->prm.flags & IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE)) {
		report_partial_fault(fault_param, fault);
		iopf_put_dev_fault_param(fault_param);
		/* Only the last request of a group is answered. */
		return;
	}

	group = iopf_group_alloc(fault_param, evt, &abort_group);
	if (group == &abort_group)
		goto err_abort;
	if (iopf_find_handle(dev, group))
		goto err_abort;
	if (!group->attach_handle->domain->iopf_handler)
		goto err_abort;
	/* From here the handler answers and frees the group. */
	if (group->attach_handle->domain->iopf_handler(group))
		goto err_abort;
	return;

err_abort:
	dev_warn_ratelimited(dev, "iopf with pasid %u aborted\n",
			     fault->prm.pasid);
	iopf_group_response(group, IOMMU_PAGE_RESP_INVALID);
	if (group == &abort_group)
		__iopf_free_group(group);
	else
		iopf_free_group(group);
}

/**
 * iopf_group_response() - answer a page request group
 * @group: the group
 * @status: the answer
 *
 * Sent through the driver's page_response() unless the group was already
 * answered (for instance when its device left the iopf queue).
 */
void iopf_group_response(struct iopf_group *group,
			 enum iommu_page_response_code status)
{
	struct iommu_fault_param *fault_param = group->fault_param;
	struct iopf_fault *iopf = &group->last_fault;
	struct iommu_page_response resp = {
		.pasid = iopf->fault.prm.pasid,
		.grpid = iopf->fault.prm.grpid,
		.code = status,
	};

	mutex_lock(&fault_param->lock);
	if (!list_empty(&group->pending_node)) {
		struct device *dev = fault_param->dev;

		dev_iommu_ops(dev)->page_response(dev, iopf, &resp);
		list_del_init(&group->pending_node);
	}
	mutex_unlock(&fault_param->lock);
}
