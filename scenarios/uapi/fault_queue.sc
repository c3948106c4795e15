# IOMMU_FAULT_QUEUE_ALLOC and the fault fd: a page request reported by a
# device on a fault-capable HWPT is read as a record, answered by a write.
scenario "I/O page faults through a fault queue"

open ictx
ioas_alloc ioas1                                              => ok
mock_domain dev1 pt=ioas1                                     => ok
fault_queue_alloc fq                                          => ok
hwpt_alloc iopf dev=dev1 pt=ioas1 fault=fq                    => ok
mock_domain_replace dev=dev1 pt=iopf                          => ok
fault_read fq                                                 => ok records=0
trigger_iopf dev1 addr=0x1234000 perm=read,write group=7      => ok
fault_read fq count=4                                         => ok records=1 addr=0x1234000 dev=dev1 perm=read,write
fault_respond fq code=success                                 => ok
fault_respond fq cookie=fq.cookie                             => EINVAL
destroy fq                                                    => EBUSY
mock_domain_replace dev=dev1 pt=ioas1                         => ok
destroy iopf                                                  => ok
close fq
destroy fq                                                    => ok
