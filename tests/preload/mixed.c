// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated descriptors among the program's own: files, pipes, eventfds
 * and sockets keep working while /dev/iommu descriptors, fault queues and
 * their duplicates come and go.  Everything is closed in a random order
 * (the seed is printed; pass it as argv[1] to repeat a run) and after each
 * close every survivor is checked.  Then poll(), epoll and threads.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "plain.h"

enum kind { K_FILE, K_PIPE_R, K_PIPE_W, K_EVENTFD, K_SOCKET, K_IOMMUFD,
	    K_FAULT, K_DUP };

struct desc {
	enum kind kind;
	int fd;
	int peer;	/* pipe, socket: the other end's index */
	bool open;
};

#define MAX_DESC	32
static struct desc descs[MAX_DESC];
static unsigned int nr_desc;

static int add(enum kind kind, int fd, int peer)
{
	CHECK(fd >= 0 && nr_desc < MAX_DESC);
	descs[nr_desc] = (struct desc){ .kind = kind, .fd = fd, .peer = peer,
					.open = true };
	return nr_desc++;
}

/* The iommufd a simulated descriptor belongs to works. */
static void check_iommufd(int fd)
{
	__u32 ioas;

	CHECK_OK(plain_ioas_alloc(fd, &ioas));
	CHECK_OK(plain_destroy(fd, ioas));
}

static void check_one(const struct desc *d)
{
	struct iommu_hwpt_pgfault rec;
	char buf[16];
	uint64_t v;

	switch (d->kind) {
	case K_FILE:
		CHECK(pwrite(d->fd, "hello", 5, 0) == 5);
		CHECK(pread(d->fd, buf, 5, 0) == 5 && !memcmp(buf, "hello", 5));
		break;
	case K_PIPE_W:
		if (!descs[d->peer].open)
			break;
		CHECK(write(d->fd, "x", 1) == 1);
		CHECK(read(descs[d->peer].fd, buf, 1) == 1 && buf[0] == 'x');
		break;
	case K_EVENTFD:
		v = 3;
		CHECK(write(d->fd, &v, 8) == 8);
		CHECK(read(d->fd, &v, 8) == 8 && v == 3);
		break;
	case K_SOCKET:
		if (!descs[d->peer].open)
			break;
		CHECK(send(d->fd, "s", 1, 0) == 1);
		CHECK(recv(descs[d->peer].fd, buf, 1, 0) == 1 && buf[0] == 's');
		break;
	case K_IOMMUFD:
	case K_DUP:
		check_iommufd(d->fd);
		break;
	case K_FAULT:
		/* Nothing queued: read returns 0 (whole records only). */
		CHECK(read(d->fd, &rec, sizeof(rec)) == 0);
		CHECK_ERR(ESPIPE, read(d->fd, buf, sizeof(buf)));
		break;
	case K_PIPE_R:
		break;
	}
}

static void check_all(void)
{
	unsigned int i;

	for (i = 0; i < nr_desc; i++)
		if (descs[i].open)
			check_one(&descs[i]);
}

static void build_set(void)
{
	int pfd[2], sv[2], fd, dfd;
	__u32 fault_id;
	unsigned int i;
	char path[] = "/tmp/preload-mixed-XXXXXX";

	fd = mkstemp(path);
	unlink(path);
	add(K_FILE, fd, -1);
	for (i = 0; i < 3; i++) {
		int iofd = open("/dev/iommu", O_RDWR);
		int idx = add(K_IOMMUFD, iofd, -1);

		CHECK_OK(plain_fault_alloc(iofd, &fault_id, &fd));
		add(K_FAULT, fd, idx);
		CHECK(pipe(pfd) == 0);
		add(K_PIPE_R, pfd[0], nr_desc + 1);
		add(K_PIPE_W, pfd[1], nr_desc - 1);
		add(K_EVENTFD, eventfd(0, EFD_CLOEXEC), -1);
	}
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	add(K_SOCKET, sv[0], nr_desc + 1);
	add(K_SOCKET, sv[1], nr_desc - 1);

	/* Duplicates of simulated descriptors, by every route. */
	dfd = dup(descs[1].fd);
	add(K_DUP, dfd, 1);
	dfd = fcntl(descs[1].fd, F_DUPFD_CLOEXEC, 100);
	CHECK(dfd >= 100);
	CHECK(fcntl(dfd, F_GETFD) == FD_CLOEXEC);
	add(K_DUP, dfd, 1);
	CHECK(dup2(descs[6].fd, 200) == 200);
	CHECK(fcntl(200, F_GETFD) == 0);
	add(K_DUP, 200, 6);
	/* dup3 over one of the program's own descriptors replaces it. */
	fd = eventfd(0, 0);
	CHECK(dup3(descs[6].fd, fd, O_CLOEXEC) == fd);
	add(K_DUP, fd, 6);
	check_all();
}

