// SPDX-License-Identifier: GPL-2.0
/*
 * libiommufd-preload: the simulated kernel inside an unmodified program.
 *
 * Start-up is lazy and order independent: nothing happens until the
 * program opens a simulated path (possibly from another library's
 * constructor, before ours ran).  Then one simulator and one simulated
 * process are created, the process mirroring the program's uid,
 * capabilities and RLIMIT_MEMLOCK.  An exit handler, registered as early as
 * possible so that it runs after the program's own, closes what is still
 * open and audits the world.
 */
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <kshim/log.h>
#include <kshim/report.h>
#include <iommufd_test.h>
#include "preload.h"

struct pl_settings pl_settings = { .loglevel = -1 };
_Atomic int pl_phase = PL_IDLE;
struct pl_real pl_real;

static struct iommufd_sim *sim;
static struct iommufd_sim_proc *proc;
static pid_t sim_pid;
static _Atomic long inflight;
static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t real_once = PTHREAD_ONCE_INIT;
static pthread_once_t base_once = PTHREAD_ONCE_INIT;
static bool base_ok;

#define RESOLVE(field, name)	(pl_real.field = dlsym(RTLD_NEXT, name))

static void resolve(void)
{
	RESOLVE(openat, "openat");
	RESOLVE(open, "open");
	RESOLVE(open64, "open64");
	RESOLVE(openat64, "openat64");
	RESOLVE(open_2, "__open_2");
	RESOLVE(open64_2, "__open64_2");
	RESOLVE(openat_2, "__openat_2");
	RESOLVE(openat64_2, "__openat64_2");
	RESOLVE(close, "close");
	RESOLVE(close_range, "close_range");
	RESOLVE(closefrom, "closefrom");
	RESOLVE(ioctl, "ioctl");
	RESOLVE(read, "read");
	RESOLVE(read_chk, "__read_chk");
	RESOLVE(write, "write");
	RESOLVE(pread, "pread");
	RESOLVE(pread64, "pread64");
	RESOLVE(pread_chk, "__pread_chk");
	RESOLVE(pread64_chk, "__pread64_chk");
	RESOLVE(pwrite, "pwrite");
	RESOLVE(pwrite64, "pwrite64");
	RESOLVE(readv, "readv");
	RESOLVE(writev, "writev");
	RESOLVE(poll, "poll");
	RESOLVE(poll_chk, "__poll_chk");
	RESOLVE(ppoll, "ppoll");
	RESOLVE(ppoll_chk, "__ppoll_chk");
	RESOLVE(dup, "dup");
	RESOLVE(dup2, "dup2");
	RESOLVE(dup3, "dup3");
	RESOLVE(fcntl, "fcntl");
	RESOLVE(fcntl64, "fcntl64");
	RESOLVE(mmap, "mmap");
	RESOLVE(mmap64, "mmap64");
	RESOLVE(munmap, "munmap");
}

void pl_resolve(void)
{
	pthread_once(&real_once, resolve);
}

void pl_warn_once(_Atomic int *done, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	if (atomic_exchange(done, 1))
		return;
	n = snprintf(buf, sizeof(buf), "iommufd-preload[%d]: ", (int)getpid());
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	/* stderr may be anything by now; one raw write is always safe. */
	syscall(SYS_write, 2, buf, strlen(buf));
}

/* "/dev/iommu", the VFIO container node and the mock devices' cdevs. */
bool pl_sim_path(const char *path)
{
	const char *cdev = "/dev/vfio/devices/vfio";
	char *end;
	unsigned long n;

	if (!path)
		return false;
	if (!strcmp(path, "/dev/iommu") || !strcmp(path, "/dev/vfio/vfio"))
		return true;
	if (strncmp(path, cdev, strlen(cdev)) || !pl_settings.devices)
		return false;
	path += strlen(cdev);
	if (!isdigit((unsigned char)*path))
		return false;
	n = strtoul(path, &end, 10);
	return !*end && n < pl_settings.devices;
}

static int parse_loglevel(const char *s)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "err", "warn", "notice", "info",
		"debug",
	};
	unsigned int i;
	char *end;
	long v;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(s, names[i]))
			return i;
	v = strtol(s, &end, 10);
	if (*s && !*end && v >= 0 && v <= 7)
		return v;
	return -2;
}

