// SPDX-License-Identifier: GPL-2.0
/*
 * User memory made by the simulator (kshim/umem.h): umems and their VMAs,
 * the user's munmap/mprotect, fault plans and the software fault path,
 * memfd files.
 *
 * A umem is one user segment (simulated physical memory, a memfd) seen
 * twice: through the segment's direct map, which the simulated kernel
 * uses, and through a second MAP_SHARED mapping of the memfd, the "view",
 * at the user address.  VMAs describe which parts of the view the user
 * still has mapped and with which protection.
 *
 * Every simulated process lives in this host process, so VMAs of all mms
 * share one address space and sit in one global index (a balanced tree by
 * start address).  A lookup finds the VMA and tells whether it belongs to
 * the mm asking.
 *
 * Lifetimes.  um->refs counts the creator's handle, each VMA and each
 * in-flight access.  An in-flight access holds um->inflight as well: while
 * it is not 0, changes of the host view (munmap, mprotect) are queued in
 * um->pending and done by the last access to leave, so an access that
 * touches the view never finds it gone under its feet.  The segment is
 * put when the last reference goes; frames that are still pinned outlive
 * it (kshim/physmem.h).
 *
 * Locking order: mm->mmap_lock (write, for VMA changes) -> vma_index_lock
 * (host rwlock) -> um->lock (host mutex).  um->guard protects the software
 * stall waiters and is only ever taken alone.  views_lock (host mutex)
 * protects the index of views used by the userfaultfd monitor, alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <glib.h>
#include <linux/bug.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <kshim/fault.h>
#include <kshim/process.h>
#include <kshim/umem.h>
#include "mm_internal.h"

/* A thread stalled by the software path on page @idx. */
struct umem_waiter {
	struct kshim_waiter w;
	unsigned long idx;
	bool released;			/* kshim_fault_release() covered it */
};

struct kshim_memfd {
	int refs;			/* atomic */
	struct kshim_phys_seg *seg;
	size_t size;
	unsigned long npages;
	struct list_head node;		/* on the world's memfd list */
};

static pthread_rwlock_t vma_index_lock = PTHREAD_RWLOCK_INITIALIZER;
static GTree *vma_index;		/* start -> struct kshim_vma */

static pthread_mutex_t views_lock = PTHREAD_MUTEX_INITIALIZER;
static GTree *view_index;		/* view start -> struct kshim_umem */
static LIST_HEAD(umems);		/* under views_lock */
static LIST_HEAD(memfds);		/* under views_lock */

static gint addr_cmp(gconstpointer a, gconstpointer b, gpointer data)
{
	uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;

	return x < y ? -1 : x > y;
}

/* The value of the node with the greatest key <= @addr in @tree. */
static void *tree_floor(GTree *tree, unsigned long addr)
{
	GTreeNode *node;

	if (!tree)
		return NULL;
	node = g_tree_upper_bound(tree, (gpointer)addr);
	node = node ? g_tree_node_previous(node) : g_tree_node_last(tree);
	return node ? g_tree_node_value(node) : NULL;
}

void kshim_vma_index_read_lock(void)
{
	pthread_rwlock_rdlock(&vma_index_lock);
}

void kshim_vma_index_read_unlock(void)
{
	pthread_rwlock_unlock(&vma_index_lock);
}

struct kshim_vma *kshim_vma_find(unsigned long addr)
{
	struct kshim_vma *vma = tree_floor(vma_index, addr);

	return vma && addr < vma->end ? vma : NULL;
}

static void vma_insert_locked(struct kshim_vma *vma)
{
	g_tree_insert(vma_index, (gpointer)vma->start, vma);
}

static void vma_remove_locked(struct kshim_vma *vma)
{
	g_tree_remove(vma_index, (gpointer)vma->start);
}

/* umem references */

static void umem_get(struct kshim_umem *um)
{
	__atomic_add_fetch(&um->refs, 1, __ATOMIC_RELAXED);
}

