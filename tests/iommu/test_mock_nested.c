// SPDX-License-Identifier: GPL-2.0
/*
 * Nested translation: the mock's nested domains (IOMMU_HWPT_DATA_SELFTEST),
 * their ABI, a stage-1 table built by the "guest" in guest memory, and
 * the combined translation cache.
 */
#include <string.h>
#include <linux/sizes.h>
#include "iommu_test.h"
#include "iommu_suites.h"
#include <uapi/iommufd_test.h>

/* Guest physical layout (IOVAs of the stage-2 parent). */
#define GPA_TABLES	(MOCK_APERTURE_START + SZ_16M)	/* L3 L2 L1 L0 */
#define GPA_D		(MOCK_APERTURE_START + SZ_32M)
#define GPA_E		(GPA_D + PAGE_SIZE)
#define GPA_RO		(GPA_D + 2 * PAGE_SIZE)		/* read-only in S2 */
#define GPA_NOWHERE	(MOCK_APERTURE_START + SZ_64M)	/* not in S2 */

/* The stage-1 IOVA used: every level's index is small and distinct. */
#define V		((1UL << 47) + (1UL << 30) + (1UL << 21) + (1UL << 12))

static unsigned int s1_idx(unsigned long iova, int level)
{
	return (iova >> (MOCK_S1_GRANULE_SHIFT +
			 MOCK_PT_BITS_PER_LEVEL * level)) &
	       (MOCK_PT_ENTRIES - 1);
}

struct t_nest {
	struct mock_dev *mdev;
	struct device *dev;
	struct iommu_group *group;
	struct iommu_domain *parent;
	struct iommu_domain *nested;
	struct page *table[4];		/* indexed by stage-1 level */
	struct page *d, *e, *ro;
};

static struct iommu_domain *t_alloc_nested(struct device *dev,
					   struct iommu_domain *parent,
					   u32 flags, unsigned int type,
					   void *data, size_t len)
{
	struct iommu_user_data ud = {
		.type = type,
		.uptr = data,
		.len = len,
	};

	return dev_iommu_ops(dev)->domain_alloc_nested(dev, parent, flags,
						       &ud);
}

static void s1_set(struct t_nest *n, int level, unsigned long iova, u64 pte)
{
	u64 *t = page_address(n->table[level]);

	t[s1_idx(iova, level)] = pte;
}

/*
 * Build: a stage-2 parent with the guest's pages, a nested domain over it
 * attached to the device, and a stage-1 table mapping V -> GPA_D (RW).
 */
static void t_nest_setup(struct t_nest *n, u32 parent_flags)
{
	struct iommu_hwpt_selftest data = { .iotlb = IOMMU_TEST_IOTLB_DEFAULT };
	int l;

	n->mdev = t_mock_dev(0);
	n->dev = mock_dev_device(n->mdev);
	n->group = iommu_group_get(n->dev);
	ck_assert_int_eq(iommu_group_claim_dma_owner(n->group, &t_owner), 0);
	n->parent = iommu_paging_domain_alloc_flags(
		n->dev, IOMMU_HWPT_ALLOC_NEST_PARENT | parent_flags);
	ck_assert(!IS_ERR(n->parent));
	n->nested = t_alloc_nested(n->dev, n->parent, 0,
				   IOMMU_HWPT_DATA_SELFTEST, &data,
				   sizeof(data));
	ck_assert(!IS_ERR(n->nested));
	ck_assert_uint_eq(n->nested->type, IOMMU_DOMAIN_NESTED);
	ck_assert_int_eq(iommu_attach_group(n->nested, n->group), 0);

	for (l = 0; l < 4; l++) {
		n->table[l] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		/* The walker only reads tables: read-only in stage 2. */
		ck_assert_int_eq(iommu_map(n->parent, GPA_TABLES + l * PAGE_SIZE,
					   page_to_phys(n->table[l]), PAGE_SIZE,
					   IOMMU_READ, GFP_KERNEL), 0);
	}
	n->d = alloc_page(GFP_KERNEL);
	n->e = alloc_page(GFP_KERNEL);
	n->ro = alloc_page(GFP_KERNEL);
	t_fill_page(n->d, 0xd0);
	t_fill_page(n->e, 0xe0);
	t_fill_page(n->ro, 0x70);
	ck_assert_int_eq(iommu_map(n->parent, GPA_D, page_to_phys(n->d),
				   PAGE_SIZE, IOMMU_READ | IOMMU_WRITE,
				   GFP_KERNEL), 0);
	ck_assert_int_eq(iommu_map(n->parent, GPA_E, page_to_phys(n->e),
				   PAGE_SIZE, IOMMU_READ | IOMMU_WRITE,
				   GFP_KERNEL), 0);
	ck_assert_int_eq(iommu_map(n->parent, GPA_RO, page_to_phys(n->ro),
				   PAGE_SIZE, IOMMU_READ, GFP_KERNEL), 0);

	/* The guest's stage 1: V -> GPA_D. */
	s1_set(n, 3, V, mock_pte_table(GPA_TABLES + 2 * PAGE_SIZE));
	s1_set(n, 2, V, mock_pte_table(GPA_TABLES + 1 * PAGE_SIZE));
	s1_set(n, 1, V, mock_pte_table(GPA_TABLES + 0 * PAGE_SIZE));
	s1_set(n, 0, V, mock_pte_leaf(GPA_D, IOMMU_READ | IOMMU_WRITE));
	/* table[3] is the root; the others hang below it by GPA. */
	ck_assert_int_eq(mock_nested_set_stage1(n->nested,
						GPA_TABLES + 3 * PAGE_SIZE), 0);
}

