// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_FAULT_QUEUE_ALLOC and the fault fd (uapi-spec 3.17, 5.1): page
 * requests raised with TRIGGER_IOPF on fault-capable HWPTs, read as whole
 * groups of 40-byte records, answered with 8-byte responses, poll, the
 * automatic INVALID answers on detach and replace, and the lifetimes of
 * the FAULT object, its fd and the context.
 */
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include "uapi_util.h"
#include "uapi_suites.h"

#define REC	sizeof(struct iommu_hwpt_pgfault)
#define RSP	sizeof(struct iommu_hwpt_page_response)
#define PERM_RW	(IOMMU_PGFAULT_PERM_READ | IOMMU_PGFAULT_PERM_WRITE)

struct fault_env {
	uint32_t ioas;
	uint32_t stdev;
	uint32_t idev;
	uint32_t fault_id;
	int fault_fd;
	uint32_t parent;	/* nested only */
	uint32_t hwpt;		/* the fault-capable HWPT the device is on */
};

/*
 * A mock device attached to a HWPT that reports to a FAULT object: a
 * nested HWPT over a NEST_PARENT one (what every kernel since 6.11
 * accepts) or, with @paging, a paging HWPT (newer kernels).
 */
static void fault_env_setup(struct fault_env *e, bool paging)
{
	uint32_t pt;

	memset(e, 0, sizeof(*e));
	sim_ioas_alloc(&e->ioas);
	sim_mock_domain(e->ioas, &e->stdev, NULL, &e->idev);
	sim_fault_alloc(&e->fault_id, &e->fault_fd);
	if (paging) {
		sim_hwpt_alloc(e->idev, e->ioas, IOMMU_HWPT_FAULT_ID_VALID,
			       e->fault_id, IOMMU_HWPT_DATA_NONE, NULL, 0,
			       &e->hwpt);
	} else {
		sim_hwpt_alloc_paging(e->idev, e->ioas,
				      IOMMU_HWPT_ALLOC_NEST_PARENT, &e->parent);
		sim_hwpt_alloc_nested(e->idev, e->parent,
				      IOMMU_HWPT_FAULT_ID_VALID, e->fault_id,
				      IOMMU_TEST_IOTLB_DEFAULT, &e->hwpt);
	}
	pt = e->hwpt;
	sim_mock_domain_replace(e->stdev, &pt);
	ck_assert_uint_eq(pt, e->hwpt);
}

static long respond(int fd, uint32_t cookie, uint32_t code)
{
	struct iommu_hwpt_page_response rsp = { .cookie = cookie, .code = code };

	return _sim_write(fd, &rsp, sizeof(rsp));
}

/* Poll mask of @fd right now. */
static int poll_now(int fd)
{
	int rc = _sim_poll1(fd, POLLIN | POLLOUT | POLLRDNORM, 0);

	ck_assert_int_ge(rc, 0);
	return rc;
}

static void assert_record(const struct iommu_hwpt_pgfault *r, uint32_t flags,
			  uint32_t dev_id, uint32_t pasid, uint32_t grpid,
			  uint32_t perm, uint64_t addr, uint32_t cookie)
{
	ck_assert_uint_eq(r->flags, flags);
	ck_assert_uint_eq(r->dev_id, dev_id);
	ck_assert_uint_eq(r->pasid, pasid);
	ck_assert_uint_eq(r->grpid, grpid);
	ck_assert_uint_eq(r->perm, perm);
	ck_assert_uint_eq(r->__reserved, 0);
	ck_assert_uint_eq(r->addr, addr);
	ck_assert_uint_eq(r->length, 0);
	ck_assert_uint_eq(r->cookie, cookie);
}

/* ---- the object and its fd --------------------------------------------- */

START_TEST(test_fault_alloc_and_destroy)
{
	struct iommu_hwpt_pgfault rec;
	uint32_t fault_id, ioas;
	int fd;

	sim_fault_alloc(&fault_id, &fd);
	ck_assert_uint_eq(fault_id, 1);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ne(fd, uf.fd);

	/* An empty queue: read returns 0 at once, poll says writable only. */
	ck_assert_int_eq(_sim_read(fd, &rec, REC), 0);
	ck_assert_int_eq(poll_now(fd), POLLOUT);

	/* The fd holds the object. */
	sim_err_destroy(EBUSY, fault_id);
	sim_close(fd);
	sim_destroy(fault_id);
	sim_err_destroy(ENOENT, fault_id);

	/* ID reuse: lowest free. */
	sim_ioas_alloc(&ioas);
	ck_assert_uint_eq(ioas, 1);
}
END_TEST

