// SPDX-License-Identifier: GPL-2.0
/*
 * uaccess (linux/uaccess.h) on simulator mappings, the caller's stack and
 * other host memory: what the kernel's would return, never a crash.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <kshim/fault.h>
#include <kshim/process.h>
#include <kshim/umem.h>
#include "ktest.h"
#include "mm_suites.h"

struct ua_fixture {
	struct kshim_process *p;
	struct kshim_umem *um;
	char *u;			/* the user's address of the umem */
};

static void ua_begin(struct ua_fixture *f, unsigned long npages, int prot)
{
	struct kshim_umem_opts opts = { .prot = prot, .name = "ua" };

	f->p = mmt_process("ua", 0);
	f->um = mmt_umem(f->p, npages, &opts);
	f->u = kshim_umem_addr(f->um);
	kshim_process_enter(f->p);
}

static void ua_end(struct ua_fixture *f)
{
	kshim_process_leave();
	kshim_umem_unmap(f->um);
	kshim_process_destroy(f->p);
}

START_TEST(test_ua_valid_roundtrip)
{
	struct ua_fixture f;
	char in[300], out[300];
	unsigned int i;

	ua_begin(&f, 2, 0);
	for (i = 0; i < sizeof(in); i++)
		in[i] = i * 7;
	/* Across the page boundary. */
	ck_assert_uint_eq(copy_to_user(f.u + PAGE_SIZE - 100, in, sizeof(in)),
			  0);
	ck_assert_uint_eq(copy_from_user(out, f.u + PAGE_SIZE - 100,
					 sizeof(out)), 0);
	ck_assert_mem_eq(in, out, sizeof(in));
	/* The user sees it, and so does the frame's direct map. */
	ck_assert_mem_eq(f.u + PAGE_SIZE - 100, in, sizeof(in));
	ck_assert_mem_eq((char *)page_address(kshim_umem_frame(f.um, 1)), in + 100,
			 200);
	ck_assert(kshim_umem_populated(f.um, 0) &&
		  kshim_umem_populated(f.um, 1));
	ck_assert_uint_eq(clear_user(f.u + PAGE_SIZE - 10, 20), 0);
	ck_assert_uint_eq(f.u[PAGE_SIZE - 10] | f.u[PAGE_SIZE + 9], 0);
	ua_end(&f);
}
END_TEST

START_TEST(test_ua_unmapped)
{
	struct ua_fixture f;
	char buf[100];

	ua_begin(&f, 2, 0);
	memset(buf, 0x55, sizeof(buf));
	ck_assert_uint_eq(copy_from_user(buf, NULL, sizeof(buf)), sizeof(buf));
	ck_assert_int_eq(buf[0] | buf[99], 0);	/* zero-filled */
	ck_assert_uint_eq(copy_to_user(NULL, buf, sizeof(buf)), sizeof(buf));
	ck_assert_uint_eq(copy_to_user((void *)0xdead0000UL, buf, 8), 8);
	ck_assert_uint_eq(copy_from_user(buf, (void *)~0UL, 8), 8);
	ck_assert_uint_eq(copy_from_user(buf, (void *)(TASK_SIZE_MAX - 4), 8),
			  8);
	ck_assert_uint_eq(clear_user(NULL, 8), 8);

	/* Page 1 unmapped: a copy ends exactly at the boundary. */
	ck_assert_int_eq(kshim_user_munmap(f.p, (unsigned long)f.u + PAGE_SIZE,
					   PAGE_SIZE), 0);
	memset(f.u + PAGE_SIZE - 40, 0x11, 40);
	memset(buf, 0x55, sizeof(buf));
	ck_assert_uint_eq(copy_from_user(buf, f.u + PAGE_SIZE - 40, 100), 60);
	ck_assert_int_eq(buf[39], 0x11);
	ck_assert_int_eq(buf[40] | buf[99], 0);
	ck_assert_uint_eq(copy_to_user(f.u + PAGE_SIZE - 40, buf, 100), 60);
	ck_assert_uint_eq(copy_to_user(f.u + PAGE_SIZE, buf, 1), 1);
	ua_end(&f);
}
END_TEST

