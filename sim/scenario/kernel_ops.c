// SPDX-License-Identifier: GPL-2.0
/*
 * kernel_ops.c - the scenario engine as an in-kernel driver.
 *
 * In-kernel steps (kaccess_*, dma_*, the driver's own mutexes) and the
 * assertions that look inside the kernel run here, on the scenario thread,
 * without entering a process: like a driver's kernel thread, they hold
 * kernel locks across steps if the scenario says so, and only the steps
 * that are system calls check that nothing is held on return.
 *
 * This is the only file of sim/ that includes iommufd_private.h.  It has
 * to: the internal-access API (iommufd_access_create_internal(),
 * iommufd_access_attach_internal() by IOAS pointer, _destroy_internal())
 * is declared there and nowhere else, as in the kernel, where only code
 * inside the iommufd module (the HW queue) may use it; the scenario engine
 * plays exactly that role.  Everything else here uses the public driver API
 * (linux/iommufd.h) or the simulator's debug and selftest headers.
 */
#include <glib.h>		/* before kernel headers: they define noinline */
#include <errno.h>
#include <string.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <kshim/umem.h>
#include <iommufd_sim.h>
#include "iommufd_private.h"
#include "iommufd_selftest.h"
#include "kernel_ops.h"
#include "ops.h"

/* ---- contexts ----------------------------------------------------------- */

struct ctx_lookup {
	int fd;
	struct iommufd_ctx *ictx;
};

static int ctx_lookup_fn(void *data)
{
	struct ctx_lookup *l = data;
	struct file *file = fget(l->fd);

	if (!file)
		return -EBADF;
	l->ictx = iommufd_ctx_from_file(file);
	fput(file);
	if (IS_ERR(l->ictx)) {
		int rc = PTR_ERR(l->ictx);

		l->ictx = NULL;
		return rc;
	}
	/* The pointer is kept without a reference: valid while @fd is open. */
	iommufd_ctx_put(l->ictx);
	return 0;
}

void *sc_kernel_ctx_of(struct iommufd_sim_proc *p, int fd)
{
	struct ctx_lookup l = { .fd = fd };

	if (iommufd_sim_call(p, ctx_lookup_fn, &l))
		return NULL;
	return l.ictx;
}

struct file *sc_kernel_ctx_file(void *ictx)
{
	return ((struct iommufd_ctx *)ictx)->file;
}

/* The iommufd_ctx of the step's iommufd. */
static struct iommufd_ctx *step_ctx(struct sc_exec *x)
{
	if (x->st->ctx < 0)
		return NULL;
	return x->run->h[x->st->ctx].ptr;
}

/* ---- driver mutexes ------------------------------------------------------- */

/*
 * A scenario's mutex with a lockdep class of its own (named after the
 * handle), so that two of them in opposite orders are an ABBA report.
 * Slots are never freed: lockdep's classes and held-lock stacks may still
 * point at them when the world is audited after the program returned.
 */
struct kmutex_slot {
	struct mutex mutex;
	struct lock_class_key key;
	char name[64];
};

static GPtrArray *kmutex_slots;
static GMutex kmutex_slots_lock;

static struct kmutex_slot *kmutex_slot(unsigned int handle)
{
	struct kmutex_slot *s;

	g_mutex_lock(&kmutex_slots_lock);
	if (!kmutex_slots)
		kmutex_slots = g_ptr_array_new();
	while (kmutex_slots->len <= handle)
		g_ptr_array_add(kmutex_slots, g_new0(struct kmutex_slot, 1));
	s = g_ptr_array_index(kmutex_slots, handle);
	g_mutex_unlock(&kmutex_slots_lock);
	return s;
}

int sc_x_kmutex(struct sc_exec *x)
{
	struct sc_rt_handle *h = sc_new_handle(x);
	const struct sc_handle *hd = g_ptr_array_index(x->run->sc->handles,
						       x->st->handle);
	struct kmutex_slot *s = kmutex_slot(x->st->handle);

	memset(&s->mutex, 0, sizeof(s->mutex));
	g_strlcpy(s->name, hd->name, sizeof(s->name));
	__mutex_init(&s->mutex, s->name, &s->key);
	h->ptr = &s->mutex;
	h->v[0] = 0;		/* holder: thread index + 1 */
	return 0;
}

