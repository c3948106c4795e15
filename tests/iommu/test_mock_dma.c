// SPDX-License-Identifier: GPL-2.0
/*
 * The mock devices' DMA engine: translation through the attached domain,
 * permissions, the IOTLB model, dirty bits, and I/O page faults answered
 * by another thread.
 */
#include <string.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <kshim/exec.h>
#include "iommu_test.h"
#include "iommu_suites.h"
#include <uapi/iommufd_test.h>

#define BASE	(MOCK_APERTURE_START + SZ_1M)

static void t_map_page(struct iommu_domain *d, unsigned long iova,
		       struct page *page, int prot)
{
	ck_assert_int_eq(iommu_map(d, iova, page_to_phys(page), PAGE_SIZE,
				   prot, GFP_KERNEL), 0);
}

/*
 * A test that maps three pages with unrelated frames at consecutive IOVAs
 * and lets the device write and read 6000 bytes across all of them,
 * starting inside the first.  Expect the bytes in the frames at the
 * matching offsets, and the read to give them back.
 */
START_TEST(test_dma_rw_across_pages)
{
	struct mock_dev *mdev = t_mock_dev(0);
	struct iommu_domain *d = t_attach_paging(mdev, 0);
	struct page *pages[3];
	char out[6000], in[6000];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		t_map_page(d, BASE + i * PAGE_SIZE, pages[i],
			   IOMMU_READ | IOMMU_WRITE);
	}
	for (i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7 + 1);
	ck_assert_int_eq(mock_dev_dma_write(mdev, IOMMU_NO_PASID, BASE + 3000,
					    out, sizeof(out)), 0);
	ck_assert_int_eq(memcmp((char *)page_address(pages[0]) + 3000, out,
				PAGE_SIZE - 3000), 0);
	ck_assert_int_eq(memcmp(page_address(pages[1]),
				out + PAGE_SIZE - 3000, PAGE_SIZE), 0);
	ck_assert_int_eq(memcmp(page_address(pages[2]),
				out + 2 * PAGE_SIZE - 3000,
				sizeof(out) - (2 * PAGE_SIZE - 3000)), 0);
	ck_assert_int_eq(mock_dev_dma_read(mdev, IOMMU_NO_PASID, BASE + 3000,
					   in, sizeof(in)), 0);
	ck_assert_int_eq(memcmp(in, out, sizeof(in)), 0);

	ck_assert_uint_eq(iommu_unmap(d, BASE, 3 * PAGE_SIZE), 3 * PAGE_SIZE);
	for (i = 0; i < 3; i++)
		__free_page(pages[i]);
	t_detach_free(mdev, d);
	mock_dev_destroy(mdev);
}
END_TEST

/*
 * A test of what the device cannot reach.  Expect: a write to a read-only
 * mapping -EPERM (permission fault, recorded as a write), an unmapped
 * address -EFAULT (not present), an address outside the aperture -EFAULT
 * (range), a PASID with no domain and a detached device -EFAULT (blocked),
 * and a DMA into a frame that was freed while still mapped -EIO with a
 * WARN: the simulator catches the use after free.
 */
