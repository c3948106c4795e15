// SPDX-License-Identifier: GPL-2.0
/*
 * An iommufd user that knows nothing of the simulator: open("/dev/iommu"),
 * ioctl(), read(), write(), poll() and close() only, mock devices through
 * the test uAPI.  ctest runs it under libiommufd-preload.so.
 *
 * It checks the paths a VMM and a driver test take: map, copy, unmap, an
 * access that pins and reads/writes through the IOAS, an I/O page fault
 * read from the fault queue and answered, and the uAPI's errno rules.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "plain.h"

#define BUF_SIZE	(64 * 1024UL)
#define IOVA		(MOCK_APERTURE_START + 0x100000UL)

static void check_errno_rules(int fd)
{
	struct iommu_ioas_alloc small = { .size = 4 };
	struct {
		struct iommu_ioas_alloc cmd;
		__u32 tail;
	} big = { .cmd.size = sizeof(big), .tail = 1 };
	struct iommu_ioas_map bad_flags = {
		.size = sizeof(bad_flags), .flags = 1U << 30,
	};
	__u32 ioas;

	CHECK_ERR(ENOTTY, ioctl(fd, _IO(IOMMUFD_TYPE, 0xff), NULL));
	CHECK_ERR(EINVAL, ioctl(fd, IOMMU_IOAS_ALLOC, &small));
	CHECK_ERR(E2BIG, ioctl(fd, IOMMU_IOAS_ALLOC, &big));
	big.tail = 0;
	CHECK_OK(ioctl(fd, IOMMU_IOAS_ALLOC, &big));
	CHECK_OK(plain_destroy(fd, big.cmd.out_ioas_id));
	CHECK_ERR(EFAULT, ioctl(fd, IOMMU_IOAS_ALLOC, (void *)8));
	CHECK_ERR(ENOENT, plain_destroy(fd, 12345));
	CHECK_OK(plain_ioas_alloc(fd, &ioas));
	bad_flags.ioas_id = ioas;
	CHECK_ERR(EOPNOTSUPP, ioctl(fd, IOMMU_IOAS_MAP, &bad_flags));
	/* Nothing mapped: QEMU relies on ENOENT here. */
	CHECK_ERR(ENOENT, plain_unmap(fd, ioas, 0, 4096, NULL));
	CHECK_OK(plain_destroy(fd, ioas));
	CHECK_ERR(ENOENT, plain_destroy(fd, ioas));
}

static void check_iova_ranges(int fd, __u32 ioas)
{
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd), .ioas_id = ioas,
	};
	struct iommu_iova_range ranges[8];

	/* The two-call pattern: the first tells how many there are. */
	CHECK_ERR(EMSGSIZE, ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &cmd));
	CHECK(cmd.num_iovas >= 1 && cmd.num_iovas <= 8);
	cmd.allowed_iovas = (__u64)(unsigned long)ranges;
	CHECK_OK(ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &cmd));
	CHECK(ranges[0].start <= IOVA && ranges[0].last >= IOVA + BUF_SIZE);
	CHECK(cmd.out_iova_alignment >= 1);
}

static void check_access(int fd, __u32 ioas, unsigned char *buf)
{
	struct iommu_test_cmd create = TEST_CMD(IOMMU_TEST_OP_CREATE_ACCESS,
						ioas);
	struct iommu_test_cmd pages, rw, unpin;
	unsigned char data[256], back[256];
	int access_fd;
	unsigned int i;

	create.create_access.flags = MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES;
	CHECK_OK(ioctl(fd, IOMMU_TEST_CMD, &create));
	access_fd = (int)create.create_access.out_access_fd;
	CHECK(access_fd > 2);

	/* Pin 4 pages through the access: each page gains a reference. */
	pages = TEST_CMD(IOMMU_TEST_OP_ACCESS_PAGES, access_fd);
	pages.access_pages.flags = MOCK_FLAGS_ACCESS_WRITE;
	pages.access_pages.iova = IOVA;
	pages.access_pages.length = 4 * 4096;
	pages.access_pages.uptr = (__u64)(unsigned long)buf;
	CHECK_OK(ioctl(fd, IOMMU_TEST_CMD, &pages));
	CHECK_OK(plain_check_refs(fd, buf, 4 * 4096, 1));

	/* The "device" reads what the program wrote ... */
	rw = TEST_CMD(IOMMU_TEST_OP_ACCESS_RW, access_fd);
	rw.access_rw.iova = IOVA + 100;
	rw.access_rw.length = sizeof(back);
	rw.access_rw.uptr = (__u64)(unsigned long)back;
	CHECK_OK(ioctl(fd, IOMMU_TEST_CMD, &rw));
	CHECK(!memcmp(back, buf + 100, sizeof(back)));

	/* ... and the program sees what the device wrote. */
	for (i = 0; i < sizeof(data); i++)
		data[i] = 0xa5 ^ i;
	rw.access_rw.iova = IOVA + 5000;
	rw.access_rw.uptr = (__u64)(unsigned long)data;
	rw.access_rw.flags = MOCK_ACCESS_RW_WRITE;
	CHECK_OK(ioctl(fd, IOMMU_TEST_CMD, &rw));
	CHECK(!memcmp(buf + 5000, data, sizeof(data)));

	/* Past the mapping: no area there. */
	rw.access_rw.iova = IOVA + BUF_SIZE;
	CHECK_ERR(ENOENT, ioctl(fd, IOMMU_TEST_CMD, &rw));

	unpin = TEST_CMD(IOMMU_TEST_OP_DESTROY_ACCESS_PAGES, access_fd);
	unpin.destroy_access_pages.access_pages_id =
		pages.access_pages.out_access_pages_id;
	CHECK_OK(ioctl(fd, IOMMU_TEST_CMD, &unpin));
	CHECK_OK(plain_check_refs(fd, buf, 4 * 4096, 1));
	CHECK_OK(close(access_fd));
	CHECK_ERR(EBADF, close(access_fd));
}

