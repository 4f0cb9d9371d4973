#include "exif_orientation.h"

#include <array>
#include <cstdint>

#include "jpeg_segments.h"

namespace polylens {

namespace {

// Reads the TIFF structure inside an Exif segment (TIFF 6.0, section 2) in either byte order. Offsets
// are 32-bit and untrusted: every read is checked in 64-bit arithmetic, because size_t is only 32
// bits in the WebAssembly build and offset + 12 * count could wrap there.
class tiff_reader {
 public:
  explicit tiff_reader(std::string_view tiff) : tiff_(tiff) {}

  bool read_byte_order() {
    if (tiff_.substr(0, 2) == "II") big_endian_ = false;
    else if (tiff_.substr(0, 2) == "MM") big_endian_ = true;
    else return false;
    std::uint32_t magic = 0;
    return u16(2, magic) && magic == 42;
  }
  bool u16(std::uint64_t at, std::uint32_t& out) const { return read(at, 2, out); }
  bool u32(std::uint64_t at, std::uint32_t& out) const { return read(at, 4, out); }

 private:
  bool read(std::uint64_t at, int size, std::uint32_t& out) const {
    if (at + size > tiff_.size()) return false;
    out = 0;
    for (int i = 0; i < size; ++i) {
      std::uint32_t b = static_cast<std::uint8_t>(tiff_[at + (big_endian_ ? i : size - 1 - i)]);
      out = (out << 8) | b;
    }
    return true;
  }
  std::string_view tiff_;
  bool big_endian_ = false;
};

constexpr std::uint32_t orientation_tag = 0x0112;
constexpr std::uint32_t type_short = 3;

int tiff_orientation(std::string_view tiff) {
  tiff_reader r(tiff);
  std::uint32_t ifd0 = 0, count = 0;
  if (!r.read_byte_order() || !r.u32(4, ifd0) || !r.u16(ifd0, count)) return 1;
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint64_t entry = std::uint64_t{ifd0} + 2 + 12 * i;  // tag, type, count, value (TIFF 6.0, 2.IFD)
    std::uint32_t tag = 0, type = 0, n = 0, value = 0;
    if (!r.u16(entry, tag) || !r.u16(entry + 2, type) || !r.u32(entry + 4, n)) return 1;
    if (tag != orientation_tag) continue;
    // A SHORT with count 1 sits left-justified in the 4-byte value field.
    if (type != type_short || n != 1 || !r.u16(entry + 8, value)) return 1;
    return value >= 1 && value <= 8 ? static_cast<int>(value) : 1;
  }
  return 1;
}

}  // namespace

int exif_orientation_read(std::string_view jpeg) {
  constexpr std::string_view exif_id("Exif\0\0", 6);
  int orientation = 1;
  jpeg_segments_walk(jpeg, [&](const jpeg_segment& s) {
    // Only the first Exif APP1 counts; APP1 also carries XMP, which is not EXIF.
    if (s.marker != 0xE1 || s.payload.substr(0, exif_id.size()) != exif_id) return true;
    orientation = tiff_orientation(s.payload.substr(exif_id.size()));
    return false;
  });
  return orientation;
}

rgb_image exif_orientation_apply(rgb_image image, int orientation) {
  if (orientation < 2 || orientation > 8) return image;
  const std::int64_t w = image.width, h = image.height;
  // The output pixel (x, y) comes from source pixel start + x * step_x + y * step_y (in pixels):
  // each orientation is a walk over the source in another direction, with no per-pixel branch.
  struct walk { std::int64_t start, step_x, step_y; };
  const std::array<walk, 9> walks = {{
      {},                          // (unused)
      {},                          // 1: as stored
      {w - 1, -1, w},              // 2: mirrored left-right
      {h * w - 1, -1, -w},         // 3: rotated 180
      {(h - 1) * w, 1, -w},        // 4: mirrored top-bottom
      {0, w, 1},                   // 5: transposed (mirror, then rotate 90 counter-clockwise)
      {(h - 1) * w, -w, 1},        // 6: needs a 90-degree clockwise turn
      {h * w - 1, -w, -1},         // 7: transversed (mirror, then rotate 90 clockwise)
      {w - 1, w, -1},              // 8: needs a 90-degree counter-clockwise turn
  }};
  const walk& o = walks[orientation];
  const bool swaps = orientation >= 5;
  rgb_image out{swaps ? image.height : image.width, swaps ? image.width : image.height,
                std::string(image.pixels.size(), '\0')};
  const char* src = image.pixels.data();
  char* dst = out.pixels.data();
  for (std::int64_t y = 0; y < out.height; ++y) {
    std::int64_t from = o.start + y * o.step_y;
    for (std::int64_t x = 0; x < out.width; ++x, from += o.step_x, dst += 3) {
      const char* p = src + from * 3;
      dst[0] = p[0];
      dst[1] = p[1];
      dst[2] = p[2];
    }
  }
  return out;
}

}  // namespace polylens
