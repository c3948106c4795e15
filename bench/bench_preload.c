// SPDX-License-Identifier: GPL-2.0
/*
 * bench-preload: what the preload library costs a program.
 *
 *   1. The program's own I/O: a 1-byte write and read through a pipe, by
 *      libc (which the library interposes) and by raw system calls (the
 *      floor: what the kernel itself costs), with and without the library
 *      preloaded.  The difference is the interposers' look at the
 *      descriptor table.
 *   2. An iommufd ioctl round trip (IOAS_ALLOC + DESTROY): through ioctl()
 *      under the library, and through the embedding API linked in, in the
 *      same program.  The difference is the placeholder bookkeeping and the
 *      interposer.
 *   3. poll() of one fault queue that has nothing queued, timeout 0.
 *
 * The program runs twice: as itself (no preload: floors, libc, embedding
 * API) and re-executed with the library in LD_PRELOAD (found next to the
 * build's sim/preload/, or given as the first argument).  Best of five
 * rounds each.  Nothing is asserted.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <iommufd_sim.h>
#include <iommufd_test.h>
#include <linux/iommufd.h>

#define ROUNDS		5
#define PIPE_N		200000
#define IOCTL_N		50000
#define POLL_N		50000

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "bench-preload: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ns per write+read pair of one byte; @raw bypasses libc. */
static double pipe_pair(int p[2], int raw)
{
	double best = 1e30;
	char c = 0;
	int r, i;

	for (r = 0; r < ROUNDS; r++) {
		double t0 = now_ns(), t;

		for (i = 0; i < PIPE_N; i++) {
			if (raw) {
				syscall(SYS_write, p[1], &c, 1);
				syscall(SYS_read, p[0], &c, 1);
			} else if (write(p[1], &c, 1) != 1 ||
				   read(p[0], &c, 1) != 1) {
				die("pipe");
			}
		}
		t = (now_ns() - t0) / PIPE_N;
		if (t < best)
			best = t;
	}
	return best;
}

typedef int (*ioctl_fn)(void *ctx, int fd, unsigned long cmd, void *arg);

static int libc_ioctl(void *ctx, int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg);
}

static int embed_ioctl(void *ctx, int fd, unsigned long cmd, void *arg)
{
	return iommufd_sim_ioctl(ctx, fd, cmd, arg);
}

/* ns per IOAS_ALLOC + DESTROY pair. */
static double ioctl_pair(ioctl_fn fn, void *ctx, int fd)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct iommu_destroy destroy = { .size = sizeof(destroy) };
	double best = 1e30;
	int r, i;

	for (r = 0; r < ROUNDS; r++) {
		double t0 = now_ns(), t;

		for (i = 0; i < IOCTL_N; i++) {
			if (fn(ctx, fd, IOMMU_IOAS_ALLOC, &alloc))
				die("IOAS_ALLOC");
			destroy.id = alloc.out_ioas_id;
			if (fn(ctx, fd, IOMMU_DESTROY, &destroy))
				die("DESTROY");
		}
		t = (now_ns() - t0) / IOCTL_N;
		if (t < best)
			best = t;
	}
	return best;
}

static int fault_queue(ioctl_fn fn, void *ctx, int fd)
{
	struct iommu_fault_alloc cmd = { .size = sizeof(cmd) };

	if (fn(ctx, fd, IOMMU_FAULT_QUEUE_ALLOC, &cmd))
		die("FAULT_QUEUE_ALLOC");
	return cmd.out_fault_fd;
}

/* ns per poll() of @fd with nothing ready. */
static double poll_empty(void *ctx, int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	double best = 1e30;
	int r, i, n;

	for (r = 0; r < ROUNDS; r++) {
		double t0 = now_ns(), t;

		for (i = 0; i < POLL_N; i++) {
			n = ctx ? iommufd_sim_poll(ctx, &pfd, 1, 0) :
				  poll(&pfd, 1, 0);
			if (n)
				die("poll");
		}
		t = (now_ns() - t0) / POLL_N;
		if (t < best)
			best = t;
	}
	return best;
}

