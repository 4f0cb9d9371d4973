#include "image_resize.h"

#include <stb_image_resize2.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace polylens {

namespace {

// Averages factor x factor blocks of sRGB bytes. The last column and row of blocks may be partial
// (the image's size need not be a multiple of factor); they average the pixels they have.
// Averaging sRGB values rather than linear light darkens fine high-contrast detail a little; it
// costs no table lookup per pixel, so the row sums vectorise. docs/benchmarks.md has both.
rgb_image box_shrink_srgb(const rgb_image& image, int factor, int out_w, int out_h) {
  const auto* src = reinterpret_cast<const unsigned char*>(image.pixels.data());
  const std::size_t row_bytes = std::size_t(image.width) * 3;
  rgb_image out{out_w, out_h, std::string(std::size_t(out_w) * out_h * 3, '\0')};
  auto* dst = reinterpret_cast<unsigned char*>(out.pixels.data());
  std::vector<uint16_t> columns(row_bytes);  // 255 * factor fits: factor <= 256 (image_box_factor)
  for (int by = 0; by < out_h; ++by) {
    const int y0 = by * factor, rows = std::min(image.height - y0, factor);
    std::fill(columns.begin(), columns.end(), uint16_t(0));
    for (int y = y0; y < y0 + rows; ++y) {
      const unsigned char* row = src + std::size_t(y) * row_bytes;
      for (std::size_t i = 0; i < row_bytes; ++i) columns[i] = uint16_t(columns[i] + row[i]);
    }
    const uint16_t* column = columns.data();
    for (int bx = 0; bx < out_w; ++bx, dst += 3) {
      const int cols = std::min(image.width - bx * factor, factor);
      uint32_t r = 0, g = 0, b = 0;
      for (int k = 0; k < cols; ++k, column += 3) r += column[0], g += column[1], b += column[2];
      const uint32_t count = uint32_t(rows) * uint32_t(cols);
      dst[0] = uint8_t((r + count / 2) / count), dst[1] = uint8_t((g + count / 2) / count);
      dst[2] = uint8_t((b + count / 2) / count);
    }
  }
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
  rgb_image out{width, height, std::string(std::size_t(width) * height * 3, '\0')};
  auto* dst = reinterpret_cast<unsigned char*>(out.pixels.data());
  const int factor = image_box_factor(image.width, image.height, width, height);
  if (factor == 1) {
    stbir_resize_uint8_srgb(reinterpret_cast<const unsigned char*>(image.pixels.data()), image.width, image.height,
                            0, dst, width, height, 0, STBIR_RGB);
    return out;
  }
  const int box_w = (image.width + factor - 1) / factor, box_h = (image.height + factor - 1) / factor;
  rgb_image box = box_shrink_srgb(image, factor, box_w, box_h);
  STBIR_RESIZE resize;
  stbir_resize_init(&resize, box.pixels.data(), box_w, box_h, 0, dst, width, height, 0, STBIR_RGB,
                    STBIR_TYPE_UINT8_SRGB);
  // A partial last block stands for fewer than `factor` source pixels: map only the part of the box
  // image that covers the source, so the geometry matches a resize of the full image.
  stbir_set_input_subrect(&resize, 0, 0, double(image.width) / (double(box_w) * factor),
                          double(image.height) / (double(box_h) * factor));
  stbir_resize_extended(&resize);
  return out;
}

}  // namespace polylens
