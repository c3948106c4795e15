// SPDX-License-Identifier: GPL-2.0
/*
 * ops_uapi.c - the iommufd ioctls, one executor each.
 *
 * Each fills the uAPI struct from the step's fields (handles give their
 * IDs), issues the ioctl on the step's iommufd through the embedding API
 * (the same dispatcher a program's call reaches), and reports what the
 * kernel returned as the step's outputs.
 */
#include <glib.h>		/* before kernel headers: they define noinline */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <uapi/linux/iommufd.h>
#include <iommufd_sim.h>
#include <iommufd_test.h>
#include "ops.h"

static uint32_t map_flags(struct sc_exec *x)
{
	uint64_t f = sc_has(x, "flags") ? sc_num(x, "flags") : 3;
	uint32_t flags = 0;

	if (f & 1)
		flags |= IOMMU_IOAS_MAP_READABLE;
	if (f & 2)
		flags |= IOMMU_IOAS_MAP_WRITEABLE;
	if (sc_has(x, "iova"))
		flags |= IOMMU_IOAS_MAP_FIXED_IOVA;
	return flags;
}

static void new_mapping(struct sc_exec *x, uint64_t iova, uint64_t length,
			uint32_t ioas)
{
	struct sc_rt_handle *h = sc_new_handle(x);

	h->v[0] = iova;
	h->v[1] = length;
	h->v[2] = ioas;
}

int sc_x_destroy(struct sc_exec *x)
{
	struct iommu_destroy cmd = {
		.size = sizeof(cmd),
		.id = sc_id(x, "id"),
	};

	return sc_ioctl(x, IOMMU_DESTROY, &cmd);
}

int sc_x_ioas_alloc(struct sc_exec *x)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	int rc = sc_ioctl(x, IOMMU_IOAS_ALLOC, &cmd);

	if (!rc)
		sc_new_handle(x)->v[0] = cmd.out_ioas_id;
	return rc;
}

int sc_x_ioas_map(struct sc_exec *x)
{
	struct sc_rt_handle *b = sc_handle_arg(x, "buf", NULL);
	uint64_t off = sc_num(x, "offset");
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = map_flags(x),
		.ioas_id = sc_id(x, "ioas"),
		.user_va = b->v[0] + off,
		.length = sc_num_or(x, "length", b->v[1] - MIN(off, b->v[1])),
		.iova = sc_num(x, "iova"),
	};
	int rc = sc_ioctl(x, IOMMU_IOAS_MAP, &cmd);

	if (!rc)
		new_mapping(x, cmd.iova, cmd.length, cmd.ioas_id);
	return rc;
}

int sc_x_ioas_map_file(struct sc_exec *x)
{
	struct sc_rt_handle *m = sc_handle_arg(x, "memfd", NULL);
	uint64_t start = sc_num(x, "start");
	struct iommu_ioas_map_file cmd = {
		.size = sizeof(cmd),
		.flags = map_flags(x),
		.ioas_id = sc_id(x, "ioas"),
		.fd = m->v[0],
		.start = start,
		.length = sc_num_or(x, "length", m->v[1] - MIN(start, m->v[1])),
		.iova = sc_num(x, "iova"),
	};
	int rc = sc_ioctl(x, IOMMU_IOAS_MAP_FILE, &cmd);

	if (!rc)
		new_mapping(x, cmd.iova, cmd.length, cmd.ioas_id);
	return rc;
}

int sc_x_ioas_copy(struct sc_exec *x)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = map_flags(x),
		.dst_ioas_id = sc_id(x, "dst"),
		.src_ioas_id = sc_id(x, "src"),
		.length = sc_num(x, "length"),
		.dst_iova = sc_num(x, "iova"),
		.src_iova = sc_num(x, "src_iova"),
	};
	int rc = sc_ioctl(x, IOMMU_IOAS_COPY, &cmd);

	if (!rc)
		new_mapping(x, cmd.dst_iova, cmd.length, cmd.dst_ioas_id);
	return rc;
}

