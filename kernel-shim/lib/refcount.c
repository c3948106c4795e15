// SPDX-License-Identifier: GPL-2.0
/*
 * refcount_t with the kernel's saturation rules.
 *
 * A counter that was misused (incremented from 0, overflowed, decremented
 * below 0 or to 0 by refcount_dec()) WARNs and is parked at
 * REFCOUNT_SATURATED, half-way into the negative range, where further
 * operations cannot bring it back to 0: the object leaks instead of being
 * freed while in use.
 */
#include <linux/bug.h>
#include <linux/refcount.h>
#include <kshim/exec.h>

/* The kernel builds with wrapping signed arithmetic; spell it out here. */
static inline int wrap_add(int a, int b)
{
	return (int)((unsigned int)a + (unsigned int)b);
}

enum refcount_saturation {
	REFCOUNT_ADD_NOT_ZERO_OVF,
	REFCOUNT_ADD_OVF,
	REFCOUNT_ADD_UAF,
	REFCOUNT_SUB_UAF,
	REFCOUNT_DEC_LEAK,
};

static void refcount_saturate(refcount_t *r, enum refcount_saturation t)
{
	refcount_set(r, REFCOUNT_SATURATED);
	switch (t) {
	case REFCOUNT_ADD_NOT_ZERO_OVF:
	case REFCOUNT_ADD_OVF:
		WARN_ONCE(1, "refcount_t: saturated; leaking memory.\n");
		break;
	case REFCOUNT_ADD_UAF:
		WARN_ONCE(1, "refcount_t: addition on 0; use-after-free.\n");
		break;
	case REFCOUNT_SUB_UAF:
		WARN_ONCE(1, "refcount_t: underflow; use-after-free.\n");
		break;
	case REFCOUNT_DEC_LEAK:
		WARN_ONCE(1, "refcount_t: decrement hit 0; leaking memory.\n");
		break;
	}
}

void refcount_add(int i, refcount_t *r)
{
	int old;

	kshim_sched_point(KSHIM_PT_REF, r);
	old = atomic_fetch_add(i, &r->refs);
	if (unlikely(!old))
		refcount_saturate(r, REFCOUNT_ADD_UAF);
	else if (unlikely(old < 0 || wrap_add(old, i) < 0))
		refcount_saturate(r, REFCOUNT_ADD_OVF);
}

void refcount_inc(refcount_t *r)
{
	refcount_add(1, r);
}

bool refcount_add_not_zero(int i, refcount_t *r)
{
	int old;

	kshim_sched_point(KSHIM_PT_REF, r);
	old = atomic_read(&r->refs);
	do {
		if (!old)
			return false;
	} while (!atomic_try_cmpxchg(&r->refs, &old, wrap_add(old, i)));
	if (unlikely(old < 0 || wrap_add(old, i) < 0))
		refcount_saturate(r, REFCOUNT_ADD_NOT_ZERO_OVF);
	return true;
}

bool refcount_inc_not_zero(refcount_t *r)
{
	return refcount_add_not_zero(1, r);
}

bool refcount_sub_and_test(int i, refcount_t *r)
{
	int old;

	kshim_sched_point(KSHIM_PT_REF, r);
	old = atomic_fetch_sub(i, &r->refs);
	if (old == i)
		return true;
	if (unlikely(old < 0 || wrap_add(old, -i) < 0))
		refcount_saturate(r, REFCOUNT_SUB_UAF);
	return false;
}

bool refcount_dec_and_test(refcount_t *r)
{
	return refcount_sub_and_test(1, r);
}

void refcount_dec(refcount_t *r)
{
	int old;

	kshim_sched_point(KSHIM_PT_REF, r);
	old = atomic_fetch_sub(1, &r->refs);
	if (unlikely(old <= 1))
		refcount_saturate(r, old == 1 ? REFCOUNT_DEC_LEAK :
						REFCOUNT_SUB_UAF);
}

bool refcount_dec_if_one(refcount_t *r)
{
	int val = 1;

	kshim_sched_point(KSHIM_PT_REF, r);
	return atomic_try_cmpxchg(&r->refs, &val, 0);
}

bool refcount_dec_not_one(refcount_t *r)
{
	int val;

	kshim_sched_point(KSHIM_PT_REF, r);
	val = atomic_read(&r->refs);
	do {
		if (unlikely(val == REFCOUNT_SATURATED))
			return true;
		if (val == 1)
			return false;
		if (unlikely(val <= 0)) {
			refcount_saturate(r, REFCOUNT_SUB_UAF);
			return true;
		}
	} while (!atomic_try_cmpxchg(&r->refs, &val, val - 1));
	return true;
}
