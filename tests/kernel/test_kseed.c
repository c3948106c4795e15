// SPDX-License-Identifier: GPL-2.0
/*
 * The seed behaviours (internals-spec 4, 5.4, 9.1) at the level of the
 * in-kernel API, on contexts opened through the embedding API: what the
 * driver's unmap callback is told on replace and destroy, the change
 * window, a second change racing the first, callbacks that unpin, destroy
 * waiting for a callback in flight, internal accesses (no context
 * reference, area locks: EBUSY exactly on the locked area), and device
 * replaces that fail with the old attachment and its reserved ranges
 * intact.
 */
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/iommu.h>
#include <kshim/exec.h>
#include <kshim/sched.h>
#include <mock_iommu.h>
#include "kt.h"

#define PAGE	KT_PAGE
#define BASE	KT_BASE
#define ULMAX	(~0UL)
/* Far from BASE, still in the mock aperture [2^24, 2^31 - 1]. */
#define FAR	(BASE + (1UL << 26))

/* ---- S-setioas / S-replace ------------------------------------------------- */

struct two_ioas {
	void *buf1, *buf2;
	u32 ioas1, ioas2;
};

static void two_ioas_setup(struct two_ioas *t)
{
	t->buf1 = uapi_mem(8 * PAGE);
	t->buf2 = uapi_mem(8 * PAGE);
	sim_ioas_alloc(&t->ioas1);
	sim_ioas_alloc(&t->ioas2);
	/* Two mappings far apart in ioas1, one in ioas2. */
	sim_ioas_map_fixed(t->ioas1, t->buf1, 4 * PAGE, BASE);
	sim_ioas_map_fixed(t->ioas1, (char *)t->buf1 + 4 * PAGE, 4 * PAGE,
			   FAR);
	sim_ioas_map_fixed(t->ioas2, t->buf2, 8 * PAGE, BASE);
}

START_TEST(test_kseed_replace_unmaps_whole_old_ioas_via_callback)
{
	struct iommufd_ctx *ictx = kt_ctx();
	struct two_ioas t;
	struct kt_access ka;

	two_ioas_setup(&t);
	kt_access_create(&ka, ictx);
	ck_assert_int_eq(iommufd_access_attach(ka.access, t.ioas1), 0);
	ck_assert(kt_holds(ka.id, t.ioas1, "ioas"));
	ck_assert_int_eq(kt_access_pin(&ka, BASE + PAGE, 2 * PAGE), 0);
	ck_assert_int_eq(kt_access_pin(&ka, FAR, PAGE), 0);
	sim_check_refs((char *)t.buf1 + PAGE, 2 * PAGE, 1);
	ck_assert_uint_eq(ka.nunmap, 0);

	ck_assert_int_eq(iommufd_access_replace(ka.access, t.ioas2), 0);
	/* One call, for everything, with no lock held. */
	ck_assert_uint_eq(ka.nunmap, 1);
	ck_assert_uint_eq(ka.unmaps[0].iova, 0);
	ck_assert_uint_eq(ka.unmaps[0].length, ULMAX);
	ck_assert_int_eq(ka.max_depth, 0);
	ck_assert_uint_eq(ka.npins, 0);
	sim_check_refs(t.buf1, 8 * PAGE, 0);
	/* Moved: the reference and the list membership. */
	ck_assert(!kt_holds(ka.id, t.ioas1, "ioas"));
	ck_assert(kt_holds(ka.id, t.ioas2, "ioas"));
	sim_destroy(t.ioas1);
	sim_err_destroy(EBUSY, t.ioas2);
	/* Pins go to the new IOAS now. */
	ck_assert_int_eq(kt_access_pin(&ka, BASE, 2 * PAGE), 0);
	sim_check_refs(t.buf2, 2 * PAGE, 1);

	/* Replacing with the same IOAS is a no-op: no callback. */
	ck_assert_int_eq(iommufd_access_replace(ka.access, t.ioas2), 0);
	ck_assert_uint_eq(ka.nunmap, 1);
	sim_check_refs(t.buf2, 2 * PAGE, 1);

	kt_access_unpin_all(&ka);
	iommufd_access_detach(ka.access);
	/* Detach also revokes everything through the callback. */
	ck_assert_uint_eq(ka.nunmap, 2);
	ck_assert_uint_eq(ka.unmaps[1].length, ULMAX);
	kt_access_destroy(&ka);
	sim_destroy(t.ioas2);
}
END_TEST

