/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kernel_ops.h - what the rest of the scenario engine needs from the
 * in-kernel side (kernel_ops.c) without seeing the core's private types.
 */
#ifndef _SC_KERNEL_OPS_H
#define _SC_KERNEL_OPS_H

struct file;
struct iommufd_sim_proc;

/* The iommufd context behind descriptor @fd of @p (no reference), or NULL. */
void *sc_kernel_ctx_of(struct iommufd_sim_proc *p, int fd);
/* The file of a context from sc_kernel_ctx_of(). */
struct file *sc_kernel_ctx_file(void *ictx);

#endif /* _SC_KERNEL_OPS_H */
