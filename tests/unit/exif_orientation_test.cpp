#include "exif_orientation.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>

#include "image_fixtures.h"
#include "image_preprocess.h"

using namespace polylens;

namespace {

std::array<int, 3> pixel(const rgb_image& img, int x, int y) {
  const char* p = img.pixels.data() + (static_cast<std::size_t>(y) * img.width + x) * 3;
  return {static_cast<std::uint8_t>(p[0]), static_cast<std::uint8_t>(p[1]), static_cast<std::uint8_t>(p[2])};
}

// A 3x2 image whose six pixels are all different: (x, y) has red 10 * (x + 1) and green 10 * (y + 1).
rgb_image numbered() {
  rgb_image img{3, 2, {}};
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 3; ++x) img.pixels += {char(10 * (x + 1)), char(10 * (y + 1)), 0};
  return img;
}

// JPEG is lossy; a quadrant's centre keeps its colour to within a few levels.
bool near(std::array<int, 3> got, std::array<int, 3> want) {
  for (int c = 0; c < 3; ++c)
    if (std::abs(got[c] - want[c]) > 24) return false;
  return true;
}
constexpr std::array<int, 3> red{255, 0, 0}, green{0, 255, 0}, blue{0, 0, 255}, white{255, 255, 255};

}  // namespace

TEST(exif_orientation_read, finds_the_tag_in_either_byte_order) {
  std::string jpeg = fixtures::jpeg(fixtures::solid(8, 8, 0, 0, 0));
  for (int o = 1; o <= 8; ++o) {
    EXPECT_EQ(exif_orientation_read(fixtures::jpeg_with_orientation(jpeg, o, false)), o) << "II, " << o;
    EXPECT_EQ(exif_orientation_read(fixtures::jpeg_with_orientation(jpeg, o, true)), o) << "MM, " << o;
  }
}

TEST(exif_orientation_read, is_1_without_exif_or_with_a_value_out_of_range) {
  std::string jpeg = fixtures::jpeg(fixtures::solid(8, 8, 0, 0, 0));
  EXPECT_EQ(exif_orientation_read(jpeg), 1);
  EXPECT_EQ(exif_orientation_read(fixtures::jpeg_with_orientation(jpeg, 0)), 1);
  EXPECT_EQ(exif_orientation_read(fixtures::jpeg_with_orientation(jpeg, 9)), 1);
  EXPECT_EQ(exif_orientation_read(fixtures::jpeg_with_orientation(jpeg, 0xFFFF)), 1);
  EXPECT_EQ(exif_orientation_read("not a jpeg"), 1);
  EXPECT_EQ(exif_orientation_read(""), 1);
}

TEST(exif_orientation_read, skips_an_xmp_app1_before_the_exif_one) {
  std::string xmp_payload = "http://ns.adobe.com/xap/1.0/" + std::string(1, '\0') + "<x:xmpmeta/>";
  std::string xmp = "\xFF\xE1" + std::string{char(0), char(xmp_payload.size() + 2)} + xmp_payload;
  std::string jpeg = fixtures::jpeg(fixtures::solid(8, 8, 0, 0, 0));
  EXPECT_EQ(exif_orientation_read(jpeg.substr(0, 2) + xmp + fixtures::exif_app1(6, true) + jpeg.substr(2)), 6);
}

TEST(exif_orientation_read, survives_every_truncation_and_offsets_that_point_outside) {
  std::string jpeg = fixtures::jpeg_with_orientation(fixtures::jpeg(fixtures::solid(8, 8, 0, 0, 0)), 6);
  for (std::size_t len = 0; len <= jpeg.size(); ++len) {
    int o = exif_orientation_read(jpeg.substr(0, len));
    EXPECT_TRUE(o == 1 || o == 6) << len;
  }
  // Segment layout: FF D8 | FF E1 len(2) "Exif\0\0" | TIFF: byte order(2) 42(2) IFD0 offset(4) ...
  const std::size_t tiff = 2 + 4 + 6;
  std::string far = jpeg;
  far[tiff + 4] = far[tiff + 5] = far[tiff + 6] = far[tiff + 7] = '\xFF';  // IFD0 at 4 GiB - 1
  EXPECT_EQ(exif_orientation_read(far), 1);
  std::string many = jpeg;
  many[tiff + 8] = many[tiff + 9] = '\xFF';  // 65535 entries in a 44-byte block: the two present still count
  EXPECT_EQ(exif_orientation_read(many), 6);
  std::string late = jpeg;
  late[tiff + 4] = late[tiff + 7] = '\0';  // IFD0 at offset 40 (II): its entries would run past the block
  late[tiff + 5] = late[tiff + 6] = '\0';
  late[tiff + 4] = 40;
  EXPECT_EQ(exif_orientation_read(late), 1);
  std::string long_segment = jpeg;
  long_segment[4] = long_segment[5] = '\xFF';  // APP1 claims 65535 bytes, more than the file has
  EXPECT_EQ(exif_orientation_read(long_segment), 1);
}