START_TEST(test_dma_faults)
{
	struct mock_dev *mdev = t_mock_dev(0);
	struct iommu_domain *d = t_attach_paging(mdev, 0);
	struct page *ro = alloc_page(GFP_KERNEL), *gone;
	struct mock_dma_fault f;
	char b = 1;

	t_map_page(d, BASE, ro, IOMMU_READ);
	ck_assert_int_eq(mock_dev_dma_read(mdev, IOMMU_NO_PASID, BASE, &b, 1),
			 0);
	ck_assert_int_eq(mock_dev_dma_write(mdev, IOMMU_NO_PASID, BASE + 9, &b,
					    1), -EPERM);
	mock_dev_last_fault(mdev, &f);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_uint_eq(f.iova, BASE + 9);
	ck_assert(f.write);
	ck_assert_int_eq(f.reason, MOCK_FAULT_PERMISSION);

	ck_assert_int_eq(mock_dev_dma_read(mdev, IOMMU_NO_PASID,
					   BASE + PAGE_SIZE, &b, 1), -EFAULT);
	mock_dev_last_fault(mdev, &f);
	ck_assert_int_eq(f.reason, MOCK_FAULT_NOT_PRESENT);
	ck_assert(!f.write);
	ck_assert_int_eq(mock_dev_dma_read(mdev, IOMMU_NO_PASID, SZ_1M, &b, 1),
			 -EFAULT);
	mock_dev_last_fault(mdev, &f);
	ck_assert_int_eq(f.reason, MOCK_FAULT_RANGE);
	ck_assert_int_eq(mock_dev_dma_read(mdev, 3, BASE, &b, 1), -EFAULT);
	mock_dev_last_fault(mdev, &f);
	ck_assert_int_eq(f.reason, MOCK_FAULT_BLOCKED);
	ck_assert_uint_eq(f.pasid, 3);

	/* A frame freed behind the IOMMU's back. */
	gone = alloc_page(GFP_KERNEL);
	t_map_page(d, BASE + PAGE_SIZE, gone, IOMMU_READ);
	__free_page(gone);
	ck_assert_int_eq(mock_dev_dma_read(mdev, IOMMU_NO_PASID,
					   BASE + PAGE_SIZE, &b, 1), -EIO);
	ktest_expect_issues(KSHIM_ISSUE_WARN, 1, NULL);
	mock_dev_last_fault(mdev, &f);
	ck_assert_int_eq(f.reason, MOCK_FAULT_BUS);

	ck_assert_uint_eq(iommu_unmap(d, BASE, 2 * PAGE_SIZE), 2 * PAGE_SIZE);
	t_detach_free(mdev, d);
	ck_assert_int_eq(mock_dev_dma_read(mdev, IOMMU_NO_PASID, BASE, &b, 1),
			 -EFAULT);
	mock_dev_last_fault(mdev, &f);
	ck_assert_int_eq(f.reason, MOCK_FAULT_BLOCKED);
	__free_page(ro);
	mock_dev_destroy(mdev);
}
END_TEST

/*
 * A test of the IOTLB model:
 *
 *   map X -> A; DMA read X          (the IOTLB caches X -> A)
 *   unmap_fast X (no flush)         table empty, iova_to_phys(X) = 0
 *   DMA read X                      still A: stale entry
 *   map X -> B; DMA write X         lands in A, not B: a wrong DMA
 *   iotlb_sync(gather)              entry gone
 *   DMA read X                      B
 *
 * Expect exactly that, and flush_iotlb_all() to drop a stale entry too.
 */
