// SPDX-License-Identifier: GPL-2.0
/*
 * uaccess (linux/uaccess.h): copy_{to,from}_user and friends.
 *
 * A user address is resolved in this order:
 *   1. the calling thread's live stack, between the current frame and the
 *      top of the stack: always mapped read-write, so it is copied with
 *      plain loads and stores (the common case of an ioctl argument
 *      struct); the user side of that copy is not instrumented by ASan,
 *      since the kernel reads whatever the user's memory holds;
 *   2. a simulator mapping (mm/umem.c) of current->mm: the protection is
 *      checked, each page's first touch goes through its fault plan, and
 *      bytes move through the direct map;
 *   3. a simulator mapping of another mm: a fault;
 *   4. anything else: process_vm_readv/process_vm_writev on this process,
 *      one iovec per page so that a fault ends the copy at the page where
 *      it happened; where those calls are refused, a pipe: write(2) reads
 *      user memory and read(2) writes it, and both fail with EFAULT
 *      instead of crashing.
 * Raw system calls are used for the last path so that sanitizer
 * interceptors do not inspect user memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include <glib.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <kshim/fault.h>
#include <kshim/umem.h>
#include "mm_internal.h"

enum ua_op {
	UA_READ,			/* user -> kernel */
	UA_WRITE,			/* kernel -> user */
	UA_CLEAR,			/* zero user memory */
};

static bool ua_fault_injection;
static int slow_forced = -1;		/* enum kshim_uaccess_slow, or -1 */
static int slow_probed = -1;

static pthread_once_t fork_once = PTHREAD_ONCE_INIT;
static pid_t self_pid;

static __thread unsigned long stack_top;
static __thread int pipe_fds[2] = { -1, -1 };
static pthread_key_t pipe_key;
static pthread_once_t pipe_key_once = PTHREAD_ONCE_INIT;

static void reset_pid(void)
{
	self_pid = getpid();
}

static void register_fork(void)
{
	self_pid = getpid();
	pthread_atfork(NULL, NULL, reset_pid);
}

static pid_t my_pid(void)
{
	pthread_once(&fork_once, register_fork);
	return self_pid;
}

/* Stack fast path */

static unsigned long thread_stack_top(void)
{
	pthread_attr_t attr;
	void *addr;
	size_t size;

	if (likely(stack_top))
		return stack_top;
	if (pthread_getattr_np(pthread_self(), &attr))
		return 0;
	if (!pthread_attr_getstack(&attr, &addr, &size))
		stack_top = (unsigned long)addr + size;
	pthread_attr_destroy(&attr);
	return stack_top;
}

static bool on_own_stack(unsigned long addr, unsigned long n)
{
	unsigned long sp = (unsigned long)__builtin_frame_address(0);
	unsigned long top = thread_stack_top();

	return addr >= sp && addr + n >= addr && addr + n <= top;
}

/* Byte moves that sanitizers do not check: the user side only. */
__attribute__((no_sanitize_address)) noinline
static void raw_move(void *dst, const void *src, size_t n)
{
	volatile unsigned char *d = dst;
	const volatile unsigned char *s = src;

	while (n--)
		*d++ = *s++;
}

__attribute__((no_sanitize_address)) noinline
static void raw_clear(void *dst, size_t n)
{
	volatile unsigned char *d = dst;

	while (n--)
		*d++ = 0;
}

/* Copy through a bounce buffer so the kernel side stays checked. */
static void stack_access(void *kbuf, unsigned long uaddr, unsigned long n,
			 enum ua_op op)
{
	unsigned char bounce[256];
	unsigned long off, len;

	if (op == UA_CLEAR) {
		raw_clear((void *)uaddr, n);
		return;
	}
	for (off = 0; off < n; off += len) {
		len = min(n - off, sizeof(bounce));
		if (op == UA_READ) {
			raw_move(bounce, (void *)(uaddr + off), len);
			memcpy((char *)kbuf + off, bounce, len);
		} else {
			memcpy(bounce, (char *)kbuf + off, len);
			raw_move((void *)(uaddr + off), bounce, len);
		}
	}
}

