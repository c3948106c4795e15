// SPDX-License-Identifier: GPL-2.0
/*
 * debug.c - the object graph of a context, made visible.
 *
 * Every object type knows which objects it holds @users references on
 * (its ->refs op, next to its ->destroy).  From that, a context's graph can
 * be drawn, and a stuck teardown explained: an object's @users count minus
 * the table's reference minus the references other live objects hold is
 * what something outside the graph holds (a driver, a file, a mapping) or
 * what was leaked.
 *
 * A second question is which contexts stay alive after every descriptor of
 * theirs is closed.  A context lives as long as its file; the only holders
 * of the file besides descriptors are objects that took a context
 * reference (external accesses, non-mock devices, the files of fault and
 * event queues).  If such an object can itself only be destroyed by the
 * context's release, the two keep each other alive forever: the cycle the
 * internal access exists to break.  Contexts still open when the world is
 * audited are reported with that explanation.
 */
#include <linux/bug.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sprintf.h>
#include <kshim/report.h>
#include <kshim/world.h>

#include "io_pagetable.h"
#include "iommufd_debug.h"
#include "iommufd_private.h"

static const char *const type_names[IOMMUFD_OBJ_MAX] = {
	[IOMMUFD_OBJ_NONE] = "none",
	[IOMMUFD_OBJ_DEVICE] = "device",
	[IOMMUFD_OBJ_HWPT_PAGING] = "hwpt_paging",
	[IOMMUFD_OBJ_HWPT_NESTED] = "hwpt_nested",
	[IOMMUFD_OBJ_IOAS] = "ioas",
	[IOMMUFD_OBJ_ACCESS] = "access",
	[IOMMUFD_OBJ_FAULT] = "fault",
	[IOMMUFD_OBJ_VIOMMU] = "viommu",
	[IOMMUFD_OBJ_VDEVICE] = "vdevice",
	[IOMMUFD_OBJ_VEVENTQ] = "veventq",
	[IOMMUFD_OBJ_HW_QUEUE] = "hw_queue",
	[IOMMUFD_OBJ_SELFTEST] = "selftest",
};

const char *iommufd_object_type_name(enum iommufd_object_type type)
{
	if (type >= IOMMUFD_OBJ_MAX || !type_names[type])
		return "?";
	return type_names[type];
}

/* --- per-type references ---------------------------------------------- */

static void hwpt_common_refs(struct iommufd_hw_pagetable *hwpt,
			     iommufd_object_ref_fn fn, void *data)
{
	if (hwpt->fault)
		fn(&hwpt->obj, &hwpt->fault->common.obj, "fault", data);
}

void iommufd_hwpt_paging_refs(struct iommufd_object *obj,
			      iommufd_object_ref_fn fn, void *data)
{
	struct iommufd_hwpt_paging *hwpt_paging =
		container_of(obj, struct iommufd_hwpt_paging, common.obj);

	fn(obj, &hwpt_paging->ioas->obj, "ioas", data);
	hwpt_common_refs(&hwpt_paging->common, fn, data);
}

void iommufd_hwpt_nested_refs(struct iommufd_object *obj,
			      iommufd_object_ref_fn fn, void *data)
{
	struct iommufd_hwpt_nested *hwpt_nested =
		container_of(obj, struct iommufd_hwpt_nested, common.obj);

	/* Allocated through a vIOMMU, it holds the vIOMMU, not the parent. */
	if (hwpt_nested->viommu)
		fn(obj, &hwpt_nested->viommu->obj, "viommu", data);
	else
		fn(obj, &hwpt_nested->parent->common.obj, "parent", data);
	hwpt_common_refs(&hwpt_nested->common, fn, data);
}

void iommufd_access_refs(struct iommufd_object *obj,
			 iommufd_object_ref_fn fn, void *data)
{
	struct iommufd_access *access =
		container_of(obj, struct iommufd_access, obj);

	/* ioas_unpin: during a change the old IOAS is still referenced. */
	if (access->ioas_unpin)
		fn(obj, &access->ioas_unpin->obj, "ioas", data);
}

/* Every attachment a device is part of references its HWPT once. */
void iommufd_device_refs(struct iommufd_object *obj,
			 iommufd_object_ref_fn fn, void *data)
{
	struct iommufd_device *idev =
		container_of(obj, struct iommufd_device, obj);
	struct iommufd_attach *attach;
	unsigned long pasid;

	xa_for_each(&idev->igroup->pasid_attach, pasid, attach)
		if (attach->hwpt &&
		    xa_load(&attach->device_array, idev->obj.id))
			fn(obj, &attach->hwpt->obj, "attached", data);
}

void iommufd_viommu_refs(struct iommufd_object *obj,
			 iommufd_object_ref_fn fn, void *data)
{
	struct iommufd_viommu *viommu =
		container_of(obj, struct iommufd_viommu, obj);

	fn(obj, &viommu->hwpt->common.obj, "nest parent", data);
}