START_TEST(test_fault_fd_keeps_context)
{
	struct iommu_hwpt_pgfault rec;
	uint32_t fault_id;
	int fd;

	sim_fault_alloc(&fault_id, &fd);
	/* Closing the iommufd first: the fault fd keeps the context alive. */
	sim_close(uf.fd);
	uf.fd = -1;
	ck_assert_int_eq(_sim_read(fd, &rec, REC), 0);
	ck_assert_int_eq(poll_now(fd), POLLOUT);
	/* Its close releases everything (the teardown audit checks). */
	sim_close(fd);
}
END_TEST

START_TEST(test_fault_fd_closed_with_context_open)
{
	struct fault_env e;

	fault_env_setup(&e, false);
	sim_trigger_iopf(e.idev, 0, 1, PERM_RW, 0x1000);
	/* Queued groups stay with the object after its fd is closed. */
	sim_close(e.fault_fd);
	/* Still referenced by the HWPT. */
	sim_err_destroy(EBUSY, e.fault_id);
	/* Closing the context destroys the rest, answering what is left. */
}
END_TEST

START_TEST(test_fault_destroy_order)
{
	struct fault_env e;
	uint32_t pt;

	fault_env_setup(&e, false);
	sim_close(e.fault_fd);
	sim_err_destroy(EBUSY, e.fault_id);
	sim_err_destroy(EBUSY, e.hwpt);
	pt = e.ioas;
	sim_mock_domain_replace(e.stdev, &pt);
	sim_destroy(e.hwpt);
	sim_destroy(e.fault_id);
	sim_destroy(e.parent);
}
END_TEST

/* ---- read / write / poll ---------------------------------------------- */

START_TEST(test_fault_read_write)
{
	struct iommu_hwpt_pgfault rec[2];
	struct fault_env e;

	fault_env_setup(&e, false);
	ck_assert_int_eq(poll_now(e.fault_fd), POLLOUT);

	sim_trigger_iopf(e.idev, 0, 5, PERM_RW, 0x12345000);
	ck_assert_int_eq(poll_now(e.fault_fd), POLLIN | POLLRDNORM | POLLOUT);

	memset(rec, 0xff, sizeof(rec));
	ck_assert_int_eq(_sim_read(e.fault_fd, rec, sizeof(rec)), REC);
	assert_record(&rec[0], IOMMU_PGFAULT_FLAGS_LAST_PAGE, e.idev, 0, 5,
		      PERM_RW, 0x12345000, 1);
	/* Read groups wait for an answer; nothing is pending delivery. */
	ck_assert_int_eq(poll_now(e.fault_fd), POLLOUT);
	ck_assert_int_eq(_sim_read(e.fault_fd, rec, sizeof(rec)), 0);

	ck_assert_int_eq(respond(e.fault_fd, 1, IOMMUFD_PAGE_RESP_SUCCESS), RSP);
	/* A group is answered once. */
	ck_assert_int_eq(respond(e.fault_fd, 1, IOMMUFD_PAGE_RESP_SUCCESS),
			 -EINVAL);
}
END_TEST

START_TEST(test_fault_paging_hwpt)
{
	struct iommu_hwpt_pgfault rec;
	struct fault_env e;

	fault_env_setup(&e, true);
	sim_trigger_iopf(e.idev, 0, 9, IOMMU_PGFAULT_PERM_READ, 0x4000);
	ck_assert_int_eq(_sim_read(e.fault_fd, &rec, REC), REC);
	assert_record(&rec, IOMMU_PGFAULT_FLAGS_LAST_PAGE, e.idev, 0, 9,
		      IOMMU_PGFAULT_PERM_READ, 0x4000, 1);
	ck_assert_int_eq(respond(e.fault_fd, 1, IOMMUFD_PAGE_RESP_INVALID),
			 RSP);
}
END_TEST

