#include "rgb_image.h"

namespace polylens {

std::optional<api_error> rgb_image_size_error(std::string_view format, std::int64_t width, std::int64_t height,
                                              std::int64_t max_pixels) {
  std::string size = std::to_string(width) + "x" + std::to_string(height);
  if (width <= 0 || height <= 0)
    return api_error{error_type::invalid_image, "the " + std::string(format) + " claims " + size + " pixels"};
  // Each side alone first: a header can claim 2^32 - 1 on both, whose product overflows 64 bits
  // (found by fuzz_png). Past that, both are at most max_pixels < 2^31 and the product fits.
  if (width > max_pixels || height > max_pixels || width * height > max_pixels)
    return api_error{error_type::payload_too_large, "the " + std::string(format) + " is " + size +
                                                        " pixels; the limit is " + std::to_string(max_pixels) +
                                                        " pixels"};
  return std::nullopt;
}

rgb_image rgb_image_from_rgba_on_white(const unsigned char* rgba, int width, int height) {
  rgb_image out{width, height, std::string(static_cast<std::size_t>(width) * height * 3, '\0')};
  auto* dst = reinterpret_cast<unsigned char*>(out.pixels.data());
  for (std::size_t i = 0, n = static_cast<std::size_t>(width) * height; i < n; ++i, rgba += 4, dst += 3) {
    int a = rgba[3];
    for (int c = 0; c < 3; ++c) dst[c] = static_cast<unsigned char>((rgba[c] * a + 255 * (255 - a) + 127) / 255);
  }
  return out;
}

}  // namespace polylens
