// The box pre-shrink of image_resize_srgb, fed one row at a time: a decoder can hand it rows as it
// produces them (png_decoder.h), so the full-size picture is never held.
#pragma once
#include <cstdint>
#include <vector>

#include "rgb_image.h"

namespace polylens {

// Averages factor x factor blocks of sRGB bytes of a width x height picture. The last column and row
// of blocks may be partial (the sides need not be multiples of factor); they average the pixels they
// have. Averaging sRGB values rather than linear light darkens fine high-contrast detail a little; it
// costs no table lookup per pixel, so the row sums vectorise. docs/benchmarks.md has both.
class image_box_shrink {
 public:
  image_box_shrink(int width, int height, int factor);  // factor in 1..256, so 255 * factor fits 16 bits
  void add_row(const unsigned char* rgb);               // width * 3 bytes; height calls in all
  rgb_image finish();                                   // ceil(width / factor) x ceil(height / factor)

 private:
  void emit_block_row(int rows);
  int width_, height_, factor_, rows_in_block_ = 0, rows_seen_ = 0;
  std::vector<std::uint16_t> columns_;  // per-byte sums of the rows of the current block row
  rgb_image out_;
  unsigned char* dst_;
};

}  // namespace polylens
