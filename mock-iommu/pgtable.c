// SPDX-License-Identifier: GPL-2.0
/*
 * The mock IOMMU's page-table format.
 *
 * A table is one 4 KiB frame of 512 little 8-byte entries, allocated with
 * alloc_page() and always reached through phys_to_virt() of its physical
 * address, as hardware would reach it.  Level 0 holds leaves of the
 * granule (2048 bytes for the kernel mock's IO page, 4 KiB for x86-like
 * tables); each level up multiplies the span of an entry by 512.  An entry
 * at level > 0 is either a table pointer (PRESENT, no LEAF) or a leaf
 * (PRESENT | LEAF) if that level's size is in the page-size bitmap.
 *
 *   63      56 55                         11 10  7   6    5    4   3   2   1   0
 *  +----------+-----------------------------+-----+----+-----+---+----+---+---+---+
 *  | reserved |   output / table address    | --- |LAST|START| D |LEAF| W | R | P |
 *  +----------+-----------------------------+-----+----+-----+---+----+---+---+---+
 *
 * START and LAST are the kernel mock's software markers: the first and the
 * last leaf written by one map_pages() call.  iommufd must unmap exactly
 * what it mapped, so with a single page size every unmap_pages() call must
 * begin on a START leaf and end on a LAST leaf (WARN otherwise).  With
 * more than one page size the core may split an unmap differently from the
 * map, so the check is off, as in the kernel mock.
 *
 * Unmapping part of a larger leaf removes the whole leaf and counts its
 * whole size, as the x86 drivers (VT-d, AMD v1) do: iommu_unmap() must not
 * allocate, so the leaf cannot be split into a new table, and reporting
 * the full size tells the caller that more than asked went away.
 *
 * Each table's struct page ->private counts its present entries; a table
 * emptied by an unmap is freed at once.
 */
#include <linux/bug.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include "mock.h"

#define MOCK_PT_MAX_LEVELS	8

const struct mock_pt_cfg mock_pt_cfg_default = {
	.granule_shift = PAGE_SHIFT - 1,	/* MOCK_IO_PAGE_SIZE */
	.ias = 31,
	.pgsize_bitmap = PAGE_SIZE / 2,
	.aperture_start = MOCK_APERTURE_START,
	.aperture_last = MOCK_APERTURE_LAST,
};

const struct mock_pt_cfg mock_pt_cfg_huge = {
	.granule_shift = PAGE_SHIFT - 1,
	.ias = 31,
	.pgsize_bitmap = PAGE_SIZE / 2 | 512 * (PAGE_SIZE / 2),
	.aperture_start = MOCK_APERTURE_START,
	.aperture_last = MOCK_APERTURE_LAST,
};

const struct mock_pt_cfg mock_pt_cfg_x86 = {
	.granule_shift = 12,
	.ias = 48,
	.pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G,
	.aperture_start = 0,
	.aperture_last = (1UL << 48) - 1,
};

static inline unsigned int pt_shift(const struct mock_pt *pt,
				    unsigned int level)
{
	return pt->granule_shift + MOCK_PT_BITS_PER_LEVEL * level;
}

static inline unsigned int pt_index(const struct mock_pt *pt,
				    unsigned long iova, unsigned int level)
{
	return (iova >> pt_shift(pt, level)) & (MOCK_PT_ENTRIES - 1);
}

static inline u64 *pt_virt(phys_addr_t table)
{
	return phys_to_virt(table);
}

static inline unsigned long pt_count(phys_addr_t table)
{
	return phys_to_page(table)->private;
}

static inline void pt_count_add(phys_addr_t table, long n)
{
	struct page *page = phys_to_page(table);

	WARN_ON((long)page->private + n < 0 ||
		page->private + n > MOCK_PT_ENTRIES);
	page->private += n;
}

static inline bool pte_is_leaf(u64 pte, unsigned int level)
{
	return level == 0 || (pte & MOCK_PTE_LEAF);
}