static void check_iopf(int fd, __u32 ioas, __u32 stdev, __u32 idev)
{
	struct iommu_hwpt_page_response rsp;
	struct iommu_hwpt_pgfault rec;
	struct plain_fault_env fenv;
	struct pollfd pfd;
	int fault_fd;

	CHECK_OK(plain_fault_env(fd, ioas, stdev, idev, &fenv));
	fault_fd = fenv.fault_fd;

	/* Nothing queued: poll times out, read returns 0 (never blocks). */
	pfd = (struct pollfd){ .fd = fault_fd, .events = POLLIN };
	CHECK(poll(&pfd, 1, 0) == 0);
	CHECK(read(fault_fd, &rec, sizeof(rec)) == 0);

	CHECK_OK(plain_trigger_iopf(fd, idev, 7, 0x7000));
	CHECK(poll(&pfd, 1, 5000) == 1 && pfd.revents == POLLIN);
	CHECK(read(fault_fd, &rec, sizeof(rec)) == sizeof(rec));
	CHECK(rec.dev_id == idev && rec.grpid == 7 && rec.addr == 0x7000);
	CHECK(rec.perm == IOMMU_PGFAULT_PERM_READ);
	CHECK(rec.flags & IOMMU_PGFAULT_FLAGS_LAST_PAGE);
	CHECK(poll(&pfd, 1, 0) == 0);

	rsp = (struct iommu_hwpt_page_response){
		.cookie = rec.cookie, .code = IOMMUFD_PAGE_RESP_SUCCESS,
	};
	CHECK(write(fault_fd, &rsp, sizeof(rsp)) == sizeof(rsp));
	/* A group is answered once. */
	CHECK_ERR(EINVAL, write(fault_fd, &rsp, sizeof(rsp)));
	/* Fault files are not seekable. */
	CHECK_ERR(ESPIPE, pread(fault_fd, &rec, sizeof(rec), 0));

	/* Back to the IOAS; the fault HWPT and queue can go. */
	CHECK_OK(plain_mock_replace(fd, stdev, ioas));
	CHECK_OK(plain_destroy(fd, fenv.hwpt_id));
	CHECK_OK(close(fault_fd));
	CHECK_OK(plain_destroy(fd, fenv.fault_id));
}

int main(void)
{
	struct iommu_ioas_copy copy;
	__u32 ioas, ioas2, stdev, hwpt, idev, hwpt2;
	unsigned char *buf;
	__u64 unmapped;
	unsigned int i;
	int fd;

	fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	CHECK(fd > 2);
	check_errno_rules(fd);

	buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf != MAP_FAILED);
	for (i = 0; i < BUF_SIZE; i++)
		buf[i] = i * 7;

	CHECK_OK(plain_ioas_alloc(fd, &ioas));
	check_iova_ranges(fd, ioas);
	CHECK_OK(plain_mock_domain(fd, ioas, &stdev, &hwpt, &idev));

	/* Map: the mock IOMMU translates the IOVAs to the buffer's pages. */
	CHECK_OK(plain_map_fixed(fd, ioas, buf, BUF_SIZE, IOVA));
	CHECK_OK(plain_check_map(fd, hwpt, IOVA, BUF_SIZE, buf));
	CHECK_OK(plain_check_refs(fd, buf, BUF_SIZE, 1));
	CHECK_ERR(EEXIST, plain_map_fixed(fd, ioas, buf, 4096, IOVA));

	/* Copy into a second IOAS with its own device: same pages. */
	CHECK_OK(plain_ioas_alloc(fd, &ioas2));
	CHECK_OK(plain_mock_domain(fd, ioas2, NULL, &hwpt2, NULL));
	copy = (struct iommu_ioas_copy){
		.size = sizeof(copy),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.dst_ioas_id = ioas2, .src_ioas_id = ioas,
		.length = BUF_SIZE, .dst_iova = IOVA, .src_iova = IOVA,
	};
	CHECK_OK(ioctl(fd, IOMMU_IOAS_COPY, &copy));
	CHECK_OK(plain_check_map(fd, hwpt2, IOVA, BUF_SIZE, buf));

	check_access(fd, ioas, buf);
	check_iopf(fd, ioas, stdev, idev);

	/* Unmap: never part of a mapping; all of it (QEMU's two halves). */
	CHECK_ERR(ENOENT, plain_unmap(fd, ioas, IOVA, 4096 * 4, NULL));
	CHECK_OK(plain_unmap(fd, ioas, 0, 1ULL << 63, &unmapped));
	CHECK(unmapped == BUF_SIZE);
	CHECK_ERR(ENOENT, plain_unmap(fd, ioas, 1ULL << 63, 1ULL << 63, NULL));
	CHECK_OK(plain_unmap(fd, ioas2, 0, UINT64_MAX, &unmapped));
	CHECK(unmapped == BUF_SIZE);
	CHECK_OK(plain_check_refs(fd, buf, BUF_SIZE, 0));

	/* Devices go with their selftest objects; the IOASes after them. */
	CHECK_OK(plain_destroy(fd, stdev));
	CHECK_OK(plain_destroy(fd, ioas));
	CHECK_OK(close(fd));
	CHECK_ERR(EBADF, ioctl(fd, IOMMU_IOAS_ALLOC, &copy));
	munmap(buf, BUF_SIZE);
	plain_done("preload-client");
	return 0;
}
