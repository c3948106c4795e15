/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uapi_cov.h - more helpers for the uAPI suites that cover issues 6 and 7
 * (ioas, option, hwpt, device, seed, release), in the _sim_X / sim_X /
 * sim_err_X style of uapi_util.h.
 *
 * cov_tcase() is uapi_tcase() plus a teardown that asserts that lockdep
 * recorded nothing during the test (the world audit counts every issue;
 * this names the lock-order one explicitly, see test_seed.c for the order
 * it stands for).
 */
#ifndef _UAPI_COV_H
#define _UAPI_COV_H

#include "uapi_util.h"

#define COV_PAGE	UAPI_PAGE_SIZE
#define COV_IOPAGE	UAPI_MOCK_IO_PAGE_SIZE
/* The first IOVA a mock domain translates. */
#define COV_BASE	((uint64_t)MOCK_APERTURE_START)
#define COV_ULONG_MAX	((uint64_t)~0UL)

TCase *cov_tcase(const char *name);
/* The lock-order teardown on its own (add it after the world's fixture). */
void cov_teardown_lockdep(void);

/* ---- IOAS ------------------------------------------------------------ */

/*
 * IOAS_IOVA_RANGES with room for *@num ranges at @ranges; *@num receives
 * the total and *@align the alignment (either may be NULL on output only
 * when the call fails).  On EMSGSIZE the outputs are filled too.
 */
int _sim_iova_ranges(uint32_t ioas_id, struct iommu_iova_range *ranges,
		     uint32_t *num, uint64_t *align);
#define sim_iova_ranges(...)	SIM_OK(_sim_iova_ranges(__VA_ARGS__))
#define sim_err_iova_ranges(err, ...) SIM_ERR(err, _sim_iova_ranges(__VA_ARGS__))

/*
 * Assert that the IOAS reports exactly the @n holes in @want (pairs of
 * start, last) and alignment @align.
 */
void cov_assert_ranges_at(const char *file, int line, uint32_t ioas_id,
			  const uint64_t *want, unsigned int n, uint64_t align);
#define cov_assert_ranges(ioas, want, n, align) \
	cov_assert_ranges_at(__FILE__, __LINE__, ioas, want, n, align)

/* IOAS_MAP_FILE of memfd @fd at [@start, @start + @length). */
int _sim_ioas_map_file(uint32_t ioas_id, int fd, uint64_t start,
		       uint64_t length, uint64_t *iova, uint32_t flags);
#define sim_ioas_map_file(...)	SIM_OK(_sim_ioas_map_file(__VA_ARGS__))
#define sim_err_ioas_map_file(err, ...) \
	SIM_ERR(err, _sim_ioas_map_file(__VA_ARGS__))

int _sim_change_process(void);
#define sim_change_process()	SIM_OK(_sim_change_process())
#define sim_err_change_process(err) SIM_ERR(err, _sim_change_process())

/* IOMMU_OPTION: *@val64 in for SET, out for GET (may be NULL for SET). */
int _sim_option(uint32_t option_id, uint16_t op, uint32_t object_id,
		uint64_t *val64);
#define sim_option(...)		SIM_OK(_sim_option(__VA_ARGS__))
#define sim_err_option(err, ...) SIM_ERR(err, _sim_option(__VA_ARGS__))

/* IOMMU_VFIO_IOAS: *@ioas_id in for SET, out for GET (may be NULL). */
int _sim_vfio_ioas(uint16_t op, uint32_t *ioas_id);
#define sim_vfio_ioas(...)	SIM_OK(_sim_vfio_ioas(__VA_ARGS__))
#define sim_err_vfio_ioas(err, ...) SIM_ERR(err, _sim_vfio_ioas(__VA_ARGS__))

/* ---- HWPT ------------------------------------------------------------ */

/*
 * GET_HW_INFO into @cmd (the caller sets flags, in_data_type, data_len
 * and data_uptr; dev_id and size are set here).
 */
int _sim_hw_info(uint32_t dev_id, struct iommu_hw_info *cmd);
#define sim_hw_info(...)	SIM_OK(_sim_hw_info(__VA_ARGS__))
#define sim_err_hw_info(err, ...) SIM_ERR(err, _sim_hw_info(__VA_ARGS__))

/*
 * HWPT_INVALIDATE: *@entry_num in, and out the number handled (the kernel
 * writes it back on success and on error).
 */
int _sim_hwpt_invalidate(uint32_t hwpt_id, void *reqs, uint32_t data_type,
			 uint32_t entry_len, uint32_t *entry_num);
#define sim_hwpt_invalidate(...) SIM_OK(_sim_hwpt_invalidate(__VA_ARGS__))
#define sim_err_hwpt_invalidate(err, ...) \
	SIM_ERR(err, _sim_hwpt_invalidate(__VA_ARGS__))

/* ---- memory ------------------------------------------------------------ */

/*
 * @len bytes of the program's own memory whose first @ro_len bytes are
 * read-only and the rest writable: a page boundary sits @ro_len bytes into
 * the block.  For proving which part of a struct the kernel writes back.
 */
void *cov_split_rw(size_t ro_len, size_t len, const void *init);
void cov_split_free(void *p, size_t ro_len);

#endif /* _UAPI_COV_H */
