/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to kernel-shim/mm: what process.c, umem.c, gup.c, uaccess.c and
 * userfaultfd.c share.
 *
 * The pieces:
 *   process.c      simulated processes, mm_struct lifetime, credentials,
 *                  user_structs, rlimits, locked_vm accounting, the audit.
 *   umem.c         user mappings made by the simulator (VMAs in a global
 *                  index, since every simulated process shares the host
 *                  address space), fault plans and the software fault
 *                  path, memfd files.
 *   userfaultfd.c  the probe, registration, the monitor thread and the
 *                  SIGBUS catch around a first touch.
 *   gup.c          pin_user_pages* and friends, foreign (host) memory.
 *   uaccess.c      copy_{to,from}_user and friends.
 */
#ifndef _KSHIM_MM_INTERNAL_H
#define _KSHIM_MM_INTERNAL_H

#include <pthread.h>
#include <stdio.h>
#include <glib.h>
#include <asm/page.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <kshim/exec.h>
#include <kshim/umem.h>

/* The simulator's side of an mm_struct. */
struct kshim_mm {
	struct mm_struct *mm;
	/* Its VMAs (struct kshim_vma.mm_node): mmap_lock write + vma index. */
	struct list_head vmas;
	struct list_head node;		/* on the world's mm list */
	char name[16];
};

/*
 * A user mapping made by the simulator: [start, end) of @um's view, page
 * @pgoff of @um at @start.  Lives in the global VMA index; changed only
 * with the owning mm's mmap_lock held for write and the index lock held
 * for write, so holding either keeps it stable.
 */
struct kshim_vma {
	unsigned long start, end;
	int prot;			/* PROT_* */
	struct mm_struct *mm;
	struct kshim_umem *um;
	unsigned long pgoff;
	struct list_head mm_node;
};

/* Per-page state of a umem, one byte each, changed atomically. */
#define UMEM_PLAN_MASK		0x03	/* enum kshim_fault_plan */
#define UMEM_POPULATED		0x04	/* touched since (re)armed */
/*
 * The host state of the view page (changed under um->lock, and only while
 * no access is in flight, so an in-flight access sees it stable).
 */
#define UMEM_VIEW_GONE		0x08	/* munmapped */
#define UMEM_VIEW_NOREAD	0x10	/* PROT_NONE */

/* A change of the host view, deferred while accesses are in flight. */
struct umem_view_op {
	unsigned long start, end;	/* view addresses */
	int prot;			/* -1: munmap */
};

struct kshim_umem {
	int refs;			/* atomic: handle + VMAs + in-flight */
	char *view;			/* the user's address of page 0 */
	size_t size;
	unsigned long npages;
	struct kshim_phys_seg *seg;
	unsigned long seg_pgoff;	/* page of @seg behind page 0 */
	char *direct;			/* direct map of page 0 */
	int prot;			/* protection at creation */
	u8 *pstate;			/* UMEM_* per page */
	bool uffd;			/* registered with userfaultfd */
	bool uffd_minor;		/* ... also in MINOR mode */
	char name[32];

	struct mm_struct *mm;		/* mmgrab()bed owner of the VMAs */

	/* In-flight accesses that may touch the view; deferred view ops. */
	pthread_mutex_t lock;
	unsigned long inflight;
	GArray *pending;		/* struct umem_view_op, FIFO */

	/* Software stalls: struct umem_waiter, under @guard. */
	struct kshim_guard guard;
	struct list_head stalled;
	struct list_head node;		/* on the world's umem list */
};

/* The umem of the VMA covering @addr, if any. */
struct umem_lookup {
	struct kshim_vma *vma;		/* valid only under the index lock */
	struct kshim_umem *um;		/* with an in-flight reference */
	unsigned long start, end;	/* the VMA's range when found */
	unsigned long pgoff;		/* page of @um at @start */
	int prot;
	bool other_mm;			/* a simulator mapping of another mm */
	unsigned long next;		/* not found: start of the next VMA */
};

/* Page of the looked-up umem for @addr (inside [l->start, l->end)). */
static inline unsigned long umem_lookup_idx(const struct umem_lookup *l,
					    unsigned long addr)
{
	return l->pgoff + ((addr - l->start) >> PAGE_SHIFT);
}

