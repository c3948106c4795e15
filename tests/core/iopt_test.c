// SPDX-License-Identifier: GPL-2.0
/*
 * Shared helpers of the io_pagetable/pages suites (iopt_test.h) and the
 * test program's main().
 */
#include <stdlib.h>
#include <string.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include "iopt_test.h"

static void iopt_setup(void)
{
	ck_assert_int_eq(mock_iommu_init(), 0);
}

static void iopt_teardown(void)
{
	mock_iommu_exit();
	ck_assert_uint_eq(kshim_iommu_domains_live(), 0);
}

TCase *iopt_tcase(const char *name)
{
	TCase *tc = ktest_tcase(name);

	tcase_add_checked_fixture(tc, iopt_setup, iopt_teardown);
	tcase_set_timeout(tc, 600);
	return tc;
}

#define T_MAX_UMEM	16
static struct kshim_umem *t_umems[T_MAX_UMEM];
static unsigned int t_numems;

void t_env_init(struct t_env *env, unsigned long memlock, u64 caps)
{
	struct kshim_process_opts opts = {
		.name = "iopt",
		.uid = KSHIM_PROCESS_DEFAULT_UID,
		.caps = caps,
		.memlock_cur = memlock,
		.memlock_max = memlock,
	};

	memset(env, 0, sizeof(*env));
	env->proc = kshim_process_create(&opts);
	ck_assert_ptr_nonnull(env->proc);
	kshim_process_enter(env->proc);

	xa_init_flags(&env->ictx.objects, XA_FLAGS_ALLOC1);
	init_waitqueue_head(&env->ictx.destroy_wait);
	init_rwsem(&env->ictx.ioas_creation_lock);
	env->ictx.account_mode = IOPT_PAGES_ACCOUNT_USER;

	env->ioas = t_ioas_alloc();
	env->iopt = &env->ioas->iopt;
	env->mdev = mock_dev_create(0);
	ck_assert(!IS_ERR(env->mdev));
	t_numems = 0;
}

void t_env_fini(struct t_env *env)
{
	unsigned int i;

	ck_assert_int_eq(iopt_unmap_all(env->iopt, NULL), 0);
	while (env->ndomains)
		t_remove_domain(env, env->domains[env->ndomains - 1]);
	t_ioas_free(env->ioas);
	mock_dev_destroy(env->mdev);
	xa_destroy(&env->ictx.objects);
	kshim_rwsem_destroy(&env->ictx.ioas_creation_lock);

	kshim_process_leave();
	for (i = 0; i < t_numems; i++)
		kshim_umem_unmap(t_umems[i]);
	t_numems = 0;
	kshim_process_destroy(env->proc);
}

struct iommufd_ioas *t_ioas_alloc(void)
{
	struct iommufd_ioas *ioas = kzalloc(sizeof(*ioas), GFP_KERNEL);

	ck_assert_ptr_nonnull(ioas);
	ioas->obj.type = IOMMUFD_OBJ_IOAS;
	refcount_set(&ioas->obj.users, 1);
	refcount_set(&ioas->obj.wait_cnt, 1);
	iopt_init_table(&ioas->iopt);
	return ioas;
}

void t_ioas_free(struct iommufd_ioas *ioas)
{
	ck_assert_int_eq(iopt_unmap_all(&ioas->iopt, NULL), 0);
	iopt_destroy_table(&ioas->iopt);
	kfree(ioas);
}

struct iommu_domain *t_domain_alloc(struct t_env *env, u32 flags)
{
	struct iommu_domain *domain;

	domain = iommu_paging_domain_alloc_flags(mock_dev_device(env->mdev),
						 flags);
	ck_assert_msg(!IS_ERR(domain), "domain alloc: %ld", PTR_ERR(domain));
	return domain;
}

struct iommu_domain *t_add_domain(struct t_env *env, u32 flags)
{
	struct iommu_domain *domain = t_domain_alloc(env, flags);
	int rc;

	rc = iopt_table_add_domain(env->iopt, domain);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_lt(env->ndomains, ARRAY_SIZE(env->domains));
	env->domains[env->ndomains++] = domain;
	return domain;
}

void t_remove_domain(struct t_env *env, struct iommu_domain *domain)
{
	unsigned int i;

	for (i = 0; i < env->ndomains; i++)
		if (env->domains[i] == domain)
			break;
	ck_assert_uint_lt(i, env->ndomains);
	iopt_table_remove_domain(env->iopt, domain);
	iommu_domain_free(domain);
	env->domains[i] = env->domains[--env->ndomains];
}

struct kshim_umem *t_umem(struct t_env *env, unsigned long npages,
			  enum kshim_phys_policy policy)
{
	struct kshim_umem_opts opts = { .policy = policy };
	struct kshim_umem *um;

