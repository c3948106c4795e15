// SPDX-License-Identifier: GPL-2.0
/*
 * userfaultfd for simulator-allocated user memory (kshim/umem.h).
 *
 * Probe (once per host process): userfaultfd(UFFD_USER_MODE_ONLY) first,
 * which needs no privilege and is enough because every access the
 * simulator makes is a user-mode access; then /dev/userfaultfd with
 * USERFAULTFD_IOC_NEW.  Required features: UFFD_FEATURE_MISSING_SHMEM (the
 * views are shmem) and UFFD_FEATURE_THREAD_ID (events name the faulting
 * thread).  Optional: UFFD_FEATURE_MINOR_SHMEM (re-armed pages, whose
 * contents are still in the page cache, fault again) and
 * UFFD_FEATURE_POISON (a FAIL plan makes the access take SIGBUS).
 *
 * Per host process (a forked child starts over): one userfaultfd, one
 * monitor thread, one SIGBUS handler.  The monitor is a plain host thread,
 * never a simulated task: it reads events and applies the page's plan:
 *   RESOLVE  UFFDIO_ZEROPAGE for a missing page (a hole of the memfd is
 *            zeros), UFFDIO_CONTINUE for a minor fault (the page is in the
 *            page cache), UFFDIO_WAKE if someone resolved it already;
 *   STALL    the event is held: the thread stays blocked in the host
 *            kernel until kshim_fault_release() or a new plan resolves it;
 *   FAIL     UFFDIO_POISON: the access takes SIGBUS.
 *
 * The simulator's own first touch (kshim_uffd_touch) is a one-byte read of
 * the view under sigsetjmp; the SIGBUS handler jumps back to it (the
 * analogue of the kernel's exception-table fixup), the poison is cleared
 * with MADV_DONTNEED so the next touch faults again, and the access returns
 * -EFAULT.  A SIGBUS anywhere else goes to the handler that was there
 * before, or kills the process as it would have.
 *
 * Locking: uffd_lock (host mutex) protects the held events and the list of
 * threads touching; ioctls on the userfaultfd are made under it, so a
 * resolution and a re-plan never race.  The monitor takes it inside the
 * umem view-index lock (mm/umem.c); nothing else is taken inside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <glib.h>
#include <linux/userfaultfd.h>
#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <kshim/umem.h>
#include "mm_internal.h"

/* ABI facts newer than some installed headers. */
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY		1
#endif
#ifndef USERFAULTFD_IOC_NEW
#define USERFAULTFD_IOC_NEW		_IO(0xAA, 0x00)
#endif
#ifndef UFFD_FEATURE_POISON
#define UFFD_FEATURE_POISON		(1 << 14)
#endif
#ifndef UFFDIO_POISON
struct uffdio_poison {
	struct uffdio_range range;
	__u64 mode;
	__s64 updated;
};
#define UFFDIO_POISON	_IOWR(UFFDIO, 0x08, struct uffdio_poison)
#endif

#define UFFD_REQUIRED	(UFFD_FEATURE_MISSING_SHMEM | UFFD_FEATURE_THREAD_ID)

/* The probe's verdict, valid for this host process and its children. */
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static bool probe_ok;
static bool probe_devnode;		/* /dev/userfaultfd, not the syscall */
static u64 probe_features;
static char probe_text[320];

/* This host process's userfaultfd and monitor. */
static pthread_mutex_t uffd_lock = PTHREAD_MUTEX_INITIALIZER;
static int uffd_fd = -1;
static pid_t uffd_pid;
static bool have_minor, have_poison;
static struct sigaction old_sigbus;
static bool sigbus_installed;

/* Per world. */
static bool uffd_enabled;
static bool uffd_announced;
static unsigned long uffd_fault_count;
static const struct kshim_fault_proxy_ops *proxy;

/* An event the monitor holds (a stalled fault). */
struct uffd_held {
	struct kshim_umem *um;
	unsigned long idx;
	pid_t tid;
	struct task_struct *task;	/* NULL: a thread that is no task */
	bool minor;
	struct list_head node;
};

/* A simulated thread inside kshim_uffd_touch(). */
struct uffd_toucher {
	pid_t tid;
	struct task_struct *task;
	bool stalled;			/* the monitor held its fault */
	struct list_head node;
};