/* Do the queued changes of the host view; um->lock held, nothing in flight. */
static void umem_view_ops_locked(struct kshim_umem *um, GArray *ops)
{
	unsigned int i;
	unsigned long p;

	for (i = 0; i < ops->len; i++) {
		struct umem_view_op *op = &g_array_index(ops, struct umem_view_op,
							 i);
		unsigned long first = (op->start - (unsigned long)um->view) >>
				      PAGE_SHIFT;
		unsigned long last = first +
				     ((op->end - op->start) >> PAGE_SHIFT);

		if (op->prot < 0) {
			if (um->uffd)
				kshim_uffd_unregister(um, op->start, op->end);
			if (munmap((void *)op->start, op->end - op->start))
				pr_warn("kshim: munmap of a user view failed: %m\n");
			for (p = first; p < last; p++)
				__atomic_fetch_or(&um->pstate[p], UMEM_VIEW_GONE,
						  __ATOMIC_RELEASE);
			continue;
		}
		if (mprotect((void *)op->start, op->end - op->start, op->prot))
			pr_warn("kshim: mprotect of a user view failed: %m\n");
		for (p = first; p < last; p++) {
			if (op->prot & (PROT_READ | PROT_WRITE))
				__atomic_fetch_and(&um->pstate[p],
						   (u8)~UMEM_VIEW_NOREAD,
						   __ATOMIC_RELEASE);
			else
				__atomic_fetch_or(&um->pstate[p],
						  UMEM_VIEW_NOREAD,
						  __ATOMIC_RELEASE);
		}
	}
	g_array_set_size(ops, 0);
}

/* Change the host view now, or when the last in-flight access leaves. */
static void umem_view_op(struct kshim_umem *um, unsigned long start,
			 unsigned long end, int prot)
{
	struct umem_view_op op = { .start = start, .end = end, .prot = prot };

	pthread_mutex_lock(&um->lock);
	g_array_append_val(um->pending, op);
	if (!um->inflight)
		umem_view_ops_locked(um, um->pending);
	pthread_mutex_unlock(&um->lock);
}

static void umem_free(struct kshim_umem *um)
{
	unsigned long i, run = 0;

	pthread_mutex_lock(&views_lock);
	g_tree_remove(view_index, um->view);
	list_del(&um->node);
	pthread_mutex_unlock(&views_lock);
	/*
	 * The monitor may have found @um just before: it works on it under
	 * the uffd lock, which forgetting takes, so after this @um is ours.
	 */
	if (um->uffd)
		kshim_uffd_forget(um);

	/* Normally every view page is gone by now; be safe. */
	for (i = 0; i <= um->npages; i++) {
		if (i < um->npages && !(um->pstate[i] & UMEM_VIEW_GONE)) {
			run++;
			continue;
		}
		if (run)
			umem_view_op(um, (unsigned long)um->view +
					 (i - run) * PAGE_SIZE,
				     (unsigned long)um->view + i * PAGE_SIZE, -1);
		run = 0;
	}
	WARN_ON(!list_empty(&um->stalled));
	kshim_phys_seg_put(um->seg);
	mmdrop(um->mm);
	kshim_guard_destroy(&um->guard);
	pthread_mutex_destroy(&um->lock);
	g_array_free(um->pending, TRUE);
	g_free(um->pstate);
	g_free(um);
}

void umem_put(struct kshim_umem *um)
{
	int left = __atomic_sub_fetch(&um->refs, 1, __ATOMIC_ACQ_REL);

	WARN_ON(left < 0);
	if (!left)
		umem_free(um);
}

struct kshim_umem *umem_view_find_lock(unsigned long addr, unsigned long *idx)
{
	struct kshim_umem *um;

	pthread_mutex_lock(&views_lock);
	um = tree_floor(view_index, addr);
	if (um && addr >= (unsigned long)um->view + um->size)
		um = NULL;
	if (um)
		*idx = (addr - (unsigned long)um->view) >> PAGE_SHIFT;
	return um;
}

void umem_view_unlock(void)
{
	pthread_mutex_unlock(&views_lock);
}

int umem_lookup(struct mm_struct *mm, unsigned long addr,
		struct umem_lookup *l)
{
	struct kshim_vma *vma;
	struct kshim_umem *um;

