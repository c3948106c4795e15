/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/compiler.h - compiler attributes and access-once helpers.
 *
 * Contract
 *   Kept:    likely/unlikely, READ_ONCE/WRITE_ONCE as volatile accesses,
 *            barrier(), __always_inline, __maybe_unused, __must_check,
 *            fallthrough, __packed, __aligned, noinline, __cold.
 *   Dropped: instrumentation attributes (KCSAN, noinstr) - meaningless here.
 *   Added:   nothing.  Memory barriers live in asm/barrier.h semantics of
 *            C11 atomics (see linux/atomic.h).
 */
#ifndef _KSHIM_LINUX_COMPILER_H
#define _KSHIM_LINUX_COMPILER_H

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define barrier()	__asm__ __volatile__("" : : : "memory")

#define READ_ONCE(x)	(*(const volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, val)					\
	do {							\
		*(volatile typeof(x) *)&(x) = (val);		\
	} while (0)

#ifndef __always_inline
#define __always_inline	inline __attribute__((__always_inline__))
#endif
#define noinline	__attribute__((__noinline__))
#define __maybe_unused	__attribute__((__unused__))
#define __always_unused	__attribute__((__unused__))
#define __must_check	__attribute__((__warn_unused_result__))
#define __packed	__attribute__((__packed__))
#ifndef __aligned
#define __aligned(x)	__attribute__((__aligned__(x)))
#endif
#define __cold		__attribute__((__cold__))
#define __printf(a, b)	__attribute__((__format__(printf, a, b)))
#define __noreturn	__attribute__((__noreturn__))
#define fallthrough	__attribute__((__fallthrough__))
#define __same_type(a, b) __builtin_types_compatible_p(typeof(a), typeof(b))

/* Evaluates to 1 if @x is a compile-time constant. */
#define __is_constexpr(x) __builtin_constant_p(x)

#endif /* _KSHIM_LINUX_COMPILER_H */
