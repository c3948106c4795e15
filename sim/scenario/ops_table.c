// SPDX-License-Identifier: GPL-2.0
/*
 * ops_table.c - the scenario language's vocabulary: handle types with
 * their fields, and every operation with its fields, returned values,
 * outcome rule and executor.  docs/scenario-format.md is the prose
 * version of this table; keep them together.
 */
#include <string.h>
#include "ast.h"
#include "ops.h"

/* ---- handle types ------------------------------------------------------- */

static const struct sc_hfield no_fields[] = { { NULL } };

static const struct sc_hfield fd_fields[] = {
	{ "fd", 0, SC_HF_FD },
	{ NULL }
};

static const struct sc_hfield buffer_fields[] = {
	{ "addr", 0, SC_HF_NUM },
	{ "size", 1, SC_HF_NUM },
	{ NULL }
};

static const struct sc_hfield memfd_fields[] = {
	{ "fd", 0, SC_HF_FD },
	{ "size", 1, SC_HF_NUM },
	{ NULL }
};

static const struct sc_hfield ioas_fields[] = {
	{ "id", 0, SC_HF_ID, SC_H_IOAS },
	{ NULL }
};

static const struct sc_hfield mapping_fields[] = {
	{ "iova", 0, SC_HF_NUM },
	{ "length", 1, SC_HF_NUM },
	{ "ioas", 2, SC_HF_ID, SC_H_IOAS },
	{ NULL }
};

static const struct sc_hfield mockdev_fields[] = {
	{ "id", 0, SC_HF_ID, SC_H_MOCKDEV },
	{ "stdev", 0, SC_HF_ID, SC_H_MOCKDEV },
	{ "idev", 1, SC_HF_ID, SC_H_MOCKDEV },
	{ "hwpt", 2, SC_HF_ID, SC_H_HWPT },
	{ NULL }
};

static const struct sc_hfield hwpt_fields[] = {
	{ "id", 0, SC_HF_ID, SC_H_HWPT },
	{ NULL }
};

static const struct sc_hfield faultq_fields[] = {
	{ "id", 0, SC_HF_ID, SC_H_FAULTQ },
	{ "fd", 1, SC_HF_FD },
	{ "cookie", 2, SC_HF_NUM },
	{ NULL }
};

static const struct sc_hfield item_fields[] = {
	{ "id", 0, SC_HF_NUM },
	{ "iova", 1, SC_HF_NUM },
	{ "length", 2, SC_HF_NUM },
	{ NULL }
};

static const struct sc_hfield kaccess_fields[] = {
	{ "id", 0, SC_HF_ID, SC_H_KACCESS },
	{ NULL }
};

static const struct sc_hfield viommu_fields[] = {
	{ "id", 0, SC_HF_ID, SC_H_VIOMMU },
	{ "mmap_offset", 1, SC_HF_NUM },
	{ "mmap_length", 2, SC_HF_NUM },
	{ NULL }
};

static const struct sc_hfield region_fields[] = {
	{ "addr", 0, SC_HF_NUM },
	{ "length", 1, SC_HF_NUM },
	{ NULL }
};

static const struct sc_hfield vdevice_fields[] = {
	{ "id", 0, SC_HF_ID, SC_H_VDEVICE },
	{ "virt_id", 1, SC_HF_NUM },
	{ NULL }
};

static const struct sc_hfield hwqueue_fields[] = {
	{ "id", 0, SC_HF_ID, SC_H_HWQUEUE },
	{ NULL }
};

static const struct sc_hfield veventq_fields[] = {
	{ "id", 0, SC_HF_ID, SC_H_VEVENTQ },
	{ "fd", 1, SC_HF_FD },
	{ NULL }
};

const struct sc_htype_info sc_htypes[SC_H_NR] = {
	[SC_H_NONE] = { "nothing", no_fields, -1, -1 },
	[SC_H_PROCESS] = { "a process", no_fields, -1, -1 },
	[SC_H_IOMMUFD] = { "an iommufd", fd_fields, -1, 0 },
	[SC_H_BUFFER] = { "a buffer", buffer_fields, -1, -1 },
	[SC_H_MEMFD] = { "a memfd", memfd_fields, -1, 0 },
	[SC_H_IOAS] = { "an IOAS", ioas_fields, 0, -1 },
	[SC_H_MAPPING] = { "a mapping", mapping_fields, -1, -1 },
	[SC_H_MOCKDEV] = { "a mock device", mockdev_fields, 0, -1 },
	[SC_H_HWPT] = { "a HWPT", hwpt_fields, 0, -1 },
	[SC_H_FAULTQ] = { "a fault queue", faultq_fields, 0, 1 },
	[SC_H_ACCESS] = { "a test access", fd_fields, -1, 0 },
	[SC_H_ITEM] = { "a pinned item", item_fields, -1, -1 },
	[SC_H_KACCESS] = { "an in-kernel access", kaccess_fields, 0, -1 },
	[SC_H_THREAD] = { "a thread", no_fields, -1, -1 },
	[SC_H_KMUTEX] = { "a driver mutex", no_fields, -1, -1 },
	[SC_H_VIOMMU] = { "a vIOMMU", viommu_fields, 0, -1 },
	[SC_H_VDEVICE] = { "a vDEVICE", vdevice_fields, 0, -1 },
	[SC_H_HWQUEUE] = { "a HW queue", hwqueue_fields, 0, -1 },
	[SC_H_VEVENTQ] = { "a vEVENTQ", veventq_fields, 0, 1 },
	[SC_H_REGION] = { "an mmap of a region", region_fields, -1, -1 },
};