static LIST_HEAD(held);			/* under uffd_lock */
static LIST_HEAD(touchers);		/* under uffd_lock */

static __thread sigjmp_buf *touch_jb;
static __thread volatile char *touch_page;
static __thread pid_t my_tid;

static pid_t cached_tid(void)
{
	if (!my_tid)
		my_tid = syscall(SYS_gettid);
	return my_tid;
}

/* Probe */

static int uffd_open(bool devnode, int flags)
{
	int dev, fd;

	if (!devnode)
		return syscall(SYS_userfaultfd, flags | UFFD_USER_MODE_ONLY);
	dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -1;
	fd = ioctl(dev, USERFAULTFD_IOC_NEW, flags);
	close(dev);
	return fd;
}

/* Register and unregister one shmem page, as the views will be. */
static bool uffd_selftest(int fd, u64 modes, const char **why)
{
	struct uffdio_register reg = { .mode = modes };
	int mfd = memfd_create("kshim-uffd-probe", MFD_CLOEXEC);
	bool ok = false;
	void *p;

	*why = "memfd_create failed";
	if (mfd < 0)
		return false;
	if (ftruncate(mfd, PAGE_SIZE))
		goto out_close;
	p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (p == MAP_FAILED)
		goto out_close;
	reg.range.start = (unsigned long)p;
	reg.range.len = PAGE_SIZE;
	*why = "UFFDIO_REGISTER of shmem failed";
	if (!ioctl(fd, UFFDIO_REGISTER, &reg)) {
		ioctl(fd, UFFDIO_UNREGISTER, &reg.range);
		ok = true;
	}
	munmap(p, PAGE_SIZE);
out_close:
	close(mfd);
	return ok;
}

