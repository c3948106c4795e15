// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for the uAPI suites (see uapi_util.h).
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "uapi_util.h"

struct uapi_fixture uf = { .fd = -1 };

int uapi_open_iommufd(void)
{
	int fd = iommufd_sim_open(uf.p, "/dev/iommu", O_RDWR);

	ck_assert_msg(fd >= 0, "open /dev/iommu: %s", uapi_errname(errno));
	return fd;
}

void uapi_setup(void)
{
	uf.sim = iommufd_sim_create(NULL);
	ck_assert_ptr_nonnull(uf.sim);
	uf.p = iommufd_sim_proc_create(uf.sim, NULL);
	ck_assert_ptr_nonnull(uf.p);
	uf.fd = uapi_open_iommufd();
}

/*
 * Close the test's iommufd, then let the simulator close whatever the test
 * left open (process exit) and audit the world: every test must leave
 * nothing behind.
 */
void uapi_teardown(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	int problems;

	if (uf.fd >= 0)
		iommufd_sim_close(uf.p, uf.fd);
	uf.fd = -1;
	out = open_memstream(&buf, &len);
	problems = iommufd_sim_destroy(uf.sim, out);
	fclose(out);
	uf.sim = NULL;
	uf.p = NULL;
	if (problems)
		fprintf(stderr, "teardown audit: %d problem(s):\n%s", problems,
			buf);
	ck_assert_msg(problems == 0, "teardown audit found %d problem(s):\n%s",
		      problems, buf);
	free(buf);
}

TCase *uapi_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, uapi_setup, uapi_teardown);
	tcase_set_timeout(tc, 120);
	return tc;
}

int _sim_close(int fd)
{
	return iommufd_sim_close(uf.p, fd) ? -errno : 0;
}

void *uapi_mem_opts(size_t size, const struct iommufd_sim_mem_opts *opts)
{
	void *p = iommufd_sim_mem_alloc(uf.p, size, opts);

	ck_assert_msg(p, "iommufd_sim_mem_alloc(%zu): %s", size,
		      uapi_errname(errno));
	return p;
}

void *uapi_mem(size_t size)
{
	return uapi_mem_opts(size, NULL);
}

void *uapi_ro_copy(const void *src, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	memcpy(p, src, len);
	ck_assert_int_eq(mprotect(p, len, PROT_READ), 0);
	return p;
}

void uapi_ro_free(void *p, size_t len)
{
	munmap(p, len);
}

const char *uapi_errname(int err)
{
	static __thread char buf[64];
	const char *name = err > 0 ? strerrorname_np(err) : NULL;

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

/* ---- generic ----------------------------------------------------------- */

int _sim_ioctl_fd(int fd, unsigned long cmd, void *arg)
{
	return iommufd_sim_ioctl(uf.p, fd, cmd, arg) < 0 ? -errno : 0;
}

int _sim_ioctl(unsigned long cmd, void *arg)
{
	return _sim_ioctl_fd(uf.fd, cmd, arg);
}

int _sim_destroy(uint32_t id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return _sim_ioctl(IOMMU_DESTROY, &cmd);
}

/* ---- IOAS ------------------------------------------------------------ */

int _sim_ioas_alloc(uint32_t *ioas_id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	int rc;

	rc = _sim_ioctl(IOMMU_IOAS_ALLOC, &cmd);
	if (!rc && ioas_id)
		*ioas_id = cmd.out_ioas_id;
	return rc;
}

int _sim_ioas_map(uint32_t ioas_id, void *buf, uint64_t length,
		  uint64_t *iova, uint32_t flags)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = flags ? flags : (IOMMU_IOAS_MAP_READABLE |
					  IOMMU_IOAS_MAP_WRITEABLE),
		.ioas_id = ioas_id,
		.user_va = (uintptr_t)buf,
		.length = length,
	};
	int rc;

	if (flags & IOMMU_IOAS_MAP_FIXED_IOVA)
		cmd.iova = *iova;
	rc = _sim_ioctl(IOMMU_IOAS_MAP, &cmd);
	if (!rc && iova)
		*iova = cmd.iova;
	return rc;
}