/* Simulator mappings */

/*
 * Access [addr, end) inside the looked-up VMA.  *@done counts the bytes
 * moved.  Return: 0, -EFAULT, or -EAGAIN (look the mapping up again).
 */
static int vma_access(struct umem_lookup *l, char *kbuf, unsigned long addr,
		      unsigned long end, enum ua_op op, unsigned long *done)
{
	bool write = op != UA_READ;
	unsigned long a, pend, idx, len;
	char *d;
	int ret;

	/* x86: a writable mapping is readable; PROT_NONE is neither. */
	if (write ? !(l->prot & PROT_WRITE) :
		    !(l->prot & (PROT_READ | PROT_WRITE)))
		return -EFAULT;
	for (a = addr; a < end; a = pend) {
		idx = umem_lookup_idx(l, a);
		ret = umem_fault_in(l->um, idx, write, NULL);
		if (ret)
			return ret;
		pend = min(end, (a & PAGE_MASK) + PAGE_SIZE);
		len = pend - a;
		d = umem_direct(l->um, idx) + (a & ~PAGE_MASK);
		if (op == UA_READ)
			memcpy(kbuf + *done, d, len);
		else if (op == UA_WRITE)
			memcpy(d, kbuf + *done, len);
		else
			memset(d, 0, len);
		*done += len;
	}
	return 0;
}

/* Other host memory */

static bool pvm_refused(int err)
{
	return err == ENOSYS || err == EPERM || err == EACCES;
}

static enum kshim_uaccess_slow slow_path(void)
{
	unsigned char probe = 0, src = 1;
	struct iovec l = { &probe, 1 }, r = { &src, 1 };

	int forced = __atomic_load_n(&slow_forced, __ATOMIC_RELAXED);
	int probed = __atomic_load_n(&slow_probed, __ATOMIC_RELAXED);

	if (forced >= 0)
		return forced;
	if (probed < 0) {
		long n = syscall(SYS_process_vm_readv, my_pid(), &l, 1, &r, 1,
				 0);

		probed = n == 1 && probe == 1 ? KSHIM_UACCESS_SLOW_PVM :
						KSHIM_UACCESS_SLOW_PIPE;
		__atomic_store_n(&slow_probed, probed, __ATOMIC_RELAXED);
	}
	return probed;
}

enum kshim_uaccess_slow kshim_uaccess_slow_path(void)
{
	return slow_path();
}

void kshim_uaccess_set_slow_path(enum kshim_uaccess_slow how)
{
	__atomic_store_n(&slow_forced, how, __ATOMIC_RELAXED);
}

#define PVM_IOVS	64

/* process_vm_{read,write}v; returns bytes moved, or -errno if refused. */
static long pvm_access(char *kbuf, unsigned long uaddr, unsigned long n,
		       bool write)
{
	struct iovec local, remote[PVM_IOVS];
	unsigned long done = 0;

	while (done < n) {
		unsigned long a = uaddr + done, want = 0;
		long got;
		int cnt;

		for (cnt = 0; cnt < PVM_IOVS && done + want < n; cnt++) {
			unsigned long len = min(n - done - want,
						PAGE_SIZE - ((a + want) &
							     ~PAGE_MASK));

			remote[cnt].iov_base = (void *)(a + want);
			remote[cnt].iov_len = len;
			want += len;
		}
		local.iov_base = kbuf + done;
		local.iov_len = want;
		got = syscall(write ? SYS_process_vm_writev :
				      SYS_process_vm_readv,
			      my_pid(), &local, 1, remote, cnt, 0);
		if (got < 0) {
			if (!done && pvm_refused(errno))
				return -errno;
			break;
		}
		done += got;
		if ((unsigned long)got < want)
			break;
	}
	return done;
}

