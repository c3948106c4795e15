// SPDX-License-Identifier: GPL-2.0
/*
 * How a preloaded program ends, and what fork() does to it.
 *
 *   lifecycle leave-open   exits with an IOAS mapped, pages pinned by an
 *                          access, a fault queue holding a fault and an
 *                          atexit handler that still uses the iommufd:
 *                          the library closes all that and audits.
 *   lifecycle fork         a child inherits simulated descriptors: they
 *                          fail with EIO there, /dev/iommu is gone
 *                          (ENODEV), close() works, and exiting does not
 *                          audit; the parent's state is untouched.
 *
 * run-lifecycle.sh runs both and checks statuses and reports.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "plain.h"

#define BUF_SIZE	(16 * 4096UL)
#define IOVA		(MOCK_APERTURE_START)

static int iofd = -1;
static unsigned char *buf;
static __u32 ioas, hwpt;

static void setup(void)
{
	iofd = open("/dev/iommu", O_RDWR);
	CHECK(iofd >= 0);
	buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf != MAP_FAILED);
	memset(buf, 0x5a, BUF_SIZE);
	CHECK_OK(plain_ioas_alloc(iofd, &ioas));
	CHECK_OK(plain_mock_domain(iofd, ioas, NULL, &hwpt, NULL));
	CHECK_OK(plain_map_fixed(iofd, ioas, buf, BUF_SIZE, IOVA));
}

/* Runs before the library's own exit handler. */
static void late_user(void)
{
	__u32 id;

	CHECK_OK(plain_ioas_alloc(iofd, &id));
	printf("atexit handler: the iommufd still works\n");
}

static int leave_open(void)
{
	struct plain_fault_env fenv;
	struct iommu_test_cmd cmd;
	__u32 stdev, idev;
	int access_fd;

	setup();
	cmd = TEST_CMD(IOMMU_TEST_OP_CREATE_ACCESS, ioas);
	cmd.create_access.flags = MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES;
	CHECK_OK(ioctl(iofd, IOMMU_TEST_CMD, &cmd));
	access_fd = cmd.create_access.out_access_fd;
	cmd = TEST_CMD(IOMMU_TEST_OP_ACCESS_PAGES, access_fd);
	cmd.access_pages.iova = IOVA;
	cmd.access_pages.length = 4096;
	cmd.access_pages.uptr = (__u64)(unsigned long)buf;
	CHECK_OK(ioctl(iofd, IOMMU_TEST_CMD, &cmd));

	CHECK_OK(plain_mock_domain(iofd, ioas, &stdev, NULL, &idev));
	CHECK_OK(plain_fault_env(iofd, ioas, stdev, idev, &fenv));
	CHECK_OK(plain_trigger_iopf(iofd, idev, 3, 0x3000));

	atexit(late_user);
	plain_done("lifecycle leave-open");
	return 0;	/* everything above is still open */
}

static int fork_child(void)
{
	__u32 id;

	/* Inherited simulated descriptors: unusable, but closable. */
	CHECK_ERR(EIO, plain_ioas_alloc(iofd, &id));
	CHECK_ERR(ENODEV, open("/dev/iommu", O_RDWR));
	CHECK_OK(close(iofd));
	CHECK_ERR(EBADF, close(iofd));
	/* The child's copy of the buffer is its own. */
	memset(buf, 0, BUF_SIZE);
	printf("child: done\n");
	exit(0);	/* runs exit handlers: no audit in a child */
}

static int do_fork(void)
{
	int status;
	pid_t pid;

	setup();
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (!pid)
		return fork_child();
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* Parent: its descriptors, objects and mappings are as they were. */
	CHECK_OK(plain_check_map(iofd, hwpt, IOVA, BUF_SIZE, buf));
	CHECK(buf[0] == 0x5a);
	CHECK_OK(plain_unmap(iofd, ioas, IOVA, BUF_SIZE, NULL));
	CHECK_OK(close(iofd));
	plain_done("lifecycle fork");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "leave-open"))
		return leave_open();
	if (argc == 2 && !strcmp(argv[1], "fork"))
		return do_fork();
	fprintf(stderr, "usage: %s leave-open|fork\n", argv[0]);
	return 2;
}