	um = kshim_umem_alloc(env->proc, npages * PAGE_SIZE, &opts);
	ck_assert_msg(!IS_ERR(um), "kshim_umem_alloc: %ld", PTR_ERR(um));
	ck_assert_uint_lt(t_numems, T_MAX_UMEM);
	t_umems[t_numems++] = um;
	return um;
}

int t_map(struct t_env *env, struct io_pagetable *iopt, unsigned long *iova,
	  void *uptr, unsigned long length, bool fixed)
{
	return iopt_map_user_pages(&env->ictx, iopt, iova, uptr, length,
				   IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE,
				   fixed ? 0 : IOPT_ALLOC_IOVA);
}

int t_copy(struct io_pagetable *dst, unsigned long *dst_iova,
	   struct io_pagetable *src, unsigned long src_iova,
	   unsigned long length, int prot, bool fixed)
{
	LIST_HEAD(pages_list);
	int rc;

	rc = iopt_get_pages(src, src_iova, length, &pages_list);
	if (rc)
		return rc;
	rc = iopt_map_pages(dst, &pages_list, length, dst_iova, prot,
			    fixed ? 0 : IOPT_ALLOC_IOVA);
	iopt_free_pages_list(&pages_list);
	return rc;
}

static bool t_area_prot_ok(struct iopt_area *area, unsigned int flags)
{
	if (flags & IOMMUFD_ACCESS_RW_WRITE)
		return area->iommu_prot & IOMMU_WRITE;
	return area->iommu_prot & IOMMU_READ;
}

static void t_unpin_range(struct io_pagetable *iopt, unsigned long iova,
			  unsigned long last_iova, bool internal)
{
	struct iopt_area_contig_iter iter;
	struct iopt_area *area;

	iopt_for_each_contig_area(&iter, area, iopt, iova, last_iova) {
		unsigned long last = iopt_area_contig_last(&iter);

		iopt_area_remove_access(
			area, iopt_area_iova_to_index(area, iter.cur_iova),
			iopt_area_iova_to_index(area, last), internal);
	}
	WARN_ON(!iopt_area_contig_done(&iter));
}

int t_pin(struct io_pagetable *iopt, unsigned long iova, unsigned long length,
	  struct page **out, unsigned int flags, bool internal)
{
	unsigned long last_iova = iova + length - 1;
	struct iopt_area_contig_iter iter;
	struct iopt_area *area;
	int rc = 0;

	down_read(&iopt->iova_rwsem);
	iopt_for_each_contig_area(&iter, area, iopt, iova, last_iova) {
		unsigned long last = iopt_area_contig_last(&iter);
		unsigned long index, last_index;

		if (area->prevent_access ||
		    (iter.cur_iova - iopt_area_iova(area) + area->page_offset) %
			    PAGE_SIZE) {
			rc = -EINVAL;
			goto err_remove;
		}
		if (!t_area_prot_ok(area, flags)) {
			rc = -EPERM;
			goto err_remove;
		}
		index = iopt_area_iova_to_index(area, iter.cur_iova);
		last_index = iopt_area_iova_to_index(area, last);
		rc = iopt_area_add_access(area, index, last_index, out, flags,
					  internal);
		if (rc)
			goto err_remove;
		out += last_index - index + 1;
	}
	if (!iopt_area_contig_done(&iter)) {
		rc = -ENOENT;
		goto err_remove;
	}
	up_read(&iopt->iova_rwsem);
	return 0;

err_remove:
	if (iova < iter.cur_iova)
		t_unpin_range(iopt, iova, iter.cur_iova - 1, internal);
	up_read(&iopt->iova_rwsem);
	return rc;
}

void t_unpin(struct io_pagetable *iopt, unsigned long iova,
	     unsigned long length, bool internal)
{
	down_read(&iopt->iova_rwsem);
	t_unpin_range(iopt, iova, iova + length - 1, internal);
	up_read(&iopt->iova_rwsem);
}

int t_rw(struct io_pagetable *iopt, unsigned long iova, void *data,
	 size_t len, unsigned int flags)
{
	struct iopt_area_contig_iter iter;
	struct iopt_area *area;
	int rc = 0;

	down_read(&iopt->iova_rwsem);
	iopt_for_each_contig_area(&iter, area, iopt, iova, iova + len - 1) {
		unsigned long last = iopt_area_contig_last(&iter);
		unsigned long bytes = last - iter.cur_iova + 1;

		if (area->prevent_access) {
			rc = -EINVAL;
			goto out;
		}
		if (!t_area_prot_ok(area, flags)) {
			rc = -EPERM;
			goto out;
		}
		rc = iopt_pages_rw_access(area->pages,
					  iopt_area_start_byte(area,
							       iter.cur_iova),
					  data, bytes, flags);
		if (rc)
			goto out;
		data += bytes;
	}
	if (!iopt_area_contig_done(&iter))
		rc = -ENOENT;
out:
	up_read(&iopt->iova_rwsem);
	return rc;
}

/* ---- accesses ------------------------------------------------------------ */

