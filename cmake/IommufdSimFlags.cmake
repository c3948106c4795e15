# SPDX-License-Identifier: GPL-2.0
#
# Compiler flags for our own code.  Every project target links the
# interface library iommufd_sim_flags; third-party code is never built with
# -Werror.

add_library(iommufd_sim_flags INTERFACE)
target_compile_options(iommufd_sim_flags INTERFACE
	-Wall -Wextra -Werror
	-Wno-unused-parameter          # kernel-style ops tables
	-Wno-missing-field-initializers
	-Wno-sign-compare              # kernel code mixes u32/int freely
	-Wno-dangling-pointer          # on-stack list waiters, as the kernel
	-Wshadow=local
	-Wstrict-prototypes
	-Wmissing-prototypes
	-fno-strict-aliasing           # as the kernel builds
	-fno-omit-frame-pointer        # readable backtraces in WARN reports
)
target_compile_definitions(iommufd_sim_flags INTERFACE _GNU_SOURCE)

if(IOMMUFD_SIM_SANITIZE)
	set(_san -fsanitize=address,undefined -fno-sanitize-recover=undefined)
	target_compile_options(iommufd_sim_flags INTERFACE ${_san})
	target_link_options(iommufd_sim_flags INTERFACE ${_san})
	target_compile_definitions(iommufd_sim_flags INTERFACE KSHIM_ASAN=1)
endif()
if(IOMMUFD_SIM_TSAN)
	target_compile_options(iommufd_sim_flags INTERFACE -fsanitize=thread)
	target_link_options(iommufd_sim_flags INTERFACE -fsanitize=thread)
	target_compile_definitions(iommufd_sim_flags INTERFACE KSHIM_TSAN=1)
endif()
if(KSHIM_XA_SMALL_NODES)
	target_compile_definitions(iommufd_sim_flags INTERFACE
				   CONFIG_KSHIM_XA_SMALL_NODES=1)
endif()
# The simulator is always built with the test interfaces of the kernel
# (CONFIG_IOMMUFD_TEST): the mock driver and IOMMU_TEST_CMD are the point.
target_compile_definitions(iommufd_sim_flags INTERFACE
			   CONFIG_IOMMUFD_TEST=1
			   CONFIG_IOMMUFD_DRIVER=1
			   CONFIG_IOMMUFD_VFIO_CONTAINER=1)