TEST(exif_orientation_apply, turns_each_of_the_8_orientations_upright) {
  // What a viewer shows for each stored orientation of the 3x2 `numbered` image, row by row, as
  // (x + 1, y + 1) of the source pixel. Orientation 6 (the common portrait phone photo) turns the
  // image 90 degrees clockwise: the bottom-left source pixel ends up top-left.
  struct expected { int width, height; std::vector<std::array<int, 2>> from; };
  const std::array<expected, 9> cases = {{
      {},
      {3, 2, {{1, 1}, {2, 1}, {3, 1}, {1, 2}, {2, 2}, {3, 2}}},
      {3, 2, {{3, 1}, {2, 1}, {1, 1}, {3, 2}, {2, 2}, {1, 2}}},
      {3, 2, {{3, 2}, {2, 2}, {1, 2}, {3, 1}, {2, 1}, {1, 1}}},
      {3, 2, {{1, 2}, {2, 2}, {3, 2}, {1, 1}, {2, 1}, {3, 1}}},
      {2, 3, {{1, 1}, {1, 2}, {2, 1}, {2, 2}, {3, 1}, {3, 2}}},
      {2, 3, {{1, 2}, {1, 1}, {2, 2}, {2, 1}, {3, 2}, {3, 1}}},
      {2, 3, {{3, 2}, {3, 1}, {2, 2}, {2, 1}, {1, 2}, {1, 1}}},
      {2, 3, {{3, 1}, {3, 2}, {2, 1}, {2, 2}, {1, 1}, {1, 2}}},
  }};
  for (int o = 1; o <= 8; ++o) {
    rgb_image out = exif_orientation_apply(numbered(), o);
    ASSERT_EQ(out.width, cases[o].width) << o;
    ASSERT_EQ(out.height, cases[o].height) << o;
    ASSERT_EQ(out.pixels.size(), 18u) << o;
    for (int i = 0; i < 6; ++i) {
      auto [x, y] = cases[o].from[i];
      EXPECT_EQ(pixel(out, i % out.width, i / out.width), (std::array<int, 3>{10 * x, 10 * y, 0}))
          << "orientation " << o << ", output pixel " << i;
    }
  }
}

TEST(exif_orientation_apply, leaves_unknown_values_alone) {
  for (int o : {0, 9, -1}) EXPECT_EQ(exif_orientation_apply(numbered(), o).pixels, numbered().pixels);
}

TEST(image_decode, turns_a_phone_photo_with_orientation_6_upright) {
  // A phone held upright records the scene turned 90 degrees counter-clockwise and tags it 6.
  rgb_image upright = fixtures::quadrants(32, 48);
  rgb_image stored = exif_orientation_apply(upright, 8);  // 8 undoes 6
  ASSERT_EQ(stored.width, 48);
  std::string file = fixtures::jpeg_with_orientation(fixtures::jpeg(stored), 6);

  auto decoded = image_decode(file);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->width, 32);
  EXPECT_EQ(decoded->height, 48);
  EXPECT_PRED2(near, pixel(*decoded, 4, 4), red);
  EXPECT_PRED2(near, pixel(*decoded, 27, 4), green);
  EXPECT_PRED2(near, pixel(*decoded, 4, 43), blue);
  EXPECT_PRED2(near, pixel(*decoded, 27, 43), white);

  auto prepared = image_prepare(file, 24, 90);  // the indexer's path: upright sizes too
  ASSERT_TRUE(prepared);
  EXPECT_EQ(prepared->original_width, 32);
  EXPECT_EQ(prepared->original_height, 48);
  EXPECT_EQ(prepared->width, 16);
  EXPECT_EQ(prepared->height, 24);
}

TEST(image_decode, turns_every_orientation_upright) {
  const int inverse[9] = {0, 1, 2, 3, 4, 5, 8, 7, 6};  // 6 and 8 undo each other; the rest undo themselves
  rgb_image upright = fixtures::quadrants(32, 48);
  for (int o = 1; o <= 8; ++o) {
    for (bool big_endian : {false, true}) {
      std::string file =
          fixtures::jpeg_with_orientation(fixtures::jpeg(exif_orientation_apply(upright, inverse[o])), o, big_endian);
      auto decoded = image_decode(file);
      ASSERT_TRUE(decoded) << decoded.error().message;
      EXPECT_EQ(decoded->width, 32) << o;
      EXPECT_EQ(decoded->height, 48) << o;
      EXPECT_PRED2(near, pixel(*decoded, 4, 4), red) << o;
      EXPECT_PRED2(near, pixel(*decoded, 27, 43), white) << o;
      EXPECT_PRED2(near, pixel(*decoded, 27, 4), green) << o;
    }
  }
}