	l->other_mm = false;
	pthread_rwlock_rdlock(&vma_index_lock);
	vma = kshim_vma_find(addr);
	if (!vma || vma->mm != mm) {
		l->other_mm = vma != NULL;
		l->next = ~0UL;
		if (!vma && vma_index) {
			GTreeNode *node = g_tree_upper_bound(vma_index,
							     (gpointer)addr);

			if (node)
				l->next = (unsigned long)g_tree_node_key(node);
		}
		pthread_rwlock_unlock(&vma_index_lock);
		return -ENOENT;
	}
	um = vma->um;
	l->vma = vma;
	l->um = um;
	l->start = vma->start;
	l->end = vma->end;
	l->prot = vma->prot;
	l->pgoff = vma->pgoff;
	pthread_mutex_lock(&um->lock);
	um->inflight++;
	pthread_mutex_unlock(&um->lock);
	umem_get(um);
	pthread_rwlock_unlock(&vma_index_lock);
	return 0;
}

void umem_inflight_put(struct kshim_umem *um)
{
	pthread_mutex_lock(&um->lock);
	if (!WARN_ON(!um->inflight) && !--um->inflight && um->pending->len)
		umem_view_ops_locked(um, um->pending);
	pthread_mutex_unlock(&um->lock);
	umem_put(um);
}

/* The software fault path */

/*
 * Consult the plan of page @idx: resolve, fail, or stall on um->guard until
 * released or re-planned.  See umem_fault_in() for @mm_locked and the
 * result.
 */
static int umem_soft_fault(struct kshim_umem *um, unsigned long idx,
			   struct mm_struct *mm_locked)
{
	struct kshim_blocker what = {
		.kind = KSHIM_BLOCK_FAULT,
		.obj = &um->pstate[idx],
		.name = um->name,
	};
	struct umem_waiter uw = { .w.task = current, .idx = idx };
	bool dropped = false, waited = false;
	u8 st;
	int ret;

	INIT_LIST_HEAD(&uw.w.node);
	kshim_guard_lock(&um->guard);
	for (;;) {
		st = __atomic_load_n(&um->pstate[idx], __ATOMIC_ACQUIRE);
		if (st & UMEM_POPULATED) {
			ret = 0;
			break;
		}
		if ((st & UMEM_PLAN_MASK) == KSHIM_FAULT_RESOLVE ||
		    uw.released) {
			umem_set_populated(um, idx);
			ret = 0;
			break;
		}
		if ((st & UMEM_PLAN_MASK) == KSHIM_FAULT_FAIL) {
			ret = -EFAULT;
			break;
		}
		/* STALL.  A waiting fault does not hold mmap_lock. */
		if (mm_locked && !dropped) {
			kshim_guard_unlock(&um->guard);
			mmap_read_unlock(mm_locked);
			dropped = true;
			kshim_guard_lock(&um->guard);
			continue;
		}
		if (list_empty(&uw.w.node))
			list_add_tail(&uw.w.node, &um->stalled);
		kshim_block(&um->guard, &what, KSHIM_NO_TIMEOUT);
		waited = true;
	}
	if (!list_empty(&uw.w.node))
		list_del_init(&uw.w.node);
	kshim_guard_unlock(&um->guard);
	if (dropped)
		mmap_read_lock(mm_locked);
	if (!ret && (dropped || waited))
		ret = -EAGAIN;
	return ret;
}

int umem_fault_in(struct kshim_umem *um, unsigned long idx, bool write,
		  struct mm_struct *mm_locked)
{
	u8 st = __atomic_load_n(&um->pstate[idx], __ATOMIC_ACQUIRE);
	bool stalled = false;
	int ret;