static void read_settings(void)
{
	static _Atomic int bad_once;
	const char *s;
	char *end;

	s = getenv("IOMMUFD_SIM_LOGLEVEL");
	if (s && *s) {
		pl_settings.loglevel = parse_loglevel(s);
		if (pl_settings.loglevel == -2) {
			pl_warn_once(&bad_once,
				     "IOMMUFD_SIM_LOGLEVEL=%s: expected 0-7 or emerg..debug; using the default\n",
				     s);
			pl_settings.loglevel = -1;
		}
	}
	s = getenv("IOMMUFD_SIM_REPORT");
	if (s && *s)
		pl_settings.report = s;
	s = getenv("IOMMUFD_SIM_AUDIT_STATUS");
	if (s && *s) {
		long v = strtol(s, &end, 10);

		if (*end || v < 0 || v > 255)
			pl_warn_once(&bad_once,
				     "IOMMUFD_SIM_AUDIT_STATUS=%s: expected an exit status 0-255; ignored\n",
				     s);
		else
			pl_settings.audit_status = v;
	}
	s = getenv("IOMMUFD_SIM_SEED");
	if (s && *s)
		pl_settings.seed = strtoull(s, NULL, 0);
	s = getenv("IOMMUFD_SIM_DEVICES");
	if (s && *s) {
		unsigned long v = strtoul(s, &end, 10);

		if (*end == ':' && !strcmp(end + 1, "pasid")) {
			pl_settings.devices_pasid = true;
			end += strlen(end);
		}
		if (*end || v > 64)
			pl_warn_once(&bad_once,
				     "IOMMUFD_SIM_DEVICES=%s: expected a count 0-64, optionally with :pasid; ignored\n",
				     s);
		else
			pl_settings.devices = v;
	}
}

static void at_exit(int status, void *arg);
static void fork_child(void);

/*
 * Everything that needs no simulator, once: the first open of any path or
 * our constructor, whichever comes first.  Calls made from here reach our
 * interposers again, which need pl_real only.
 */
static void base_init(void)
{
	pl_resolve();
	read_settings();
	base_ok = pl_table_init();
	pthread_atfork(NULL, NULL, fork_child);
	on_exit(at_exit, NULL);
}

void pl_base(void)
{
	pthread_once(&base_once, base_init);
}

__attribute__((constructor)) static void pl_constructor(void)
{
	/* Early, so that the exit handler runs after the program's. */
	pl_base();
}

/* Capability bits of the program (CapEff of /proc/self/status). */
static uint64_t host_caps(void)
{
	uint64_t caps = 0;
	char line[256];
	FILE *f;

	f = fopen("/proc/self/status", "re");
	if (!f)
		return geteuid() ? 0 : ~0ULL;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7)) {
			caps = strtoull(line + 7, NULL, 16);
			break;
		}
	fclose(f);
	return caps;
}

static bool start_sim(void)
{
	struct iommufd_sim_opts sopts = {
		.seed = pl_settings.seed,
		.vfio_devices = pl_settings.devices,
		.vfio_device_flags = pl_settings.devices_pasid ?
				     MOCK_FLAGS_DEVICE_PASID : 0,
	};
	struct iommufd_sim_proc_opts popts = {
		.name = program_invocation_short_name,
		/* Whoever changes the program's limits changes these. */
		.host_rlimits = true,
		.fd_alloc = pl_fd_alloc,
		.fd_free = pl_fd_free,
	};
	if (pl_settings.loglevel >= 0)
		kshim_log_set_console_level(pl_settings.loglevel);
	/* uid 0 is not enough for every capability: CapEff says which. */
	popts.uid = geteuid();
	popts.caps = host_caps();
	sim = iommufd_sim_create(&sopts);
	if (!sim)
		return false;
	proc = iommufd_sim_proc_create(sim, &popts);
	if (!proc) {
		iommufd_sim_destroy(sim, stderr);
		sim = NULL;
		return false;
	}
	sim_pid = getpid();
	/* Lets the test suite check the failed-audit path end to end. */
	if (getenv("IOMMUFD_SIM_SELFTEST_PROBLEM"))
		kshim_report_issue(KSHIM_ISSUE_OTHER,
				   "iommufd-preload self-test: a deliberate problem (IOMMUFD_SIM_SELFTEST_PROBLEM)",
				   NULL);
	return true;
}

