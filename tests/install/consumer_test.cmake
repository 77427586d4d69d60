# The install test (ctest: install.consumer). Installs the built tree into a private prefix, then
# builds and runs tests/install/consumer against that prefix twice: through the CMake package
# (find_package(libevidence CONFIG)) and through pkg-config (libevidence.pc). Any failed step stops
# the test with a message that names the step and shows its output.
#
# Run as: cmake -DSOURCE_DIR=<repo> -DBINARY_DIR=<build> -DWORK_DIR=<scratch> -P consumer_test.cmake
cmake_minimum_required(VERSION 3.25)

foreach(var SOURCE_DIR BINARY_DIR WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "install test: -D${var}=... is required")
  endif()
endforeach()

set(prefix "${WORK_DIR}/prefix")
set(consumer_source "${SOURCE_DIR}/tests/install/consumer")

# Runs one step; on failure stops the test with the step's name, command and output.
# Usage: run_step(<name> <output variable> COMMAND <args>...)
function(run_step name out_var)
  cmake_parse_arguments(PARSE_ARGV 2 step "" "" "COMMAND")
  execute_process(COMMAND ${step_COMMAND}
                  RESULT_VARIABLE result
                  OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    list(JOIN step_COMMAND " " command_line)
    # Plain message() prints the output as it is; FATAL_ERROR would re-wrap every line.
    message("--- ${name}: command ---\n${command_line}\n--- stdout ---\n${out}\n"
            "--- stderr ---\n${err}\n--- end of ${name} ---")
    message(FATAL_ERROR "install test: ${name} failed (${result}); its output is above")
  endif()
  message(STATUS "install test: ${name}: ok")
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# Stops the test unless `text` holds every expected line of the consumer's output.
function(check_output name text)
  set(expected
      "sha256(abc)=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
      "merkle_root(8)=5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
      "inclusion(5,8)=ok"
      "canonical={\"action\":\"item.ingested\",\"data\":{\"a\":\"é\",\"b\":1},\"seq\":7}"
      "float=invalid argument")
  foreach(line IN LISTS expected)
    string(FIND "${text}" "${line}\n" at)
    if(at EQUAL -1)
      message("--- output of ${name} ---\n${text}--- end ---")
      message(FATAL_ERROR "install test: ${name}: the output above lacks the line\n  ${line}")
    endif()
  endforeach()
  message(STATUS "install test: ${name}: output checked")
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# 1. Install the build tree into the private prefix.
run_step("cmake --install" install_log
         COMMAND "${CMAKE_COMMAND}" --install "${BINARY_DIR}" --prefix "${prefix}")

# 2. Find what was installed: the library folder is wherever libevidenceConfig.cmake landed
#    (lib, lib64 or lib/<multiarch>, as GNUInstallDirs chose).
file(GLOB_RECURSE config_files "${prefix}/*/libevidenceConfig.cmake")
list(LENGTH config_files config_count)
if(NOT config_count EQUAL 1)
  message(FATAL_ERROR "install test: expected one libevidenceConfig.cmake under ${prefix}, found "
                      "${config_count}: ${config_files}\n--- install log ---\n${install_log}")
endif()
get_filename_component(libdir "${config_files}" DIRECTORY)
get_filename_component(libdir "${libdir}/../.." ABSOLUTE)
foreach(file "${prefix}/include/evidence/hash.hpp" "${prefix}/include/evidence/merkle.hpp"
             "${prefix}/include/evidence/canonical_json.hpp" "${libdir}/pkgconfig/libevidence.pc"
             "${libdir}/cmake/libevidence/libevidenceTargets.cmake"
             "${libdir}/cmake/libevidence/libevidenceConfigVersion.cmake")
  if(NOT EXISTS "${file}")
    message(FATAL_ERROR "install test: ${file} was not installed\n--- install log ---\n${install_log}")
  endif()
endforeach()
file(GLOB shared_libs "${libdir}/libevidence.so*")
if(NOT shared_libs)
  message(FATAL_ERROR "install test: no libevidence.so* in ${libdir}\n--- install log ---\n${install_log}")
endif()

# The shared library lives in a private prefix that the dynamic loader does not search.
set(run_env "${CMAKE_COMMAND}" -E env "LD_LIBRARY_PATH=${libdir}")

# 3. The installed command line program starts.
if(EXISTS "${prefix}/bin/evidence")
  run_step("installed evidence --version" version_out
           COMMAND ${run_env} "${prefix}/bin/evidence" --version)
endif()

# A sanitizer build's library needs the consumer built by the same compiler with the sanitizer
# runtime (CONSUMER_CXX, CONSUMER_LINK_FLAGS; both optional).
set(consumer_args)
if(CONSUMER_CXX)
  list(APPEND consumer_args "-DCMAKE_CXX_COMPILER=${CONSUMER_CXX}")
endif()
if(CONSUMER_LINK_FLAGS)
  list(APPEND consumer_args "-DCMAKE_EXE_LINKER_FLAGS=${CONSUMER_LINK_FLAGS}")
endif()

# 4. The consumer through the CMake package.
set(config_build "${WORK_DIR}/consumer-config")
run_step("configure consumer (find_package)" out
         COMMAND "${CMAKE_COMMAND}" -S "${consumer_source}" -B "${config_build}"
                 -DCMAKE_BUILD_TYPE=Release -DCONSUMER_USE_PKGCONFIG=OFF
                 "-DCMAKE_PREFIX_PATH=${prefix}" "-DEXPECTED_PREFIX=${prefix}" ${consumer_args})
run_step("build consumer (find_package)" out
         COMMAND "${CMAKE_COMMAND}" --build "${config_build}" -j 2)
run_step("run consumer (find_package)" config_out
         COMMAND ${run_env} "${config_build}/consumer")
check_output("consumer (find_package)" "${config_out}")

# 5. The consumer through pkg-config, with only the installed .pc file on its path.
set(pc_build "${WORK_DIR}/consumer-pkgconfig")
run_step("configure consumer (pkg-config)" out
         COMMAND "${CMAKE_COMMAND}" -E env "PKG_CONFIG_PATH=${libdir}/pkgconfig"
                 "${CMAKE_COMMAND}" -S "${consumer_source}" -B "${pc_build}"
                 -DCMAKE_BUILD_TYPE=Release -DCONSUMER_USE_PKGCONFIG=ON
                 "-DEXPECTED_PREFIX=${prefix}" ${consumer_args})
run_step("build consumer (pkg-config)" out
         COMMAND "${CMAKE_COMMAND}" --build "${pc_build}" -j 2)
run_step("run consumer (pkg-config)" pc_out
         COMMAND ${run_env} "${pc_build}/consumer")
check_output("consumer (pkg-config)" "${pc_out}")

message(STATUS "install test: passed (prefix ${prefix})")
