// SPDX-License-Identifier: GPL-2.0
/*
 * iova_bitmap.c - a user bitmap of dirty IOVA, written in pinned windows.
 *
 * Bit n of the user's u64 array stands for the page_size-sized page at
 * iova + n * page_size.  The IOMMU driver reports dirty ranges with
 * iova_bitmap_set() while iommufd walks the IOAS under iova_rwsem.
 *
 * Like the kernel, the user bitmap is pinned a window at a time: a page of
 * struct page pointers (PAGE_SIZE / 8 = 512 user pages, i.e. 2 MiB of
 * bitmap, 64 GiB of IOVA at 4 KiB granularity), and bits are set through
 * the frames' direct map.  We keep that design rather than a
 * copy_to_user() per update because
 *   - the walk runs with iova_rwsem held: pinning takes mmap_lock once per
 *     window instead of faulting user memory for every dirty range;
 *   - the user memory is resolved before the driver clears its dirty
 *     bits: a user bitmap that cannot be written fails the window at pin
 *     time instead of losing dirty state half way through a walk;
 *   - it exercises the same GUP path (and its fault points) the kernel's
 *     iova_bitmap does.
 *
 * iova_bitmap_for_each() calls its function once per window with the
 * IOVA range the window covers.  A driver may report a range reaching
 * past the window (a huge IOPTE that straddles it): iova_bitmap_set()
 * then pins the window that holds it, and the walk still continues right
 * after the window it handed out, so no IOVA is skipped or visited twice.  Bits are only ever set inside [iova, iova + length) of the
 * request: a range reported beyond it is clipped (the kernel relies on
 * drivers and alignment for that).
 */
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/iova_bitmap.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

/**
 * struct iova_bitmap_map - the window of the user bitmap pinned now
 * @iova: first IOVA the window covers
 * @pgshift: log2 of the bitmap's page size
 * @pgoff: byte offset of the window's first u64 in its first user page
 * @npages: user pages pinned (0: nothing mapped)
 * @pages: the pinned pages (one kernel page of pointers)
 */
struct iova_bitmap_map {
	unsigned long iova;
	unsigned long pgshift;
	unsigned long pgoff;
	unsigned long npages;
	struct page **pages;
};

/**
 * struct iova_bitmap - a walk over a user dirty bitmap
 * @mapped: the current window
 * @bitmap: the user's u64 array
 * @mapped_base_index: index (in u64 units) of the window's first word
 * @mapped_total_index: u64 words the whole request needs
 * @iova: first IOVA of the request
 * @length: bytes of IOVA of the request
 */
struct iova_bitmap {
	struct iova_bitmap_map mapped;
	u64 __user *bitmap;
	unsigned long mapped_base_index;
	unsigned long mapped_total_index;
	unsigned long iova;
	size_t length;
};

/* u64 word holding the bit of the IOVA @iova_offset bytes into the range */
static unsigned long iova_bitmap_offset_to_index(struct iova_bitmap *bitmap,
						 unsigned long iova_offset)
{
	unsigned long pages = iova_offset >> bitmap->mapped.pgshift;

	return pages / BITS_PER_TYPE(u64);
}

/* IOVA offset of the first bit of word @index */
static unsigned long iova_bitmap_index_to_offset(struct iova_bitmap *bitmap,
						 unsigned long index)
{
	return (index * BITS_PER_TYPE(u64)) << bitmap->mapped.pgshift;
}

static unsigned long iova_bitmap_mapped_iova(struct iova_bitmap *bitmap)
{
	return bitmap->iova +
	       iova_bitmap_index_to_offset(bitmap, bitmap->mapped_base_index);
}

/* Words of the bitmap from the window's start to the end of the request */
static unsigned long iova_bitmap_mapped_remaining(struct iova_bitmap *bitmap)
{
	return bitmap->mapped_total_index - bitmap->mapped_base_index;
}

/* IOVA bytes the current window covers, clipped to the request. */
static size_t iova_bitmap_mapped_length(struct iova_bitmap *bitmap)
{
	struct iova_bitmap_map *mapped = &bitmap->mapped;
	unsigned long max_iova = bitmap->iova + bitmap->length - 1;
	unsigned long iova = iova_bitmap_mapped_iova(bitmap);
	unsigned long words;
	unsigned long remaining;

	words = ((mapped->npages << PAGE_SHIFT) - mapped->pgoff) / sizeof(u64);
	words = min(words, iova_bitmap_mapped_remaining(bitmap));
	remaining = iova_bitmap_index_to_offset(bitmap, words);

	/* The end of the request may fall inside the last word. */
	if (remaining - 1 > max_iova - iova)
		return max_iova - iova + 1;
	return remaining;
}