static void t_nest_teardown(struct t_nest *n)
{
	int l;

	iommu_detach_group(n->nested, n->group);
	iommu_group_release_dma_owner(n->group);
	iommu_domain_free(n->nested);
	iommu_unmap(n->parent, GPA_TABLES, 4 * PAGE_SIZE);
	iommu_unmap(n->parent, GPA_D, 3 * PAGE_SIZE);
	iommu_domain_free(n->parent);
	for (l = 0; l < 4; l++)
		__free_page(n->table[l]);
	__free_page(n->d);
	__free_page(n->e);
	__free_page(n->ro);
	iommu_group_put(n->group);
	mock_dev_destroy(n->mdev);
}

static int t_read(struct t_nest *n, unsigned long iova, unsigned char *b)
{
	return mock_dev_dma_read(n->mdev, IOMMU_NO_PASID, iova, b, 1);
}

static void t_expect_fault(struct t_nest *n, int stage,
			   enum mock_fault_reason reason)
{
	struct mock_dma_fault f;

	mock_dev_last_fault(n->mdev, &f);
	ck_assert_int_eq(f.stage, stage);
	ck_assert_int_eq(f.reason, reason);
}

/*
 * A test of the nested domain's allocation ABI.  Expect: the data type
 * must be IOMMU_HWPT_DATA_SELFTEST (-EOPNOTSUPP), at least 4 bytes
 * (-EINVAL), a longer struct zero beyond them (-E2BIG), a readable pointer
 * (-EFAULT); flags other than PASID refused (-EOPNOTSUPP); the parent a
 * mock paging domain (-EINVAL); all four IOTLB slots equal to the given
 * value, slot 4 refused.
 */