static void uffd_probe(void)
{
	char err_sys[64] = "", err_dev[64] = "";
	struct uffdio_api api = { .api = UFFD_API };
	const char *why;
	int fd = -1, i;

	for (i = 0; i < 2; i++) {
		fd = uffd_open(i, O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0)
			break;
		snprintf(i ? err_dev : err_sys, sizeof(err_sys), "%s",
			 strerror(errno));
	}
	if (fd < 0) {
		snprintf(probe_text, sizeof(probe_text),
			 "userfaultfd unavailable: userfaultfd(UFFD_USER_MODE_ONLY): %s; /dev/userfaultfd: %s",
			 err_sys, err_dev);
		return;
	}
	probe_devnode = i;
	if (ioctl(fd, UFFDIO_API, &api)) {
		snprintf(probe_text, sizeof(probe_text),
			 "userfaultfd unavailable: UFFDIO_API: %s",
			 strerror(errno));
		close(fd);
		return;
	}
	close(fd);
	probe_features = api.features;
	if ((probe_features & UFFD_REQUIRED) != UFFD_REQUIRED) {
		snprintf(probe_text, sizeof(probe_text),
			 "userfaultfd unavailable: features %#llx lack MISSING_SHMEM or THREAD_ID",
			 (unsigned long long)probe_features);
		return;
	}
	/* A fresh descriptor: UFFDIO_API may be called once per file. */
	fd = uffd_open(probe_devnode, O_CLOEXEC | O_NONBLOCK);
	api.api = UFFD_API;
	api.features = UFFD_REQUIRED;
	if (fd < 0 || ioctl(fd, UFFDIO_API, &api) ||
	    !uffd_selftest(fd, UFFDIO_REGISTER_MODE_MISSING, &why)) {
		snprintf(probe_text, sizeof(probe_text),
			 "userfaultfd unavailable: %s",
			 fd < 0 ? strerror(errno) : "self-test failed");
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	probe_ok = true;
	snprintf(probe_text, sizeof(probe_text),
		 "userfaultfd via %s (features %#llx%s%s)",
		 probe_devnode ? "/dev/userfaultfd" :
				 "userfaultfd(UFFD_USER_MODE_ONLY)",
		 (unsigned long long)probe_features,
		 probe_features & UFFD_FEATURE_MINOR_SHMEM ? ", minor" : "",
		 probe_features & UFFD_FEATURE_POISON ? ", poison" : "");
}

bool kshim_uffd_available(const char **reason)
{
	pthread_once(&probe_once, uffd_probe);
	if (reason)
		*reason = probe_text;
	return probe_ok;
}

static bool env_allows_uffd(void)
{
	const char *env = getenv("KSHIM_USERFAULTFD");

	return !env || !(!strcmp(env, "0") || !strcasecmp(env, "no") ||
			 !strcasecmp(env, "off") || !strcasecmp(env, "false"));
}

/* Mechanism */

void kshim_uffd_set_enabled(bool on)
{
	__atomic_store_n(&uffd_enabled, on, __ATOMIC_RELAXED);
	__atomic_store_n(&uffd_announced, false, __ATOMIC_RELAXED);
}

/*
 * In controlled mode a thread blocked in the host kernel would hold the
 * baton forever, so userfaultfd is used there only once the scheduler has
 * registered its proxy hooks.
 */
static bool controlled_without_proxy(void)
{
	return kshim_exec_mode() == KSHIM_MODE_CONTROLLED &&
	       !__atomic_load_n(&proxy, __ATOMIC_ACQUIRE);
}

enum kshim_fault_mech kshim_fault_mechanism(void)
{
	return __atomic_load_n(&uffd_enabled, __ATOMIC_RELAXED) &&
	       kshim_uffd_available(NULL) &&
	       !controlled_without_proxy() ?
	       KSHIM_FAULT_MECH_UFFD : KSHIM_FAULT_MECH_SOFTWARE;
}

const char *kshim_fault_mechanism_desc(void)
{
	static __thread char buf[512];
	bool on = __atomic_load_n(&uffd_enabled, __ATOMIC_RELAXED);
	const char *why;
	bool avail = kshim_uffd_available(&why);

	if (on && avail && controlled_without_proxy())
		snprintf(buf, sizeof(buf),
			 "user-memory faults: software fault points (controlled mode has no userfaultfd proxy; %s)",
			 why);
	else if (on && avail)
		snprintf(buf, sizeof(buf), "user-memory faults: %s", why);
	else if (!on && avail)
		snprintf(buf, sizeof(buf),
			 "user-memory faults: software fault points (userfaultfd disabled%s)",
			 env_allows_uffd() ? "" : " by KSHIM_USERFAULTFD");
	else
		snprintf(buf, sizeof(buf),
			 "user-memory faults: software fault points (%s)",
			 why);
	return buf;
}

unsigned long kshim_uffd_faults(void)
{
	return __atomic_load_n(&uffd_fault_count, __ATOMIC_RELAXED);
}

bool kshim_uffd_can_fail(void)
{
	return __atomic_load_n(&have_poison, __ATOMIC_RELAXED);
}

void kshim_fault_set_proxy(const struct kshim_fault_proxy_ops *ops)
{
	__atomic_store_n(&proxy, ops, __ATOMIC_RELEASE);
}

/*
 * THE place where the monitor tells the scheduler that a task stalled in a
 * user fault or was let go (the controlled-mode "proxy block").  With no
 * proxy registered (free-run) the thread just stays blocked in the host
 * kernel while the others run.
 */
static void uffd_proxy_report(struct uffd_held *h, bool stalled)
{
	const struct kshim_fault_proxy_ops *ops =
		__atomic_load_n(&proxy, __ATOMIC_ACQUIRE);
	struct kshim_blocker what = {
		.kind = KSHIM_BLOCK_FAULT,
		.obj = &h->um->pstate[h->idx],
		.name = h->um->name,
	};

	if (!ops)
		return;
	if (stalled && ops->stalled)
		ops->stalled(h->task, &what);
	else if (!stalled && ops->resumed)
		ops->resumed(h->task);
}

/* Monitor */

static int uffd_ioctl_retry(unsigned long req, void *arg)
{
	int tries, ret = -1;

	for (tries = 0; tries < 100; tries++) {
		ret = ioctl(uffd_fd, req, arg);
		if (!ret || errno != EAGAIN)
			break;
	}
	return ret;
}

/* Let the faults on page @idx go with the page populated; uffd_lock held. */
static void resolve_locked(struct kshim_umem *um, unsigned long idx,
			   bool minor)
{
	unsigned long addr = (unsigned long)um->view + idx * PAGE_SIZE;
	struct uffdio_zeropage zp = { .range = { addr, PAGE_SIZE } };
	struct uffdio_continue cont = { .range = { addr, PAGE_SIZE } };
	struct uffdio_range wake = { addr, PAGE_SIZE };

	umem_set_populated(um, idx);
	if (!minor && !uffd_ioctl_retry(UFFDIO_ZEROPAGE, &zp))
		return;
	/* In the page cache already: map it. */
	if (um->uffd_minor && !uffd_ioctl_retry(UFFDIO_CONTINUE, &cont))
		return;
	/* Mapped already (or unmapped meanwhile): just wake. */
	ioctl(uffd_fd, UFFDIO_WAKE, &wake);
}

/* Make the faults on page @idx fail with SIGBUS; uffd_lock held. */
static void fail_locked(struct kshim_umem *um, unsigned long idx, bool minor)
{
	unsigned long addr = (unsigned long)um->view + idx * PAGE_SIZE;
	struct uffdio_poison po = { .range = { addr, PAGE_SIZE } };
	struct uffdio_range wake = { addr, PAGE_SIZE };

	if (have_poison && !uffd_ioctl_retry(UFFDIO_POISON, &po))
		return;
	/*
	 * Cannot poison: let it through unpopulated; the simulator's own
	 * touch then fails in software (kshim_uffd_can_fail() is false).
	 */
	if (!minor) {
		struct uffdio_zeropage zp = { .range = { addr, PAGE_SIZE } };

		if (!uffd_ioctl_retry(UFFDIO_ZEROPAGE, &zp))
			return;
	}
	ioctl(uffd_fd, UFFDIO_WAKE, &wake);
}

static struct uffd_toucher *find_toucher_locked(pid_t tid)
{
	struct uffd_toucher *t;

	list_for_each_entry(t, &touchers, node)
		if (t->tid == tid)
			return t;
	return NULL;
}

static void handle_fault(const struct uffd_msg *msg)
{
	unsigned long addr = msg->arg.pagefault.address & PAGE_MASK;
	bool minor = msg->arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_MINOR;
	pid_t tid = msg->arg.pagefault.feat.ptid;
	struct uffd_toucher *t;
	struct kshim_umem *um;
	struct uffd_held *h;
	unsigned long idx;

	__atomic_add_fetch(&uffd_fault_count, 1, __ATOMIC_RELAXED);
	um = umem_view_find_lock(addr, &idx);
	pthread_mutex_lock(&uffd_lock);
	umem_view_unlock();
	if (!um) {
		struct uffdio_range wake = { addr, PAGE_SIZE };

		/* A view that is going away: let the thread retry. */
		ioctl(uffd_fd, UFFDIO_WAKE, &wake);
		pthread_mutex_unlock(&uffd_lock);
		return;
	}
	switch (umem_page_plan(um, idx)) {
	case KSHIM_FAULT_RESOLVE:
		resolve_locked(um, idx, minor);
		break;
	case KSHIM_FAULT_FAIL:
		fail_locked(um, idx, minor);
		break;
	case KSHIM_FAULT_STALL:
		h = calloc(1, sizeof(*h));
		if (!h) {
			resolve_locked(um, idx, minor);
			break;
		}
		h->um = um;
		h->idx = idx;
		h->tid = tid;
		h->minor = minor;
		t = find_toucher_locked(tid);
		if (t) {
			t->stalled = true;
			h->task = t->task;
		}
		list_add_tail(&h->node, &held);
		uffd_proxy_report(h, true);
		break;
	}
	pthread_mutex_unlock(&uffd_lock);
}

static void *uffd_monitor(void *arg)
{
	int fd = (int)(long)arg;
	struct uffd_msg msgs[16];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int i;

	for (;;) {
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd.revents & (POLLERR | POLLNVAL))
			break;
		n = read(fd, msgs, sizeof(msgs));
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < n / (ssize_t)sizeof(msgs[0]); i++)
			if (msgs[i].event == UFFD_EVENT_PAGEFAULT)
				handle_fault(&msgs[i]);
	}
	return NULL;
}