START_TEST(test_kseed_failed_replace_delivers_no_unmap_and_keeps_pins)
{
	struct iommufd_ctx *ictx = kt_ctx();
	void *odd = uapi_mem(PAGE);
	struct two_ioas t;
	struct kt_access ka;
	u32 ioas3;

	two_ioas_setup(&t);
	/* ioas3 has a mapping that is not page aligned (no domain). */
	sim_ioas_alloc(&ioas3);
	sim_ioas_map_fixed(ioas3, odd, 2048, BASE + 512);
	kt_access_create(&ka, ictx);
	ck_assert_int_eq(iommufd_access_attach(ka.access, t.ioas1), 0);
	ck_assert_int_eq(kt_access_pin(&ka, BASE, 4 * PAGE), 0);

	/* The new IOAS's alignment check fails first: nothing else runs. */
	ck_assert_int_eq(iommufd_access_replace(ka.access, ioas3),
			 -EADDRINUSE);
	ck_assert_int_eq(iommufd_access_replace(ka.access, 999), -ENOENT);
	ck_assert_int_eq(iommufd_access_replace(ka.access, t.ioas1 + 100),
			 -ENOENT);
	ck_assert_uint_eq(ka.nunmap, 0);
	ck_assert_uint_eq(ka.npins, 1);
	sim_check_refs(t.buf1, 4 * PAGE, 1);
	ck_assert(kt_holds(ka.id, t.ioas1, "ioas"));
	ck_assert(!kt_holds(ka.id, ioas3, "ioas"));
	sim_destroy(ioas3);
	/* Still wired to the old IOAS, pins go there. */
	ck_assert_int_eq(kt_access_pin(&ka, FAR, PAGE), 0);
	sim_check_refs((char *)t.buf1 + 4 * PAGE, PAGE, 1);
	/* And its unmap still asks this access. */
	sim_ioas_unmap(t.ioas1, BASE, 4 * PAGE, NULL);
	ck_assert_uint_eq(ka.nunmap, 1);
	ck_assert_uint_eq(ka.unmaps[0].iova, BASE);
	ck_assert_uint_eq(ka.unmaps[0].length, 4 * PAGE);
	ck_assert_uint_eq(ka.npins, 1);

	/* Replace from an access that is not attached: ENOENT, no WARN. */
	kt_access_unpin_all(&ka);
	iommufd_access_detach(ka.access);
	ck_assert_int_eq(iommufd_access_replace(ka.access, t.ioas2), -ENOENT);
	kt_access_destroy(&ka);
}
END_TEST

/* During a replace the callback runs in the change window. */
struct window {
	u32 other_ioas;
	int pin_rc, rw_rc, attach_rc, replace_rc, internal_attach_rc;
	struct iommufd_ioas *other;
};

static void in_change_window(struct kt_access *ka)
{
	struct window *w = ka->hook_data;
	struct page *pages[1];
	char byte;

	w->pin_rc = iommufd_access_pin_pages(ka->access, BASE, PAGE, pages, 0);
	w->rw_rc = iommufd_access_rw(ka->access, BASE, &byte, 1,
				     IOMMUFD_ACCESS_RW_KTHREAD);
	/* A second change while the first is in flight. */
	w->attach_rc = iommufd_access_attach(ka->access, w->other_ioas);
	w->replace_rc = iommufd_access_replace(ka->access, w->other_ioas);
}

START_TEST(test_kseed_pin_in_change_window_enoent_unpin_works)
{
	struct iommufd_ctx *ictx = kt_ctx();
	struct window w = { 0 };
	struct two_ioas t;
	struct kt_access ka;

	two_ioas_setup(&t);
	sim_ioas_alloc(&w.other_ioas);
	kt_access_create(&ka, ictx);
	ka.in_unmap = in_change_window;
	ka.hook_data = &w;
	ck_assert_int_eq(iommufd_access_attach(ka.access, t.ioas1), 0);
	ck_assert_int_eq(kt_access_pin(&ka, BASE, 2 * PAGE), 0);

	ck_assert_int_eq(iommufd_access_replace(ka.access, t.ioas2), 0);
	/* New pins and copies fail in the window ... */
	ck_assert_int_eq(w.pin_rc, -ENOENT);
	ck_assert_int_eq(w.rw_rc, -ENOENT);
	/* ... a second change is refused (attach sees one in flight) ... */
	ck_assert_int_eq(w.attach_rc, -EBUSY);
	ck_assert_int_eq(w.replace_rc, -ENOENT);
	/* ... and the callback's unpins of the old IOAS worked. */
	ck_assert_uint_eq(ka.npins, 0);
	sim_check_refs(t.buf1, 8 * PAGE, 0);
	ck_assert_int_eq(ka.max_depth, 0);
	/* The first change completed; the second left no trace. */
	ck_assert(kt_holds(ka.id, t.ioas2, "ioas"));
	sim_destroy(w.other_ioas);
	sim_destroy(t.ioas1);

	ka.in_unmap = NULL;
	kt_access_destroy(&ka);
	sim_destroy(t.ioas2);
}
END_TEST

