// SPDX-License-Identifier: GPL-2.0
/*
 * vmm-backend: the iommufd half of a VMM, the way QEMU's and
 * cloud-hypervisor's back ends drive it.
 *
 *   1. open /dev/iommu, allocate an IOAS (the guest's DMA address space)
 *   2. ask which IOVA ranges are usable (the two-call EMSGSIZE pattern)
 *   3. map guest RAM at IOVA == guest physical address, as a memory
 *      listener does, READABLE | WRITEABLE, FIXED_IOVA
 *   4. attach a device (a mock one, through the test uAPI; a real VMM
 *      binds a VFIO cdev) and check what it would reach by DMA
 *   5. unmap, redundantly too (vIOMMUs do: ENOENT is expected), then
 *      everything in two halves since a length cannot say 2^64
 *   6. close
 *
 * Built twice from this one file: plain (run it with LD_PRELOAD=
 * libiommufd-preload.so) and with -DVMM_EMBEDDED against the embedding
 * API.  Both print the same lines; ctest compares them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/iommufd.h>
#include <iommufd_test.h>

#ifdef VMM_EMBEDDED
#include <iommufd_sim.h>

static struct iommufd_sim *sim;
static struct iommufd_sim_proc *proc;

#define sys_open(path, flags)	iommufd_sim_open(proc, path, flags)
#define sys_ioctl(fd, cmd, arg)	iommufd_sim_ioctl(proc, fd, cmd, arg)
#define sys_close(fd)		iommufd_sim_close(proc, fd)

static void platform_init(void)
{
	struct iommufd_sim_proc_opts opts = { .name = "vmm", .root = true };

	sim = iommufd_sim_create(NULL);
	proc = iommufd_sim_proc_create(sim, &opts);
}

static int platform_exit(void)
{
	iommufd_sim_proc_destroy(proc);
	return iommufd_sim_destroy(sim, stderr) ? 1 : 0;
}
#else
#include <sys/ioctl.h>

#define sys_open(path, flags)	open(path, flags)
#define sys_ioctl(fd, cmd, arg)	ioctl(fd, cmd, arg)
#define sys_close(fd)		close(fd)

static void platform_init(void)
{
}

static int platform_exit(void)
{
	return 0;
}
#endif

/* Guest physical memory: two RAM regions inside the mock's aperture. */
struct ram_region {
	uint64_t gpa;
	size_t size;
	unsigned char *hva;
};

static struct ram_region ram[] = {
	{ .gpa = 0x01000000, .size = 2 << 20 },
	{ .gpa = 0x40000000, .size = 1 << 20 },
};

#define NR_RAM	(sizeof(ram) / sizeof(ram[0]))

static void die(const char *what)
{
	printf("FAILED: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void query_ranges(int fd, uint32_t ioas)
{
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd), .ioas_id = ioas,
	};
	struct iommu_iova_range *ranges;
	uint32_t i;

	/* First call: no room, the kernel says how many (EMSGSIZE). */
	if (sys_ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &cmd) == 0 ||
	    errno != EMSGSIZE)
		die("IOAS_IOVA_RANGES (count)");
	ranges = calloc(cmd.num_iovas, sizeof(*ranges));
	cmd.allowed_iovas = (uintptr_t)ranges;
	if (sys_ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &cmd))
		die("IOAS_IOVA_RANGES");
	printf("iova ranges: %u, alignment %llu\n", cmd.num_iovas,
	       (unsigned long long)cmd.out_iova_alignment);
	for (i = 0; i < cmd.num_iovas; i++)
		printf("  [0x%llx, 0x%llx]\n",
		       (unsigned long long)ranges[i].start,
		       (unsigned long long)ranges[i].last);
	free(ranges);
}