START_TEST(test_nested_alloc_abi)
{
	struct mock_dev *mdev = t_mock_dev(0);
	struct device *dev = mock_dev_device(mdev);
	struct iommu_domain *parent = iommu_paging_domain_alloc_flags(
		dev, IOMMU_HWPT_ALLOC_NEST_PARENT);
	struct {
		u32 iotlb;
		u32 tail;
	} data = { 0x1234, 0 };
	struct iommu_domain *nested;
	u32 v, i;

	ck_assert_ptr_eq(t_alloc_nested(dev, parent, 0, 0xbeef, &data, 4),
			 ERR_PTR(-EOPNOTSUPP));
	ck_assert_ptr_eq(t_alloc_nested(dev, parent, 0,
					IOMMU_HWPT_DATA_SELFTEST, &data, 2),
			 ERR_PTR(-EINVAL));
	ck_assert_ptr_eq(t_alloc_nested(dev, parent, 0,
					IOMMU_HWPT_DATA_SELFTEST, NULL, 4),
			 ERR_PTR(-EFAULT));
	data.tail = 1;
	ck_assert_ptr_eq(t_alloc_nested(dev, parent, 0,
					IOMMU_HWPT_DATA_SELFTEST, &data, 8),
			 ERR_PTR(-E2BIG));
	data.tail = 0;
	ck_assert_ptr_eq(t_alloc_nested(dev, parent,
					IOMMU_HWPT_ALLOC_NEST_PARENT,
					IOMMU_HWPT_DATA_SELFTEST, &data, 4),
			 ERR_PTR(-EOPNOTSUPP));
	ck_assert_ptr_eq(t_alloc_nested(dev, iommu_get_domain_for_dev(dev), 0,
					IOMMU_HWPT_DATA_SELFTEST, &data, 4),
			 ERR_PTR(-EINVAL));

	nested = t_alloc_nested(dev, parent, IOMMU_HWPT_ALLOC_PASID,
				IOMMU_HWPT_DATA_SELFTEST, &data, 8);
	ck_assert(!IS_ERR(nested));
	ck_assert(mock_domain_is_nested(nested));
	ck_assert_ptr_nonnull(nested->ops->cache_invalidate_user);
	for (i = 0; i < MOCK_NESTED_DOMAIN_IOTLB_NUM; i++) {
		ck_assert_int_eq(mock_nested_check_iotlb(nested, i, &v), 0);
		ck_assert_uint_eq(v, 0x1234);
	}
	ck_assert_int_eq(mock_nested_check_iotlb(nested, 4, &v), -EINVAL);
	ck_assert_int_eq(mock_nested_check_iotlb(parent, 0, &v), -EINVAL);
	iommu_domain_free(nested);
	iommu_domain_free(parent);
	mock_dev_destroy(mdev);
}
END_TEST

static int t_invalidate(struct iommu_domain *nested, unsigned int type,
			void *entries, size_t entry_len, u32 *num)
{
	struct iommu_user_data_array array = {
		.type = type,
		.uptr = entries,
		.entry_len = entry_len,
		.entry_num = *num,
	};
	int rc = nested->ops->cache_invalidate_user(nested, &array);

	*num = array.entry_num;
	return rc;
}

/*
 * A test of the nested invalidation ABI.  Expect: a wrong type -EINVAL
 * with nothing handled; one entry zeroing its slot; FLAG_ALL zeroing all;
 * an unknown flag -EOPNOTSUPP and an ID above 3 -EINVAL, with the count of
 * entries handled before the bad one written back; an entry shorter than
 * the struct refused (-EINVAL).
 */
START_TEST(test_nested_invalidate_abi)
{
	struct t_nest n;
	struct iommu_hwpt_invalidate_selftest inv[2];
	u32 num, v;

	t_nest_setup(&n, 0);
	num = 1;
	inv[0] = (struct iommu_hwpt_invalidate_selftest){ 0, 1 };
	ck_assert_int_eq(t_invalidate(n.nested,
				      IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID,
				      inv, sizeof(inv[0]), &num), -EINVAL);
	ck_assert_uint_eq(num, 0);

	num = 1;
	ck_assert_int_eq(t_invalidate(n.nested,
				      IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
				      inv, sizeof(inv[0]), &num), 0);
	ck_assert_uint_eq(num, 1);
	mock_nested_check_iotlb(n.nested, 1, &v);
	ck_assert_uint_eq(v, 0);
	mock_nested_check_iotlb(n.nested, 0, &v);
	ck_assert_uint_eq(v, IOMMU_TEST_IOTLB_DEFAULT);

	num = 2;
	inv[0] = (struct iommu_hwpt_invalidate_selftest){ 0, 0 };
	inv[1] = (struct iommu_hwpt_invalidate_selftest){ 0, 4 };
	ck_assert_int_eq(t_invalidate(n.nested,
				      IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
				      inv, sizeof(inv[0]), &num), -EINVAL);
	ck_assert_uint_eq(num, 1);
	num = 1;
	inv[0] = (struct iommu_hwpt_invalidate_selftest){ 1 << 1, 0 };
	ck_assert_int_eq(t_invalidate(n.nested,
				      IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
				      inv, sizeof(inv[0]), &num), -EOPNOTSUPP);
	ck_assert_uint_eq(num, 0);
	num = 1;
	ck_assert_int_eq(t_invalidate(n.nested,
				      IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
				      inv, 4, &num), -EINVAL);
	num = 1;
	inv[0] = (struct iommu_hwpt_invalidate_selftest){
		IOMMU_TEST_INVALIDATE_FLAG_ALL, 0 };
	ck_assert_int_eq(t_invalidate(n.nested,
				      IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
				      inv, sizeof(inv[0]), &num), 0);
	for (num = 0; num < MOCK_NESTED_DOMAIN_IOTLB_NUM; num++) {
		mock_nested_check_iotlb(n.nested, num, &v);
		ck_assert_uint_eq(v, 0);
	}
	t_nest_teardown(&n);
}
END_TEST

