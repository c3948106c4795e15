// SPDX-License-Identifier: GPL-2.0
/*
 * The access ops of IOMMU_TEST_CMD (uapi-spec 7.5): CREATE_ACCESS and its
 * fd, ACCESS_PAGES, DESTROY_ACCESS_PAGES, ACCESS_RW, ACCESS_REPLACE_IOAS
 * and the syzkaller IOVA encoding, with success and every errno the spec
 * lists.  Pins are observed with MD_CHECK_REFS on IOASes without domains,
 * where only the access pins memory.
 */
#include <stdlib.h>
#include "uapi_util.h"
#include "uapi_suites.h"

#define PAGE	UAPI_PAGE_SIZE
#define BASE	((uint64_t)MOCK_APERTURE_START)
#define MAX_XFER	(16UL * 1024 * 1024)

/* The syzkaller encoding of an IOVA: area number and offset, host order. */
static uint64_t syz_iova(uint32_t nth_area, uint32_t offset)
{
	struct {
		uint32_t nth_area;
		uint32_t offset;
	} syz = { nth_area, offset };
	uint64_t v;

	memcpy(&v, &syz, sizeof(v));
	return v;
}

static void fill(void *buf, size_t len, unsigned char seed)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

/* ---- CREATE_ACCESS ------------------------------------------------------ */

START_TEST(test_access_create)
{
	uint32_t ioas;
	int afd, afd_pin;

	sim_ioas_alloc(&ioas);
	sim_access_create(ioas, 0, &afd);
	sim_access_create(ioas, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES,
			  &afd_pin);
	ck_assert_int_ge(afd, 0);
	ck_assert_int_ne(afd, uf.fd);
	ck_assert_int_ne(afd, afd_pin);
	/* The ACCESS objects follow the IOAS; the driver owns them. */
	sim_err_destroy(EBUSY, ioas + 1);
	sim_err_destroy(EBUSY, ioas + 2);
	sim_err_destroy(EBUSY, ioas);

	sim_err_access_create(EOPNOTSUPP, ioas, 1U << 1, NULL);
	sim_err_access_create(EOPNOTSUPP, ioas, 0x80000000, NULL);
	sim_err_access_create(ENOENT, 999, 0, NULL);
	sim_err_access_create(ENOENT, ioas + 1, 0, NULL);

	/* Closing the fds destroys the accesses and frees the IOAS. */
	sim_close(afd);
	sim_close(afd_pin);
	sim_destroy(ioas);
}
END_TEST

START_TEST(test_access_create_response_fault)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_CREATE_ACCESS,
	};
	uint32_t ioas, id;
	void *ro;
	int afd;

	sim_ioas_alloc(&ioas);
	cmd.id = ioas;
	ro = uapi_ro_copy(&cmd, sizeof(cmd));
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_TEST_CMD, ro));
	uapi_ro_free(ro, sizeof(cmd));
	/* The access, its ID and the fd number were all given back. */
	sim_ioas_alloc(&id);
	ck_assert_uint_eq(id, ioas + 1);
	sim_access_create(ioas, 0, &afd);
	ck_assert_int_eq(afd, uf.fd + 1);
	sim_close(afd);
	sim_destroy(ioas);
}
END_TEST

START_TEST(test_access_outlives_context_fd)
{
	void *buf = uapi_mem(2 * PAGE);
	uint64_t iova;
	uint32_t ioas;
	int afd;

	sim_ioas_alloc(&ioas);
	sim_ioas_map(ioas, buf, 2 * PAGE, &iova, 0);
	sim_access_create(ioas, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd);
	sim_access_pages(afd, iova, 2 * PAGE, buf, 0, NULL);

	/*
	 * The access holds the context: closing its fd first is fine, the
	 * pins stay until the access fd goes.  (A second context serves
	 * MD_CHECK_REFS, which looks at pages only.)
	 */
	sim_close(uf.fd);
	uf.fd = uapi_open_iommufd();
	sim_check_refs(buf, 2 * PAGE, 1);
	sim_close(afd);
	sim_check_refs(buf, 2 * PAGE, 0);
}
END_TEST

/* ---- ACCESS_PAGES / DESTROY_ACCESS_PAGES -------------------------------- */

