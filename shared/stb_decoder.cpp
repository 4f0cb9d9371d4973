#include "stb_decoder.h"

#include <stb_image.h>

#include <algorithm>
#include <cstdint>
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

// The same for a BMP: past the end of the file stb_image reads zeros, so 60 bytes claiming 7000x7000
// pixels would decode, slowly, to 49 million black pixels. An uncompressed BMP says exactly how many
// bytes its pixels take. stb_image refuses compression 1, 2 (RLE) and 4 and up, and decodes every
// other value, negative ones included, as uncompressed (fuzz_bmp found those), so the same goes here.
bool bmp_is_truncated(std::string_view bytes, std::int64_t width, std::int64_t height) {
  auto le = [&](std::size_t at, int size) {
    std::uint32_t v = 0;
    for (int i = size - 1; i >= 0; --i) v = (v << 8) | static_cast<std::uint8_t>(bytes[at + i]);
    return v;
  };
  // Past the end, stb_image reads the header's own fields as zeros too (fuzz_bmp: 29 bytes decoding
  // to 922,000 pixels), so a file shorter than its headers is truncated as well.
  if (bytes.size() < 18) return true;
  const std::uint32_t info_size = le(14, 4);
  if (bytes.size() < std::uint64_t{14} + info_size) return true;
  std::uint32_t bits = 0, compression = 0;
  if (info_size == 12) {  // OS/2 BITMAPCOREHEADER
    bits = le(24, 2);
  } else if (info_size >= 40) {  // BITMAPINFOHEADER and its successors
    bits = le(28, 2);
    compression = le(30, 4);
  } else {
    return false;  // stb_image refuses other header sizes
  }
  const auto stb_compression = static_cast<std::int32_t>(compression);  // stb reads it as a signed int
  const bool uncompressed = stb_compression != 1 && stb_compression != 2 && stb_compression < 4;
  if (!uncompressed || bits == 0) return false;
  const std::int64_t stride = (bits * width + 31) / 32 * 4;              // rows are padded to 4 bytes
  const std::int64_t needed = std::int64_t{le(10, 4)} + stride * (height - 1) + (bits * width + 7) / 8;
  return needed > static_cast<std::int64_t>(bytes.size());               // (the last row's padding may be missing)
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
  if (format == image_format::bmp && bmp_is_truncated(bytes, w, h))
    return api_error{error_type::invalid_image, "the BMP is truncated: it has fewer bytes than its pixels need"};
  // For a GIF, stbi_load returns the first frame.
  std::unique_ptr<stbi_uc, void (*)(void*)> rgba(stbi_load_from_memory(data, len, &w, &h, &channels, 4),
                                                 stbi_image_free);
  if (!rgba) return cannot_decode(format);
  if (auto error = rgb_image_size_error(name, w, h, max_pixels)) return *error;  // cannot differ; cheap to be sure
  return rgb_image_from_rgba_on_white(rgba.get(), w, h);
}

}  // namespace polylens