/*
 * A test of nested translation:
 *
 *   IOVA V --stage 1 (guest tables, read through stage 2)--> GPA_D
 *        GPA_D --stage 2 (parent)--> frame d
 *
 * Expect a DMA at V to read d.  Then faults, each with the right stage:
 * an IOVA without a stage-1 leaf (stage 1), a stage-1 leaf whose output is
 * not in stage 2 (stage 2), a stage-1 table whose own GPA is not in stage
 * 2 (stage 2, during the walk), a write through a read-only stage-1 leaf
 * (stage 1, permission), a write through a read-only stage-2 leaf (stage
 * 2, permission).  With stage 1 off the IOVA is the GPA.
 */
START_TEST(test_nested_translation_walk)
{
	unsigned long v_none = V + PAGE_SIZE;	/* same L0 table, empty */
	unsigned long v_s2out = V + 2 * PAGE_SIZE;
	unsigned long v_s2tbl = V + SZ_2M;	/* another L1 entry */
	unsigned long v_s1ro = V + 3 * PAGE_SIZE;
	unsigned long v_s2ro = V + 4 * PAGE_SIZE;
	unsigned char b = 0, w = 1;
	struct t_nest n;

	t_nest_setup(&n, 0);
	ck_assert_int_eq(t_read(&n, V + 7, &b), 0);
	ck_assert_uint_eq(b, (unsigned char)(0xd0 + 7));

	ck_assert_int_eq(t_read(&n, v_none, &b), -EFAULT);
	t_expect_fault(&n, 1, MOCK_FAULT_NOT_PRESENT);

	s1_set(&n, 0, v_s2out, mock_pte_leaf(GPA_NOWHERE, IOMMU_READ));
	ck_assert_int_eq(t_read(&n, v_s2out, &b), -EFAULT);
	t_expect_fault(&n, 2, MOCK_FAULT_NOT_PRESENT);

	s1_set(&n, 1, v_s2tbl, mock_pte_table(GPA_NOWHERE));
	ck_assert_int_eq(t_read(&n, v_s2tbl, &b), -EFAULT);
	t_expect_fault(&n, 2, MOCK_FAULT_NOT_PRESENT);

	s1_set(&n, 0, v_s1ro, mock_pte_leaf(GPA_E, IOMMU_READ));
	ck_assert_int_eq(t_read(&n, v_s1ro, &b), 0);
	ck_assert_uint_eq(b, 0xe0);
	ck_assert_int_eq(mock_dev_dma_write(n.mdev, IOMMU_NO_PASID, v_s1ro,
					    &w, 1), -EPERM);
	t_expect_fault(&n, 1, MOCK_FAULT_PERMISSION);

	s1_set(&n, 0, v_s2ro, mock_pte_leaf(GPA_RO,
					    IOMMU_READ | IOMMU_WRITE));
	ck_assert_int_eq(mock_dev_dma_write(n.mdev, IOMMU_NO_PASID, v_s2ro,
					    &w, 1), -EPERM);
	t_expect_fault(&n, 2, MOCK_FAULT_PERMISSION);

	/* Beyond the 48-bit stage-1 input. */
	ck_assert_int_eq(t_read(&n, 1UL << 48, &b), -EFAULT);
	t_expect_fault(&n, 1, MOCK_FAULT_RANGE);

	/* Stage 1 off: GPA_E is reached directly. */
	ck_assert_int_eq(mock_nested_set_stage1(n.nested, 0), 0);
	ck_assert_int_eq(t_read(&n, GPA_E + 3, &b), 0);
	ck_assert_uint_eq(b, 0xe3);
	ck_assert_int_eq(t_read(&n, V, &b), -EFAULT);
	t_expect_fault(&n, 2, MOCK_FAULT_RANGE);
	t_nest_teardown(&n);
}
END_TEST