	if (st & UMEM_POPULATED)
		return 0;
	/*
	 * Under userfaultfd the first touch is a real user-mode access of the
	 * view, which the monitor sees.  It needs a readable host view, and a
	 * FAIL plan needs UFFDIO_POISON; otherwise the software path decides.
	 */
	if (um->uffd && !(st & (UMEM_VIEW_GONE | UMEM_VIEW_NOREAD)) &&
	    ((st & UMEM_PLAN_MASK) != KSHIM_FAULT_FAIL ||
	     kshim_uffd_can_fail())) {
		if (mm_locked)
			mmap_read_unlock(mm_locked);
		ret = kshim_uffd_touch(um, idx, write, &stalled);
		if (mm_locked)
			mmap_read_lock(mm_locked);
		if (ret)
			return ret;
		if (umem_page_populated(um, idx))
			return stalled || mm_locked ? -EAGAIN : 0;
		/* Mapped without a fault event (no MINOR mode): software. */
		ret = umem_soft_fault(um, idx, mm_locked);
		return !ret && mm_locked ? -EAGAIN : ret;
	}
	return umem_soft_fault(um, idx, mm_locked);
}

/* Fault plans */

static int plan_range(struct kshim_umem *um, size_t offset, size_t len,
		      unsigned long *first, unsigned long *last)
{
	if (!len || offset >= um->size || len > um->size - offset)
		return -EINVAL;
	*first = offset >> PAGE_SHIFT;
	*last = (offset + len - 1) >> PAGE_SHIFT;
	return 0;
}

/* Wake software waiters of [first, last]; mark them released if @release. */
static void wake_stalled(struct kshim_umem *um, unsigned long first,
			 unsigned long last, bool release)
{
	struct umem_waiter *uw, *n;

	kshim_guard_lock(&um->guard);
	list_for_each_entry_safe(uw, n, &um->stalled, w.node) {
		if (uw->idx < first || uw->idx > last)
			continue;
		list_del_init(&uw->w.node);
		uw->released = release;
		uw->w.granted = true;
		kshim_wake(uw->w.task);
	}
	kshim_guard_unlock(&um->guard);
}

/* Drop the view's page-table entries of [first, last] so they fault again. */
static void rearm_view(struct kshim_umem *um, unsigned long first,
		       unsigned long last)
{
	unsigned long i, run = 0;

	pthread_mutex_lock(&um->lock);
	for (i = first; i <= last + 1; i++) {
		if (i <= last && !(um->pstate[i] & UMEM_VIEW_GONE)) {
			run++;
			continue;
		}
		if (run)
			madvise(um->view + (i - run) * PAGE_SIZE,
				run * PAGE_SIZE, MADV_DONTNEED);
		run = 0;
	}
	pthread_mutex_unlock(&um->lock);
}

int kshim_fault_plan_set(struct kshim_umem *um, size_t offset, size_t len,
			 enum kshim_fault_plan plan)
{
	unsigned long first, last, i;
	u8 st;

