#include "image_format.h"

#include <array>
#include <cstdlib>
#include <utility>

#include "jpeg_segments.h"

namespace polylens {

namespace {

bool starts_with(std::string_view bytes, std::string_view magic, std::size_t at = 0) {
  return bytes.size() >= at + magic.size() && bytes.substr(at, magic.size()) == magic;
}

std::uint32_t read_le(std::string_view b, std::size_t at, int size) {
  std::uint32_t v = 0;
  for (int i = size - 1; i >= 0; --i) v = (v << 8) | static_cast<std::uint8_t>(b[at + i]);
  return v;
}
std::uint32_t read_be(std::string_view b, std::size_t at, int size) {
  std::uint32_t v = 0;
  for (int i = 0; i < size; ++i) v = (v << 8) | static_cast<std::uint8_t>(b[at + i]);
  return v;
}

image_format sniff(std::string_view b) {
  if (starts_with(b, "\xFF\xD8\xFF")) return image_format::jpeg;
  if (starts_with(b, "\x89PNG\r\n\x1A\n")) return image_format::png;
  if (starts_with(b, "GIF87a") || starts_with(b, "GIF89a")) return image_format::gif;
  if (starts_with(b, "BM")) return image_format::bmp;
  if (starts_with(b, "RIFF") && starts_with(b, "WEBP", 8)) return image_format::webp;
  return image_format::unknown;
}

// Each reads the one header field the format defines for its size; a header too short leaves 0x0.
void read_png_size(std::string_view b, image_header& h) {  // IHDR must come first (PNG spec 5.6)
  if (b.size() < 24 || b.substr(12, 4) != "IHDR") return;
  h.width = read_be(b, 16, 4);
  h.height = read_be(b, 20, 4);
}
void read_gif_size(std::string_view b, image_header& h) {  // the logical screen (GIF89a spec 18)
  if (b.size() < 10) return;
  h.width = read_le(b, 6, 2);
  h.height = read_le(b, 8, 2);
}
void read_bmp_size(std::string_view b, image_header& h) {  // after the 14-byte file header
  if (b.size() < 26) return;
  std::uint32_t info_size = read_le(b, 14, 4);
  if (info_size == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit sizes
    h.width = read_le(b, 18, 2);
    h.height = read_le(b, 20, 2);
  } else if (info_size >= 16) {  // BITMAPINFOHEADER and later: signed 32-bit, negative height = top-down
    h.width = static_cast<std::int32_t>(read_le(b, 18, 4));
    h.height = std::llabs(static_cast<std::int32_t>(read_le(b, 22, 4)));
  }
}
void read_jpeg_size(std::string_view b, image_header& h) {  // the first frame header (ITU T.81 B.2.2)
  jpeg_segments_walk(b, [&](const jpeg_segment& s) {
    if (!jpeg_segment_is_frame_header(s.marker)) return true;
    if (s.payload.size() >= 5) {
      h.height = read_be(s.payload, 1, 2);
      h.width = read_be(s.payload, 3, 2);
    }
    return false;
  });
}

void read_webp_size(std::string_view b, image_header& h) {  // RIFF, size, WEBP, then the first chunk
  if (b.size() < 30) return;
  std::string_view chunk = b.substr(12, 4);
  if (chunk == "VP8X") {  // extended: the canvas, 24 bits of size - 1 each
    h.width = 1 + std::int64_t{read_le(b, 24, 3)};
    h.height = 1 + std::int64_t{read_le(b, 27, 3)};
  } else if (chunk == "VP8 " && b.substr(23, 3) == "\x9D\x01\x2A") {  // lossy: 14 bits after the start code
    h.width = read_le(b, 26, 2) & 0x3FFF;
    h.height = read_le(b, 28, 2) & 0x3FFF;
  } else if (chunk == "VP8L" && static_cast<std::uint8_t>(b[20]) == 0x2F) {  // lossless: 14 bits of size - 1 each
    std::uint32_t bits = read_le(b, 21, 4);
    h.width = 1 + std::int64_t{bits & 0x3FFF};
    h.height = 1 + std::int64_t{(bits >> 14) & 0x3FFF};
  }
}

}  // namespace

image_header image_header_read(std::string_view bytes) {
  image_header h{sniff(bytes)};
  switch (h.format) {
    case image_format::jpeg: read_jpeg_size(bytes, h); break;
    case image_format::png: read_png_size(bytes, h); break;
    case image_format::gif: read_gif_size(bytes, h); break;
    case image_format::bmp: read_bmp_size(bytes, h); break;
    case image_format::webp: read_webp_size(bytes, h); break;
    case image_format::unknown: break;
  }
  return h;
}

std::string_view image_format_name(image_format format) {
  switch (format) {
    case image_format::jpeg: return "JPEG";
    case image_format::png: return "PNG";
    case image_format::gif: return "GIF";
    case image_format::bmp: return "BMP";
    case image_format::webp: return "WebP";
    case image_format::unknown: break;
  }
  return "image";
}

std::string image_format_unknown_message(std::string_view b) {
  // ISO BMFF brands (offset 8, after the size and "ftyp") and other signatures worth naming.
  static const std::array<std::pair<std::string_view, std::string_view>, 6> brands = {{
      {"heic", "HEIC"}, {"heix", "HEIC"}, {"mif1", "HEIF"}, {"avif", "AVIF"}, {"avis", "AVIF"}, {"jxl ", "JPEG XL"}}};
  std::string_view seems;
  if (starts_with(b, "ftyp", 4))
    for (const auto& [brand, name] : brands)
      if (starts_with(b, brand, 8)) seems = name;
  using namespace std::string_view_literals;  // the signatures hold NUL bytes
  if (starts_with(b, "II*\0"sv) || starts_with(b, "MM\0*"sv)) seems = "TIFF";
  if (starts_with(b, "\xFF\x0A") || starts_with(b, "\0\0\0\x0CJXL "sv)) seems = "JPEG XL";
  if (starts_with(b, "%PDF")) seems = "PDF";
  // "cannot decode the image" starts every message for a file no decoder took (clients match on it).
  std::string what = seems.empty() ? "cannot decode the image: its first bytes are not a format Polylens reads"
                                   : "cannot decode the image: it is " + std::string(seems) + ", which Polylens does not read";
  return what + " (supported: JPEG, PNG, GIF, BMP, WebP)";
}

}  // namespace polylens
