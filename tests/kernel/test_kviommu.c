// SPDX-License-Identifier: GPL-2.0
/*
 * The newest objects seen from inside (internals-spec 1.8, 4.7, 6): the
 * users-reference graph a guest builds (who holds whom, and that the HW
 * queue's internal access adds nothing to the context's file count), the
 * vEVENTQ sequence numbers wrapping from INT_MAX to 0 (too many events to
 * reach through the uAPI alone: the counter is moved forward here), and
 * the driver helpers of driver.c called the way an IOMMU driver does.
 */
#include <limits.h>
#include <sys/mman.h>
#include <linux/mm.h>
#include "kt.h"
#include "viommu_util.h"

#define PG	KT_PAGE

/* The vEVENTQ object @id of uf.fd's context, with a short-term reference. */
static struct iommufd_veventq *kt_get_veventq(u32 id)
{
	struct iommufd_object *obj;

	obj = iommufd_get_object(kt_ctx(), id, IOMMUFD_OBJ_VEVENTQ);
	ck_assert(!IS_ERR(obj));
	return eventq_to_veventq(container_of(obj, struct iommufd_eventq, obj));
}

static void kt_put(struct iommufd_object *obj)
{
	iommufd_put_object(kt_ctx(), obj);
}

/* A device linked to the vIOMMU (vDEVICE, attached to its nested HWPT). */
static void link_device(struct viommu_env *e)
{
	uint32_t vdev, nested;

	sim_vdevice_alloc(e->viommu, e->idev, VIRT_ID, &vdev);
	sim_viommu_nested(e->idev, e->viommu, 0, &nested);
	sim_replace(e->stdev, nested);
}

START_TEST(test_kviommu_sequence_wrap)
{
	struct selftest_vevent ev[2];
	struct iommufd_veventq *veventq;
	unsigned char buf[64];
	struct viommu_env e;
	uint32_t id;
	int fd;

	viommu_env_setup(&e, true);
	link_device(&e);
	sim_veventq_alloc(e.viommu, IOMMU_VEVENTQ_TYPE_SELFTEST, 2, &id, &fd);

	veventq = kt_get_veventq(id);
	spin_lock(&veventq->common.lock);
	veventq->sequence = INT_MAX - 1;
	spin_unlock(&veventq->common.lock);
	kt_put(&veventq->common.obj);

	sim_trigger_vevent(e.idev);
	sim_trigger_vevent(e.idev);
	ck_assert_int_eq(_sim_read(fd, ev, sizeof(ev)), sizeof(ev));
	ck_assert_uint_eq(ev[0].hdr.sequence, INT_MAX - 1);
	ck_assert_uint_eq(ev[1].hdr.sequence, INT_MAX);
	/* After INT_MAX comes 0, for events and the lost header alike. */
	sim_trigger_vevent(e.idev);		/* 0 */
	sim_trigger_vevent(e.idev);		/* 1 */
	sim_trigger_vevent(e.idev);		/* lost, 2 */
	ck_assert_int_eq(_sim_read(fd, buf, sizeof(buf)),
			 sizeof(ev) + sizeof(struct iommufd_vevent_header));
	memcpy(ev, buf, sizeof(ev));
	ck_assert_uint_eq(ev[0].hdr.sequence, 0);
	ck_assert_uint_eq(ev[1].hdr.sequence, 1);
	ck_assert_uint_eq(((struct iommufd_vevent_header *)(buf + sizeof(ev)))
				  ->sequence, 2);

	/* Occupancy is back to zero: reads of real events decrement it. */
	veventq = kt_get_veventq(id);
	ck_assert_uint_eq(veventq->num_events, 0);
	ck_assert(list_empty(&veventq->common.deliver));
	kt_put(&veventq->common.obj);
}
END_TEST