/*
 * The test program does not link device.c: this is the same walk as its
 * iommufd_access_notify_unmap(), internal accesses skipped before a
 * reference is taken.
 */
void iommufd_access_notify_unmap(struct io_pagetable *iopt, unsigned long iova,
				 unsigned long length)
{
	struct iommufd_access *access;
	unsigned long index;

	xa_lock(&iopt->access_list);
	xa_for_each(&iopt->access_list, index, access) {
		if (iommufd_access_is_internal(access))
			continue;
		if (!iommufd_lock_obj(&access->obj))
			continue;
		xa_unlock(&iopt->access_list);
		access->ops->unmap(access->data, iova, length);
		iommufd_put_object(access->ictx, &access->obj);
		xa_lock(&iopt->access_list);
	}
	xa_unlock(&iopt->access_list);
}

static void t_access_unmap(void *data, unsigned long iova,
			   unsigned long length)
{
	struct t_access *ta = data;
	unsigned long last = iova + length - 1;
	unsigned int i;

	mutex_lock(&ta->lock);
	ta->unmap_calls++;
	if (ta->ignore_unmap)
		goto out;
	for (i = 0; i < ta->npins;) {
		unsigned long plast = ta->pins[i].iova + ta->pins[i].length - 1;

		if (ta->pins[i].iova > last || plast < iova) {
			i++;
			continue;
		}
		t_unpin(ta->iopt, ta->pins[i].iova, ta->pins[i].length, false);
		ta->pins[i] = ta->pins[--ta->npins];
	}
out:
	mutex_unlock(&ta->lock);
}

static const struct iommufd_access_ops t_access_ops = {
	.needs_pin_pages = 1,
	.unmap = t_access_unmap,
};

void t_access_init(struct t_access *ta, struct t_env *env,
		   struct io_pagetable *iopt, bool internal)
{
	memset(ta, 0, sizeof(*ta));
	mutex_init(&ta->lock);
	ta->iopt = iopt;
	ta->access.obj.type = IOMMUFD_OBJ_ACCESS;
	refcount_set(&ta->access.obj.users, 1);
	refcount_set(&ta->access.obj.wait_cnt, 1);
	ta->access.iova_alignment = PAGE_SIZE;
	if (!internal) {
		ta->access.ictx = &env->ictx;
		ta->access.ops = &t_access_ops;
		ta->access.data = ta;
	}
	ck_assert_int_eq(iopt_add_access(iopt, &ta->access), 0);
}

void t_access_fini(struct t_access *ta)
{
	t_access_unpin_all(ta);
	iopt_remove_access(ta->iopt, &ta->access,
			   ta->access.iopt_access_list_id);
	mutex_destroy(&ta->lock);
}

int t_access_pin(struct t_access *ta, unsigned long iova,
		 unsigned long length, struct page **out, unsigned int flags)
{
	bool internal = iommufd_access_is_internal(&ta->access);
	int rc;

	mutex_lock(&ta->lock);
	ck_assert_uint_lt(ta->npins, ARRAY_SIZE(ta->pins));
	rc = t_pin(ta->iopt, iova, length, out, flags, internal);
	if (!rc) {
		ta->pins[ta->npins].iova = iova;
		ta->pins[ta->npins].length = length;
		ta->npins++;
	}
	mutex_unlock(&ta->lock);
	return rc;
}

void t_access_unpin_last(struct t_access *ta)
{
	bool internal = iommufd_access_is_internal(&ta->access);

	mutex_lock(&ta->lock);
	if (ta->npins) {
		ta->npins--;
		t_unpin(ta->iopt, ta->pins[ta->npins].iova,
			ta->pins[ta->npins].length, internal);
	}
	mutex_unlock(&ta->lock);
}

void t_access_unpin_all(struct t_access *ta)
{
	bool internal = iommufd_access_is_internal(&ta->access);

	mutex_lock(&ta->lock);
	while (ta->npins) {
		ta->npins--;
		t_unpin(ta->iopt, ta->pins[ta->npins].iova,
			ta->pins[ta->npins].length, internal);
	}
	mutex_unlock(&ta->lock);
}

/* ---- checks ---------------------------------------------------------------- */

void t_check(struct io_pagetable *iopt)
{
	ck_assert_int_eq(iopt_check_invariants(iopt), 0);
}

long t_user_locked(struct t_env *env)
{
	return atomic_long_read(&kshim_process_user(env->proc)->locked_vm);
}

long t_mm_pinned(struct t_env *env)
{
	return atomic64_read(&kshim_process_mm(env->proc)->pinned_vm);
}

long t_mm_locked(struct t_env *env)
{
	return kshim_process_mm(env->proc)->locked_vm;
}

/* ---- main ------------------------------------------------------------------ */

static Suite *(*const suites[])(void) = {
	iopt_suite,
	iopt_access_suite,
	iopt_random_suite,
};

int main(void)
{
	return ktest_main(suites, ARRAY_SIZE(suites));
}
