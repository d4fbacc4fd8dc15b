# Installs the build tree's SDK into a fresh prefix, then configures, builds and runs a
# project that finds it with find_package(mirari), and builds the plugin templates of
# examples/ against it as their authors would. Fails on the first step that fails.
foreach(var BUILD_DIR CONSUMER_DIR EXAMPLES_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
  endif()
endfunction()
run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${WORK_DIR}/prefix" --component Unspecified)
# A sanitized SDK takes a consumer built with the same sanitizers (their runtime first).
set(flags "")
if(SANITIZE)
  set(flags "-DCMAKE_CXX_FLAGS=-fsanitize=${SANITIZE}"
            "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${SANITIZE}")
endif()
run(${CMAKE_COMMAND} -S "${CONSUMER_DIR}" -B "${WORK_DIR}/build" -G Ninja
    "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix" ${flags})
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
run(${CMAKE_COMMAND} -E env "LD_LIBRARY_PATH=${WORK_DIR}/prefix/lib" "${WORK_DIR}/build/consumer")
foreach(example IN ITEMS custom-policy fastest-link)
  run(${CMAKE_COMMAND} -S "${EXAMPLES_DIR}/${example}" -B "${WORK_DIR}/${example}" -G Ninja
      "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix" ${flags})
  run(${CMAKE_COMMAND} --build "${WORK_DIR}/${example}")
endforeach()