/* Who holds whom once a whole guest is built. */
START_TEST(test_kviommu_graph)
{
	struct iommu_viommu_selftest data = { .in_data = 1 };
	uint32_t vdev, nested, veventq, q0, q1, viommu;
	struct iommufd_object *obj;
	struct iommufd_access *access;
	struct viommu_env e;
	long files_before;
	int fd, err;
	void *map;

	viommu_env_setup(&e, false);
	sim_viommu_alloc(e.idev, e.parent, IOMMU_VIOMMU_TYPE_SELFTEST, &data,
			 sizeof(data), &viommu);
	sim_vdevice_alloc(viommu, e.idev, VIRT_ID, &vdev);
	sim_viommu_nested(e.idev, viommu, 0, &nested);
	sim_replace(e.stdev, nested);
	sim_veventq_alloc(viommu, IOMMU_VEVENTQ_TYPE_SELFTEST, 2, &veventq,
			  &fd);
	map = _sim_mmap(data.out_mmap_length, PROT_READ, MAP_SHARED, uf.fd,
			data.out_mmap_offset, &err);
	ck_assert_ptr_nonnull(map);

	files_before = file_count(kt_file_of(uf.p, uf.fd));
	sim_hw_queue_alloc(viommu, IOMMU_HW_QUEUE_TYPE_SELFTEST, 0, GUEST_IOVA,
			   PG, &q0);
	sim_hw_queue_alloc(viommu, IOMMU_HW_QUEUE_TYPE_SELFTEST, 1,
			   GUEST_IOVA + PG, PG, &q1);
	/* The internal accesses took no reference on the context's file. */
	ck_assert_int_eq(file_count(kt_file_of(uf.p, uf.fd)), files_before);

	ck_assert(kt_holds(viommu, e.parent, "nest parent"));
	ck_assert(kt_holds(vdev, viommu, "viommu"));
	ck_assert(kt_holds(vdev, e.idev, "device"));
	ck_assert(kt_holds(nested, viommu, "viommu"));
	ck_assert(!kt_holds(nested, e.parent, "parent"));
	ck_assert(kt_holds(veventq, viommu, "viommu"));
	ck_assert(kt_holds(q0, viommu, "viommu"));
	ck_assert(kt_holds(q1, viommu, "viommu"));
	ck_assert(kt_holds(q1, q0, "depends on"));
	ck_assert(kt_holds(q0, q0 + 1, "internal access"));

	/*
	 * The vIOMMU: the table, vDEVICE, nested HWPT, vEVENTQ, two queues
	 * and the mapping.  The device: table, driver (SELFTEST), the
	 * attachment, and the vDEVICE's kept lookup.
	 */
	ck_assert_uint_eq(kt_users(viommu), 7);
	ck_assert_uint_eq(kt_users(e.idev), 4);
	/* The vEVENTQ: the table and its file. */
	ck_assert_uint_eq(kt_users(veventq), 2);
	/* Queue 0: the table and queue 1. */
	ck_assert_uint_eq(kt_users(q0), 2);

	/* The internal access: the table and its owner; no context ref. */
	obj = iommufd_get_object(kt_ctx(), q0 + 1, IOMMUFD_OBJ_ACCESS);
	ck_assert(!IS_ERR(obj));
	access = container_of(obj, struct iommufd_access, obj);
	ck_assert(iommufd_access_is_internal(access));
	ck_assert(!iommufd_object_holds_ctx(obj));
	ck_assert_uint_eq(refcount_read(&obj->users), 3);	/* + ours */
	kt_put(obj);
	/* A driver-owned object: the user cannot destroy it. */
	sim_err_destroy(EBUSY, q0 + 1);

	SIM_OK(_sim_munmap(map, data.out_mmap_length));
	ck_assert_uint_eq(kt_users(viommu), 6);
	sim_close(fd);
}
END_TEST

