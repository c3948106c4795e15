// SPDX-License-Identifier: GPL-2.0
/*
 * ops_user.c - what a user program does besides ioctls: processes,
 * descriptors, buffers and memfds, writing and unmapping its memory,
 * letting stalled faults go, and looking at its own bytes.
 *
 * Buffer contents are read and written through the simulator's direct map
 * of the buffer's frames (the same memory the user's mapping shows), so
 * that neither a read-only mapping nor a fault plan gets in the way of the
 * scenario describing what the user stored.
 */
#include <glib.h>		/* before kernel headers: they define noinline */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <linux/capability.h>
#include <linux/mm.h>
#include <kshim/umem.h>
#include <iommufd_sim.h>
#include "kernel_ops.h"
#include "ops.h"

int sc_x_process(struct sc_exec *x)
{
	const struct sc_handle *hd = g_ptr_array_index(x->run->sc->handles,
						       x->st->handle);
	static const int caps[] = { CAP_IPC_LOCK, CAP_SYS_RESOURCE,
				    CAP_SYS_RAWIO };
	struct iommufd_sim_proc_opts o = {
		.name = hd->name,
		.uid = sc_num(x, "uid"),
		.root = sc_has(x, "root"),
		.memlock_bytes = sc_num(x, "memlock"),
	};
	uint64_t mask = sc_num(x, "caps");
	struct sc_rt_handle *h;

	for (unsigned int i = 0; i < G_N_ELEMENTS(caps); i++)
		if (mask & (1ull << i))
			o.caps |= 1ull << caps[i];
	h = sc_new_handle(x);
	h->ptr = iommufd_sim_proc_create(x->run->sim, &o);
	h->proc = h->ptr;
	if (!h->ptr) {
		h->live = false;
		return -errno;
	}
	return 0;
}

int sc_x_open(struct sc_exec *x)
{
	const char *path = sc_has(x, "path") ? sc_arg(x, "path")->str :
					       "/dev/iommu";
	struct sc_rt_handle *h;
	int fd;

	fd = iommufd_sim_open(x->proc, path, O_RDWR);
	if (fd < 0)
		return -errno;
	h = sc_new_handle(x);
	h->v[0] = fd;
	h->ptr = sc_kernel_ctx_of(x->proc, fd);
	return 0;
}

int sc_x_close(struct sc_exec *x)
{
	int i;
	struct sc_rt_handle *h = sc_handle_arg(x, "fd", &i);
	const struct sc_handle *hd = g_ptr_array_index(x->run->sc->handles, i);
	int fd = h->v[sc_htypes[hd->type].fd_slot];
	int rc;

	rc = sc_sys(iommufd_sim_close(x->proc, fd));
	if (!rc) {
		h->closed = true;
		if (hd->type == SC_H_IOMMUFD)
			h->ptr = NULL;	/* the context may be gone */
	}
	return rc;
}

static bool range_unmapped(struct sc_rt_handle *b, uint64_t off, uint64_t len)
{
	for (unsigned int i = 0; b->unmapped && i < b->unmapped->len; i += 2) {
		uint64_t s = g_array_index(b->unmapped, uint64_t, i);
		uint64_t l = g_array_index(b->unmapped, uint64_t, i + 1);

		if (off < s + l && s < off + len)
			return true;
	}
	return false;
}

/* Copy to or from a buffer's frames through the direct map. */
static void frames_copy(struct sc_rt_handle *b, uint64_t off, void *data,
			size_t len, bool to_buffer)
{
	/* An mmap of a driver region is its frames' direct map already. */
	if (!b->ptr) {
		char *va = (char *)(uintptr_t)b->v[0] + off;

		if (to_buffer)
			memcpy(va, data, len);
		else
			memcpy(data, va, len);
		return;
	}
	while (len) {
		struct page *page = kshim_umem_frame(b->ptr, off / PAGE_SIZE);
		size_t in = off % PAGE_SIZE, n = MIN(len, PAGE_SIZE - in);
		char *va = (char *)page_address(page) + in;

		if (to_buffer)
			memcpy(va, data, n);
		else
			memcpy(data, va, n);
		off += n;
		data = (char *)data + n;
		len -= n;
	}
}

static int check_range(struct sc_exec *x, struct sc_rt_handle *b,
		       uint64_t off, uint64_t len)
{
	if (!len || off + len > b->v[1] || off + len < off)
		return sc_error(x, "%s: [%#" G_GINT64_MODIFIER "x, +%#" G_GINT64_MODIFIER "x) is outside the buffer (size %#" G_GINT64_MODIFIER "x)",
				x->st->op->name, off, len, b->v[1]);
	return 0;
}

