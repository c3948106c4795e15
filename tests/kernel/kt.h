/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kt.h - kernel-level tests on a context opened through the embedding API.
 *
 * Some of what the core must get right can only be shown by calling its
 * in-kernel API the way a driver does: accesses with a driver of the
 * test's own (its unmap callback records what it is asked), internal
 * accesses (the HW queue's, until issue 9 brings one), device binds of
 * mock devices with reserved regions, references taken behind the uAPI's
 * back, locks taken in a wrong order.  These tests drive everything else
 * through the embedding API with the uAPI suites' fixture and helpers
 * (uapi_util.h: uf.sim, uf.p, uf.fd, sim_X()), and reach the kernel side
 * of that same context through a test device:
 *
 *   /dev/ktest-call   a misc device the test registers; its ioctl runs a
 *                     function of the test inside the simulated process's
 *                     system call (current->mm, files, credentials are the
 *                     process's), which is how the test finds the struct
 *                     file behind a descriptor.
 *
 * kt_tcase() is cov_tcase() with the device registered: every test runs in
 * its own simulator whose world audit must come out clean.
 */
#ifndef _KT_H
#define _KT_H

#include <check.h>
#include <fcntl.h>
#include <linux/completion.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iommufd.h>
#include <linux/mutex.h>
#include "iommufd_debug.h"
#include "iommufd_private.h"
#include "uapi_cov.h"

#define KT_PAGE		COV_PAGE
#define KT_BASE		COV_BASE

TCase *kt_tcase(const char *name);
void kt_register_call_dev(void);
void kt_unregister_call_dev(void);

/* Run @fn(@data) inside a system call of process @p; returns fn's value. */
long kt_in_process(struct iommufd_sim_proc *p, long (*fn)(void *), void *data);
/* The file behind descriptor @fd of @p (no reference is kept). */
struct file *kt_file_of(struct iommufd_sim_proc *p, int fd);
/* The context behind uf.fd (no reference is kept). */
struct iommufd_ctx *kt_ctx(void);
/* The IOAS object @id of @ictx, with a short-term reference. */
struct iommufd_ioas *kt_get_ioas(struct iommufd_ctx *ictx, u32 id);

/* ---- a driver with an access -------------------------------------------- */

struct kt_range {
	unsigned long iova;
	unsigned long length;
};

/*
 * The test's emulated-device driver.  Its unmap callback records each call
 * (@unmaps) with how many locks the calling task held (@max_depth: no
 * iommufd lock may be held across the callout), runs @in_unmap if set (the
 * change window of a replace), optionally stalls until @go is completed,
 * and unpins every pin of its list that intersects the range, from inside
 * the callback, as the contract demands.
 */
struct kt_access {
	struct iommufd_access *access;
	u32 id;
	struct mutex lock;		/* @pins */
	unsigned int npins;
	struct kt_range pins[16];

	unsigned int nunmap;
	struct kt_range unmaps[16];
	int max_depth;
	void (*in_unmap)(struct kt_access *ka);
	void *hook_data;

	bool stall;
	struct completion in_cb;
	struct completion go;
	bool in_callback;
	unsigned int callbacks_done;
};

/* An external access of @ictx (needs_pin_pages), attached to nothing. */
void kt_access_create(struct kt_access *ka, struct iommufd_ctx *ictx);
/* Pin [@iova, @iova + @length) and remember it; 0 or -errno. */
int kt_access_pin(struct kt_access *ka, unsigned long iova,
		  unsigned long length);
void kt_access_unpin_all(struct kt_access *ka);
void kt_access_destroy(struct kt_access *ka);

/* The users count of object @id of uf.fd's context (0: no such object). */
unsigned int kt_users(u32 id);
/* True if object @holder holds a users reference on @held ("what"). */
bool kt_holds(u32 holder, u32 held, const char *what);

Suite *kseed_suite(void);
Suite *krelease_suite(void);
Suite *klockdep_suite(void);
Suite *kviommu_suite(void);

#endif /* _KT_H */
