// A libFuzzer target for the JPEG header readers that run on every upload before any decoder: the
// segment walk, the frame-size read and the EXIF orientation reader, then the orientation applied to
// an image whose size also comes from the input.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "exif_orientation.h"
#include "image_format.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.size() >= 2) bytes.replace(0, 2, "\xFF\xD8");  // SOI, or the walk stops at once
  (void)polylens::image_header_read(bytes);
  const int orientation = polylens::exif_orientation_read(bytes);
  if (orientation < 1 || orientation > 8) std::abort();

  // Every pixel different (its index, in three bytes), so the check below sees any pixel lost or doubled.
  const int w = 1 + (size > 0 ? data[size - 1] % 13 : 0), h = 1 + (size > 1 ? data[size - 2] % 11 : 0);
  polylens::rgb_image img{w, h, {}};
  for (int i = 0; i < w * h; ++i) img.pixels += {char(i & 0xFF), char(i >> 8), 0};
  // Also values outside 1..8, which must leave the image alone.
  const int applied = size > 2 && data[size - 3] >= 128 ? static_cast<std::int8_t>(data[size - 3]) : orientation;
  polylens::rgb_image out = polylens::exif_orientation_apply(img, applied);
  const bool swapped = applied >= 5 && applied <= 8;
  if (out.width != (swapped ? h : w) || out.height != (swapped ? w : h) || out.pixels.size() != img.pixels.size())
    std::abort();
  std::vector<bool> seen(static_cast<std::size_t>(w) * h);
  for (std::size_t p = 0; p < out.pixels.size(); p += 3) {
    std::size_t index = static_cast<std::uint8_t>(out.pixels[p]) | std::size_t{static_cast<std::uint8_t>(out.pixels[p + 1])} << 8;
    if (index >= seen.size() || seen[index]) std::abort();
    seen[index] = true;
  }
  return 0;
}