int sc_x_buffer(struct sc_exec *x)
{
	static const enum iommufd_sim_placement placements[] = {
		IOMMUFD_SIM_SCATTERED, IOMMUFD_SIM_CONTIGUOUS,
		IOMMUFD_SIM_CHUNK_2M,
	};
	struct iommufd_sim_mem_opts o = {
		.placement = placements[sc_num(x, "placement")],
		.readonly = sc_has(x, "readonly"),
	};
	uint64_t size = sc_num(x, "size");
	struct sc_rt_handle *h;
	struct kshim_umem *um;
	void *addr;

	if (!size || size > (1ull << 32))
		return sc_error(x, "buffer: size must be 1 byte to 4G");
	addr = iommufd_sim_mem_alloc(x->proc, size, &o);
	if (!addr)
		return -errno;
	um = iommufd_sim_mem_umem(x->proc, addr);
	h = sc_new_handle(x);
	h->v[0] = (uintptr_t)addr;
	h->v[1] = size;
	h->ptr = um;
	h->readonly = o.readonly;
	h->unmapped = g_array_new(FALSE, FALSE, sizeof(uint64_t));

	if (sc_has(x, "fill")) {
		uint64_t fill = sc_num(x, "fill");
		guint8 *bytes = g_malloc(size);

		if (fill == 0x100) {
			for (uint64_t i = 0; i < size; i++)
				bytes[i] = i % 251;
		} else {
			memset(bytes, fill, size);
		}
		frames_copy(h, 0, bytes, size, true);
		g_free(bytes);
	}
	for (int k = 0; k < 2; k++) {
		const struct sc_arg *a = sc_arg(x, k ? "fail" : "stall");

		if (!a->set)
			continue;
		for (unsigned int i = 0; i < a->list->len; i += 2) {
			uint64_t off = g_array_index(a->list, uint64_t, i);
			uint64_t len = g_array_index(a->list, uint64_t, i + 1);

			if (len == SC_ALL)
				len = size - MIN(off, size);
			if (off + len > size || !len)
				return sc_error(x, "buffer: %s range %#" G_GINT64_MODIFIER "x+%#" G_GINT64_MODIFIER "x is outside the buffer",
						k ? "fail" : "stall", off, len);
			kshim_fault_plan_set(um, off, len,
					     k ? KSHIM_FAULT_FAIL : KSHIM_FAULT_STALL);
		}
	}
	return 0;
}

int sc_x_memfd(struct sc_exec *x)
{
	uint64_t size = sc_num(x, "size");
	struct sc_rt_handle *h;
	int fd;

	fd = iommufd_sim_memfd(x->proc, size);
	if (fd < 0)
		return -errno;
	h = sc_new_handle(x);
	h->v[0] = fd;
	h->v[1] = size;
	return 0;
}

int sc_x_munmap(struct sc_exec *x)
{
	struct sc_rt_handle *b = sc_handle_arg(x, "buf", NULL);
	uint64_t off = sc_num(x, "offset");
	uint64_t len = sc_num_or(x, "length", b->v[1] - MIN(off, b->v[1]));
	int rc;

	rc = sc_sys(iommufd_sim_munmap(x->proc, (void *)(uintptr_t)(b->v[0] + off),
				       len));
	if (!rc) {
		g_array_append_val(b->unmapped, off);
		g_array_append_val(b->unmapped, len);
	}
	return rc;
}

int sc_x_write(struct sc_exec *x)
{
	struct sc_rt_handle *b = sc_handle_arg(x, "buf", NULL);
	const GByteArray *data = sc_arg(x, "data")->bytes;
	uint64_t off = sc_num(x, "offset");
	int rc = check_range(x, b, off, data->len);

	if (rc)
		return rc;
	if (b->readonly)
		return sc_error(x, "write: the memory is read-only (a 'readonly' buffer, or an mmap without prot=write)");
	if (range_unmapped(b, off, data->len))
		return sc_error(x, "write: the user unmapped that part of the buffer");
	frames_copy(b, off, data->data, data->len, true);
	return 0;
}

int sc_x_release(struct sc_exec *x)
{
	struct sc_rt_handle *b = sc_handle_arg(x, "buf", NULL);
	uint64_t off = sc_num(x, "offset");
	uint64_t len = sc_num_or(x, "length", b->v[1] - MIN(off, b->v[1]));

	kshim_fault_release(b->ptr, off, len);
	return 0;
}

int sc_x_expect_bytes(struct sc_exec *x)
{
	struct sc_rt_handle *b = sc_handle_arg(x, "buf", NULL);
	const GByteArray *want = sc_arg(x, "data")->bytes;
	uint64_t off = sc_num(x, "offset");
	guint8 *have;
	int rc = check_range(x, b, off, want->len);

	if (rc)
		return rc;
	if (range_unmapped(b, off, want->len))
		return sc_error(x, "expect bytes: the user unmapped that part of the buffer");
	have = g_malloc(want->len);
	frames_copy(b, off, have, want->len, false);
	if (memcmp(have, want->data, want->len)) {
		size_t first = 0;
		char *w, *h;

		while (have[first] == want->data[first])
			first++;
		w = sc_format_bytes(want->data + first,
				    MIN(want->len - first, (size_t)32));
		h = sc_format_bytes(have + first, MIN(want->len - first, (size_t)32));
		rc = sc_assert_fail(x, "expect bytes: at offset %#" G_GINT64_MODIFIER "x expected %s, got %s",
				    off + first, w, h);
		g_free(w);
		g_free(h);
	}
	g_free(have);
	return rc;
}