struct iommufd_sim_proc *pl_proc(void)
{
	int phase;

	pl_base();
	if (!base_ok) {
		errno = ENOMEM;
		return NULL;
	}
	phase = atomic_load(&pl_phase);
	if (phase == PL_RUNNING)
		return proc;
	pthread_mutex_lock(&start_lock);
	phase = atomic_load(&pl_phase);
	if (phase == PL_IDLE) {
		if (start_sim()) {
			atomic_store(&pl_phase, PL_RUNNING);
			phase = PL_RUNNING;
		} else {
			errno = ENOMEM;
		}
	}
	pthread_mutex_unlock(&start_lock);
	if (phase == PL_RUNNING)
		return proc;
	/* A fork child, or after the exit audit: no /dev/iommu any more. */
	if (phase != PL_IDLE)
		errno = ENODEV;
	return NULL;
}

bool pl_enter(void)
{
	int phase;

	atomic_fetch_add(&inflight, 1);
	phase = atomic_load(&pl_phase);
	if (phase == PL_RUNNING)
		return true;
	atomic_fetch_sub(&inflight, 1);
	if (phase == PL_CHILD) {
		static _Atomic int once;

		pl_warn_once(&once,
			     "descriptors inherited across fork() are not usable in the child (see docs/preload.md)\n");
		errno = EIO;
	} else {
		errno = EBADF;
	}
	return false;
}

void pl_leave(void)
{
	atomic_fetch_sub(&inflight, 1);
}

static void fork_child(void)
{
	/*
	 * Our copy of the simulator may be mid-operation in another thread
	 * of the parent, locks held: it must never run here.
	 */
	if (atomic_load(&pl_phase) == PL_RUNNING)
		atomic_store(&pl_phase, PL_CHILD);
}

/* Wait (up to about 2 s) for other threads to leave the simulator. */
static bool quiesce(void)
{
	struct timespec ms = { .tv_nsec = 1000000 };
	int i;

	for (i = 0; i < 2000; i++) {
		if (!atomic_load(&inflight))
			return true;
		nanosleep(&ms, NULL);
	}
	return false;
}

static FILE *open_report(bool *close_it)
{
	const char *r = pl_settings.report;
	FILE *f;

	*close_it = false;
	if (!r || !strcmp(r, "-") || !strcmp(r, "stderr"))
		return stderr;
	f = fopen(r, "we");
	if (!f) {
		fprintf(stderr,
			"iommufd-preload[%d]: cannot write the audit report to %s: %s; using stderr\n",
			(int)getpid(), r, strerror(errno));
		return stderr;
	}
	*close_it = true;
	return f;
}

/*
 * The end of the run: the program's exit handlers have run.  Close what it
 * left open (the kernel does that at exit too), then audit.
 */
static void at_exit(int status, void *arg)
{
	unsigned int left;
	bool close_it;
	FILE *out;
	int problems;
	int expect = PL_RUNNING;

	(void)arg;
	if (getpid() != sim_pid ||
	    !atomic_compare_exchange_strong(&pl_phase, &expect, PL_CLOSING))
		return;
	out = open_report(&close_it);
	if (!quiesce()) {
		fprintf(out,
			"iommufd-preload[%d]: %ld thread(s) still inside the simulated kernel at exit; audit skipped\n",
			(int)getpid(), atomic_load(&inflight));
		goto out;
	}
	left = pl_table_count();
	problems = iommufd_sim_destroy(sim, out);
	sim = NULL;
	proc = NULL;
	atomic_store(&pl_phase, PL_DONE);
	if (pl_settings.report || problems)
		fprintf(out,
			"iommufd-preload[%d]: exit status %d, %u simulated descriptor(s) closed at exit, audit: %d problem(s)\n",
			(int)getpid(), status, left, problems);
	if (problems && pl_settings.audit_status && status == 0) {
		/* exit() cannot change its status: end here instead. */
		fflush(NULL);
		if (close_it)
			fclose(out);
		_exit(pl_settings.audit_status);
	}
out:
	if (close_it)
		fclose(out);
}