/*
 * The same race with two threads: the replace's callback stalls in the
 * window; the other thread's attach is EBUSY and its pin ENOENT, then it
 * lets the replace finish.
 */
struct race {
	struct kt_access *ka;
	u32 target;
	int rc;
};

static int replace_thread(void *data)
{
	struct race *r = data;

	r->rc = iommufd_access_replace(r->ka->access, r->target);
	return 0;
}

START_TEST(test_kseed_concurrent_second_change_is_ebusy)
{
	struct iommufd_ctx *ictx = kt_ctx();
	struct task_struct *t1;
	struct page *pages[1];
	struct two_ioas t;
	struct kt_access ka;
	struct race r;
	u32 ioas3;

	two_ioas_setup(&t);
	sim_ioas_alloc(&ioas3);
	kt_access_create(&ka, ictx);
	ck_assert_int_eq(iommufd_access_attach(ka.access, t.ioas1), 0);
	ck_assert_int_eq(kt_access_pin(&ka, BASE, PAGE), 0);
	ka.stall = true;

	r = (struct race){ .ka = &ka, .target = t.ioas2, .rc = 1 };
	t1 = kshim_thread_run(replace_thread, &r, "replace");
	wait_for_completion(&ka.in_cb);
	/* The first change is in its window now. */
	ck_assert_int_eq(iommufd_access_attach(ka.access, ioas3), -EBUSY);
	ck_assert_int_eq(iommufd_access_pin_pages(ka.access, BASE, PAGE, pages,
						  0), -ENOENT);
	ck_assert_int_eq(r.rc, 1);
	ka.stall = false;
	complete(&ka.go);
	kshim_thread_join(t1);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(ka.npins, 0);
	ck_assert(kt_holds(ka.id, t.ioas2, "ioas"));
	ck_assert(!kt_holds(ka.id, ioas3, "ioas"));
	sim_destroy(ioas3);

	kt_access_destroy(&ka);
}
END_TEST

/*
 * Destroying an access while it is attached, with pins: the driver is
 * told to unmap everything, the pins go, the IOAS's reference is released
 * (the IOAS is destroyable), and so is the context reference.
 */
START_TEST(test_kseed_access_destroyed_while_attached_releases_ioas)
{
	struct iommufd_ctx *ictx = kt_ctx();
	long count = file_count(ictx->file);
	struct two_ioas t;
	struct kt_access ka;

	two_ioas_setup(&t);
	kt_access_create(&ka, ictx);
	ck_assert_int_eq(file_count(ictx->file), count + 1);
	ck_assert_int_eq(iommufd_access_attach(ka.access, t.ioas1), 0);
	ck_assert_int_eq(kt_access_pin(&ka, BASE, 4 * PAGE), 0);
	sim_err_destroy(EBUSY, t.ioas1);
	/* The driver owns the access: user DESTROY is EBUSY. */
	sim_err_destroy(EBUSY, ka.id);

	iommufd_access_destroy(ka.access);
	ck_assert_uint_eq(ka.nunmap, 1);
	ck_assert_uint_eq(ka.unmaps[0].length, ULMAX);
	ck_assert_uint_eq(ka.npins, 0);
	sim_check_refs(t.buf1, 4 * PAGE, 0);
	ck_assert_int_eq(file_count(ictx->file), count);
	sim_err_destroy(ENOENT, ka.id);
	sim_destroy(t.ioas1);
	mutex_destroy(&ka.lock);
}
END_TEST

/*
 * IOAS_UNMAP of a pinned range calls the driver with nothing held, and the
 * driver unpins from inside the callback: the unmap succeeds (a held
 * ioas_lock or iopt lock would deadlock or be reported by lockdep).
 */
