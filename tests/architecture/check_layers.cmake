# Run by CTest (see CMakeLists.txt here): the allowed probe must build, and every forbidden probe
# must fail because its one include is not found.
string(REPLACE "," ";" FORBIDDEN_TARGETS "${FORBIDDEN_TARGETS}")
string(REPLACE "," ";" FORBIDDEN_HEADERS "${FORBIDDEN_HEADERS}")

execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${ALLOWED}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${ALLOWED}: a module's own and lower headers do not build:\n${out}")
endif()
message(STATUS "${ALLOWED}: builds")

list(LENGTH FORBIDDEN_TARGETS count)
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  list(GET FORBIDDEN_TARGETS ${i} target)
  list(GET FORBIDDEN_HEADERS ${i} header)
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${target}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  string(REPLACE "." "\\." header_re "${header}")
  # gcc: "x.hpp: No such file or directory"; clang: "'x.hpp' file not found".
  if(rc EQUAL 0)
    message(FATAL_ERROR "${target}: including ${header} built; the layering does not hold")
  elseif(NOT out MATCHES "${header_re}'? ?(: No such file or directory| file not found)")
    message(FATAL_ERROR "${target}: failed, but not because ${header} was out of sight:\n${out}")
  endif()
  message(STATUS "${target}: ${header} is out of sight, as it must be")
endforeach()
