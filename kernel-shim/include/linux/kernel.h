/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/kernel.h - the everyday macros.
 *
 * Contract
 *   Kept:    container_of, ARRAY_SIZE, type-checked min/max (mixing types is
 *            a build error, as in the kernel), min_t/max_t/clamp,
 *            ALIGN/ALIGN_DOWN/IS_ALIGNED/PTR_ALIGN, round_up/round_down,
 *            DIV_ROUND_UP, the U8_MAX..ULONG_MAX limits, PHYS_ADDR_MAX,
 *            swap, upper_32_bits/lower_32_bits.
 *   Dropped: printk and friends live in linux/printk.h, not here.
 *   Added:   the limits and asm/page.h are pulled in here for convenience,
 *            where the kernel spreads them over limits.h and asm/page.h.
 */
#ifndef _KSHIM_LINUX_KERNEL_H
#define _KSHIM_LINUX_KERNEL_H

#include <limits.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/page.h>

#define U8_MAX		((u8)~0U)
#define S8_MAX		((s8)(U8_MAX >> 1))
#define U16_MAX		((u16)~0U)
#define S16_MAX		((s16)(U16_MAX >> 1))
#define U32_MAX		((u32)~0U)
#define S32_MAX		((s32)(U32_MAX >> 1))
#define U64_MAX		((u64)~0ULL)
#define S64_MAX		((s64)(U64_MAX >> 1))
#define PHYS_ADDR_MAX	(~(phys_addr_t)0)
#ifndef SIZE_MAX
#define SIZE_MAX	(~(size_t)0)
#endif

#define container_of(ptr, type, member) ({				\
	void *__mptr = (void *)(ptr);					\
	static_assert(__same_type(*(ptr), ((type *)0)->member) ||	\
		      __same_type(*(ptr), void),			\
		      "pointer type mismatch in container_of()");	\
	((type *)(__mptr - offsetof(type, member))); })

#define __must_be_array(a) \
	BUILD_BUG_ON_ZERO(__same_type((a), &(a)[0]))
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]) + __must_be_array(arr))

/*
 * Mixing types in min()/max() is rejected at build time, as the kernel does.
 * Each expansion gets its own temporaries so that nested uses (clamp, min3)
 * do not shadow each other.
 */
#define __kshim_paste(a, b)	a##b
#define __kshim_uniq(a, n)	__kshim_paste(a, n)
#define __kshim_cmp_once(op, x, y, ux, uy) ({				\
	typeof(x) ux = (x);						\
	typeof(y) uy = (y);						\
	(void)(&ux == &uy);						\
	ux op uy ? ux : uy; })
#define __kshim_cmp(op, x, y)						\
	__kshim_cmp_once(op, x, y, __kshim_uniq(__x_, __COUNTER__),	\
			 __kshim_uniq(__y_, __COUNTER__))

#define min(x, y)	__kshim_cmp(<, x, y)
#define max(x, y)	__kshim_cmp(>, x, y)
#define min3(x, y, z)	min((typeof(x))min(x, y), z)
#define max3(x, y, z)	max((typeof(x))max(x, y), z)
#define min_t(type, x, y) ({ type __a = (x); type __b = (y); \
			     __a < __b ? __a : __b; })
#define max_t(type, x, y) ({ type __a = (x); type __b = (y); \
			     __a > __b ? __a : __b; })
#define clamp(val, lo, hi) min((typeof(val))max(val, lo), hi)
#define clamp_t(type, val, lo, hi) min_t(type, max_t(type, val, lo), hi)

#define swap(a, b) \
	do { typeof(a) __tmp = (a); (a) = (b); (b) = __tmp; } while (0)

#define __ALIGN_MASK(x, mask)	(((x) + (mask)) & ~(mask))
#define ALIGN(x, a)		__ALIGN_MASK(x, (typeof(x))(a) - 1)
#define ALIGN_DOWN(x, a)	((x) & ~((typeof(x))(a) - 1))
#define PTR_ALIGN(p, a)		((typeof(p))ALIGN((unsigned long)(p), (a)))
#define PTR_ALIGN_DOWN(p, a)	((typeof(p))ALIGN_DOWN((unsigned long)(p), (a)))
#define IS_ALIGNED(x, a)	(((x) & ((typeof(x))(a) - 1)) == 0)
#define PAGE_ALIGN(addr)	ALIGN(addr, PAGE_SIZE)
#define PAGE_ALIGN_DOWN(addr)	ALIGN_DOWN(addr, PAGE_SIZE)
#define PAGE_ALIGNED(addr)	IS_ALIGNED((unsigned long)(addr), PAGE_SIZE)

/* round_up/round_down require a power-of-two @y. */
#define __round_mask(x, y)	((__typeof__(x))((y) - 1))
#define round_up(x, y)		((((x) - 1) | __round_mask(x, y)) + 1)
#define round_down(x, y)	((x) & ~__round_mask(x, y))
#define roundup(x, y) ({ typeof(y) __y = (y); \
			 (((x) + (__y - 1)) / __y) * __y; })
#define rounddown(x, y) ({ typeof(x) __x = (x); __x - (__x % (y)); })
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define DIV_ROUND_UP_ULL(ll, d)	DIV_ROUND_UP((unsigned long long)(ll), (d))

#define upper_32_bits(n)	((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n)	((u32)((n) & 0xffffffff))

#define abs_diff(a, b) ({ typeof(a) __a = (a); typeof(b) __b = (b); \
			  __a > __b ? __a - __b : __b - __a; })

#define __stringify_1(x...)	#x
#define __stringify(x...)	__stringify_1(x)

#define IS_ENABLED(option)	__kshim_is_defined(option)
#define __kshim_arg_placeholder_1 0,
#define __kshim_take_second(ignored, val, ...) val
#define __kshim_is_defined(x) ___kshim_is_defined(x)
#define ___kshim_is_defined(val) \
	____kshim_is_defined(__kshim_arg_placeholder_##val)
#define ____kshim_is_defined(arg1_or_junk) \
	__kshim_take_second(arg1_or_junk 1, 0, 0)

#endif /* _KSHIM_LINUX_KERNEL_H */