START_TEST(test_kseed_unpin_inside_unmap_callback_holds_no_lock)
{
	struct iommufd_ctx *ictx = kt_ctx();
	struct two_ioas t;
	struct kt_access ka;
	uint64_t unmapped;

	two_ioas_setup(&t);
	sim_mock_domain(t.ioas1, NULL, NULL, NULL);
	kt_access_create(&ka, ictx);
	ck_assert_int_eq(iommufd_access_attach(ka.access, t.ioas1), 0);
	ck_assert_int_eq(kt_access_pin(&ka, BASE + PAGE, PAGE), 0);
	ck_assert_int_eq(kt_access_pin(&ka, FAR, 2 * PAGE), 0);

	sim_ioas_unmap(t.ioas1, BASE, 4 * PAGE, &unmapped);
	ck_assert_uint_eq(unmapped, 4 * PAGE);
	/* Asked about the area it pinned, from a syscall holding nothing. */
	ck_assert_uint_ge(ka.nunmap, 1);
	ck_assert_uint_eq(ka.unmaps[0].iova, BASE);
	ck_assert_uint_eq(ka.unmaps[0].length, 4 * PAGE);
	ck_assert_int_eq(ka.max_depth, 0);
	/* Only the intersecting pin went. */
	ck_assert_uint_eq(ka.npins, 1);
	sim_check_refs((char *)t.buf1 + 4 * PAGE, PAGE, 1);

	kt_access_destroy(&ka);
	/* Only the domain pins what is left mapped. */
	sim_check_refs(t.buf1, 4 * PAGE, 0);
	sim_check_refs((char *)t.buf1 + 4 * PAGE, 4 * PAGE, 1);
}
END_TEST

/* ---- destroy racing a callback in flight --------------------------------- */

/*
 * Controlled runs, many schedules: thread A unmaps an IOAS range an access
 * has pinned (the core calls the driver's callback, holding a short-term
 * reference on the access); thread B destroys the access as soon as the
 * callback has started.  Destroy must wait for the callback: it may never
 * return while the callback is running, and nothing may crash or leak.
 */
struct dr {
	struct iommufd_sim_proc *p;
	int fd;
	u32 ioas;
	struct kt_access ka;
	bool destroy_returned_during_callback;
	bool destroy_began_during_callback;
};

static void dr_in_unmap(struct kt_access *ka)
{
	struct dr *d = ka->hook_data;

	if (ka->nunmap != 1)
		return;
	complete(&ka->in_cb);
	/* Room for the other thread to run while the callback is alive. */
	cond_resched();
	cond_resched();
	cond_resched();
	(void)d;
}

static int dr_unmap_thread(void *data)
{
	struct dr *d = data;
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = d->ioas,
		.iova = BASE,
		.length = 4 * PAGE,
	};

	return iommufd_sim_ioctl(d->p, d->fd, IOMMU_IOAS_UNMAP, &cmd) ? 1 : 0;
}

static int dr_destroy_thread(void *data)
{
	struct dr *d = data;

	wait_for_completion(&d->ka.in_cb);
	d->destroy_began_during_callback = d->ka.in_callback;
	iommufd_access_destroy(d->ka.access);
	if (d->ka.in_callback)
		d->destroy_returned_during_callback = true;
	return 0;
}

static int dr_prog(void *arg)
{
	struct iommufd_sim_opts opts = { .in_current_world = true };
	struct iommufd_sim *sim;
	struct task_struct *a, *b;
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.length = 4 * PAGE,
		.iova = BASE,
	};
	struct iommufd_ctx *ictx;
	static struct dr d;
	int ra, rb, ret;

	memset(&d, 0, sizeof(d));
	kt_register_call_dev();
	sim = iommufd_sim_create(&opts);
	d.p = iommufd_sim_proc_create(sim, NULL);
	d.fd = iommufd_sim_open(d.p, "/dev/iommu", O_RDWR);
	if (d.fd < 0 || iommufd_sim_ioctl(d.p, d.fd, IOMMU_IOAS_ALLOC, &alloc))
		return 10;
	d.ioas = alloc.out_ioas_id;
	map.ioas_id = d.ioas;
	map.user_va = (uintptr_t)iommufd_sim_mem_alloc(d.p, 4 * PAGE, NULL);
	if (iommufd_sim_ioctl(d.p, d.fd, IOMMU_IOAS_MAP, &map))
		return 11;
	ictx = iommufd_ctx_from_file(kt_file_of(d.p, d.fd));
	iommufd_ctx_put(ictx);

	kt_access_create(&d.ka, ictx);
	d.ka.in_unmap = dr_in_unmap;
	d.ka.hook_data = &d;
	if (iommufd_access_attach(d.ka.access, d.ioas) ||
	    kt_access_pin(&d.ka, BASE, 2 * PAGE))
		return 12;

	a = kshim_thread_run(dr_unmap_thread, &d, "unmap");
	b = kshim_thread_run(dr_destroy_thread, &d, "destroy");
	ra = kshim_thread_join(a);
	rb = kshim_thread_join(b);
	mutex_destroy(&d.ka.lock);

	iommufd_sim_close(d.p, d.fd);
	iommufd_sim_destroy(sim, NULL);
	kt_unregister_call_dev();
	if (ra || rb)
		return 13;
	if (d.destroy_returned_during_callback)
		return 14;
	/* 0: destroy had to wait; 1: the callback was over already. */
	ret = d.destroy_began_during_callback ? 0 : 1;
	return ret;
}