static void uffd_sigbus(int sig, siginfo_t *si, void *uc)
{
	sigjmp_buf *jb = touch_jb;
	char *page = (char *)touch_page;
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	if (jb && (char *)si->si_addr >= page &&
	    (char *)si->si_addr < page + PAGE_SIZE)
		siglongjmp(*jb, 1);
	if (old_sigbus.sa_flags & SA_SIGINFO) {
		if (old_sigbus.sa_sigaction) {
			old_sigbus.sa_sigaction(sig, si, uc);
			return;
		}
	} else if (old_sigbus.sa_handler != SIG_DFL &&
		   old_sigbus.sa_handler != SIG_IGN) {
		old_sigbus.sa_handler(sig);
		return;
	}
	/* Default action: return and let the access fault again. */
	sigaction(SIGBUS, &dfl, NULL);
}

/* Open this host process's userfaultfd and start its monitor. */
static bool uffd_start_locked(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct sigaction sa = { .sa_sigaction = uffd_sigbus,
				.sa_flags = SA_SIGINFO | SA_NODEFER };
	pthread_attr_t attr;
	pthread_t thread;
	int fd;

	if (uffd_pid == getpid())
		return uffd_fd >= 0;
	/* A child inherits its parent's descriptor, which is not its own. */
	if (uffd_fd >= 0)
		close(uffd_fd);
	uffd_fd = -1;
	uffd_pid = getpid();
	INIT_LIST_HEAD(&held);
	INIT_LIST_HEAD(&touchers);

	fd = uffd_open(probe_devnode, O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	api.features = UFFD_REQUIRED |
		       (probe_features & (UFFD_FEATURE_MINOR_SHMEM |
					  UFFD_FEATURE_POISON));
	if (ioctl(fd, UFFDIO_API, &api)) {
		close(fd);
		return false;
	}
	have_minor = api.features & UFFD_FEATURE_MINOR_SHMEM;
	__atomic_store_n(&have_poison, !!(api.features & UFFD_FEATURE_POISON),
			 __ATOMIC_RELAXED);
	if (!sigbus_installed) {
		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, &old_sigbus);
		sigbus_installed = true;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&thread, &attr, uffd_monitor, (void *)(long)fd)) {
		pthread_attr_destroy(&attr);
		close(fd);
		return false;
	}
	pthread_attr_destroy(&attr);
	pthread_setname_np(thread, "kshim-uffd");
	uffd_fd = fd;
	return true;
}