/* Pin the window that starts at word mapped_base_index. */
static int iova_bitmap_get(struct iova_bitmap *bitmap)
{
	struct iova_bitmap_map *mapped = &bitmap->mapped;
	unsigned long npages;
	unsigned long addr;
	long ret;

	addr = (unsigned long)(bitmap->bitmap + bitmap->mapped_base_index);
	npages = DIV_ROUND_UP(iova_bitmap_mapped_remaining(bitmap) *
				      sizeof(u64) + offset_in_page(addr),
			      PAGE_SIZE);
	npages = min(npages, PAGE_SIZE / sizeof(struct page *));

	ret = pin_user_pages_fast(addr & PAGE_MASK, npages,
				  FOLL_WRITE, mapped->pages);
	if (ret <= 0)
		return ret ? ret : -EFAULT;

	mapped->npages = ret;
	mapped->iova = iova_bitmap_mapped_iova(bitmap);
	mapped->pgoff = offset_in_page(addr);
	return 0;
}

/* Unpin the window; the bits were written through the direct map. */
static void iova_bitmap_put(struct iova_bitmap *bitmap)
{
	struct iova_bitmap_map *mapped = &bitmap->mapped;

	if (mapped->npages) {
		unpin_user_pages_dirty_lock(mapped->pages, mapped->npages,
					    true);
		mapped->npages = 0;
	}
}

/**
 * iova_bitmap_alloc() - start a walk over a user dirty bitmap
 * @iova: first IOVA of the range
 * @length: bytes of IOVA (non-zero)
 * @page_size: IOVA bytes per bit (a power of two)
 * @data: the user's u64 array, at least DIV_ROUND_UP(length / page_size,
 *	  64) words
 *
 * The first window is pinned at once.
 *
 * Return: the walk, or ERR_PTR(-ENOMEM/-EFAULT).
 */
struct iova_bitmap *iova_bitmap_alloc(unsigned long iova, size_t length,
				      unsigned long page_size,
				      u64 __user *data)
{
	struct iova_bitmap_map *mapped;
	struct iova_bitmap *bitmap;
	int rc;

	bitmap = kzalloc(sizeof(*bitmap), GFP_KERNEL);
	if (!bitmap)
		return ERR_PTR(-ENOMEM);

	mapped = &bitmap->mapped;
	mapped->pgshift = __ffs(page_size);
	bitmap->bitmap = data;
	bitmap->mapped_total_index =
		iova_bitmap_offset_to_index(bitmap, length - 1) + 1;
	bitmap->iova = iova;
	bitmap->length = length;
	mapped->iova = iova;
	mapped->pages = (struct page **)__get_free_page(GFP_KERNEL);
	if (!mapped->pages) {
		rc = -ENOMEM;
		goto err;
	}

	rc = iova_bitmap_get(bitmap);
	if (rc)
		goto err;
	return bitmap;

err:
	iova_bitmap_free(bitmap);
	return ERR_PTR(rc);
}

/**
 * iova_bitmap_free() - end a walk, unpinning its window
 * @bitmap: the walk
 */
void iova_bitmap_free(struct iova_bitmap *bitmap)
{
	struct iova_bitmap_map *mapped = &bitmap->mapped;

	iova_bitmap_put(bitmap);

	if (mapped->pages) {
		free_page((unsigned long)mapped->pages);
		mapped->pages = NULL;
	}

	kfree(bitmap);
}

static bool iova_bitmap_done(struct iova_bitmap *bitmap)
{
	return bitmap->mapped_base_index >= bitmap->mapped_total_index;
}

/* Re-pin the window so that it starts at the word holding @iova. */
static int iova_bitmap_advance_to(struct iova_bitmap *bitmap,
				  unsigned long iova)
{
	unsigned long index;

	if (iova < bitmap->iova)
		return -EINVAL;
	index = iova_bitmap_offset_to_index(bitmap, iova - bitmap->iova);
	if (index >= bitmap->mapped_total_index)
		return -EINVAL;
	bitmap->mapped_base_index = index;

	iova_bitmap_put(bitmap);
	return iova_bitmap_get(bitmap);
}

