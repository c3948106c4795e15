// SPDX-License-Identifier: GPL-2.0
/*
 * ops_test.c - IOMMU_TEST_CMD, the test uAPI of CONFIG_IOMMUFD_TEST, one
 * executor per op.  Mock devices are named by their SELFTEST object ID,
 * except where the ABI takes a DEVICE ID (the table marks those fields).
 */
#include <glib.h>		/* before kernel headers: they define noinline */
#include <errno.h>
#include <string.h>
#include <uapi/linux/iommufd.h>
#include <iommufd_sim.h>
#include <iommufd_test.h>
#include "ops.h"

static int test_cmd(struct sc_exec *x, uint32_t op, uint32_t id,
		    struct iommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	cmd->op = op;
	cmd->id = id;
	return sc_ioctl(x, IOMMU_TEST_CMD, cmd);
}

/* A HWPT field that may also name a mock device (its current HWPT). */
static uint32_t hwpt_id(struct sc_exec *x, const char *name)
{
	int hi;

	if (sc_handle_arg(x, name, &hi) &&
	    ((struct sc_handle *)g_ptr_array_index(x->run->sc->handles, hi))->type ==
	    SC_H_MOCKDEV && sc_arg(x, name)->expr->kind == SC_E_HANDLE)
		return x->run->h[hi].v[2];
	return sc_id(x, name);
}

static uint64_t buf_addr(struct sc_exec *x)
{
	struct sc_rt_handle *b = sc_handle_arg(x, "buf", NULL);

	return b ? b->v[0] + sc_num(x, "offset") : 0;
}

int sc_x_mock_domain(struct sc_exec *x)
{
	uint64_t f = sc_num(x, "flags");
	struct iommu_test_cmd cmd = { 0 };
	uint32_t op = IOMMU_TEST_OP_MOCK_DOMAIN;
	int rc;

	if (sc_has(x, "flags")) {
		op = IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS;
		if (f & 1)
			cmd.mock_domain_flags.dev_flags |= MOCK_FLAGS_DEVICE_NO_DIRTY;
		if (f & 2)
			cmd.mock_domain_flags.dev_flags |= MOCK_FLAGS_DEVICE_HUGE_IOVA;
		if (f & 4)
			cmd.mock_domain_flags.dev_flags |= MOCK_FLAGS_DEVICE_PASID;
	}
	rc = test_cmd(x, op, sc_id(x, "pt"), &cmd);
	if (!rc) {
		struct sc_rt_handle *h = sc_new_handle(x);

		h->v[0] = cmd.mock_domain.out_stdev_id;
		h->v[1] = cmd.mock_domain.out_idev_id;
		h->v[2] = cmd.mock_domain.out_hwpt_id;
	}
	return rc;
}

int sc_x_mock_domain_replace(struct sc_exec *x)
{
	struct iommu_test_cmd cmd = {
		.mock_domain_replace.pt_id = sc_id(x, "pt"),
	};
	int di, rc;

	rc = test_cmd(x, IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, sc_id(x, "dev"), &cmd);
	if (!rc) {
		sc_out_num(x, "hwpt", cmd.mock_domain_replace.pt_id);
		if (sc_handle_arg(x, "dev", &di) &&
		    sc_arg(x, "dev")->expr->kind == SC_E_HANDLE)
			x->run->h[di].v[2] = cmd.mock_domain_replace.pt_id;
	}
	return rc;
}

int sc_x_add_reserved(struct sc_exec *x)
{
	struct iommu_test_cmd cmd = {
		.add_reserved.start = sc_num(x, "start"),
		.add_reserved.length = sc_num(x, "length"),
	};

	return test_cmd(x, IOMMU_TEST_OP_ADD_RESERVED, sc_id(x, "ioas"), &cmd);
}

int sc_x_check_map(struct sc_exec *x)
{
	struct iommu_test_cmd cmd = {
		.check_map.iova = sc_num(x, "iova"),
		.check_map.length = sc_num(x, "length"),
		.check_map.uptr = buf_addr(x),
	};

	return test_cmd(x, IOMMU_TEST_OP_MD_CHECK_MAP, hwpt_id(x, "hwpt"), &cmd);
}

int sc_x_check_refs(struct sc_exec *x)
{
	struct iommu_test_cmd cmd = {
		.check_refs.length = sc_num(x, "length"),
		.check_refs.uptr = buf_addr(x),
		.check_refs.refs = sc_num(x, "refs"),
	};

	return test_cmd(x, IOMMU_TEST_OP_MD_CHECK_REFS, 0, &cmd);
}