struct dr_stats {
	unsigned long waited, not_waited, bad;
	int bad_result;
};

static void dr_progress(unsigned long run, const struct kshim_run_result *res,
			void *data)
{
	struct dr_stats *s = data;

	if (res->status != KSHIM_RUN_PASS || res->fn_result > 1) {
		if (!s->bad) {
			s->bad_result = res->fn_result;
			fprintf(stderr, "run %lu: %s, result %d:\n%s\n", run,
				kshim_run_status_name(res->status),
				res->fn_result,
				res->report ? res->report : "");
		}
		s->bad++;
	} else if (res->fn_result == 0) {
		s->waited++;
	} else {
		s->not_waited++;
	}
}

START_TEST(test_kseed_destroy_waits_for_inflight_unmap_callback)
{
	struct dr_stats stats = { 0 };
	struct kshim_explore_config cfg = {
		.sched = { .kind = KSHIM_SCHED_RANDOM, .seed = 1 },
		.runs = 40,
		.fork = true,
		.progress = dr_progress,
		.progress_data = &stats,
	};
	struct kshim_explore_result res;

	kshim_explore(dr_prog, NULL, &cfg, &res);
	ck_assert_msg(stats.bad == 0, "%lu bad runs (first result %d)",
		      stats.bad, stats.bad_result);
	ck_assert_uint_eq(res.failures, 0);
	/* The interesting interleaving happened. */
	ck_assert_uint_gt(stats.waited, 0);
	kshim_explore_result_free(&res);
}
END_TEST

/* ---- S-internal / S-numlocked ----------------------------------------------- */

START_TEST(test_kseed_internal_access_takes_no_ctx_reference)
{
	struct iommufd_ctx *ictx = kt_ctx();
	long count = file_count(ictx->file);
	struct iommufd_access *internal;
	struct iommufd_ioas *ioas;
	struct kt_access ka;
	void *buf = uapi_mem(4 * PAGE);
	struct page *pages[2];
	u32 ioas_id;

	sim_ioas_alloc(&ioas_id);
	sim_ioas_map_fixed(ioas_id, buf, 4 * PAGE, BASE);
	ioas = kt_get_ioas(ictx, ioas_id);

	internal = iommufd_access_create_internal(ictx);
	ck_assert(!IS_ERR(internal));
	ck_assert_int_eq(file_count(ictx->file), count);
	ck_assert(!iommufd_object_holds_ctx(&internal->obj));
	ck_assert_int_eq(iommufd_access_attach_internal(internal, ioas), 0);
	ck_assert_int_eq(iommufd_access_pin_pages(internal, BASE, 2 * PAGE,
						  pages, 0), 0);
	ck_assert_int_eq(file_count(ictx->file), count);
	/* Its owner holds it: not the user's to destroy. */
	sim_err_destroy(EBUSY, internal->obj.id);
	ck_assert(kt_holds(internal->obj.id, ioas_id, "ioas"));

	/* An external access, by contrast, holds the context's file. */
	kt_access_create(&ka, ictx);
	ck_assert_int_eq(file_count(ictx->file), count + 1);
	ck_assert(iommufd_object_holds_ctx(&ka.access->obj));
	kt_access_destroy(&ka);
	ck_assert_int_eq(file_count(ictx->file), count);

	iommufd_access_unpin_pages(internal, BASE, 2 * PAGE);
	iommufd_access_detach_internal(internal);
	iommufd_put_object(ictx, &ioas->obj);
	iommufd_access_destroy_internal(ictx, internal);
	ck_assert_int_eq(file_count(ictx->file), count);
	sim_destroy(ioas_id);
}
END_TEST

