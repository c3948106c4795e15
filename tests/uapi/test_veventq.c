// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_VEVENTQ_ALLOC and the vEVENTQ fd (uapi-spec 3.21, 5.2), with
 * TRIGGER_VEVENT (7.5) as the event source: allocation errnos and the size
 * sweep, one queue per type, the stream format (header + payload, whole
 * items only), sequence numbers, the single lost-events header at the
 * tail, poll (EPOLLIN only), no write, and the lifetimes of the object,
 * its fd and the context.
 */
#include <poll.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>
#include "uapi_suites.h"
#include "viommu_util.h"

#define HDR	sizeof(struct iommufd_vevent_header)
#define EV	sizeof(struct selftest_vevent)

/* A device linked to a vIOMMU: vDEVICE, attached to its nested HWPT. */
struct vq_env {
	struct viommu_env e;
	uint32_t vdev;
	uint32_t nested;
};

static void vq_env_setup(struct vq_env *v)
{
	viommu_env_setup(&v->e, true);
	sim_vdevice_alloc(v->e.viommu, v->e.idev, VIRT_ID, &v->vdev);
	sim_viommu_nested(v->e.idev, v->e.viommu, 0, &v->nested);
	sim_replace(v->e.stdev, v->nested);
}

static int poll_now(int fd)
{
	int rc = _sim_poll1(fd, POLLIN | POLLOUT | POLLRDNORM, 0);

	ck_assert_int_ge(rc, 0);
	return rc;
}

static void assert_event(const struct selftest_vevent *ev, uint32_t seq)
{
	ck_assert_uint_eq(ev->hdr.flags, 0);
	ck_assert_uint_eq(ev->hdr.sequence, seq);
	ck_assert_uint_eq(ev->data.virt_id, VIRT_ID);
}

static void assert_lost(const struct iommufd_vevent_header *hdr, uint32_t seq)
{
	ck_assert_uint_eq(hdr->flags, IOMMU_VEVENTQ_FLAG_LOST_EVENTS);
	ck_assert_uint_eq(hdr->sequence, seq);
}

START_TEST(test_veventq_layouts)
{
	ck_assert_uint_eq(sizeof(struct iommu_veventq_alloc), 32);
	ck_assert_uint_eq(offsetof(struct iommu_veventq_alloc, out_veventq_fd),
			  24);
	ck_assert_uint_eq(sizeof(struct iommufd_vevent_header), 8);
	ck_assert_uint_eq(EV, 12);
	ck_assert_uint_eq(IOMMU_VEVENTQ_ALLOC, 0x3b93);
	ck_assert_uint_eq(IOMMU_VEVENTQ_FLAG_LOST_EVENTS, 1);
}
END_TEST

START_TEST(test_veventq_alloc_and_destroy)
{
	struct viommu_env e;
	uint32_t id, id2, next;
	int fd, fd2;
	char buf[64];

	viommu_env_setup(&e, true);
	next = uapi_next_id();
	sim_veventq_alloc(e.viommu, IOMMU_VEVENTQ_TYPE_SELFTEST, 2, &id, &fd);
	ck_assert_uint_eq(id, next);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ne(fd, uf.fd);

	/* Empty: read is 0 at once, poll reports nothing (no EPOLLOUT). */
	ck_assert_int_eq(_sim_read(fd, buf, sizeof(buf)), 0);
	ck_assert_int_eq(poll_now(fd), 0);
	/* No write; no positioned read. */
	ck_assert_int_eq(_sim_write(fd, buf, 8), -EINVAL);
	ck_assert_int_eq(iommufd_sim_pread(uf.p, fd, buf, 8, 0), -1);
	ck_assert_int_eq(errno, ESPIPE);

	/* One queue per type; the type is not otherwise validated. */
	sim_err_veventq_alloc(EEXIST, e.viommu, IOMMU_VEVENTQ_TYPE_SELFTEST, 2,
			      &id2, &fd2);
	sim_veventq_alloc(e.viommu, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 1, &id2,
			  &fd2);

	/* The fd holds its object; the objects hold the vIOMMU. */
	sim_err_destroy(EBUSY, id);
	sim_err_destroy(EBUSY, e.viommu);
	sim_close(fd);
	sim_destroy(id);
	sim_err_destroy(ENOENT, id);
	/* The type is free again. */
	sim_veventq_alloc(e.viommu, IOMMU_VEVENTQ_TYPE_SELFTEST, 2, &id, &fd);
	sim_close(fd);
	sim_close(fd2);
	sim_destroy(id);
	sim_destroy(id2);
	sim_destroy(e.viommu);
}
END_TEST