START_TEST(test_fault_sizes)
{
	struct iommu_hwpt_pgfault rec[2];
	struct iommu_hwpt_page_response rsp[2] = { { 0 } };
	struct fault_env e;

	fault_env_setup(&e, false);
	sim_trigger_iopf(e.idev, 0, 1, PERM_RW, 0x1000);

	/* Reads in whole records, writes in whole responses: else ESPIPE. */
	ck_assert_int_eq(_sim_read(e.fault_fd, rec, REC - 1), -ESPIPE);
	ck_assert_int_eq(_sim_read(e.fault_fd, rec, REC + 1), -ESPIPE);
	ck_assert_int_eq(_sim_read(e.fault_fd, rec, 1), -ESPIPE);
	ck_assert_int_eq(_sim_read(e.fault_fd, rec, 0), 0);
	ck_assert_int_eq(_sim_write(e.fault_fd, rsp, RSP - 1), -ESPIPE);
	ck_assert_int_eq(_sim_write(e.fault_fd, rsp, RSP + 4), -ESPIPE);
	ck_assert_int_eq(_sim_write(e.fault_fd, rsp, 0), 0);
	/* Not seekable: no positioned I/O. */
	ck_assert_int_eq(iommufd_sim_pread(uf.p, e.fault_fd, rec, REC, 0), -1);
	ck_assert_int_eq(errno, ESPIPE);
	ck_assert_int_eq(iommufd_sim_pwrite(uf.p, e.fault_fd, rsp, RSP, 0), -1);
	ck_assert_int_eq(errno, ESPIPE);

	/* None of that consumed the group. */
	ck_assert_int_eq(_sim_read(e.fault_fd, rec, 2 * REC), REC);
	ck_assert_uint_eq(rec[0].cookie, 1);
}
END_TEST

START_TEST(test_fault_whole_groups_in_order)
{
	struct iommu_hwpt_pgfault rec[4];
	struct fault_env e;
	uint32_t i;

	fault_env_setup(&e, false);
	for (i = 1; i <= 3; i++)
		sim_trigger_iopf(e.idev, 0, i, IOMMU_PGFAULT_PERM_READ,
				 i * 0x1000);

	/* As many as fit, oldest first. */
	ck_assert_int_eq(_sim_read(e.fault_fd, rec, 2 * REC), 2 * REC);
	ck_assert_uint_eq(rec[0].grpid, 1);
	ck_assert_uint_eq(rec[1].grpid, 2);
	ck_assert_int_eq(poll_now(e.fault_fd), POLLIN | POLLRDNORM | POLLOUT);
	ck_assert_int_eq(_sim_read(e.fault_fd, rec, 4 * REC), REC);
	ck_assert_uint_eq(rec[0].grpid, 3);
	ck_assert_uint_eq(rec[0].addr, 0x3000);
	ck_assert_int_eq(poll_now(e.fault_fd), POLLOUT);
}
END_TEST

START_TEST(test_fault_cookies_lowest_free)
{
	struct iommu_hwpt_pgfault rec[3];
	struct fault_env e;
	uint32_t i;

	fault_env_setup(&e, false);
	for (i = 1; i <= 3; i++)
		sim_trigger_iopf(e.idev, 0, i, IOMMU_PGFAULT_PERM_READ,
				 i * 0x1000);
	ck_assert_int_eq(_sim_read(e.fault_fd, rec, 3 * REC), 3 * REC);
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(rec[i].grpid, i + 1);
		ck_assert_uint_eq(rec[i].cookie, i + 1);
	}

	/* Cookie 2 answered: the next group read gets 2 again. */
	ck_assert_int_eq(respond(e.fault_fd, 2, IOMMUFD_PAGE_RESP_SUCCESS), RSP);
	sim_trigger_iopf(e.idev, 0, 4, IOMMU_PGFAULT_PERM_READ, 0x4000);
	ck_assert_int_eq(_sim_read(e.fault_fd, rec, REC), REC);
	ck_assert_uint_eq(rec[0].grpid, 4);
	ck_assert_uint_eq(rec[0].cookie, 2);

	for (i = 1; i <= 3; i++)
		ck_assert_int_eq(respond(e.fault_fd, i,
					 IOMMUFD_PAGE_RESP_SUCCESS), RSP);
}
END_TEST