struct area_locks {
	unsigned long iova;
	unsigned long num_locks, num_accesses;
	bool found;
};

static void area_fn(unsigned long iova, unsigned long last,
		    unsigned long num_accesses, unsigned long num_locks,
		    void *data)
{
	struct area_locks *a = data;

	if (iova == a->iova) {
		a->found = true;
		a->num_locks = num_locks;
		a->num_accesses = num_accesses;
	}
}

static struct area_locks area_of(u32 ioas_id, unsigned long iova)
{
	struct area_locks a = { .iova = iova };

	ck_assert_int_eq(iommufd_debug_walk_areas(kt_file_of(uf.p, uf.fd),
						  ioas_id, area_fn, &a), 0);
	return a;
}

/*
 * Pins of an internal access lock their area: IOAS_UNMAP of a range that
 * overlaps it is EBUSY (even unmap-all), while other mappings of the same
 * IOAS unmap normally; an external access's pins in the same IOAS never
 * cause EBUSY (a callback, then success).  Unpinning unlocks.
 */
START_TEST(test_kseed_unmap_ebusy_exactly_on_internally_locked_area)
{
	struct iommufd_ctx *ictx = kt_ctx();
	void *buf = uapi_mem(12 * PAGE);
	struct iommufd_access *internal;
	struct iommufd_ioas *ioas;
	struct kt_access ka;
	struct page *pages[2];
	uint64_t unmapped;
	u32 ioas_id, hwpt;

	sim_ioas_alloc(&ioas_id);
	sim_mock_domain(ioas_id, NULL, &hwpt, NULL);
	/* A: locked by the internal access; B: free; C: external pins. */
	sim_ioas_map_fixed(ioas_id, buf, 4 * PAGE, BASE);
	sim_ioas_map_fixed(ioas_id, (char *)buf + 4 * PAGE, 4 * PAGE,
			   BASE + 64 * PAGE);
	sim_ioas_map_fixed(ioas_id, (char *)buf + 8 * PAGE, 4 * PAGE,
			   BASE + 128 * PAGE);
	ioas = kt_get_ioas(ictx, ioas_id);
	internal = iommufd_access_create_internal(ictx);
	ck_assert(!IS_ERR(internal));
	ck_assert_int_eq(iommufd_access_attach_internal(internal, ioas), 0);
	ck_assert_int_eq(iommufd_access_pin_pages(internal, BASE + PAGE,
						  2 * PAGE, pages, 0), 0);
	ck_assert_uint_eq(area_of(ioas_id, BASE).num_locks, 1);
	ck_assert_uint_eq(area_of(ioas_id, BASE + 64 * PAGE).num_locks, 0);

	kt_access_create(&ka, ictx);
	ck_assert_int_eq(iommufd_access_attach(ka.access, ioas_id), 0);
	ck_assert_int_eq(kt_access_pin(&ka, BASE + 128 * PAGE, 4 * PAGE), 0);
	/* External pins count as accesses, not as locks. */
	ck_assert_uint_eq(area_of(ioas_id, BASE + 128 * PAGE).num_accesses, 1);
	ck_assert_uint_eq(area_of(ioas_id, BASE + 128 * PAGE).num_locks, 0);

	/* Locked: EBUSY, whether asked exactly, around, or for everything. */
	sim_err_ioas_unmap(EBUSY, ioas_id, BASE, 4 * PAGE, NULL);
	sim_err_ioas_unmap(EBUSY, ioas_id, BASE - 16 * PAGE, 32 * PAGE, NULL);
	sim_err_ioas_unmap(EBUSY, ioas_id, 0, UINT64_MAX, NULL);
	/* EBUSY comes before the partial-cover ENOENT. */
	sim_err_ioas_unmap(EBUSY, ioas_id, BASE, PAGE, NULL);
	sim_check_map(hwpt, BASE, 4 * PAGE, buf);
	/* The internal access was never asked: it has no callback. */
	ck_assert_uint_eq(ka.nunmap, 0);

	/* B: no pins, unmaps. */
	sim_ioas_unmap(ioas_id, BASE + 64 * PAGE, 4 * PAGE, &unmapped);
	ck_assert_uint_eq(unmapped, 4 * PAGE);
	/* C: the external driver is asked, unpins, and the unmap wins. */
	sim_ioas_unmap(ioas_id, BASE + 128 * PAGE, 4 * PAGE, &unmapped);
	ck_assert_uint_eq(unmapped, 4 * PAGE);
	ck_assert_uint_eq(ka.nunmap, 1);
	ck_assert_uint_eq(ka.npins, 0);
	sim_check_refs((char *)buf + 4 * PAGE, 8 * PAGE, 0);

	/* Unpinned, A unmaps too. */
	iommufd_access_unpin_pages(internal, BASE + PAGE, 2 * PAGE);
	ck_assert_uint_eq(area_of(ioas_id, BASE).num_locks, 0);
	sim_ioas_unmap(ioas_id, BASE, 4 * PAGE, &unmapped);
	ck_assert_uint_eq(unmapped, 4 * PAGE);
	sim_check_refs(buf, 12 * PAGE, 0);

	iommufd_access_detach_internal(internal);
	iommufd_access_destroy_internal(ictx, internal);
	iommufd_put_object(ictx, &ioas->obj);
	kt_access_destroy(&ka);
}
END_TEST

