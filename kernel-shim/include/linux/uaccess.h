/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/uaccess.h - copying to and from user memory.
 *
 * Contract
 *   Kept:    copy_to_user/copy_from_user/clear_user return the number of
 *            bytes NOT copied (0 on success); copy_from_user zero-fills
 *            the part of the destination it could not copy.  get_user and
 *            put_user return 0 or -EFAULT (get_user stores 0 on failure).
 *            access_ok() is the x86-64 range check (the range must end at
 *            or below TASK_SIZE_MAX).  check_zeroed_user (1 all zero, 0 not,
 *            -EFAULT), copy_struct_from_user (the extensible-struct rule:
 *            a shorter user struct is zero-extended, a longer one must have
 *            a zero tail or the result is -E2BIG, -EFAULT on a fault),
 *            strncpy_from_user, strnlen_user, memdup_user, u64_to_user_ptr.
 *            Unmapped addresses, NULL, garbage, writes to read-only memory
 *            and reads of PROT_NONE memory fail as in the kernel, never
 *            with a crash.  Every call is a scheduling point and
 *            might_fault() (a sleep in atomic context is reported).
 *   Dropped: the sparse __user address space (the annotation is empty:
 *            checks happen at run time), user_access_begin and the
 *            unsafe_* accessors, exact byte counts inside a faulting page
 *            for memory outside simulator mappings (see below).
 *   Added:   the simulator and its user share one address space, so a
 *            "user" address is resolved at run time (mm/uaccess.c):
 *              - a user mapping made by the simulator (kshim/umem.h) in
 *                current->mm: its protection is checked, a first touch
 *                consults the mapping's fault plan (stall / fail), and
 *                bytes move through the frames' direct map;
 *              - the calling thread's own live stack: copied directly;
 *              - any other address: process_vm_readv/process_vm_writev on
 *                this process (the host kernel checks mapping and
 *                protection), or a pipe when those are forbidden;
 *              - a simulator mapping of another simulated process: -EFAULT.
 *            A fault point (kshim/fault.h, as the kernel's fail_usercopy)
 *            can be enabled (kshim_uaccess_set_fault_injection() in
 *            kshim/umem.h).
 */
#ifndef _KSHIM_LINUX_UACCESS_H
#define _KSHIM_LINUX_UACCESS_H

#include <linux/errno.h>
#include <linux/types.h>
#include <asm/page.h>

/* The highest user address + 1 of x86-64 with 4-level paging, minus a page. */
#define TASK_SIZE_MAX	((1UL << 47) - PAGE_SIZE)

static inline bool access_ok(const void __user *addr, unsigned long size)
{
	unsigned long a = (unsigned long)addr;

	return size <= TASK_SIZE_MAX && a <= TASK_SIZE_MAX - size;
}

static inline void __user *u64_to_user_ptr(u64 v)
{
	return (void __user *)(uintptr_t)v;
}

unsigned long copy_to_user(void __user *to, const void *from,
			   unsigned long n);
unsigned long copy_from_user(void *to, const void __user *from,
			     unsigned long n);
unsigned long clear_user(void __user *to, unsigned long n);
int check_zeroed_user(const void __user *from, size_t size);
long strncpy_from_user(char *dst, const char __user *src, long count);
long strnlen_user(const char __user *str, long n);
void *memdup_user(const void __user *src, size_t len);

/*
 * get_user/put_user on a scalar (integer or pointer) of 1, 2, 4 or 8
 * bytes.  The value travels through a u64 so that const-qualified pointer
 * targets work and a failed get_user stores 0.
 */
#define get_user(x, ptr) ({						\
	u64 __gu_val = 0;						\
	int __gu_err;							\
	_Static_assert(sizeof(*(ptr)) <= sizeof(u64),			\
		       "get_user on a scalar only");			\
	__gu_err = copy_from_user(&__gu_val, (ptr), sizeof(*(ptr))) ?	\
		   -EFAULT : 0;						\
	(x) = (__typeof__(*(ptr)))(uintptr_t)__gu_val;			\
	__gu_err;							\
})

#define put_user(x, ptr) ({						\
	__typeof__(*(ptr)) __pu_val = (x);				\
	copy_to_user((ptr), &__pu_val, sizeof(*(ptr))) ? -EFAULT : 0;	\
})

#define __get_user(x, ptr)	get_user(x, ptr)
#define __put_user(x, ptr)	put_user(x, ptr)

/**
 * copy_struct_from_user - copy an extensible struct from user memory
 * @dst: kernel buffer of @ksize bytes
 * @ksize: the size the kernel knows
 * @src: the user's struct
 * @usize: the size the user says it has
 *
 * A user struct shorter than the kernel's is zero-extended; a longer one
 * is accepted only if the bytes past @ksize are all zero.
 *
 * Return: 0, -E2BIG for a non-zero tail, -EFAULT when user memory faults.
 */
static inline int copy_struct_from_user(void *dst, size_t ksize,
					const void __user *src, size_t usize)
{
	size_t size = usize < ksize ? usize : ksize;
	int ret;

	if (usize < ksize) {
		__builtin_memset((char *)dst + size, 0, ksize - size);
	} else if (usize > ksize) {
		ret = check_zeroed_user((const char __user *)src + size,
					usize - size);
		if (ret <= 0)
			return ret ? ret : -E2BIG;
	}
	if (copy_from_user(dst, src, size))
		return -EFAULT;
	return 0;
}

#endif /* _KSHIM_LINUX_UACCESS_H */