bool kshim_uffd_wanted(void)
{
	if (!__atomic_exchange_n(&uffd_announced, true, __ATOMIC_RELAXED)) {
		pr_info("kshim: %s\n", kshim_fault_mechanism_desc());
	}
	return kshim_fault_mechanism() == KSHIM_FAULT_MECH_UFFD;
}

bool kshim_uffd_register(struct kshim_umem *um)
{
	struct uffdio_register reg = {
		.range = { (unsigned long)um->view, um->size },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	bool ok;

	pthread_mutex_lock(&uffd_lock);
	ok = uffd_start_locked();
	if (ok) {
		if (have_minor)
			reg.mode |= UFFDIO_REGISTER_MODE_MINOR;
		ok = !ioctl(uffd_fd, UFFDIO_REGISTER, &reg);
		um->uffd_minor = ok && have_minor;
	}
	pthread_mutex_unlock(&uffd_lock);
	if (!ok)
		pr_warn("kshim: cannot register %s with userfaultfd; software fault points for it\n",
			um->name);
	return ok;
}

/* Drop held events of @um in [first, last]; uffd_lock held. */
static void forget_locked(struct kshim_umem *um, unsigned long first,
			  unsigned long last)
{
	struct uffd_held *h, *n;

	list_for_each_entry_safe(h, n, &held, node) {
		if (h->um != um || h->idx < first || h->idx > last)
			continue;
		list_del(&h->node);
		uffd_proxy_report(h, false);
		free(h);
	}
}

void kshim_uffd_unregister(struct kshim_umem *um, unsigned long start,
			   unsigned long end)
{
	struct uffdio_range range = { start, end - start };
	unsigned long first = (start - (unsigned long)um->view) >> PAGE_SHIFT;

	pthread_mutex_lock(&uffd_lock);
	/* Unregistering wakes the threads held in the range. */
	if (uffd_fd >= 0 && uffd_pid == getpid())
		ioctl(uffd_fd, UFFDIO_UNREGISTER, &range);
	forget_locked(um, first, first + ((end - start) >> PAGE_SHIFT) - 1);
	pthread_mutex_unlock(&uffd_lock);
}

void kshim_uffd_forget(struct kshim_umem *um)
{
	pthread_mutex_lock(&uffd_lock);
	forget_locked(um, 0, ~0UL);
	pthread_mutex_unlock(&uffd_lock);
}

void kshim_uffd_replan(struct kshim_umem *um, unsigned long first,
		       unsigned long last, bool release)
{
	struct uffd_held *h, *n;

	pthread_mutex_lock(&uffd_lock);
	list_for_each_entry_safe(h, n, &held, node) {
		if (h->um != um || h->idx < first || h->idx > last)
			continue;
		if (release) {
			resolve_locked(um, h->idx, h->minor);
		} else {
			switch (umem_page_plan(um, h->idx)) {
			case KSHIM_FAULT_STALL:
				continue;
			case KSHIM_FAULT_RESOLVE:
				resolve_locked(um, h->idx, h->minor);
				break;
			case KSHIM_FAULT_FAIL:
				fail_locked(um, h->idx, h->minor);
				break;
			}
		}
		list_del(&h->node);
		uffd_proxy_report(h, false);
		free(h);
	}
	pthread_mutex_unlock(&uffd_lock);
}

unsigned int kshim_uffd_stalled(struct kshim_umem *um, unsigned long first,
				unsigned long last)
{
	struct uffd_held *h;
	unsigned int n = 0;

	pthread_mutex_lock(&uffd_lock);
	list_for_each_entry(h, &held, node)
		if (h->um == um && h->idx >= first && h->idx <= last)
			n++;
	pthread_mutex_unlock(&uffd_lock);
	return n;
}

int kshim_uffd_touch(struct kshim_umem *um, unsigned long idx, bool write,
		     bool *stalled)
{
	const struct kshim_fault_proxy_ops *ops =
		__atomic_load_n(&proxy, __ATOMIC_ACQUIRE);
	struct uffd_toucher me = { .tid = cached_tid(), .task = current };
	volatile char *page = um->view + idx * PAGE_SIZE;
	sigjmp_buf jb;
	int ret = 0;

	pthread_mutex_lock(&uffd_lock);
	list_add_tail(&me.node, &touchers);
	pthread_mutex_unlock(&uffd_lock);
	if (ops && ops->touch_begin)
		ops->touch_begin(me.task);

	touch_page = page;
	if (!sigsetjmp(jb, 0)) {
		touch_jb = &jb;
		(void)*page;
		touch_jb = NULL;
	} else {
		sigset_t bus;

		touch_jb = NULL;
		ret = -EFAULT;
		/*
		 * Left the handler by a jump: SIGBUS may still be blocked (an
		 * interposed handler, e.g. ThreadSanitizer's, may not honour
		 * SA_NODEFER), and a blocked SIGBUS would kill the next fault.
		 */
		sigemptyset(&bus);
		sigaddset(&bus, SIGBUS);
		pthread_sigmask(SIG_UNBLOCK, &bus, NULL);
		/* Clear the poison so that the next touch faults again. */
		madvise((void *)page, PAGE_SIZE, MADV_DONTNEED);
	}
	touch_page = NULL;

	if (ops && ops->touch_end)
		ops->touch_end(me.task);
	pthread_mutex_lock(&uffd_lock);
	list_del(&me.node);
	*stalled = me.stalled;
	pthread_mutex_unlock(&uffd_lock);
	return ret;
}

void kshim_uffd_world_begin(void)
{
	__atomic_store_n(&uffd_enabled, env_allows_uffd(), __ATOMIC_RELAXED);
	__atomic_store_n(&uffd_announced, false, __ATOMIC_RELAXED);
	__atomic_store_n(&uffd_fault_count, 0, __ATOMIC_RELAXED);
}

void kshim_uffd_world_end(void)
{
	struct uffd_held *h, *n;

	pthread_mutex_lock(&uffd_lock);
	list_for_each_entry_safe(h, n, &held, node) {
		list_del(&h->node);
		free(h);
	}
	pthread_mutex_unlock(&uffd_lock);
}