int _sim_ioas_map_fixed(uint32_t ioas_id, void *buf, uint64_t length,
			uint64_t iova)
{
	return _sim_ioas_map(ioas_id, buf, length, &iova,
			     IOMMU_IOAS_MAP_FIXED_IOVA |
				     IOMMU_IOAS_MAP_READABLE |
				     IOMMU_IOAS_MAP_WRITEABLE);
}

int _sim_ioas_unmap(uint32_t ioas_id, uint64_t iova, uint64_t length,
		    uint64_t *unmapped)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.iova = iova,
		.length = length,
	};
	int rc;

	rc = _sim_ioctl(IOMMU_IOAS_UNMAP, &cmd);
	if (!rc && unmapped)
		*unmapped = cmd.length;
	return rc;
}

int _sim_ioas_copy(uint32_t dst_ioas, uint64_t dst_iova, uint32_t src_ioas,
		   uint64_t src_iova, uint64_t length, uint32_t flags)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dst_ioas_id = dst_ioas,
		.src_ioas_id = src_ioas,
		.length = length,
		.dst_iova = dst_iova,
		.src_iova = src_iova,
	};

	return _sim_ioctl(IOMMU_IOAS_COPY, &cmd);
}

int _sim_ioas_allow_iovas(uint32_t ioas_id,
			  const struct iommu_iova_range *ranges, uint32_t num)
{
	struct iommu_ioas_allow_iovas cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.num_iovas = num,
		.allowed_iovas = (uintptr_t)ranges,
	};

	return _sim_ioctl(IOMMU_IOAS_ALLOW_IOVAS, &cmd);
}

/* ---- HWPT ------------------------------------------------------------ */

int _sim_hwpt_alloc(uint32_t dev_id, uint32_t pt_id, uint32_t flags,
		    uint32_t fault_id, uint32_t data_type, void *data,
		    uint32_t data_len, uint32_t *hwpt_id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev_id,
		.pt_id = pt_id,
		.data_type = data_type,
		.data_len = data_len,
		.data_uptr = (uintptr_t)data,
		.fault_id = fault_id,
	};
	int rc;

	rc = _sim_ioctl(IOMMU_HWPT_ALLOC, &cmd);
	if (!rc && hwpt_id)
		*hwpt_id = cmd.out_hwpt_id;
	return rc;
}

int _sim_hwpt_alloc_paging(uint32_t dev_id, uint32_t ioas_id, uint32_t flags,
			   uint32_t *hwpt_id)
{
	return _sim_hwpt_alloc(dev_id, ioas_id, flags, 0, IOMMU_HWPT_DATA_NONE,
			       NULL, 0, hwpt_id);
}

int _sim_hwpt_alloc_nested(uint32_t dev_id, uint32_t parent_id,
			   uint32_t flags, uint32_t fault_id, uint32_t iotlb,
			   uint32_t *hwpt_id)
{
	struct iommu_hwpt_selftest data = { .iotlb = iotlb };

	return _sim_hwpt_alloc(dev_id, parent_id, flags, fault_id,
			       IOMMU_HWPT_DATA_SELFTEST, &data, sizeof(data),
			       hwpt_id);
}

int _sim_set_dirty_tracking(uint32_t hwpt_id, bool enable)
{
	struct iommu_hwpt_set_dirty_tracking cmd = {
		.size = sizeof(cmd),
		.flags = enable ? IOMMU_HWPT_DIRTY_TRACKING_ENABLE : 0,
		.hwpt_id = hwpt_id,
	};

	return _sim_ioctl(IOMMU_HWPT_SET_DIRTY_TRACKING, &cmd);
}

int _sim_get_dirty_bitmap(uint32_t hwpt_id, uint64_t iova, uint64_t length,
			  uint64_t page_size, void *bitmap, uint32_t flags)
{
	struct iommu_hwpt_get_dirty_bitmap cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt_id,
		.flags = flags,
		.iova = iova,
		.length = length,
		.page_size = page_size,
		.data = (uintptr_t)bitmap,
	};

	return _sim_ioctl(IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd);
}

