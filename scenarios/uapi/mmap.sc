# mmap() on the iommufd: a vIOMMU's driver region (the mock's two MMIO
# pages, the first u32 holding the driver data given at allocation).  Only
# the exact offset and length map; a mapping holds the vIOMMU until it is
# unmapped.
scenario "map a driver region"
include "../common/guest.inc"

viommu_alloc vi dev=dev1 hwpt=parent data=0xbeef                  => ok
mmap mmio offset=vi.mmap_offset length=vi.mmap_length             => ok
expect bytes mmio data=efbe0000+00*4
write mmio offset=4K+4 data=34120000
mmap again offset=vi.mmap_offset length=vi.mmap_length prot=read  => ok
expect bytes again offset=4K+4 data=34120000
mmap half offset=vi.mmap_offset length=4K                         => ENXIO
mmap wrong offset=vi.mmap_offset+4K length=vi.mmap_length         => ENXIO
destroy vi                                                        => EBUSY
munmap again                                                      => ok
munmap mmio                                                       => ok
destroy vi                                                        => ok
mmap gone offset=vi.mmap_offset length=vi.mmap_length             => ENXIO
