#include "image_box_shrink.h"

#include <algorithm>

namespace polylens {

image_box_shrink::image_box_shrink(int width, int height, int factor)
    : width_(width), height_(height), factor_(factor), columns_(std::size_t(width) * 3, 0) {
  const int out_w = (width + factor - 1) / factor, out_h = (height + factor - 1) / factor;
  out_ = {out_w, out_h, std::string(std::size_t(out_w) * out_h * 3, '\0')};
  dst_ = reinterpret_cast<unsigned char*>(out_.pixels.data());
}

void image_box_shrink::add_row(const unsigned char* rgb) {
  if (rows_seen_ >= height_) return;  // more rows than promised: ignored rather than written past the end
  ++rows_seen_;
  std::uint16_t* column = columns_.data();
  for (std::size_t i = 0, n = columns_.size(); i < n; ++i) column[i] = std::uint16_t(column[i] + rgb[i]);
  if (++rows_in_block_ == factor_ || rows_seen_ == height_) emit_block_row(rows_in_block_);
}

void image_box_shrink::emit_block_row(int rows) {
  const std::uint16_t* column = columns_.data();
  for (int bx = 0; bx < out_.width; ++bx, dst_ += 3) {
    const int cols = std::min(width_ - bx * factor_, factor_);
    std::uint32_t r = 0, g = 0, b = 0;
    for (int k = 0; k < cols; ++k, column += 3) r += column[0], g += column[1], b += column[2];
    const std::uint32_t count = std::uint32_t(rows) * std::uint32_t(cols);
    dst_[0] = std::uint8_t((r + count / 2) / count), dst_[1] = std::uint8_t((g + count / 2) / count);
    dst_[2] = std::uint8_t((b + count / 2) / count);
  }
  std::fill(columns_.begin(), columns_.end(), std::uint16_t(0));
  rows_in_block_ = 0;
}

rgb_image image_box_shrink::finish() { return std::move(out_); }

}  // namespace polylens