static struct mutex *arg_mutex(struct sc_exec *x, struct sc_rt_handle **hp)
{
	struct sc_rt_handle *h = sc_handle_arg(x, "mutex", NULL);

	*hp = h;
	return h->ptr;
}

int sc_x_klock(struct sc_exec *x)
{
	struct sc_rt_handle *h;
	struct mutex *m = arg_mutex(x, &h);

	mutex_lock(m);
	h->v[0] = x->th->index + 1;
	return 0;
}

int sc_x_kunlock(struct sc_exec *x)
{
	struct sc_rt_handle *h;
	struct mutex *m = arg_mutex(x, &h);

	if (h->v[0] != (uint64_t)x->th->index + 1)
		return sc_error(x, "kunlock: this thread does not hold the mutex (lock it with klock first)");
	h->v[0] = 0;
	mutex_unlock(m);
	return 0;
}

/* ---- in-kernel accesses ---------------------------------------------------- */

struct kpin {
	unsigned long iova, length;
};

/* The driver's locks, in the order its scenario gave them. */
static void kaccess_lock(struct sc_rt_handle *h)
{
	for (unsigned int i = 0; h->locks && i < h->locks->len; i++)
		mutex_lock(h->run->h[g_array_index(h->locks, int, i)].ptr);
}

static void kaccess_unlock(struct sc_rt_handle *h)
{
	for (unsigned int i = h->locks ? h->locks->len : 0; i-- > 0;)
		mutex_unlock(h->run->h[g_array_index(h->locks, int, i)].ptr);
}

/*
 * The driver's unmap callback: "drop" unpins every pin it recorded that
 * intersects the range (under its lock, if it has one), as a VFIO mdev
 * driver does; "ignore" is a driver that does not (the core then retries
 * and gives up).
 */
static void kaccess_unmap(void *data, unsigned long iova, unsigned long length)
{
	struct sc_rt_handle *h = data;
	unsigned long last = iova + length - 1;

	if (h->unmap_mode == 1)
		return;
	kaccess_lock(h);
	for (unsigned int i = 0; h->pins && i < h->pins->len; i++) {
		struct kpin *p = &g_array_index(h->pins, struct kpin, i);

		if (p->iova > last || p->iova + p->length - 1 < iova)
			continue;
		iommufd_access_unpin_pages(h->ptr, p->iova, p->length);
		g_array_remove_index(h->pins, i--);
	}
	kaccess_unlock(h);
}

static const struct iommufd_access_ops kaccess_ops = {
	.needs_pin_pages = 1,
	.unmap = kaccess_unmap,
};

int sc_x_kaccess_create(struct sc_exec *x)
{
	struct iommufd_ctx *ictx = step_ctx(x);
	const struct sc_arg *locks = sc_arg(x, "lock");
	struct iommufd_access *access;
	struct sc_rt_handle *h;
	u32 id = 0;

	h = sc_new_handle(x);
	h->live = false;
	h->internal = sc_has(x, "internal");
	h->unmap_mode = sc_num(x, "unmap");
	if (h->locks)
		g_array_unref(h->locks);
	h->locks = g_array_new(FALSE, FALSE, sizeof(int));
	for (unsigned int i = 0; locks->set && i < locks->list->len; i++) {
		int li = g_array_index(locks->list, uint64_t, i);

		g_array_append_val(h->locks, li);
	}
	h->pins = g_array_new(FALSE, FALSE, sizeof(struct kpin));
	if (h->internal) {
		access = iommufd_access_create_internal(ictx);
		if (!IS_ERR(access))
			id = access->obj.id;
	} else {
		access = iommufd_access_create(ictx, &kaccess_ops, h, &id);
	}
	if (IS_ERR(access))
		return PTR_ERR(access);
	h->live = true;
	h->ptr = access;
	h->v[0] = id;
	/* An internal access's owner knows its context; the access does not. */
	h->ctx = x->st->ctx;
	return 0;
}

/* The access of a kaccess_* step, or an error if it was destroyed. */
static struct sc_rt_handle *kaccess_arg(struct sc_exec *x, int *rc)
{
	struct sc_rt_handle *h = sc_handle_arg(x, "access", NULL);