/* ---- faults ------------------------------------------------------------ */

int _sim_fault_alloc(uint32_t *fault_id, int *fault_fd)
{
	struct iommu_fault_alloc cmd = { .size = sizeof(cmd) };
	int rc;

	rc = _sim_ioctl(IOMMU_FAULT_QUEUE_ALLOC, &cmd);
	if (rc)
		return rc;
	if (fault_id)
		*fault_id = cmd.out_fault_id;
	if (fault_fd)
		*fault_fd = cmd.out_fault_fd;
	return 0;
}

long _sim_read(int fd, void *buf, size_t count)
{
	ssize_t n = iommufd_sim_read(uf.p, fd, buf, count);

	return n < 0 ? -errno : n;
}

long _sim_write(int fd, const void *buf, size_t count)
{
	ssize_t n = iommufd_sim_write(uf.p, fd, buf, count);

	return n < 0 ? -errno : n;
}

int _sim_poll1(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int n;

	n = iommufd_sim_poll(uf.p, &pfd, 1, timeout_ms);
	if (n < 0)
		return -errno;
	return n ? pfd.revents : 0;
}

/* ---- IOMMU_TEST_CMD ---------------------------------------------------- */

int _sim_test_cmd(struct iommu_test_cmd *cmd)
{
	return _sim_ioctl(IOMMU_TEST_CMD, cmd);
}

#define TEST_CMD(_op, _id) { .size = sizeof(struct iommu_test_cmd),	\
			     .op = (_op), .id = (_id) }

int _sim_add_reserved(uint32_t ioas_id, uint64_t start, uint64_t length)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_ADD_RESERVED,
					     ioas_id);

	cmd.add_reserved.start = start;
	cmd.add_reserved.length = length;
	return _sim_test_cmd(&cmd);
}

int _sim_mock_domain_flags(uint32_t pt_id, uint32_t dev_flags,
			   uint32_t *stdev_id, uint32_t *hwpt_id,
			   uint32_t *idev_id)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS,
					     pt_id);
	int rc;

	cmd.mock_domain_flags.dev_flags = dev_flags;
	rc = _sim_test_cmd(&cmd);
	if (rc)
		return rc;
	if (stdev_id)
		*stdev_id = cmd.mock_domain_flags.out_stdev_id;
	if (hwpt_id)
		*hwpt_id = cmd.mock_domain_flags.out_hwpt_id;
	if (idev_id)
		*idev_id = cmd.mock_domain_flags.out_idev_id;
	return 0;
}

int _sim_mock_domain(uint32_t pt_id, uint32_t *stdev_id, uint32_t *hwpt_id,
		     uint32_t *idev_id)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_MOCK_DOMAIN, pt_id);
	int rc;

	rc = _sim_test_cmd(&cmd);
	if (rc)
		return rc;
	if (stdev_id)
		*stdev_id = cmd.mock_domain.out_stdev_id;
	if (hwpt_id)
		*hwpt_id = cmd.mock_domain.out_hwpt_id;
	if (idev_id)
		*idev_id = cmd.mock_domain.out_idev_id;
	return 0;
}

int _sim_mock_domain_replace(uint32_t stdev_id, uint32_t *pt_id)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
					     stdev_id);
	int rc;

	cmd.mock_domain_replace.pt_id = *pt_id;
	rc = _sim_test_cmd(&cmd);
	if (!rc)
		*pt_id = cmd.mock_domain_replace.pt_id;
	return rc;
}

int _sim_check_map(uint32_t hwpt_id, uint64_t iova, uint64_t length,
		   const void *uptr)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_MD_CHECK_MAP,
					     hwpt_id);

	cmd.check_map.iova = iova;
	cmd.check_map.length = length;
	cmd.check_map.uptr = (uintptr_t)uptr;
	return _sim_test_cmd(&cmd);
}

int _sim_check_refs(const void *uptr, uint64_t length, uint32_t refs)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_MD_CHECK_REFS, 0);

	cmd.check_refs.length = length;
	cmd.check_refs.uptr = (uintptr_t)uptr;
	cmd.check_refs.refs = refs;
	return _sim_test_cmd(&cmd);
}