static inline unsigned long pt_end(const struct mock_pt *pt)
{
	return pt->ias >= BITS_PER_LONG ? ULONG_MAX : 1UL << pt->ias;
}

/**
 * mock_pt_check_cfg() - validate a page-table geometry
 * @cfg: the geometry
 *
 * Return: 0, or -EINVAL when the granule, the IOVA width, a page size or
 * the aperture does not fit the format.
 */
int mock_pt_check_cfg(const struct mock_pt_cfg *cfg)
{
	unsigned long sizes = cfg->pgsize_bitmap;
	unsigned int levels, bit;

	if (cfg->granule_shift < 11 || cfg->granule_shift > 16)
		return -EINVAL;
	if (cfg->ias <= cfg->granule_shift || cfg->ias > 56)
		return -EINVAL;
	levels = DIV_ROUND_UP(cfg->ias - cfg->granule_shift,
			      MOCK_PT_BITS_PER_LEVEL);
	if (levels > MOCK_PT_MAX_LEVELS)
		return -EINVAL;
	if (!(sizes & (1UL << cfg->granule_shift)))
		return -EINVAL;
	for_each_set_bit(bit, &sizes, BITS_PER_LONG) {
		if (bit < cfg->granule_shift ||
		    (bit - cfg->granule_shift) % MOCK_PT_BITS_PER_LEVEL ||
		    (bit - cfg->granule_shift) / MOCK_PT_BITS_PER_LEVEL >=
			    levels)
			return -EINVAL;
	}
	if (cfg->aperture_start > cfg->aperture_last ||
	    cfg->aperture_last >> cfg->ias)
		return -EINVAL;
	return 0;
}

static phys_addr_t pt_alloc_table(struct mock_pt *pt, gfp_t gfp)
{
	struct page *page = alloc_page(gfp | __GFP_ZERO);

	if (!page)
		return 0;
	page->private = 0;
	pt->nr_tables++;
	return page_to_phys(page);
}

static void pt_free_table_page(struct mock_pt *pt, phys_addr_t table)
{
	__free_page(phys_to_page(table));
	pt->nr_tables--;
}

/**
 * mock_pt_init() - create an empty table
 * @pt: the table
 * @cfg: a geometry that passed mock_pt_check_cfg()
 * @gfp: for the top table
 *
 * Return: 0 or -ENOMEM.
 */
int mock_pt_init(struct mock_pt *pt, const struct mock_pt_cfg *cfg, gfp_t gfp)
{
	pt->granule_shift = cfg->granule_shift;
	pt->ias = cfg->ias;
	pt->levels = DIV_ROUND_UP(cfg->ias - cfg->granule_shift,
				  MOCK_PT_BITS_PER_LEVEL);
	pt->pgsize_bitmap = cfg->pgsize_bitmap;
	pt->nr_tables = 0;
	pt->root = pt_alloc_table(pt, gfp);
	return pt->root ? 0 : -ENOMEM;
}

static void pt_free_tree(struct mock_pt *pt, phys_addr_t table,
			 unsigned int level)
{
	u64 *t = pt_virt(table);
	unsigned int i;

	for (i = 0; level && i < MOCK_PT_ENTRIES; i++) {
		if ((t[i] & MOCK_PTE_PRESENT) && !pte_is_leaf(t[i], level))
			pt_free_tree(pt, t[i] & MOCK_PTE_ADDR_MASK, level - 1);
	}
	pt_free_table_page(pt, table);
}

/**
 * mock_pt_destroy() - free every table
 * @pt: the table; leaves still mapped are simply dropped
 */
void mock_pt_destroy(struct mock_pt *pt)
{
	if (pt->root)
		pt_free_tree(pt, pt->root, pt->levels - 1);
	pt->root = 0;
	WARN_ON(pt->nr_tables);
}

