/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uapi_util.h - helpers for the uAPI suites.
 *
 * The uAPI suites drive the simulator only through the embedding API
 * (iommufd_sim.h), exactly as a user program drives /dev/iommu: ioctls on
 * an fd, read/write/poll on event fds, memory from iommufd_sim_mem_alloc().
 *
 * Fixture.  Every test runs in its own simulator: uapi_tcase() gives a
 * test case whose setup creates a simulator, one process (uf.p) and opens
 * /dev/iommu (uf.fd), and whose teardown closes that fd, destroys the
 * simulator and asserts that its audit found nothing (no leaked object,
 * allocation, pin, WARN or held lock).
 *
 * Helpers, three per operation:
 *   _sim_X(...)            raw: returns 0 or -errno, fills out-parameters;
 *   sim_X(...)             asserts success (reports the caller's line);
 *   sim_err_X(err, ...)    asserts failure with errno @err.
 * They act on uf.fd, the "current" iommufd of the test; a test that needs
 * a second context opens it with uapi_open_iommufd() and switches uf.fd.
 */
#ifndef _UAPI_UTIL_H
#define _UAPI_UTIL_H

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <iommufd_sim.h>
#include <linux/iommufd.h>
#include <iommufd_test.h>

struct uapi_fixture {
	struct iommufd_sim *sim;
	struct iommufd_sim_proc *p;
	int fd;			/* the current /dev/iommu fd */
};

extern struct uapi_fixture uf;

void uapi_setup(void);
void uapi_teardown(void);
/* A test case with the fixture above and a timeout for sanitizer builds. */
TCase *uapi_tcase(const char *name);

/* Open another /dev/iommu context in uf.p (asserts success). */
int uapi_open_iommufd(void);
/* close() in uf.p: 0 or -errno. */
int _sim_close(int fd);
#define sim_close(fd)	SIM_OK(_sim_close(fd))

/* Simulator user memory of @size bytes in uf.p (asserts success). */
void *uapi_mem(size_t size);
void *uapi_mem_opts(size_t size, const struct iommufd_sim_mem_opts *opts);
#define UAPI_PAGE_SIZE	4096UL
/* The mock's IO page, half a CPU page (MOCK_IO_PAGE_SIZE of the kernel). */
#define UAPI_MOCK_IO_PAGE_SIZE	(UAPI_PAGE_SIZE / 2)

/*
 * A read-only copy of @len bytes of @src in the program's own memory: an
 * ioctl struct the kernel can read but not write back (the response copy
 * fails with EFAULT).  Free with uapi_ro_free().
 */
void *uapi_ro_copy(const void *src, size_t len);
void uapi_ro_free(void *p, size_t len);

/* Assertions on 0 / -errno results, reporting the expression. */
const char *uapi_errname(int err);

#define SIM_OK(expr)							\
	do {								\
		int sim_r_ = (expr);					\
		ck_assert_msg(sim_r_ == 0, "%s failed: %s", #expr,	\
			      uapi_errname(-sim_r_));			\
	} while (0)

#define SIM_ERR(err, expr)						\
	do {								\
		int sim_r_ = (expr);					\
		int sim_e_ = (err);					\
		ck_assert_msg(sim_r_ == -sim_e_,			\
			      "%s: expected %s, got %s", #expr,		\
			      uapi_errname(sim_e_),			\
			      sim_r_ ? uapi_errname(-sim_r_) : "success"); \
	} while (0)

/* ---- generic ----------------------------------------------------------- */

/* ioctl on uf.fd: 0 or -errno. */
int _sim_ioctl(unsigned long cmd, void *arg);
/* ioctl on any fd of uf.p. */
int _sim_ioctl_fd(int fd, unsigned long cmd, void *arg);

int _sim_destroy(uint32_t id);
#define sim_destroy(...)	SIM_OK(_sim_destroy(__VA_ARGS__))
#define sim_err_destroy(err, ...) SIM_ERR(err, _sim_destroy(__VA_ARGS__))

/* ---- IOAS ------------------------------------------------------------ */

int _sim_ioas_alloc(uint32_t *ioas_id);
#define sim_ioas_alloc(...)	SIM_OK(_sim_ioas_alloc(__VA_ARGS__))
#define sim_err_ioas_alloc(err, ...) SIM_ERR(err, _sim_ioas_alloc(__VA_ARGS__))

/*
 * IOAS_MAP.  With IOMMU_IOAS_MAP_FIXED_IOVA in @flags, *@iova is the IOVA;
 * otherwise it receives the allocated one.  @flags 0 means
 * READABLE | WRITEABLE at an allocated IOVA.
 */
int _sim_ioas_map(uint32_t ioas_id, void *buf, uint64_t length,
		  uint64_t *iova, uint32_t flags);
#define sim_ioas_map(...)	SIM_OK(_sim_ioas_map(__VA_ARGS__))
#define sim_err_ioas_map(err, ...) SIM_ERR(err, _sim_ioas_map(__VA_ARGS__))

/* IOAS_MAP at a fixed IOVA, readable and writeable. */
int _sim_ioas_map_fixed(uint32_t ioas_id, void *buf, uint64_t length,
			uint64_t iova);
#define sim_ioas_map_fixed(...)	SIM_OK(_sim_ioas_map_fixed(__VA_ARGS__))
#define sim_err_ioas_map_fixed(err, ...) \
	SIM_ERR(err, _sim_ioas_map_fixed(__VA_ARGS__))

int _sim_ioas_unmap(uint32_t ioas_id, uint64_t iova, uint64_t length,
		    uint64_t *unmapped);
#define sim_ioas_unmap(...)	SIM_OK(_sim_ioas_unmap(__VA_ARGS__))
#define sim_err_ioas_unmap(err, ...) SIM_ERR(err, _sim_ioas_unmap(__VA_ARGS__))

int _sim_ioas_copy(uint32_t dst_ioas, uint64_t dst_iova, uint32_t src_ioas,
		   uint64_t src_iova, uint64_t length, uint32_t flags);
#define sim_ioas_copy(...)	SIM_OK(_sim_ioas_copy(__VA_ARGS__))
#define sim_err_ioas_copy(err, ...) SIM_ERR(err, _sim_ioas_copy(__VA_ARGS__))

int _sim_ioas_allow_iovas(uint32_t ioas_id,
			  const struct iommu_iova_range *ranges,
			  uint32_t num);
#define sim_ioas_allow_iovas(...) SIM_OK(_sim_ioas_allow_iovas(__VA_ARGS__))
#define sim_err_ioas_allow_iovas(err, ...) \
	SIM_ERR(err, _sim_ioas_allow_iovas(__VA_ARGS__))

/* ---- HWPT ------------------------------------------------------------ */

/*
 * HWPT_ALLOC.  @fault_id is used when @flags has IOMMU_HWPT_FAULT_ID_VALID;
 * @data/@data_len/@data_type are the driver data (NULL/0/0 for none).
 */
int _sim_hwpt_alloc(uint32_t dev_id, uint32_t pt_id, uint32_t flags,
		    uint32_t fault_id, uint32_t data_type, void *data,
		    uint32_t data_len, uint32_t *hwpt_id);
#define sim_hwpt_alloc(...)	SIM_OK(_sim_hwpt_alloc(__VA_ARGS__))
#define sim_err_hwpt_alloc(err, ...) SIM_ERR(err, _sim_hwpt_alloc(__VA_ARGS__))

/* A paging HWPT over @ioas_id (no data, no fault). */
int _sim_hwpt_alloc_paging(uint32_t dev_id, uint32_t ioas_id, uint32_t flags,
			   uint32_t *hwpt_id);
#define sim_hwpt_alloc_paging(...) SIM_OK(_sim_hwpt_alloc_paging(__VA_ARGS__))
#define sim_err_hwpt_alloc_paging(err, ...) \
	SIM_ERR(err, _sim_hwpt_alloc_paging(__VA_ARGS__))

/* A mock nested HWPT over @parent_id, all IOTLB slots @iotlb. */
int _sim_hwpt_alloc_nested(uint32_t dev_id, uint32_t parent_id,
			   uint32_t flags, uint32_t fault_id, uint32_t iotlb,
			   uint32_t *hwpt_id);
#define sim_hwpt_alloc_nested(...) SIM_OK(_sim_hwpt_alloc_nested(__VA_ARGS__))
#define sim_err_hwpt_alloc_nested(err, ...) \
	SIM_ERR(err, _sim_hwpt_alloc_nested(__VA_ARGS__))

int _sim_set_dirty_tracking(uint32_t hwpt_id, bool enable);
#define sim_set_dirty_tracking(...) SIM_OK(_sim_set_dirty_tracking(__VA_ARGS__))
#define sim_err_set_dirty_tracking(err, ...) \
	SIM_ERR(err, _sim_set_dirty_tracking(__VA_ARGS__))

int _sim_get_dirty_bitmap(uint32_t hwpt_id, uint64_t iova, uint64_t length,
			  uint64_t page_size, void *bitmap, uint32_t flags);
#define sim_get_dirty_bitmap(...) SIM_OK(_sim_get_dirty_bitmap(__VA_ARGS__))
#define sim_err_get_dirty_bitmap(err, ...) \
	SIM_ERR(err, _sim_get_dirty_bitmap(__VA_ARGS__))

/* ---- faults ------------------------------------------------------------ */

int _sim_fault_alloc(uint32_t *fault_id, int *fault_fd);
#define sim_fault_alloc(...)	SIM_OK(_sim_fault_alloc(__VA_ARGS__))
#define sim_err_fault_alloc(err, ...) SIM_ERR(err, _sim_fault_alloc(__VA_ARGS__))

/* read()/write() of an fd in uf.p: bytes or -errno. */
long _sim_read(int fd, void *buf, size_t count);
long _sim_write(int fd, const void *buf, size_t count);
/* poll() of one fd with @timeout_ms: revents, or -errno. */
int _sim_poll1(int fd, short events, int timeout_ms);

/* ---- IOMMU_TEST_CMD ---------------------------------------------------- */

/* Any test op: @cmd->size and @cmd->op must be set by the caller. */
int _sim_test_cmd(struct iommu_test_cmd *cmd);

int _sim_add_reserved(uint32_t ioas_id, uint64_t start, uint64_t length);
#define sim_add_reserved(...)	SIM_OK(_sim_add_reserved(__VA_ARGS__))
#define sim_err_add_reserved(err, ...) \
	SIM_ERR(err, _sim_add_reserved(__VA_ARGS__))

/* MOCK_DOMAIN on @pt_id; any out-parameter may be NULL. */
int _sim_mock_domain(uint32_t pt_id, uint32_t *stdev_id, uint32_t *hwpt_id,
		     uint32_t *idev_id);
#define sim_mock_domain(...)	SIM_OK(_sim_mock_domain(__VA_ARGS__))
#define sim_err_mock_domain(err, ...) SIM_ERR(err, _sim_mock_domain(__VA_ARGS__))

int _sim_mock_domain_flags(uint32_t pt_id, uint32_t dev_flags,
			   uint32_t *stdev_id, uint32_t *hwpt_id,
			   uint32_t *idev_id);
#define sim_mock_domain_flags(...) SIM_OK(_sim_mock_domain_flags(__VA_ARGS__))
#define sim_err_mock_domain_flags(err, ...) \
	SIM_ERR(err, _sim_mock_domain_flags(__VA_ARGS__))

/* MOCK_DOMAIN_REPLACE: *@pt_id in, the HWPT attached out. */
int _sim_mock_domain_replace(uint32_t stdev_id, uint32_t *pt_id);
#define sim_mock_domain_replace(...) \
	SIM_OK(_sim_mock_domain_replace(__VA_ARGS__))
#define sim_err_mock_domain_replace(err, ...) \
	SIM_ERR(err, _sim_mock_domain_replace(__VA_ARGS__))

int _sim_check_map(uint32_t hwpt_id, uint64_t iova, uint64_t length,
		   const void *uptr);
#define sim_check_map(...)	SIM_OK(_sim_check_map(__VA_ARGS__))
#define sim_err_check_map(err, ...) SIM_ERR(err, _sim_check_map(__VA_ARGS__))

int _sim_check_refs(const void *uptr, uint64_t length, uint32_t refs);
#define sim_check_refs(...)	SIM_OK(_sim_check_refs(__VA_ARGS__))
#define sim_err_check_refs(err, ...) SIM_ERR(err, _sim_check_refs(__VA_ARGS__))

int _sim_check_iotlb(uint32_t hwpt_id, uint32_t slot, uint32_t iotlb);
#define sim_check_iotlb(...)	SIM_OK(_sim_check_iotlb(__VA_ARGS__))
#define sim_err_check_iotlb(err, ...) SIM_ERR(err, _sim_check_iotlb(__VA_ARGS__))

int _sim_check_dev_cache(uint32_t idev_id, uint32_t slot, uint32_t cache);
#define sim_check_dev_cache(...) SIM_OK(_sim_check_dev_cache(__VA_ARGS__))
#define sim_err_check_dev_cache(err, ...) \
	SIM_ERR(err, _sim_check_dev_cache(__VA_ARGS__))

/* CREATE_ACCESS: the access fd in *@access_fd. */
int _sim_access_create(uint32_t ioas_id, uint32_t flags, int *access_fd);
#define sim_access_create(...)	SIM_OK(_sim_access_create(__VA_ARGS__))
#define sim_err_access_create(err, ...) \
	SIM_ERR(err, _sim_access_create(__VA_ARGS__))

int _sim_access_replace_ioas(int access_fd, uint32_t ioas_id);
#define sim_access_replace_ioas(...) \
	SIM_OK(_sim_access_replace_ioas(__VA_ARGS__))
#define sim_err_access_replace_ioas(err, ...) \
	SIM_ERR(err, _sim_access_replace_ioas(__VA_ARGS__))

/* ACCESS_PAGES: the item ID in *@item_id (may be NULL). */
int _sim_access_pages(int access_fd, uint64_t iova, uint64_t length,
		      const void *uptr, uint32_t flags, uint32_t *item_id);
#define sim_access_pages(...)	SIM_OK(_sim_access_pages(__VA_ARGS__))
#define sim_err_access_pages(err, ...) \
	SIM_ERR(err, _sim_access_pages(__VA_ARGS__))

int _sim_access_pages_destroy(int access_fd, uint32_t item_id);
#define sim_access_pages_destroy(...) \
	SIM_OK(_sim_access_pages_destroy(__VA_ARGS__))
#define sim_err_access_pages_destroy(err, ...) \
	SIM_ERR(err, _sim_access_pages_destroy(__VA_ARGS__))

int _sim_access_rw(int access_fd, uint64_t iova, void *buf, uint64_t length,
		   uint32_t flags);
#define sim_access_rw(...)	SIM_OK(_sim_access_rw(__VA_ARGS__))
#define sim_err_access_rw(err, ...) SIM_ERR(err, _sim_access_rw(__VA_ARGS__))

int _sim_set_temp_memory_limit(uint32_t limit);
#define sim_set_temp_memory_limit(...) \
	SIM_OK(_sim_set_temp_memory_limit(__VA_ARGS__))
#define sim_err_set_temp_memory_limit(err, ...) \
	SIM_ERR(err, _sim_set_temp_memory_limit(__VA_ARGS__))

/* DIRTY: the number of IOPTEs marked in *@nr_dirty (may be NULL). */
int _sim_dirty(uint32_t hwpt_id, uint64_t iova, uint64_t length,
	       uint64_t page_size, const void *bitmap, uint64_t *nr_dirty);
#define sim_dirty(...)		SIM_OK(_sim_dirty(__VA_ARGS__))
#define sim_err_dirty(err, ...)	SIM_ERR(err, _sim_dirty(__VA_ARGS__))

int _sim_trigger_iopf(uint32_t dev_id, uint32_t pasid, uint32_t grpid,
		      uint32_t perm, uint64_t addr);
#define sim_trigger_iopf(...)	SIM_OK(_sim_trigger_iopf(__VA_ARGS__))
#define sim_err_trigger_iopf(err, ...) \
	SIM_ERR(err, _sim_trigger_iopf(__VA_ARGS__))

int _sim_trigger_vevent(uint32_t dev_id);
#define sim_trigger_vevent(...)	SIM_OK(_sim_trigger_vevent(__VA_ARGS__))
#define sim_err_trigger_vevent(err, ...) \
	SIM_ERR(err, _sim_trigger_vevent(__VA_ARGS__))

/* PASID_ATTACH / PASID_REPLACE: *@pt_id in, the HWPT used out. */
int _sim_pasid_attach(uint32_t stdev_id, uint32_t pasid, uint32_t *pt_id);
#define sim_pasid_attach(...)	SIM_OK(_sim_pasid_attach(__VA_ARGS__))
#define sim_err_pasid_attach(err, ...) \
	SIM_ERR(err, _sim_pasid_attach(__VA_ARGS__))

int _sim_pasid_replace(uint32_t stdev_id, uint32_t pasid, uint32_t *pt_id);
#define sim_pasid_replace(...)	SIM_OK(_sim_pasid_replace(__VA_ARGS__))
#define sim_err_pasid_replace(err, ...) \
	SIM_ERR(err, _sim_pasid_replace(__VA_ARGS__))

int _sim_pasid_detach(uint32_t stdev_id, uint32_t pasid);
#define sim_pasid_detach(...)	SIM_OK(_sim_pasid_detach(__VA_ARGS__))
#define sim_err_pasid_detach(err, ...) \
	SIM_ERR(err, _sim_pasid_detach(__VA_ARGS__))

/* PASID_CHECK_HWPT: @hwpt_id 0 checks that nothing is attached. */
int _sim_pasid_check_hwpt(uint32_t stdev_id, uint32_t pasid,
			  uint32_t hwpt_id);
#define sim_pasid_check_hwpt(...) SIM_OK(_sim_pasid_check_hwpt(__VA_ARGS__))
#define sim_err_pasid_check_hwpt(err, ...) \
	SIM_ERR(err, _sim_pasid_check_hwpt(__VA_ARGS__))

/* ---- struct size sweep ------------------------------------------------- */

/**
 * struct uapi_size_case - one ioctl for uapi_size_sweep()
 * @name: for messages
 * @cmd: the ioctl number
 * @size: the kernel's struct size
 * @min_size: the smallest size the kernel accepts
 * @fill: write a valid struct of @size bytes into @buf (the sweep sets the
 *	  leading size field itself); called before every call
 * @cleanup: undo what a successful call created (may be NULL); @buf holds
 *	     the struct as the kernel returned it
 * @arg: for @fill and @cleanup
 */
struct uapi_size_case {
	const char *name;
	unsigned long cmd;
	size_t size;
	size_t min_size;
	void (*fill)(void *buf, void *arg);
	void (*cleanup)(void *buf, void *arg);
	void *arg;
};

/*
 * The extensible-struct rules of the dispatcher for one ioctl:
 *   min_size - 1            -> EINVAL
 *   size                    -> whatever the valid struct gives
 *   size + 8, zero tail     -> the same result as the exact size
 *   size + 8, non-zero tail -> E2BIG
 * Return: the result of the exact-size call (0 or -errno), for callers
 * that also want to check it.
 */
int uapi_size_sweep(const struct uapi_size_case *c);

#endif /* _UAPI_UTIL_H */
