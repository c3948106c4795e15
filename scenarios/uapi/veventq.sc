# IOMMU_VEVENTQ_ALLOC and its fd: an event a device raises reaches the
# queue of its vIOMMU as a header and the device's virtual ID.  The device
# must be linked: a vDEVICE, and attached to a nested HWPT of the vIOMMU.
scenario "virtual events"
include "../common/guest.inc"

viommu_alloc vi dev=dev1 hwpt=parent                      => ok
vdevice_alloc vd viommu=vi dev=dev1 virt_id=0x99          => ok
trigger_vevent dev1                                       => ENOENT
hwpt_alloc nested dev=dev1 pt=vi data=selftest:0          => ok
mock_domain_replace dev=dev1 pt=nested                    => ok
trigger_vevent dev1                                       => EOPNOTSUPP
veventq_alloc evq viommu=vi depth=2                       => ok
veventq_alloc evq2 viommu=vi depth=2                      => EEXIST
veventq_read evq                                          => ok records=0
trigger_vevent dev1                                       => ok
veventq_read evq count=2                                  => ok records=1 sequence=0 lost=0 virt_id=0x99
close evq
destroy evq                                               => ok
mock_domain_replace dev=dev1 pt=ioas1                     => ok
destroy nested                                            => ok
destroy vd                                                => ok