START_TEST(test_veventq_alloc_errors)
{
	struct iommu_veventq_alloc cmd;
	struct viommu_env e;
	uint32_t next, id;
	int fd;

	viommu_env_setup(&e, true);
	next = uapi_next_id();
	memset(&cmd, 0, sizeof(cmd));
	cmd.size = sizeof(cmd);
	cmd.viommu_id = 0;
	cmd.type = IOMMU_VEVENTQ_TYPE_SELFTEST;
	cmd.veventq_depth = 0;

	/* Flags, __reserved and the type first, then the depth, then IDs. */
	cmd.flags = 1;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_VEVENTQ_ALLOC, &cmd));
	cmd.flags = 0;
	cmd.__reserved = 1;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_VEVENTQ_ALLOC, &cmd));
	cmd.__reserved = 0;
	cmd.type = IOMMU_VEVENTQ_TYPE_DEFAULT;
	SIM_ERR(EOPNOTSUPP, _sim_ioctl(IOMMU_VEVENTQ_ALLOC, &cmd));
	cmd.type = IOMMU_VEVENTQ_TYPE_SELFTEST;
	SIM_ERR(EINVAL, _sim_ioctl(IOMMU_VEVENTQ_ALLOC, &cmd));
	cmd.veventq_depth = 1;
	SIM_ERR(ENOENT, _sim_ioctl(IOMMU_VEVENTQ_ALLOC, &cmd));
	sim_err_veventq_alloc(ENOENT, e.parent, IOMMU_VEVENTQ_TYPE_SELFTEST, 1,
			      &id, &fd);
	ck_assert_uint_eq(uapi_next_id(), next);
}
END_TEST

START_TEST(test_veventq_alloc_response_fault)
{
	struct iommu_veventq_alloc cmd = { .size = sizeof(cmd) };
	struct viommu_env e;
	uint32_t next, id;
	int fd, fd_probe;
	void *ro;

	viommu_env_setup(&e, true);
	next = uapi_next_id();
	cmd.viommu_id = e.viommu;
	cmd.type = IOMMU_VEVENTQ_TYPE_SELFTEST;
	cmd.veventq_depth = 1;
	ro = uapi_ro_copy(&cmd, sizeof(cmd));
	/* The object, its file and the fd number are all undone. */
	SIM_ERR(EFAULT, _sim_ioctl(IOMMU_VEVENTQ_ALLOC, ro));
	uapi_ro_free(ro, sizeof(cmd));
	ck_assert_uint_eq(uapi_next_id(), next);
	fd_probe = iommufd_sim_dup(uf.p, uf.fd);
	sim_veventq_alloc(e.viommu, IOMMU_VEVENTQ_TYPE_SELFTEST, 1, &id, &fd);
	/* The reserved number was given back: the next fd is the lowest. */
	ck_assert_int_eq(fd, fd_probe + 1);
	sim_close(fd_probe);
	sim_close(fd);
	sim_destroy(id);
}
END_TEST

static struct viommu_env sweep_env;

