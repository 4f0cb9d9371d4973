// Image preparation shared by the web client (dropped photos) and the proxy's indexer: decode
// defensively, flatten alpha on white, shrink to the size the model sees, re-encode as JPEG.
#pragma once
#include <string>
#include <string_view>

#include "api_limits.h"
#include "result.h"
#include "rgb_image.h"

namespace polylens {

// JPEG, PNG, GIF (first frame), BMP or WebP (first frame) bytes to upright RGB: the format comes from
// the first bytes, never a file name, and a JPEG's EXIF orientation is applied, so width and height
// are as a viewer shows them. Refuses images over max_pixels before allocating (fuzzers pass less,
// to stay fast), and reports the decoder's own reason for anything it cannot read.
result<rgb_image> image_decode(std::string_view bytes, int max_pixels = limits::max_image_pixels);

// Scales down (never up) so the long side is at most long_side, with a Mitchell filter in sRGB.
rgb_image image_fit_within(const rgb_image& image, int long_side);

std::string image_encode_jpeg(const rgb_image& image, int quality);

struct prepared_image {
  std::string jpeg;
  int width = 0, height = 0;                    // after resizing
  int original_width = 0, original_height = 0;  // as decoded
};

// The smallest long side image_decode_fitted asks of a DCT-scaled JPEG decode: 97% of long_side, rounded
// up (497 for 512). A 12 MP photo (4000 or 4032 px) then decodes at 1/8 (500 or 504 px) and is enlarged by
// at most 3% rather than decoded at 2/8 and shrunk by half: at 1/8 libjpeg-turbo keeps only the DC
// coefficient of each luma block, a quarter less work for the same file (docs/benchmarks.md has the
// times and the quality figures). jpeg_decode_scaled itself still covers whatever it is asked.
int jpeg_scaled_min_long_side(int long_side);

// Decodes and fits within long_side: image_prepare without the encoding. JPEGs go through
// jpeg_decode_scaled (jpeg_decoder.h), which shrinks them while decoding; PNGs are shrunk row by row
// as png_decode_rows (png_decoder.h) decodes them. max_pixels as for image_decode.
result<rgb_image> image_decode_fitted(std::string_view bytes, int long_side, int* original_width = nullptr,
                                      int* original_height = nullptr, int max_pixels = limits::max_image_pixels);

// decode, fit within long_side, encode: the bytes we send to the embedder.
result<prepared_image> image_prepare(std::string_view bytes, int long_side, int jpeg_quality);

}  // namespace polylens