/* umem.c */
void kshim_vma_index_read_lock(void);
void kshim_vma_index_read_unlock(void);
/* Under the read lock: the VMA containing @addr, or NULL. */
struct kshim_vma *kshim_vma_find(unsigned long addr);
/*
 * Resolve @addr for @mm (may be NULL): fills @l.  Return: 0 with an
 * in-flight reference on l->um (release with umem_inflight_put()), or
 * -ENOENT when no simulator mapping covers it (l->other_mm set if a mapping
 * of another address space does).
 */
int umem_lookup(struct mm_struct *mm, unsigned long addr,
		struct umem_lookup *l);
void umem_inflight_put(struct kshim_umem *um);
/*
 * The first-touch path of page @idx of @um.  @mm_locked: current holds
 * mm's mmap_lock for read and may drop it while a fault waits (NULL: no
 * lock held, or one that cannot be dropped).
 * Return: 0 if populated, -EFAULT if the plan failed the access, -EAGAIN
 * if the thread waited (the caller must look the mapping up again).
 */
int umem_fault_in(struct kshim_umem *um, unsigned long idx, bool write,
		  struct mm_struct *mm_locked);

static inline bool umem_page_populated(const struct kshim_umem *um,
				       unsigned long idx)
{
	return __atomic_load_n(&um->pstate[idx], __ATOMIC_ACQUIRE) &
	       UMEM_POPULATED;
}

static inline enum kshim_fault_plan umem_page_plan(const struct kshim_umem *um,
						   unsigned long idx)
{
	return __atomic_load_n(&um->pstate[idx], __ATOMIC_ACQUIRE) &
	       UMEM_PLAN_MASK;
}

static inline void umem_set_populated(struct kshim_umem *um, unsigned long idx)
{
	__atomic_fetch_or(&um->pstate[idx], UMEM_POPULATED, __ATOMIC_RELEASE);
}

/* The direct-map address of page @idx. */
static inline char *umem_direct(const struct kshim_umem *um, unsigned long idx)
{
	return um->direct + idx * PAGE_SIZE;
}

/*
 * The umem whose view covers @addr and the page index in *@idx, or NULL;
 * returns with the view index locked either way (umem_view_unlock()).
 * The monitor takes the uffd lock before unlocking: umem_free() forgets
 * the umem's events under that lock before anything of it is freed.
 */
struct kshim_umem *umem_view_find_lock(unsigned long addr,
				       unsigned long *idx);
void umem_view_unlock(void);
void umem_put(struct kshim_umem *um);
void kshim_umem_exit_mmap(struct mm_struct *mm);
void kshim_umem_world_begin(void);
int kshim_umem_world_audit(FILE *out);
void kshim_umem_world_end(void);

/* userfaultfd.c */
/* Whether umems created now should be registered. */
bool kshim_uffd_wanted(void);
/* Register @um's view; false if it cannot be (software path then). */
bool kshim_uffd_register(struct kshim_umem *um);
/*
 * Before munmap of a registered view range (still mapped by @um):
 * unregister it, which lets events held there go, and forget them.
 */
void kshim_uffd_unregister(struct kshim_umem *um, unsigned long start,
			   unsigned long end);
/* @um goes away: forget every event held for it (no ioctl). */
void kshim_uffd_forget(struct kshim_umem *um);
/*
 * Touch page @idx of registered @um from user mode.  Return: 0 if the
 * access went through, -EFAULT on SIGBUS (a poisoned page); *@stalled tells
 * whether the monitor held the fault.
 */
int kshim_uffd_touch(struct kshim_umem *um, unsigned long idx, bool write,
		     bool *stalled);
/* Plans changed or faults were released in [first, last] of @um. */
void kshim_uffd_replan(struct kshim_umem *um, unsigned long first,
		       unsigned long last, bool release);
/* uffd events held in [first, last] of @um. */
unsigned int kshim_uffd_stalled(struct kshim_umem *um, unsigned long first,
				unsigned long last);
/* True if a FAIL plan can be delivered through userfaultfd (POISON). */
bool kshim_uffd_can_fail(void);
void kshim_uffd_world_begin(void);
void kshim_uffd_world_end(void);

/* uaccess.c */
void kshim_uaccess_world_begin(void);

/* gup.c */
void kshim_gup_world_begin(void);

#endif /* _KSHIM_MM_INTERNAL_H */
