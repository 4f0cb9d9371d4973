// png_decoder (libdeflate, row by row) against stb_image's full decode, the decoder it replaced, for
// every PNG type it reads: each colour type and bit depth, with tRNS, plain and Adam7-interlaced.
#include <gtest/gtest.h>
#include <stb_image.h>
#include <stb_image_resize2.h>

#include <cmath>
#include <memory>

#include "image_preprocess.h"
#include "image_resize.h"
#include "png_decoder.h"
#include "png_writer.h"

using namespace polylens;

namespace {

struct png_type {
  int color_type, bit_depth;
  bool interlaced;
};

std::string describe(const png_type& t) {
  return "colour type " + std::to_string(t.color_type) + ", " + std::to_string(t.bit_depth) + " bits" +
         (t.interlaced ? ", Adam7" : "");
}

std::vector<png_type> every_type() {
  const std::vector<std::pair<int, std::vector<int>>> depths = {
      {0, {1, 2, 4, 8, 16}}, {2, {8, 16}}, {3, {1, 2, 4, 8}}, {4, {8, 16}}, {6, {8, 16}}};
  std::vector<png_type> types;
  for (const auto& [color_type, bits] : depths)
    for (int b : bits)
      for (bool interlaced : {false, true}) types.push_back({color_type, b, interlaced});
  return types;
}

// stb_image's decode to RGBA, flattened on white as image_decode did before png_decoder.
rgb_image stb_reference(const std::string& png) {
  int w = 0, h = 0, n = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> rgba(
      stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(png.data()), int(png.size()), &w, &h, &n, 4),
      stbi_image_free);
  if (!rgba) return {};
  return rgb_image_from_rgba_on_white(rgba.get(), w, h);
}

double psnr(const rgb_image& a, const rgb_image& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.pixels.size(); ++i) {
    const double e = double(std::uint8_t(a.pixels[i])) - double(std::uint8_t(b.pixels[i]));
    sum += e * e;
  }
  return sum == 0 ? INFINITY : 10 * std::log10(255.0 * 255.0 * double(a.pixels.size()) / sum);
}

}  // namespace

TEST(png_decode, gives_stbs_pixels_for_every_colour_type_depth_and_interlacing) {
  for (const png_type& t : every_type()) {
    const std::string png = fixtures::png_write(fixtures::png_test_picture(77, 45, t.color_type, t.bit_depth, t.interlaced));
    const rgb_image reference = stb_reference(png);
    ASSERT_EQ(reference.width, 77) << describe(t) << ": stb_image could not read the fixture";
    auto decoded = png_decode(png, limits::max_image_pixels);
    ASSERT_TRUE(decoded) << describe(t) << ": " << decoded.error().message;
    EXPECT_EQ(decoded->width, 77) << describe(t);
    EXPECT_EQ(decoded->height, 45) << describe(t);
    EXPECT_TRUE(decoded->pixels == reference.pixels) << describe(t) << ": PSNR " << psnr(*decoded, reference);
  }
}

TEST(image_decode_fitted, shrinks_pngs_row_by_row_as_a_full_decode_would_be_shrunk) {
  // 301x203 to 64 px: blocks of 2 (image_box_factor), then Mitchell.
  for (const png_type& t : every_type()) {
    const std::string png = fixtures::png_write(fixtures::png_test_picture(301, 203, t.color_type, t.bit_depth, t.interlaced));
    const rgb_image reference = stb_reference(png);
    ASSERT_EQ(reference.width, 301) << describe(t);
    int w = 0, h = 0;
    auto fitted = image_decode_fitted(png, 64, &w, &h);
    ASSERT_TRUE(fitted) << describe(t) << ": " << fitted.error().message;
    EXPECT_EQ(w, 301) << describe(t);
    EXPECT_EQ(h, 203) << describe(t);
    ASSERT_EQ(fitted->width, 64) << describe(t);
    ASSERT_EQ(fitted->height, 43) << describe(t);
    // The same bytes as the full-size picture through image_fit_within (box pre-shrink, Mitchell) ...
    EXPECT_TRUE(fitted->pixels == image_fit_within(reference, 64).pixels) << describe(t);
    // ... and close to Mitchell alone in linear light, the reference of docs/benchmarks.md. The box
    // pre-shrink averages sRGB values, which shows most on hard two-colour edges (1-bit palettes: 28 dB).
    rgb_image mitchell{64, 43, std::string(64 * 43 * 3, '\0')};
    stbir_resize_uint8_srgb(reinterpret_cast<const unsigned char*>(reference.pixels.data()), 301, 203, 0,
                            reinterpret_cast<unsigned char*>(mitchell.pixels.data()), 64, 43, 0, STBIR_RGB);
    EXPECT_GT(psnr(*fitted, mitchell), 25.0) << describe(t);
  }
}

TEST(image_decode_fitted, leaves_small_pngs_at_their_size_and_honours_the_pixel_cap) {
  const std::string png = fixtures::png_write(fixtures::png_test_picture(40, 30, 6, 8, false));
  auto same = image_decode_fitted(png, 64);
  ASSERT_TRUE(same) << same.error().message;
  EXPECT_TRUE(same->pixels == stb_reference(png).pixels);
  auto capped = image_decode_fitted(png, 64, nullptr, nullptr, 1000);
  ASSERT_FALSE(capped);
  EXPECT_EQ(capped.error().type, error_type::payload_too_large);
  EXPECT_NE(capped.error().message.find("40x30"), std::string::npos) << capped.error().message;
}

TEST(png_decode, says_what_is_wrong) {
  const std::string png = fixtures::png_write(fixtures::png_test_picture(40, 30, 2, 8, false));
  struct damaged { std::string name, bytes, expected; };
  std::string bad_filter = png;
  bad_filter[png.find("IDAT") + 4 + 7] = '\x09';  // the first row's filter byte, past zlib's and the block's headers
  std::string bad_depth = png;
  bad_depth[8 + 8 + 8] = 7;
  std::string corrupt_idat = png;
  for (std::size_t i = png.find("IDAT") + 4 + 2; i < png.find("IDAT") + 200; ++i) corrupt_idat[i] = '\xFF';
  std::string no_plte = fixtures::png_write(fixtures::png_test_picture(8, 8, 3, 8, false));
  no_plte.replace(no_plte.find("PLTE"), 4, "pLTE");  // now an ancillary chunk, skipped
  for (const damaged& d : std::vector<damaged>{
           {"bad filter", bad_filter, "filter type 9"},
           {"bad depth", bad_depth, "colour type 2 with bit depth 7"},
           {"no palette", no_plte, "palette"},
           {"no IDAT", png.substr(0, 33) + png.substr(png.size() - 12), "no image data"},
           {"cut in IDAT", png.substr(0, png.size() / 2), "truncated"},
           {"zeros in IDAT", corrupt_idat, "libdeflate says"},
       }) {
    auto r = png_decode(d.bytes, limits::max_image_pixels);
    ASSERT_FALSE(r) << d.name;
    EXPECT_EQ(r.error().type, error_type::invalid_image) << d.name;
    EXPECT_NE(r.error().message.find("cannot decode the PNG: "), std::string::npos) << d.name << ": " << r.error().message;
    EXPECT_NE(r.error().message.find(d.expected), std::string::npos) << d.name << ": " << r.error().message;
  }
}
