// SPDX-License-Identifier: GPL-2.0
/*
 * bench-access: the cost of in-kernel access pins and of reading a dirty
 * bitmap, on a simulated /dev/iommu driven through the embedding API.
 *
 * 1. Access pin + unpin of single 4 KiB pages at random IOVAs.  An IOAS
 *    maps 256 MiB (or the MiB given as the first argument) of pre-faulted
 *    user memory; an external access with a driver of this program
 *    (needs_pin_pages, an unmap callback) pins one page at a random IOVA
 *    with iommufd_access_pin_pages() and unpins it again, many times.
 *    Two IOASes: one with a mock domain (the PFN comes from the domain's
 *    page table), one without (the PFN comes from pinning the user page).
 *    Also through the test uAPI (IOMMU_TEST_OP_ACCESS_PAGES then
 *    DESTROY_ACCESS_PAGES, two ioctls per pair on the embedding API).
 *    Floor, same run: as many random 8-byte read-modify-writes into an
 *    array of one u64 per page.
 *
 * 2. Dirty-bitmap read of 1 GiB.  A dirty-tracking mock HWPT over an IOAS
 *    that maps 1 GiB (the second argument, in MiB) of 4 KiB pages; one
 *    page in 16 is marked dirty with IOMMU_TEST_OP_DIRTY; then
 *    IOMMU_HWPT_GET_DIRTY_BITMAP reads the whole range at 4 KiB
 *    granularity, with NO_CLEAR and with clearing (the pages are marked
 *    dirty again, untimed, before each clearing read).  Floors, same run:
 *    a memset of the bitmap plus a scan of it, and a walk that reads one
 *    8-byte entry per 4 KiB page and sets the page's bit when it is
 *    marked (the least a dirty walk does).
 *
 * Printed: ns per pair / ms per read, ns per 4 KiB page, and ratios to the
 * floors.  Nothing is asserted; the world is audited at the end.  Meant to
 * be run from a Release build without sanitizers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iommufd.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <kshim/umem.h>
#include <iommufd_sim.h>

#include "iommufd_private.h"
#include <uapi/iommufd_test.h>

#define BENCH_PAGE	4096UL
#define BENCH_BASE	((uint64_t)MOCK_APERTURE_START)

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* splitmix64: the same random IOVAs for every variant. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void die(const char *what, long err)
{
	fprintf(stderr, "bench-access: %s: %ld\n", what, err);
	exit(1);
}

/* ---- reaching the kernel side of the context -------------------------- */

struct bench_call {
	int fd;
	struct file *file;
};

static long bench_call_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	struct bench_call *call = (struct bench_call *)arg;

	call->file = fget(call->fd);
	if (call->file)
		fput(call->file);	/* the descriptor keeps it */
	return 0;
}

static const struct file_operations bench_call_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = bench_call_ioctl,
};

static struct miscdevice bench_call_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "bench-access-call",
	.fops = &bench_call_fops,
};

static struct iommufd_ctx *ctx_of(struct iommufd_sim_proc *p, int fd)
{
	struct bench_call call = { .fd = fd };
	struct iommufd_ctx *ictx;
	int cfd;

	cfd = iommufd_sim_open(p, "/dev/bench-access-call", O_RDWR);
	if (cfd < 0 || iommufd_sim_ioctl(p, cfd, 0, &call) || !call.file)
		die("reach the context", -errno);
	iommufd_sim_close(p, cfd);
	ictx = iommufd_ctx_from_file(call.file);
	if (IS_ERR(ictx))
		die("not an iommufd", PTR_ERR(ictx));
	iommufd_ctx_put(ictx);
	return ictx;
}

static void ioctl_or_die(struct iommufd_sim_proc *p, int fd,
			 unsigned long cmd, void *arg, const char *what)
{
	if (iommufd_sim_ioctl(p, fd, cmd, arg))
		die(what, -errno);
}

static uint32_t ioas_alloc(struct iommufd_sim_proc *p, int fd)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };

	ioctl_or_die(p, fd, IOMMU_IOAS_ALLOC, &cmd, "IOAS_ALLOC");
	return cmd.out_ioas_id;
}

static void map_fixed(struct iommufd_sim_proc *p, int fd, uint32_t ioas,
		      void *buf, uint64_t length, uint64_t iova)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.user_va = (uintptr_t)buf,
		.length = length,
		.iova = iova,
	};

	ioctl_or_die(p, fd, IOMMU_IOAS_MAP, &cmd, "IOAS_MAP");
}

static void *prefaulted(struct iommufd_sim_proc *p, uint64_t length,
			enum iommufd_sim_placement placement)
{
	struct iommufd_sim_mem_opts opts = { .placement = placement };
	volatile char *u = iommufd_sim_mem_alloc(p, length, &opts);
	uint64_t i;

