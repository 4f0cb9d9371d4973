# libdeflate's zlib decompressor (the PNG decoder's inflate, png_decoder.cpp) as a static library, from
# the Debian source package scripts/setup.sh puts in .deps/libdeflate (version pinned in
# scripts/versions.env). Compiled in every tree, native, web and fuzz alike, so all three run the same
# inflate. The cpu_features files pick libdeflate's x86 and ARM fast paths at run time and compile to
# nothing elsewhere; WebAssembly gets the portable C.
set(POLYLENS_LIBDEFLATE_DIR "${POLYLENS_DEPS_DIR}/libdeflate")
set(polylens_libdeflate_sources
  lib/deflate_decompress.c lib/zlib_decompress.c lib/adler32.c lib/utils.c
  lib/x86/cpu_features.c lib/arm/cpu_features.c
)
list(TRANSFORM polylens_libdeflate_sources PREPEND "${POLYLENS_LIBDEFLATE_DIR}/")
polylens_require_files("run scripts/setup.sh (it fetches libdeflate's sources)" ${polylens_libdeflate_sources})

add_library(polylens_libdeflate STATIC ${polylens_libdeflate_sources})
target_include_directories(polylens_libdeflate SYSTEM PUBLIC "${POLYLENS_LIBDEFLATE_DIR}")
# Third-party code: its warnings are upstream's to fix, not ours to read in every build.
target_compile_options(polylens_libdeflate PRIVATE -w)