START_TEST(test_fault_write_stops_at_first_error)
{
	struct iommu_hwpt_page_response rsp[3];
	struct iommu_hwpt_pgfault rec[2];
	struct fault_env e;

	fault_env_setup(&e, false);
	sim_trigger_iopf(e.idev, 0, 1, IOMMU_PGFAULT_PERM_READ, 0x1000);
	sim_trigger_iopf(e.idev, 0, 2, IOMMU_PGFAULT_PERM_READ, 0x2000);
	ck_assert_int_eq(_sim_read(e.fault_fd, rec, 2 * REC), 2 * REC);

	/* An unknown cookie in the middle: only the first is consumed. */
	rsp[0] = (struct iommu_hwpt_page_response){ 1, IOMMUFD_PAGE_RESP_SUCCESS };
	rsp[1] = (struct iommu_hwpt_page_response){ 99, IOMMUFD_PAGE_RESP_SUCCESS };
	rsp[2] = (struct iommu_hwpt_page_response){ 2, IOMMUFD_PAGE_RESP_SUCCESS };
	ck_assert_int_eq(_sim_write(e.fault_fd, rsp, sizeof(rsp)), RSP);
	/* Errors alone: the errno. */
	ck_assert_int_eq(_sim_write(e.fault_fd, &rsp[1], RSP), -EINVAL);
	ck_assert_int_eq(respond(e.fault_fd, 0, IOMMUFD_PAGE_RESP_SUCCESS),
			 -EINVAL);
	ck_assert_int_eq(respond(e.fault_fd, 2, 2), -EINVAL);
	ck_assert_int_eq(respond(e.fault_fd, 2, 0xffffffff), -EINVAL);
	/* A bad code does not consume the group. */
	ck_assert_int_eq(respond(e.fault_fd, 2, IOMMUFD_PAGE_RESP_INVALID), RSP);
	/* A response that cannot be read. */
	ck_assert_int_eq(_sim_write(e.fault_fd, (void *)8, RSP), -EFAULT);
}
END_TEST

START_TEST(test_fault_read_fault_requeues)
{
	const struct iommufd_sim_mem_opts ro = { .readonly = true };
	void *ro_user = uapi_mem_opts(UAPI_PAGE_SIZE, &ro);
	struct iommu_hwpt_pgfault rec[2];
	struct fault_env e;

	fault_env_setup(&e, false);
	sim_trigger_iopf(e.idev, 0, 1, IOMMU_PGFAULT_PERM_READ, 0x1000);
	sim_trigger_iopf(e.idev, 0, 2, IOMMU_PGFAULT_PERM_READ, 0x2000);

	/* Nothing can be copied: EFAULT, and the groups stay queued. */
	ck_assert_int_eq(_sim_read(e.fault_fd, ro_user, 2 * REC), -EFAULT);
	ck_assert_int_eq(_sim_read(e.fault_fd, (void *)8, REC), -EFAULT);
	ck_assert_int_eq(poll_now(e.fault_fd), POLLIN | POLLRDNORM | POLLOUT);
	ck_assert_int_eq(_sim_read(e.fault_fd, rec, 2 * REC), 2 * REC);
	ck_assert_uint_eq(rec[0].grpid, 1);
	ck_assert_uint_eq(rec[0].cookie, 1);
	ck_assert_uint_eq(rec[1].grpid, 2);
	ck_assert_uint_eq(rec[1].cookie, 2);
}
END_TEST

/* ---- automatic answers ---------------------------------------------------- */

START_TEST(test_fault_auto_response_on_replace)
{
	struct iommu_hwpt_pgfault rec;
	struct fault_env e;
	uint32_t pt;

	fault_env_setup(&e, false);
	sim_trigger_iopf(e.idev, 0, 1, IOMMU_PGFAULT_PERM_READ, 0x1000);
	sim_trigger_iopf(e.idev, 0, 2, IOMMU_PGFAULT_PERM_READ, 0x2000);
	ck_assert_int_eq(_sim_read(e.fault_fd, &rec, REC), REC);
	ck_assert_uint_eq(rec.cookie, 1);

	/* Off the fault-capable HWPT: read and unread groups are answered. */
	pt = e.ioas;
	sim_mock_domain_replace(e.stdev, &pt);
	ck_assert_int_eq(poll_now(e.fault_fd), POLLOUT);
	ck_assert_int_eq(_sim_read(e.fault_fd, &rec, REC), 0);
	ck_assert_int_eq(respond(e.fault_fd, 1, IOMMUFD_PAGE_RESP_SUCCESS),
			 -EINVAL);

	/* Back on it, faults flow again. */
	pt = e.hwpt;
	sim_mock_domain_replace(e.stdev, &pt);
	sim_trigger_iopf(e.idev, 0, 3, IOMMU_PGFAULT_PERM_READ, 0x3000);
	ck_assert_int_eq(_sim_read(e.fault_fd, &rec, REC), REC);
	ck_assert_uint_eq(rec.grpid, 3);
	ck_assert_uint_eq(rec.cookie, 1);
	ck_assert_int_eq(respond(e.fault_fd, 1, IOMMUFD_PAGE_RESP_SUCCESS), RSP);
}
END_TEST

