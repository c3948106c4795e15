// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for the suites of the newest objects (see viommu_util.h).
 */
#include <sys/mman.h>
#include "viommu_util.h"

void viommu_env_setup(struct viommu_env *e, bool with_viommu)
{
	const struct iommufd_sim_mem_opts contig = {
		.placement = IOMMUFD_SIM_CONTIGUOUS,
	};

	memset(e, 0, sizeof(*e));
	sim_ioas_alloc(&e->ioas);
	e->guest = uapi_mem_opts(GUEST_LEN, &contig);
	e->other = uapi_mem_opts(OTHER_LEN, &contig);
	sim_ioas_map_fixed(e->ioas, e->guest, GUEST_LEN, GUEST_IOVA);
	sim_ioas_map_fixed(e->ioas, e->other, OTHER_LEN, OTHER_IOVA);
	sim_mock_domain(e->ioas, &e->stdev, NULL, &e->idev);
	sim_hwpt_alloc_paging(e->idev, e->ioas, IOMMU_HWPT_ALLOC_NEST_PARENT,
			      &e->parent);
	if (with_viommu)
		sim_viommu_alloc(e->idev, e->parent, IOMMU_VIOMMU_TYPE_SELFTEST,
				 NULL, 0, &e->viommu);
}

void viommu_env_add_device(struct viommu_env *e, uint32_t *stdev,
			   uint32_t *idev)
{
	sim_mock_domain(e->ioas, stdev, NULL, idev);
}

uint32_t uapi_next_id(void)
{
	uint32_t id;

	sim_ioas_alloc(&id);
	sim_destroy(id);
	return id;
}

int _sim_viommu_alloc(uint32_t dev_id, uint32_t hwpt_id, uint32_t type,
		      void *data, uint32_t data_len, uint32_t *viommu_id)
{
	struct iommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.type = type,
		.dev_id = dev_id,
		.hwpt_id = hwpt_id,
		.data_len = data_len,
		.data_uptr = (uintptr_t)data,
	};
	int rc;

	rc = _sim_ioctl(IOMMU_VIOMMU_ALLOC, &cmd);
	if (!rc && viommu_id)
		*viommu_id = cmd.out_viommu_id;
	return rc;
}

int _sim_vdevice_alloc(uint32_t viommu_id, uint32_t dev_id, uint64_t virt_id,
		       uint32_t *vdev_id)
{
	struct iommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.dev_id = dev_id,
		.virt_id = virt_id,
	};
	int rc;

	rc = _sim_ioctl(IOMMU_VDEVICE_ALLOC, &cmd);
	if (!rc && vdev_id)
		*vdev_id = cmd.out_vdevice_id;
	return rc;
}

int _sim_veventq_alloc(uint32_t viommu_id, uint32_t type, uint32_t depth,
		       uint32_t *veventq_id, int *veventq_fd)
{
	struct iommu_veventq_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.type = type,
		.veventq_depth = depth,
	};
	int rc;

	rc = _sim_ioctl(IOMMU_VEVENTQ_ALLOC, &cmd);
	if (rc)
		return rc;
	if (veventq_id)
		*veventq_id = cmd.out_veventq_id;
	if (veventq_fd)
		*veventq_fd = cmd.out_veventq_fd;
	return 0;
}

int _sim_hw_queue_alloc(uint32_t viommu_id, uint32_t type, uint32_t index,
			uint64_t base, uint64_t length, uint32_t *hw_queue_id)
{
	struct iommu_hw_queue_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.type = type,
		.index = index,
		.nesting_parent_iova = base,
		.length = length,
	};
	int rc;

	rc = _sim_ioctl(IOMMU_HW_QUEUE_ALLOC, &cmd);
	if (!rc && hw_queue_id)
		*hw_queue_id = cmd.out_hw_queue_id;
	return rc;
}

int _sim_invalidate(uint32_t id, uint32_t data_type, const void *entries,
		    uint32_t entry_len, uint32_t num, uint32_t *done)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = id,
		.data_uptr = (uintptr_t)entries,
		.data_type = data_type,
		.entry_len = entry_len,
		.entry_num = num,
	};
	int rc;

	rc = _sim_ioctl(IOMMU_HWPT_INVALIDATE, &cmd);
	if (done)
		*done = cmd.entry_num;
	return rc;
}

int _sim_viommu_invalidate1(uint32_t viommu_id, uint32_t flags,
			    uint32_t vdev_id, uint32_t cache_id)
{
	struct iommu_viommu_invalidate_selftest inv = {
		.flags = flags,
		.vdev_id = vdev_id,
		.cache_id = cache_id,
	};
	uint32_t done;
	int rc;

	rc = _sim_invalidate(viommu_id, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
			     &inv, sizeof(inv), 1, &done);
	ck_assert_uint_eq(done, rc ? 0 : 1);
	return rc;
}

int _sim_viommu_nested(uint32_t idev, uint32_t viommu_id, uint32_t iotlb,
		       uint32_t *hwpt_id)
{
	struct iommu_hwpt_selftest data = { .iotlb = iotlb };

	return _sim_hwpt_alloc(idev, viommu_id, 0, 0, IOMMU_HWPT_DATA_SELFTEST,
			       &data, sizeof(data), hwpt_id);
}

int _sim_replace(uint32_t stdev, uint32_t pt_id)
{
	return _sim_mock_domain_replace(stdev, &pt_id);
}

int _sim_change_process_fd(struct iommufd_sim_proc *p, int fd)
{
	struct iommu_ioas_change_process cmd = { .size = sizeof(cmd) };

	return iommufd_sim_ioctl(p, fd, IOMMU_IOAS_CHANGE_PROCESS, &cmd) < 0 ?
		       -errno : 0;
}

int _sim_map_file_at(uint32_t ioas_id, int memfd, uint64_t start,
		       uint64_t length, uint64_t iova)
{
	struct iommu_ioas_map_file cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas_id,
		.fd = memfd,
		.start = start,
		.length = length,
		.iova = iova,
	};

	return _sim_ioctl(IOMMU_IOAS_MAP_FILE, &cmd);
}

void *_sim_mmap(size_t length, int prot, int flags, int fd, uint64_t offset,
		int *err)
{
	void *p = iommufd_sim_mmap(uf.p, NULL, length, prot, flags, fd,
				   (off_t)offset);

	if (p == MAP_FAILED) {
		*err = errno;
		return NULL;
	}
	*err = 0;
	return p;
}

int _sim_munmap(void *addr, size_t length)
{
	return iommufd_sim_munmap(uf.p, addr, length) ? -errno : 0;
}