int sc_x_ioas_unmap(struct sc_exec *x)
{
	struct iommu_ioas_unmap cmd = { .size = sizeof(cmd) };
	struct sc_rt_handle *m = sc_handle_arg(x, "map", NULL);
	int rc;

	if (m) {
		cmd.ioas_id = m->v[2];
		cmd.iova = m->v[0];
		cmd.length = m->v[1];
	}
	if (sc_has(x, "ioas"))
		cmd.ioas_id = sc_id(x, "ioas");
	if (sc_has(x, "iova"))
		cmd.iova = sc_num(x, "iova");
	if (sc_has(x, "length"))
		cmd.length = sc_num(x, "length");
	if (sc_has(x, "all")) {
		cmd.iova = 0;
		cmd.length = UINT64_MAX;
	}
	rc = sc_ioctl(x, IOMMU_IOAS_UNMAP, &cmd);
	if (!rc)
		sc_out_num(x, "length", cmd.length);
	return rc;
}

int sc_x_iova_ranges(struct sc_exec *x)
{
	uint32_t cap = sc_num_or(x, "capacity", 16);
	struct iommu_iova_range *r = g_new0(struct iommu_iova_range, MAX(cap, 1u));
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = sc_id(x, "ioas"),
		.num_iovas = cap,
		.allowed_iovas = (uintptr_t)r,
	};
	int rc = sc_ioctl(x, IOMMU_IOAS_IOVA_RANGES, &cmd);

	sc_out_num(x, "num", cmd.num_iovas);
	if (!rc) {
		GArray *l = g_array_new(FALSE, FALSE, sizeof(uint64_t));

		for (uint32_t i = 0; i < MIN(cmd.num_iovas, cap); i++) {
			g_array_append_val(l, r[i].start);
			g_array_append_val(l, r[i].last);
		}
		sc_out_list(x, "ranges", (uint64_t *)l->data, l->len);
		sc_out_num(x, "alignment", cmd.out_iova_alignment);
		g_array_unref(l);
	}
	g_free(r);
	return rc;
}

int sc_x_allow_iovas(struct sc_exec *x)
{
	const GArray *l = sc_arg(x, "ranges")->list;
	uint32_t n = l->len / 2;
	struct iommu_iova_range *r = g_new0(struct iommu_iova_range, MAX(n, 1u));
	struct iommu_ioas_allow_iovas cmd = {
		.size = sizeof(cmd),
		.ioas_id = sc_id(x, "ioas"),
		.num_iovas = n,
		.allowed_iovas = (uintptr_t)r,
	};
	int rc;

	for (uint32_t i = 0; i < n; i++) {
		r[i].start = g_array_index(l, uint64_t, 2 * i);
		r[i].last = g_array_index(l, uint64_t, 2 * i + 1);
	}
	rc = sc_ioctl(x, IOMMU_IOAS_ALLOW_IOVAS, &cmd);
	g_free(r);
	return rc;
}

int sc_x_option(struct sc_exec *x)
{
	struct iommu_option cmd = {
		.size = sizeof(cmd),
		.option_id = sc_num(x, "id") == 0 ? IOMMU_OPTION_RLIMIT_MODE :
						    IOMMU_OPTION_HUGE_PAGES,
		.op = sc_num(x, "op") == 0 ? IOMMU_OPTION_OP_SET :
					     IOMMU_OPTION_OP_GET,
		.object_id = sc_id(x, "object"),
		.val64 = sc_num(x, "value"),
	};
	int rc = sc_ioctl(x, IOMMU_OPTION, &cmd);

	if (!rc)
		sc_out_num(x, "value", cmd.val64);
	return rc;
}