	*rc = 0;
	if (!h->ptr)
		*rc = sc_error(x, "%s: the access was destroyed by an earlier step",
			       x->st->op->name);
	return h;
}

static struct iommufd_ctx *kaccess_ctx(struct sc_rt_handle *h)
{
	return h->run->h[h->ctx].ptr;
}

int sc_x_kaccess_attach(struct sc_exec *x)
{
	struct sc_rt_handle *h;
	struct iommufd_ioas *ioas;
	int rc;

	h = kaccess_arg(x, &rc);
	if (rc)
		return rc;
	if (!h->internal)
		return iommufd_access_attach(h->ptr, sc_id(x, "ioas"));
	ioas = iommufd_get_ioas(kaccess_ctx(h), sc_id(x, "ioas"));
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);
	rc = iommufd_access_attach_internal(h->ptr, ioas);
	iommufd_put_object(kaccess_ctx(h), &ioas->obj);
	return rc;
}

int sc_x_kaccess_replace(struct sc_exec *x)
{
	struct sc_rt_handle *h;
	int rc;

	h = kaccess_arg(x, &rc);
	if (rc)
		return rc;
	if (h->internal)
		return sc_error(x, "kaccess_replace: an internal access cannot be replaced (the kernel has no such API; detach and attach instead)");
	return iommufd_access_replace(h->ptr, sc_id(x, "ioas"));
}

int sc_x_kaccess_detach(struct sc_exec *x)
{
	struct sc_rt_handle *h;
	int rc;

	h = kaccess_arg(x, &rc);
	if (rc)
		return rc;
	if (h->internal)
		iommufd_access_detach_internal(h->ptr);
	else
		iommufd_access_detach(h->ptr);
	return 0;
}

