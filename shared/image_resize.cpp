#include "image_resize.h"

#include <stb_image_resize2.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "image_box_shrink.h"

namespace polylens {

namespace {

// Mitchell from a box-shrunk picture to width x height. A partial last block stands for fewer than
// `factor` source pixels: only the part of the box picture that covers the source is mapped, so the
// geometry matches a resize of the full picture.
rgb_image resize_from_box(const rgb_image& box, int factor, int from_width, int from_height, int width, int height) {
  rgb_image out{width, height, std::string(std::size_t(width) * height * 3, '\0')};
  STBIR_RESIZE resize;
  stbir_resize_init(&resize, box.pixels.data(), box.width, box.height, 0, out.pixels.data(), width, height, 0,
                    STBIR_RGB, STBIR_TYPE_UINT8_SRGB);
  stbir_set_input_subrect(&resize, 0, 0, double(from_width) / (double(box.width) * factor),
                          double(from_height) / (double(box.height) * factor));
  stbir_resize_extended(&resize);
  return out;
}

}  // namespace

image_size image_fit_size(int width, int height, int long_side) {
  const int longest = std::max(width, height);
  if (longest <= long_side) return {width, height};
  const double scale = double(long_side) / longest;
  return {std::max(1, int(std::lround(width * scale))), std::max(1, int(std::lround(height * scale)))};
}

int image_box_factor(int from_width, int from_height, int to_width, int to_height) {
  int factor = std::min({from_width / (2 * to_width), from_height / (2 * to_height), 256});
  return factor >= 2 ? factor : 1;
}

rgb_image image_resize_srgb(const rgb_image& image, int width, int height) {
  const int factor = image_box_factor(image.width, image.height, width, height);
  if (factor == 1) {
    rgb_image out{width, height, std::string(std::size_t(width) * height * 3, '\0')};
    stbir_resize_uint8_srgb(reinterpret_cast<const unsigned char*>(image.pixels.data()), image.width, image.height,
                            0, reinterpret_cast<unsigned char*>(out.pixels.data()), width, height, 0, STBIR_RGB);
    return out;
  }
  image_box_shrink box(image.width, image.height, factor);
  const auto* src = reinterpret_cast<const unsigned char*>(image.pixels.data());
  for (int y = 0; y < image.height; ++y) box.add_row(src + std::size_t(y) * image.width * 3);
  return resize_from_box(box.finish(), factor, image.width, image.height, width, height);
}

image_fit_rows::image_fit_rows(int long_side) : long_side_(long_side) {}

void image_fit_rows::begin(int width, int height) {
  width_ = width, height_ = height;
  to_ = image_fit_size(width, height, long_side_);
  factor_ = image_box_factor(width, height, to_.width, to_.height);
  if (factor_ > 1) {
    box_.emplace(width, height, factor_);
  } else {
    whole_ = {width, height, {}};
    whole_.pixels.reserve(std::size_t(width) * height * 3);
  }
}

void image_fit_rows::row(const unsigned char* rgb) {
  if (box_) return box_->add_row(rgb);
  whole_.pixels.append(reinterpret_cast<const char*>(rgb), std::size_t(width_) * 3);
}

rgb_image image_fit_rows::finish() {
  if (box_) return resize_from_box(box_->finish(), factor_, width_, height_, to_.width, to_.height);
  if (to_.width == width_ && to_.height == height_) return std::move(whole_);
  return image_resize_srgb(whole_, to_.width, to_.height);
}

}  // namespace polylens
