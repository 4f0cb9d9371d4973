// A PNG writer for the fixtures stb_image_write cannot make: every colour type and bit depth, palettes
// with tRNS, transparent-colour keys and Adam7 interlacing. Rows cycle through the five filter types
// so that the decoder undoes each; the zlib stream uses stored blocks (the inflate is libdeflate's,
// tested upstream; the fixture only needs to be valid).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace polylens::fixtures {

struct png_spec {
  int width = 0, height = 0;
  int color_type = 6;  // 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA
  int bit_depth = 8;
  bool interlaced = false;
  std::vector<std::uint16_t> samples;  // width * height * samples-per-pixel values, each below 2^bit_depth
  std::vector<std::array<std::uint8_t, 3>> palette;           // colour type 3
  std::vector<std::uint8_t> palette_alpha;                    // its tRNS, if any
  std::optional<std::array<std::uint16_t, 3>> transparent;    // tRNS of grey (first value) or RGB
};

std::string png_write(const png_spec& spec);

// A width x height picture of the given type with smooth gradients, fine detail and (where the type
// has alpha) transparent, half-transparent and opaque areas: something for a resize to average.
png_spec png_test_picture(int width, int height, int color_type, int bit_depth, bool interlaced);

}  // namespace polylens::fixtures