	if (!u)
		die("mem_alloc", -errno);
	for (i = 0; i < length; i += BENCH_PAGE)
		u[i] = (char)i;
	return (void *)u;
}

/* ---- 1. pin + unpin ------------------------------------------------------ */

static void bench_unmap(void *data, unsigned long iova, unsigned long length)
{
	/* Nothing stays pinned between the calls of this program. */
}

static const struct iommufd_access_ops bench_access_ops = {
	.needs_pin_pages = 1,
	.unmap = bench_unmap,
};

static double pin_pairs(struct iommufd_ctx *ictx, uint32_t ioas,
			unsigned long npages, unsigned long n)
{
	struct iommufd_access *access;
	struct page *page;
	uint64_t seed = 42;
	double t0, t;
	unsigned long i;
	u32 id;
	int rc;

	access = iommufd_access_create(ictx, &bench_access_ops, NULL, &id);
	if (IS_ERR(access))
		die("access create", PTR_ERR(access));
	rc = iommufd_access_attach(access, ioas);
	if (rc)
		die("access attach", rc);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		unsigned long iova = BENCH_BASE +
				     (rng_next(&seed) % npages) * BENCH_PAGE;

		rc = iommufd_access_pin_pages(access, iova, BENCH_PAGE, &page,
					      IOMMUFD_ACCESS_RW_WRITE);
		if (rc)
			die("pin", rc);
		iommufd_access_unpin_pages(access, iova, BENCH_PAGE);
	}
	t = now_ns() - t0;
	iommufd_access_detach(access);
	iommufd_access_destroy(access);
	return t;
}

static double pin_pairs_uapi(struct iommufd_sim_proc *p, int fd, int afd,
			     unsigned long npages, unsigned long n)
{
	struct iommu_test_cmd pin = {
		.size = sizeof(pin),
		.op = IOMMU_TEST_OP_ACCESS_PAGES,
		.id = afd,
		.access_pages.flags = MOCK_FLAGS_ACCESS_WRITE,
		.access_pages.length = BENCH_PAGE,
	};
	struct iommu_test_cmd unpin = {
		.size = sizeof(unpin),
		.op = IOMMU_TEST_OP_DESTROY_ACCESS_PAGES,
		.id = afd,
	};
	uint64_t seed = 42;
	unsigned long i;
	double t0;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		pin.access_pages.iova = BENCH_BASE +
					(rng_next(&seed) % npages) * BENCH_PAGE;
		ioctl_or_die(p, fd, IOMMU_TEST_CMD, &pin, "ACCESS_PAGES");
		unpin.destroy_access_pages.access_pages_id =
			pin.access_pages.out_access_pages_id;
		ioctl_or_die(p, fd, IOMMU_TEST_CMD, &unpin,
			     "DESTROY_ACCESS_PAGES");
	}
	return now_ns() - t0;
}

/* Random 8-byte read-modify-writes into one u64 per page. */
static double pin_floor(unsigned long npages, unsigned long n)
{
	volatile uint64_t *a = calloc(npages, sizeof(*a));
	uint64_t seed = 42;
	unsigned long i;
	double t0, t;

	for (i = 0; i < npages; i++)
		a[i] = i;
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		unsigned long idx = rng_next(&seed) % npages;

		a[idx] = a[idx] + 1;
	}
	t = now_ns() - t0;
	free((void *)a);
	return t;
}

/* ---- 2. dirty bitmap ------------------------------------------------------- */

static void mark_dirty(struct iommufd_sim_proc *p, int fd, uint32_t hwpt,
		       uint64_t length, uint64_t *marks)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_DIRTY,
		.id = hwpt,
		.dirty.iova = BENCH_BASE,
		.dirty.length = length,
		.dirty.page_size = BENCH_PAGE,
		.dirty.uptr = (uintptr_t)marks,
	};

	ioctl_or_die(p, fd, IOMMU_TEST_CMD, &cmd, "DIRTY");
}

static double read_bitmap(struct iommufd_sim_proc *p, int fd, uint32_t hwpt,
			  uint64_t length, uint64_t *bitmap, size_t bytes,
			  uint32_t flags)
{
	struct iommu_hwpt_get_dirty_bitmap cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt,
		.flags = flags,
		.iova = BENCH_BASE,
		.length = length,
		.page_size = BENCH_PAGE,
		.data = (uintptr_t)bitmap,
	};
	double t0;

	memset(bitmap, 0, bytes);
	t0 = now_ns();
	ioctl_or_die(p, fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd,
		     "GET_DIRTY_BITMAP");
	return now_ns() - t0;
}

static unsigned long popcount_bitmap(const uint64_t *bitmap, size_t words)
{
	unsigned long n = 0;
	size_t i;

	for (i = 0; i < words; i++)
		n += __builtin_popcountll(bitmap[i]);
	return n;
}