int sc_x_check_iotlb(struct sc_exec *x)
{
	struct iommu_test_cmd cmd = {
		.check_iotlb.id = sc_num(x, "id"),
		.check_iotlb.iotlb = sc_num(x, "value"),
	};

	return test_cmd(x, IOMMU_TEST_OP_MD_CHECK_IOTLB, sc_id(x, "hwpt"), &cmd);
}

int sc_x_check_dev_cache(struct sc_exec *x)
{
	struct iommu_test_cmd cmd = {
		.check_dev_cache.id = sc_num(x, "id"),
		.check_dev_cache.cache = sc_num(x, "value"),
	};

	return test_cmd(x, IOMMU_TEST_OP_DEV_CHECK_CACHE, sc_id(x, "dev"), &cmd);
}

int sc_x_access_create(struct sc_exec *x)
{
	struct iommu_test_cmd cmd = {
		.create_access.flags = sc_has(x, "needs_pin_pages") ?
				MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES : 0,
	};
	int rc = test_cmd(x, IOMMU_TEST_OP_CREATE_ACCESS, sc_id(x, "ioas"), &cmd);

	if (!rc)
		sc_new_handle(x)->v[0] = cmd.create_access.out_access_fd;
	return rc;
}

int sc_x_access_pages(struct sc_exec *x)
{
	struct sc_rt_handle *a = sc_handle_arg(x, "access", NULL);
	struct iommu_test_cmd cmd = {
		.access_pages.flags = sc_has(x, "write") ? MOCK_FLAGS_ACCESS_WRITE : 0,
		.access_pages.iova = sc_num(x, "iova"),
		.access_pages.length = sc_num(x, "length"),
		.access_pages.uptr = buf_addr(x),
	};
	int rc = test_cmd(x, IOMMU_TEST_OP_ACCESS_PAGES, a->v[0], &cmd);

	if (!rc) {
		struct sc_rt_handle *h = sc_new_handle(x);

		h->v[0] = cmd.access_pages.out_access_pages_id;
		h->v[1] = cmd.access_pages.iova;
		h->v[2] = cmd.access_pages.length;
		h->v[3] = a->v[0];	/* the access fd */
	}
	return rc;
}

int sc_x_access_unpin(struct sc_exec *x)
{
	struct sc_rt_handle *item = sc_handle_arg(x, "item", NULL);
	struct iommu_test_cmd cmd = {
		.destroy_access_pages.access_pages_id = item->v[0],
	};

	return test_cmd(x, IOMMU_TEST_OP_DESTROY_ACCESS_PAGES, item->v[3], &cmd);
}

int sc_x_access_rw(struct sc_exec *x)
{
	struct sc_rt_handle *a = sc_handle_arg(x, "access", NULL);
	const struct sc_arg *data = sc_arg(x, "data");
	bool write = sc_has(x, "write");
	size_t len;
	guint8 *buf;
	struct iommu_test_cmd cmd = { 0 };
	int rc;

	if (write && !data->set)
		return sc_error(x, "access_rw: a write needs data=");
	len = sc_has(x, "length") ? sc_num(x, "length") :
	      data->set ? data->bytes->len : 0;
	if (!len || len > (16u << 20))
		return sc_error(x, "access_rw: give length= (1 byte to 16M)");
	buf = g_malloc0(len);
	if (write)
		memcpy(buf, data->bytes->data, MIN(len, (size_t)data->bytes->len));
	cmd.access_rw.iova = sc_num(x, "iova");
	cmd.access_rw.length = len;
	cmd.access_rw.uptr = (uintptr_t)buf;
	cmd.access_rw.flags = (write ? MOCK_ACCESS_RW_WRITE : 0) |
			      (sc_has(x, "slow") ? MOCK_ACCESS_RW_SLOW_PATH : 0);
	rc = test_cmd(x, IOMMU_TEST_OP_ACCESS_RW, a->v[0], &cmd);
	if (!rc && !write)
		sc_out_bytes(x, "data", buf, len);
	g_free(buf);
	return rc;
}

int sc_x_access_replace(struct sc_exec *x)
{
	struct sc_rt_handle *a = sc_handle_arg(x, "access", NULL);
	struct iommu_test_cmd cmd = {
		.access_replace_ioas.ioas_id = sc_id(x, "ioas"),
	};

	return test_cmd(x, IOMMU_TEST_OP_ACCESS_REPLACE_IOAS, a->v[0], &cmd);
}

int sc_x_temp_memory_limit(struct sc_exec *x)
{
	struct iommu_test_cmd cmd = {
		.memory_limit.limit = sc_num(x, "bytes"),
	};

	return test_cmd(x, IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT, 0, &cmd);
}

