# SPDX-License-Identifier: GPL-2.0
#
# cmake --install: the command, the preload and embedding libraries, the
# headers a program needs (the embedding API, the iommufd uAPI and the
# test uAPI, under include/iommufd-sim so that they never shadow the
# system's), pkg-config, the gdb helper, man pages, bundled scenarios and
# the example.  Install from the release preset: a sanitizer build's
# libraries need the sanitizer runtime preloaded in every program.

set(_share ${CMAKE_INSTALL_DATADIR}/iommufd-sim)
set(_inc ${CMAKE_INSTALL_INCLUDEDIR}/iommufd-sim)

install(TARGETS iommufd-sim-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS iommufd-preload iommufd-sim-shared
	LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES ${PROJECT_SOURCE_DIR}/sim/include/iommufd_sim.h
	      ${PROJECT_SOURCE_DIR}/sim/include/iommufd_sim_vfio.h
	      ${PROJECT_SOURCE_DIR}/kernel-shim/include/uapi/iommufd_test.h
	DESTINATION ${_inc})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/kernel-shim/include/uapi/linux
	DESTINATION ${_inc})

# Relocatable: the prefix is found from where the .pc file is installed.
file(RELATIVE_PATH PC_PREFIX_FROM_PCFILEDIR
     ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" PC_PREFIX_FROM_PCFILEDIR
       "${PC_PREFIX_FROM_PCFILEDIR}")
configure_file(${PROJECT_SOURCE_DIR}/sim/iommufd-sim.pc.in
	       ${PROJECT_BINARY_DIR}/iommufd-sim.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/iommufd-sim.pc
	DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The gdb helper, and the script gdb auto-loads for the installed binary
# (gdb looks in <its datadir>/auto-load/<binary's directory>/; with a
# prefix of its own, point it there: docs/debugging.md).
install(FILES ${PROJECT_SOURCE_DIR}/sim/gdb/iommufd_sim.py
	DESTINATION ${_share}/gdb)
install(FILES ${PROJECT_SOURCE_DIR}/sim/gdb/iommufd-sim-gdb-installed.py
	# The prefix of `cmake --install --prefix`, known at install time.
	DESTINATION "${CMAKE_INSTALL_DATADIR}/gdb/auto-load/\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}"
	RENAME iommufd-sim-gdb.py)
foreach(_page iommufd-sim.1 iommufd-sim-scenario.5)
	string(REGEX REPLACE ".*\\.([0-9])$" "\\1" _sect ${_page})
	if(EXISTS ${PROJECT_SOURCE_DIR}/docs/man/${_page})
		install(FILES ${PROJECT_SOURCE_DIR}/docs/man/${_page}
			DESTINATION ${CMAKE_INSTALL_MANDIR}/man${_sect})
	endif()
endforeach()
if(EXISTS ${PROJECT_SOURCE_DIR}/scenarios)
	install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/
		DESTINATION ${_share}/scenarios)
endif()
install(FILES ${PROJECT_SOURCE_DIR}/examples/vmm-backend.c
	DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
