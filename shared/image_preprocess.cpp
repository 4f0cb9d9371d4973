#include "image_preprocess.h"

#include <stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "api_limits.h"
#include "exif_orientation.h"
#include "image_format.h"
#include "image_resize.h"
#include "jpeg_decoder.h"
#include "png_decoder.h"
#include "stb_decoder.h"
#include "webp_decoder.h"

namespace polylens {

namespace {
std::optional<api_error> too_many_bytes(std::string_view bytes) {
  if (bytes.size() <= limits::max_image_bytes) return std::nullopt;
  return api_error{error_type::payload_too_large, "the image is " + std::to_string(bytes.size()) +
                                                      " bytes; the limit is " + std::to_string(limits::max_image_bytes)};
}
}  // namespace

result<rgb_image> image_decode(std::string_view bytes, int max_pixels) {
  if (bytes.empty()) return api_error{error_type::invalid_image, "the image is empty"};
  if (auto error = too_many_bytes(bytes)) return *error;
  image_header header = image_header_read(bytes);
  if (header.format == image_format::unknown)
    return api_error{error_type::invalid_image, image_format_unknown_message(bytes)};
  // The size the header claims, checked the same way for every format; each decoder checks again
  // with its own reading of the header just before it allocates.
  if (header.width > 0 && header.height > 0)
    if (auto error = rgb_image_size_error(image_format_name(header.format), header.width, header.height, max_pixels))
      return *error;
  if (header.format == image_format::webp) return webp_decode(bytes, max_pixels);
  if (header.format == image_format::png) return png_decode(bytes, max_pixels);
  auto decoded = stb_decode(bytes, header.format, max_pixels);
  if (!decoded || header.format != image_format::jpeg) return decoded;
  return exif_orientation_apply(std::move(decoded.value()), exif_orientation_read(bytes));
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

namespace {
// Fits an image decoded from an original of width x height; the target size follows from the
// original's, since a DCT-scaled decode's sides are rounded up from it.
rgb_image fit_from_original(rgb_image decoded, int width, int height, int long_side) {
  image_size size = image_fit_size(width, height, long_side);
  if (size.width == decoded.width && size.height == decoded.height) return decoded;
  return image_resize_srgb(decoded, size.width, size.height);
}
}  // namespace

int jpeg_scaled_min_long_side(int long_side) { return long_side - long_side * 3 / 100; }

result<rgb_image> image_decode_fitted(std::string_view bytes, int long_side, int* original_width,
                                      int* original_height, int max_pixels) {
  // JPEGs decode straight to the smallest DCT scale that still covers 97% of long_side
  // (jpeg_scaled_min_long_side, jpeg_decoder.h): 4 to 64 times fewer pixels to decode and resize. PNGs
  // are shrunk row by row as they are decoded (png_decoder.h, image_fit_rows): the full-size picture is
  // never held. Other formats go through image_decode. Whatever image_decode does to JPEGs and PNGs
  // (the byte limit, the pixel cap, EXIF orientation) these routes do too.
  int width = 0, height = 0;
  result<rgb_image> decoded = api_error{error_type::invalid_image, ""};
  if (jpeg_has_signature(bytes)) {
    if (auto error = too_many_bytes(bytes)) return *error;
    decoded = jpeg_decode_scaled(bytes, jpeg_scaled_min_long_side(long_side), &width, &height);
    if (!decoded) return decoded.error();
    const int orientation = exif_orientation_read(bytes);
    decoded = exif_orientation_apply(std::move(decoded).value(), orientation);
    if (orientation >= 5) std::swap(width, height);  // 5..8 turn the picture a quarter
  } else if (image_header_read(bytes).format == image_format::png) {
    if (auto error = too_many_bytes(bytes)) return *error;
    image_fit_rows fit(long_side);
    auto done = png_decode_rows(bytes, max_pixels, fit);
    if (!done) return done.error();
    if (original_width) *original_width = fit.original_width();
    if (original_height) *original_height = fit.original_height();
    return fit.finish();
  } else {
    decoded = image_decode(bytes, max_pixels);
    if (!decoded) return decoded.error();
    width = decoded->width;
    height = decoded->height;
  }
  if (original_width) *original_width = width;
  if (original_height) *original_height = height;
  return fit_from_original(std::move(decoded).value(), width, height, long_side);
}

result<prepared_image> image_prepare(std::string_view bytes, int long_side, int jpeg_quality) {
  int original_width = 0, original_height = 0;
  auto fitted = image_decode_fitted(bytes, long_side, &original_width, &original_height);
  if (!fitted) return fitted.error();
  return prepared_image{image_encode_jpeg(*fitted, jpeg_quality), fitted->width, fitted->height, original_width,
                        original_height};
}

}  // namespace polylens
