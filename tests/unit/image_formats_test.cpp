// Each format decodes, by its bytes rather than its name, to the pixels a browser would show.
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <utility>
#include <vector>

#include "image_fixtures.h"
#include "image_format.h"
#include "image_preprocess.h"

using namespace polylens;

namespace {

std::array<int, 3> pixel(const rgb_image& img, int x, int y) {
  const char* p = img.pixels.data() + (static_cast<std::size_t>(y) * img.width + x) * 3;
  return {static_cast<std::uint8_t>(p[0]), static_cast<std::uint8_t>(p[1]), static_cast<std::uint8_t>(p[2])};
}
bool near(std::array<int, 3> got, std::array<int, 3> want) {
  for (int c = 0; c < 3; ++c)
    if (std::abs(got[c] - want[c]) > 24) return false;
  return true;
}
constexpr std::array<int, 3> red{255, 0, 0}, green{0, 255, 0}, blue{0, 0, 255}, white{255, 255, 255};

// Opaque red on the left half, fully transparent on the right.
std::string half_transparent_rgba(int w, int h) {
  std::string rgba;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) rgba += x < w / 2 ? std::string("\xFF\0\0\xFF", 4) : std::string(4, '\0');
  return rgba;
}

void expect_quadrants(const result<rgb_image>& r, int w, int h) {
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->width, w);
  ASSERT_EQ(r->height, h);
  EXPECT_PRED2(near, pixel(*r, 1, 1), red);
  EXPECT_PRED2(near, pixel(*r, w - 2, 1), green);
  EXPECT_PRED2(near, pixel(*r, 1, h - 2), blue);
  EXPECT_PRED2(near, pixel(*r, w - 2, h - 2), white);
}

}  // namespace

TEST(image_header_read, sniffs_the_format_from_the_first_bytes) {
  rgb_image img = fixtures::quadrants(20, 10);
  EXPECT_EQ(image_header_read(fixtures::jpeg(img)).format, image_format::jpeg);
  EXPECT_EQ(image_header_read(fixtures::png(img)).format, image_format::png);
  EXPECT_EQ(image_header_read(fixtures::bmp(img)).format, image_format::bmp);
  EXPECT_EQ(image_header_read(fixtures::gif(20, 10, {{0, 0, 0}}, {std::string(200, '\0')})).format, image_format::gif);
  EXPECT_EQ(image_header_read(fixtures::webp_lossy(img)).format, image_format::webp);
  EXPECT_EQ(image_header_read("RIFF\0\0\0\0WAVE").format, image_format::unknown);
}

TEST(image_header_read, reads_the_size_each_header_claims) {
  rgb_image img = fixtures::quadrants(20, 10);
  std::string rgba(20 * 10 * 4, '\x80');
  for (const std::string& file : {fixtures::jpeg(img), fixtures::png(img), fixtures::bmp(img),
                                  fixtures::gif(20, 10, {{0, 0, 0}}, {std::string(200, '\0')}),
                                  fixtures::webp_lossy(img), fixtures::webp_lossless_rgba(20, 10, rgba),
                                  fixtures::webp_animation(20, 10, img, 0, 0, img)}) {
    image_header h = image_header_read(file);
    EXPECT_EQ(h.width, 20) << image_format_name(h.format);
    EXPECT_EQ(h.height, 10) << image_format_name(h.format);
  }
}

TEST(image_decode, reads_every_supported_format) {
  rgb_image img = fixtures::quadrants(24, 16);
  expect_quadrants(image_decode(fixtures::jpeg(img)), 24, 16);
  expect_quadrants(image_decode(fixtures::png(img)), 24, 16);
  expect_quadrants(image_decode(fixtures::bmp(img)), 24, 16);
  expect_quadrants(image_decode(fixtures::webp_lossy(img)), 24, 16);
  std::string indices;  // the same quadrants, as palette indices 1..4
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 24; ++x) indices += char(1 + (y < 8 ? 0 : 2) + (x < 12 ? 0 : 1));
  expect_quadrants(image_decode(fixtures::gif(24, 16, {{0, 0, 0}, {255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}},
                                              {indices})),
                   24, 16);
}

