/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the io_pagetable/pages suites.
 *
 * The tests drive the iopt_* layer directly, without the object layer or
 * the uAPI: an io_pagetable of a test IOAS, domains of the mock IOMMU
 * (attached to nothing: iommu_map() does not need a device), user memory
 * of a simulated process, and accesses built by hand.  Every test runs in
 * its own world (ktest_tcase) with the mock IOMMU registered; the world's
 * audit fails the test on a leaked allocation, pin, charge, WARN or lock.
 */
#ifndef _IOPT_TEST_H
#define _IOPT_TEST_H

#include <check.h>
#include <linux/err.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <kshim/process.h>
#include <kshim/umem.h>
#include <mock_iommu.h>

#include "io_pagetable.h"
#include "iommufd_private.h"
#include "ktest.h"

/* A test case whose tests run with the mock IOMMU registered. */
TCase *iopt_tcase(const char *name);

/*
 * The environment of one test: a process (entered by the test thread), a
 * context with its accounting mode, an IOAS and a mock device to allocate
 * domains from.
 */
struct t_env {
	struct kshim_process *proc;
	struct iommufd_ctx ictx;
	struct iommufd_ioas *ioas;
	struct io_pagetable *iopt;
	struct mock_dev *mdev;
	struct iommu_domain *domains[4];
	unsigned int ndomains;
};

/* Create the process (memlock bytes, 0 = default) and enter it. */
void t_env_init(struct t_env *env, unsigned long memlock, u64 caps);
/* Unmap everything, remove the domains, free all, leave the process. */
void t_env_fini(struct t_env *env);

/* A second IOAS in the same context. */
struct iommufd_ioas *t_ioas_alloc(void);
void t_ioas_free(struct iommufd_ioas *ioas);

/* A paging domain of the mock with @cfg (NULL: the kernel mock's). */
struct iommu_domain *t_domain_alloc(struct t_env *env, u32 flags);
/* Allocate and add a domain to the env's IOAS, asserting success. */
struct iommu_domain *t_add_domain(struct t_env *env, u32 flags);
void t_remove_domain(struct t_env *env, struct iommu_domain *domain);

/* User memory of the env's process, @npages pages. */
struct kshim_umem *t_umem(struct t_env *env, unsigned long npages,
			  enum kshim_phys_policy policy);
static inline void *t_uptr(struct kshim_umem *um, unsigned long offset)
{
	return (char *)kshim_umem_addr(um) + offset;
}

/* Pins on a frame (a FOLL_PIN counts GUP_PIN_COUNTING_BIAS). */
static inline unsigned int t_pins(struct page *page)
{
	return page_ref_count(page) / GUP_PIN_COUNTING_BIAS;
}

/* Pins on page @idx of @um. */
static inline unsigned int t_umem_pins(struct kshim_umem *um, unsigned long idx)
{
	return t_pins(kshim_umem_frame(um, idx));
}

/* iopt_map_user_pages() with IOMMU_READ|WRITE|CACHE. */
int t_map(struct t_env *env, struct io_pagetable *iopt, unsigned long *iova,
	  void *uptr, unsigned long length, bool fixed);
/* iopt_get_pages() + iopt_map_pages(), as IOMMU_IOAS_COPY does. */
int t_copy(struct io_pagetable *dst, unsigned long *dst_iova,
	   struct io_pagetable *src, unsigned long src_iova,
	   unsigned long length, int prot, bool fixed);

/* The iopt part of iommufd_access_pin_pages()/unpin_pages(). */
int t_pin(struct io_pagetable *iopt, unsigned long iova, unsigned long length,
	  struct page **out, unsigned int flags, bool internal);
void t_unpin(struct io_pagetable *iopt, unsigned long iova,
	     unsigned long length, bool internal);
int t_rw(struct io_pagetable *iopt, unsigned long iova, void *data,
	 size_t len, unsigned int flags);

/*
 * An external access of the test: it records its pins and, when the IOAS
 * asks, unpins whatever intersects the range (unless told to ignore it).
 */
struct t_access {
	struct iommufd_access access;
	/* Serialises the pin list between the driver and its unmap callback */
	struct mutex lock;
	struct io_pagetable *iopt;
	unsigned int unmap_calls;
	bool ignore_unmap;
	unsigned int npins;
	struct {
		unsigned long iova;
		unsigned long length;
	} pins[16];
};

void t_access_init(struct t_access *ta, struct t_env *env,
		   struct io_pagetable *iopt, bool internal);
void t_access_fini(struct t_access *ta);
int t_access_pin(struct t_access *ta, unsigned long iova,
		 unsigned long length, struct page **out, unsigned int flags);
void t_access_unpin_all(struct t_access *ta);
/* Unpin the most recent pin. */
void t_access_unpin_last(struct t_access *ta);

/* Assert the simulator-level invariants of every table in the env. */
void t_check(struct io_pagetable *iopt);

/* Locked pages charged to the env's user / mm. */
long t_user_locked(struct t_env *env);
long t_mm_pinned(struct t_env *env);
long t_mm_locked(struct t_env *env);

/* Physical address a domain translates @iova to (0: none). */
static inline phys_addr_t t_xlate(struct iommu_domain *d, unsigned long iova)
{
	return iommu_iova_to_phys(d, iova);
}

/* A small deterministic generator for replayable random tests. */
struct t_rng {
	u64 state;
};

static inline u64 t_rng_next(struct t_rng *rng)
{
	u64 z = (rng->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline unsigned long t_rng_below(struct t_rng *rng, unsigned long n)
{
	return n ? t_rng_next(rng) % n : 0;
}

/* Mock IO page: the kernel mock's 2048 bytes. */
#define T_IO_PAGE	2048UL
/* A place in the mock aperture [2^24, 2^31 - 1]. */
#define T_IOVA		(1UL << 24)

Suite *iopt_suite(void);
Suite *iopt_access_suite(void);
Suite *iopt_random_suite(void);

#endif /* _IOPT_TEST_H */