	if (plan_range(um, offset, len, &first, &last) ||
	    plan > KSHIM_FAULT_FAIL)
		return -EINVAL;
	kshim_guard_lock(&um->guard);
	for (i = first; i <= last; i++) {
		st = __atomic_load_n(&um->pstate[i], __ATOMIC_RELAXED);
		while (!__atomic_compare_exchange_n(&um->pstate[i], &st,
			(st & ~(UMEM_PLAN_MASK | UMEM_POPULATED)) | plan,
			false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			;
	}
	kshim_guard_unlock(&um->guard);
	if (um->uffd) {
		rearm_view(um, first, last);
		kshim_uffd_replan(um, first, last, false);
	}
	wake_stalled(um, first, last, false);
	return 0;
}

void kshim_fault_release(struct kshim_umem *um, size_t offset, size_t len)
{
	unsigned long first, last;

	if (WARN_ON(plan_range(um, offset, len, &first, &last)))
		return;
	if (um->uffd)
		kshim_uffd_replan(um, first, last, true);
	wake_stalled(um, first, last, true);
}

unsigned int kshim_fault_stalled(struct kshim_umem *um, size_t offset,
				 size_t len)
{
	unsigned long first, last;
	struct umem_waiter *uw;
	unsigned int n = 0;

	if (WARN_ON(plan_range(um, offset, len, &first, &last)))
		return 0;
	kshim_guard_lock(&um->guard);
	list_for_each_entry(uw, &um->stalled, w.node)
		if (uw->idx >= first && uw->idx <= last)
			n++;
	kshim_guard_unlock(&um->guard);
	if (um->uffd)
		n += kshim_uffd_stalled(um, first, last);
	return n;
}

int kshim_fault_wait_stalled(struct kshim_umem *um, size_t offset, size_t len,
			     unsigned int n, unsigned int timeout_ms)
{
	unsigned int waited = 0;

	while (kshim_fault_stalled(um, offset, len) < n) {
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		msleep(1);
		waited++;
	}
	return 0;
}

/* umems */

/* Reserve @size bytes at an address that is @misalign past @align. */
static void *reserve_view(size_t size, unsigned long align,
			  unsigned long misalign)
{
	size_t span = size + align + misalign;
	char *base, *at;

	base = mmap(NULL, span, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	at = (char *)ALIGN((unsigned long)base, align) + misalign;
	if (at > base)
		munmap(base, at - base);
	if (base + span > at + size)
		munmap(at + size, base + span - (at + size));
	return at;
}

static struct kshim_umem *umem_create(struct kshim_process *p,
				      struct kshim_phys_seg *seg,
				      unsigned long seg_pgoff,
				      unsigned long npages,
				      const struct kshim_umem_opts *opts)
{
	struct mm_struct *mm = kshim_process_mm(p);
	size_t size = npages * PAGE_SIZE;
	unsigned long align = opts->align;
	struct kshim_umem *um;
	struct kshim_vma *vma;
	void *at;
	int prot = opts->prot ? opts->prot : PROT_READ | PROT_WRITE;

	if (!mm)
		return ERR_PTR(-EINVAL);
	if (!align)
		align = size >= HPAGE_SIZE ? HPAGE_SIZE : PAGE_SIZE;
	if (align < PAGE_SIZE || (align & (align - 1)) ||
	    !PAGE_ALIGNED(opts->misalign) || prot & ~(PROT_READ | PROT_WRITE) ||
	    opts->plan < KSHIM_FAULT_RESOLVE || opts->plan > KSHIM_FAULT_FAIL)
		return ERR_PTR(-EINVAL);
	at = reserve_view(size, align, opts->misalign);
	if (!at)
		return ERR_PTR(-ENOMEM);
	if (mmap(at, size, prot, MAP_SHARED | MAP_FIXED, seg->memfd,
		 seg_pgoff * PAGE_SIZE) == MAP_FAILED) {
		munmap(at, size);
		return ERR_PTR(-ENOMEM);
	}

	um = g_new0(struct kshim_umem, 1);
	um->refs = 1;
	um->view = at;
	um->size = size;
	um->npages = npages;
	um->seg = seg;
	um->seg_pgoff = seg_pgoff;
	um->direct = (char *)seg->direct + seg_pgoff * PAGE_SIZE;
	um->prot = prot;
	um->pstate = g_new0(u8, npages);
	memset(um->pstate, (opts->plan & UMEM_PLAN_MASK) |
	       (prot & (PROT_READ | PROT_WRITE) ? 0 : UMEM_VIEW_NOREAD), npages);
	g_strlcpy(um->name, opts->name ? opts->name : "umem",
		  sizeof(um->name));
	um->mm = mm;
	mmgrab(mm);
	pthread_mutex_init(&um->lock, NULL);
	um->pending = g_array_new(FALSE, FALSE, sizeof(struct umem_view_op));
	kshim_guard_init(&um->guard);
	INIT_LIST_HEAD(&um->stalled);
	if (!opts->no_uffd && kshim_uffd_wanted())
		um->uffd = kshim_uffd_register(um);

	pthread_mutex_lock(&views_lock);
	g_tree_insert(view_index, um->view, um);
	list_add_tail(&um->node, &umems);
	pthread_mutex_unlock(&views_lock);

	vma = g_new0(struct kshim_vma, 1);
	vma->start = (unsigned long)at;
	vma->end = vma->start + size;
	vma->prot = prot;
	vma->mm = mm;
	vma->um = um;
	umem_get(um);
	mmap_write_lock(mm);
	pthread_rwlock_wrlock(&vma_index_lock);
	vma_insert_locked(vma);
	pthread_rwlock_unlock(&vma_index_lock);
	list_add_tail(&vma->mm_node, &mm->kshim->vmas);
	mm->total_vm += npages;
	mmap_write_unlock(mm);
	return um;
}

struct kshim_umem *kshim_umem_alloc(struct kshim_process *p, size_t size,
				    const struct kshim_umem_opts *opts)
{
	struct kshim_umem_opts def = {};
	struct kshim_phys_seg *seg;
	struct kshim_umem *um;
	unsigned long npages;
	int err;

	if (!opts)
		opts = &def;
	if (!size || size > (KSHIM_PHYS_PFNS << PAGE_SHIFT))
		return ERR_PTR(-EINVAL);
	npages = PAGE_ALIGN(size) >> PAGE_SHIFT;
	seg = kshim_phys_seg_create(npages, opts->policy,
				    opts->name ? opts->name : "umem", &err);
	if (!seg)
		return ERR_PTR(err);
	um = umem_create(p, seg, 0, npages, opts);
	if (IS_ERR(um))
		kshim_phys_seg_put(seg);
	return um;
}

void __user *kshim_umem_addr(const struct kshim_umem *um)
{
	return um->view;
}

size_t kshim_umem_size(const struct kshim_umem *um)
{
	return um->size;
}

struct page *kshim_umem_frame(const struct kshim_umem *um, unsigned long idx)
{
	if (WARN_ON(idx >= um->npages))
		return NULL;
	return kshim_phys_seg_page(um->seg, um->seg_pgoff + idx);
}

bool kshim_umem_populated(const struct kshim_umem *um, unsigned long idx)
{
	return idx < um->npages && umem_page_populated(um, idx);
}

bool kshim_umem_uses_uffd(const struct kshim_umem *um)
{
	return um->uffd;
}

/* munmap and mprotect */

/* A VMA change to do on the host view once the locks are dropped. */
struct vma_change {
	struct kshim_umem *um;
	unsigned long start, end;
	int prot;			/* -1: unmapped */
	bool put;			/* the VMA went: drop its reference */
};

/* Split @vma at @addr (inside it); the new upper part is returned. */
static struct kshim_vma *vma_split_locked(struct kshim_vma *vma,
					  unsigned long addr)
{
	struct kshim_vma *hi = g_new0(struct kshim_vma, 1);

	*hi = *vma;
	hi->start = addr;
	hi->pgoff = vma->pgoff + ((addr - vma->start) >> PAGE_SHIFT);
	vma->end = addr;
	umem_get(vma->um);
	vma_insert_locked(hi);
	list_add_tail(&hi->mm_node, &vma->mm_node);
	return hi;
}

/*
 * Apply munmap (@prot < 0) or mprotect to [start, end) of @mm's simulator
 * VMAs.  With @only set, only VMAs of that umem.
 */
static void vma_change_range(struct mm_struct *mm, unsigned long start,
			     unsigned long end, int prot,
			     struct kshim_umem *only)
{
	GArray *changes = g_array_new(FALSE, FALSE, sizeof(struct vma_change));
	struct kshim_vma *vma, *n;
	unsigned int i;

	mmap_write_lock(mm);
	pthread_rwlock_wrlock(&vma_index_lock);
	list_for_each_entry_safe(vma, n, &mm->kshim->vmas, mm_node) {
		struct vma_change c;

		if (vma->end <= start || vma->start >= end ||
		    (only && vma->um != only))
			continue;
		if (vma->start < start)
			vma = vma_split_locked(vma, start);
		if (vma->end > end)
			vma_split_locked(vma, end);
		c.um = vma->um;
		c.start = vma->start;
		c.end = vma->end;
		c.prot = prot;
		c.put = prot < 0;
		if (prot < 0) {
			vma_remove_locked(vma);
			list_del(&vma->mm_node);
			mm->total_vm -= (vma->end - vma->start) >> PAGE_SHIFT;
			g_free(vma);
		} else {
			vma->prot = prot;
		}
		g_array_append_val(changes, c);
	}
	pthread_rwlock_unlock(&vma_index_lock);
	mmap_write_unlock(mm);

	for (i = 0; i < changes->len; i++) {
		struct vma_change *c = &g_array_index(changes,
						      struct vma_change, i);

		umem_view_op(c->um, c->start, c->end, c->prot);
		if (c->put)
			umem_put(c->um);
	}
	g_array_free(changes, TRUE);
}

static int user_range(struct kshim_process *p, unsigned long addr, size_t len,
		      struct mm_struct **mm)
{
	*mm = p ? kshim_process_mm(p) : NULL;
	if (!*mm || !PAGE_ALIGNED(addr) || !len ||
	    addr + PAGE_ALIGN(len) < addr)
		return -EINVAL;
	return 0;
}

int kshim_user_munmap(struct kshim_process *p, unsigned long addr, size_t len)
{
	struct mm_struct *mm;

	if (user_range(p, addr, len, &mm))
		return -EINVAL;
	vma_change_range(mm, addr, addr + PAGE_ALIGN(len), -1, NULL);
	return 0;
}

int kshim_user_mprotect(struct kshim_process *p, unsigned long addr,
			size_t len, int prot)
{
	struct mm_struct *mm;

	if (user_range(p, addr, len, &mm) ||
	    prot & ~(PROT_READ | PROT_WRITE))
		return -EINVAL;
	vma_change_range(mm, addr, addr + PAGE_ALIGN(len), prot, NULL);
	return 0;
}

void kshim_umem_unmap(struct kshim_umem *um)
{
	if (atomic_read(&um->mm->mm_users))
		vma_change_range(um->mm, (unsigned long)um->view,
				 (unsigned long)um->view + um->size, -1, um);
	umem_put(um);
}

void kshim_umem_exit_mmap(struct mm_struct *mm)
{
	vma_change_range(mm, 0, ~0UL, -1, NULL);
}

/* memfd files */

struct kshim_memfd *kshim_memfd_create(size_t size,
				       enum kshim_phys_policy policy,
				       const char *name)
{
	struct kshim_memfd *f;
	struct kshim_phys_seg *seg;
	unsigned long npages;
	int err;

	if (!size || size > (KSHIM_PHYS_PFNS << PAGE_SHIFT))
		return ERR_PTR(-EINVAL);
	npages = PAGE_ALIGN(size) >> PAGE_SHIFT;
	seg = kshim_phys_seg_create(npages, policy, name ? name : "memfd",
				    &err);
	if (!seg)
		return ERR_PTR(err);
	/* The file is exactly @size bytes, as ftruncate would make it. */
	if (ftruncate(seg->memfd, size)) {
		kshim_phys_seg_put(seg);
		return ERR_PTR(-ENOMEM);
	}
	f = g_new0(struct kshim_memfd, 1);
	f->refs = 1;
	f->seg = seg;
	f->size = size;
	f->npages = npages;
	pthread_mutex_lock(&views_lock);
	list_add_tail(&f->node, &memfds);
	pthread_mutex_unlock(&views_lock);
	return f;
}

struct kshim_memfd *kshim_memfd_get(struct kshim_memfd *f)
{
	WARN_ON(__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED) <= 1);
	return f;
}

void kshim_memfd_put(struct kshim_memfd *f)
{
	if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL))
		return;
	pthread_mutex_lock(&views_lock);
	list_del(&f->node);
	pthread_mutex_unlock(&views_lock);
	kshim_phys_seg_put(f->seg);
	g_free(f);
}