START_TEST(test_fault_auto_response_on_device_destroy)
{
	struct iommu_hwpt_pgfault rec;
	struct fault_env e;

	fault_env_setup(&e, false);
	sim_trigger_iopf(e.idev, 0, 1, IOMMU_PGFAULT_PERM_READ, 0x1000);
	sim_trigger_iopf(e.idev, 0, 2, IOMMU_PGFAULT_PERM_READ, 0x2000);
	ck_assert_int_eq(_sim_read(e.fault_fd, &rec, REC), REC);

	/* Destroying the mock device detaches it: everything is answered. */
	sim_destroy(e.stdev);
	ck_assert_int_eq(_sim_read(e.fault_fd, &rec, REC), 0);
	ck_assert_int_eq(respond(e.fault_fd, rec.cookie,
				 IOMMUFD_PAGE_RESP_SUCCESS), -EINVAL);
	sim_destroy(e.hwpt);
	sim_destroy(e.parent);
	sim_close(e.fault_fd);
	sim_destroy(e.fault_id);
}
END_TEST

START_TEST(test_fault_two_devices_one_queue)
{
	struct iommu_hwpt_pgfault rec[2];
	uint32_t stdev2, idev2, pt;
	struct fault_env e;

	fault_env_setup(&e, false);
	sim_mock_domain(e.hwpt, &stdev2, &pt, &idev2);
	ck_assert_uint_eq(pt, e.hwpt);

	sim_trigger_iopf(e.idev, 0, 1, IOMMU_PGFAULT_PERM_READ, 0x1000);
	sim_trigger_iopf(idev2, 0, 1, IOMMU_PGFAULT_PERM_WRITE, 0x2000);
	ck_assert_int_eq(_sim_read(e.fault_fd, rec, 2 * REC), 2 * REC);
	ck_assert_uint_eq(rec[0].dev_id, e.idev);
	ck_assert_uint_eq(rec[1].dev_id, idev2);

	/* Detaching one device answers only its own group. */
	pt = e.ioas;
	sim_mock_domain_replace(stdev2, &pt);
	ck_assert_int_eq(respond(e.fault_fd, rec[1].cookie,
				 IOMMUFD_PAGE_RESP_SUCCESS), -EINVAL);
	ck_assert_int_eq(respond(e.fault_fd, rec[0].cookie,
				 IOMMUFD_PAGE_RESP_SUCCESS), RSP);
}
END_TEST

START_TEST(test_fault_no_fault_object)
{
	struct iommu_hwpt_pgfault rec;
	uint32_t fault_id, ioas, stdev, idev;
	int fd;

	/* A FAULT no HWPT uses, and a device on a plain HWPT. */
	sim_fault_alloc(&fault_id, &fd);
	sim_ioas_alloc(&ioas);
	sim_mock_domain(ioas, &stdev, NULL, &idev);
	sim_trigger_iopf(idev, 0, 1, IOMMU_PGFAULT_PERM_READ, 0x1000);
	ck_assert_int_eq(_sim_read(fd, &rec, REC), 0);
	ck_assert_int_eq(poll_now(fd), POLLOUT);
}
END_TEST

