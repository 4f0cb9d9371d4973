#include "image_preprocess.h"

#include <stb_image.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <memory>

#include "api_limits.h"
#include "image_resize.h"
#include "jpeg_decoder.h"

namespace polylens {

namespace {
api_error invalid(const std::string& message) { return {error_type::invalid_image, message}; }

// stb_image decodes a truncated JPEG without complaint, filling the missing rows with grey; a
// complete one ends with the EOI marker (FF D9), possibly followed by a little padding.
bool jpeg_is_truncated(std::string_view bytes) {
  if (bytes.size() < 4 || uint8_t(bytes[0]) != 0xFF || uint8_t(bytes[1]) != 0xD8) return false;
  std::string_view tail = bytes.substr(bytes.size() - std::min<std::size_t>(bytes.size(), 4096));
  return tail.find("\xFF\xD9") == std::string_view::npos;
}
}  // namespace

result<rgb_image> image_decode(std::string_view bytes) {
  if (bytes.empty()) return invalid("the image is empty");
  if (bytes.size() > limits::max_image_bytes)
    return api_error{error_type::payload_too_large,
                     "the image is " + std::to_string(bytes.size()) + " bytes; the limit is " +
                         std::to_string(limits::max_image_bytes)};
  auto data = reinterpret_cast<const stbi_uc*>(bytes.data());
  int len = static_cast<int>(bytes.size());
  int w = 0, h = 0, channels = 0;
  if (!stbi_info_from_memory(data, len, &w, &h, &channels))
    return invalid(std::string("cannot decode the image: ") + stbi_failure_reason() +
                   " (JPEG, PNG, GIF and BMP are supported)");
  if (jpeg_is_truncated(bytes)) return invalid("the JPEG is truncated: it has no end-of-image marker");
  if (static_cast<long long>(w) * h > limits::max_image_pixels)
    return api_error{error_type::payload_too_large, "the image is " + std::to_string(w) + "x" + std::to_string(h) +
                                                        " pixels; the limit is " +
                                                        std::to_string(limits::max_image_pixels) + " pixels"};
  std::unique_ptr<stbi_uc, void (*)(void*)> rgba(stbi_load_from_memory(data, len, &w, &h, &channels, 4),
                                                 stbi_image_free);
  if (!rgba) return invalid(std::string("cannot decode the image: ") + stbi_failure_reason());
  rgb_image out{w, h, std::string(static_cast<std::size_t>(w) * h * 3, '\0')};
  // Flatten alpha on white: a transparent logo should look as it does on a web page.
  const stbi_uc* src = rgba.get();
  auto* dst = reinterpret_cast<unsigned char*>(out.pixels.data());
  for (std::size_t i = 0, n = static_cast<std::size_t>(w) * h; i < n; ++i, src += 4, dst += 3) {
    int a = src[3];
    for (int c = 0; c < 3; ++c) dst[c] = static_cast<unsigned char>((src[c] * a + 255 * (255 - a) + 127) / 255);
  }
  return out;
}

rgb_image image_fit_within(const rgb_image& image, int long_side) {
  image_size size = image_fit_size(image.width, image.height, long_side);
  if (size.width == image.width && size.height == image.height) return image;
  return image_resize_srgb(image, size.width, size.height);  // box pre-shrink, then Mitchell (image_resize.h)
}

std::string image_encode_jpeg(const rgb_image& image, int quality) {
  std::string out;
  stbi_write_jpg_to_func(
      [](void* context, void* data, int size) { static_cast<std::string*>(context)->append(static_cast<char*>(data), size); },
      &out, image.width, image.height, 3, image.pixels.data(), quality);
  return out;
}

result<rgb_image> image_decode_fitted(std::string_view bytes, int long_side, int* original_width,
                                      int* original_height) {
  // JPEGs decode straight to the smallest DCT scale that still covers long_side (jpeg_decoder.h):
  // 4 to 16 times fewer pixels to decode and resize. Other formats go through stb_image. Whatever
  // image_decode learns to do to pixels (EXIF orientation, say) the JPEG route needs here too.
  int width = 0, height = 0;
  const bool jpeg = jpeg_has_signature(bytes);
  auto decoded = jpeg ? jpeg_decode_scaled(bytes, long_side, &width, &height) : image_decode(bytes);
  if (!decoded) return decoded.error();
  if (!jpeg) width = decoded->width, height = decoded->height;
  if (original_width) *original_width = width;
  if (original_height) *original_height = height;
  // The size follows from the original's: a scaled decode's sides are rounded up from it.
  image_size size = image_fit_size(width, height, long_side);
  if (size.width == decoded->width && size.height == decoded->height) return std::move(decoded).value();
  return image_resize_srgb(*decoded, size.width, size.height);
}

result<prepared_image> image_prepare(std::string_view bytes, int long_side, int jpeg_quality) {
  int original_width = 0, original_height = 0;
  auto fitted = image_decode_fitted(bytes, long_side, &original_width, &original_height);
  if (!fitted) return fitted.error();
  return prepared_image{image_encode_jpeg(*fitted, jpeg_quality), fitted->width, fitted->height, original_width,
                        original_height};
}

}  // namespace polylens
