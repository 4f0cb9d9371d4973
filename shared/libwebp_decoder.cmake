# libwebp's decoder (and demuxer, for animations) as a static library, from the Debian source package
# scripts/setup.sh puts in .deps/libwebp (version pinned in scripts/versions.env). The lists are
# DEC_OBJS, DEMUX_OBJS (demux.c only: we composite the first frame ourselves), DSP_DEC_OBJS and
# UTILS_DEC_OBJS of that release's makefile.unix; revisit them when the pin moves. Files for other
# CPUs (SSE, NEON, MIPS) compile to nothing where the CPU does not match, as upstream intends;
# WebAssembly gets the plain C paths. No threads: WEBP_USE_THREAD is left undefined.
set(POLYLENS_LIBWEBP_DIR "${POLYLENS_DEPS_DIR}/libwebp")
set(polylens_libwebp_sources
  src/dec/alpha_dec.c src/dec/buffer_dec.c src/dec/frame_dec.c src/dec/idec_dec.c src/dec/io_dec.c
  src/dec/quant_dec.c src/dec/tree_dec.c src/dec/vp8_dec.c src/dec/vp8l_dec.c src/dec/webp_dec.c
  src/demux/demux.c
  src/dsp/alpha_processing.c src/dsp/alpha_processing_mips_dsp_r2.c src/dsp/alpha_processing_neon.c
  src/dsp/alpha_processing_sse2.c src/dsp/alpha_processing_sse41.c
  src/dsp/cpu.c
  src/dsp/dec.c src/dsp/dec_clip_tables.c src/dsp/dec_mips32.c src/dsp/dec_mips_dsp_r2.c src/dsp/dec_msa.c
  src/dsp/dec_neon.c src/dsp/dec_sse2.c src/dsp/dec_sse41.c
  src/dsp/filters.c src/dsp/filters_mips_dsp_r2.c src/dsp/filters_msa.c src/dsp/filters_neon.c
  src/dsp/filters_sse2.c
  src/dsp/lossless.c src/dsp/lossless_mips_dsp_r2.c src/dsp/lossless_msa.c src/dsp/lossless_neon.c
  src/dsp/lossless_sse2.c src/dsp/lossless_sse41.c
  src/dsp/rescaler.c src/dsp/rescaler_mips32.c src/dsp/rescaler_mips_dsp_r2.c src/dsp/rescaler_msa.c
  src/dsp/rescaler_neon.c src/dsp/rescaler_sse2.c
  src/dsp/upsampling.c src/dsp/upsampling_mips_dsp_r2.c src/dsp/upsampling_msa.c src/dsp/upsampling_neon.c
  src/dsp/upsampling_sse2.c src/dsp/upsampling_sse41.c
  src/dsp/yuv.c src/dsp/yuv_mips32.c src/dsp/yuv_mips_dsp_r2.c src/dsp/yuv_neon.c src/dsp/yuv_sse2.c
  src/dsp/yuv_sse41.c
  src/utils/bit_reader_utils.c src/utils/color_cache_utils.c src/utils/filters_utils.c src/utils/huffman_utils.c
  src/utils/palette.c src/utils/quant_levels_dec_utils.c src/utils/random_utils.c src/utils/rescaler_utils.c
  src/utils/thread_utils.c src/utils/utils.c
)
list(TRANSFORM polylens_libwebp_sources PREPEND "${POLYLENS_LIBWEBP_DIR}/")
polylens_require_files("run scripts/setup.sh (it fetches libwebp's sources)" ${polylens_libwebp_sources})

add_library(polylens_libwebp_decoder STATIC ${polylens_libwebp_sources})
# The sources include "src/dec/..." from the top; users include <webp/decode.h> from src/.
target_include_directories(polylens_libwebp_decoder PRIVATE "${POLYLENS_LIBWEBP_DIR}")
target_include_directories(polylens_libwebp_decoder SYSTEM PUBLIC "${POLYLENS_LIBWEBP_DIR}/src")
# Third-party code: its warnings are upstream's to fix, not ours to read in every build.
target_compile_options(polylens_libwebp_decoder PRIVATE -w)