/* ---- device replace that fails ------------------------------------------------- */

/* A mock device with a reserved region, bound to uf's context. */
struct kdev {
	struct mock_dev *mdev;
	struct iommufd_device *idev;
	u32 idev_id;
};

#define RESV_START	(BASE + 0x100000)
#define RESV_LEN	0x10000UL

static void kdev_bind(struct kdev *d, struct iommufd_ctx *ictx)
{
	d->mdev = mock_dev_create(0);
	ck_assert(!IS_ERR(d->mdev));
	ck_assert_int_eq(mock_dev_add_resv_region(d->mdev, RESV_START,
						  RESV_LEN, 0,
						  IOMMU_RESV_RESERVED), 0);
	d->idev = iommufd_device_bind(ictx, mock_dev_device(d->mdev),
				      &d->idev_id);
	ck_assert(!IS_ERR(d->idev));
}

static void kdev_unbind(struct kdev *d)
{
	iommufd_device_detach(d->idev, IOMMU_NO_PASID);
	iommufd_device_unbind(d->idev);
	mock_dev_destroy(d->mdev);
}

/* The aperture with the device's region cut out. */
static const uint64_t holed[] = {
	BASE, RESV_START - 1,
	RESV_START + RESV_LEN, MOCK_APERTURE_LAST,
};
static const uint64_t aperture[] = { BASE, MOCK_APERTURE_LAST };
static const uint64_t everything[] = { 0, ~0UL };

static struct iommu_domain *hwpt_domain(struct iommufd_ctx *ictx, u32 id)
{
	struct iommufd_object *obj = iommufd_get_object(ictx, id,
							IOMMUFD_OBJ_ANY);
	struct iommu_domain *domain;

	ck_assert(!IS_ERR(obj));
	domain = container_of(obj, struct iommufd_hw_pagetable, obj)->domain;
	iommufd_put_object(ictx, obj);
	return domain;
}