static void close_pipe(void *unused)
{
	if (pipe_fds[0] >= 0) {
		close(pipe_fds[0]);
		close(pipe_fds[1]);
		pipe_fds[0] = pipe_fds[1] = -1;
	}
}

static void make_pipe_key(void)
{
	pthread_key_create(&pipe_key, close_pipe);
}

static bool thread_pipe(void)
{
	if (pipe_fds[0] >= 0)
		return true;
	if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK)) {
		pipe_fds[0] = pipe_fds[1] = -1;
		return false;
	}
	pthread_once(&pipe_key_once, make_pipe_key);
	pthread_setspecific(pipe_key, pipe_fds);
	return true;
}

static void drain_pipe(void)
{
	char sink[512];

	while (syscall(SYS_read, pipe_fds[0], sink, sizeof(sink)) > 0)
		;
}

/* The pipe fallback; returns bytes moved. */
static unsigned long pipe_access(char *kbuf, unsigned long uaddr,
				 unsigned long n, bool write)
{
	unsigned long done = 0;

	if (!thread_pipe())
		return 0;
	while (done < n) {
		/*
		 * A page at a time: the pipe discards a partly copied chunk,
		 * so a fault must not cost the bytes of earlier pages.
		 */
		unsigned long chunk = min(n - done, PAGE_SIZE -
					  ((uaddr + done) & ~PAGE_MASK));
		long w, r;

		if (!write) {
			w = syscall(SYS_write, pipe_fds[1], uaddr + done, chunk);
			if (w <= 0)
				break;
			r = syscall(SYS_read, pipe_fds[0], kbuf + done, w);
			if (r != w) {
				drain_pipe();
				break;
			}
			done += w;
			if ((unsigned long)w < chunk)
				break;
		} else {
			w = syscall(SYS_write, pipe_fds[1], kbuf + done, chunk);
			if (w <= 0)
				break;
			r = syscall(SYS_read, pipe_fds[0], uaddr + done, w);
			if (r != w)
				drain_pipe();
			if (r > 0)
				done += r;
			if (r != (long)chunk)
				break;
		}
	}
	return done;
}

static unsigned long host_access(char *kbuf, unsigned long uaddr,
				 unsigned long n, enum ua_op op)
{
	static const char zeros[256];
	unsigned long done = 0, len, got;
	long ret;

	if (op == UA_CLEAR) {
		/* Write zeros a chunk at a time. */
		for (; done < n; done += got) {
			len = min(n - done, sizeof(zeros));
			got = host_access((char *)zeros, uaddr + done, len,
					  UA_WRITE);
			if (got < len)
				return done + got;
		}
		return done;
	}
	if (slow_path() == KSHIM_UACCESS_SLOW_PVM) {
		ret = pvm_access(kbuf, uaddr, n, op == UA_WRITE);
		if (ret >= 0)
			return ret;
		/* Refused after all (a seccomp filter came later). */
		__atomic_store_n(&slow_probed, KSHIM_UACCESS_SLOW_PIPE,
				 __ATOMIC_RELAXED);
	}
	return pipe_access(kbuf, uaddr, n, op == UA_WRITE);
}

/*
 * The body of every accessor: move @n bytes between @kbuf and user @uaddr.
 * Return: bytes NOT moved.
 */
static unsigned long __uaccess(void *kbuf, unsigned long uaddr,
			       unsigned long n, enum ua_op op)
{
	struct mm_struct *mm = current->mm;
	unsigned long done = 0;

	if (!n)
		return 0;
	if (!access_ok((void __user *)uaddr, n))
		return n;
	if (on_own_stack(uaddr, n)) {
		stack_access(kbuf, uaddr, n, op);
		return 0;
	}
	while (done < n) {
		unsigned long addr = uaddr + done, chunk, got;
		struct umem_lookup l;
		int ret;

		if (!umem_lookup(mm, addr, &l)) {
			ret = vma_access(&l, kbuf, addr, min(uaddr + n, l.end),
					 op, &done);
			umem_inflight_put(l.um);
			if (ret == -EAGAIN)
				continue;
			if (ret)
				break;
			continue;
		}
		if (l.other_mm)
			break;
		/* Host memory up to the next simulator mapping. */
		chunk = min(n - done, l.next - addr);
		got = host_access(op == UA_CLEAR ? NULL : (char *)kbuf + done,
				  addr, chunk, op);
		done += got;
		if (got < chunk)
			break;
	}
	return n - done;
}