START_TEST(test_ua_read_only)
{
	struct ua_fixture f;
	char buf[64], zero[64] = {};

	ua_begin(&f, 1, PROT_READ);
	memset(buf, 0x77, sizeof(buf));
	ck_assert_uint_eq(copy_to_user(f.u, buf, sizeof(buf)), sizeof(buf));
	ck_assert_mem_eq(f.u, zero, sizeof(zero));
	ck_assert_uint_eq(copy_from_user(buf, f.u, sizeof(buf)), 0);
	ck_assert_mem_eq(buf, zero, sizeof(zero));
	ck_assert_int_eq(put_user(1, (int __user *)f.u), -EFAULT);
	ck_assert_uint_eq(clear_user(f.u, 1), 1);
	ua_end(&f);
}
END_TEST

START_TEST(test_ua_mprotect)
{
	struct ua_fixture f;
	char buf[16];
	int v;

	ua_begin(&f, 3, 0);
	ck_assert_int_eq(put_user(42, (int __user *)(f.u + PAGE_SIZE)), 0);
	ck_assert_int_eq(kshim_user_mprotect(f.p, (unsigned long)f.u + PAGE_SIZE,
					     PAGE_SIZE, PROT_NONE), 0);
	ck_assert_int_eq(get_user(v, (int __user *)(f.u + PAGE_SIZE)), -EFAULT);
	ck_assert_int_eq(v, 0);
	ck_assert_uint_eq(copy_from_user(buf, f.u + PAGE_SIZE - 8, 16), 8);
	ck_assert_int_eq(put_user(1, (int __user *)f.u), 0);
	ck_assert_int_eq(put_user(1, (int __user *)(f.u + 2 * PAGE_SIZE)), 0);
	ck_assert_int_eq(kshim_user_mprotect(f.p, (unsigned long)f.u + PAGE_SIZE,
					     PAGE_SIZE, PROT_READ), 0);
	ck_assert_int_eq(get_user(v, (int __user *)(f.u + PAGE_SIZE)), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(put_user(v, (int __user *)(f.u + PAGE_SIZE)), -EFAULT);
	ua_end(&f);
}
END_TEST

START_TEST(test_ua_get_put_user)
{
	struct ua_fixture f;
	const u64 __user *cp;
	u8 b = 0;
	s16 h = 0;
	u32 w = 0;
	u64 q = 0;
	void *ptr = NULL;

	ua_begin(&f, 1, 0);
	ck_assert_int_eq(put_user((u8)0xab, (u8 __user *)f.u), 0);
	ck_assert_int_eq(put_user((s16)-2, (s16 __user *)(f.u + 2)), 0);
	ck_assert_int_eq(put_user(0xdeadbeefU, (u32 __user *)(f.u + 4)), 0);
	ck_assert_int_eq(put_user(0x0123456789abcdefULL,
				  (u64 __user *)(f.u + 8)), 0);
	ck_assert_int_eq(put_user(&f, (void *__user *)(f.u + 16)), 0);
	ck_assert_int_eq(get_user(b, (u8 __user *)f.u), 0);
	ck_assert_int_eq(get_user(h, (s16 __user *)(f.u + 2)), 0);
	ck_assert_int_eq(get_user(w, (u32 __user *)(f.u + 4)), 0);
	cp = (const u64 __user *)(f.u + 8);
	ck_assert_int_eq(get_user(q, cp), 0);
	ck_assert_int_eq(get_user(ptr, (void *__user *)(f.u + 16)), 0);
	ck_assert_uint_eq(b, 0xab);
	ck_assert_int_eq(h, -2);
	ck_assert_uint_eq(w, 0xdeadbeefU);
	ck_assert_uint_eq(q, 0x0123456789abcdefULL);
	ck_assert_ptr_eq(ptr, &f);
	q = 5;
	ck_assert_int_eq(get_user(q, (u64 __user *)8), -EFAULT);
	ck_assert_uint_eq(q, 0);
	ua_end(&f);
}
END_TEST

struct ext_v2 {
	u32 size;
	u32 flags;
	u64 a;
	u64 b;
};

START_TEST(test_ua_copy_struct_from_user)
{
	struct ua_fixture f;
	struct ext_v2 k;
	u8 *u;

	ua_begin(&f, 2, 0);
	u = (u8 *)f.u + PAGE_SIZE - 16;		/* 16 bytes before page 1 */
	memset(u, 0x22, 16);
	/* Shorter than the kernel's: zero-extended. */
	memset(&k, 0xff, sizeof(k));
	ck_assert_int_eq(copy_struct_from_user(&k, sizeof(k), u, 16), 0);
	ck_assert_uint_eq(k.a, 0x2222222222222222ULL);
	ck_assert_uint_eq(k.b, 0);
	/* Longer with a zero tail: fine; a non-zero tail: E2BIG. */
	memset(u + 16, 0, 16);
	ck_assert_int_eq(copy_struct_from_user(&k, 16, u, 32), 0);
	u[31] = 1;
	ck_assert_int_eq(copy_struct_from_user(&k, 16, u, 32), -E2BIG);
	ck_assert_int_eq(check_zeroed_user(u + 16, 16), 0);
	ck_assert_int_eq(check_zeroed_user(u + 16, 15), 1);
	ck_assert_int_eq(check_zeroed_user(NULL, 0), 1);
	ck_assert_int_eq(check_zeroed_user(NULL, 1), -EFAULT);
	/* A tail in unmapped memory faults. */
	ck_assert_int_eq(kshim_user_munmap(f.p, (unsigned long)f.u + PAGE_SIZE,
					   PAGE_SIZE), 0);
	ck_assert_int_eq(copy_struct_from_user(&k, 8, u, 32), -EFAULT);
	ck_assert_int_eq(copy_struct_from_user(&k, sizeof(k), NULL, 8),
			 -EFAULT);
	ua_end(&f);
}
END_TEST

START_TEST(test_ua_strings)
{
	struct ua_fixture f;
	char dst[64], *s;

	ua_begin(&f, 2, 0);
	s = f.u + PAGE_SIZE - 6;
	strcpy(s, "hello");			/* ends at the boundary */
	ck_assert_int_eq(kshim_user_munmap(f.p, (unsigned long)f.u + PAGE_SIZE,
					   PAGE_SIZE), 0);
	ck_assert_int_eq(strncpy_from_user(dst, s, sizeof(dst)), 5);
	ck_assert_str_eq(dst, "hello");
	ck_assert_int_eq(strncpy_from_user(dst, s, 3), 3);
	ck_assert_int_eq(strnlen_user(s, 64), 6);
	ck_assert_int_eq(strnlen_user(s, 3), 4);
	s[5] = 'x';				/* no NUL before the hole */
	ck_assert_int_eq(strncpy_from_user(dst, s, sizeof(dst)), -EFAULT);
	ck_assert_int_eq(strnlen_user(s, 64), 0);
	ck_assert_int_eq(strncpy_from_user(dst, NULL, 8), -EFAULT);
	ua_end(&f);
}
END_TEST

START_TEST(test_ua_memdup_user)
{
	struct ua_fixture f;
	void *p;

	ua_begin(&f, 1, 0);
	memcpy(f.u, "abcdef", 7);
	p = memdup_user(f.u, 7);
	ck_assert(!IS_ERR(p));
	ck_assert_str_eq(p, "abcdef");
	kfree(p);
	p = memdup_user(NULL, 7);
	ck_assert_int_eq(PTR_ERR(p), -EFAULT);
	ua_end(&f);
}
END_TEST

/* Host memory the simulator did not map, through either slow path. */
static void host_memory_body(void)
{
	char *heap = malloc(64), buf[64], *m;
	int v = 0;

	strcpy(heap, "heap");
	ck_assert_uint_eq(copy_from_user(buf, heap, 5), 0);
	ck_assert_str_eq(buf, "heap");
	ck_assert_uint_eq(copy_to_user(heap, "HEAP", 5), 0);
	ck_assert_str_eq(heap, "HEAP");
	free(heap);

	/* Two pages, the second read-only, then unmapped. */
	m = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(m, MAP_FAILED);
	m[PAGE_SIZE + 1] = 9;
	ck_assert_int_eq(mprotect(m + PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
	memset(buf, 1, sizeof(buf));
	ck_assert_uint_eq(copy_to_user(m + PAGE_SIZE - 16, buf, 32), 16);
	ck_assert_int_eq(m[PAGE_SIZE - 1], 1);
	ck_assert_int_eq(m[PAGE_SIZE + 1], 9);
	ck_assert_uint_eq(copy_from_user(buf, m + PAGE_SIZE - 16, 32), 0);
	ck_assert_int_eq(buf[17], 9);
	ck_assert_int_eq(mprotect(m + PAGE_SIZE, PAGE_SIZE, PROT_NONE), 0);
	ck_assert_uint_eq(copy_from_user(buf, m + PAGE_SIZE - 16, 32), 16);
	ck_assert_int_eq(munmap(m + PAGE_SIZE, PAGE_SIZE), 0);
	ck_assert_uint_eq(copy_from_user(buf, m + PAGE_SIZE - 16, 32), 16);
	ck_assert_int_eq(get_user(v, (int __user *)(m + PAGE_SIZE)), -EFAULT);
	ck_assert_int_eq(v, 0);
	ck_assert_uint_eq(clear_user(m + PAGE_SIZE - 8, 16), 8);
	ck_assert_int_eq(m[PAGE_SIZE - 1], 0);
	munmap(m, PAGE_SIZE);
}

START_TEST(test_ua_host_memory_pvm)
{
	host_memory_body();
}
END_TEST

START_TEST(test_ua_host_memory_pipe)
{
	kshim_uaccess_set_slow_path(KSHIM_UACCESS_SLOW_PIPE);
	ck_assert_int_eq(kshim_uaccess_slow_path(), KSHIM_UACCESS_SLOW_PIPE);
	host_memory_body();
}
END_TEST

START_TEST(test_ua_stack)
{
	struct { u32 a; u64 b; } s = { 1, 2 }, t;
	u32 x = 0;

	ck_assert_uint_eq(copy_from_user(&t, &s, sizeof(s)), 0);
	ck_assert_uint_eq(t.b, 2);
	ck_assert_int_eq(put_user(7U, &x), 0);
	ck_assert_uint_eq(x, 7);
	ck_assert_uint_eq(clear_user(&s, sizeof(s)), 0);
	ck_assert_uint_eq(s.a, 0);
}
END_TEST

START_TEST(test_ua_other_process)
{
	struct kshim_process *a = mmt_process("a", 0), *b = mmt_process("b", 0);
	struct kshim_umem *um = mmt_umem(a, 1, NULL);
	int v = 0;

	*(int *)kshim_umem_addr(um) = 5;
	kshim_process_enter(b);
	ck_assert_int_eq(get_user(v, (int __user *)kshim_umem_addr(um)),
			 -EFAULT);
	kshim_process_leave();
	kshim_process_enter(a);
	ck_assert_int_eq(get_user(v, (int __user *)kshim_umem_addr(um)), 0);
	ck_assert_int_eq(v, 5);
	kshim_process_leave();
	/* Once a has exited, its mapping is gone for everybody. */
	kshim_process_destroy(a);
	ck_assert_int_eq(get_user(v, (int __user *)kshim_umem_addr(um)),
			 -EFAULT);
	kshim_umem_unmap(um);
	kshim_process_destroy(b);
}
END_TEST

START_TEST(test_ua_fault_injection)
{
	int x = 1, y = 0;

	ck_assert_int_eq(get_user(y, &x), 0);
	kshim_uaccess_set_fault_injection(true);
	kshim_fail_nth_set(2);
	ck_assert_int_eq(get_user(y, &x), 0);
	ck_assert_int_eq(get_user(y, &x), -EFAULT);
	ck_assert_int_eq(get_user(y, &x), 0);
	ck_assert_int_eq(y, 1);
}
END_TEST

START_TEST(test_ua_access_ok)
{
	ck_assert(access_ok((void *)0x1000, 16));
	ck_assert(access_ok((void *)(TASK_SIZE_MAX - 16), 16));
	ck_assert(!access_ok((void *)(TASK_SIZE_MAX - 15), 16));
	ck_assert(!access_ok((void *)~0UL, 1));
	ck_assert(access_ok(NULL, 0));
}
END_TEST

Suite *uaccess_suite(void)
{
	Suite *s = suite_create("uaccess");
	TCase *tc = ktest_tcase("uaccess");

	tcase_add_test(tc, test_ua_valid_roundtrip);
	tcase_add_test(tc, test_ua_unmapped);
	tcase_add_test(tc, test_ua_read_only);
	tcase_add_test(tc, test_ua_mprotect);
	tcase_add_test(tc, test_ua_get_put_user);
	tcase_add_test(tc, test_ua_copy_struct_from_user);
	tcase_add_test(tc, test_ua_strings);
	tcase_add_test(tc, test_ua_memdup_user);
	tcase_add_test(tc, test_ua_host_memory_pvm);
	tcase_add_test(tc, test_ua_host_memory_pipe);
	tcase_add_test(tc, test_ua_stack);
	tcase_add_test(tc, test_ua_other_process);
	tcase_add_test(tc, test_ua_fault_injection);
	tcase_add_test(tc, test_ua_access_ok);
	suite_add_tcase(s, tc);
	return s;
}