static void map_guest_ram(int fd, uint32_t ioas)
{
	unsigned int i;
	size_t j;

	for (i = 0; i < NR_RAM; i++) {
		struct iommu_ioas_map map = {
			.size = sizeof(map),
			.flags = IOMMU_IOAS_MAP_FIXED_IOVA |
				 IOMMU_IOAS_MAP_READABLE |
				 IOMMU_IOAS_MAP_WRITEABLE,
			.ioas_id = ioas,
			.length = ram[i].size,
			.iova = ram[i].gpa,
		};

		ram[i].hva = mmap(NULL, ram[i].size, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (ram[i].hva == MAP_FAILED)
			die("mmap guest RAM");
		for (j = 0; j < ram[i].size; j += 4096)
			ram[i].hva[j] = (unsigned char)(j >> 12);
		map.user_va = (uintptr_t)ram[i].hva;
		if (sys_ioctl(fd, IOMMU_IOAS_MAP, &map))
			die("IOAS_MAP");
		printf("mapped gpa 0x%llx size 0x%zx\n",
		       (unsigned long long)ram[i].gpa, ram[i].size);
	}
}

/* The device's view: translations, and a DMA write the guest then sees. */
static void dma_check(int fd, uint32_t ioas, uint32_t hwpt)
{
	struct iommu_test_cmd cmd;
	const char msg[] = "written by the device";
	unsigned int i;
	int access_fd;

	for (i = 0; i < NR_RAM; i++) {
		cmd = (struct iommu_test_cmd){
			.size = sizeof(cmd), .op = IOMMU_TEST_OP_MD_CHECK_MAP,
			.id = hwpt,
			.check_map = {
				.iova = ram[i].gpa, .length = ram[i].size,
				.uptr = (uintptr_t)ram[i].hva,
			},
		};
		if (sys_ioctl(fd, IOMMU_TEST_CMD, &cmd))
			die("MD_CHECK_MAP");
	}
	printf("device translations match guest RAM\n");

	cmd = (struct iommu_test_cmd){
		.size = sizeof(cmd), .op = IOMMU_TEST_OP_CREATE_ACCESS,
		.id = ioas,
	};
	if (sys_ioctl(fd, IOMMU_TEST_CMD, &cmd))
		die("CREATE_ACCESS");
	access_fd = cmd.create_access.out_access_fd;
	cmd = (struct iommu_test_cmd){
		.size = sizeof(cmd), .op = IOMMU_TEST_OP_ACCESS_RW,
		.id = access_fd,
		.access_rw = {
			.iova = ram[1].gpa + 0x1234, .length = sizeof(msg),
			.uptr = (uintptr_t)msg, .flags = MOCK_ACCESS_RW_WRITE,
		},
	};
	if (sys_ioctl(fd, IOMMU_TEST_CMD, &cmd))
		die("ACCESS_RW");
	printf("guest reads at gpa 0x%llx: \"%s\"\n",
	       (unsigned long long)ram[1].gpa + 0x1234,
	       (const char *)ram[1].hva + 0x1234);
	sys_close(access_fd);
}

static void unmap_all(int fd, uint32_t ioas)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap), .ioas_id = ioas,
		.iova = ram[0].gpa, .length = ram[0].size,
	};
	uint64_t total = 0;
	int half;

	if (sys_ioctl(fd, IOMMU_IOAS_UNMAP, &unmap))
		die("IOAS_UNMAP");
	printf("unmapped 0x%llx bytes at gpa 0x%llx\n",
	       (unsigned long long)unmap.length,
	       (unsigned long long)ram[0].gpa);
	/* A vIOMMU unmaps again; QEMU swallows ENOENT. */
	unmap.length = ram[0].size;
	if (sys_ioctl(fd, IOMMU_IOAS_UNMAP, &unmap) == 0 || errno != ENOENT)
		die("redundant IOAS_UNMAP");
	printf("redundant unmap: ENOENT\n");
	for (half = 0; half < 2; half++) {
		unmap.iova = half ? 1ULL << 63 : 0;
		unmap.length = 1ULL << 63;
		if (sys_ioctl(fd, IOMMU_IOAS_UNMAP, &unmap) == 0)
			total += unmap.length;
		else if (errno != ENOENT)
			die("IOAS_UNMAP (all)");
	}
	printf("unmap all: 0x%llx bytes\n", (unsigned long long)total);
}

int main(void)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct iommu_destroy destroy = { .size = sizeof(destroy) };
	struct iommu_test_cmd mock = {
		.size = sizeof(mock), .op = IOMMU_TEST_OP_MOCK_DOMAIN,
	};
	unsigned int i;
	int fd;

	platform_init();
	fd = sys_open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open /dev/iommu");
	if (sys_ioctl(fd, IOMMU_IOAS_ALLOC, &alloc))
		die("IOAS_ALLOC");
	printf("ioas %u\n", alloc.out_ioas_id);
	query_ranges(fd, alloc.out_ioas_id);
	map_guest_ram(fd, alloc.out_ioas_id);

	mock.id = alloc.out_ioas_id;
	if (sys_ioctl(fd, IOMMU_TEST_CMD, &mock))
		die("MOCK_DOMAIN");
	printf("device %u attached to hwpt %u\n", mock.mock_domain.out_idev_id,
	       mock.mock_domain.out_hwpt_id);
	dma_check(fd, alloc.out_ioas_id, mock.mock_domain.out_hwpt_id);
	unmap_all(fd, alloc.out_ioas_id);

	/* Detach (the mock device goes with its object), then the IOAS. */
	destroy.id = mock.mock_domain.out_stdev_id;
	if (sys_ioctl(fd, IOMMU_DESTROY, &destroy))
		die("DESTROY device");
	destroy.id = alloc.out_ioas_id;
	if (sys_ioctl(fd, IOMMU_DESTROY, &destroy))
		die("DESTROY ioas");
	sys_close(fd);
	for (i = 0; i < NR_RAM; i++)
		munmap(ram[i].hva, ram[i].size);
	printf("done\n");
	return platform_exit();
}