int sc_x_vfio_ioas(struct sc_exec *x)
{
	static const uint16_t ops[] = { IOMMU_VFIO_IOAS_GET, IOMMU_VFIO_IOAS_SET,
					IOMMU_VFIO_IOAS_CLEAR };
	struct iommu_vfio_ioas cmd = {
		.size = sizeof(cmd),
		.ioas_id = sc_id(x, "ioas"),
		.op = ops[sc_num(x, "op")],
	};
	int rc = sc_ioctl(x, IOMMU_VFIO_IOAS, &cmd);

	if (!rc)
		sc_out_num(x, "ioas", cmd.ioas_id);
	return rc;
}

int sc_x_hwpt_alloc(struct sc_exec *x)
{
	uint64_t f = sc_num(x, "flags");
	struct iommu_hwpt_selftest data = { 0 };
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.dev_id = sc_id(x, "dev"),
		.pt_id = sc_id(x, "pt"),
	};
	int rc;

	if (f & 1)
		cmd.flags |= IOMMU_HWPT_ALLOC_NEST_PARENT;
	if (f & 2)
		cmd.flags |= IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	if (f & 4)
		cmd.flags |= IOMMU_HWPT_FAULT_ID_VALID;
	if (f & 8)
		cmd.flags |= IOMMU_HWPT_ALLOC_PASID;
	if (sc_has(x, "fault")) {
		cmd.flags |= IOMMU_HWPT_FAULT_ID_VALID;
		cmd.fault_id = sc_id(x, "fault");
	}
	if (sc_has(x, "data")) {
		uint64_t v = 0;

		sc_parse_number(sc_arg(x, "data")->str + strlen("selftest:"), &v);
		data.iotlb = v;
		cmd.data_type = IOMMU_HWPT_DATA_SELFTEST;
		cmd.data_len = sizeof(data);
		cmd.data_uptr = (uintptr_t)&data;
	}
	rc = sc_ioctl(x, IOMMU_HWPT_ALLOC, &cmd);
	if (!rc)
		sc_new_handle(x)->v[0] = cmd.out_hwpt_id;
	return rc;
}

int sc_x_get_hw_info(struct sc_exec *x)
{
	uint32_t len = sc_num_or(x, "length", 64);
	guint8 *data = g_malloc0(MAX(len, 1u));
	struct iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.dev_id = sc_id(x, "dev"),
		.data_len = len,
		.data_uptr = (uintptr_t)data,
	};
	int rc = sc_ioctl(x, IOMMU_GET_HW_INFO, &cmd);

	if (!rc) {
		uint64_t caps = 0;

		if (cmd.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING)
			caps |= 1;
		if (cmd.out_capabilities & IOMMU_HW_CAP_PCI_PASID_EXEC)
			caps |= 2;
		if (cmd.out_capabilities & IOMMU_HW_CAP_PCI_PASID_PRIV)
			caps |= 4;
		sc_out_num(x, "type", cmd.out_data_type);
		sc_out_num(x, "length", cmd.data_len);
		sc_out_num(x, "caps", caps);
		sc_out_num(x, "max_pasid_log2", cmd.out_max_pasid_log2);
		sc_out_bytes(x, "data", data, MIN(cmd.data_len, len));
	}
	g_free(data);
	return rc;
}

int sc_x_set_dirty_tracking(struct sc_exec *x)
{
	struct iommu_hwpt_set_dirty_tracking cmd = {
		.size = sizeof(cmd),
		.flags = sc_has(x, "enable") && sc_num(x, "enable") ?
			 IOMMU_HWPT_DIRTY_TRACKING_ENABLE : 0,
		.hwpt_id = sc_id(x, "hwpt"),
	};

	return sc_ioctl(x, IOMMU_HWPT_SET_DIRTY_TRACKING, &cmd);
}

