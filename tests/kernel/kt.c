// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the kernel-level suites (see kt.h).
 */
#include <fcntl.h>
#include <string.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include "iommufd_debug.h"
#include "kt.h"

/* ---- /dev/ktest-call ------------------------------------------------------ */

struct kt_call {
	long (*fn)(void *data);
	void *data;
	long ret;
};

static long kt_call_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	/* Same address space: the pointer is the test's own, not user's. */
	struct kt_call *call = (struct kt_call *)arg;

	call->ret = call->fn(call->data);
	return 0;
}

static const struct file_operations kt_call_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kt_call_ioctl,
};

static struct miscdevice kt_call_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ktest-call",
	.fops = &kt_call_fops,
};

void kt_register_call_dev(void)
{
	ck_assert_int_eq(misc_register(&kt_call_dev), 0);
}

void kt_unregister_call_dev(void)
{
	misc_deregister(&kt_call_dev);
}

static void kt_setup(void)
{
	kt_register_call_dev();
}

static void kt_teardown(void)
{
	kt_unregister_call_dev();
}

TCase *kt_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, kt_setup, kt_teardown);
	tcase_add_checked_fixture(tc, uapi_setup, uapi_teardown);
	/* Runs first: no lockdep report left (the klockdep tests clear theirs). */
	tcase_add_checked_fixture(tc, NULL, cov_teardown_lockdep);
	tcase_set_timeout(tc, 300);
	return tc;
}

long kt_in_process(struct iommufd_sim_proc *p, long (*fn)(void *), void *data)
{
	struct kt_call call = { .fn = fn, .data = data };
	int fd;

	fd = iommufd_sim_open(p, "/dev/ktest-call", O_RDWR);
	ck_assert_msg(fd >= 0, "open /dev/ktest-call: %s", uapi_errname(errno));
	ck_assert_int_eq(iommufd_sim_ioctl(p, fd, 0, &call), 0);
	ck_assert_int_eq(iommufd_sim_close(p, fd), 0);
	return call.ret;
}

struct kt_file_of {
	int fd;
	struct file *file;
};

static long kt_file_of_fn(void *data)
{
	struct kt_file_of *f = data;

	f->file = fget(f->fd);
	if (!f->file)
		return -EBADF;
	/* The descriptor keeps it alive; this is not the last reference. */
	fput(f->file);
	return 0;
}

struct file *kt_file_of(struct iommufd_sim_proc *p, int fd)
{
	struct kt_file_of f = { .fd = fd };

	ck_assert_int_eq(kt_in_process(p, kt_file_of_fn, &f), 0);
	return f.file;
}

struct iommufd_ctx *kt_ctx(void)
{
	struct file *file = kt_file_of(uf.p, uf.fd);
	struct iommufd_ctx *ictx = iommufd_ctx_from_file(file);

	ck_assert(!IS_ERR(ictx));
	/* The caller's descriptor stays open while the test uses it. */
	iommufd_ctx_put(ictx);
	return ictx;
}

struct iommufd_ioas *kt_get_ioas(struct iommufd_ctx *ictx, u32 id)
{
	struct iommufd_ioas *ioas = iommufd_get_ioas(ictx, id);

	ck_assert_msg(!IS_ERR(ioas), "IOAS %u: %ld", id, PTR_ERR(ioas));
	return ioas;
}

/* ---- the test's driver ---------------------------------------------------- */

static void kt_access_unmap(void *data, unsigned long iova,
			    unsigned long length)
{
	struct kt_access *ka = data;
	unsigned long last = iova + length - 1;
	unsigned int i, n;

	ka->in_callback = true;
	if (kshim_lockdep_depth() > ka->max_depth)
		ka->max_depth = kshim_lockdep_depth();
	if (ka->nunmap < ARRAY_SIZE(ka->unmaps))
		ka->unmaps[ka->nunmap] = (struct kt_range){ iova, length };
	ka->nunmap++;
	if (ka->in_unmap)
		ka->in_unmap(ka);
	if (ka->stall) {
		complete(&ka->in_cb);
		wait_for_completion(&ka->go);
	}

	mutex_lock(&ka->lock);
	for (i = 0, n = 0; i < ka->npins; i++) {
		struct kt_range *r = &ka->pins[i];

		if (r->iova > last || r->iova + r->length - 1 < iova) {
			ka->pins[n++] = *r;
			continue;
		}
		/* Unpin from inside the callback: nothing may be held. */
		iommufd_access_unpin_pages(ka->access, r->iova, r->length);
	}
	ka->npins = n;
	mutex_unlock(&ka->lock);
	ka->callbacks_done++;
	ka->in_callback = false;
}

static const struct iommufd_access_ops kt_access_ops = {
	.needs_pin_pages = 1,
	.unmap = kt_access_unmap,
};

void kt_access_create(struct kt_access *ka, struct iommufd_ctx *ictx)
{
	memset(ka, 0, sizeof(*ka));
	mutex_init(&ka->lock);
	init_completion(&ka->in_cb);
	init_completion(&ka->go);
	ka->access = iommufd_access_create(ictx, &kt_access_ops, ka, &ka->id);
	ck_assert_msg(!IS_ERR(ka->access), "access create: %ld",
		      PTR_ERR(ka->access));
}

int kt_access_pin(struct kt_access *ka, unsigned long iova,
		  unsigned long length)
{
	struct page *pages[64];
	int rc;

	ck_assert_uint_le(length / PAGE_SIZE, ARRAY_SIZE(pages));
	mutex_lock(&ka->lock);
	rc = iommufd_access_pin_pages(ka->access, iova, length, pages, 0);
	if (!rc) {
		ck_assert_uint_lt(ka->npins, ARRAY_SIZE(ka->pins));
		ka->pins[ka->npins++] = (struct kt_range){ iova, length };
	}
	mutex_unlock(&ka->lock);
	return rc;
}

void kt_access_unpin_all(struct kt_access *ka)
{
	unsigned int i;

	mutex_lock(&ka->lock);
	for (i = 0; i < ka->npins; i++)
		iommufd_access_unpin_pages(ka->access, ka->pins[i].iova,
					   ka->pins[i].length);
	ka->npins = 0;
	mutex_unlock(&ka->lock);
}

void kt_access_destroy(struct kt_access *ka)
{
	iommufd_access_destroy(ka->access);
	ka->access = NULL;
	mutex_destroy(&ka->lock);
}

/* ---- the object graph ------------------------------------------------------ */

struct kt_walk {
	u32 id, holder;
	const char *what;
	unsigned int users;
	bool found;
};

static void kt_walk_obj(const struct iommufd_debug_object *o, void *data)
{
	struct kt_walk *w = data;

	if (o->id == w->id)
		w->users = o->users;
}

static void kt_walk_ref(u32 holder, u32 held, const char *what, void *data)
{
	struct kt_walk *w = data;

	if (holder == w->holder && held == w->id && !strcmp(what, w->what))
		w->found = true;
}

unsigned int kt_users(u32 id)
{
	struct kt_walk w = { .id = id };

	ck_assert_int_eq(iommufd_debug_walk(kt_file_of(uf.p, uf.fd),
					    kt_walk_obj, NULL, &w), 0);
	return w.users;
}

bool kt_holds(u32 holder, u32 held, const char *what)
{
	struct kt_walk w = { .id = held, .holder = holder, .what = what };

	ck_assert_int_eq(iommufd_debug_walk(kt_file_of(uf.p, uf.fd), NULL,
					    kt_walk_ref, &w), 0);
	return w.found;
}