int kshim_memfd_fd(const struct kshim_memfd *f)
{
	return f->seg->memfd;
}

size_t kshim_memfd_size(const struct kshim_memfd *f)
{
	return f->size;
}

struct kshim_memfd *kshim_memfd_lookup(int fd)
{
	struct kshim_memfd *f, *found = NULL;

	pthread_mutex_lock(&views_lock);
	list_for_each_entry(f, &memfds, node) {
		if (f->seg->memfd == fd) {
			found = kshim_memfd_get(f);
			break;
		}
	}
	pthread_mutex_unlock(&views_lock);
	return found;
}

long kshim_memfd_pin_pages(struct kshim_memfd *f, unsigned long pgoff,
			   unsigned long npages, struct page **pages,
			   bool write)
{
	unsigned long i;

	kshim_might_sleep(__FILE__, __LINE__);
	kshim_sched_point(KSHIM_PT_UACCESS, f);
	if (!npages || pgoff >= f->npages || npages > f->npages - pgoff)
		return -EINVAL;
	if (kshim_fault_point())
		return -ENOMEM;
	for (i = 0; i < npages; i++) {
		pages[i] = kshim_phys_seg_page(f->seg, pgoff + i);
		page_ref_add(pages[i], GUP_PIN_COUNTING_BIAS);
	}
	return npages;
}