int sc_x_get_dirty_bitmap(struct sc_exec *x)
{
	uint64_t length = sc_num(x, "length");
	uint64_t psize = sc_num_or(x, "page_size", 4096);
	uint64_t nbits = psize ? length / psize : 0;
	size_t bytes = (nbits + 63) / 64 * 8;
	uint64_t *bitmap;
	struct iommu_hwpt_get_dirty_bitmap cmd = {
		.size = sizeof(cmd),
		.hwpt_id = sc_id(x, "hwpt"),
		.flags = sc_has(x, "no_clear") ?
			 IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR : 0,
		.iova = sc_num(x, "iova"),
		.length = length,
		.page_size = psize,
	};
	int rc;

	if (bytes > (16u << 20))
		return sc_error(x, "get_dirty_bitmap: a bitmap of %zu bytes is more than a scenario reads",
				bytes);
	bitmap = g_malloc0(MAX(bytes, (size_t)8));
	cmd.data = (uintptr_t)bitmap;
	rc = sc_ioctl(x, IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd);
	if (!rc) {
		GArray *l = g_array_new(FALSE, FALSE, sizeof(uint64_t));

		for (uint64_t i = 0; i < nbits; i++)
			if (bitmap[i / 64] & (1ull << (i % 64)))
				g_array_append_val(l, i);
		sc_out_list(x, "bits", (uint64_t *)l->data, l->len);
		g_array_unref(l);
	}
	g_free(bitmap);
	return rc;
}

int sc_x_hwpt_invalidate(struct sc_exec *x)
{
	const GArray *l = sc_arg(x, "entries")->list;
	struct iommu_hwpt_invalidate_selftest *e;
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = sc_id(x, "hwpt"),
		.data_type = sc_num(x, "type") == 1 ?
			     IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID :
			     IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
		.entry_len = sizeof(*e),
		.entry_num = l->len,
	};
	int rc;

	e = g_new0(struct iommu_hwpt_invalidate_selftest, MAX(l->len, 1u));
	for (unsigned int i = 0; i < l->len; i++) {
		uint64_t v = g_array_index(l, uint64_t, i);

		if (v == SC_ALL)
			e[i].flags = IOMMU_TEST_INVALIDATE_FLAG_ALL;
		else
			e[i].iotlb_id = v;
	}
	cmd.data_uptr = (uintptr_t)e;
	rc = sc_ioctl(x, IOMMU_HWPT_INVALIDATE, &cmd);
	/* entry_num says how many were handled, on failure too. */
	sc_out_num(x, "done", cmd.entry_num);
	g_free(e);
	return rc;
}

int sc_x_fault_queue_alloc(struct sc_exec *x)
{
	struct iommu_fault_alloc cmd = { .size = sizeof(cmd) };
	int rc = sc_ioctl(x, IOMMU_FAULT_QUEUE_ALLOC, &cmd);

	if (!rc) {
		struct sc_rt_handle *h = sc_new_handle(x);

		h->v[0] = cmd.out_fault_id;
		h->v[1] = cmd.out_fault_fd;
	}
	return rc;
}

int sc_x_fault_read(struct sc_exec *x)
{
	struct sc_rt_handle *q = sc_handle_arg(x, "queue", NULL);
	uint64_t count = sc_num_or(x, "count", 1);
	struct iommu_hwpt_pgfault *recs;
	ssize_t n;
	int rc = 0;

	if (!count || count > 256)
		return sc_error(x, "fault_read: count must be 1 to 256");
	recs = g_new0(struct iommu_hwpt_pgfault, count);
	n = iommufd_sim_read(x->proc, q->v[1], recs, count * sizeof(*recs));
	if (n < 0) {
		rc = -errno;
	} else {
		uint64_t perm = 0;

		sc_out_num(x, "records", n / sizeof(*recs));
		if (n >= (ssize_t)sizeof(*recs)) {
			if (recs[0].perm & IOMMU_PGFAULT_PERM_READ)
				perm |= 1;
			if (recs[0].perm & IOMMU_PGFAULT_PERM_WRITE)
				perm |= 2;
			if (recs[0].perm & IOMMU_PGFAULT_PERM_EXEC)
				perm |= 4;
			if (recs[0].perm & IOMMU_PGFAULT_PERM_PRIV)
				perm |= 8;
			sc_out_num(x, "cookie", recs[0].cookie);
			sc_out_num(x, "addr", recs[0].addr);
			sc_out_num(x, "dev", recs[0].dev_id);
			sc_out_num(x, "pasid", recs[0].pasid);
			sc_out_num(x, "perm", perm);
			/* The queue remembers the last cookie: queue.cookie */
			q->v[2] = recs[n / sizeof(*recs) - 1].cookie;
		}
	}
	g_free(recs);
	return rc;
}