/* The helpers of driver.c, as an IOMMU driver calls them. */
START_TEST(test_kviommu_driver_helpers)
{
	struct iommufd_viommu *viommu;
	struct iommufd_object *obj, *parent;
	struct device *dev = NULL;
	unsigned long vdev_id = 0, offset = 0;
	uint32_t vdev, stdev2, idev2;
	struct viommu_env e;
	u32 payload = 5;

	viommu_env_setup(&e, true);
	viommu_env_add_device(&e, &stdev2, &idev2);
	sim_vdevice_alloc(e.viommu, e.idev, VIRT_ID, &vdev);

	obj = iommufd_get_object(kt_ctx(), e.viommu, IOMMUFD_OBJ_VIOMMU);
	ck_assert(!IS_ERR(obj));
	viommu = container_of(obj, struct iommufd_viommu, obj);

	xa_lock(&viommu->vdevs);
	dev = iommufd_viommu_find_dev(viommu, VIRT_ID);
	ck_assert_ptr_nonnull(dev);
	ck_assert_ptr_null(iommufd_viommu_find_dev(viommu, VIRT_ID + 1));
	xa_unlock(&viommu->vdevs);
	ck_assert_int_eq(iommufd_viommu_get_vdev_id(viommu, dev, &vdev_id), 0);
	ck_assert_uint_eq(vdev_id, VIRT_ID);

	/* No vEVENTQ of the type. */
	ck_assert_int_eq(iommufd_viommu_report_event(viommu, 0x1234, &payload,
						     sizeof(payload)),
			 -EOPNOTSUPP);

	/* Dependencies: never on oneself, never across types. */
	parent = iommufd_get_object(kt_ctx(), e.parent,
				    IOMMUFD_OBJ_HWPT_PAGING);
	ck_assert(!IS_ERR(parent));
	ck_assert_int_eq(_iommufd_object_depend(obj, obj), -EINVAL);
	ck_assert_int_eq(_iommufd_object_depend(obj, parent), -EINVAL);
	kt_put(parent);

	/* mmap regions: page aligned and not empty. */
	ck_assert_int_eq(_iommufd_alloc_mmap(viommu->ictx, obj, 0x1000 + 1,
					     PG, &offset), -EINVAL);
	ck_assert_int_eq(_iommufd_alloc_mmap(viommu->ictx, obj, 0x1000, PG + 1,
					     &offset), -EINVAL);
	ck_assert_int_eq(_iommufd_alloc_mmap(viommu->ictx, obj, 0x1000, 0,
					     &offset), -EINVAL);
	/* A registered region is mappable until it is destroyed. */
	ck_assert_int_eq(_iommufd_alloc_mmap(viommu->ictx, obj, 0x1000, PG,
					     &offset), 0);
	ck_assert_uint_eq(offset, PG);
	_iommufd_destroy_mmap(viommu->ictx, obj, offset);
	kt_put(obj);
	sim_destroy(stdev2);
}
END_TEST

/*
 * A three-page region cut in the middle by munmap(): two VMAs, each
 * holding the owner (the second announced with vm_ops->open, as a split
 * is), each showing its own part of the frames.
 */
START_TEST(test_kviommu_mmap_split)
{
	unsigned long offset = 0, base_users;
	struct iommufd_viommu *viommu;
	struct iommufd_object *obj;
	struct viommu_env e;
	struct page *pages;
	uint32_t *p;
	int err, i;

	viommu_env_setup(&e, true);
	obj = iommufd_get_object(kt_ctx(), e.viommu, IOMMUFD_OBJ_VIOMMU);
	ck_assert(!IS_ERR(obj));
	viommu = container_of(obj, struct iommufd_viommu, obj);
	pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	ck_assert_ptr_nonnull(pages);
	for (i = 0; i < 3; i++)
		*(uint32_t *)((char *)page_address(pages) + i * PG) = 100 + i;
	ck_assert_int_eq(_iommufd_alloc_mmap(viommu->ictx, obj,
					     page_to_phys(pages), 3 * PG,
					     &offset), 0);
	base_users = kt_users(e.viommu);

	p = _sim_mmap(3 * PG, PROT_READ, MAP_SHARED, uf.fd, offset, &err);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(kt_users(e.viommu), base_users + 1);
	SIM_OK(_sim_munmap((char *)p + PG, PG));
	ck_assert_uint_eq(kt_users(e.viommu), base_users + 2);
	ck_assert_uint_eq(p[0], 100);
	ck_assert_uint_eq(p[2 * PG / 4], 102);
	SIM_OK(_sim_munmap(p, PG));
	ck_assert_uint_eq(kt_users(e.viommu), base_users + 1);
	SIM_OK(_sim_munmap((char *)p + 2 * PG, PG));
	ck_assert_uint_eq(kt_users(e.viommu), base_users);

	_iommufd_destroy_mmap(viommu->ictx, obj, offset);
	__free_pages(pages, 2);
	kt_put(obj);
}
END_TEST

Suite *kviommu_suite(void)
{
	Suite *s = suite_create("kviommu");
	TCase *tc = kt_tcase("kviommu");

	tcase_add_test(tc, test_kviommu_sequence_wrap);
	tcase_add_test(tc, test_kviommu_graph);
	tcase_add_test(tc, test_kviommu_driver_helpers);
	tcase_add_test(tc, test_kviommu_mmap_split);
	suite_add_tcase(s, tc);
	return s;
}