START_TEST(test_dma_stale_iotlb)
{
	struct mock_dev *mdev = t_mock_dev(0);
	struct iommu_domain *d = t_attach_paging(mdev, 0);
	struct page *a = alloc_page(GFP_KERNEL), *b = alloc_page(GFP_KERNEL);
	struct iommu_iotlb_gather gather;
	unsigned char byte = 0x99, got = 0;

	t_fill_page(a, 0x11);
	t_fill_page(b, 0x22);
	t_map_page(d, BASE, a, IOMMU_READ | IOMMU_WRITE);
	ck_assert_int_eq(mock_dev_dma_read(mdev, IOMMU_NO_PASID, BASE, &got, 1),
			 0);
	ck_assert_uint_eq(got, 0x11);
	ck_assert_uint_eq(mock_domain_iotlb_used(d), 1);

	iommu_iotlb_gather_init(&gather);
	ck_assert_uint_eq(iommu_unmap_fast(d, BASE, PAGE_SIZE, &gather),
			  PAGE_SIZE);
	ck_assert_uint_eq(iommu_iova_to_phys(d, BASE), 0);
	got = 0;
	ck_assert_int_eq(mock_dev_dma_read(mdev, IOMMU_NO_PASID, BASE, &got, 1),
			 0);
	ck_assert_uint_eq(got, 0x11);			/* stale */

	t_map_page(d, BASE, b, IOMMU_READ | IOMMU_WRITE);
	ck_assert_int_eq(mock_dev_dma_write(mdev, IOMMU_NO_PASID, BASE, &byte,
					    1), 0);
	ck_assert_uint_eq(*(unsigned char *)page_address(a), 0x99);
	ck_assert_uint_eq(*(unsigned char *)page_address(b), 0x22);

	iommu_iotlb_sync(d, &gather);
	ck_assert_uint_eq(mock_domain_iotlb_used(d), 0);
	ck_assert_int_eq(mock_dev_dma_read(mdev, IOMMU_NO_PASID, BASE, &got, 1),
			 0);
	ck_assert_uint_eq(got, 0x22);

	/* flush_iotlb_all() after an unflushed unmap. */
	iommu_iotlb_gather_init(&gather);
	ck_assert_uint_eq(iommu_unmap_fast(d, BASE, PAGE_SIZE, &gather),
			  PAGE_SIZE);
	ck_assert_int_eq(mock_dev_dma_read(mdev, IOMMU_NO_PASID, BASE, &got, 1),
			 0);
	iommu_flush_iotlb_all(d);
	ck_assert_int_eq(mock_dev_dma_read(mdev, IOMMU_NO_PASID, BASE, &got, 1),
			 -EFAULT);

	/* iommu_unmap() flushes by itself. */
	t_map_page(d, BASE, a, IOMMU_READ);
	ck_assert_int_eq(mock_dev_dma_read(mdev, IOMMU_NO_PASID, BASE, &got, 1),
			 0);
	ck_assert_uint_eq(iommu_unmap(d, BASE, PAGE_SIZE), PAGE_SIZE);
	ck_assert_int_eq(mock_dev_dma_read(mdev, IOMMU_NO_PASID, BASE, &got, 1),
			 -EFAULT);

	__free_page(a);
	__free_page(b);
	t_detach_free(mdev, d);
	mock_dev_destroy(mdev);
}
END_TEST

struct t_dirty_log {
	unsigned long iova[16];
	size_t len[16];
	unsigned int n;
};

static void t_record(struct iommu_dirty_bitmap *dirty, unsigned long iova,
		     size_t length)
{
	struct t_dirty_log *log = dirty->kshim_priv;

	ck_assert_uint_lt(log->n, 16);
	log->iova[log->n] = iova;
	log->len[log->n] = length;
	log->n++;
}

/* Read (and clear, unless NO_CLEAR) the dirty leaves; flush if @sync. */
static int t_read_dirty(struct iommu_domain *d, unsigned long iova,
			size_t size, unsigned long flags, bool sync,
			struct t_dirty_log *log)
{
	struct iommu_iotlb_gather gather;
	struct iommu_dirty_bitmap dirty;
	int rc;

	iommu_dirty_bitmap_init(&dirty, NULL, &gather);
	dirty.kshim_record = log ? t_record : NULL;
	dirty.kshim_priv = log;
	if (log)
		log->n = 0;
	rc = d->dirty_ops->read_and_clear_dirty(d, iova, size, flags, &dirty);
	if (sync)
		iommu_iotlb_sync(d, &gather);
	return rc;
}

static void t_write_byte(struct mock_dev *mdev, unsigned long iova)
{
	char b = 5;

	ck_assert_int_eq(mock_dev_dma_write(mdev, IOMMU_NO_PASID, iova, &b, 1),
			 0);
}

/*
 * A test of dirty tracking on the kernel mock's geometry (2 KiB leaves):
 *
 *   leaves   0     1     2     3
 *   writes   x           x             read+clear -> {0, 2}, again -> {}
 *                  x                   NO_CLEAR   -> {1}, {1}; clear -> {1}
 *
 * Expect each dirty leaf reported exactly once by clearing reads and every
 * time by NO_CLEAR reads; writes with tracking off to leave no trace and a
 * read that wants a bitmap then to fail (-EINVAL).  The IOTLB rule: after
 * a clearing read whose range is not flushed, a write through the cached
 * entry does not set the bit again (the write is missed); after a flush it
 * does.  A huge leaf
 * (1 MiB, HUGE_IOVA device) is reported whole.
 */
