#include "image_preprocess.h"

#include <stb_image_resize2.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "exif_orientation.h"
#include "image_format.h"
#include "stb_decoder.h"
#include "webp_decoder.h"

namespace polylens {

result<rgb_image> image_decode(std::string_view bytes, int max_pixels) {
  if (bytes.empty()) return api_error{error_type::invalid_image, "the image is empty"};
  if (bytes.size() > limits::max_image_bytes)
    return api_error{error_type::payload_too_large,
                     "the image is " + std::to_string(bytes.size()) + " bytes; the limit is " +
                         std::to_string(limits::max_image_bytes)};
  image_header header = image_header_read(bytes);
  if (header.format == image_format::unknown)
    return api_error{error_type::invalid_image, image_format_unknown_message(bytes)};
  // The size the header claims, checked the same way for every format; each decoder checks again
  // with its own reading of the header just before it allocates.
  if (header.width > 0 && header.height > 0)
    if (auto error = rgb_image_size_error(image_format_name(header.format), header.width, header.height, max_pixels))
      return *error;
  if (header.format == image_format::webp) return webp_decode(bytes, max_pixels);
  auto decoded = stb_decode(bytes, header.format, max_pixels);
  if (!decoded || header.format != image_format::jpeg) return decoded;
  return exif_orientation_apply(std::move(decoded.value()), exif_orientation_read(bytes));
}

rgb_image image_fit_within(const rgb_image& image, int long_side) {
  int longest = std::max(image.width, image.height);
  if (longest <= long_side) return image;
  double scale = double(long_side) / longest;
  int w = std::max(1, int(std::lround(image.width * scale)));
  int h = std::max(1, int(std::lround(image.height * scale)));
  rgb_image out{w, h, std::string(static_cast<std::size_t>(w) * h * 3, '\0')};
  stbir_resize_uint8_srgb(reinterpret_cast<const unsigned char*>(image.pixels.data()), image.width, image.height, 0,
                          reinterpret_cast<unsigned char*>(out.pixels.data()), w, h, 0, STBIR_RGB);
  return out;
}

std::string image_encode_jpeg(const rgb_image& image, int quality) {
  std::string out;
  stbi_write_jpg_to_func(
      [](void* context, void* data, int size) { static_cast<std::string*>(context)->append(static_cast<char*>(data), size); },
      &out, image.width, image.height, 3, image.pixels.data(), quality);
  return out;
}

result<prepared_image> image_prepare(std::string_view bytes, int long_side, int jpeg_quality) {
  // A faster decoder used here instead must still turn JPEGs upright, as image_decode does:
  // exif_orientation_apply(..., exif_orientation_read(bytes)).
  auto decoded = image_decode(bytes);
  if (!decoded) return decoded.error();
  rgb_image fitted = image_fit_within(*decoded, long_side);
  return prepared_image{image_encode_jpeg(fitted, jpeg_quality), fitted.width, fitted.height, decoded->width,
                        decoded->height};
}

}  // namespace polylens