/* Simulated descriptors have their own inodes, like real ones. */
static void check_identity(void)
{
	struct stat a, b;
	int dup_fd;

	CHECK(fstat(descs[1].fd, &a) == 0 && fstat(descs[6].fd, &b) == 0);
	CHECK(a.st_ino != b.st_ino);
	CHECK((fcntl(descs[1].fd, F_GETFL) & O_ACCMODE) == O_RDWR);
	CHECK(fcntl(descs[1].fd, F_SETFL, O_NONBLOCK) == 0);
	CHECK(fcntl(descs[1].fd, F_GETFL) & O_NONBLOCK);
	/* Status flags belong to the open file: its duplicates see them. */
	dup_fd = dup(descs[1].fd);
	CHECK(fcntl(dup_fd, F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(dup_fd, F_SETFL, 0) == 0);
	CHECK(!(fcntl(descs[1].fd, F_GETFL) & O_NONBLOCK));
	CHECK_OK(close(dup_fd));
}

static void close_in_random_order(unsigned int seed)
{
	unsigned int order[MAX_DESC], i, j, t;

	srand(seed);
	for (i = 0; i < nr_desc; i++)
		order[i] = i;
	for (i = nr_desc - 1; i > 0; i--) {
		j = rand() % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < nr_desc; i++) {
		struct desc *d = &descs[order[i]];

		CHECK_OK(close(d->fd));
		d->open = false;
		CHECK_ERR(EBADF, close(d->fd));
		CHECK_ERR(EBADF, fcntl(d->fd, F_GETFD));
		check_all();
	}
}

/* A pipe and a fault queue in one poll(): each wakes it on its own. */
static void check_poll_mix(void)
{
	struct pollfd pfd[3];
	int iofd, fault_fd, p[2], ep;
	struct epoll_event ev = { .events = EPOLLIN }, out;
	struct iommu_hwpt_pgfault rec;
	struct plain_fault_env fenv;
	__u32 ioas, stdev, idev;

	iofd = open("/dev/iommu", O_RDWR);
	CHECK(iofd >= 0);
	CHECK_OK(plain_ioas_alloc(iofd, &ioas));
	CHECK_OK(plain_mock_domain(iofd, ioas, &stdev, NULL, &idev));
	CHECK_OK(plain_fault_env(iofd, ioas, stdev, idev, &fenv));
	fault_fd = fenv.fault_fd;
	CHECK(pipe(p) == 0);

	pfd[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = fault_fd, .events = POLLIN };
	/* /dev/iommu has no ->poll: always readable and writable. */
	pfd[2] = (struct pollfd){ .fd = iofd, .events = POLLIN | POLLOUT };
	CHECK(poll(pfd, 2, 0) == 0);
	CHECK(poll(pfd, 3, 0) == 1 && pfd[2].revents == (POLLIN | POLLOUT));

	CHECK(write(p[1], "p", 1) == 1);
	CHECK(poll(pfd, 2, 1000) == 1 && pfd[0].revents == POLLIN &&
	      !pfd[1].revents);
	CHECK(read(p[0], &rec, 1) == 1);

	CHECK_OK(plain_trigger_iopf(iofd, idev, 1, 0x1000));
	CHECK(poll(pfd, 2, 1000) == 1 && !pfd[0].revents &&
	      pfd[1].revents == POLLIN);

	/* epoll sees the placeholder; a read makes it quiet again. */
	ep = epoll_create1(EPOLL_CLOEXEC);
	ev.data.fd = fault_fd;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fault_fd, &ev));
	CHECK(epoll_wait(ep, &out, 1, 1000) == 1 && out.data.fd == fault_fd);
	CHECK(read(fault_fd, &rec, sizeof(rec)) == sizeof(rec));
	CHECK(epoll_wait(ep, &out, 1, 0) == 0);
	CHECK_OK(plain_trigger_iopf(iofd, idev, 2, 0x2000));
	CHECK(epoll_wait(ep, &out, 1, 1000) == 1);
	close(ep);

	close(p[0]);
	close(p[1]);
	close(fault_fd);
	CHECK_OK(close(iofd));
}

/* Threads share the descriptor table, as they do in the kernel. */
static void *thread_fn(void *arg)
{
	int fd = *(int *)arg;
	unsigned int i;

	for (i = 0; i < 200; i++)
		check_iommufd(fd);
	return NULL;
}

static void check_threads(void)
{
	pthread_t t[4];
	int fd = open("/dev/iommu", O_RDWR), i;

	CHECK(fd >= 0);
	for (i = 0; i < 4; i++)
		CHECK_OK(pthread_create(&t[i], NULL, thread_fn, &fd));
	for (i = 0; i < 4; i++)
		CHECK_OK(pthread_join(t[i], NULL));
	CHECK_OK(close(fd));
}

int main(int argc, char **argv)
{
	unsigned int seed = argc > 1 ? strtoul(argv[1], NULL, 0) :
				       (unsigned int)time(NULL);

	printf("preload-mixed: seed %u\n", seed);
	build_set();
	check_identity();
	close_in_random_order(seed);
	check_poll_mix();
	check_threads();
	plain_done("preload-mixed");
	return 0;
}