/* Move the walk to the window starting at word @next_base. */
static int iova_bitmap_advance(struct iova_bitmap *bitmap,
			       unsigned long next_base)
{
	bitmap->mapped_base_index = next_base;

	iova_bitmap_put(bitmap);
	if (iova_bitmap_done(bitmap))
		return 0;
	return iova_bitmap_get(bitmap);
}

/**
 * iova_bitmap_for_each() - call @fn once per window
 * @bitmap: the walk
 * @opaque: passed to @fn
 * @fn: called with the IOVA range of each window
 *
 * Every IOVA of the request is handed to @fn exactly once, in order.  The
 * next window follows the one handed to @fn, even if iova_bitmap_set()
 * moved the pinned window meanwhile (a report past the window's end).
 *
 * Return: 0, or the first error of @fn or of pinning a window.
 */
int iova_bitmap_for_each(struct iova_bitmap *bitmap, void *opaque,
			 iova_bitmap_fn_t fn)
{
	while (!iova_bitmap_done(bitmap)) {
		unsigned long base = bitmap->mapped_base_index;
		unsigned long iova = iova_bitmap_mapped_iova(bitmap);
		size_t length = iova_bitmap_mapped_length(bitmap);
		int ret;

		ret = fn(bitmap, iova, length, opaque);
		if (ret)
			return ret;
		ret = iova_bitmap_advance(bitmap,
					  base + iova_bitmap_offset_to_index(
							 bitmap, length - 1) +
						  1);
		if (ret)
			return ret;
	}
	return 0;
}

/* Is [iova, iova + length - 1] inside the current window? */
static bool iova_bitmap_mapped_range(struct iova_bitmap *bitmap,
				     unsigned long iova, size_t length)
{
	struct iova_bitmap_map *mapped = &bitmap->mapped;

	return mapped->npages && iova >= mapped->iova &&
	       iova + length - 1 <=
		       mapped->iova + iova_bitmap_mapped_length(bitmap) - 1;
}

/**
 * iova_bitmap_set() - mark [iova, iova + length) dirty
 * @bitmap: the walk
 * @iova: first IOVA
 * @length: bytes
 *
 * Called by IOMMU drivers through iommu_dirty_bitmap_record().  Parts
 * outside the request are ignored; if the window has to move and pinning
 * fails, the rest of the range is lost (the kernel behaves the same).
 */
void iova_bitmap_set(struct iova_bitmap *bitmap, unsigned long iova,
		     size_t length)
{
	struct iova_bitmap_map *mapped = &bitmap->mapped;
	unsigned long max_iova = bitmap->iova + bitmap->length - 1;
	unsigned long cur_bit, last_bit, last_iova;
	const unsigned long bits_per_page = PAGE_SIZE * BITS_PER_BYTE;

	if (!length)
		return;
	last_iova = iova + length - 1;
	if (last_iova < bitmap->iova || iova > max_iova)
		return;
	iova = max(iova, bitmap->iova);
	last_iova = min(last_iova, max_iova);
	length = last_iova - iova + 1;

again:
	if (!iova_bitmap_mapped_range(bitmap, iova, 1)) {
		if (iova_bitmap_advance_to(bitmap, iova))
			return;
	}

	cur_bit = ((iova - mapped->iova) >> mapped->pgshift) +
		  mapped->pgoff * BITS_PER_BYTE;
	last_bit = ((last_iova - mapped->iova) >> mapped->pgshift) +
		   mapped->pgoff * BITS_PER_BYTE;

	do {
		unsigned long page_idx = cur_bit / bits_per_page;
		unsigned long offset = cur_bit % bits_per_page;
		unsigned long nbits = min(bits_per_page - offset,
					  last_bit - cur_bit + 1);

		if (page_idx >= mapped->npages) {
			/* The rest lies beyond the window: move it. */
			unsigned long done_bits = cur_bit -
				(((iova - mapped->iova) >> mapped->pgshift) +
				 mapped->pgoff * BITS_PER_BYTE);

			iova += done_bits << mapped->pgshift;
			goto again;
		}

		bitmap_set(page_address(mapped->pages[page_idx]), offset,
			   nbits);
		cur_bit += nbits;
	} while (cur_bit <= last_bit);
}