struct kshim_umem *kshim_memfd_mmap(struct kshim_process *p,
				    struct kshim_memfd *f, size_t offset,
				    size_t len, int prot)
{
	struct kshim_umem_opts opts = { .prot = prot, .name = "memfd-map" };
	struct kshim_umem *um;
	unsigned long npages;

	if (!PAGE_ALIGNED(offset) || !len || offset >= f->size ||
	    len > PAGE_ALIGN(f->size) - offset)
		return ERR_PTR(-EINVAL);
	npages = PAGE_ALIGN(len) >> PAGE_SHIFT;
	kshim_phys_seg_get(f->seg);
	um = umem_create(p, f->seg, offset >> PAGE_SHIFT, npages, &opts);
	if (IS_ERR(um))
		kshim_phys_seg_put(f->seg);
	return um;
}

/* World */

void kshim_umem_world_begin(void)
{
	pthread_rwlock_wrlock(&vma_index_lock);
	if (!vma_index)
		vma_index = g_tree_new_full(addr_cmp, NULL, NULL, NULL);
	pthread_rwlock_unlock(&vma_index_lock);
	pthread_mutex_lock(&views_lock);
	if (!view_index)
		view_index = g_tree_new_full(addr_cmp, NULL, NULL, NULL);
	INIT_LIST_HEAD(&umems);
	INIT_LIST_HEAD(&memfds);
	pthread_mutex_unlock(&views_lock);
}