START_TEST(test_access_pages)
{
	void *buf = uapi_mem(4 * PAGE);
	uint32_t ioas, item0, item1, item2;
	uint64_t iova;
	int afd;

	sim_ioas_alloc(&ioas);
	sim_ioas_map(ioas, buf, 4 * PAGE, &iova, 0);
	sim_access_create(ioas, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd);
	sim_check_refs(buf, 4 * PAGE, 0);

	sim_access_pages(afd, iova, 4 * PAGE, buf, 0, &item0);
	ck_assert_uint_eq(item0, 0);
	sim_check_refs(buf, 4 * PAGE, 1);
	/* Overlapping pins share the pin of each page. */
	sim_access_pages(afd, iova, PAGE, buf, MOCK_FLAGS_ACCESS_WRITE, &item1);
	ck_assert_uint_eq(item1, 1);
	/* uptr 0 skips the page check. */
	sim_access_pages(afd, iova + PAGE, PAGE, NULL, 0, &item2);
	ck_assert_uint_eq(item2, 2);
	sim_check_refs(buf, 4 * PAGE, 1);

	sim_access_pages_destroy(afd, item0);
	sim_check_refs(buf, 2 * PAGE, 1);
	sim_check_refs((char *)buf + 2 * PAGE, 2 * PAGE, 0);
	sim_access_pages_destroy(afd, item1);
	sim_check_refs(buf, PAGE, 0);
	sim_access_pages_destroy(afd, item2);
	sim_check_refs(buf, 4 * PAGE, 0);

	sim_err_access_pages_destroy(ENOENT, afd, item1);
	sim_err_access_pages_destroy(ENOENT, afd, 77);
	sim_err_access_pages_destroy(EBADFD, uf.fd, 0);
	sim_err_access_pages_destroy(EBADFD, 999, 0);

	/* IDs keep counting up. */
	sim_access_pages(afd, iova, PAGE, buf, 0, &item0);
	ck_assert_uint_eq(item0, 3);
	sim_close(afd);
	sim_check_refs(buf, 4 * PAGE, 0);
}
END_TEST

START_TEST(test_access_pages_errors)
{
	void *buf = uapi_mem(4 * PAGE);
	void *ro_buf = uapi_mem(PAGE);
	void *other = uapi_mem(PAGE);
	uint64_t iova, iova_ro;
	int afd, afd_plain;
	uint32_t ioas;

	sim_ioas_alloc(&ioas);
	iova = BASE;
	sim_ioas_map_fixed(ioas, buf, 4 * PAGE, iova);
	iova_ro = BASE + 32 * PAGE;
	sim_ioas_map(ioas, ro_buf, PAGE, &iova_ro,
		     IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE);
	sim_access_create(ioas, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd);
	sim_access_create(ioas, 0, &afd_plain);

	/* An access that did not ask for pins cannot pin. */
	sim_err_access_pages(EOPNOTSUPP, afd_plain, iova, PAGE, buf, 0, NULL);
	sim_err_access_pages(EOPNOTSUPP, afd, iova, PAGE, buf, 1U << 1, NULL);
	sim_err_access_pages(EOPNOTSUPP, afd, iova, PAGE, buf, 1U << 31, NULL);
	sim_err_access_pages(ENOMEM, afd, iova, MAX_XFER + PAGE, buf, 0, NULL);
	sim_err_access_pages(EINVAL, afd, iova, 0, buf, 0, NULL);
	sim_err_access_pages(EOVERFLOW, afd, UINT64_MAX - PAGE + 1, 2 * PAGE,
			     NULL, 0, NULL);
	/* Not mapped, or not entirely. */
	sim_err_access_pages(ENOENT, afd, iova + 64 * PAGE, PAGE, NULL, 0, NULL);
	sim_err_access_pages(ENOENT, afd, iova + 3 * PAGE, 2 * PAGE, NULL, 0,
			     NULL);
	/* Pins start at the first byte of a page. */
	sim_err_access_pages(EINVAL, afd, iova + 100, PAGE, NULL, 0, NULL);
	/* Write pin of a read-only mapping. */
	sim_err_access_pages(EPERM, afd, iova_ro, PAGE, ro_buf,
			     MOCK_FLAGS_ACCESS_WRITE, NULL);
	sim_access_pages(afd, iova_ro, PAGE, ro_buf, 0, NULL);
	/* The pinned pages are not the memory at uptr. */
	sim_err_access_pages(EBADE, afd, iova, PAGE, other, 0, NULL);
	sim_err_access_pages(EBADE, afd, iova, 2 * PAGE, (char *)buf + PAGE, 0,
			     NULL);
	/* Not an access fd. */
	sim_err_access_pages(EBADFD, uf.fd, iova, PAGE, buf, 0, NULL);
	sim_err_access_pages(EBADFD, 999, iova, PAGE, buf, 0, NULL);

	/* Nothing but the one good pin was left behind. */
	sim_check_refs(buf, 4 * PAGE, 0);
	sim_check_refs(ro_buf, PAGE, 1);
}
END_TEST

