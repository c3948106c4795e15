# Closing the iommufd with the whole guest live: no DESTROY at all, the
# vEVENTQ's descriptor still open.  The context's release tears down the
# queues (and their internal accesses' pins), the nested HWPT, the
# vDEVICE, the vIOMMU, the device and the IOAS; the vEVENTQ file holds the
# context until it is closed too.  The audit finds nothing left.
scenario "guest flow: close the context with everything live"
include "guest.inc"

trigger_vevent dev1                                            => ok
close ictx
# the vEVENTQ descriptor still works and still holds the context
veventq_read evq count=2                                       => ok records=1 virt_id=0x42
close evq
expect pins buf=gmem length=64K count=0
