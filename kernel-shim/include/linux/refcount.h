/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/refcount.h - reference counts that refuse to wrap.
 *
 * Contract
 *   Kept:    the kernel's saturation semantics.  An increment from 0
 *            ("addition on 0; use-after-free"), an overflow past INT_MAX
 *            ("saturated; leaking memory"), a decrement below 0
 *            ("underflow; use-after-free") and refcount_dec() reaching 0
 *            ("decrement hit 0; leaking memory") each WARN (once per world
 *            and kind, as the kernel's once per boot) and leave the
 *            counter at REFCOUNT_SATURATED, where it stays.
 *            refcount_inc_not_zero(), refcount_dec_and_test(),
 *            refcount_dec_if_one() (1 -> 0 only), refcount_dec_not_one(),
 *            refcount_add/sub_and_test, refcount_read/set.
 *   Dropped: nothing.
 *   Added:   every operation that can change an object's lifetime is a
 *            scheduling point (controlled mode), so races between the last
 *            put and a lookup are explored.
 */
#ifndef _KSHIM_LINUX_REFCOUNT_H
#define _KSHIM_LINUX_REFCOUNT_H

#include <limits.h>
#include <linux/atomic.h>
#include <linux/compiler.h>

typedef struct refcount_struct {
	atomic_t refs;
} refcount_t;

#define REFCOUNT_INIT(n)	{ .refs = ATOMIC_INIT(n), }
#define REFCOUNT_MAX		INT_MAX
#define REFCOUNT_SATURATED	(INT_MIN / 2)

static inline void refcount_set(refcount_t *r, int n)
{
	atomic_set(&r->refs, n);
}

static inline unsigned int refcount_read(const refcount_t *r)
{
	return atomic_read(&r->refs);
}

void refcount_add(int i, refcount_t *r);
void refcount_inc(refcount_t *r);
bool __must_check refcount_add_not_zero(int i, refcount_t *r);
bool __must_check refcount_inc_not_zero(refcount_t *r);
bool __must_check refcount_sub_and_test(int i, refcount_t *r);
bool __must_check refcount_dec_and_test(refcount_t *r);
void refcount_dec(refcount_t *r);
bool __must_check refcount_dec_if_one(refcount_t *r);
bool __must_check refcount_dec_not_one(refcount_t *r);

#endif /* _KSHIM_LINUX_REFCOUNT_H */