START_TEST(test_access_unmap_drops_items)
{
	void *buf = uapi_mem(4 * PAGE);
	uint64_t iova, unmapped;
	uint32_t ioas, item;
	int afd;

	sim_ioas_alloc(&ioas);
	sim_ioas_map(ioas, buf, 4 * PAGE, &iova, 0);
	sim_access_create(ioas, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd);
	sim_access_pages(afd, iova + PAGE, 2 * PAGE, (char *)buf + PAGE, 0,
			 &item);
	sim_check_refs((char *)buf + PAGE, 2 * PAGE, 1);

	/* An external pin never blocks unmap: the driver is told to drop it. */
	sim_ioas_unmap(ioas, iova, 4 * PAGE, &unmapped);
	ck_assert_uint_eq(unmapped, 4 * PAGE);
	sim_check_refs(buf, 4 * PAGE, 0);
	sim_err_access_pages_destroy(ENOENT, afd, item);
	sim_err_access_pages(ENOENT, afd, iova, PAGE, NULL, 0, NULL);
}
END_TEST

START_TEST(test_access_close_unpins)
{
	void *buf = uapi_mem(4 * PAGE);
	uint64_t iova;
	uint32_t ioas;
	int afd;

	sim_ioas_alloc(&ioas);
	sim_ioas_map(ioas, buf, 4 * PAGE, &iova, 0);
	sim_access_create(ioas, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd);
	sim_access_pages(afd, iova, 2 * PAGE, buf, 0, NULL);
	sim_access_pages(afd, iova + 2 * PAGE, 2 * PAGE, (char *)buf + 2 * PAGE,
			 MOCK_FLAGS_ACCESS_WRITE, NULL);
	sim_check_refs(buf, 4 * PAGE, 1);
	sim_err_destroy(EBUSY, ioas);

	sim_close(afd);
	sim_check_refs(buf, 4 * PAGE, 0);
	sim_destroy(ioas);
}
END_TEST

/* ---- ACCESS_RW ----------------------------------------------------------- */

static void access_rw_roundtrip(int afd, void *buf, uint64_t iova)
{
	unsigned char in[300], out[300];

	/* Across the page boundary, user -> IOVA, then IOVA -> user. */
	fill(in, sizeof(in), 0x31);
	sim_access_rw(afd, iova + PAGE - 100, in, sizeof(in),
		      MOCK_ACCESS_RW_WRITE);
	ck_assert_mem_eq((char *)buf + PAGE - 100, in, sizeof(in));
	memset(out, 0, sizeof(out));
	sim_access_rw(afd, iova + PAGE - 100, out, sizeof(out), 0);
	ck_assert_mem_eq(out, in, sizeof(in));
	memset(out, 0, sizeof(out));
	sim_access_rw(afd, iova + PAGE - 100, out, sizeof(out),
		      MOCK_ACCESS_RW_SLOW_PATH);
	ck_assert_mem_eq(out, in, sizeof(in));
	/* Memory written by the user is what the access reads. */
	fill(buf, 64, 0x77);
	sim_access_rw(afd, iova, out, 64, 0);
	ck_assert_mem_eq(out, buf, 64);
}

