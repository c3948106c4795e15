/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny harness for the preload tests: programs that know nothing of the
 * simulator and talk to /dev/iommu through plain libc calls, as an
 * existing iommufd user does.  A failed check prints where and why and
 * exits 1; the end prints a one-line summary.
 */
#ifndef _PRELOAD_PLAIN_H
#define _PRELOAD_PLAIN_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/iommufd.h>
#include <iommufd_test.h>

static unsigned int plain_checks;

#define CHECK(cond)							\
	do {								\
		plain_checks++;						\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s (errno %s)\n", \
				__FILE__, __LINE__, #cond, strerrorname_np(errno)); \
			exit(1);					\
		}							\
	} while (0)

/* @expr must fail with errno @err. */
#define CHECK_ERR(err, expr)						\
	do {								\
		long plain_r_;						\
		errno = 0;						\
		plain_r_ = (long)(expr);				\
		plain_checks++;						\
		if (plain_r_ != -1 || errno != (err)) {			\
			fprintf(stderr, "%s:%d: %s: expected %s, got %ld (errno %s)\n", \
				__FILE__, __LINE__, #expr, strerrorname_np(err), \
				plain_r_, strerrorname_np(errno));	\
			exit(1);					\
		}							\
	} while (0)

#define CHECK_OK(expr)	CHECK((expr) == 0)

#define TEST_CMD(op_, id_)						\
	((struct iommu_test_cmd){ .size = sizeof(struct iommu_test_cmd), \
				  .op = (op_), .id = (id_) })

static inline int plain_ioas_alloc(int fd, __u32 *id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	int rc = ioctl(fd, IOMMU_IOAS_ALLOC, &cmd);

	*id = cmd.out_ioas_id;
	return rc;
}

static inline int plain_destroy(int fd, __u32 id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return ioctl(fd, IOMMU_DESTROY, &cmd);
}

static inline int plain_map_fixed(int fd, __u32 ioas, void *buf, __u64 len,
				  __u64 iova)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.user_va = (__u64)(unsigned long)buf,
		.length = len,
		.iova = iova,
	};

	return ioctl(fd, IOMMU_IOAS_MAP, &cmd);
}

static inline int plain_unmap(int fd, __u32 ioas, __u64 iova, __u64 len,
			      __u64 *unmapped)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .iova = iova,
		.length = len,
	};
	int rc = ioctl(fd, IOMMU_IOAS_UNMAP, &cmd);

	if (unmapped)
		*unmapped = cmd.length;
	return rc;
}

static inline int plain_mock_domain(int fd, __u32 pt, __u32 *stdev,
				    __u32 *hwpt, __u32 *idev)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_MOCK_DOMAIN, pt);
	int rc = ioctl(fd, IOMMU_TEST_CMD, &cmd);

	if (stdev)
		*stdev = cmd.mock_domain.out_stdev_id;
	if (hwpt)
		*hwpt = cmd.mock_domain.out_hwpt_id;
	if (idev)
		*idev = cmd.mock_domain.out_idev_id;
	return rc;
}

static inline int plain_check_map(int fd, __u32 hwpt, __u64 iova, __u64 len,
				  const void *buf)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_MD_CHECK_MAP, hwpt);

	cmd.check_map.iova = iova;
	cmd.check_map.length = len;
	cmd.check_map.uptr = (__u64)(unsigned long)buf;
	return ioctl(fd, IOMMU_TEST_CMD, &cmd);
}

static inline int plain_check_refs(int fd, const void *buf, __u64 len,
				   __u32 refs)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_MD_CHECK_REFS, 0);

	cmd.check_refs.length = len;
	cmd.check_refs.uptr = (__u64)(unsigned long)buf;
	cmd.check_refs.refs = refs;
	return ioctl(fd, IOMMU_TEST_CMD, &cmd);
}

static inline int plain_fault_alloc(int fd, __u32 *id, int *fault_fd)
{
	struct iommu_fault_alloc cmd = { .size = sizeof(cmd) };
	int rc = ioctl(fd, IOMMU_FAULT_QUEUE_ALLOC, &cmd);

	*id = cmd.out_fault_id;
	*fault_fd = (int)cmd.out_fault_fd;
	return rc;
}

static inline int plain_trigger_iopf(int fd, __u32 idev, __u32 grpid,
				     __u64 addr)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_TRIGGER_IOPF, 0);

	cmd.trigger_iopf.dev_id = idev;
	cmd.trigger_iopf.grpid = grpid;
	cmd.trigger_iopf.perm = IOMMU_PGFAULT_PERM_READ;
	cmd.trigger_iopf.addr = addr;
	return ioctl(fd, IOMMU_TEST_CMD, &cmd);
}

/* Point mock device @stdev at the IOAS or HWPT @pt_id. */
static inline int plain_mock_replace(int fd, __u32 stdev, __u32 pt_id)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
					     stdev);

	cmd.mock_domain_replace.pt_id = pt_id;
	return ioctl(fd, IOMMU_TEST_CMD, &cmd);
}

/*
 * A fault queue, a paging HWPT on @ioas that reports to it, and mock
 * device @stdev (DEVICE @idev) moved onto that HWPT: what an I/O page
 * fault needs.  Returns the IDs and the queue's descriptor.
 */
struct plain_fault_env {
	__u32 fault_id;
	__u32 hwpt_id;
	int fault_fd;
};

static inline int plain_fault_env(int fd, __u32 ioas, __u32 stdev,
				  __u32 idev, struct plain_fault_env *env)
{
	struct iommu_hwpt_alloc alloc = {
		.size = sizeof(alloc), .flags = IOMMU_HWPT_FAULT_ID_VALID,
		.dev_id = idev, .pt_id = ioas,
	};

	if (plain_fault_alloc(fd, &env->fault_id, &env->fault_fd))
		return -1;
	alloc.fault_id = env->fault_id;
	if (ioctl(fd, IOMMU_HWPT_ALLOC, &alloc))
		return -1;
	env->hwpt_id = alloc.out_hwpt_id;
	return plain_mock_replace(fd, stdev, env->hwpt_id);
}

static inline void plain_done(const char *name)
{
	printf("%s: %u checks passed\n", name, plain_checks);
}

#endif /* _PRELOAD_PLAIN_H */