int sc_x_fault_respond(struct sc_exec *x)
{
	struct sc_rt_handle *q = sc_handle_arg(x, "queue", NULL);
	struct iommu_hwpt_page_response resp = {
		.cookie = sc_num_or(x, "cookie", q->v[2]),
		.code = sc_num(x, "code") ? IOMMUFD_PAGE_RESP_INVALID :
					    IOMMUFD_PAGE_RESP_SUCCESS,
	};
	ssize_t n = iommufd_sim_write(x->proc, q->v[1], &resp, sizeof(resp));

	if (n < 0)
		return -errno;
	if (n != sizeof(resp))
		return sc_error(x, "fault_respond: the queue took %zd bytes of %zu",
				n, sizeof(resp));
	return 0;
}

/* ---- the newest objects: vIOMMU, vDEVICE, HW queue, vEVENTQ ------------- */

int sc_x_viommu_alloc(struct sc_exec *x)
{
	struct iommu_viommu_selftest data = { .in_data = sc_num(x, "data") };
	struct iommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.type = sc_num(x, "type") == 1 ? IOMMU_VIOMMU_TYPE_DEFAULT :
						 IOMMU_VIOMMU_TYPE_SELFTEST,
		.dev_id = sc_id(x, "dev"),
		.hwpt_id = sc_id(x, "hwpt"),
	};
	int rc;

	/* The mock's driver data: in_data, and where its MMIO pages are. */
	if (sc_has(x, "data")) {
		cmd.data_len = sizeof(data);
		cmd.data_uptr = (uintptr_t)&data;
	}
	rc = sc_ioctl(x, IOMMU_VIOMMU_ALLOC, &cmd);
	if (!rc) {
		struct sc_rt_handle *h = sc_new_handle(x);

		h->v[0] = cmd.out_viommu_id;
		h->v[1] = data.out_mmap_offset;
		h->v[2] = data.out_mmap_length;
	}
	return rc;
}

int sc_x_mmap(struct sc_exec *x)
{
	uint64_t p = sc_has(x, "prot") ? sc_num(x, "prot") : 3;
	size_t length = sc_num(x, "length");
	int prot = (p & 1 ? PROT_READ : 0) | (p & 2 ? PROT_WRITE : 0);
	struct sc_rt_handle *h;
	void *addr;

	addr = iommufd_sim_mmap(x->proc, NULL, length, prot,
				sc_has(x, "private") ? MAP_PRIVATE : MAP_SHARED,
				x->ctx_fd, sc_num(x, "offset"));
	if (addr == MAP_FAILED)
		return -errno;
	h = sc_new_handle(x);
	h->v[0] = (uintptr_t)addr;
	h->v[1] = length;
	h->readonly = !(prot & PROT_WRITE);
	h->unmapped = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	return 0;
}

int sc_x_vdevice_alloc(struct sc_exec *x)
{
	struct iommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = sc_id(x, "viommu"),
		.dev_id = sc_id(x, "dev"),
		.virt_id = sc_num(x, "virt_id"),
	};
	int rc = sc_ioctl(x, IOMMU_VDEVICE_ALLOC, &cmd);

	if (!rc) {
		struct sc_rt_handle *h = sc_new_handle(x);

		h->v[0] = cmd.out_vdevice_id;
		h->v[1] = cmd.virt_id;
	}
	return rc;
}