/*
 * A test of the nested translation cache.  Expect: after the guest points
 * V at another page without invalidating, DMA still reaches the old page;
 * after a user invalidation it reaches the new one; a stage-2 unmap with
 * its IOTLB sync drops the combined entries too, so the next DMA faults at
 * stage 2.  And a nested write sets the dirty bit of the stage-2 leaf
 * when the parent tracks dirty pages.
 */
START_TEST(test_nested_cache_and_dirty)
{
	struct iommu_hwpt_invalidate_selftest inv = { 0, 2 };
	struct iommu_iotlb_gather gather;
	struct iommu_dirty_bitmap dirty;
	unsigned char b = 0, w = 0x5a;
	struct t_nest n;
	u32 num = 1;

	t_nest_setup(&n, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	ck_assert_int_eq(t_read(&n, V, &b), 0);
	ck_assert_uint_eq(b, 0xd0);
	ck_assert_uint_eq(mock_domain_iotlb_used(n.nested), 1);

	s1_set(&n, 0, V, mock_pte_leaf(GPA_E, IOMMU_READ | IOMMU_WRITE));
	ck_assert_int_eq(t_read(&n, V, &b), 0);
	ck_assert_uint_eq(b, 0xd0);			/* stale */
	ck_assert_int_eq(t_invalidate(n.nested,
				      IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
				      &inv, sizeof(inv), &num), 0);
	ck_assert_int_eq(t_read(&n, V, &b), 0);
	ck_assert_uint_eq(b, 0xe0);

	/* A nested write marks the stage-2 leaf of GPA_E. */
	ck_assert_int_eq(n.parent->dirty_ops->set_dirty_tracking(n.parent,
								 true), 0);
	iommu_flush_iotlb_all(n.parent);
	ck_assert_int_eq(mock_dev_dma_write(n.mdev, IOMMU_NO_PASID, V + 2100,
					    &w, 1), 0);
	ck_assert_uint_eq(((unsigned char *)page_address(n.e))[2100], 0x5a);
	iommu_dirty_bitmap_init(&dirty, NULL, &gather);
	ck_assert_int_eq(n.parent->dirty_ops->read_and_clear_dirty(
				 n.parent, GPA_E, PAGE_SIZE,
				 IOMMU_DIRTY_NO_CLEAR, &dirty), 0);
	ck_assert_uint_eq(gather.start, GPA_E + SZ_2K);	/* second 2K leaf */
	ck_assert_uint_eq(gather.end, GPA_E + PAGE_SIZE - 1);
	ck_assert_int_eq(n.parent->dirty_ops->set_dirty_tracking(n.parent,
								 false), 0);

	/* Stage 2 changes: the parent's flush drops combined entries. */
	ck_assert_uint_eq(iommu_unmap(n.parent, GPA_E, PAGE_SIZE), PAGE_SIZE);
	ck_assert_uint_eq(mock_domain_iotlb_used(n.nested), 0);
	ck_assert_int_eq(t_read(&n, V, &b), -EFAULT);
	t_expect_fault(&n, 2, MOCK_FAULT_NOT_PRESENT);
	ck_assert_int_eq(iommu_map(n.parent, GPA_E, page_to_phys(n.e),
				   PAGE_SIZE, IOMMU_READ | IOMMU_WRITE,
				   GFP_KERNEL), 0);
	t_nest_teardown(&n);
}
END_TEST

Suite *mock_nested_suite(void)
{
	Suite *s = suite_create("mock_nested");
	TCase *tc = iommu_tcase("nested");

	tcase_add_test(tc, test_nested_alloc_abi);
	tcase_add_test(tc, test_nested_invalidate_abi);
	tcase_add_test(tc, test_nested_translation_walk);
	tcase_add_test(tc, test_nested_cache_and_dirty);
	suite_add_tcase(s, tc);
	return s;
}
