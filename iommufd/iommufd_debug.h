/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iommufd_debug.h - looking inside contexts, for front ends and reports.
 *
 * The simulator's own addition (the kernel has no such interface): a walk
 * over a context's objects with their reference counts and the long-term
 * references between them, and over an IOAS's areas.  The scenario engine
 * draws object graphs with it; the core uses the same knowledge to explain
 * a context whose release cannot make progress, or that is kept alive by
 * references from its own objects.
 */
#ifndef __IOMMUFD_DEBUG_H
#define __IOMMUFD_DEBUG_H

#include <linux/iommufd.h>
#include <linux/types.h>

struct file;
struct iommufd_ctx;

struct iommufd_debug_object {
	u32 id;
	enum iommufd_object_type type;
	const char *type_name;
	unsigned int users;
	unsigned int wait_cnt;
	/* Holds a reference on its context's file (keeps it open). */
	bool holds_ctx;
};

/*
 * @what says why @holder holds a @users reference on @held ("ioas",
 * "attached", "parent", "driver", "fault" ...).
 */
typedef void (*iommufd_debug_ref_fn)(u32 holder, u32 held, const char *what,
				     void *data);
typedef void (*iommufd_debug_object_fn)(const struct iommufd_debug_object *o,
					void *data);
typedef void (*iommufd_debug_area_fn)(unsigned long iova, unsigned long last,
				      unsigned long num_accesses,
				      unsigned long num_locks, void *data);

const char *iommufd_object_type_name(enum iommufd_object_type type);

/*
 * Walk the objects of the context behind @file (an open /dev/iommu file)
 * and the references between them.  Return: 0 or -EBADFD.
 */
int iommufd_debug_walk(struct file *file, iommufd_debug_object_fn ofn,
		       iommufd_debug_ref_fn rfn, void *data);
/* Walk the areas of IOAS @ioas_id of @file's context. */
int iommufd_debug_walk_areas(struct file *file, u32 ioas_id,
			     iommufd_debug_area_fn fn, void *data);

/*
 * Describe @ictx's remaining objects, their counts, who holds each of them
 * and what no remaining object explains, into a kmalloc'd string.
 */
char *iommufd_debug_describe(struct iommufd_ctx *ictx);

/* Contexts whose file is still open somewhere, in this world. */
unsigned int iommufd_debug_live_contexts(void);

#endif /* __IOMMUFD_DEBUG_H */
