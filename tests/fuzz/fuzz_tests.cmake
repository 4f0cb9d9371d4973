# Included from tests/CMakeLists.txt (native build): builds the libFuzzer targets in tests/fuzz with
# clang-14 as a separate project under build/tests/fuzz/, writes their corpora, and adds per target
#   fuzz_<target>          a bounded, repeatable run: the seeds, then -runs mutations from -seed=1
#   fuzz_<target>_corrupt  every file of the corrupt-file corpus once, under ASan and UBSan
# labelled "fuzz". Not time-based, so a run does the same work on a fast or a slow machine.
include(ExternalProject)

set(POLYLENS_FUZZ_RUNS 20000 CACHE STRING "mutations per fuzz target in the ctest run")
find_program(POLYLENS_CLANG clang-14)
find_program(POLYLENS_CLANGXX clang++-14)
if(NOT POLYLENS_CLANG OR NOT POLYLENS_CLANGXX)
  message(FATAL_ERROR "clang-14 is missing (the fuzz targets need it and libFuzzer): run scripts/setup.sh, "
                      "or configure with -DPOLYLENS_FUZZ=OFF")
endif()

set(polylens_fuzz_targets jpeg png gif bmp webp exif)
set(polylens_fuzz_dir "${CMAKE_CURRENT_BINARY_DIR}/fuzz")
set(polylens_fuzz_binaries ${polylens_fuzz_targets})
list(TRANSFORM polylens_fuzz_binaries REPLACE "(.+)" "${polylens_fuzz_dir}/fuzz_\\1")
ExternalProject_Add(polylens_fuzz
  SOURCE_DIR "${CMAKE_CURRENT_SOURCE_DIR}/fuzz"
  BINARY_DIR "${polylens_fuzz_dir}"
  CMAKE_ARGS -DCMAKE_C_COMPILER=${POLYLENS_CLANG} -DCMAKE_CXX_COMPILER=${POLYLENS_CLANGXX}
             -DCMAKE_BUILD_TYPE= -DPOLYLENS_DEPS_DIR=${POLYLENS_DEPS_DIR}
  BUILD_ALWAYS ON           # its own ninja decides what changed in shared/
  INSTALL_COMMAND ""
  BUILD_BYPRODUCTS ${polylens_fuzz_binaries}
  USES_TERMINAL_BUILD ON)   # the console pool: never alongside another such job

# The corpora, written by a GCC-built tool from the unit tests' fixtures (make_corpora.cpp says why).
add_executable(polylens_fuzz_corpora fuzz/make_corpora.cpp)
target_link_libraries(polylens_fuzz_corpora PRIVATE polylens_image_fixtures)
set(polylens_corpora_dir "${CMAKE_CURRENT_BINARY_DIR}/fuzz-corpora")
add_custom_command(OUTPUT "${polylens_corpora_dir}/stamp"
  COMMAND polylens_fuzz_corpora "${polylens_corpora_dir}"
  COMMAND ${CMAKE_COMMAND} -E touch "${polylens_corpora_dir}/stamp"
  DEPENDS polylens_fuzz_corpora
  COMMENT "Writing the fuzz corpora")
add_custom_target(polylens_fuzz_corpora_written ALL DEPENDS "${polylens_corpora_dir}/stamp")

foreach(target IN LISTS polylens_fuzz_targets)
  set(fuzzer "${polylens_fuzz_dir}/fuzz_${target}")
  add_test(NAME fuzz_${target}
           COMMAND bash "${CMAKE_CURRENT_SOURCE_DIR}/fuzz/run_fuzzer.sh" "${fuzzer}"
                   "${polylens_corpora_dir}/seeds/${target}" "${CMAKE_CURRENT_BINARY_DIR}/fuzz-runs/${target}"
                   -runs=${POLYLENS_FUZZ_RUNS} -seed=1 -timeout=10 -rss_limit_mb=2048)
  # Each file once, without mutation (-runs=0 after the corpus): the unit test's variants under the sanitizers.
  add_test(NAME fuzz_${target}_corrupt
           COMMAND "${fuzzer}" -runs=0 "${polylens_corpora_dir}/corrupt/${target}")
  set_tests_properties(fuzz_${target} fuzz_${target}_corrupt PROPERTIES LABELS fuzz TIMEOUT 300
                       ENVIRONMENT "UBSAN_OPTIONS=print_stacktrace=1")
endforeach()
