/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/types.h - fixed-width and kernel scalar types.
 *
 * Contract
 *   Kept:    u8..u64, s8..s64, the __uN/__sN spellings (taken from the host's
 *            uapi header through #include_next, so uapi structs agree with
 *            the host), bool, gfp_t, phys_addr_t, dma_addr_t, resource_size_t,
 *            struct list_head / hlist_head / hlist_node, atomic_t/atomic64_t.
 *   Dropped: sparse annotations (__bitwise, __user address space) are empty;
 *            the simulator has one address space and checks user pointers at
 *            run time instead (see linux/uaccess.h).
 *   Added:   nothing.
 */
#ifndef _KSHIM_LINUX_TYPES_H
#define _KSHIM_LINUX_TYPES_H

#include_next <linux/types.h>	/* __u8 .. __u64, __le64, __aligned_u64 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef __u8 u8;
typedef __s8 s8;
typedef __u16 u16;
typedef __s16 s16;
typedef __u32 u32;
typedef __s32 s32;
typedef __u64 u64;
typedef __s64 s64;

typedef unsigned int gfp_t;
typedef u64 phys_addr_t;
typedef u64 dma_addr_t;
typedef phys_addr_t resource_size_t;
typedef unsigned long irq_hw_number_t;

#ifndef __user
#define __user
#endif
#ifndef __iomem
#define __iomem
#endif
#ifndef __rcu
#define __rcu
#endif
#ifndef __force
#define __force
#endif

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	s64 counter;
} atomic64_t;

typedef struct {
	long counter;
} atomic_long_t;

struct list_head {
	struct list_head *next, *prev;
};

struct hlist_head {
	struct hlist_node *first;
};

struct hlist_node {
	struct hlist_node *next, **pprev;
};

#endif /* _KSHIM_LINUX_TYPES_H */