int sc_x_dirty(struct sc_exec *x)
{
	const GArray *bits = sc_arg(x, "bits")->list;
	uint64_t length = sc_num(x, "length");
	uint64_t psize = sc_num_or(x, "page_size", 4096);
	uint64_t nbits = psize ? length / psize : 0;
	size_t bytes = (nbits + 63) / 64 * 8;
	struct iommu_test_cmd cmd = { 0 };
	uint64_t *bitmap;
	int rc;

	if (bytes > (16u << 20))
		return sc_error(x, "dirty: a bitmap of %zu bytes is more than a scenario writes",
				bytes);
	bitmap = g_malloc0(MAX(bytes, (size_t)8));
	for (unsigned int i = 0; i < bits->len; i++) {
		uint64_t b = g_array_index(bits, uint64_t, i);

		if (b == SC_ALL) {
			for (uint64_t k = 0; k < nbits; k++)
				bitmap[k / 64] |= 1ull << (k % 64);
		} else if (b < nbits) {
			bitmap[b / 64] |= 1ull << (b % 64);
		} else {
			g_free(bitmap);
			return sc_error(x, "dirty: bit %" G_GUINT64_FORMAT " is past the range (%" G_GUINT64_FORMAT " pages)",
					b, nbits);
		}
	}
	cmd.dirty.iova = sc_num(x, "iova");
	cmd.dirty.length = length;
	cmd.dirty.page_size = psize;
	cmd.dirty.uptr = (uintptr_t)bitmap;
	rc = test_cmd(x, IOMMU_TEST_OP_DIRTY, hwpt_id(x, "hwpt"), &cmd);
	if (!rc)
		sc_out_num(x, "count", cmd.dirty.out_nr_dirty);
	g_free(bitmap);
	return rc;
}

int sc_x_trigger_iopf(struct sc_exec *x)
{
	uint64_t p = sc_has(x, "perm") ? sc_num(x, "perm") : 1;
	struct iommu_test_cmd cmd = {
		.trigger_iopf.dev_id = sc_id(x, "dev"),
		.trigger_iopf.pasid = sc_num(x, "pasid"),
		.trigger_iopf.grpid = sc_num(x, "group"),
		.trigger_iopf.addr = sc_num(x, "addr"),
	};

	if (p & 1)
		cmd.trigger_iopf.perm |= IOMMU_PGFAULT_PERM_READ;
	if (p & 2)
		cmd.trigger_iopf.perm |= IOMMU_PGFAULT_PERM_WRITE;
	if (p & 4)
		cmd.trigger_iopf.perm |= IOMMU_PGFAULT_PERM_EXEC;
	if (p & 8)
		cmd.trigger_iopf.perm |= IOMMU_PGFAULT_PERM_PRIV;
	return test_cmd(x, IOMMU_TEST_OP_TRIGGER_IOPF, 0, &cmd);
}

int sc_x_trigger_vevent(struct sc_exec *x)
{
	struct iommu_test_cmd cmd = {
		.trigger_vevent.dev_id = sc_id(x, "dev"),
	};

	return test_cmd(x, IOMMU_TEST_OP_TRIGGER_VEVENT, 0, &cmd);
}

int sc_x_pasid_attach(struct sc_exec *x)
{
	struct iommu_test_cmd cmd = {
		.pasid_attach.pasid = sc_num(x, "pasid"),
		.pasid_attach.pt_id = sc_id(x, "pt"),
	};
	int rc = test_cmd(x, IOMMU_TEST_OP_PASID_ATTACH, sc_id(x, "dev"), &cmd);

	if (!rc)
		sc_out_num(x, "hwpt", cmd.pasid_attach.pt_id);
	return rc;
}

int sc_x_pasid_replace(struct sc_exec *x)
{
	struct iommu_test_cmd cmd = {
		.pasid_replace.pasid = sc_num(x, "pasid"),
		.pasid_replace.pt_id = sc_id(x, "pt"),
	};
	int rc = test_cmd(x, IOMMU_TEST_OP_PASID_REPLACE, sc_id(x, "dev"), &cmd);

	if (!rc)
		sc_out_num(x, "hwpt", cmd.pasid_replace.pt_id);
	return rc;
}

int sc_x_pasid_detach(struct sc_exec *x)
{
	struct iommu_test_cmd cmd = {
		.pasid_detach.pasid = sc_num(x, "pasid"),
	};

	return test_cmd(x, IOMMU_TEST_OP_PASID_DETACH, sc_id(x, "dev"), &cmd);
}

int sc_x_pasid_check(struct sc_exec *x)
{
	struct iommu_test_cmd cmd = {
		.pasid_check.pasid = sc_num(x, "pasid"),
		.pasid_check.hwpt_id = sc_id(x, "pt"),
	};

	return test_cmd(x, IOMMU_TEST_OP_PASID_CHECK_HWPT, sc_id(x, "dev"), &cmd);
}