START_TEST(test_kseed_failed_device_replace_keeps_attachment_and_resv)
{
	struct iommufd_ctx *ictx = kt_ctx();
	void *buf = uapi_mem(4 * PAGE);
	u32 ioas1, ioas2, ioas3, hwpt1, manual, pt;
	struct kdev d;

	sim_ioas_alloc(&ioas1);
	sim_ioas_alloc(&ioas2);
	sim_ioas_alloc(&ioas3);
	kdev_bind(&d, ictx);
	pt = ioas1;
	ck_assert_int_eq(iommufd_device_attach(d.idev, IOMMU_NO_PASID, &pt), 0);
	hwpt1 = pt;
	cov_assert_ranges(ioas1, holed, 2, COV_IOPAGE);
	sim_hwpt_alloc_paging(d.idev_id, ioas1, 0, &manual);
	ck_assert_uint_eq(kt_users(hwpt1), 2);
	ck_assert(kt_holds(d.idev_id, hwpt1, "attached"));

	/*
	 * 1. Onto another HWPT of the same IOAS, refused by the driver: the
	 * ranges the old attachment reserved in this IOAS stay (the 6.12
	 * kernel drops them here; see device.c).
	 */
	mock_dev_fail_next_attach(d.mdev, -EIO);
	pt = manual;
	ck_assert_int_eq(iommufd_device_replace(d.idev, IOMMU_NO_PASID, &pt),
			 -EIO);
	ck_assert_ptr_eq(mock_dev_domain(d.mdev, IOMMU_NO_PASID),
			 hwpt_domain(ictx, hwpt1));
	cov_assert_ranges(ioas1, holed, 2, COV_IOPAGE);
	ck_assert_uint_eq(kt_users(hwpt1), 2);
	ck_assert_uint_eq(kt_users(manual), 1);
	/* A mapping into the hole is still refused. */
	sim_err_ioas_map_fixed(EINVAL, ioas1, buf, PAGE, RESV_START);

	/*
	 * 2. Onto another IOAS whose mapping the region would cover: the
	 * region cannot be reserved there; nothing moves, nothing is left.
	 */
	sim_ioas_map_fixed(ioas2, buf, 4 * PAGE, RESV_START);
	pt = ioas2;
	ck_assert_int_eq(iommufd_device_replace(d.idev, IOMMU_NO_PASID, &pt),
			 -EADDRINUSE);
	ck_assert_ptr_eq(mock_dev_domain(d.mdev, IOMMU_NO_PASID),
			 hwpt_domain(ictx, hwpt1));
	cov_assert_ranges(ioas1, holed, 2, COV_IOPAGE);
	cov_assert_ranges(ioas2, everything, 1, 1);
	ck_assert_uint_eq(kt_users(hwpt1), 2);

	/* 3. The same onto a manual HWPT of ioas3, refused by the driver. */
	{
		u32 manual3;

		sim_hwpt_alloc_paging(d.idev_id, ioas3, 0, &manual3);
		cov_assert_ranges(ioas3, aperture, 1, COV_IOPAGE);
		mock_dev_fail_next_attach(d.mdev, -ENOMEM);
		pt = manual3;
		ck_assert_int_eq(iommufd_device_replace(d.idev, IOMMU_NO_PASID,
							&pt), -ENOMEM);
		/* The new IOAS's reservation was undone, the old one kept. */
		cov_assert_ranges(ioas3, aperture, 1, COV_IOPAGE);
		cov_assert_ranges(ioas1, holed, 2, COV_IOPAGE);
		ck_assert_uint_eq(kt_users(manual3), 1);

		/* 4. And now for real: the ranges move with the device. */
		ck_assert_int_eq(iommufd_device_replace(d.idev, IOMMU_NO_PASID,
							&pt), 0);
		ck_assert_uint_eq(pt, manual3);
		cov_assert_ranges(ioas3, holed, 2, COV_IOPAGE);
		/* The automatic HWPT went; the manual one still reserves. */
		sim_err_destroy(ENOENT, hwpt1);
		cov_assert_ranges(ioas1, aperture, 1, COV_IOPAGE);
		ck_assert_uint_eq(kt_users(manual3), 2);
		kdev_unbind(&d);
		cov_assert_ranges(ioas3, aperture, 1, COV_IOPAGE);
		sim_destroy(manual3);
	}
	sim_destroy(manual);
	cov_assert_ranges(ioas1, everything, 1, 1);
}
END_TEST

Suite *kseed_suite(void)
{
	Suite *s = suite_create("kseed");
	TCase *tc = kt_tcase("kseed");

	tcase_add_test(tc, test_kseed_replace_unmaps_whole_old_ioas_via_callback);
	tcase_add_test(tc, test_kseed_failed_replace_delivers_no_unmap_and_keeps_pins);
	tcase_add_test(tc, test_kseed_pin_in_change_window_enoent_unpin_works);
	tcase_add_test(tc, test_kseed_concurrent_second_change_is_ebusy);
	tcase_add_test(tc, test_kseed_access_destroyed_while_attached_releases_ioas);
	tcase_add_test(tc, test_kseed_unpin_inside_unmap_callback_holds_no_lock);
	tcase_add_test(tc, test_kseed_internal_access_takes_no_ctx_reference);
	tcase_add_test(tc, test_kseed_unmap_ebusy_exactly_on_internally_locked_area);
	tcase_add_test(tc, test_kseed_failed_device_replace_keeps_attachment_and_resv);
	suite_add_tcase(s, tc);

	/* Controlled runs of their own: no fixture world. */
	tc = tcase_create("kseed_controlled");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_kseed_destroy_waits_for_inflight_unmap_callback);
	suite_add_tcase(s, tc);
	return s;
}