int kshim_umem_world_audit(FILE *out)
{
	struct kshim_memfd *f;
	struct kshim_umem *um;
	int problems = 0;

	pthread_mutex_lock(&views_lock);
	list_for_each_entry(um, &umems, node) {
		if (out)
			fprintf(out, "mm: user memory %s (%lu pages at %p) was never unmapped\n",
				um->name, um->npages, um->view);
		problems++;
	}
	list_for_each_entry(f, &memfds, node) {
		if (out)
			fprintf(out, "mm: memfd %d (%zu bytes) was never put\n",
				f->seg->memfd, f->size);
		problems++;
	}
	pthread_mutex_unlock(&views_lock);
	return problems;
}

static gboolean free_vma(gpointer key, gpointer value, gpointer data)
{
	g_free(value);
	return FALSE;
}

/*
 * Release what the world left: views are unmapped, structures freed.
 * Segments are not touched: physmem releases them at its own end.
 */
void kshim_umem_world_end(void)
{
	struct kshim_memfd *f, *fn;
	struct kshim_umem *um, *n;

	pthread_rwlock_wrlock(&vma_index_lock);
	if (vma_index) {
		g_tree_foreach(vma_index, free_vma, NULL);
		g_tree_destroy(vma_index);
		vma_index = NULL;
	}
	pthread_rwlock_unlock(&vma_index_lock);

	pthread_mutex_lock(&views_lock);
	list_for_each_entry_safe(um, n, &umems, node) {
		unsigned long i;

		for (i = 0; i < um->npages; i++)
			if (!(um->pstate[i] & UMEM_VIEW_GONE))
				munmap(um->view + i * PAGE_SIZE, PAGE_SIZE);
		list_del(&um->node);
		if (um->uffd)
			kshim_uffd_forget(um);
		g_array_free(um->pending, TRUE);
		g_free(um->pstate);
		g_free(um);
	}
	list_for_each_entry_safe(f, fn, &memfds, node) {
		list_del(&f->node);
		g_free(f);
	}
	if (view_index) {
		g_tree_destroy(view_index);
		view_index = NULL;
	}
	pthread_mutex_unlock(&views_lock);
}
