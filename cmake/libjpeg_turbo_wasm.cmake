# libjpeg-turbo for the WebAssembly build: its decompressor only, compiled from Debian's source package
# (scripts/setup.sh puts it in .deps/libjpeg-turbo; the version is pinned in scripts/versions.env).
#
# Why not add_subdirectory(): libjpeg-turbo's CMakeLists.txt refuses it outright. Why not ExternalProject:
# a second configure of ~100 try_compile checks through emcc, for a library that needs none of them (no SIMD
# assembly exists for wasm; the C code is portable). So we compile the decoder's sources here and generate
# its three configuration headers from upstream's own templates. The native build links Debian's
# libjpeg62-turbo instead; both give the target JPEG::JPEG, so shared/ links the same name either way.

set(POLYLENS_LIBJPEG_DIR "${POLYLENS_DEPS_DIR}/libjpeg-turbo")
polylens_require_files("run scripts/setup.sh first (it fetches libjpeg-turbo's Debian source)"
  "${POLYLENS_LIBJPEG_DIR}/CMakeLists.txt" "${POLYLENS_LIBJPEG_DIR}/src/jdapimin.c")

function(polylens_add_libjpeg_wasm target)
  set(src "${POLYLENS_LIBJPEG_DIR}/src")
  set(gen "${CMAKE_CURRENT_BINARY_DIR}/${target}-config")

  # The variables upstream's templates expect, read from upstream's CMakeLists.txt where they live.
  file(STRINGS "${POLYLENS_LIBJPEG_DIR}/CMakeLists.txt" version_line REGEX "^set\\(VERSION [0-9.]+\\)")
  string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" VERSION "${version_line}")
  file(STRINGS "${POLYLENS_LIBJPEG_DIR}/CMakeLists.txt" year_line REGEX "^set\\(COPYRIGHT_YEAR ")
  string(REGEX MATCH "[0-9]+-[0-9]+" COPYRIGHT_YEAR "${year_line}")
  string(REPLACE "." ";" triplet "${VERSION}")
  list(GET triplet 0 major)
  list(GET triplet 1 minor)
  list(GET triplet 2 revision)
  math(EXPR LIBJPEG_TURBO_VERSION_NUMBER "${major} * 1000000 + ${minor} * 1000 + ${revision}")
  set(JPEG_LIB_VERSION 62)                 # the libjpeg v6b ABI, as Debian's libjpeg62-turbo
  set(D_ARITH_CODING_SUPPORTED 1)          # arithmetic-coded JPEGs decode too (stb_image cannot)
  set(BUILD "polylens")
  set(CMAKE_PROJECT_NAME "libjpeg-turbo")  # PACKAGE_NAME in jconfigint.h
  set(HIDDEN "__attribute__((visibility(\"hidden\")))")
  set(INLINE "__inline__ __attribute__((always_inline))")
  set(THREAD_LOCAL "")                     # only the TurboJPEG API uses it, and we build the libjpeg API
  set(SIZE_T ${CMAKE_SIZEOF_VOID_P})
  set(HAVE_BUILTIN_CTZL 1)                 # wasm32: unsigned long and size_t are both 4 bytes
  configure_file("${src}/jconfig.h.in" "${gen}/public/jconfig.h")
  configure_file("${src}/jconfigint.h.in" "${gen}/jconfigint.h")
  configure_file("${src}/jversion.h.in" "${gen}/jversion.h")
  foreach(header jpeglib.h jerror.h jmorecfg.h)
    configure_file("${src}/${header}" "${gen}/public/${header}" COPYONLY)
  endforeach()

  # One change to upstream's code: a 64-bit Huffman bit buffer. libjpeg-turbo picks it by the size of
  # size_t, 4 on wasm32, although wasm has native 64-bit integers; it already makes the same exception
  # for x32 (64-bit registers, 32-bit pointers). Refilling 6 bytes at a time instead of 2 makes the
  # entropy decoding, most of a scaled decode, faster (docs/benchmarks.md). The patched copies live in
  # the build folder; jdhuff.h is found beside the .c files that include it.
  set(x32_test "defined(__x86_64__) && defined(__ILP32__)")
  set(huffman_sources)
  foreach(file jdhuff.h jdhuff.c jdphuff.c jdlhuff.c)
    file(READ "${src}/${file}" text)
    string(REPLACE "${x32_test}" "(${x32_test}) || defined(__wasm__)" patched "${text}")
    if(file MATCHES "^jdhuff\\.[ch]$" AND patched STREQUAL text)
      message(FATAL_ERROR "${src}/${file}: the 64-bit bit-buffer test for x32 is not where this file expects it; check the patch against this libjpeg-turbo version")
    endif()
    file(WRITE "${gen}/patch/${file}" "${patched}")
    configure_file("${gen}/patch/${file}" "${gen}/${file}" COPYONLY)  # rewritten only when it changes
    if(file MATCHES "\\.c$")
      list(APPEND huffman_sources "${gen}/${file}")
    endif()
  endforeach()

  # The decompressor of upstream's JPEG_SOURCES list. 3.x builds each sample-size-dependent file three
  # times through src/wrapper/*-{8,12,16}.c, and the 8-bit entry points reach the others at run time.
  set(per_precision_3 jdapistd jdcolor jddiffct jdlossls jdmainct jdpostct jdsample jutils)
  set(per_precision_2 jdcoefct jddctmgr jdmerge jidctflt jidctfst jidctint jidctred jquant1 jquant2)
  set(sources
    ${src}/jcomapi.c ${src}/jdapimin.c ${src}/jdatasrc.c ${src}/jdicc.c ${src}/jdinput.c ${src}/jdmarker.c
    ${src}/jdmaster.c ${src}/jdtrans.c ${src}/jerror.c ${src}/jmemmgr.c ${src}/jmemnobs.c ${src}/jaricom.c
    ${src}/jdarith.c ${huffman_sources})
  foreach(name IN LISTS per_precision_3)
    list(APPEND sources ${src}/wrapper/${name}-8.c ${src}/wrapper/${name}-12.c ${src}/wrapper/${name}-16.c)
  endforeach()
  foreach(name IN LISTS per_precision_2)
    list(APPEND sources ${src}/wrapper/${name}-8.c ${src}/wrapper/${name}-12.c)
  endforeach()

  add_library(${target} STATIC ${sources})
  # Consumers see only the public headers: jpeglib.h, jerror.h, jmorecfg.h and the generated jconfig.h.
  target_include_directories(${target} PRIVATE "${gen}" "${src}")
  target_include_directories(${target} SYSTEM PUBLIC "${gen}/public")
  target_compile_options(${target} PRIVATE -w)  # third-party code: its warnings are upstream's business
  set_target_properties(${target} PROPERTIES ARCHIVE_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/lib")
endfunction()
