#include "stb_decoder.h"

#include <stb_image.h>

#include <algorithm>
#include <memory>
#include <string>

namespace polylens {

namespace {

// stb's reasons are terse ("bad huffman code", "outofdata"); its catch-all names no problem at all.
std::string stb_reason() {
  std::string reason = stbi_failure_reason() ? stbi_failure_reason() : "unknown error";
  if (reason == "unknown image type") return "its header is corrupt or of a kind stb_image does not read";
  return "stb_image says '" + reason + "'";
}

api_error cannot_decode(image_format format) {
  return {error_type::invalid_image,
          "cannot decode the " + std::string(image_format_name(format)) + ": " + stb_reason()};
}

// stb_image decodes a truncated JPEG without complaint, filling the missing rows with grey; a
// complete one ends with the EOI marker (FF D9), possibly followed by a little padding.
bool jpeg_is_truncated(std::string_view bytes) {
  std::string_view tail = bytes.substr(bytes.size() - std::min<std::size_t>(bytes.size(), 4096));
  return tail.find("\xFF\xD9") == std::string_view::npos;
}

}  // namespace

result<rgb_image> stb_decode(std::string_view bytes, image_format format, std::int64_t max_pixels) {
  auto data = reinterpret_cast<const stbi_uc*>(bytes.data());
  int len = static_cast<int>(bytes.size());
  std::string_view name = image_format_name(format);
  // The size stb itself will allocate for, read by the same code that decodes: checked before it does.
  int w = 0, h = 0, channels = 0;
  if (!stbi_info_from_memory(data, len, &w, &h, &channels)) return cannot_decode(format);
  if (auto error = rgb_image_size_error(name, w, h, max_pixels)) return *error;
  if (format == image_format::jpeg && jpeg_is_truncated(bytes))
    return api_error{error_type::invalid_image, "the JPEG is truncated: it has no end-of-image marker"};
  // For a GIF, stbi_load returns the first frame.
  std::unique_ptr<stbi_uc, void (*)(void*)> rgba(stbi_load_from_memory(data, len, &w, &h, &channels, 4),
                                                 stbi_image_free);
  if (!rgba) return cannot_decode(format);
  if (auto error = rgb_image_size_error(name, w, h, max_pixels)) return *error;  // cannot differ; cheap to be sure
  return rgb_image_from_rgba_on_white(rgba.get(), w, h);
}

}  // namespace polylens
