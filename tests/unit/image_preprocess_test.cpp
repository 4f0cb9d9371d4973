#include "image_preprocess.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "api_limits.h"

using namespace polylens;

namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
const std::string assets = POLYLENS_ASSETS_DIR;

rgb_image solid(int w, int h, unsigned char r, unsigned char g, unsigned char b) {
  rgb_image img{w, h, std::string(std::size_t(w) * h * 3, '\0')};
  for (std::size_t i = 0; i < img.pixels.size(); i += 3) {
    img.pixels[i] = char(r);
    img.pixels[i + 1] = char(g);
    img.pixels[i + 2] = char(b);
  }
  return img;
}
}  // namespace

TEST(image_prepare, shrinks_a_photo_to_the_upload_size_keeping_the_aspect) {
  auto bytes = read_file(assets + "/images/kodak-01.jpg");  // 768x512
  ASSERT_FALSE(bytes.empty());
  auto p = image_prepare(bytes, limits::upload_long_side, limits::upload_jpeg_quality);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->original_width, 768);
  EXPECT_EQ(p->original_height, 512);
  EXPECT_EQ(p->width, 512);
  EXPECT_EQ(p->height, 341);
  auto again = image_decode(p->jpeg);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->width, 512);
}

TEST(image_prepare, never_upscales) {
  auto bytes = read_file(assets + "/images/weavly-eiffel-tower.jpg");  // 264x264
  auto p = image_prepare(bytes, 512, 90);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->width, 264);
  EXPECT_EQ(p->height, 264);
}

TEST(image_decode, reports_the_decoders_reason_for_garbage) {
  auto r = image_decode("this is not an image at all");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().type, error_type::invalid_image);
  EXPECT_NE(r.error().message.find("cannot decode"), std::string::npos);
}

TEST(image_decode, rejects_a_truncated_jpeg) {
  auto bytes = read_file(assets + "/images/kodak-01.jpg");
  auto r = image_decode(bytes.substr(0, 300));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().type, error_type::invalid_image);
}

TEST(image_decode, rejects_empty_input) {
  auto r = image_decode("");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().type, error_type::invalid_image);
}

TEST(image_decode, refuses_huge_dimensions_before_allocating) {
  // A valid BMP header that claims 20000x20000 pixels, with no pixel data behind it.
  std::string bmp(54, '\0');
  auto put32 = [&](int at, uint32_t v) {
    for (int i = 0; i < 4; ++i) bmp[at + i] = char((v >> (8 * i)) & 0xff);
  };
  bmp[0] = 'B';
  bmp[1] = 'M';
  put32(2, 54);
  put32(10, 54);
  put32(14, 40);
  put32(18, 20000);
  put32(22, 20000);
  bmp[26] = 1;
  bmp[28] = 24;
  auto r = image_decode(bmp);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().type, error_type::payload_too_large);
  EXPECT_NE(r.error().message.find("20000x20000"), std::string::npos);
}

TEST(image_fit_within, keeps_colour_of_a_flat_image) {
  auto small = image_fit_within(solid(1000, 500, 200, 40, 10), 100);
  EXPECT_EQ(small.width, 100);
  EXPECT_EQ(small.height, 50);
  EXPECT_EQ(static_cast<unsigned char>(small.pixels[0]), 200);
  EXPECT_EQ(static_cast<unsigned char>(small.pixels[1]), 40);
}

TEST(image_encode_jpeg, output_decodes_to_the_same_size) {
  auto jpeg = image_encode_jpeg(solid(31, 17, 0, 128, 255), 85);
  auto back = image_decode(jpeg);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->width, 31);
  EXPECT_EQ(back->height, 17);
}
