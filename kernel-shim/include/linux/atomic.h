/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/atomic.h - atomic integers and memory barriers.
 *
 * Contract
 *   Kept:    atomic_t, atomic64_t and atomic_long_t operations with the
 *            kernel's names and return conventions (the value-returning
 *            and test operations are fully ordered, atomic_read/set are
 *            relaxed), cmpxchg/xchg/try_cmpxchg on scalars, and the barriers
 *            smp_mb/smp_rmb/smp_wmb, smp_load_acquire/smp_store_release.
 *   Dropped: the _relaxed/_acquire/_release suffix variants are provided
 *            but simply fully ordered; that is stronger, never weaker.
 *   Added:   nothing.  (Plain atomics are not scheduling points; lifetime
 *            operations go through linux/refcount.h, which is.)
 */
#ifndef _KSHIM_LINUX_ATOMIC_H
#define _KSHIM_LINUX_ATOMIC_H

#include <linux/compiler.h>
#include <linux/types.h>

#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define mb()		smp_mb()
#define smp_mb__before_atomic()	smp_mb()
#define smp_mb__after_atomic()	smp_mb()
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)

/* cmpxchg returns the value found; the store happened iff it equals @old. */
#define cmpxchg(ptr, old, new) ({					\
	typeof(*(ptr)) __old = (old);					\
	__atomic_compare_exchange_n((ptr), &__old, (new), false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	__old; })
#define xchg(ptr, v)	__atomic_exchange_n((ptr), (v), __ATOMIC_SEQ_CST)
/* try_cmpxchg updates *@pold with the value found on failure. */
#define try_cmpxchg(ptr, pold, new)					\
	__atomic_compare_exchange_n((ptr), (pold), (new), false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)

#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC64_INIT(i)	{ (i) }
#define ATOMIC_LONG_INIT(i)	ATOMIC64_INIT(i)

#define __KSHIM_ATOMIC_OPS(pfx, atype, ctype)				\
static inline ctype pfx##_read(const atype *v)				\
{									\
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_set(atype *v, ctype i)				\
{									\
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline ctype pfx##_add_return(ctype i, atype *v)		\
{									\
	return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static inline ctype pfx##_sub_return(ctype i, atype *v)		\
{									\
	return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static inline ctype pfx##_fetch_add(ctype i, atype *v)			\
{									\
	return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static inline ctype pfx##_fetch_sub(ctype i, atype *v)			\
{									\
	return __atomic_fetch_sub(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static inline void pfx##_add(ctype i, atype *v)			\
{									\
	(void)pfx##_add_return(i, v);					\
}									\
static inline void pfx##_sub(ctype i, atype *v)			\
{									\
	(void)pfx##_sub_return(i, v);					\
}									\
static inline void pfx##_inc(atype *v) { pfx##_add(1, v); }		\
static inline void pfx##_dec(atype *v) { pfx##_sub(1, v); }		\
static inline ctype pfx##_inc_return(atype *v)				\
{									\
	return pfx##_add_return(1, v);					\
}									\
static inline ctype pfx##_dec_return(atype *v)				\
{									\
	return pfx##_sub_return(1, v);					\
}									\
static inline bool pfx##_dec_and_test(atype *v)			\
{									\
	return pfx##_dec_return(v) == 0;				\
}									\
static inline bool pfx##_inc_and_test(atype *v)			\
{									\
	return pfx##_inc_return(v) == 0;				\
}									\
static inline bool pfx##_sub_and_test(ctype i, atype *v)		\
{									\
	return pfx##_sub_return(i, v) == 0;				\
}									\
static inline ctype pfx##_xchg(atype *v, ctype i)			\
{									\
	return __atomic_exchange_n(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static inline ctype pfx##_cmpxchg(atype *v, ctype old, ctype new)	\
{									\
	__atomic_compare_exchange_n(&v->counter, &old, new, false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	return old;							\
}									\
static inline bool pfx##_try_cmpxchg(atype *v, ctype *old, ctype new)	\
{									\
	return __atomic_compare_exchange_n(&v->counter, old, new, false,\
					   __ATOMIC_SEQ_CST,		\
					   __ATOMIC_SEQ_CST);		\
}									\
/* Add @a unless the value is @u; true if the add happened. */		\
static inline bool pfx##_add_unless(atype *v, ctype a, ctype u)	\
{									\
	ctype c = pfx##_read(v);					\
									\
	do {								\
		if (c == u)						\
			return false;					\
	} while (!pfx##_try_cmpxchg(v, &c, c + a));			\
	return true;							\
}									\
static inline bool pfx##_inc_not_zero(atype *v)			\
{									\
	return pfx##_add_unless(v, 1, 0);				\
}

__KSHIM_ATOMIC_OPS(atomic, atomic_t, int)
__KSHIM_ATOMIC_OPS(atomic64, atomic64_t, s64)
__KSHIM_ATOMIC_OPS(atomic_long, atomic_long_t, long)

#endif /* _KSHIM_LINUX_ATOMIC_H */