/*
 * Find the table at @level holding @iova's entry, creating the missing
 * tables above it.  Meeting a leaf on the way means the new mapping would
 * overwrite a larger one.
 */
static int pt_walk_alloc(struct mock_pt *pt, unsigned long iova,
			 unsigned int level, gfp_t gfp, phys_addr_t *tablep)
{
	phys_addr_t table = pt->root;
	unsigned int l;

	for (l = pt->levels - 1; l > level; l--) {
		u64 *e = &pt_virt(table)[pt_index(pt, iova, l)];

		if (!(*e & MOCK_PTE_PRESENT)) {
			phys_addr_t child = pt_alloc_table(pt, gfp);

			if (!child)
				return -ENOMEM;
			*e = mock_pte_table(child);
			pt_count_add(table, 1);
		} else if (*e & MOCK_PTE_LEAF) {
			WARN(1, "mock pt: map at 0x%lx overwrites a %lu byte leaf\n",
			     iova, 1UL << pt_shift(pt, l));
			return -EEXIST;
		}
		table = *e & MOCK_PTE_ADDR_MASK;
	}
	*tablep = table;
	return 0;
}

/* Free the empty tables on the way to @iova, bottom up (never the top). */
static void pt_prune_path(struct mock_pt *pt, unsigned long iova)
{
	phys_addr_t tables[MOCK_PT_MAX_LEVELS];
	unsigned int n = 0, l;

	tables[n++] = pt->root;
	for (l = pt->levels - 1; l > 0; l--) {
		u64 e = pt_virt(tables[n - 1])[pt_index(pt, iova, l)];

		if (!(e & MOCK_PTE_PRESENT) || (e & MOCK_PTE_LEAF))
			break;
		tables[n++] = e & MOCK_PTE_ADDR_MASK;
	}
	/* tables[i] sits at level (levels - 1 - i). */
	while (n > 1 && !pt_count(tables[n - 1])) {
		unsigned int parent_level = pt->levels - 1 - (n - 2);

		pt_virt(tables[n - 2])[pt_index(pt, iova, parent_level)] = 0;
		pt_count_add(tables[n - 2], -1);
		pt_free_table_page(pt, tables[n - 1]);
		n--;
	}
}

/**
 * mock_pt_map() - write @pgcount leaves of @pgsize
 * @pt: the table
 * @iova: first IOVA, aligned to @pgsize
 * @paddr: first physical address, aligned to @pgsize
 * @pgsize: a size of the page-size bitmap
 * @pgcount: leaves to write
 * @perm: MOCK_PTE_READ/MOCK_PTE_WRITE
 * @gfp: for new tables
 * @mapped: incremented by the bytes mapped
 *
 * The first leaf gets START, the last LAST.  Overwriting a present entry
 * is a WARN and -EEXIST.  On any failure the leaves this call wrote and
 * the tables it left empty are removed again, and *@mapped is unchanged.
 *
 * Return: 0, -EINVAL, -ERANGE, -EEXIST or -ENOMEM.
 */