const struct sc_hfield *sc_hfield_find(enum sc_htype type, const char *name)
{
	const struct sc_hfield *f;

	for (f = sc_htypes[type].fields; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

/* ---- value names -------------------------------------------------------- */

static const char *const placement_names[] = {
	"scattered", "contiguous", "chunk2m", NULL
};
static const char *const map_flag_names[] = { "read", "write", NULL };
static const char *const hwpt_flag_names[] = {
	"nest_parent", "dirty_tracking", "fault_id_valid", "pasid", NULL
};
static const char *const mock_flag_names[] = {
	"no_dirty", "huge_iova", "pasid", NULL
};
static const char *const option_id_names[] = {
	"rlimit_mode", "huge_pages", NULL
};
static const char *const option_op_names[] = { "set", "get", NULL };
static const char *const vfio_op_names[] = { "get", "set", "clear", NULL };
static const char *const perm_names[] = {
	"read", "write", "exec", "priv", NULL
};
static const char *const inv_type_names[] = {
	"selftest", "selftest_invalid", NULL
};
static const char *const resp_code_names[] = { "success", "invalid", NULL };
static const char *const viommu_type_names[] = { "selftest", "default", NULL };
static const char *const hwq_type_names[] = { "selftest", "default", NULL };
static const char *const prot_names[] = { "read", "write", NULL };
static const char *const unmap_names[] = { "drop", "ignore", NULL };
static const char *const cap_names[] = {
	"ipc_lock", "sys_resource", "sys_rawio", NULL
};
static const char *const hw_cap_names[] = {
	"dirty_tracking", "pasid_exec", "pasid_priv", NULL
};

/* ---- operations --------------------------------------------------------- */

#define CTX	{ "ctx", SC_FT_HANDLE, SC_HM(SC_H_IOMMUFD) }
#define REQ	.required = true

/* A field is given (a switch: and on). */
static bool given(const struct sc_stmt *st, const char *name)
{
	int i = sc_op_field_index(st->op, name);

	if (!st->args[i].set)
		return false;
	return st->op->fields[i].type != SC_FT_BOOL || st->args[i].u;
}

static bool v_hwpt_data(const struct sc_stmt *st, GString *err)
{
	int i = sc_op_field_index(st->op, "data");
	const char *s = st->args[i].str;
	uint64_t v;

	if (!st->args[i].set)
		return true;
	if (!g_str_has_prefix(s, "selftest:") ||
	    !sc_parse_number(s + strlen("selftest:"), &v) || v > UINT32_MAX) {
		g_string_printf(err, "field 'data': '%s' is not driver data (write data=selftest:0x1234, the mock's nested IOTLB value)",
				s);
		return false;
	}
	return true;
}

static bool v_unmap(const struct sc_stmt *st, GString *err)
{
	bool all = given(st, "all");
	bool map = given(st, "map");
	bool ioas = given(st, "ioas");
	bool iova = given(st, "iova");
	bool len = given(st, "length");

	if (all && (iova || len || map)) {
		g_string_assign(err, "'all' unmaps everything: remove iova= and length=, or remove 'all'");
		return false;
	}
	if (!map && !ioas) {
		g_string_assign(err, "say what to unmap: 'ioas_unmap MAPPING', 'ioas_unmap ioas=IOAS iova=... length=...' or 'ioas_unmap ioas=IOAS all'");
		return false;
	}
	if (!map && !all && (!iova || !len)) {
		g_string_assign(err, "missing iova= or length= (or write 'all')");
		return false;
	}
	return true;
}

static bool v_kaccess(const struct sc_stmt *st, GString *err)
{
	bool internal = given(st, "internal");
	bool unmap = given(st, "unmap");
	bool lock = given(st, "lock");

	if (internal && (unmap || lock)) {
		g_string_assign(err, "an internal access has no driver callbacks: remove unmap= and lock=, or remove 'internal'");
		return false;
	}
	return true;
}

static bool v_kunpin(const struct sc_stmt *st, GString *err)
{
	bool all = given(st, "all");
	bool iova = given(st, "iova");
	bool len = given(st, "length");

	if (all == (iova || len) || (!all && !(iova && len))) {
		g_string_assign(err, "write 'iova=... length=...' (one pin, exactly as pinned) or 'all' (every pin the driver holds)");
		return false;
	}
	return true;
}

const struct sc_op sc_ops[] = {
	/* processes, descriptors, memory */
	{ "process", SC_H_PROCESS, NULL, {
		{ "uid", SC_FT_NUM },
		{ "root", SC_FT_BOOL },
		{ "memlock", SC_FT_NUM },
		{ "caps", SC_FT_FLAGS, .names = cap_names },
	  }, .outcome = SC_OUT_NONE, .exec = sc_x_process, .section = "process" },
	{ "as", SC_H_NONE, "process", {
		{ "process", SC_FT_HANDLE, SC_HM(SC_H_PROCESS), REQ },
	  }, .outcome = SC_OUT_NONE, .exec = sc_x_nop, .section = "process" },
	{ "open", SC_H_IOMMUFD, NULL, {
		{ "path", SC_FT_STR },
	  }, .outcome = SC_OUT_OPTIONAL, .exec = sc_x_open, .section = "process" },
	{ "close", SC_H_NONE, "fd", {
		{ "fd", SC_FT_HANDLE, SC_HM(SC_H_IOMMUFD) | SC_HM(SC_H_FAULTQ) |
			SC_HM(SC_H_ACCESS) | SC_HM(SC_H_MEMFD) |
			SC_HM(SC_H_VEVENTQ), REQ },
	  }, .outcome = SC_OUT_OPTIONAL, .exec = sc_x_close, .section = "process" },
	{ "buffer", SC_H_BUFFER, NULL, {
		{ "size", SC_FT_NUM, REQ },
		{ "placement", SC_FT_ENUM, .names = placement_names },
		{ "fill", SC_FT_FILL },
		{ "readonly", SC_FT_BOOL },
		{ "stall", SC_FT_PAGES },
		{ "fail", SC_FT_PAGES },
	  }, .outcome = SC_OUT_OPTIONAL, .exec = sc_x_buffer, .section = "process" },
	{ "memfd", SC_H_MEMFD, NULL, {
		{ "size", SC_FT_NUM, REQ },
	  }, .outcome = SC_OUT_OPTIONAL, .exec = sc_x_memfd, .section = "process" },
	{ "munmap", SC_H_NONE, "buf", {
		{ "buf", SC_FT_HANDLE, SC_HM(SC_H_BUFFER) | SC_HM(SC_H_REGION), REQ },
		{ "offset", SC_FT_NUM },
		{ "length", SC_FT_NUM },
	  }, .outcome = SC_OUT_OPTIONAL, .exec = sc_x_munmap, .section = "process" },
	{ "write", SC_H_NONE, "buf", {
		{ "buf", SC_FT_HANDLE, SC_HM(SC_H_BUFFER) | SC_HM(SC_H_REGION), REQ },
		{ "offset", SC_FT_NUM },
		{ "data", SC_FT_BYTES, REQ },
	  }, .outcome = SC_OUT_NONE, .exec = sc_x_write, .section = "process" },
	{ "release", SC_H_NONE, "buf", {
		{ "buf", SC_FT_HANDLE, SC_HM(SC_H_BUFFER), REQ },
		{ "offset", SC_FT_NUM },
		{ "length", SC_FT_NUM },
	  }, .outcome = SC_OUT_NONE, .exec = sc_x_release, .section = "process" },

	/* uAPI */
	{ "destroy", SC_H_NONE, "id", {
		{ "id", SC_FT_ID, SC_HM_OBJECTS, REQ },
		CTX,
	  }, .ctx = true, .exec = sc_x_destroy, .section = "uapi" },
	{ "ioas_alloc", SC_H_IOAS, NULL, {
		CTX,
	  }, .ctx = true, .exec = sc_x_ioas_alloc, .section = "uapi" },
	{ "ioas_map", SC_H_MAPPING, NULL, {
		{ "ioas", SC_FT_ID, SC_HM(SC_H_IOAS), REQ },
		{ "buf", SC_FT_HANDLE, SC_HM(SC_H_BUFFER), REQ },
		{ "offset", SC_FT_NUM },
		{ "length", SC_FT_NUM },
		{ "iova", SC_FT_NUM },
		{ "flags", SC_FT_FLAGS, .names = map_flag_names },
		CTX,
	  }, .ctx = true, .exec = sc_x_ioas_map, .section = "uapi" },
	{ "ioas_map_file", SC_H_MAPPING, NULL, {
		{ "ioas", SC_FT_ID, SC_HM(SC_H_IOAS), REQ },
		{ "memfd", SC_FT_HANDLE, SC_HM(SC_H_MEMFD), REQ },
		{ "start", SC_FT_NUM },
		{ "length", SC_FT_NUM },
		{ "iova", SC_FT_NUM },
		{ "flags", SC_FT_FLAGS, .names = map_flag_names },
		CTX,
	  }, .ctx = true, .exec = sc_x_ioas_map_file, .section = "uapi" },
	{ "ioas_copy", SC_H_MAPPING, NULL, {
		{ "dst", SC_FT_ID, SC_HM(SC_H_IOAS), REQ },
		{ "src", SC_FT_ID, SC_HM(SC_H_IOAS), REQ },
		{ "src_iova", SC_FT_NUM, REQ },
		{ "length", SC_FT_NUM, REQ },
		{ "iova", SC_FT_NUM },
		{ "flags", SC_FT_FLAGS, .names = map_flag_names },
		CTX,
	  }, .ctx = true, .exec = sc_x_ioas_copy, .section = "uapi" },
	{ "ioas_unmap", SC_H_NONE, "map", {
		{ "map", SC_FT_HANDLE, SC_HM(SC_H_MAPPING) },
		{ "ioas", SC_FT_ID, SC_HM(SC_H_IOAS) },
		{ "iova", SC_FT_NUM },
		{ "length", SC_FT_NUM },
		{ "all", SC_FT_BOOL },
		CTX,
	  }, {
		{ "length", SC_FT_NUM },
	  }, .ctx = true, .exec = sc_x_ioas_unmap, .validate = v_unmap,
	  .section = "uapi" },
	{ "iova_ranges", SC_H_NONE, "ioas", {
		{ "ioas", SC_FT_ID, SC_HM(SC_H_IOAS), REQ },
		{ "capacity", SC_FT_NUM },
		CTX,
	  }, {
		{ "num", SC_FT_NUM },
		{ "ranges", SC_FT_RANGES },
		{ "alignment", SC_FT_NUM },
	  }, .ctx = true, .exec = sc_x_iova_ranges, .section = "uapi" },
	{ "allow_iovas", SC_H_NONE, "ioas", {
		{ "ioas", SC_FT_ID, SC_HM(SC_H_IOAS), REQ },
		{ "ranges", SC_FT_RANGES, REQ },
		CTX,
	  }, .ctx = true, .exec = sc_x_allow_iovas, .section = "uapi" },
	{ "option", SC_H_NONE, NULL, {
		{ "id", SC_FT_ENUM, .names = option_id_names, REQ },
		{ "op", SC_FT_ENUM, .names = option_op_names, REQ },
		{ "object", SC_FT_ID, SC_HM(SC_H_IOAS) },
		{ "value", SC_FT_NUM },
		CTX,
	  }, {
		{ "value", SC_FT_NUM },
	  }, .ctx = true, .exec = sc_x_option, .section = "uapi" },
	{ "vfio_ioas", SC_H_NONE, NULL, {
		{ "op", SC_FT_ENUM, .names = vfio_op_names, REQ },
		{ "ioas", SC_FT_ID, SC_HM(SC_H_IOAS) },
		CTX,
	  }, {
		{ "ioas", SC_FT_ID, SC_HM(SC_H_IOAS) },
	  }, .ctx = true, .exec = sc_x_vfio_ioas, .section = "uapi" },
	{ "hwpt_alloc", SC_H_HWPT, NULL, {
		{ "dev", SC_FT_ID, SC_HM(SC_H_MOCKDEV), REQ, .use_idev = true },
		{ "pt", SC_FT_ID, SC_HM(SC_H_IOAS) | SC_HM(SC_H_HWPT) |
			SC_HM(SC_H_VIOMMU), REQ },
		{ "flags", SC_FT_FLAGS, .names = hwpt_flag_names },
		{ "fault", SC_FT_ID, SC_HM(SC_H_FAULTQ) },
		{ "data", SC_FT_STR },
		CTX,
	  }, .ctx = true, .exec = sc_x_hwpt_alloc, .validate = v_hwpt_data,
	  .section = "uapi" },
	{ "get_hw_info", SC_H_NONE, "dev", {
		{ "dev", SC_FT_ID, SC_HM(SC_H_MOCKDEV), REQ, .use_idev = true },
		{ "length", SC_FT_NUM },
		CTX,
	  }, {
		{ "type", SC_FT_NUM },
		{ "length", SC_FT_NUM },
		{ "caps", SC_FT_FLAGS, .names = hw_cap_names },
		{ "max_pasid_log2", SC_FT_NUM },
		{ "data", SC_FT_BYTES },
	  }, .ctx = true, .exec = sc_x_get_hw_info, .section = "uapi" },
	{ "set_dirty_tracking", SC_H_NONE, "hwpt", {
		{ "hwpt", SC_FT_ID, SC_HM(SC_H_HWPT), REQ },
		{ "enable", SC_FT_BOOL },
		CTX,
	  }, .ctx = true, .exec = sc_x_set_dirty_tracking, .section = "uapi" },
	{ "get_dirty_bitmap", SC_H_NONE, "hwpt", {
		{ "hwpt", SC_FT_ID, SC_HM(SC_H_HWPT), REQ },
		{ "iova", SC_FT_NUM, REQ },
		{ "length", SC_FT_NUM, REQ },
		{ "page_size", SC_FT_NUM },
		{ "no_clear", SC_FT_BOOL },
		CTX,
	  }, {
		{ "bits", SC_FT_LIST },
	  }, .ctx = true, .exec = sc_x_get_dirty_bitmap, .section = "uapi" },
	{ "hwpt_invalidate", SC_H_NONE, "hwpt", {
		{ "hwpt", SC_FT_ID, SC_HM(SC_H_HWPT), REQ },
		{ "type", SC_FT_ENUM, .names = inv_type_names },
		{ "entries", SC_FT_LIST, REQ },
		CTX,
	  }, {
		{ "done", SC_FT_NUM },
	  }, .ctx = true, .exec = sc_x_hwpt_invalidate, .section = "uapi" },
	{ "fault_queue_alloc", SC_H_FAULTQ, NULL, {
		CTX,
	  }, .ctx = true, .exec = sc_x_fault_queue_alloc, .section = "uapi" },
	{ "fault_read", SC_H_NONE, "queue", {
		{ "queue", SC_FT_HANDLE, SC_HM(SC_H_FAULTQ), REQ },
		{ "count", SC_FT_NUM },
	  }, {
		{ "records", SC_FT_NUM },
		{ "cookie", SC_FT_NUM },
		{ "addr", SC_FT_NUM },
		{ "dev", SC_FT_ID, SC_HM(SC_H_MOCKDEV), .use_idev = true },
		{ "pasid", SC_FT_NUM },
		{ "perm", SC_FT_FLAGS, .names = perm_names },
	  }, .ctx = true, .exec = sc_x_fault_read, .section = "uapi" },
	{ "fault_respond", SC_H_NONE, "queue", {
		{ "queue", SC_FT_HANDLE, SC_HM(SC_H_FAULTQ), REQ },
		{ "cookie", SC_FT_NUM },
		{ "code", SC_FT_ENUM, .names = resp_code_names },
	  }, .ctx = true, .exec = sc_x_fault_respond, .section = "uapi" },

	{ "viommu_alloc", SC_H_VIOMMU, NULL, {
		{ "dev", SC_FT_ID, SC_HM(SC_H_MOCKDEV), REQ, .use_idev = true },
		{ "hwpt", SC_FT_ID, SC_HM(SC_H_HWPT), REQ },
		{ "type", SC_FT_ENUM, .names = viommu_type_names },
		{ "data", SC_FT_NUM },
		CTX,
	  }, .ctx = true, .exec = sc_x_viommu_alloc, .section = "uapi" },
	{ "mmap", SC_H_REGION, NULL, {
		{ "offset", SC_FT_NUM, REQ },
		{ "length", SC_FT_NUM, REQ },
		{ "prot", SC_FT_FLAGS, .names = prot_names },
		{ "private", SC_FT_BOOL },
		CTX,
	  }, .ctx = true, .exec = sc_x_mmap, .section = "uapi" },
	{ "vdevice_alloc", SC_H_VDEVICE, NULL, {
		{ "viommu", SC_FT_ID, SC_HM(SC_H_VIOMMU), REQ },
		{ "dev", SC_FT_ID, SC_HM(SC_H_MOCKDEV), REQ, .use_idev = true },
		{ "virt_id", SC_FT_NUM, REQ },
		CTX,
	  }, .ctx = true, .exec = sc_x_vdevice_alloc, .section = "uapi" },
	{ "hw_queue_alloc", SC_H_HWQUEUE, NULL, {
		{ "viommu", SC_FT_ID, SC_HM(SC_H_VIOMMU), REQ },
		{ "index", SC_FT_NUM },
		{ "iova", SC_FT_NUM, REQ },
		{ "length", SC_FT_NUM, REQ },
		{ "type", SC_FT_ENUM, .names = hwq_type_names },
		CTX,
	  }, .ctx = true, .exec = sc_x_hw_queue_alloc, .section = "uapi" },
	{ "veventq_alloc", SC_H_VEVENTQ, NULL, {
		{ "viommu", SC_FT_ID, SC_HM(SC_H_VIOMMU), REQ },
		{ "depth", SC_FT_NUM },
		{ "type", SC_FT_ENUM, .names = viommu_type_names },
		CTX,
	  }, .ctx = true, .exec = sc_x_veventq_alloc, .section = "uapi" },
	{ "veventq_read", SC_H_NONE, "queue", {
		{ "queue", SC_FT_HANDLE, SC_HM(SC_H_VEVENTQ), REQ },
		{ "count", SC_FT_NUM },
	  }, {
		{ "records", SC_FT_NUM },
		{ "sequence", SC_FT_NUM },
		{ "lost", SC_FT_NUM },
		{ "virt_id", SC_FT_NUM },
	  }, .ctx = true, .exec = sc_x_veventq_read, .section = "uapi" },
	{ "viommu_invalidate", SC_H_NONE, "viommu", {
		{ "viommu", SC_FT_ID, SC_HM(SC_H_VIOMMU), REQ },
		{ "vdev", SC_FT_NUM, REQ },
		{ "entries", SC_FT_LIST, REQ },
		{ "type", SC_FT_ENUM, .names = inv_type_names },
		CTX,
	  }, {
		{ "done", SC_FT_NUM },
	  }, .ctx = true, .exec = sc_x_viommu_invalidate, .section = "uapi" },
	{ "ioas_change_process", SC_H_NONE, NULL, {
		CTX,
	  }, .ctx = true, .exec = sc_x_ioas_change_process, .section = "uapi" },

	/* IOMMU_TEST_CMD */
	{ "mock_domain", SC_H_MOCKDEV, NULL, {
		{ "pt", SC_FT_ID, SC_HM(SC_H_IOAS) | SC_HM(SC_H_HWPT), REQ },
		{ "flags", SC_FT_FLAGS, .names = mock_flag_names },
		CTX,
	  }, .ctx = true, .exec = sc_x_mock_domain, .section = "test" },
	{ "mock_domain_replace", SC_H_NONE, "dev", {
		{ "dev", SC_FT_ID, SC_HM(SC_H_MOCKDEV), REQ },
		{ "pt", SC_FT_ID, SC_HM(SC_H_IOAS) | SC_HM(SC_H_HWPT), REQ },
		CTX,
	  }, {
		{ "hwpt", SC_FT_ID, SC_HM(SC_H_HWPT) },
	  }, .ctx = true, .exec = sc_x_mock_domain_replace, .section = "test" },
	{ "add_reserved", SC_H_NONE, "ioas", {
		{ "ioas", SC_FT_ID, SC_HM(SC_H_IOAS), REQ },
		{ "start", SC_FT_NUM, REQ },
		{ "length", SC_FT_NUM, REQ },
		CTX,
	  }, .ctx = true, .exec = sc_x_add_reserved, .section = "test" },
	{ "check_map", SC_H_NONE, "hwpt", {
		{ "hwpt", SC_FT_ID, SC_HM(SC_H_HWPT) | SC_HM(SC_H_MOCKDEV), REQ },
		{ "iova", SC_FT_NUM, REQ },
		{ "length", SC_FT_NUM, REQ },
		{ "buf", SC_FT_HANDLE, SC_HM(SC_H_BUFFER), REQ },
		{ "offset", SC_FT_NUM },
		CTX,
	  }, .ctx = true, .exec = sc_x_check_map, .section = "test" },
	{ "check_refs", SC_H_NONE, "buf", {
		{ "buf", SC_FT_HANDLE, SC_HM(SC_H_BUFFER), REQ },
		{ "offset", SC_FT_NUM },
		{ "length", SC_FT_NUM, REQ },
		{ "refs", SC_FT_NUM, REQ },
		CTX,
	  }, .ctx = true, .exec = sc_x_check_refs, .section = "test" },
	{ "check_iotlb", SC_H_NONE, "hwpt", {
		{ "hwpt", SC_FT_ID, SC_HM(SC_H_HWPT), REQ },
		{ "id", SC_FT_NUM, REQ },
		{ "value", SC_FT_NUM, REQ },
		CTX,
	  }, .ctx = true, .exec = sc_x_check_iotlb, .section = "test" },
	{ "check_dev_cache", SC_H_NONE, "dev", {
		{ "dev", SC_FT_ID, SC_HM(SC_H_MOCKDEV), REQ, .use_idev = true },
		{ "id", SC_FT_NUM, REQ },
		{ "value", SC_FT_NUM, REQ },
		CTX,
	  }, .ctx = true, .exec = sc_x_check_dev_cache, .section = "test" },
	{ "access_create", SC_H_ACCESS, NULL, {
		{ "ioas", SC_FT_ID, SC_HM(SC_H_IOAS), REQ },
		{ "needs_pin_pages", SC_FT_BOOL },
		CTX,
	  }, .ctx = true, .exec = sc_x_access_create, .section = "test" },
	{ "access_pages", SC_H_ITEM, NULL, {
		{ "access", SC_FT_HANDLE, SC_HM(SC_H_ACCESS), REQ },
		{ "iova", SC_FT_NUM, REQ },
		{ "length", SC_FT_NUM, REQ },
		{ "write", SC_FT_BOOL },
		{ "buf", SC_FT_HANDLE, SC_HM(SC_H_BUFFER) },
		{ "offset", SC_FT_NUM },
		CTX,
	  }, .ctx = true, .exec = sc_x_access_pages, .section = "test" },
	{ "access_unpin", SC_H_NONE, "item", {
		{ "item", SC_FT_HANDLE, SC_HM(SC_H_ITEM), REQ },
		CTX,
	  }, .ctx = true, .exec = sc_x_access_unpin, .section = "test" },
	{ "access_rw", SC_H_NONE, "access", {
		{ "access", SC_FT_HANDLE, SC_HM(SC_H_ACCESS), REQ },
		{ "iova", SC_FT_NUM, REQ },
		{ "length", SC_FT_NUM },
		{ "write", SC_FT_BOOL },
		{ "data", SC_FT_BYTES },
		{ "slow", SC_FT_BOOL },
		CTX,
	  }, {
		{ "data", SC_FT_BYTES },
	  }, .ctx = true, .exec = sc_x_access_rw, .section = "test" },
	{ "access_replace", SC_H_NONE, "access", {
		{ "access", SC_FT_HANDLE, SC_HM(SC_H_ACCESS), REQ },
		{ "ioas", SC_FT_ID, SC_HM(SC_H_IOAS), REQ },
		CTX,
	  }, .ctx = true, .exec = sc_x_access_replace, .section = "test" },
	{ "temp_memory_limit", SC_H_NONE, "bytes", {
		{ "bytes", SC_FT_NUM, REQ },
		CTX,
	  }, .ctx = true, .exec = sc_x_temp_memory_limit, .section = "test" },
	{ "dirty", SC_H_NONE, "hwpt", {
		{ "hwpt", SC_FT_ID, SC_HM(SC_H_HWPT) | SC_HM(SC_H_MOCKDEV), REQ },
		{ "iova", SC_FT_NUM, REQ },
		{ "length", SC_FT_NUM, REQ },
		{ "page_size", SC_FT_NUM },
		{ "bits", SC_FT_LIST, REQ },
		CTX,
	  }, {
		{ "count", SC_FT_NUM },
	  }, .ctx = true, .exec = sc_x_dirty, .section = "test" },
	{ "trigger_iopf", SC_H_NONE, "dev", {
		{ "dev", SC_FT_ID, SC_HM(SC_H_MOCKDEV), REQ, .use_idev = true },
		{ "addr", SC_FT_NUM, REQ },
		{ "perm", SC_FT_FLAGS, .names = perm_names },
		{ "pasid", SC_FT_NUM },
		{ "group", SC_FT_NUM },
		CTX,
	  }, .ctx = true, .exec = sc_x_trigger_iopf, .section = "test" },
	{ "trigger_vevent", SC_H_NONE, "dev", {
		{ "dev", SC_FT_ID, SC_HM(SC_H_MOCKDEV), REQ, .use_idev = true },
		CTX,
	  }, .ctx = true, .exec = sc_x_trigger_vevent, .section = "test" },
	{ "pasid_attach", SC_H_NONE, "dev", {
		{ "dev", SC_FT_ID, SC_HM(SC_H_MOCKDEV), REQ },
		{ "pasid", SC_FT_NUM, REQ },
		{ "pt", SC_FT_ID, SC_HM(SC_H_IOAS) | SC_HM(SC_H_HWPT), REQ },
		CTX,
	  }, {
		{ "hwpt", SC_FT_ID, SC_HM(SC_H_HWPT) },
	  }, .ctx = true, .exec = sc_x_pasid_attach, .section = "test" },
	{ "pasid_replace", SC_H_NONE, "dev", {
		{ "dev", SC_FT_ID, SC_HM(SC_H_MOCKDEV), REQ },
		{ "pasid", SC_FT_NUM, REQ },
		{ "pt", SC_FT_ID, SC_HM(SC_H_IOAS) | SC_HM(SC_H_HWPT), REQ },
		CTX,
	  }, {
		{ "hwpt", SC_FT_ID, SC_HM(SC_H_HWPT) },
	  }, .ctx = true, .exec = sc_x_pasid_replace, .section = "test" },
	{ "pasid_detach", SC_H_NONE, "dev", {
		{ "dev", SC_FT_ID, SC_HM(SC_H_MOCKDEV), REQ },
		{ "pasid", SC_FT_NUM, REQ },
		CTX,
	  }, .ctx = true, .exec = sc_x_pasid_detach, .section = "test" },
	{ "pasid_check", SC_H_NONE, "dev", {
		{ "dev", SC_FT_ID, SC_HM(SC_H_MOCKDEV), REQ },
		{ "pasid", SC_FT_NUM, REQ },
		{ "pt", SC_FT_ID, SC_HM(SC_H_HWPT) },
		CTX,
	  }, .ctx = true, .exec = sc_x_pasid_check, .section = "test" },

	/* in-kernel calls */
	{ "kaccess_create", SC_H_KACCESS, NULL, {
		{ "internal", SC_FT_BOOL },
		{ "unmap", SC_FT_ENUM, .names = unmap_names },
		{ "lock", SC_FT_HANDLES, SC_HM(SC_H_KMUTEX) },
		CTX,
	  }, .ctx = true, .exec = sc_x_kaccess_create, .validate = v_kaccess,
	  .section = "kernel" },
	{ "kaccess_attach", SC_H_NONE, "access", {
		{ "access", SC_FT_HANDLE, SC_HM(SC_H_KACCESS), REQ },
		{ "ioas", SC_FT_ID, SC_HM(SC_H_IOAS), REQ },
		CTX,
	  }, .ctx = true, .exec = sc_x_kaccess_attach, .section = "kernel" },
	{ "kaccess_replace", SC_H_NONE, "access", {
		{ "access", SC_FT_HANDLE, SC_HM(SC_H_KACCESS), REQ },
		{ "ioas", SC_FT_ID, SC_HM(SC_H_IOAS), REQ },
		CTX,
	  }, .ctx = true, .exec = sc_x_kaccess_replace, .section = "kernel" },
	{ "kaccess_detach", SC_H_NONE, "access", {
		{ "access", SC_FT_HANDLE, SC_HM(SC_H_KACCESS), REQ },
		CTX,
	  }, .outcome = SC_OUT_NONE, .ctx = true, .exec = sc_x_kaccess_detach,
	  .section = "kernel" },
	{ "kaccess_pin", SC_H_NONE, "access", {
		{ "access", SC_FT_HANDLE, SC_HM(SC_H_KACCESS), REQ },
		{ "iova", SC_FT_NUM, REQ },
		{ "length", SC_FT_NUM, REQ },
		{ "write", SC_FT_BOOL },
		CTX,
	  }, .ctx = true, .exec = sc_x_kaccess_pin, .section = "kernel" },
	{ "kaccess_unpin", SC_H_NONE, "access", {
		{ "access", SC_FT_HANDLE, SC_HM(SC_H_KACCESS), REQ },
		{ "iova", SC_FT_NUM },
		{ "length", SC_FT_NUM },
		{ "all", SC_FT_BOOL },
		CTX,
	  }, .outcome = SC_OUT_NONE, .ctx = true, .exec = sc_x_kaccess_unpin,
	  .validate = v_kunpin, .section = "kernel" },
	{ "kaccess_rw", SC_H_NONE, "access", {
		{ "access", SC_FT_HANDLE, SC_HM(SC_H_KACCESS), REQ },
		{ "iova", SC_FT_NUM, REQ },
		{ "length", SC_FT_NUM },
		{ "write", SC_FT_BOOL },
		{ "data", SC_FT_BYTES },
		CTX,
	  }, {
		{ "data", SC_FT_BYTES },
	  }, .ctx = true, .exec = sc_x_kaccess_rw, .section = "kernel" },
	{ "kaccess_destroy", SC_H_NONE, "access", {
		{ "access", SC_FT_HANDLE, SC_HM(SC_H_KACCESS), REQ },
		CTX,
	  }, .outcome = SC_OUT_NONE, .ctx = true, .exec = sc_x_kaccess_destroy,
	  .section = "kernel" },
	{ "dma_read", SC_H_NONE, "dev", {
		{ "dev", SC_FT_ID, SC_HM(SC_H_MOCKDEV), REQ },
		{ "iova", SC_FT_NUM, REQ },
		{ "length", SC_FT_NUM, REQ },
		{ "pasid", SC_FT_NUM },
		CTX,
	  }, {
		{ "data", SC_FT_BYTES },
	  }, .ctx = true, .exec = sc_x_dma_read, .section = "kernel" },
	{ "dma_write", SC_H_NONE, "dev", {
		{ "dev", SC_FT_ID, SC_HM(SC_H_MOCKDEV), REQ },
		{ "iova", SC_FT_NUM, REQ },
		{ "data", SC_FT_BYTES, REQ },
		{ "pasid", SC_FT_NUM },
		CTX,
	  }, .ctx = true, .exec = sc_x_dma_write, .section = "kernel" },
	{ "kmutex", SC_H_KMUTEX, NULL, { { NULL } },
	  .outcome = SC_OUT_NONE, .exec = sc_x_kmutex, .section = "kernel" },
	{ "klock", SC_H_NONE, "mutex", {
		{ "mutex", SC_FT_HANDLE, SC_HM(SC_H_KMUTEX), REQ },
	  }, .outcome = SC_OUT_NONE, .exec = sc_x_klock, .section = "kernel" },
	{ "kunlock", SC_H_NONE, "mutex", {
		{ "mutex", SC_FT_HANDLE, SC_HM(SC_H_KMUTEX), REQ },
	  }, .outcome = SC_OUT_NONE, .exec = sc_x_kunlock, .section = "kernel" },

	/* threads and synchronisation (the parser knows their syntax) */
	{ "thread", SC_H_THREAD, NULL, { { NULL } },
	  .outcome = SC_OUT_NONE, .exec = sc_x_thread, .section = "sync" },
	{ "wait blocked", SC_H_NONE, "thread", {
		{ "thread", SC_FT_HANDLE, SC_HM(SC_H_THREAD), REQ },
	  }, .outcome = SC_OUT_NONE, .exec = sc_x_wait_blocked, .section = "sync" },
	{ "wait stalled", SC_H_NONE, "buf", {
		{ "buf", SC_FT_HANDLE, SC_HM(SC_H_BUFFER), REQ },
		{ "offset", SC_FT_NUM },
		{ "length", SC_FT_NUM },
		{ "count", SC_FT_NUM },
	  }, .outcome = SC_OUT_NONE, .exec = sc_x_wait_stalled, .section = "sync" },
	{ "barrier", SC_H_NONE, NULL, { { NULL } },
	  .outcome = SC_OUT_NONE, .exec = sc_x_barrier, .section = "sync" },
	{ "join", SC_H_NONE, "thread", {
		{ "thread", SC_FT_HANDLE, SC_HM(SC_H_THREAD) },
	  }, .outcome = SC_OUT_NONE, .exec = sc_x_join, .section = "sync" },

	/* assertions */
	{ "expect bytes", SC_H_NONE, "buf", {
		{ "buf", SC_FT_HANDLE, SC_HM(SC_H_BUFFER) | SC_HM(SC_H_REGION), REQ },
		{ "offset", SC_FT_NUM },
		{ "data", SC_FT_BYTES, REQ },
	  }, .outcome = SC_OUT_NONE, .exec = sc_x_expect_bytes, .section = "expect" },
	{ "expect pins", SC_H_NONE, "buf", {
		{ "buf", SC_FT_HANDLE, SC_HM(SC_H_BUFFER), REQ },
		{ "offset", SC_FT_NUM },
		{ "length", SC_FT_NUM },
		{ "count", SC_FT_NUM, REQ },
	  }, .outcome = SC_OUT_NONE, .exec = sc_x_expect_pins, .section = "expect" },
	{ "expect object", SC_H_NONE, "object", {
		{ "object", SC_FT_ID, SC_HM_OBJECTS, REQ },
		{ "users", SC_FT_NUM },
		{ "gone", SC_FT_BOOL },
		CTX,
	  }, .outcome = SC_OUT_NONE, .ctx = true, .exec = sc_x_expect_object,
	  .section = "expect" },
	{ "expect translation", SC_H_NONE, "hwpt", {
		{ "hwpt", SC_FT_ID, SC_HM(SC_H_HWPT) | SC_HM(SC_H_MOCKDEV), REQ },
		{ "iova", SC_FT_NUM, REQ },
		{ "buf", SC_FT_HANDLE, SC_HM(SC_H_BUFFER) },
		{ "offset", SC_FT_NUM },
		{ "none", SC_FT_BOOL },
		CTX,
	  }, .outcome = SC_OUT_NONE, .ctx = true,
	  .exec = sc_x_expect_translation, .section = "expect" },
	{ NULL }
};

const struct sc_op *sc_op_find(const char *name)
{
	const struct sc_op *op;

	for (op = sc_ops; op->name; op++)
		if (!strcmp(op->name, name))
			return op;
	return NULL;
}

int sc_op_field_index(const struct sc_op *op, const char *name)
{
	for (int i = 0; i < SC_MAX_FIELDS && op->fields[i].name; i++)
		if (!strcmp(op->fields[i].name, name))
			return i;
	return -1;
}

int sc_op_output_index(const struct sc_op *op, const char *name)
{
	for (int i = 0; i < SC_MAX_OUTPUTS && op->outputs[i].name; i++)
		if (!strcmp(op->outputs[i].name, name))
			return i;
	return -1;
}