int sc_x_hw_queue_alloc(struct sc_exec *x)
{
	struct iommu_hw_queue_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = sc_id(x, "viommu"),
		.type = sc_num(x, "type") == 1 ? IOMMU_HW_QUEUE_TYPE_DEFAULT :
						 IOMMU_HW_QUEUE_TYPE_SELFTEST,
		.index = sc_num(x, "index"),
		.nesting_parent_iova = sc_num(x, "iova"),
		.length = sc_num(x, "length"),
	};
	int rc = sc_ioctl(x, IOMMU_HW_QUEUE_ALLOC, &cmd);

	if (!rc)
		sc_new_handle(x)->v[0] = cmd.out_hw_queue_id;
	return rc;
}

int sc_x_veventq_alloc(struct sc_exec *x)
{
	struct iommu_veventq_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = sc_id(x, "viommu"),
		.type = sc_num(x, "type") == 1 ? IOMMU_VEVENTQ_TYPE_DEFAULT :
						 IOMMU_VEVENTQ_TYPE_SELFTEST,
		.veventq_depth = sc_num_or(x, "depth", 8),
	};
	int rc = sc_ioctl(x, IOMMU_VEVENTQ_ALLOC, &cmd);

	if (!rc) {
		struct sc_rt_handle *h = sc_new_handle(x);

		h->v[0] = cmd.out_veventq_id;
		h->v[1] = cmd.out_veventq_fd;
	}
	return rc;
}

/* Selftest events: a header and the virtual ID of the device. */
struct selftest_vevent {
	struct iommufd_vevent_header hdr;
	struct iommu_viommu_event_selftest ev;
};

int sc_x_veventq_read(struct sc_exec *x)
{
	struct sc_rt_handle *q = sc_handle_arg(x, "queue", NULL);
	uint64_t count = sc_num_or(x, "count", 1);
	struct selftest_vevent *recs;
	ssize_t n;
	int rc = 0;

	if (!count || count > 256)
		return sc_error(x, "veventq_read: count must be 1 to 256");
	recs = g_new0(struct selftest_vevent, count);
	n = iommufd_sim_read(x->proc, q->v[1], recs, count * sizeof(*recs));
	if (n < 0) {
		rc = -errno;
	} else {
		sc_out_num(x, "records", n / sizeof(*recs));
		if (n >= (ssize_t)sizeof(recs[0].hdr)) {
			sc_out_num(x, "sequence", recs[0].hdr.sequence);
			sc_out_num(x, "lost", !!(recs[0].hdr.flags &
						 IOMMU_VEVENTQ_FLAG_LOST_EVENTS));
		}
		if (n >= (ssize_t)sizeof(recs[0]))
			sc_out_num(x, "virt_id", recs[0].ev.virt_id);
	}
	g_free(recs);
	return rc;
}

int sc_x_viommu_invalidate(struct sc_exec *x)
{
	const GArray *l = sc_arg(x, "entries")->list;
	struct iommu_viommu_invalidate_selftest *e;
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = sc_id(x, "viommu"),
		.data_type = sc_num(x, "type") == 1 ?
			     IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID :
			     IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
		.entry_len = sizeof(*e),
		.entry_num = l->len,
	};
	uint32_t vdev = sc_num(x, "vdev");	/* the virtual ID */
	int rc;

	e = g_new0(struct iommu_viommu_invalidate_selftest, MAX(l->len, 1u));
	for (unsigned int i = 0; i < l->len; i++) {
		uint64_t v = g_array_index(l, uint64_t, i);

		e[i].vdev_id = vdev;
		if (v == SC_ALL)
			e[i].flags = IOMMU_TEST_INVALIDATE_FLAG_ALL;
		else
			e[i].cache_id = v;
	}
	cmd.data_uptr = (uintptr_t)e;
	rc = sc_ioctl(x, IOMMU_HWPT_INVALIDATE, &cmd);
	sc_out_num(x, "done", cmd.entry_num);
	g_free(e);
	return rc;
}

int sc_x_ioas_change_process(struct sc_exec *x)
{
	struct iommu_ioas_change_process cmd = { .size = sizeof(cmd) };

	return sc_ioctl(x, IOMMU_IOAS_CHANGE_PROCESS, &cmd);
}
