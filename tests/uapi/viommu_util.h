/* SPDX-License-Identifier: GPL-2.0 */
/*
 * viommu_util.h - helpers for the suites of the newest objects (vIOMMU,
 * vDEVICE, vEVENTQ, HW queue, mmap) and of the VFIO compat and
 * IOAS_CHANGE_PROCESS paths.  Same conventions as uapi_util.h: _sim_X
 * returns 0 or -errno, sim_X asserts success, sim_err_X asserts an errno,
 * all on uf.fd unless told otherwise.
 *
 * struct viommu_env is the guest-like setup most tests start from: an IOAS
 * with guest memory mapped at GUEST_IOVA (physically contiguous, so HW
 * queues can live in it), a mock device attached to it, a nest-parent
 * paging HWPT over it, and optionally a vIOMMU.
 */
#ifndef _VIOMMU_UTIL_H
#define _VIOMMU_UTIL_H

#include "uapi_util.h"

/* Guest "physical" memory: IOVAs of the parent IOAS, inside the aperture. */
#define GUEST_IOVA	((uint64_t)MOCK_APERTURE_START)
#define GUEST_PAGES	16
#define GUEST_LEN	(GUEST_PAGES * UAPI_PAGE_SIZE)
/* A second mapping of the same IOAS, elsewhere. */
#define OTHER_IOVA	(GUEST_IOVA + 0x100000)
#define OTHER_LEN	(4 * UAPI_PAGE_SIZE)

#define VIRT_ID		0x99

struct viommu_env {
	uint32_t ioas;
	uint32_t stdev;		/* the mock device's SELFTEST object */
	uint32_t idev;		/* its DEVICE */
	uint32_t parent;	/* nest-parent paging HWPT */
	uint32_t viommu;	/* 0 unless requested */
	void *guest;		/* GUEST_LEN bytes at GUEST_IOVA */
	void *other;		/* OTHER_LEN bytes at OTHER_IOVA */
};

/* Build the environment; @with_viommu also allocates a vIOMMU (no data). */
void viommu_env_setup(struct viommu_env *e, bool with_viommu);

/* A second mock device attached to @ioas (its idev in *@idev). */
void viommu_env_add_device(struct viommu_env *e, uint32_t *stdev,
			   uint32_t *idev);

/* The ID the next object would get (allocates and destroys an IOAS). */
uint32_t uapi_next_id(void);

/* ---- ioctls ------------------------------------------------------------ */

/* VIOMMU_ALLOC; @data/@data_len are the driver data (NULL/0 for none). */
int _sim_viommu_alloc(uint32_t dev_id, uint32_t hwpt_id, uint32_t type,
		      void *data, uint32_t data_len, uint32_t *viommu_id);
#define sim_viommu_alloc(...)	SIM_OK(_sim_viommu_alloc(__VA_ARGS__))
#define sim_err_viommu_alloc(err, ...) \
	SIM_ERR(err, _sim_viommu_alloc(__VA_ARGS__))

int _sim_vdevice_alloc(uint32_t viommu_id, uint32_t dev_id, uint64_t virt_id,
		       uint32_t *vdev_id);
#define sim_vdevice_alloc(...)	SIM_OK(_sim_vdevice_alloc(__VA_ARGS__))
#define sim_err_vdevice_alloc(err, ...) \
	SIM_ERR(err, _sim_vdevice_alloc(__VA_ARGS__))

int _sim_veventq_alloc(uint32_t viommu_id, uint32_t type, uint32_t depth,
		       uint32_t *veventq_id, int *veventq_fd);
#define sim_veventq_alloc(...)	SIM_OK(_sim_veventq_alloc(__VA_ARGS__))
#define sim_err_veventq_alloc(err, ...) \
	SIM_ERR(err, _sim_veventq_alloc(__VA_ARGS__))

int _sim_hw_queue_alloc(uint32_t viommu_id, uint32_t type, uint32_t index,
			uint64_t base, uint64_t length, uint32_t *hw_queue_id);
#define sim_hw_queue_alloc(...)	SIM_OK(_sim_hw_queue_alloc(__VA_ARGS__))
#define sim_err_hw_queue_alloc(err, ...) \
	SIM_ERR(err, _sim_hw_queue_alloc(__VA_ARGS__))

/*
 * HWPT_INVALIDATE of @id (nested HWPT or vIOMMU) with @num entries of
 * @entry_len bytes at @entries; *@done receives entry_num as returned
 * (also on error; may be NULL).
 */
int _sim_invalidate(uint32_t id, uint32_t data_type, const void *entries,
		    uint32_t entry_len, uint32_t num, uint32_t *done);

/* One selftest vIOMMU invalidation entry. */
int _sim_viommu_invalidate1(uint32_t viommu_id, uint32_t flags,
			    uint32_t vdev_id, uint32_t cache_id);
#define sim_viommu_invalidate1(...) \
	SIM_OK(_sim_viommu_invalidate1(__VA_ARGS__))
#define sim_err_viommu_invalidate1(err, ...) \
	SIM_ERR(err, _sim_viommu_invalidate1(__VA_ARGS__))

/* A selftest nested HWPT through the vIOMMU @viommu_id. */
int _sim_viommu_nested(uint32_t idev, uint32_t viommu_id, uint32_t iotlb,
		       uint32_t *hwpt_id);
#define sim_viommu_nested(...)	SIM_OK(_sim_viommu_nested(__VA_ARGS__))
#define sim_err_viommu_nested(err, ...) \
	SIM_ERR(err, _sim_viommu_nested(__VA_ARGS__))

/* MOCK_DOMAIN_REPLACE without reading back the result. */
int _sim_replace(uint32_t stdev, uint32_t pt_id);
#define sim_replace(...)	SIM_OK(_sim_replace(__VA_ARGS__))
#define sim_err_replace(err, ...) SIM_ERR(err, _sim_replace(__VA_ARGS__))

/* IOMMU_IOAS_CHANGE_PROCESS on @fd of @p. */
int _sim_change_process_fd(struct iommufd_sim_proc *p, int fd);

/* IOAS_MAP_FILE at a fixed IOVA, readable and writeable. */
int _sim_map_file_at(uint32_t ioas_id, int memfd, uint64_t start,
		       uint64_t length, uint64_t iova);
#define sim_map_file_at(...)	SIM_OK(_sim_map_file_at(__VA_ARGS__))
#define sim_err_map_file_at(err, ...) \
	SIM_ERR(err, _sim_map_file_at(__VA_ARGS__))

/* mmap() on @fd of uf.p: the address, or NULL with *@err = errno. */
void *_sim_mmap(size_t length, int prot, int flags, int fd, uint64_t offset,
		int *err);
int _sim_munmap(void *addr, size_t length);

/*
 * Contexts still open in this world (iommufd_debug.h, which cannot be
 * included next to the uAPI headers the tests use).
 */
unsigned int iommufd_debug_live_contexts(void);

/* One vEVENTQ record as the selftest driver writes it. */
struct selftest_vevent {
	struct iommufd_vevent_header hdr;
	struct iommu_viommu_event_selftest data;
};

#endif /* _VIOMMU_UTIL_H */