static void fill_veventq(void *buf, void *arg)
{
	struct iommu_veventq_alloc *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->viommu_id = sweep_env.viommu;
	cmd->type = IOMMU_VEVENTQ_TYPE_SELFTEST;
	cmd->veventq_depth = 4;
}

static void cleanup_veventq(void *buf, void *arg)
{
	struct iommu_veventq_alloc *cmd = buf;

	sim_close(cmd->out_veventq_fd);
	sim_destroy(cmd->out_veventq_id);
}

START_TEST(test_veventq_size_sweep)
{
	const struct uapi_size_case c = {
		.name = "IOMMU_VEVENTQ_ALLOC",
		.cmd = IOMMU_VEVENTQ_ALLOC,
		.size = 32,
		.min_size = 28,
		.fill = fill_veventq,
		.cleanup = cleanup_veventq,
	};
	struct iommu_veventq_alloc cmd;

	viommu_env_setup(&sweep_env, true);
	ck_assert_int_eq(uapi_size_sweep(&c), 0);
	/* The minimum size, without __reserved. */
	fill_veventq(&cmd, NULL);
	cmd.size = 28;
	SIM_OK(_sim_ioctl(IOMMU_VEVENTQ_ALLOC, &cmd));
	cleanup_veventq(&cmd, NULL);
}
END_TEST

/* ---- events ------------------------------------------------------------ */

START_TEST(test_trigger_vevent_errors)
{
	uint32_t vdev, nested, id, stdev2, idev2;
	struct viommu_env e;
	int fd;

	viommu_env_setup(&e, true);
	/* Not a device / not a mock device ID. */
	sim_err_trigger_vevent(ENOENT, 0);
	sim_err_trigger_vevent(ENOENT, e.ioas);
	/* A device that is not linked to a vIOMMU. */
	sim_err_trigger_vevent(ENOENT, e.idev);
	sim_vdevice_alloc(e.viommu, e.idev, VIRT_ID, &vdev);
	sim_err_trigger_vevent(ENOENT, e.idev);
	/* Linked, but the vIOMMU has no selftest vEVENTQ. */
	sim_viommu_nested(e.idev, e.viommu, 0, &nested);
	sim_replace(e.stdev, nested);
	sim_err_trigger_vevent(EOPNOTSUPP, e.idev);
	sim_veventq_alloc(e.viommu, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 1, &id, &fd);
	sim_err_trigger_vevent(EOPNOTSUPP, e.idev);
	sim_close(fd);
	sim_destroy(id);
	/* Attached elsewhere, the link is gone. */
	sim_replace(e.stdev, e.ioas);
	sim_veventq_alloc(e.viommu, IOMMU_VEVENTQ_TYPE_SELFTEST, 1, &id, &fd);
	sim_err_trigger_vevent(ENOENT, e.idev);
	/* A device attached to a nested HWPT of no vIOMMU is not linked. */
	viommu_env_add_device(&e, &stdev2, &idev2);
	sim_hwpt_alloc_nested(idev2, e.parent, 0, 0, 0, &id);
	sim_replace(stdev2, id);
	sim_err_trigger_vevent(ENOENT, idev2);
	ck_assert_int_eq(_sim_read(fd, &(struct selftest_vevent){}, EV), 0);
}
END_TEST

