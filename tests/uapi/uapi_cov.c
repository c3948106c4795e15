// SPDX-License-Identifier: GPL-2.0
/*
 * More helpers for the uAPI suites (see uapi_cov.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <kshim/report.h>
#include <kshim/world.h>
#include "uapi_cov.h"

/*
 * Runs before uapi_teardown(), while the test's world still exists: Check
 * runs the teardowns of checked fixtures in the reverse order of adding.
 * (If that ever changed, the assertion below would fail loudly rather
 * than be skipped.)
 */
void cov_teardown_lockdep(void)
{
	unsigned int n;

	ck_assert_msg(kshim_world_active(),
		      "the lock-order teardown ran after the world ended");
	n = kshim_report_count(KSHIM_ISSUE_LOCKDEP);
	if (n)
		kshim_report_dump(stderr);
	ck_assert_msg(n == 0, "lockdep recorded %u issue(s) during the test", n);
}

TCase *cov_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, uapi_setup, uapi_teardown);
	tcase_add_checked_fixture(tc, NULL, cov_teardown_lockdep);
	tcase_set_timeout(tc, 120);
	return tc;
}

/* ---- IOAS ------------------------------------------------------------ */

int _sim_iova_ranges(uint32_t ioas_id, struct iommu_iova_range *ranges,
		     uint32_t *num, uint64_t *align)
{
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.num_iovas = *num,
		.allowed_iovas = (uintptr_t)ranges,
	};
	int rc;

	rc = _sim_ioctl(IOMMU_IOAS_IOVA_RANGES, &cmd);
	if (!rc || rc == -EMSGSIZE) {
		ck_assert_uint_eq(cmd.ioas_id, ioas_id);
		*num = cmd.num_iovas;
		if (align)
			*align = cmd.out_iova_alignment;
	}
	return rc;
}

void cov_assert_ranges_at(const char *file, int line, uint32_t ioas_id,
			  const uint64_t *want, unsigned int n, uint64_t align)
{
	struct iommu_iova_range got[16];
	uint32_t num = 16;
	uint64_t got_align;
	unsigned int i;
	int rc;

	rc = _sim_iova_ranges(ioas_id, got, &num, &got_align);
	ck_assert_msg(rc == 0, "%s:%d: IOVA_RANGES of %u: %s", file, line,
		      ioas_id, uapi_errname(-rc));
	ck_assert_msg(num == n, "%s:%d: IOAS %u has %u ranges, want %u", file,
		      line, ioas_id, num, n);
	for (i = 0; i < n; i++)
		ck_assert_msg(got[i].start == want[2 * i] &&
				      got[i].last == want[2 * i + 1],
			      "%s:%d: IOAS %u range %u is [%#llx, %#llx], want [%#llx, %#llx]",
			      file, line, ioas_id, i,
			      (unsigned long long)got[i].start,
			      (unsigned long long)got[i].last,
			      (unsigned long long)want[2 * i],
			      (unsigned long long)want[2 * i + 1]);
	ck_assert_msg(got_align == align,
		      "%s:%d: IOAS %u alignment %#llx, want %#llx", file, line,
		      ioas_id, (unsigned long long)got_align,
		      (unsigned long long)align);
}

int _sim_ioas_map_file(uint32_t ioas_id, int fd, uint64_t start,
		       uint64_t length, uint64_t *iova, uint32_t flags)
{
	struct iommu_ioas_map_file cmd = {
		.size = sizeof(cmd),
		.flags = flags ? flags : (IOMMU_IOAS_MAP_READABLE |
					  IOMMU_IOAS_MAP_WRITEABLE),
		.ioas_id = ioas_id,
		.fd = fd,
		.start = start,
		.length = length,
	};
	int rc;

	if (flags & IOMMU_IOAS_MAP_FIXED_IOVA)
		cmd.iova = *iova;
	rc = _sim_ioctl(IOMMU_IOAS_MAP_FILE, &cmd);
	if (!rc && iova)
		*iova = cmd.iova;
	return rc;
}

int _sim_change_process(void)
{
	struct iommu_ioas_change_process cmd = { .size = sizeof(cmd) };

	return _sim_ioctl(IOMMU_IOAS_CHANGE_PROCESS, &cmd);
}

int _sim_option(uint32_t option_id, uint16_t op, uint32_t object_id,
		uint64_t *val64)
{
	struct iommu_option cmd = {
		.size = sizeof(cmd),
		.option_id = option_id,
		.op = op,
		.object_id = object_id,
		.val64 = val64 ? *val64 : 0,
	};
	int rc;

	rc = _sim_ioctl(IOMMU_OPTION, &cmd);
	if (!rc && val64)
		*val64 = cmd.val64;
	return rc;
}

int _sim_vfio_ioas(uint16_t op, uint32_t *ioas_id)
{
	struct iommu_vfio_ioas cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id ? *ioas_id : 0,
		.op = op,
	};
	int rc;

	rc = _sim_ioctl(IOMMU_VFIO_IOAS, &cmd);
	if (!rc && ioas_id)
		*ioas_id = cmd.ioas_id;
	return rc;
}

/* ---- HWPT ------------------------------------------------------------ */

int _sim_hw_info(uint32_t dev_id, struct iommu_hw_info *cmd)
{
	cmd->size = sizeof(*cmd);
	cmd->dev_id = dev_id;
	return _sim_ioctl(IOMMU_GET_HW_INFO, cmd);
}

int _sim_hwpt_invalidate(uint32_t hwpt_id, void *reqs, uint32_t data_type,
			 uint32_t entry_len, uint32_t *entry_num)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt_id,
		.data_uptr = (uintptr_t)reqs,
		.data_type = data_type,
		.entry_len = entry_len,
		.entry_num = *entry_num,
	};
	int rc;

	rc = _sim_ioctl(IOMMU_HWPT_INVALIDATE, &cmd);
	*entry_num = cmd.entry_num;
	return rc;
}

/* ---- memory ------------------------------------------------------------ */

void *cov_split_rw(size_t ro_len, size_t len, const void *init)
{
	long page = sysconf(_SC_PAGESIZE);
	char *base, *p;

	ck_assert_uint_le(ro_len, (size_t)page);
	ck_assert_uint_le(len - ro_len, (size_t)page);
	base = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(base, MAP_FAILED);
	p = base + page - ro_len;
	memcpy(p, init, len);
	ck_assert_int_eq(mprotect(base, page, PROT_READ), 0);
	return p;
}

void cov_split_free(void *p, size_t ro_len)
{
	long page = sysconf(_SC_PAGESIZE);

	munmap((char *)p + ro_len - page, 2 * page);
}