TEST(image_decode, flattens_transparency_on_white_for_png_webp_and_gif) {
  std::string rgba = half_transparent_rgba(8, 4);
  for (const std::string& file : {fixtures::png_rgba(8, 4, rgba), fixtures::webp_lossless_rgba(8, 4, rgba)}) {
    auto r = image_decode(file);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(pixel(*r, 0, 0), red) << image_format_name(image_header_read(file).format);
    EXPECT_EQ(pixel(*r, 7, 3), white) << image_format_name(image_header_read(file).format);
  }
  std::string indices(32, '\1');
  for (int i = 0; i < 32; ++i) indices[i] = i % 8 < 4 ? '\1' : '\0';
  auto gif = image_decode(fixtures::gif(8, 4, {{0, 0, 0}, {255, 0, 0}}, {indices}, true));
  ASSERT_TRUE(gif) << gif.error().message;
  EXPECT_EQ(pixel(*gif, 0, 0), red);
  EXPECT_EQ(pixel(*gif, 7, 3), white);
}

TEST(image_decode, takes_the_first_frame_of_an_animated_gif) {
  auto r = image_decode(fixtures::gif(10, 10, {{0, 0, 0}, {255, 0, 0}, {0, 0, 255}},
                                      {std::string(100, '\1'), std::string(100, '\2')}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(pixel(*r, 5, 5), red);
}

TEST(image_decode, takes_the_first_frame_of_an_animated_webp_at_its_offset) {
  // A 16x12 canvas; frame 1 is an 8x4 red block at (4, 6), frame 2 is all blue.
  std::string file = fixtures::webp_animation(16, 12, fixtures::solid(8, 4, 255, 0, 0), 4, 6,
                                              fixtures::solid(16, 12, 0, 0, 255));
  auto r = image_decode(file);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->width, 16);
  EXPECT_EQ(r->height, 12);
  EXPECT_EQ(pixel(*r, 4, 6), red);
  EXPECT_EQ(pixel(*r, 11, 9), red);
  EXPECT_EQ(pixel(*r, 3, 6), white);   // left of the frame: the canvas, on white
  EXPECT_EQ(pixel(*r, 12, 9), white);  // right of it
  EXPECT_EQ(pixel(*r, 4, 10), white);  // below it
}

TEST(image_decode, goes_by_the_bytes_not_a_name) {
  // The same PNG bytes whatever the upload called them; and no name makes text an image.
  rgb_image img = fixtures::quadrants(24, 16);
  expect_quadrants(image_decode(fixtures::png(img)), 24, 16);
  auto text = image_decode("GIF? no: plain text that happens to mention PNG and JPEG");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().type, error_type::invalid_image);
}

TEST(image_decode, names_the_supported_formats_and_what_an_unknown_file_seems_to_be) {
  auto heic = image_decode(std::string("\0\0\0\x18" "ftypheic\0\0\0\0mif1heic", 24));
  ASSERT_FALSE(heic);
  EXPECT_EQ(heic.error().type, error_type::invalid_image);
  EXPECT_NE(heic.error().message.find("HEIC"), std::string::npos) << heic.error().message;
  EXPECT_NE(heic.error().message.find("JPEG, PNG, GIF, BMP, WebP"), std::string::npos) << heic.error().message;
  auto tiff = image_decode(std::string("II*\0\x08\0\0\0", 8));
  ASSERT_FALSE(tiff);
  EXPECT_NE(tiff.error().message.find("TIFF"), std::string::npos) << tiff.error().message;
  auto junk = image_decode("definitely not an image");
  ASSERT_FALSE(junk);
  EXPECT_NE(junk.error().message.find("cannot decode the image"), std::string::npos);
  EXPECT_NE(junk.error().message.find("JPEG, PNG, GIF, BMP, WebP"), std::string::npos);
}

TEST(image_decode, carries_libwebps_reason) {
  std::string webp = fixtures::webp_lossy(fixtures::quadrants(32, 32));
  auto truncated = image_decode(webp.substr(0, 20));
  ASSERT_FALSE(truncated);
  EXPECT_NE(truncated.error().message.find("VP8_STATUS_NOT_ENOUGH_DATA"), std::string::npos)
      << truncated.error().message;
  std::string corrupt = webp;
  corrupt[23] = '\0';  // the VP8 start code (9D 01 2A), right after the 3-byte frame tag
  auto bad = image_decode(corrupt);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("VP8_STATUS_"), std::string::npos) << bad.error().message;
}

