// SPDX-License-Identifier: GPL-2.0
/*
 * mmap() of the iommufd descriptor under the preload library: a vIOMMU's
 * MMIO pages (the selftest vIOMMU's two pages), mapped by plain mmap(),
 * shared between mappings, holding the vIOMMU until munmap(), which goes
 * back to the simulator; ordinary mmap()/munmap() keep working around it.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "plain.h"

int main(void)
{
	struct iommu_viommu_selftest data = { .in_data = 0xbeef };
	struct iommu_viommu_alloc alloc = {
		.size = sizeof(alloc), .type = IOMMU_VIOMMU_TYPE_SELFTEST,
		.data_len = sizeof(data),
		.data_uptr = (uintptr_t)&data,
	};
	struct iommu_hwpt_alloc parent = {
		.size = sizeof(parent), .flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
	};
	long pg = sysconf(_SC_PAGESIZE);
	uint32_t *p, *q;
	__u32 ioas, stdev, idev;
	void *anon;
	int fd;

	fd = open("/dev/iommu", O_RDWR);
	CHECK(fd >= 0);
	CHECK_OK(plain_ioas_alloc(fd, &ioas));
	CHECK_OK(plain_mock_domain(fd, ioas, &stdev, NULL, &idev));
	parent.dev_id = idev;
	parent.pt_id = ioas;
	CHECK_OK(ioctl(fd, IOMMU_HWPT_ALLOC, &parent));
	alloc.dev_id = idev;
	alloc.hwpt_id = parent.out_hwpt_id;
	CHECK_OK(ioctl(fd, IOMMU_VIOMMU_ALLOC, &alloc));
	CHECK(data.out_mmap_length == 2 * (unsigned long)pg);

	/* Only the exact region maps; it shows the driver's pages. */
	CHECK(mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, data.out_mmap_offset) ==
	      MAP_FAILED && errno == ENXIO);
	p = mmap(NULL, data.out_mmap_length, PROT_READ | PROT_WRITE,
		 MAP_SHARED, fd, data.out_mmap_offset);
	CHECK(p != MAP_FAILED);
	CHECK(p[0] == 0xbeef);
	q = mmap(NULL, data.out_mmap_length, PROT_READ, MAP_SHARED, fd,
		 data.out_mmap_offset);
	CHECK(q != MAP_FAILED);
	p[pg / 4 + 1] = 0x1234;
	CHECK(q[pg / 4 + 1] == 0x1234);

	/* Ordinary mappings in between are the program's own. */
	anon = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(anon != MAP_FAILED);
	memset(anon, 1, 3 * pg);
	CHECK_OK(munmap(anon, 3 * pg));

	/* Each mapping holds the vIOMMU. */
	CHECK_ERR(EBUSY, plain_destroy(fd, alloc.out_viommu_id));
	CHECK_OK(munmap(q, data.out_mmap_length));
	CHECK_ERR(EBUSY, plain_destroy(fd, alloc.out_viommu_id));
	/* A split: the second page keeps it until it goes too. */
	CHECK_OK(munmap(p, pg));
	CHECK_ERR(EBUSY, plain_destroy(fd, alloc.out_viommu_id));
	CHECK_OK(munmap((char *)p + pg, pg));
	CHECK_OK(plain_destroy(fd, alloc.out_viommu_id));

	/* A mapping left at exit is unmapped by the library's teardown. */
	alloc.out_viommu_id = 0;
	CHECK_OK(ioctl(fd, IOMMU_VIOMMU_ALLOC, &alloc));
	p = mmap(NULL, data.out_mmap_length, PROT_READ, MAP_SHARED, fd,
		 data.out_mmap_offset);
	CHECK(p != MAP_FAILED);
	CHECK_OK(close(fd));
	plain_done("preload-viommu-mmap");
	return 0;
}
