// Which decoder a file goes to, decided by its first bytes (never its name), and the size its header
// claims, read before any decoder runs so the pixel cap applies to every format the same way.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace polylens {

enum class image_format { unknown, jpeg, png, gif, bmp, webp };

struct image_header {
  image_format format = image_format::unknown;
  // As the header claims them (for WebP the first chunk: the canvas of an extended file); 0 when it
  // does not say or is too short.
  std::int64_t width = 0, height = 0;
};

image_header image_header_read(std::string_view bytes);

std::string_view image_format_name(image_format format);  // "JPEG", "PNG", ...

// For a file no decoder takes: what it seems to be (HEIC, AVIF, TIFF, ... are common from phones
// and cameras) and the formats Polylens reads.
std::string image_format_unknown_message(std::string_view bytes);

}  // namespace polylens