int mock_pt_map(struct mock_pt *pt, unsigned long iova, phys_addr_t paddr,
		size_t pgsize, size_t pgcount, u64 perm, gfp_t gfp,
		size_t *mapped)
{
	unsigned long pos = iova;
	phys_addr_t pa = paddr, table = 0;
	unsigned int level;
	size_t size, i;
	u64 *t = NULL;
	int ret;

	if (WARN_ON(!is_power_of_2(pgsize) || !(pgsize & pt->pgsize_bitmap)))
		return -EINVAL;
	if (!pgcount)
		return 0;
	level = (ilog2(pgsize) - pt->granule_shift) / MOCK_PT_BITS_PER_LEVEL;
	if (WARN_ON(!IS_ALIGNED(iova | (unsigned long)paddr, pgsize)))
		return -EINVAL;
	if (WARN_ON(check_mul_overflow(pgsize, pgcount, &size) ||
		    iova + size < iova || iova + size > pt_end(pt)))
		return -ERANGE;
	if ((paddr + size - 1) & ~GENMASK_ULL(55, 0))
		return -ERANGE;
	perm &= MOCK_PTE_READ | MOCK_PTE_WRITE;

	for (i = 0; i < pgcount; i++, pos += pgsize, pa += pgsize) {
		unsigned int idx = pt_index(pt, pos, level);
		u64 pte;

		if (!t || !idx) {
			ret = pt_walk_alloc(pt, pos, level, gfp, &table);
			if (ret)
				goto err_undo;
			t = pt_virt(table);
		}
		if (t[idx] & MOCK_PTE_PRESENT) {
			WARN(1, "mock pt: map at 0x%lx overwrites an entry\n",
			     pos);
			ret = -EEXIST;
			goto err_undo;
		}
		pte = (pa & MOCK_PTE_ADDR_MASK) | MOCK_PTE_PRESENT |
		      MOCK_PTE_LEAF | perm;
		if (i == 0)
			pte |= MOCK_PTE_START;
		if (i == pgcount - 1)
			pte |= MOCK_PTE_LAST;
		t[idx] = pte;
		pt_count_add(table, 1);
	}
	*mapped += size;
	return 0;

err_undo:
	if (pos > iova) {
		struct mock_pt_unmap_info info = { .check_markers = false };

		WARN_ON(mock_pt_unmap(pt, iova, pos - iova, &info) !=
			pos - iova);
	}
	pt_prune_path(pt, pos);
	return ret;
}

struct pt_unmap_ctx {
	unsigned long pos;
	unsigned long end;
	size_t unmapped;
	bool hole;
	u64 last_pte;
	struct mock_pt_unmap_info *info;
};

/*
 * Remove leaves from c->pos on, inside the table at @level (whose span
 * holds c->pos), until c->end or a hole.  Child tables left empty are
 * freed.
 */
static void pt_unmap_table(struct mock_pt *pt, phys_addr_t table,
			   unsigned int level, struct pt_unmap_ctx *c)
{
	unsigned long span = 1UL << pt_shift(pt, level);
	unsigned int idx = pt_index(pt, c->pos, level);
	u64 *t = pt_virt(table);

	for (; idx < MOCK_PT_ENTRIES && c->pos < c->end; idx++) {
		u64 pte = t[idx];
		phys_addr_t child;

		if (!(pte & MOCK_PTE_PRESENT)) {
			c->hole = true;
			return;
		}
		if (pte_is_leaf(pte, level)) {
			unsigned long start = c->pos & ~(span - 1);

			if (!c->unmapped) {
				c->info->first = start;
				WARN(c->info->check_markers &&
				     !(pte & MOCK_PTE_START),
				     "mock pt: unmap at 0x%lx does not start a mapping\n",
				     c->pos);
			}
			t[idx] = 0;
			pt_count_add(table, -1);
			c->unmapped += span;
			c->pos = start + span;
			c->info->last = c->pos - 1;
			c->last_pte = pte;
			continue;
		}
		child = pte & MOCK_PTE_ADDR_MASK;
		pt_unmap_table(pt, child, level - 1, c);
		if (!pt_count(child)) {
			t[idx] = 0;
			pt_count_add(table, -1);
			pt_free_table_page(pt, child);
		}
		if (c->hole)
			return;
	}
}

/**
 * mock_pt_unmap() - remove the leaves of [iova, iova + size)
 * @pt: the table
 * @iova: first IOVA
 * @size: bytes
 * @info: marker checking (in) and the range removed (out)
 *
 * Stops at the first hole.  A leaf only partly inside the range is removed
 * whole and counted whole (see the file comment).
 *
 * Return: bytes unmapped, counting whole leaves.
 */
size_t mock_pt_unmap(struct mock_pt *pt, unsigned long iova, size_t size,
		     struct mock_pt_unmap_info *info)
{
	struct pt_unmap_ctx c = {
		.pos = iova,
		.end = iova + size,
		.info = info,
	};