static bool ua_enter(const void *uaddr)
{
	kshim_might_sleep(__FILE__, __LINE__);
	kshim_sched_point(KSHIM_PT_UACCESS, uaddr);
	return __atomic_load_n(&ua_fault_injection, __ATOMIC_RELAXED) &&
	       kshim_fault_point();
}

unsigned long copy_from_user(void *to, const void __user *from,
			     unsigned long n)
{
	unsigned long left = n;

	if (!ua_enter(from))
		left = __uaccess(to, (unsigned long)from, n, UA_READ);
	if (left)
		memset((char *)to + (n - left), 0, left);
	return left;
}

unsigned long copy_to_user(void __user *to, const void *from,
			   unsigned long n)
{
	if (ua_enter(to))
		return n;
	return __uaccess((void *)from, (unsigned long)to, n, UA_WRITE);
}

unsigned long clear_user(void __user *to, unsigned long n)
{
	if (ua_enter(to))
		return n;
	return __uaccess(NULL, (unsigned long)to, n, UA_CLEAR);
}

int check_zeroed_user(const void __user *from, size_t size)
{
	unsigned char buf[256];
	unsigned long off, len, i;

	if (!size)
		return 1;
	if (ua_enter(from))
		return -EFAULT;
	for (off = 0; off < size; off += len) {
		len = min(size - off, sizeof(buf));
		if (__uaccess(buf, (unsigned long)from + off, len, UA_READ))
			return -EFAULT;
		for (i = 0; i < len; i++)
			if (buf[i])
				return 0;
	}
	return 1;
}

long strncpy_from_user(char *dst, const char __user *src, long count)
{
	unsigned long a = (unsigned long)src;
	long res = 0;

	if (count <= 0)
		return 0;
	if (ua_enter(src))
		return -EFAULT;
	while (res < count) {
		unsigned long len = min((unsigned long)(count - res),
					PAGE_SIZE - ((a + res) & ~PAGE_MASK));
		unsigned long left = __uaccess(dst + res, a + res, len,
					       UA_READ);
		char *nul = memchr(dst + res, 0, len - left);

		if (nul)
			return nul - dst;
		if (left)
			return -EFAULT;
		res += len;
	}
	return count;
}

long strnlen_user(const char __user *str, long n)
{
	unsigned long a = (unsigned long)str;
	char buf[256];
	long res = 0;

	if (n <= 0)
		return 0;
	if (ua_enter(str))
		return 0;
	while (res < n) {
		unsigned long len = min3((unsigned long)(n - res), sizeof(buf),
					 PAGE_SIZE - ((a + res) & ~PAGE_MASK));
		unsigned long left = __uaccess(buf, a + res, len, UA_READ);
		char *nul = memchr(buf, 0, len - left);

		if (nul)
			return res + (nul - buf) + 1;
		if (left)
			return 0;
		res += len;
	}
	return n + 1;
}

void *memdup_user(const void __user *src, size_t len)
{
	void *p = kmalloc(len, GFP_USER | __GFP_NOWARN);

	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, src, len)) {
		kfree(p);
		return ERR_PTR(-EFAULT);
	}
	return p;
}

void kshim_uaccess_set_fault_injection(bool on)
{
	__atomic_store_n(&ua_fault_injection, on, __ATOMIC_RELAXED);
}

void kshim_uaccess_world_begin(void)
{
	__atomic_store_n(&ua_fault_injection, false, __ATOMIC_RELAXED);
	__atomic_store_n(&slow_forced, -1, __ATOMIC_RELAXED);
}