int _sim_check_iotlb(uint32_t hwpt_id, uint32_t slot, uint32_t iotlb)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_MD_CHECK_IOTLB,
					     hwpt_id);

	cmd.check_iotlb.id = slot;
	cmd.check_iotlb.iotlb = iotlb;
	return _sim_test_cmd(&cmd);
}

int _sim_check_dev_cache(uint32_t idev_id, uint32_t slot, uint32_t cache)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_DEV_CHECK_CACHE,
					     idev_id);

	cmd.check_dev_cache.id = slot;
	cmd.check_dev_cache.cache = cache;
	return _sim_test_cmd(&cmd);
}

int _sim_access_create(uint32_t ioas_id, uint32_t flags, int *access_fd)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_CREATE_ACCESS,
					     ioas_id);
	int rc;

	cmd.create_access.flags = flags;
	rc = _sim_test_cmd(&cmd);
	if (!rc && access_fd)
		*access_fd = cmd.create_access.out_access_fd;
	return rc;
}

int _sim_access_replace_ioas(int access_fd, uint32_t ioas_id)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_ACCESS_REPLACE_IOAS,
					     access_fd);

	cmd.access_replace_ioas.ioas_id = ioas_id;
	return _sim_test_cmd(&cmd);
}

int _sim_access_pages(int access_fd, uint64_t iova, uint64_t length,
		      const void *uptr, uint32_t flags, uint32_t *item_id)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_ACCESS_PAGES,
					     access_fd);
	int rc;

	cmd.access_pages.flags = flags;
	cmd.access_pages.iova = iova;
	cmd.access_pages.length = length;
	cmd.access_pages.uptr = (uintptr_t)uptr;
	rc = _sim_test_cmd(&cmd);
	if (!rc && item_id)
		*item_id = cmd.access_pages.out_access_pages_id;
	return rc;
}

int _sim_access_pages_destroy(int access_fd, uint32_t item_id)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_DESTROY_ACCESS_PAGES,
					     access_fd);

	cmd.destroy_access_pages.access_pages_id = item_id;
	return _sim_test_cmd(&cmd);
}

int _sim_access_rw(int access_fd, uint64_t iova, void *buf, uint64_t length,
		   uint32_t flags)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_ACCESS_RW,
					     access_fd);

	cmd.access_rw.iova = iova;
	cmd.access_rw.length = length;
	cmd.access_rw.uptr = (uintptr_t)buf;
	cmd.access_rw.flags = flags;
	return _sim_test_cmd(&cmd);
}

int _sim_set_temp_memory_limit(uint32_t limit)
{
	struct iommu_test_cmd cmd =
		TEST_CMD(IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT, 0);

	cmd.memory_limit.limit = limit;
	return _sim_test_cmd(&cmd);
}

int _sim_dirty(uint32_t hwpt_id, uint64_t iova, uint64_t length,
	       uint64_t page_size, const void *bitmap, uint64_t *nr_dirty)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_DIRTY, hwpt_id);
	int rc;

	cmd.dirty.iova = iova;
	cmd.dirty.length = length;
	cmd.dirty.page_size = page_size;
	cmd.dirty.uptr = (uintptr_t)bitmap;
	rc = _sim_test_cmd(&cmd);
	if (!rc && nr_dirty)
		*nr_dirty = cmd.dirty.out_nr_dirty;
	return rc;
}

int _sim_trigger_iopf(uint32_t dev_id, uint32_t pasid, uint32_t grpid,
		      uint32_t perm, uint64_t addr)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_TRIGGER_IOPF, 0);

	cmd.trigger_iopf.dev_id = dev_id;
	cmd.trigger_iopf.pasid = pasid;
	cmd.trigger_iopf.grpid = grpid;
	cmd.trigger_iopf.perm = perm;
	cmd.trigger_iopf.addr = addr;
	return _sim_test_cmd(&cmd);
}

