/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/bitmap.h - arrays of unsigned long used as bit sets.
 *
 * Contract
 *   Kept:    DECLARE_BITMAP, bitmap_zero/fill/copy, bitmap_set/clear of a
 *            range, bitmap_weight, bitmap_empty/full, bitmap_equal,
 *            bitmap_and/or, bitmap_find_next_zero_area, bitmap_alloc/
 *            bitmap_zalloc/bitmap_free (through kmalloc, so they are
 *            counted and can be failed like any allocation).
 *            Bits beyond @nbits in the last word are ignored by queries.
 *   Dropped: bitmap parsing/printing helpers.
 *   Added:   nothing.
 */
#ifndef _KSHIM_LINUX_BITMAP_H
#define _KSHIM_LINUX_BITMAP_H

#include <string.h>
#include <linux/bitops.h>
#include <linux/types.h>

#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]

/* Mask of the valid bits in the last word of an @nbits bitmap. */
#define BITMAP_LAST_WORD_MASK(nbits) (~0UL >> (-(nbits) & (BITS_PER_LONG - 1)))

static inline void bitmap_zero(unsigned long *dst, unsigned int nbits)
{
	memset(dst, 0, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

static inline void bitmap_fill(unsigned long *dst, unsigned int nbits)
{
	memset(dst, 0xff, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

static inline void bitmap_copy(unsigned long *dst, const unsigned long *src,
			       unsigned int nbits)
{
	memcpy(dst, src, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

void bitmap_set(unsigned long *map, unsigned int start, unsigned int len);
void bitmap_clear(unsigned long *map, unsigned int start, unsigned int len);
unsigned int bitmap_weight(const unsigned long *src, unsigned int nbits);
bool bitmap_equal(const unsigned long *a, const unsigned long *b,
		  unsigned int nbits);
void bitmap_and(unsigned long *dst, const unsigned long *a,
		const unsigned long *b, unsigned int nbits);
void bitmap_or(unsigned long *dst, const unsigned long *a,
	       const unsigned long *b, unsigned int nbits);

static inline bool bitmap_empty(const unsigned long *src, unsigned int nbits)
{
	return find_first_bit(src, nbits) >= nbits;
}

static inline bool bitmap_full(const unsigned long *src, unsigned int nbits)
{
	return find_first_zero_bit(src, nbits) >= nbits;
}

/*
 * bitmap_find_next_zero_area - find @nr clear bits in a row
 * @map: the bitmap
 * @size: number of bits in @map
 * @start: first bit to consider
 * @nr: how many clear bits are wanted
 * @align_mask: the found start must have these bits clear
 *
 * Return: the start of the area, or a value > @size - @nr when none fits.
 */
unsigned long bitmap_find_next_zero_area(unsigned long *map,
					 unsigned long size,
					 unsigned long start,
					 unsigned int nr,
					 unsigned long align_mask);

unsigned long *bitmap_alloc(unsigned int nbits, gfp_t flags);
unsigned long *bitmap_zalloc(unsigned int nbits, gfp_t flags);
void bitmap_free(const unsigned long *bitmap);

#endif /* _KSHIM_LINUX_BITMAP_H */
