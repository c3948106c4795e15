// SPDX-License-Identifier: GPL-2.0
/*
 * RLIMIT_MEMLOCK under the preload library is the program's own: the
 * simulated kernel reads it when it charges pinned pages, so setrlimit()
 * after open() counts, both ways.  CAP_IPC_LOCK lifts the limit and root
 * has it: the program drops it before it first opens /dev/iommu (the
 * simulated process takes the program's capabilities then).
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include "plain.h"

#define BUF_SIZE	(64 * 1024UL)
#define IOVA		(MOCK_APERTURE_START)

int main(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct caps[2];
	struct rlimit saved, small = { .rlim_cur = 4 * 4096 };
	unsigned char *buf;
	__u32 ioas;
	int fd;

	CHECK(syscall(SYS_capget, &hdr, caps) == 0);
	caps[CAP_IPC_LOCK / 32].effective &= ~(1U << (CAP_IPC_LOCK % 32));
	CHECK(syscall(SYS_capset, &hdr, caps) == 0);

	buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf != MAP_FAILED);
	memset(buf, 1, BUF_SIZE);
	fd = open("/dev/iommu", O_RDWR);
	CHECK(fd > 2);
	CHECK_OK(plain_ioas_alloc(fd, &ioas));
	/* With a domain attached, a map pins (and charges) at once. */
	CHECK_OK(plain_mock_domain(fd, ioas, NULL, NULL, NULL));

	CHECK(getrlimit(RLIMIT_MEMLOCK, &saved) == 0);
	CHECK(saved.rlim_cur == RLIM_INFINITY || saved.rlim_cur >= 2 * BUF_SIZE);
	small.rlim_max = saved.rlim_max;
	CHECK(setrlimit(RLIMIT_MEMLOCK, &small) == 0);
	CHECK_ERR(ENOMEM, plain_map_fixed(fd, ioas, buf, BUF_SIZE, IOVA));
	CHECK_OK(plain_check_refs(fd, buf, BUF_SIZE, 0));
	CHECK(setrlimit(RLIMIT_MEMLOCK, &saved) == 0);
	CHECK_OK(plain_map_fixed(fd, ioas, buf, BUF_SIZE, IOVA));
	CHECK_OK(plain_check_refs(fd, buf, BUF_SIZE, 1));
	CHECK_OK(plain_unmap(fd, ioas, IOVA, BUF_SIZE, NULL));
	CHECK_OK(close(fd));
	plain_done("preload-memlock");
	return 0;
}
