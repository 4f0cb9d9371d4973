// JPEG decoding with libjpeg-turbo, shrinking in the DCT domain while decoding: a 4000x3000 photo
// bound for 512 px is decoded straight to 1000x750, which skips most of the inverse DCT, the
// upsampling and the colour conversion, and three quarters of the resize that follows.
// Natively this links Debian's libjpeg62-turbo; the web build compiles libjpeg-turbo's C sources
// from Debian's source package (cmake/libjpeg_turbo_wasm.cmake). stb_image keeps the other formats.
#pragma once
#include <string_view>

#include "image_preprocess.h"  // rgb_image
#include "result.h"

namespace polylens {

// True when the bytes start with a JPEG start-of-image marker followed by another marker.
bool jpeg_has_signature(std::string_view bytes);

struct jpeg_decode_options {
  // JDCT_IFAST instead of JDCT_ISLOW. It only changes the full-size (8/8) inverse DCT: every scaled
  // size has one accurate integer implementation. docs/benchmarks.md has the measured difference.
  bool fast_idct = false;
  // libjpeg's "fancy" (triangle-filter) chroma upsampling. Off, chroma is replicated, or merged
  // into the colour conversion for 4:2:0 and 4:2:2.
  bool fancy_upsampling = true;
};

// Decodes to RGB at the smallest libjpeg scale (1/8, 2/8, ..., 8/8) whose long side is still at
// least min_long_side, so a resize that follows only ever shrinks; full size when min_long_side is
// 0 or the image is already smaller. Grey and CMYK/YCCK JPEGs come out as RGB too.
// original_width/original_height (optional) receive the size in the file, also on a pixel-cap
// refusal. Errors carry libjpeg's own message. The pixel cap (limits::max_image_pixels) is checked
// on the header, before anything the size of the image is allocated. A truncated file, or one
// whose entropy-coded data is corrupt, is an error rather than the grey-filled image libjpeg
// would otherwise return with a warning.
result<rgb_image> jpeg_decode_scaled(std::string_view bytes, int min_long_side, int* original_width = nullptr,
                                     int* original_height = nullptr, const jpeg_decode_options& options = {});

}  // namespace polylens