/* Under the library: print its figures for the parent to collect. */
static int child(void)
{
	double libc, raw, io, pl;
	int p[2], fd, ffd;

	if (pipe(p))
		die("pipe");
	raw = pipe_pair(p, 1);
	libc = pipe_pair(p, 0);
	fd = open("/dev/iommu", O_RDWR);
	if (fd < 0)
		die("open /dev/iommu (is the library preloaded?)");
	io = ioctl_pair(libc_ioctl, NULL, fd);
	ffd = fault_queue(libc_ioctl, NULL, fd);
	pl = poll_empty(NULL, ffd);
	close(ffd);
	close(fd);
	printf("%.2f %.2f %.1f %.1f\n", raw, libc, io, pl);
	return 0;
}

static void find_library(const char *argv0, char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		die("readlink /proc/self/exe");
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	snprintf(buf, len, "%s/../sim/preload/libiommufd-preload.so", exe);
	if (access(buf, R_OK)) {
		fprintf(stderr, "usage: %s [PATH/libiommufd-preload.so]\n",
			argv0);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	struct iommufd_sim_proc_opts popts = { .root = true };
	double raw, libc, emb_io, emb_poll, c_raw, c_libc, c_io, c_poll;
	char lib[PATH_MAX + 64], cmd[2 * PATH_MAX + 128];
	struct iommufd_sim_proc *proc;
	struct iommufd_sim *sim;
	int p[2], fd, ffd;
	FILE *f;

	if (getenv("BENCH_PRELOAD_CHILD"))
		return child();
	if (argc > 2) {
		fprintf(stderr, "usage: %s [PATH/libiommufd-preload.so]\n",
			argv[0]);
		return 2;
	}
	if (argc == 2)
		snprintf(lib, sizeof(lib), "%s", argv[1]);
	else
		find_library(argv[0], lib, sizeof(lib));

	if (pipe(p))
		die("pipe");
	raw = pipe_pair(p, 1);
	libc = pipe_pair(p, 0);

	sim = iommufd_sim_create(NULL);
	proc = iommufd_sim_proc_create(sim, &popts);
	fd = iommufd_sim_open(proc, "/dev/iommu", O_RDWR);
	if (fd < 0)
		die("iommufd_sim_open");
	emb_io = ioctl_pair(embed_ioctl, proc, fd);
	ffd = fault_queue(embed_ioctl, proc, fd);
	emb_poll = poll_empty(proc, ffd);
	iommufd_sim_proc_destroy(proc);
	if (iommufd_sim_destroy(sim, stderr))
		fprintf(stderr, "bench-preload: the embedded run's audit failed\n");

	snprintf(cmd, sizeof(cmd),
		 "BENCH_PRELOAD_CHILD=1 LD_PRELOAD='%s' '/proc/%d/exe'", lib,
		 (int)getpid());
	f = popen(cmd, "r");
	if (!f || fscanf(f, "%lf %lf %lf %lf", &c_raw, &c_libc, &c_io,
			 &c_poll) != 4)
		die("the preloaded run");
	pclose(f);

	printf("bench-preload: best of %d rounds\n", ROUNDS);
	printf("pipe write+read, raw syscalls (floor):     %8.1f ns   preloaded %8.1f ns\n",
	       raw, c_raw);
	printf("pipe write+read, libc:                     %8.1f ns   preloaded %8.1f ns  (%.2fx floor)\n",
	       libc, c_libc, c_libc / c_raw);
	printf("IOAS_ALLOC+DESTROY, embedding API:         %8.1f ns\n", emb_io);
	printf("IOAS_ALLOC+DESTROY, ioctl() preloaded:     %8.1f ns  (%.2fx embedding API, %.1fx pipe floor)\n",
	       c_io, c_io / emb_io, c_io / c_raw);
	printf("poll(fault queue, empty, 0), embedding:    %8.1f ns\n",
	       emb_poll);
	printf("poll(fault queue, empty, 0), preloaded:    %8.1f ns  (%.2fx embedding API)\n",
	       c_poll, c_poll / emb_poll);
	return 0;
}