START_TEST(test_veventq_read)
{
	struct selftest_vevent ev[4];
	struct vq_env v;
	uint32_t id;
	int fd;

	vq_env_setup(&v);
	sim_veventq_alloc(v.e.viommu, IOMMU_VEVENTQ_TYPE_SELFTEST, 8, &id,
			  &fd);
	sim_trigger_vevent(v.e.idev);
	ck_assert_int_eq(poll_now(fd), POLLIN | POLLRDNORM);

	/* Whole items only: a header alone does not fit. */
	ck_assert_int_eq(_sim_read(fd, ev, HDR), 0);
	ck_assert_int_eq(_sim_read(fd, ev, EV - 1), 0);
	ck_assert_int_eq(_sim_read(fd, ev, EV), EV);
	assert_event(&ev[0], 0);
	ck_assert_int_eq(poll_now(fd), 0);
	ck_assert_int_eq(_sim_read(fd, ev, sizeof(ev)), 0);

	/* Several at once, as many as fit, in order. */
	sim_trigger_vevent(v.e.idev);
	sim_trigger_vevent(v.e.idev);
	sim_trigger_vevent(v.e.idev);
	ck_assert_int_eq(_sim_read(fd, ev, 2 * EV + 5), 2 * EV);
	assert_event(&ev[0], 1);
	assert_event(&ev[1], 2);
	ck_assert_int_eq(_sim_read(fd, ev, sizeof(ev)), EV);
	assert_event(&ev[0], 3);

	/* A copy fault puts the item back. */
	sim_trigger_vevent(v.e.idev);
	ck_assert_int_eq(_sim_read(fd, (void *)8, EV), -EFAULT);
	ck_assert_int_eq(poll_now(fd), POLLIN | POLLRDNORM);
	ck_assert_int_eq(_sim_read(fd, ev, sizeof(ev)), EV);
	assert_event(&ev[0], 4);
	/* A fault after a whole item: the bytes of the items read. */
	sim_trigger_vevent(v.e.idev);
	sim_trigger_vevent(v.e.idev);
	{
		char *buf = uapi_mem(2 * UAPI_PAGE_SIZE);
		char *last = buf + UAPI_PAGE_SIZE - EV;

		/* The second item would land in an unmapped page. */
		SIM_OK(_sim_munmap(buf + UAPI_PAGE_SIZE, UAPI_PAGE_SIZE));
		ck_assert_int_eq(_sim_read(fd, last, 2 * EV), EV);
		assert_event((void *)last, 5);
	}
	ck_assert_int_eq(_sim_read(fd, ev, sizeof(ev)), EV);
	assert_event(&ev[0], 6);
}
END_TEST

START_TEST(test_veventq_lost_events)
{
	unsigned char buf[4 * EV];
	struct selftest_vevent *ev = (void *)buf;
	struct vq_env v;
	uint32_t id;
	int fd, i;

	vq_env_setup(&v);
	sim_veventq_alloc(v.e.viommu, IOMMU_VEVENTQ_TYPE_SELFTEST, 2, &id,
			  &fd);
	/* Depth 2: the third and later events are lost. */
	for (i = 0; i < 5; i++)
		sim_trigger_vevent(v.e.idev);
	/* One lost header at the tail, with the latest drop's number. */
	ck_assert_int_eq(_sim_read(fd, buf, sizeof(buf)), 2 * EV + HDR);
	assert_event(&ev[0], 0);
	assert_event(&ev[1], 1);
	assert_lost((void *)(buf + 2 * EV), 4);
	ck_assert_int_eq(_sim_read(fd, buf, sizeof(buf)), 0);

	/* Reading freed the queue: the next event is queued, number 5. */
	sim_trigger_vevent(v.e.idev);
	ck_assert_int_eq(_sim_read(fd, buf, sizeof(buf)), EV);
	assert_event(&ev[0], 5);

	/*
	 * A new event after a loss replaces the lost header when there is
	 * room again: the gap in the numbers tells of the loss.
	 */
	for (i = 0; i < 3; i++)
		sim_trigger_vevent(v.e.idev);		/* 6, 7, lost 8 */
	ck_assert_int_eq(_sim_read(fd, buf, EV), EV);	/* 6 */
	assert_event(&ev[0], 6);
	sim_trigger_vevent(v.e.idev);			/* 9 */
	ck_assert_int_eq(_sim_read(fd, buf, sizeof(buf)), 2 * EV);
	assert_event(&ev[0], 7);
	assert_event(&ev[1], 9);

	/* The lost header alone: it fits in 8 bytes; a copy fault keeps it. */
	for (i = 0; i < 3; i++)
		sim_trigger_vevent(v.e.idev);		/* 10, 11, lost 12 */
	ck_assert_int_eq(_sim_read(fd, buf, 2 * EV), 2 * EV);
	ck_assert_int_eq(_sim_read(fd, buf, HDR - 1), 0);
	ck_assert_int_eq(_sim_read(fd, (void *)8, HDR), -EFAULT);
	ck_assert_int_eq(_sim_read(fd, buf, HDR), HDR);
	assert_lost((void *)buf, 12);
	ck_assert_int_eq(poll_now(fd), 0);
}
END_TEST

