# IOMMU_GET_HW_INFO: the mock IOMMU's type, register and capabilities.
scenario "hardware information"

open ictx
ioas_alloc ioas1                                  => ok
mock_domain dev1 pt=ioas1                         => ok
mock_domain dev2 pt=ioas1 flags=pasid,no_dirty    => ok
get_hw_info dev1 => ok type=0xfeedbeef length=8 data=00000000efbeadde caps=dirty_tracking max_pasid_log2=0
get_hw_info dev2 => ok type=0xfeedbeef caps=none max_pasid_log2=20
get_hw_info dev=1000                              => ENOENT