START_TEST(test_access_rw)
{
	const struct iommufd_sim_mem_opts ro = { .readonly = true };
	void *buf = uapi_mem(2 * PAGE);
	void *ro_buf = uapi_mem(PAGE);
	void *ro_user = uapi_mem_opts(PAGE, &ro);
	unsigned char tmp[64];
	uint64_t iova, iova_ro;
	int afd, afd_pin;
	uint32_t ioas;

	sim_ioas_alloc(&ioas);
	iova = BASE;
	sim_ioas_map_fixed(ioas, buf, 2 * PAGE, iova);
	iova_ro = BASE + 32 * PAGE;
	sim_ioas_map(ioas, ro_buf, PAGE, &iova_ro,
		     IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE);
	sim_access_create(ioas, 0, &afd);
	sim_access_create(ioas, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES,
			  &afd_pin);

	/* Both kinds of access can copy. */
	access_rw_roundtrip(afd, buf, iova);
	access_rw_roundtrip(afd_pin, buf, iova);

	sim_err_access_rw(EOPNOTSUPP, afd, iova, tmp, 8, 1U << 1);
	sim_err_access_rw(EOPNOTSUPP, afd, iova, tmp, 8, 1U << 3);
	sim_err_access_rw(ENOMEM, afd, iova, tmp, MAX_XFER + 1, 0);
	sim_err_access_rw(EINVAL, afd, iova, tmp, 0, 0);
	/* Not mapped, or not entirely. */
	sim_err_access_rw(ENOENT, afd, iova + 64 * PAGE, tmp, 8, 0);
	sim_err_access_rw(ENOENT, afd, iova + 2 * PAGE - 4, tmp, 8, 0);
	/* Writing through a read-only mapping; reading it is fine. */
	sim_err_access_rw(EPERM, afd, iova_ro, tmp, 8, MOCK_ACCESS_RW_WRITE);
	sim_access_rw(afd, iova_ro, tmp, 8, 0);
	/* User memory that cannot be read or written. */
	sim_err_access_rw(EFAULT, afd, iova, (void *)8, 8, MOCK_ACCESS_RW_WRITE);
	sim_err_access_rw(EFAULT, afd, iova, ro_user, 8, 0);
	sim_access_rw(afd, iova, ro_user, 8, MOCK_ACCESS_RW_WRITE);
	/* Not an access fd. */
	sim_err_access_rw(EBADFD, uf.fd, iova, tmp, 8, 0);
	sim_err_access_rw(EBADFD, 999, iova, tmp, 8, 0);
}
END_TEST

/* ---- ACCESS_REPLACE_IOAS --------------------------------------------------- */

START_TEST(test_access_replace_ioas)
{
	void *buf1 = uapi_mem(2 * PAGE);
	void *buf2 = uapi_mem(2 * PAGE);
	uint32_t ioas1, ioas2, item;
	unsigned char out[16];
	int afd;

	sim_ioas_alloc(&ioas1);
	sim_ioas_alloc(&ioas2);
	sim_ioas_map_fixed(ioas1, buf1, 2 * PAGE, BASE);
	sim_ioas_map_fixed(ioas2, buf2, 2 * PAGE, BASE);
	fill(buf1, 16, 1);
	fill(buf2, 16, 2);
	sim_access_create(ioas1, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd);
	sim_access_pages(afd, BASE, 2 * PAGE, buf1, 0, &item);
	sim_check_refs(buf1, 2 * PAGE, 1);

	/* The move drops every pin of the old IOAS through the callback. */
	sim_access_replace_ioas(afd, ioas2);
	sim_check_refs(buf1, 2 * PAGE, 0);
	sim_err_access_pages_destroy(ENOENT, afd, item);
	sim_destroy(ioas1);
	sim_err_destroy(EBUSY, ioas2);

	/* New pins and copies go to the new IOAS. */
	sim_err_access_pages(EBADE, afd, BASE, PAGE, buf1, 0, NULL);
	sim_access_pages(afd, BASE, 2 * PAGE, buf2, 0, &item);
	sim_access_rw(afd, BASE, out, sizeof(out), 0);
	ck_assert_mem_eq(out, buf2, sizeof(out));

	/* A missing IOAS: nothing changes, the pins stay. */
	sim_err_access_replace_ioas(ENOENT, afd, 999);
	sim_err_access_replace_ioas(ENOENT, afd, ioas1);
	sim_check_refs(buf2, 2 * PAGE, 1);
	/* The same IOAS again is a no-op that keeps the pins. */
	sim_access_replace_ioas(afd, ioas2);
	sim_check_refs(buf2, 2 * PAGE, 1);
	sim_access_pages_destroy(afd, item);

	sim_err_access_replace_ioas(EBADFD, uf.fd, ioas2);
	sim_err_access_replace_ioas(EBADFD, 999, ioas2);
}
END_TEST

