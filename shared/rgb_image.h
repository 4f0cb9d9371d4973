// The decoded picture every image path in Polylens hands around: 8-bit RGB, no alpha. Decoders meet
// here: each checks the size its header claims against one pixel cap before allocating, and each
// turns RGBA into RGB the same way.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api_error.h"

namespace polylens {

struct rgb_image {
  int width = 0;
  int height = 0;
  std::string pixels;  // width * height * 3 bytes, row-major RGB
};

// The error to return for a picture of width x height (as its header claims), or nothing when it
// may be decoded: invalid_image for an empty one, payload_too_large over max_pixels. `format` names
// the file in the message ("the PNG is 20000x20000 pixels; ...").
std::optional<api_error> rgb_image_size_error(std::string_view format, std::int64_t width, std::int64_t height,
                                              std::int64_t max_pixels);

// Takes a picture one row of RGB at a time, top to bottom: a PNG as it is decoded (png_decoder.h),
// so that a resizer can shrink rows as they arrive instead of holding the full-size picture.
class image_row_sink {
 public:
  virtual ~image_row_sink() = default;
  virtual void begin(int width, int height) = 0;   // once, after the size check, before the first row
  virtual void row(const unsigned char* rgb) = 0;   // width * 3 bytes, valid only during the call
};

// Flattens non-premultiplied RGBA on white: a transparent logo should look as it does on a web page.
rgb_image rgb_image_from_rgba_on_white(const unsigned char* rgba, int width, int height);

}  // namespace polylens