/* The device reference is the kept lookup (@users and @wait_cnt). */
void iommufd_vdevice_refs(struct iommufd_object *obj,
			  iommufd_object_ref_fn fn, void *data)
{
	struct iommufd_vdevice *vdev =
		container_of(obj, struct iommufd_vdevice, obj);

	fn(obj, &vdev->viommu->obj, "viommu", data);
	fn(obj, &vdev->idev->obj, "device", data);
}

void iommufd_hw_queue_refs(struct iommufd_object *obj,
			   iommufd_object_ref_fn fn, void *data)
{
	struct iommufd_hw_queue *hw_queue =
		container_of(obj, struct iommufd_hw_queue, obj);

	if (hw_queue->viommu)
		fn(obj, &hw_queue->viommu->obj, "viommu", data);
	/* The owner's reference on its internal access (no context ref). */
	if (hw_queue->access)
		fn(obj, &hw_queue->access->obj, "internal access", data);
	if (hw_queue->kshim_depended)
		fn(obj, &hw_queue->kshim_depended->obj, "depends on", data);
}

/* The vEVENTQ's file holds the object and the context, not the object. */
void iommufd_veventq_refs(struct iommufd_object *obj,
			  iommufd_object_ref_fn fn, void *data)
{
	struct iommufd_veventq *veventq = eventq_to_veventq(
		container_of(obj, struct iommufd_eventq, obj));

	fn(obj, &veventq->viommu->obj, "viommu", data);
}

bool iommufd_object_holds_ctx(struct iommufd_object *obj)
{
	switch (obj->type) {
	case IOMMUFD_OBJ_ACCESS:
		return !iommufd_access_is_internal(
			container_of(obj, struct iommufd_access, obj));
	case IOMMUFD_OBJ_DEVICE:
		return !iommufd_selftest_is_mock_dev(
			container_of(obj, struct iommufd_device, obj)->dev);
	default:
		/* Fault and event queue files hold it, not the objects. */
		return false;
	}
}

/* --- walks -------------------------------------------------------------- */

struct walk_ref_ctx {
	iommufd_debug_ref_fn rfn;
	void *data;
};

static void walk_ref(struct iommufd_object *holder, struct iommufd_object *held,
		     const char *what, void *data)
{
	struct walk_ref_ctx *w = data;

	w->rfn(holder->id, held->id, what, w->data);
}

static void fill_debug_object(struct iommufd_object *obj,
			      struct iommufd_debug_object *o)
{
	o->id = obj->id;
	o->type = obj->type;
	o->type_name = iommufd_object_type_name(obj->type);
	o->users = refcount_read(&obj->users);
	o->wait_cnt = refcount_read(&obj->wait_cnt);
	o->holds_ctx = iommufd_object_holds_ctx(obj);
}

/*
 * The walks run without the objects' own locks, from the front end while
 * no ioctl of this context runs; they read counts and pointers only.
 */
int iommufd_debug_walk(struct file *file, iommufd_debug_object_fn ofn,
		       iommufd_debug_ref_fn rfn, void *data)
{
	struct iommufd_ctx *ictx = iommufd_ctx_from_file(file);
	struct walk_ref_ctx w = { .rfn = rfn, .data = data };
	struct iommufd_object *obj;
	unsigned long index;

	if (IS_ERR(ictx))
		return PTR_ERR(ictx);
	xa_for_each(&ictx->objects, index, obj) {
		struct iommufd_debug_object o;

		fill_debug_object(obj, &o);
		if (ofn)
			ofn(&o, data);
		if (rfn)
			iommufd_object_for_each_ref(obj, walk_ref, &w);
	}
	iommufd_ctx_put(ictx);
	return 0;
}

int iommufd_debug_walk_areas(struct file *file, u32 ioas_id,
			     iommufd_debug_area_fn fn, void *data)
{
	struct iommufd_ctx *ictx = iommufd_ctx_from_file(file);
	struct iommufd_ioas *ioas;
	struct iopt_area *area;

	if (IS_ERR(ictx))
		return PTR_ERR(ictx);
	ioas = iommufd_get_ioas(ictx, ioas_id);
	if (IS_ERR(ioas)) {
		iommufd_ctx_put(ictx);
		return PTR_ERR(ioas);
	}
	down_read(&ioas->iopt.iova_rwsem);
	for (area = iopt_area_iter_first(&ioas->iopt, 0, ULONG_MAX); area;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX))
		fn(iopt_area_iova(area), iopt_area_last_iova(area),
		   area->num_accesses, area->num_locks, data);
	up_read(&ioas->iopt.iova_rwsem);
	iommufd_put_object(ictx, &ioas->obj);
	iommufd_ctx_put(ictx);
	return 0;
}

/* --- explanations ------------------------------------------------------ */

#define DESCRIBE_MAX	8192

struct describe {
	char *buf;
	size_t len;
	struct iommufd_ctx *ictx;
};

static void describe_printf(struct describe *d, const char *fmt, ...)
	__printf(2, 3);