START_TEST(test_veventq_fd_keeps_context)
{
	struct selftest_vevent ev;
	struct vq_env v;
	uint32_t id;
	int fd;

	vq_env_setup(&v);
	sim_veventq_alloc(v.e.viommu, IOMMU_VEVENTQ_TYPE_SELFTEST, 2, &id,
			  &fd);
	sim_trigger_vevent(v.e.idev);
	/* The iommufd goes first: the event fd keeps the context alive. */
	sim_close(uf.fd);
	uf.fd = -1;
	ck_assert_int_eq(_sim_read(fd, &ev, EV), EV);
	assert_event(&ev, 0);
	ck_assert_int_eq(poll_now(fd), 0);
	/* Its close releases everything (the teardown audit checks). */
	sim_close(fd);
}
END_TEST

START_TEST(test_veventq_destroy_with_events)
{
	struct vq_env v;
	uint32_t id;
	int fd, i;

	vq_env_setup(&v);
	sim_veventq_alloc(v.e.viommu, IOMMU_VEVENTQ_TYPE_SELFTEST, 2, &id,
			  &fd);
	for (i = 0; i < 4; i++)
		sim_trigger_vevent(v.e.idev);
	/* Queued events and the lost header go with the object. */
	sim_close(fd);
	sim_destroy(id);
	sim_err_trigger_vevent(EOPNOTSUPP, v.e.idev);
}
END_TEST

struct poll_waiter {
	int fd;
	int revents;
};

static void *poll_waiter_fn(void *arg)
{
	struct poll_waiter *w = arg;

	w->revents = _sim_poll1(w->fd, POLLIN, 10000);
	return NULL;
}

/* A poll that waits is woken by the event. */
START_TEST(test_veventq_poll_wakes)
{
	struct poll_waiter w;
	struct vq_env v;
	pthread_t t;
	uint32_t id;

	vq_env_setup(&v);
	sim_veventq_alloc(v.e.viommu, IOMMU_VEVENTQ_TYPE_SELFTEST, 2, &id,
			  &w.fd);
	w.revents = -1;
	ck_assert_int_eq(pthread_create(&t, NULL, poll_waiter_fn, &w), 0);
	usleep(20000);
	sim_trigger_vevent(v.e.idev);
	pthread_join(t, NULL);
	ck_assert_int_eq(w.revents, POLLIN);
}
END_TEST

Suite *veventq_suite(void)
{
	Suite *s = suite_create("veventq");
	TCase *tc = uapi_tcase("veventq");

	tcase_add_test(tc, test_veventq_layouts);
	tcase_add_test(tc, test_veventq_alloc_and_destroy);
	tcase_add_test(tc, test_veventq_alloc_errors);
	tcase_add_test(tc, test_veventq_alloc_response_fault);
	tcase_add_test(tc, test_veventq_size_sweep);
	tcase_add_test(tc, test_trigger_vevent_errors);
	tcase_add_test(tc, test_veventq_read);
	tcase_add_test(tc, test_veventq_lost_events);
	tcase_add_test(tc, test_veventq_fd_keeps_context);
	tcase_add_test(tc, test_veventq_destroy_with_events);
	tcase_add_test(tc, test_veventq_poll_wakes);
	suite_add_tcase(s, tc);
	return s;
}