TEST(image_decode, carries_the_decoders_reason) {
  std::string png = fixtures::png(fixtures::quadrants(32, 32));
  std::string corrupt = png;
  // IDAT's zlib stream, from its first deflate block on; the chunks around it stay whole.
  const std::size_t idat = png.find("IDAT"), length = std::size_t(std::uint8_t(png[idat - 2])) << 8 | std::uint8_t(png[idat - 1]);
  for (std::size_t i = idat + 4 + 2; i < idat + 4 + length; ++i) corrupt[i] = '\x55';
  auto r = image_decode(corrupt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().type, error_type::invalid_image);
  EXPECT_NE(r.error().message.find("cannot decode the PNG: its image data does not inflate: libdeflate says"),
            std::string::npos)
      << r.error().message;
}

TEST(image_decode, refuses_huge_claims_in_every_format_before_allocating) {
  rgb_image img = fixtures::quadrants(16, 16);
  std::string webp = fixtures::webp_lossy(img);
  struct claim { std::string name, bytes; };
  std::vector<claim> claims;
  for (auto [format, file] : {std::pair{image_format::jpeg, fixtures::jpeg(img)},
                              {image_format::png, fixtures::png(img)},
                              {image_format::bmp, fixtures::bmp(img)},
                              {image_format::gif, fixtures::gif(16, 16, {{0, 0, 0}}, {std::string(256, '\0')})},
                              {image_format::webp, webp}})
    for (std::int64_t side : {20000, 100000}) {
      auto c = fixtures::with_claimed_size(file, format, side, side);
      claims.push_back({std::string(image_format_name(format)) + " " + std::to_string(c.width) + "x" +
                            std::to_string(c.height),
                        c.bytes});
    }
  // An animation's canvas can claim up to 2^24 on a side: WebP's biggest claim.
  std::string animation = fixtures::webp_animation(16, 16, img, 0, 0, img);
  for (std::int64_t side : {20000, 100000})
    claims.push_back({"animated WebP canvas " + std::to_string(side),
                      fixtures::with_claimed_size(animation, image_format::webp, side, side).bytes});
  for (const auto& c : claims) {
    auto r = image_decode(c.bytes);
    ASSERT_FALSE(r) << c.name;
    EXPECT_EQ(r.error().type, error_type::payload_too_large) << c.name << ": " << r.error().message;
    EXPECT_NE(r.error().message.find("the limit is"), std::string::npos) << c.name << ": " << r.error().message;
  }
}

TEST(image_decode, honours_a_smaller_pixel_cap) {
  auto r = image_decode(fixtures::png(fixtures::quadrants(64, 64)), 1000);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().type, error_type::payload_too_large);
  EXPECT_NE(r.error().message.find("64x64"), std::string::npos);
}

TEST(image_decode, refuses_sizes_whose_product_overflows_64_bits) {
  // Found by fuzz_png: 3351758791 x 3351758791 overflowed the pixel count and slipped past the cap.
  auto claimed = fixtures::with_claimed_size(fixtures::png(fixtures::quadrants(8, 8)), image_format::png,
                                             3351758791, 3351758791);
  auto r = image_decode(claimed.bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().type, error_type::payload_too_large) << r.error().message;
  EXPECT_NE(r.error().message.find("3351758791x3351758791"), std::string::npos) << r.error().message;
}

TEST(image_decode, refuses_a_bmp_with_fewer_bytes_than_its_pixels_need) {
  // stb_image would read zeros past the end, even for the header (29 bytes decoded to 922,000 pixels):
  // found by fuzz_bmp as its slowest inputs.
  std::string bmp = fixtures::bmp(fixtures::quadrants(64, 64));
  for (std::string cut : {bmp.substr(0, bmp.size() - 64 * 3), bmp.substr(0, 60), bmp.substr(0, 29)}) {
    auto r = image_decode(cut);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("the BMP is truncated"), std::string::npos) << r.error().message;
  }
  std::string odd_compression = bmp.substr(0, 200);
  odd_compression[30] = odd_compression[31] = odd_compression[32] = odd_compression[33] = '\xFF';  // -1
  auto r = image_decode(odd_compression);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("the BMP is truncated"), std::string::npos) << r.error().message;
}