int sc_x_kaccess_pin(struct sc_exec *x)
{
	unsigned long iova = sc_num(x, "iova"), length = sc_num(x, "length");
	unsigned int flags = sc_has(x, "write") ? IOMMUFD_ACCESS_RW_WRITE : 0;
	struct sc_rt_handle *h;
	struct page **pages;
	unsigned long npages;
	int rc;

	h = kaccess_arg(x, &rc);
	if (rc)
		return rc;
	if (!length || iova + length < iova)
		npages = 1;
	else
		npages = ((iova + length - 1) >> PAGE_SHIFT) - (iova >> PAGE_SHIFT) + 1;
	if (npages > (64UL << 20) >> PAGE_SHIFT)
		return sc_error(x, "kaccess_pin: %lu pages is more than a test pins (at most 64M)",
				npages);
	pages = kcalloc(npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	/* The pin and its record are one step under the driver's lock. */
	kaccess_lock(h);
	rc = iommufd_access_pin_pages(h->ptr, iova, length, pages, flags);
	if (!rc) {
		struct kpin p = { iova, length };

		g_array_append_val(h->pins, p);
	}
	kaccess_unlock(h);
	kfree(pages);
	return rc;
}

int sc_x_kaccess_unpin(struct sc_exec *x)
{
	unsigned long iova = sc_num(x, "iova"), length = sc_num(x, "length");
	struct sc_rt_handle *h;
	int rc;

	h = kaccess_arg(x, &rc);
	if (rc)
		return rc;
	kaccess_lock(h);
	if (sc_has(x, "all")) {
		/* The driver's close path: let go of every pin it holds. */
		while (h->pins->len) {
			struct kpin p = g_array_index(h->pins, struct kpin, 0);

			g_array_remove_index(h->pins, 0);
			iommufd_access_unpin_pages(h->ptr, p.iova, p.length);
		}
		kaccess_unlock(h);
		return 0;
	}
	for (unsigned int i = 0; i < h->pins->len; i++) {
		struct kpin *p = &g_array_index(h->pins, struct kpin, i);

		if (p->iova == iova && p->length == length) {
			g_array_remove_index(h->pins, i);
			break;
		}
	}
	iommufd_access_unpin_pages(h->ptr, iova, length);
	kaccess_unlock(h);
	return 0;
}

int sc_x_kaccess_rw(struct sc_exec *x)
{
	const struct sc_arg *data = sc_arg(x, "data");
	unsigned int flags = IOMMUFD_ACCESS_RW_KTHREAD;
	struct sc_rt_handle *h;
	size_t len;
	void *buf;
	int rc;

	h = kaccess_arg(x, &rc);
	if (rc)
		return rc;
	if (sc_has(x, "write")) {
		if (!data->set)
			return sc_error(x, "kaccess_rw: a write needs data=");
		flags |= IOMMUFD_ACCESS_RW_WRITE;
		len = sc_has(x, "length") ? sc_num(x, "length") : data->bytes->len;
	} else {
		len = sc_has(x, "length") ? sc_num(x, "length") :
		      data->set ? data->bytes->len : 0;
	}
	if (!len || len > (16UL << 20))
		return sc_error(x, "kaccess_rw: give length= (1 byte to 16M)");
	buf = kvzalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (flags & IOMMUFD_ACCESS_RW_WRITE)
		memcpy(buf, data->bytes->data, MIN(len, (size_t)data->bytes->len));
	rc = iommufd_access_rw(h->ptr, sc_num(x, "iova"), buf, len, flags);
	if (!rc && !(flags & IOMMUFD_ACCESS_RW_WRITE))
		sc_out_bytes(x, "data", buf, len);
	kvfree(buf);
	return rc;
}

static void kaccess_destroy(struct sc_rt_handle *h)
{
	if (h->internal)
		iommufd_access_destroy_internal(kaccess_ctx(h), h->ptr);
	else
		iommufd_access_destroy(h->ptr);
	h->ptr = NULL;
}

int sc_x_kaccess_destroy(struct sc_exec *x)
{
	struct sc_rt_handle *h;
	int rc;

	h = kaccess_arg(x, &rc);
	if (rc)
		return rc;
	kaccess_destroy(h);
	return 0;
}

/*
 * The run is being abandoned half way: like a driver being unbound, let go
 * of every pin, attachment and access the scenario still has, so that the
 * audit reports what the kernel left behind, not what the scenario did not
 * get to undo.
 */
void sc_kernel_cleanup(struct sc_run *run)
{
	for (unsigned int i = 0; i < run->sc->handles->len; i++) {
		const struct sc_handle *hd = g_ptr_array_index(run->sc->handles, i);
		struct sc_rt_handle *h = &run->h[i];
		struct iommufd_access *access = h->ptr;

		if (hd->type != SC_H_KACCESS || !h->live || !access)
			continue;
		while (h->pins->len) {
			struct kpin p = g_array_index(h->pins, struct kpin, 0);

			g_array_remove_index(h->pins, 0);
			iommufd_access_unpin_pages(access, p.iova, p.length);
		}
		if (access->ioas) {
			if (h->internal)
				iommufd_access_detach_internal(access);
			else
				iommufd_access_detach(access);
		}
		kaccess_destroy(h);
	}
}

/* ---- mock device DMA ------------------------------------------------------- */

int sc_x_dma_read(struct sc_exec *x)
{
	size_t len = sc_num(x, "length");
	void *buf;
	int rc;

	if (!len || len > (16UL << 20))
		return sc_error(x, "dma_read: length must be 1 byte to 16M");
	buf = g_malloc0(len);
	rc = iommufd_selftest_dma(step_ctx(x), sc_id(x, "dev"),
				  sc_num_or(x, "pasid", IOMMU_NO_PASID),
				  sc_num(x, "iova"), buf, len, false);
	if (!rc)
		sc_out_bytes(x, "data", buf, len);
	g_free(buf);
	return rc;
}

int sc_x_dma_write(struct sc_exec *x)
{
	const struct sc_arg *data = sc_arg(x, "data");

	return iommufd_selftest_dma(step_ctx(x), sc_id(x, "dev"),
				    sc_num_or(x, "pasid", IOMMU_NO_PASID),
				    sc_num(x, "iova"), data->bytes->data,
				    data->bytes->len, true);
}

/* ---- assertions that look inside -------------------------------------------- */

int sc_x_expect_pins(struct sc_exec *x)
{
	struct sc_rt_handle *b = sc_handle_arg(x, "buf", NULL);
	uint64_t off = sc_num(x, "offset");
	uint64_t len = sc_num_or(x, "length", PAGE_SIZE);
	uint64_t want = sc_num(x, "count");

	if (off % PAGE_SIZE || !len || off + len > b->v[1])
		return sc_error(x, "expect pins: offset must be page aligned and the range inside the buffer (size %#" G_GINT64_MODIFIER "x)",
				b->v[1]);
	for (uint64_t o = off; o < off + len; o += PAGE_SIZE) {
		struct page *page = kshim_umem_frame(b->ptr, o / PAGE_SIZE);
		unsigned int pins = page_ref_count(page) / GUP_PIN_COUNTING_BIAS;

		if (pins != want)
			return sc_assert_fail(x, "expect pins: page at offset %#" G_GINT64_MODIFIER "x is pinned %u times, expected %" G_GUINT64_FORMAT,
					      o, pins, want);
	}
	return 0;
}

int sc_x_expect_translation(struct sc_exec *x)
{
	struct iommufd_ctx *ictx = step_ctx(x);
	uint64_t iova = sc_num(x, "iova");
	struct iommufd_hw_pagetable *hwpt;
	struct iommufd_object *obj;
	phys_addr_t have, want = 0;
	u32 id = sc_id(x, "hwpt");
	int hi;

	/* A mock device stands for the HWPT it is attached to. */
	if (sc_handle_arg(x, "hwpt", &hi) &&
	    ((struct sc_handle *)g_ptr_array_index(x->run->sc->handles, hi))->type ==
	    SC_H_MOCKDEV)
		id = x->run->h[hi].v[2];
	obj = iommufd_get_object(ictx, id, IOMMUFD_OBJ_ANY);
	if (IS_ERR(obj))
		return sc_error(x, "expect translation: no object %u", id);
	if (obj->type != IOMMUFD_OBJ_HWPT_PAGING &&
	    obj->type != IOMMUFD_OBJ_HWPT_NESTED) {
		iommufd_put_object(ictx, obj);
		return sc_error(x, "expect translation: object %u is not a HWPT", id);
	}
	hwpt = container_of(obj, struct iommufd_hw_pagetable, obj);
	have = iommu_iova_to_phys(hwpt->domain, iova);
	iommufd_put_object(ictx, obj);

	if (!sc_has(x, "none")) {
		struct sc_rt_handle *b = sc_handle_arg(x, "buf", NULL);
		uint64_t off = sc_num(x, "offset");

		if (!b)
			return sc_error(x, "expect translation: say where it should lead (buf= and offset=) or write 'none'");
		if (off >= b->v[1])
			return sc_error(x, "expect translation: offset is past the buffer");
		want = page_to_phys(kshim_umem_frame(b->ptr, off / PAGE_SIZE)) +
		       off % PAGE_SIZE;
	}
	if (have != want) {
		if (!want)
			return sc_assert_fail(x, "expect translation: IOVA %#" G_GINT64_MODIFIER "x translates to %#llx, expected no translation",
					      iova, (unsigned long long)have);
		if (!have)
			return sc_assert_fail(x, "expect translation: IOVA %#" G_GINT64_MODIFIER "x does not translate, expected %#llx",
					      iova, (unsigned long long)want);
		return sc_assert_fail(x, "expect translation: IOVA %#" G_GINT64_MODIFIER "x translates to %#llx, expected %#llx (the buffer's frame)",
				      iova, (unsigned long long)have,
				      (unsigned long long)want);
	}
	return 0;
}

int sc_x_expect_object(struct sc_exec *x)
{
	struct iommufd_ctx *ictx = step_ctx(x);
	u32 id = sc_id(x, "object");
	struct iommufd_object *obj;
	unsigned int users = 0;
	bool found;

	xa_lock(&ictx->objects);
	obj = xa_load(&ictx->objects, id);
	found = obj && !xa_is_zero(obj);
	if (found)
		users = refcount_read(&obj->users);
	xa_unlock(&ictx->objects);

	if (sc_has(x, "gone")) {
		if (found)
			return sc_assert_fail(x, "expect object: object %u still exists (users=%u)",
					      id, users);
		return 0;
	}
	if (!found)
		return sc_assert_fail(x, "expect object: there is no object %u", id);
	if (sc_has(x, "users") && users != sc_num(x, "users"))
		return sc_assert_fail(x, "expect object: object %u has users=%u, expected %" G_GUINT64_FORMAT,
				      id, users, sc_num(x, "users"));
	return 0;
}