static void describe_printf(struct describe *d, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	d->len += vscnprintf(d->buf + d->len, DESCRIBE_MAX - d->len, fmt,
			     args);
	va_end(args);
}

static void describe_ref(struct iommufd_object *holder,
			 struct iommufd_object *held, const char *what,
			 void *data)
{
	struct describe *d = data;

	describe_printf(d, "    %s %u -> %s %u (%s)\n",
			iommufd_object_type_name(holder->type), holder->id,
			iommufd_object_type_name(held->type), held->id, what);
}

struct count_refs {
	struct iommufd_object *target;
	unsigned int n;
};

static void count_ref(struct iommufd_object *holder,
		      struct iommufd_object *held, const char *what,
		      void *data)
{
	struct count_refs *c = data;

	if (held == c->target)
		c->n++;
}

char *iommufd_debug_describe(struct iommufd_ctx *ictx)
{
	struct describe d = { .ictx = ictx };
	struct iommufd_object *obj, *other;
	unsigned long index, j;

	d.buf = kzalloc(DESCRIBE_MAX, GFP_KERNEL | __GFP_NOFAIL);
	describe_printf(&d, "  objects (id type users wait_cnt; references the graph does not explain):\n");
	xa_for_each(&ictx->objects, index, obj) {
		struct count_refs c = { .target = obj };
		unsigned int users = refcount_read(&obj->users);
		int outside;

		xa_for_each(&ictx->objects, j, other)
			iommufd_object_for_each_ref(other, count_ref, &c);
		/* One reference is the table's. */
		outside = (int)users - 1 - (int)c.n;
		describe_printf(&d, "    %u %s users=%u wait_cnt=%u", obj->id,
				iommufd_object_type_name(obj->type), users,
				refcount_read(&obj->wait_cnt));
		if (outside > 0)
			describe_printf(&d, "; %d held from outside the graph (a driver, a file, a mapping, or a leak)",
					outside);
		if (iommufd_object_holds_ctx(obj))
			describe_printf(&d, "; holds a reference on the context");
		describe_printf(&d, "\n");
	}
	describe_printf(&d, "  references between them:\n");
	xa_for_each(&ictx->objects, index, obj)
		iommufd_object_for_each_ref(obj, describe_ref, &d);
	return d.buf;
}

/* --- live contexts ------------------------------------------------------ */

static LIST_HEAD(live_contexts);
static DEFINE_MUTEX(live_contexts_lock);

void iommufd_debug_ctx_opened(struct iommufd_ctx *ictx)
{
	mutex_lock(&live_contexts_lock);
	list_add_tail(&ictx->debug_node, &live_contexts);
	mutex_unlock(&live_contexts_lock);
}

void iommufd_debug_ctx_released(struct iommufd_ctx *ictx)
{
	mutex_lock(&live_contexts_lock);
	list_del(&ictx->debug_node);
	mutex_unlock(&live_contexts_lock);
}

unsigned int iommufd_debug_live_contexts(void)
{
	unsigned int n;

	mutex_lock(&live_contexts_lock);
	n = list_count_nodes(&live_contexts);
	mutex_unlock(&live_contexts_lock);
	return n;
}

/*
 * A context still open when the world shuts down: either a descriptor was
 * never closed, or objects of the context hold its file and can only be
 * destroyed by its release (a reference cycle).
 */
static int iommufd_debug_audit(FILE *out)
{
	struct iommufd_ctx *ictx;
	int problems = 0;

	mutex_lock(&live_contexts_lock);
	list_for_each_entry(ictx, &live_contexts, debug_node) {
		struct iommufd_object *obj;
		unsigned int holders = 0;
		unsigned long index;
		char *text, *title;

		xa_for_each(&ictx->objects, index, obj)
			holders += iommufd_object_holds_ctx(obj);
		text = iommufd_debug_describe(ictx);
		if (holders)
			title = kasprintf(GFP_KERNEL | __GFP_NOFAIL,
					  "iommufd: context kept alive by %u of its own objects holding its file (%ld references): reference cycle",
					  holders, file_count(ictx->file));
		else
			title = kasprintf(GFP_KERNEL | __GFP_NOFAIL,
					  "iommufd: context still open (%ld file references)",
					  file_count(ictx->file));
		kshim_report_issue(KSHIM_ISSUE_LEAK, title, text);
		kfree(title);
		kfree(text);
	}
	mutex_unlock(&live_contexts_lock);
	/* Each context is one issue in the report, which the audit counts. */
	return problems;
}

static void iommufd_debug_begin(void)
{
	/* Contexts a previous world leaked are that world's report. */
	INIT_LIST_HEAD(&live_contexts);
}

KSHIM_WORLD_HOOK(iommufd_debug_hook,
	.name = "iommufd",
	.prio = KSHIM_PRIO_MODULE,
	.begin = iommufd_debug_begin,
	.audit = iommufd_debug_audit,
);
