# Run by CTest (see CMakeLists.txt here). TABLE is the generated table of modules and owners;
# SOURCE_DIR a library folder with src/<module>/ and include/evidence/. Fails naming every include
# of a public header whose owner the including module (or header) may not see.
cmake_minimum_required(VERSION 3.25)
include(${TABLE})
set(problems)

# `file` includes `evidence/<h>.hpp`; may a file of module `module` do that?
function(check_includes file module label)
  file(STRINGS ${file} lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"evidence/[a-z0-9_]+\\.hpp\"")
  foreach(line ${lines})
    string(REGEX REPLACE ".*\"evidence/([a-z0-9_]+)\\.hpp\".*" "\\1" header "${line}")
    set(owner ${OWNER_${header}})
    if(NOT owner)
      list(APPEND problems "${label}: includes evidence/${header}.hpp, which no module owns")
    elseif(NOT owner STREQUAL module AND NOT owner IN_LIST BELOW_${module})
      list(APPEND problems
           "${label}: includes evidence/${header}.hpp, owned by ${owner}, which ${module} may not see")
    endif()
  endforeach()
  set(problems ${problems} PARENT_SCOPE)
endfunction()

set(checked 0)
foreach(module ${MODULES})
  file(GLOB files ${SOURCE_DIR}/src/${module}/*.cpp ${SOURCE_DIR}/src/${module}/*.hpp
       ${SOURCE_DIR}/src/${module}/*.in)
  foreach(f ${files})
    file(RELATIVE_PATH label ${SOURCE_DIR} ${f})
    check_includes(${f} ${module} ${label})
    math(EXPR checked "${checked} + 1")
  endforeach()
endforeach()
file(GLOB headers ${SOURCE_DIR}/include/evidence/*.hpp)
foreach(f ${headers})
  get_filename_component(header ${f} NAME_WE)
  file(RELATIVE_PATH label ${SOURCE_DIR} ${f})
  if(NOT OWNER_${header})
    list(APPEND problems "${label}: no module owns it")
    continue()
  endif()
  check_includes(${f} ${OWNER_${header}} ${label})
  math(EXPR checked "${checked} + 1")
endforeach()

if(problems)
  # One line each, unwrapped (FATAL_ERROR text is wrapped).
  foreach(problem ${problems})
    message("${problem}")
  endforeach()
  list(LENGTH problems count)
  message(FATAL_ERROR "${count} include(s) of a public header cross the layers")
endif()
message(STATUS "${checked} files checked: every public header included is owned at or below")