START_TEST(test_fault_pasid)
{
	struct iommu_hwpt_pgfault rec;
	uint32_t ioas, stdev, idev, rid_hwpt, hwpt, fault_id, pt;
	int fd;

	sim_ioas_alloc(&ioas);
	sim_mock_domain_flags(ioas, MOCK_FLAGS_DEVICE_PASID, &stdev, NULL,
			      &idev);
	sim_hwpt_alloc_paging(idev, ioas, IOMMU_HWPT_ALLOC_PASID, &rid_hwpt);
	pt = rid_hwpt;
	sim_mock_domain_replace(stdev, &pt);
	sim_fault_alloc(&fault_id, &fd);
	sim_hwpt_alloc(idev, ioas,
		       IOMMU_HWPT_ALLOC_PASID | IOMMU_HWPT_FAULT_ID_VALID,
		       fault_id, IOMMU_HWPT_DATA_NONE, NULL, 0, &hwpt);
	pt = hwpt;
	sim_pasid_attach(stdev, 10, &pt);

	/* A request on PASID 10 reaches the HWPT attached there. */
	sim_trigger_iopf(idev, 10, 3, IOMMU_PGFAULT_PERM_WRITE, 0x7000);
	ck_assert_int_eq(_sim_read(fd, &rec, REC), REC);
	assert_record(&rec, IOMMU_PGFAULT_FLAGS_PASID_VALID |
			    IOMMU_PGFAULT_FLAGS_LAST_PAGE,
		      idev, 10, 3, IOMMU_PGFAULT_PERM_WRITE, 0x7000, 1);
	/* The RID and other PASIDs have no FAULT: answered at once. */
	sim_trigger_iopf(idev, 0, 4, IOMMU_PGFAULT_PERM_READ, 0x8000);
	sim_trigger_iopf(idev, 11, 5, IOMMU_PGFAULT_PERM_READ, 0x9000);
	ck_assert_int_eq(_sim_read(fd, &rec, REC), 0);

	/* Detaching the PASID answers its read group. */
	sim_pasid_detach(stdev, 10);
	ck_assert_int_eq(respond(fd, 1, IOMMUFD_PAGE_RESP_SUCCESS), -EINVAL);
}
END_TEST

/* ---- poll wakes a waiter ---------------------------------------------- */

struct trigger_arg {
	uint32_t idev;
	int rc;
};

static void *trigger_later(void *data)
{
	struct trigger_arg *a = data;
	struct timespec ts = { .tv_nsec = 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	a->rc = _sim_trigger_iopf(a->idev, 0, 7, IOMMU_PGFAULT_PERM_READ,
				  0x7000);
	return NULL;
}

START_TEST(test_fault_poll_wakes)
{
	struct iommu_hwpt_pgfault rec;
	struct trigger_arg arg;
	struct fault_env e;
	pthread_t thread;
	int rc;

	fault_env_setup(&e, false);
	arg.idev = e.idev;
	arg.rc = -1;
	ck_assert_int_eq(pthread_create(&thread, NULL, trigger_later, &arg), 0);
	/* Only POLLIN asked: this sleeps until the fault is queued. */
	rc = _sim_poll1(e.fault_fd, POLLIN, 10000);
	ck_assert_int_eq(pthread_join(thread, NULL), 0);
	ck_assert_int_eq(arg.rc, 0);
	ck_assert_int_eq(rc, POLLIN);
	ck_assert_int_eq(_sim_read(e.fault_fd, &rec, REC), REC);
	ck_assert_uint_eq(rec.grpid, 7);
}
END_TEST

Suite *fault_suite(void)
{
	Suite *s = suite_create("fault");
	TCase *tc = uapi_tcase("fault");

	tcase_add_test(tc, test_fault_alloc_and_destroy);
	tcase_add_test(tc, test_fault_fd_keeps_context);
	tcase_add_test(tc, test_fault_fd_closed_with_context_open);
	tcase_add_test(tc, test_fault_destroy_order);
	tcase_add_test(tc, test_fault_read_write);
	tcase_add_test(tc, test_fault_paging_hwpt);
	tcase_add_test(tc, test_fault_sizes);
	tcase_add_test(tc, test_fault_whole_groups_in_order);
	tcase_add_test(tc, test_fault_cookies_lowest_free);
	tcase_add_test(tc, test_fault_write_stops_at_first_error);
	tcase_add_test(tc, test_fault_read_fault_requeues);
	tcase_add_test(tc, test_fault_auto_response_on_replace);
	tcase_add_test(tc, test_fault_auto_response_on_device_destroy);
	tcase_add_test(tc, test_fault_two_devices_one_queue);
	tcase_add_test(tc, test_fault_no_fault_object);
	tcase_add_test(tc, test_fault_pasid);
	tcase_add_test(tc, test_fault_poll_wakes);
	suite_add_tcase(s, tc);
	return s;
}