	if (!size || iova >= pt_end(pt))
		return 0;
	if (c.end < iova || c.end > pt_end(pt))
		c.end = pt_end(pt);
	pt_unmap_table(pt, pt->root, pt->levels - 1, &c);
	if (c.unmapped && !c.hole && c.pos == c.end)
		WARN(info->check_markers && !(c.last_pte & MOCK_PTE_LAST),
		     "mock pt: unmap ending at 0x%lx does not end a mapping\n",
		     c.end - 1);
	return c.unmapped;
}

/**
 * mock_pt_lookup() - the leaf that maps @iova
 * @pt: the table
 * @iova: any address
 * @leaf: filled in when found
 *
 * Return: true if a leaf maps @iova.
 */
bool mock_pt_lookup(struct mock_pt *pt, unsigned long iova,
		    struct mock_pt_leaf *leaf)
{
	phys_addr_t table = pt->root;
	unsigned int l;

	if (iova >= pt_end(pt))
		return false;
	for (l = pt->levels - 1;; l--) {
		u64 *e = &pt_virt(table)[pt_index(pt, iova, l)];

		if (!(*e & MOCK_PTE_PRESENT))
			return false;
		if (pte_is_leaf(*e, l)) {
			leaf->ptep = e;
			leaf->pte = *e;
			leaf->level = l;
			leaf->size = 1UL << pt_shift(pt, l);
			leaf->start = iova & ~(leaf->size - 1);
			return true;
		}
		table = *e & MOCK_PTE_ADDR_MASK;
	}
}

struct pt_dirty_ctx {
	unsigned long pos;
	unsigned long end;
	unsigned long flags;
	struct iommu_dirty_bitmap *dirty;
};

static void pt_dirty_table(struct mock_pt *pt, phys_addr_t table,
			   unsigned int level, struct pt_dirty_ctx *c)
{
	unsigned long span = 1UL << pt_shift(pt, level);
	unsigned int idx = pt_index(pt, c->pos, level);
	u64 *t = pt_virt(table);

	for (; idx < MOCK_PT_ENTRIES && c->pos < c->end; idx++) {
		unsigned long start = c->pos & ~(span - 1);
		u64 pte = t[idx];

		if ((pte & MOCK_PTE_PRESENT) && !pte_is_leaf(pte, level)) {
			pt_dirty_table(pt, pte & MOCK_PTE_ADDR_MASK, level - 1,
				       c);
			continue;
		}
		if ((pte & MOCK_PTE_PRESENT) && (pte & MOCK_PTE_DIRTY)) {
			/* A dirty leaf is dirty in all of its size. */
			iommu_dirty_bitmap_record(c->dirty, start, span);
			if (!(c->flags & IOMMU_DIRTY_NO_CLEAR))
				t[idx] = pte & ~MOCK_PTE_DIRTY;
		}
		c->pos = start + span;
	}
}

/**
 * mock_pt_read_and_clear_dirty() - report dirty leaves in a range
 * @pt: the table
 * @iova: first IOVA
 * @size: bytes
 * @flags: IOMMU_DIRTY_NO_CLEAR to leave the bits set
 * @dirty: receives each dirty leaf, whole
 *
 * Return: 0.
 */
int mock_pt_read_and_clear_dirty(struct mock_pt *pt, unsigned long iova,
				 size_t size, unsigned long flags,
				 struct iommu_dirty_bitmap *dirty)
{
	struct pt_dirty_ctx c = {
		.pos = iova,
		.end = iova + size,
		.flags = flags,
		.dirty = dirty,
	};

	if (!size || iova >= pt_end(pt))
		return 0;
	if (c.end < iova || c.end > pt_end(pt))
		c.end = pt_end(pt);
	pt_dirty_table(pt, pt->root, pt->levels - 1, &c);
	return 0;
}