/* memset of the bitmap, then a scan of it. */
static double bitmap_floor(uint64_t *bitmap, size_t words)
{
	volatile uint64_t sink = 0;
	double t0 = now_ns();
	size_t i;

	memset(bitmap, 0, words * sizeof(*bitmap));
	for (i = 0; i < words; i++)
		sink += bitmap[i];
	(void)sink;
	return now_ns() - t0;
}

/* One 8-byte entry read per page, its bit set when marked. */
static double walk_floor(const uint64_t *ptes, uint64_t *bitmap,
			 unsigned long npages)
{
	double t0 = now_ns();
	unsigned long i;

	for (i = 0; i < npages; i++)
		if (ptes[i] & 16)
			bitmap[i / 64] |= 1ULL << (i % 64);
	return now_ns() - t0;
}

static double best(double a, double b)
{
	return a < b ? a : b;
}

int main(int argc, char **argv)
{
	unsigned long pin_mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 256;
	unsigned long dirty_mib = argc > 2 ? strtoul(argv[2], NULL, 0) : 1024;
	unsigned long pairs = argc > 3 ? strtoul(argv[3], NULL, 0) : 200000;
	int reps = argc > 4 ? atoi(argv[4]) : 3;
	struct iommufd_sim_proc_opts popts = {
		.name = "bench",
		.memlock_bytes = 8UL << 30,
	};
	unsigned long npages = (pin_mib << 20) / BENCH_PAGE;
	unsigned long dpages = (dirty_mib << 20) / BENCH_PAGE;
	uint64_t dlen = (uint64_t)dirty_mib << 20;
	size_t words = (dpages + 63) / 64;
	double floor_pin = 1e300, t_dom = 1e300, t_nodom = 1e300;
	double t_uapi = 1e300, floor_bm = 1e300, floor_walk = 1e300;
	double t_noclear = 1e300, t_clear = 1e300;
	struct iommufd_sim_proc *p;
	struct iommufd_sim *sim;
	struct iommufd_ctx *ictx;
	uint32_t ioas_dom, ioas_nodom, ioas_dirty, hwpt, stdev_pt;
	uint64_t *bitmap, *marks, *ptes;
	unsigned long uapi_pairs = pairs / 4, ndirty;
	void *mem, *dmem;
	int fd, afd, r, problems;

	sim = iommufd_sim_create(NULL);
	kshim_uffd_set_enabled(false);
	if (misc_register(&bench_call_dev))
		die("misc_register", -EBUSY);
	p = iommufd_sim_proc_create(sim, &popts);
	fd = iommufd_sim_open(p, "/dev/iommu", O_RDWR);
	if (fd < 0)
		die("open", -errno);
	ictx = ctx_of(p, fd);

	/* ---- 1 ---- */
	mem = prefaulted(p, npages * BENCH_PAGE, IOMMUFD_SIM_SCATTERED);
	ioas_dom = ioas_alloc(p, fd);
	ioas_nodom = ioas_alloc(p, fd);
	{
		struct iommu_test_cmd md = {
			.size = sizeof(md),
			.op = IOMMU_TEST_OP_MOCK_DOMAIN,
			.id = ioas_dom,
		};

		ioctl_or_die(p, fd, IOMMU_TEST_CMD, &md, "MOCK_DOMAIN");
	}
	map_fixed(p, fd, ioas_dom, mem, npages * BENCH_PAGE, BENCH_BASE);
	map_fixed(p, fd, ioas_nodom, mem, npages * BENCH_PAGE, BENCH_BASE);
	{
		struct iommu_test_cmd ca = {
			.size = sizeof(ca),
			.op = IOMMU_TEST_OP_CREATE_ACCESS,
			.id = ioas_dom,
			.create_access.flags =
				MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES,
		};

		ioctl_or_die(p, fd, IOMMU_TEST_CMD, &ca, "CREATE_ACCESS");
		afd = ca.create_access.out_access_fd;
	}

	pin_floor(npages, pairs);		/* warm up */
	pin_pairs(ictx, ioas_dom, npages, pairs / 10);
	for (r = 0; r < reps; r++) {
		floor_pin = best(floor_pin, pin_floor(npages, pairs));
		t_dom = best(t_dom, pin_pairs(ictx, ioas_dom, npages, pairs));
		t_nodom = best(t_nodom,
			       pin_pairs(ictx, ioas_nodom, npages, pairs));
		t_uapi = best(t_uapi, pin_pairs_uapi(p, fd, afd, npages,
						     uapi_pairs));
	}
	iommufd_sim_close(p, afd);

	printf("bench-access: access pin + unpin of one 4 KiB page at a random IOVA of %lu MiB (%lu pages), %lu pairs, best of %d\n",
	       pin_mib, npages, pairs, reps);
	printf("floor (random 8-byte read-modify-write):  %8.1f ns/pair\n",
	       floor_pin / pairs);
	printf("kernel API, IOAS with a mock domain:      %8.1f ns/pair  %6.1fx floor\n",
	       t_dom / pairs, t_dom / floor_pin);
	printf("kernel API, IOAS without a domain:        %8.1f ns/pair  %6.1fx floor\n",
	       t_nodom / pairs, t_nodom / floor_pin);
	printf("test uAPI (2 ioctls), with a domain:      %8.1f ns/pair  %6.1fx floor\n",
	       t_uapi / uapi_pairs, (t_uapi / uapi_pairs) /
					    (floor_pin / pairs));

	/* ---- 2 ---- */
	dmem = prefaulted(p, dlen, IOMMUFD_SIM_SCATTERED);
	ioas_dirty = ioas_alloc(p, fd);
	{
		struct iommu_test_cmd md = {
			.size = sizeof(md),
			.op = IOMMU_TEST_OP_MOCK_DOMAIN,
			.id = ioas_dirty,
		};
		struct iommu_hwpt_alloc ha = {
			.size = sizeof(ha),
			.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
			.pt_id = ioas_dirty,
		};
		struct iommu_hwpt_set_dirty_tracking sd = {
			.size = sizeof(sd),
			.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE,
		};

		ioctl_or_die(p, fd, IOMMU_TEST_CMD, &md, "MOCK_DOMAIN");
		stdev_pt = md.mock_domain.out_stdev_id;
		ha.dev_id = md.mock_domain.out_idev_id;
		ioctl_or_die(p, fd, IOMMU_HWPT_ALLOC, &ha, "HWPT_ALLOC");
		hwpt = ha.out_hwpt_id;
		map_fixed(p, fd, ioas_dirty, dmem, dlen, BENCH_BASE);
		sd.hwpt_id = hwpt;
		ioctl_or_die(p, fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &sd,
			     "SET_DIRTY_TRACKING");
	}
	bitmap = calloc(words, sizeof(*bitmap));
	marks = calloc(words, sizeof(*marks));
	ptes = calloc(dpages, sizeof(*ptes));
	for (ndirty = 0; ndirty < dpages; ndirty += 16) {
		marks[ndirty / 64] |= 1ULL << (ndirty % 64);
		ptes[ndirty] = 16;
	}
	mark_dirty(p, fd, hwpt, dlen, marks);

	for (r = 0; r < reps; r++) {
		floor_bm = best(floor_bm, bitmap_floor(bitmap, words));
		memset(bitmap, 0, words * sizeof(*bitmap));
		floor_walk = best(floor_walk, walk_floor(ptes, bitmap, dpages));
		t_noclear = best(t_noclear,
				 read_bitmap(p, fd, hwpt, dlen, bitmap,
					     words * sizeof(*bitmap),
					     IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR));
		t_clear = best(t_clear, read_bitmap(p, fd, hwpt, dlen, bitmap,
						    words * sizeof(*bitmap), 0));
		if (popcount_bitmap(bitmap, words) != dpages / 16)
			die("dirty bits read back", popcount_bitmap(bitmap,
								    words));
		mark_dirty(p, fd, hwpt, dlen, marks);
	}

	printf("bench-access: GET_DIRTY_BITMAP of %lu MiB (%lu pages of 4 KiB, %lu dirty), one mock paging domain, best of %d\n",
	       dirty_mib, dpages, dpages / 16, reps);
	printf("floor, memset + scan of the %zu-byte bitmap: %10.3f ms  %6.2f ns/page\n",
	       words * sizeof(uint64_t), floor_bm / 1e6, floor_bm / dpages);
	printf("floor, one 8-byte entry read per page:       %10.3f ms  %6.2f ns/page\n",
	       floor_walk / 1e6, floor_walk / dpages);
	printf("read, NO_CLEAR:                              %10.3f ms  %6.2f ns/page  %7.1fx walk floor  %8.1fx bitmap floor\n",
	       t_noclear / 1e6, t_noclear / dpages, t_noclear / floor_walk,
	       t_noclear / floor_bm);
	printf("read and clear:                              %10.3f ms  %6.2f ns/page  %7.1fx walk floor  %8.1fx bitmap floor\n",
	       t_clear / 1e6, t_clear / dpages, t_clear / floor_walk,
	       t_clear / floor_bm);

	free(bitmap);
	free(marks);
	free(ptes);
	(void)stdev_pt;
	iommufd_sim_close(p, fd);
	iommufd_sim_proc_destroy(p);
	misc_deregister(&bench_call_dev);
	problems = iommufd_sim_destroy(sim, stderr);
	return problems ? 1 : 0;
}
