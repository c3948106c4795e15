/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ops.h - the executors of the scenario operations, by file.
 */
#ifndef _SC_OPS_H
#define _SC_OPS_H

#include "runner.h"

/* runner.c: threads and synchronisation */
int sc_x_nop(struct sc_exec *x);
int sc_x_thread(struct sc_exec *x);
int sc_x_wait_blocked(struct sc_exec *x);
int sc_x_wait_stalled(struct sc_exec *x);
int sc_x_barrier(struct sc_exec *x);
int sc_x_join(struct sc_exec *x);

/* ops_user.c: processes, descriptors, user memory, assertions */
int sc_x_process(struct sc_exec *x);
int sc_x_open(struct sc_exec *x);
int sc_x_close(struct sc_exec *x);
int sc_x_buffer(struct sc_exec *x);
int sc_x_memfd(struct sc_exec *x);
int sc_x_munmap(struct sc_exec *x);
int sc_x_write(struct sc_exec *x);
int sc_x_release(struct sc_exec *x);
int sc_x_expect_bytes(struct sc_exec *x);

/* ops_uapi.c: the ioctls */
int sc_x_destroy(struct sc_exec *x);
int sc_x_ioas_alloc(struct sc_exec *x);
int sc_x_ioas_map(struct sc_exec *x);
int sc_x_ioas_map_file(struct sc_exec *x);
int sc_x_ioas_copy(struct sc_exec *x);
int sc_x_ioas_unmap(struct sc_exec *x);
int sc_x_iova_ranges(struct sc_exec *x);
int sc_x_allow_iovas(struct sc_exec *x);
int sc_x_option(struct sc_exec *x);
int sc_x_vfio_ioas(struct sc_exec *x);
int sc_x_hwpt_alloc(struct sc_exec *x);
int sc_x_get_hw_info(struct sc_exec *x);
int sc_x_set_dirty_tracking(struct sc_exec *x);
int sc_x_get_dirty_bitmap(struct sc_exec *x);
int sc_x_hwpt_invalidate(struct sc_exec *x);
int sc_x_fault_queue_alloc(struct sc_exec *x);
int sc_x_fault_read(struct sc_exec *x);
int sc_x_fault_respond(struct sc_exec *x);

int sc_x_viommu_alloc(struct sc_exec *x);
int sc_x_vdevice_alloc(struct sc_exec *x);
int sc_x_hw_queue_alloc(struct sc_exec *x);
int sc_x_veventq_alloc(struct sc_exec *x);
int sc_x_veventq_read(struct sc_exec *x);
int sc_x_viommu_invalidate(struct sc_exec *x);
int sc_x_ioas_change_process(struct sc_exec *x);
int sc_x_mmap(struct sc_exec *x);

/* ops_test.c: IOMMU_TEST_CMD */
int sc_x_mock_domain(struct sc_exec *x);
int sc_x_mock_domain_replace(struct sc_exec *x);
int sc_x_add_reserved(struct sc_exec *x);
int sc_x_check_map(struct sc_exec *x);
int sc_x_check_refs(struct sc_exec *x);
int sc_x_check_iotlb(struct sc_exec *x);
int sc_x_check_dev_cache(struct sc_exec *x);
int sc_x_access_create(struct sc_exec *x);
int sc_x_access_pages(struct sc_exec *x);
int sc_x_access_unpin(struct sc_exec *x);
int sc_x_access_rw(struct sc_exec *x);
int sc_x_access_replace(struct sc_exec *x);
int sc_x_temp_memory_limit(struct sc_exec *x);
int sc_x_dirty(struct sc_exec *x);
int sc_x_trigger_iopf(struct sc_exec *x);
int sc_x_trigger_vevent(struct sc_exec *x);
int sc_x_pasid_attach(struct sc_exec *x);
int sc_x_pasid_replace(struct sc_exec *x);
int sc_x_pasid_detach(struct sc_exec *x);
int sc_x_pasid_check(struct sc_exec *x);

/* kernel_ops.c: what a driver does inside the kernel */
int sc_x_kaccess_create(struct sc_exec *x);
int sc_x_kaccess_attach(struct sc_exec *x);
int sc_x_kaccess_replace(struct sc_exec *x);
int sc_x_kaccess_detach(struct sc_exec *x);
int sc_x_kaccess_pin(struct sc_exec *x);
int sc_x_kaccess_unpin(struct sc_exec *x);
int sc_x_kaccess_rw(struct sc_exec *x);
int sc_x_kaccess_destroy(struct sc_exec *x);
int sc_x_dma_read(struct sc_exec *x);
int sc_x_dma_write(struct sc_exec *x);
int sc_x_kmutex(struct sc_exec *x);
int sc_x_klock(struct sc_exec *x);
int sc_x_kunlock(struct sc_exec *x);
int sc_x_expect_pins(struct sc_exec *x);
int sc_x_expect_translation(struct sc_exec *x);
int sc_x_expect_object(struct sc_exec *x);
/* A run is being abandoned: the driver lets go of what it holds. */
void sc_kernel_cleanup(struct sc_run *run);

#endif /* _SC_OPS_H */
