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

// Decodes and fits within long_side: image_prepare without the encoding. JPEGs go through
// jpeg_decode_scaled (jpeg_decoder.h), which shrinks them while decoding; PNGs are shrunk row by row
// as png_decode_rows (png_decoder.h) decodes them. max_pixels as for image_decode.
result<rgb_image> image_decode_fitted(std::string_view bytes, int long_side, int* original_width = nullptr,
                                      int* original_height = nullptr, int max_pixels = limits::max_image_pixels);

// decode, fit within long_side, encode: the bytes we send to the embedder.
result<prepared_image> image_prepare(std::string_view bytes, int long_side, int jpeg_quality);

}  // namespace polylens