START_TEST(test_dma_dirty_tracking)
{
	struct mock_dev *mdev = t_mock_dev(0);
	struct mock_dev *hdev = t_mock_dev(MOCK_FLAGS_DEVICE_HUGE_IOVA);
	struct iommu_domain *d = t_attach_paging(mdev,
						 IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	struct iommu_domain *hd = t_attach_paging(hdev,
						  IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	struct page *p = alloc_pages(GFP_KERNEL, 1);
	struct page *huge = alloc_pages(GFP_KERNEL, 8);	/* 1 MiB, aligned */
	struct t_dirty_log log;

	ck_assert_int_eq(iommu_map(d, BASE, page_to_phys(p), 2 * PAGE_SIZE,
				   IOMMU_READ | IOMMU_WRITE, GFP_KERNEL), 0);
	/* Tracking off: writes leave no trace; reading with a bitmap fails. */
	t_write_byte(mdev, BASE);
	ck_assert_int_eq(t_read_dirty(d, BASE, 2 * PAGE_SIZE, 0, true, &log),
			 -EINVAL);
	ck_assert_int_eq(t_read_dirty(d, BASE, 2 * PAGE_SIZE, 0, true, NULL),
			 0);
	ck_assert_int_eq(d->dirty_ops->set_dirty_tracking(d, true), 0);
	ck_assert_int_eq(t_read_dirty(d, BASE, 2 * PAGE_SIZE, 0, true, &log),
			 0);
	ck_assert_uint_eq(log.n, 0);

	t_write_byte(mdev, BASE + 10);
	t_write_byte(mdev, BASE + 2 * SZ_2K + 5);
	ck_assert_int_eq(t_read_dirty(d, BASE, 2 * PAGE_SIZE, 0, true, &log),
			 0);
	ck_assert_uint_eq(log.n, 2);
	ck_assert_uint_eq(log.iova[0], BASE);
	ck_assert_uint_eq(log.len[0], SZ_2K);
	ck_assert_uint_eq(log.iova[1], BASE + 2 * SZ_2K);
	ck_assert_uint_eq(log.len[1], SZ_2K);
	ck_assert_int_eq(t_read_dirty(d, BASE, 2 * PAGE_SIZE, 0, true, &log),
			 0);
	ck_assert_uint_eq(log.n, 0);			/* exactly once */

	t_write_byte(mdev, BASE + SZ_2K);
	ck_assert_int_eq(t_read_dirty(d, BASE, 2 * PAGE_SIZE,
				      IOMMU_DIRTY_NO_CLEAR, false, &log), 0);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_uint_eq(log.iova[0], BASE + SZ_2K);
	ck_assert_int_eq(t_read_dirty(d, BASE, 2 * PAGE_SIZE,
				      IOMMU_DIRTY_NO_CLEAR, false, &log), 0);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_int_eq(t_read_dirty(d, BASE, 2 * PAGE_SIZE, 0, true, &log),
			 0);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_int_eq(t_read_dirty(d, BASE, 2 * PAGE_SIZE, 0, true, &log),
			 0);
	ck_assert_uint_eq(log.n, 0);

	/* Clear without the flush: the cached entry hides the next write. */
	t_write_byte(mdev, BASE + 3 * SZ_2K);
	ck_assert_int_eq(t_read_dirty(d, BASE, 2 * PAGE_SIZE, 0, false, &log),
			 0);
	ck_assert_uint_eq(log.n, 1);
	t_write_byte(mdev, BASE + 3 * SZ_2K);
	ck_assert_int_eq(t_read_dirty(d, BASE, 2 * PAGE_SIZE, 0, false, &log),
			 0);
	ck_assert_uint_eq(log.n, 0);			/* missed */
	iommu_flush_iotlb_all(d);
	t_write_byte(mdev, BASE + 3 * SZ_2K);
	ck_assert_int_eq(t_read_dirty(d, BASE, 2 * PAGE_SIZE, 0, true, &log),
			 0);
	ck_assert_uint_eq(log.n, 1);

	/* The selftest's DIRTY op marks a leaf as a write would. */
	ck_assert_int_eq(mock_domain_set_dirty(d, BASE + 100), 0);
	ck_assert_int_eq(mock_domain_set_dirty(d, BASE + 3 * PAGE_SIZE),
			 -ENOENT);
	ck_assert_int_eq(t_read_dirty(d, BASE, 2 * PAGE_SIZE, 0, true, &log),
			 0);
	ck_assert_uint_eq(log.n, 1);

	/* A 1 MiB leaf is dirty as a whole. */
	ck_assert_int_eq(iommu_map(hd, MOCK_APERTURE_START, page_to_phys(huge),
				   SZ_1M, IOMMU_READ | IOMMU_WRITE,
				   GFP_KERNEL), 0);
	ck_assert_int_eq(hd->dirty_ops->set_dirty_tracking(hd, true), 0);
	ck_assert_int_eq(mock_dev_dma_write(hdev, IOMMU_NO_PASID,
					    MOCK_APERTURE_START + 500000,
					    "x", 1), 0);
	ck_assert_int_eq(t_read_dirty(hd, MOCK_APERTURE_START, SZ_1M, 0, true,
				      &log), 0);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_uint_eq(log.iova[0], MOCK_APERTURE_START);
	ck_assert_uint_eq(log.len[0], SZ_1M);

	ck_assert_int_eq(d->dirty_ops->set_dirty_tracking(d, false), 0);
	ck_assert_uint_eq(iommu_unmap(d, BASE, 2 * PAGE_SIZE), 2 * PAGE_SIZE);
	ck_assert_uint_eq(iommu_unmap(hd, MOCK_APERTURE_START, SZ_1M), SZ_1M);
	__free_pages(p, 1);
	__free_pages(huge, 8);
	t_detach_free(mdev, d);
	t_detach_free(hdev, hd);
	mock_dev_destroy(mdev);
	mock_dev_destroy(hdev);
}
END_TEST

/* ---- I/O page faults ------------------------------------------------ */

struct t_resolver {
	struct iommu_domain *domain;
	struct page *page;
	unsigned long iova;
	enum iommu_page_response_code code;
	bool map_first;
	struct iommu_fault_page_request prm;	/* what arrived */
};

/* A second thread: take the page request, fix the mapping, answer. */
static int t_resolver_fn(void *data)
{
	struct t_resolver *r = data;
	struct iopf_group *group = t_inbox_wait(0, 10000);

	if (!group)
		return -ETIMEDOUT;
	r->prm = group->last_fault.fault.prm;
	if (r->map_first &&
	    iommu_map(r->domain, r->iova, page_to_phys(r->page), PAGE_SIZE,
		      IOMMU_READ | IOMMU_WRITE, GFP_KERNEL))
		return -EIO;
	iopf_group_response(group, r->code);
	iopf_free_group(group);
	return 0;
}

/* Claim, allocate a fault-capable domain and attach it with a handle. */
static struct iommu_domain *t_attach_fault_domain(struct mock_dev *mdev,
						  struct iommu_attach_handle *h)
{
	struct device *dev = mock_dev_device(mdev);
	struct iommu_group *group = iommu_group_get(dev);
	struct iommu_domain *d;

	ck_assert_int_eq(iommu_group_claim_dma_owner(group, &t_owner), 0);
	d = iommu_paging_domain_alloc(dev);
	ck_assert(!IS_ERR(d));
	d->iopf_handler = t_iopf_handler;
	ck_assert_int_eq(iommu_attach_group_handle(d, group, h), 0);
	iommu_group_put(group);
	return d;
}

static void t_detach_fault_domain(struct mock_dev *mdev,
				  struct iommu_domain *d)
{
	struct iommu_group *group = iommu_group_get(mock_dev_device(mdev));

	iommu_detach_group_handle(d, group);
	iommu_group_release_dma_owner(group);
	iommu_group_put(group);
	iommu_domain_free(d);
}

/*
 * A test of a DMA to an unmapped IOVA on a fault-capable domain, answered
 * by a second kernel thread that maps the page first:
 *
 *   device (this thread)              resolver (kshim thread)
 *   DMA read X -> fault
 *   page request (grp, READ, X) ---->  group arrives in the inbox
 *   waits for the response             maps X -> page, answers SUCCESS
 *   retries X, completes        <----
 *
 * Expect the DMA to return the page's bytes, the request to carry the
 * page address, READ and LAST_PAGE without a PASID, and the fault to be
 * recorded.  Then the same with an INVALID answer: expect -EFAULT.
 */
START_TEST(test_dma_iopf_resolved_by_second_thread)
{
	struct mock_dev *mdev = t_mock_dev(0);
	struct iommu_attach_handle handle;
	struct iommu_domain *d;
	struct t_resolver r = { 0 };
	struct task_struct *t;
	struct mock_dma_fault f;
	unsigned char got[3];

	t_inbox_init();
	d = t_attach_fault_domain(mdev, &handle);
	r.domain = d;
	r.page = alloc_page(GFP_KERNEL);
	t_fill_page(r.page, 40);
	r.iova = BASE + 2 * PAGE_SIZE;
	r.code = IOMMU_PAGE_RESP_SUCCESS;
	r.map_first = true;

	t = kshim_thread_run(t_resolver_fn, &r, "resolver");
	ck_assert_int_eq(mock_dev_dma_read(mdev, IOMMU_NO_PASID, r.iova + 1000,
					   got, sizeof(got)), 0);
	ck_assert_int_eq(kshim_thread_join(t), 0);
	ck_assert_uint_eq(got[0], (unsigned char)(40 + 1000));
	ck_assert_uint_eq(got[2], (unsigned char)(40 + 1002));
	ck_assert_uint_eq(r.prm.addr, r.iova);
	ck_assert_uint_eq(r.prm.perm, IOMMU_FAULT_PERM_READ);
	ck_assert_uint_eq(r.prm.flags, IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE);
	mock_dev_last_fault(mdev, &f);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_int_eq(f.reason, MOCK_FAULT_NOT_PRESENT);
	t_inbox_fini();

	/* Refused: the DMA fails. */
	t_inbox_init();
	r.code = IOMMU_PAGE_RESP_INVALID;
	r.map_first = false;
	t = kshim_thread_run(t_resolver_fn, &r, "resolver");
	ck_assert_int_eq(mock_dev_dma_write(mdev, IOMMU_NO_PASID,
					    BASE + 5 * PAGE_SIZE, got, 1),
			 -EFAULT);
	ck_assert_int_eq(kshim_thread_join(t), 0);
	ck_assert_uint_eq(r.prm.perm, IOMMU_FAULT_PERM_WRITE);
	t_inbox_fini();

	ck_assert_uint_eq(iommu_unmap(d, r.iova, PAGE_SIZE), PAGE_SIZE);
	__free_page(r.page);
	t_detach_fault_domain(mdev, d);
	mock_dev_destroy(mdev);
}
END_TEST

struct t_dma_job {
	struct mock_dev *mdev;
	ioasid_t pasid;
	unsigned long iova;
	char byte;
};

static int t_dma_fn(void *data)
{
	struct t_dma_job *job = data;

	return mock_dev_dma_read(job->mdev, job->pasid, job->iova, &job->byte,
				 1);
}

/*
 * A test of page requests that are not answered in time, or whose domain
 * goes away first.  Expect -ETIMEDOUT after the device's timeout, with the
 * late answer ignored; and a DMA blocked on a PASID's fault-capable domain
 * to fail (-EFAULT) when that domain is detached, because leaving the
 * iopf queue answers the pending request INVALID.  The request carries
 * the PASID.
 */
START_TEST(test_dma_iopf_timeout_and_detach)
{
	struct mock_dev *mdev = t_mock_dev(MOCK_FLAGS_DEVICE_PASID);
	struct device *dev = mock_dev_device(mdev);
	struct iommu_attach_handle handle, ph;
	struct t_dma_job job = { .mdev = mdev, .pasid = 9, .iova = BASE };
	struct iommu_domain *d, *pd;
	struct iopf_group *group;
	struct task_struct *t;
	unsigned long responses;
	char b;

	t_inbox_init();
	d = t_attach_fault_domain(mdev, &handle);
	mock_dev_set_prq_timeout(mdev, 20);
	ck_assert_int_eq(mock_dev_dma_read(mdev, IOMMU_NO_PASID, BASE, &b, 1),
			 -ETIMEDOUT);
	group = t_inbox_group(0);
	ck_assert_ptr_nonnull(group);
	iopf_group_response(group, IOMMU_PAGE_RESP_SUCCESS);	/* too late */
	iopf_free_group(group);
	ck_assert_uint_eq(mock_dev_last_page_response(mdev, &responses),
			  IOMMU_PAGE_RESP_SUCCESS);
	ck_assert_uint_eq(responses, 1);
	t_inbox_fini();

	t_detach_fault_domain(mdev, d);

	/*
	 * A PASID attachment whose domain leaves while a DMA waits; it is
	 * the device's only fault-capable domain, so the device leaves the
	 * iopf queue.
	 */
	t_inbox_init();
	mock_dev_set_prq_timeout(mdev, 10000);
	pd = iommu_paging_domain_alloc_flags(dev, IOMMU_HWPT_ALLOC_PASID);
	pd->iopf_handler = t_iopf_handler;
	ck_assert_int_eq(iommu_attach_device_pasid(pd, dev, 9, &ph), 0);
	t = kshim_thread_run(t_dma_fn, &job, "dma");
	group = t_inbox_wait(0, 10000);
	ck_assert_ptr_nonnull(group);
	ck_assert_uint_eq(group->last_fault.fault.prm.pasid, 9);
	ck_assert(group->last_fault.fault.prm.flags &
		  IOMMU_FAULT_PAGE_REQUEST_PASID_VALID);
	ck_assert_ptr_eq(group->attach_handle, &ph);
	iommu_detach_device_pasid(pd, dev, 9);
	ck_assert_int_eq(kshim_thread_join(t), -EFAULT);
	iopf_group_response(group, IOMMU_PAGE_RESP_SUCCESS);	/* dropped */
	iopf_free_group(group);
	mock_dev_last_page_response(mdev, &responses);
	ck_assert_uint_eq(responses, 2);
	t_inbox_fini();

	iommu_domain_free(pd);
	mock_dev_destroy(mdev);
}
END_TEST

/*
 * A test of the device caches DEV_CHECK_CACHE reads.  Expect four slots
 * of 0xbaddad, a bad slot ID refused, and invalidation of one slot or of
 * all of them to zero exactly those.
 */
START_TEST(test_dev_cache)
{
	struct mock_dev *mdev = t_mock_dev(0);
	u32 v, i;

	for (i = 0; i < MOCK_DEV_CACHE_NUM; i++) {
		ck_assert_int_eq(mock_dev_cache_get(mdev, i, &v), 0);
		ck_assert_uint_eq(v, IOMMU_TEST_DEV_CACHE_DEFAULT);
	}
	ck_assert_int_eq(mock_dev_cache_get(mdev, 4, &v), -EINVAL);
	ck_assert_int_eq(mock_dev_cache_invalidate(mdev, 4, false), -EINVAL);
	ck_assert_int_eq(mock_dev_cache_invalidate(mdev, 2, false), 0);
	mock_dev_cache_get(mdev, 2, &v);
	ck_assert_uint_eq(v, 0);
	mock_dev_cache_get(mdev, 1, &v);
	ck_assert_uint_eq(v, IOMMU_TEST_DEV_CACHE_DEFAULT);
	ck_assert_int_eq(mock_dev_cache_invalidate(mdev, 0, true), 0);
	for (i = 0; i < MOCK_DEV_CACHE_NUM; i++) {
		mock_dev_cache_get(mdev, i, &v);
		ck_assert_uint_eq(v, 0);
	}
	mock_dev_destroy(mdev);
}
END_TEST

Suite *mock_dma_suite(void)
{
	Suite *s = suite_create("mock_dma");
	TCase *tc = iommu_tcase("dma");
	TCase *tc2 = iommu_tcase("iopf");

	tcase_add_test(tc, test_dma_rw_across_pages);
	tcase_add_test(tc, test_dma_faults);
	tcase_add_test(tc, test_dma_stale_iotlb);
	tcase_add_test(tc, test_dma_dirty_tracking);
	tcase_add_test(tc, test_dev_cache);
	suite_add_tcase(s, tc);
	tcase_add_test(tc2, test_dma_iopf_resolved_by_second_thread);
	tcase_add_test(tc2, test_dma_iopf_timeout_and_detach);
	suite_add_tcase(s, tc2);
	return s;
}
