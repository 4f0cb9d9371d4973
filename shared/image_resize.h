// Resizing for image_fit_within: stb_image_resize2's Mitchell filter in linear light, after an
// integer box pre-shrink when the image is far larger than the target.
#pragma once
#include <optional>

#include "image_box_shrink.h"
#include "image_preprocess.h"  // rgb_image

namespace polylens {

struct image_size {
  int width = 0, height = 0;
};

// The size image_fit_within gives a width x height image: the long side scaled down to long_side
// (never up), the other side in proportion, rounded, at least 1.
image_size image_fit_size(int width, int height, int long_side);

// Resizes to exactly width x height (sRGB in, sRGB out, Mitchell filter in linear light). When that
// shrinks by 4x or more, whole factor x factor blocks are first averaged down to at least twice the
// target, so the Mitchell filter reads 4 to 9 times fewer pixels.
rgb_image image_resize_srgb(const rgb_image& image, int width, int height);

// The pre-shrink factor image_resize_srgb uses: the largest integer that keeps the image at least
// twice the target on both sides, or 1 (no pre-shrink) below 2.
int image_box_factor(int from_width, int from_height, int to_width, int to_height);

// image_fit_within for a picture that arrives row by row (a PNG as png_decode_rows decodes it): when
// the box pre-shrink applies, rows are averaged as they arrive and the full-size picture is never
// held; the result is the same as image_fit_within's, byte for byte.
class image_fit_rows : public image_row_sink {
 public:
  explicit image_fit_rows(int long_side);
  void begin(int width, int height) override;
  void row(const unsigned char* rgb) override;
  rgb_image finish();  // after the last row
  int original_width() const { return width_; }
  int original_height() const { return height_; }

 private:
  int long_side_, width_ = 0, height_ = 0, factor_ = 1;
  image_size to_;
  std::optional<image_box_shrink> box_;  // when factor_ > 1
  rgb_image whole_;                      // otherwise
};

}  // namespace polylens