START_TEST(test_access_replace_ioas_failure_keeps_old)
{
	void *buf = uapi_mem(2 * PAGE);
	void *odd = uapi_mem(PAGE);
	uint32_t ioas1, ioas2, item;
	int afd;

	sim_ioas_alloc(&ioas1);
	sim_ioas_alloc(&ioas2);
	sim_ioas_map_fixed(ioas1, buf, 2 * PAGE, BASE);
	/* Without domains IOAS alignment is 1: a mapping off a page start. */
	sim_ioas_map_fixed(ioas2, odd, PAGE, BASE + 512);

	sim_access_create(ioas1, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd);
	sim_access_pages(afd, BASE, 2 * PAGE, buf, 0, &item);

	/* A pinning access needs PAGE_SIZE alignment, which ioas2 refuses. */
	sim_err_access_replace_ioas(EADDRINUSE, afd, ioas2);
	/* No unmap was delivered: the old attachment and pins are intact. */
	sim_check_refs(buf, 2 * PAGE, 1);
	sim_access_pages(afd, BASE + PAGE, PAGE, (char *)buf + PAGE, 0, NULL);
	sim_access_pages_destroy(afd, item);
	sim_err_destroy(EBUSY, ioas1);
	sim_destroy(ioas2);

	/* Creating one there fails the same way. */
	sim_ioas_alloc(&ioas2);
	sim_ioas_map_fixed(ioas2, odd, PAGE, BASE + 512);
	sim_err_access_create(EADDRINUSE, ioas2,
			      MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, NULL);
	/* An access that does not pin needs no alignment. */
	sim_access_create(ioas2, 0, NULL);
}
END_TEST

/* ---- MOCK_FLAGS_ACCESS_SYZ ---------------------------------------------- */

START_TEST(test_access_syz)
{
	void *buf1 = uapi_mem(PAGE);
	void *buf2 = uapi_mem(2 * PAGE);
	unsigned char out[16];
	uint32_t ioas, ioas2;
	int afd, afd2;

	sim_ioas_alloc(&ioas);
	/* Area 0 and area 1, in IOVA order. */
	sim_ioas_map_fixed(ioas, buf1, PAGE, BASE);
	sim_ioas_map_fixed(ioas, buf2, 2 * PAGE, BASE + 16 * PAGE);
	fill(buf1, PAGE, 3);
	fill(buf2, 2 * PAGE, 4);
	sim_access_create(ioas, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd);

	/* The uptr check proves which memory got pinned. */
	sim_access_pages(afd, syz_iova(1, 0), 2 * PAGE, buf2,
			 MOCK_FLAGS_ACCESS_SYZ, NULL);
	sim_access_pages(afd, syz_iova(1, PAGE), PAGE, (char *)buf2 + PAGE,
			 MOCK_FLAGS_ACCESS_SYZ, NULL);
	sim_err_access_pages(EBADE, afd, syz_iova(0, 0), PAGE, buf2,
			     MOCK_FLAGS_ACCESS_SYZ, NULL);
	/* No such area: IOVA 0, which is not mapped. */
	sim_err_access_pages(ENOENT, afd, syz_iova(2, 0), PAGE, NULL,
			     MOCK_FLAGS_ACCESS_SYZ, NULL);

	sim_access_rw(afd, syz_iova(0, 16), out, sizeof(out),
		      MOCK_FLAGS_ACCESS_SYZ);
	ck_assert_mem_eq(out, (char *)buf1 + 16, sizeof(out));
	sim_access_rw(afd, syz_iova(1, PAGE + 8), out, sizeof(out),
		      MOCK_FLAGS_ACCESS_SYZ | MOCK_ACCESS_RW_SLOW_PATH);
	ck_assert_mem_eq(out, (char *)buf2 + PAGE + 8, sizeof(out));

	/* IOAS_COPY takes the encoding for its source IOVA. */
	sim_ioas_alloc(&ioas2);
	sim_ioas_copy(ioas2, BASE, ioas, syz_iova(1, 0), 2 * PAGE,
		      IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			      IOMMU_IOAS_MAP_WRITEABLE | MOCK_FLAGS_ACCESS_SYZ);
	sim_access_create(ioas2, 0, &afd2);
	sim_access_rw(afd2, BASE + 32, out, sizeof(out), 0);
	ck_assert_mem_eq(out, (char *)buf2 + 32, sizeof(out));
}
END_TEST

Suite *access_suite(void)
{
	Suite *s = suite_create("access");
	TCase *tc = uapi_tcase("access");

	tcase_add_test(tc, test_access_create);
	tcase_add_test(tc, test_access_create_response_fault);
	tcase_add_test(tc, test_access_outlives_context_fd);
	tcase_add_test(tc, test_access_pages);
	tcase_add_test(tc, test_access_pages_errors);
	tcase_add_test(tc, test_access_unmap_drops_items);
	tcase_add_test(tc, test_access_close_unpins);
	tcase_add_test(tc, test_access_rw);
	tcase_add_test(tc, test_access_replace_ioas);
	tcase_add_test(tc, test_access_replace_ioas_failure_keeps_old);
	tcase_add_test(tc, test_access_syz);
	suite_add_tcase(s, tc);
	return s;
}