int _sim_trigger_vevent(uint32_t dev_id)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_TRIGGER_VEVENT, 0);

	cmd.trigger_vevent.dev_id = dev_id;
	return _sim_test_cmd(&cmd);
}

static int sim_pasid_op(uint32_t op, uint32_t stdev_id, uint32_t pasid,
			uint32_t *pt_id)
{
	struct iommu_test_cmd cmd = TEST_CMD(op, stdev_id);
	int rc;

	cmd.pasid_attach.pasid = pasid;
	cmd.pasid_attach.pt_id = *pt_id;
	rc = _sim_test_cmd(&cmd);
	if (!rc)
		*pt_id = cmd.pasid_attach.pt_id;
	return rc;
}

int _sim_pasid_attach(uint32_t stdev_id, uint32_t pasid, uint32_t *pt_id)
{
	return sim_pasid_op(IOMMU_TEST_OP_PASID_ATTACH, stdev_id, pasid, pt_id);
}

int _sim_pasid_replace(uint32_t stdev_id, uint32_t pasid, uint32_t *pt_id)
{
	return sim_pasid_op(IOMMU_TEST_OP_PASID_REPLACE, stdev_id, pasid,
			    pt_id);
}

int _sim_pasid_detach(uint32_t stdev_id, uint32_t pasid)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_PASID_DETACH,
					     stdev_id);

	cmd.pasid_detach.pasid = pasid;
	return _sim_test_cmd(&cmd);
}

int _sim_pasid_check_hwpt(uint32_t stdev_id, uint32_t pasid,
			  uint32_t hwpt_id)
{
	struct iommu_test_cmd cmd = TEST_CMD(IOMMU_TEST_OP_PASID_CHECK_HWPT,
					     stdev_id);

	cmd.pasid_check.pasid = pasid;
	cmd.pasid_check.hwpt_id = hwpt_id;
	return _sim_test_cmd(&cmd);
}

/* ---- struct size sweep ------------------------------------------------- */

#define SWEEP_TAIL	8

/* One call with a struct of @usize bytes; the tail past @c->size is @tail. */
static int sweep_call(const struct uapi_size_case *c, size_t usize,
		      unsigned char tail)
{
	size_t alloc = c->size + SWEEP_TAIL;
	unsigned char *buf = calloc(1, alloc);
	int rc;

	ck_assert_ptr_nonnull(buf);
	c->fill(buf, c->arg);
	if (usize > c->size)
		memset(buf + c->size, 0, usize - c->size);
	if (tail && usize > c->size)
		buf[usize - 1] = tail;
	memcpy(buf, &(uint32_t){ usize }, sizeof(uint32_t));
	rc = _sim_ioctl(c->cmd, buf);
	if (!rc && c->cleanup)
		c->cleanup(buf, c->arg);
	free(buf);
	return rc;
}

int uapi_size_sweep(const struct uapi_size_case *c)
{
	int exact, rc;

	ck_assert_msg(c->min_size >= sizeof(uint32_t) &&
		      c->min_size <= c->size, "%s: bad size case", c->name);

	rc = sweep_call(c, c->min_size - 1, 0);
	ck_assert_msg(rc == -EINVAL, "%s: size %zu (min - 1): expected EINVAL, got %s",
		      c->name, c->min_size - 1, rc ? uapi_errname(-rc) : "success");

	exact = sweep_call(c, c->size, 0);

	rc = sweep_call(c, c->size + SWEEP_TAIL, 0);
	ck_assert_msg(rc == exact,
		      "%s: size %zu with a zero tail: got %s, exact size gave %s",
		      c->name, c->size + SWEEP_TAIL,
		      rc ? uapi_errname(-rc) : "success",
		      exact ? uapi_errname(-exact) : "success");

	rc = sweep_call(c, c->size + SWEEP_TAIL, 0xa5);
	ck_assert_msg(rc == -E2BIG,
		      "%s: size %zu with a non-zero tail: expected E2BIG, got %s",
		      c->name, c->size + SWEEP_TAIL,
		      rc ? uapi_errname(-rc) : "success");
	return exact;
}
