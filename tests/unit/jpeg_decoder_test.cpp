#include "jpeg_decoder.h"

#include <gtest/gtest.h>

#include <cstdio>  // jpeglib.h needs FILE and size_t
#include <cstdlib>
#include <fstream>
#include <iterator>

#include <jpeglib.h>
#include <stb_image_resize2.h>

#include "api_limits.h"
#include "image_preprocess.h"
#include "image_resize.h"

using namespace polylens;

namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
const std::string assets = POLYLENS_ASSETS_DIR;

// Smooth colour gradients with a few hard edges: something whose colours a test can predict.
rgb_image gradient(int w, int h) {
  rgb_image img{w, h, std::string(std::size_t(w) * h * 3, '\0')};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      auto* p = &img.pixels[(std::size_t(y) * w + x) * 3];
      p[0] = char(255 * x / w);
      p[1] = char(255 * y / h);
      p[2] = char((x / (w / 8) + y / (h / 6)) % 2 ? 200 : 40);
    }
  return img;
}

double mean_abs_diff(const rgb_image& a, const rgb_image& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.pixels.size(); ++i) sum += std::abs(int(uint8_t(a.pixels[i])) - int(uint8_t(b.pixels[i])));
  return sum / double(a.pixels.size());
}

// A JPEG written by libjpeg itself, for what stb_image_write cannot make (grey, Adobe CMYK, progressive).
std::string encode_with_libjpeg(int w, int h, int components, J_COLOR_SPACE space, const std::string& pixels,
                                bool progressive = false) {
  jpeg_compress_struct c;
  jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char* out = nullptr;
  unsigned long out_size = 0;
  jpeg_mem_dest(&c, &out, &out_size);
  c.image_width = JDIMENSION(w);
  c.image_height = JDIMENSION(h);
  c.input_components = components;
  c.in_color_space = space;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, 95, TRUE);
  if (progressive) jpeg_simple_progression(&c);
  jpeg_start_compress(&c, TRUE);
  while (c.next_scanline < c.image_height) {
    JSAMPROW row = reinterpret_cast<JSAMPROW>(const_cast<char*>(pixels.data())) + std::size_t(c.next_scanline) * w * components;
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  std::string bytes(reinterpret_cast<char*>(out), out_size);
  std::free(out);
  return bytes;
}
}  // namespace

TEST(jpeg_decode_scaled, picks_the_smallest_dct_scale_that_still_covers_the_target) {
  std::string jpeg = image_encode_jpeg(gradient(4000, 3000), 90);
  int w = 0, h = 0;
  auto r = jpeg_decode_scaled(jpeg, 512, &w, &h);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(w, 4000);
  EXPECT_EQ(h, 3000);
  EXPECT_EQ(r->width, 1000);  // 2/8: 1/8 would be 500, under 512
  EXPECT_EQ(r->height, 750);
  EXPECT_EQ(r->pixels.size(), std::size_t(1000) * 750 * 3);

  auto exact = jpeg_decode_scaled(jpeg, 1000);  // 2/8 gives exactly 1000: still enough
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->width, 1000);
  auto next = jpeg_decode_scaled(jpeg, 1001);  // one more pixel needs 3/8
  ASSERT_TRUE(next);
  EXPECT_EQ(next->width, 1500);
  EXPECT_EQ(next->height, 1125);
}

TEST(jpeg_decode_scaled, decodes_full_size_for_zero_or_for_a_target_above_the_image) {
  std::string jpeg = image_encode_jpeg(gradient(800, 600), 90);
  for (int target : {0, 800, 5000}) {
    auto r = jpeg_decode_scaled(jpeg, target);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->width, 800) << "target " << target;
    EXPECT_EQ(r->height, 600) << "target " << target;
  }
  auto r = jpeg_decode_scaled(jpeg, 512);  // 5/8 is 500, 6/8 is 600
  ASSERT_TRUE(r);
  EXPECT_EQ(r->width, 600);
  EXPECT_EQ(r->height, 450);
}

TEST(jpeg_decode_scaled, gives_the_colours_of_a_full_decode_shrunk_afterwards) {
  // Smooth content: the scaled decode and a full decode shrunk by Mitchell agree almost exactly.
  std::string smooth = image_encode_jpeg(gradient(2400, 1600), 95);
  auto scaled = jpeg_decode_scaled(smooth, 512);  // 2/8: 600x400
  ASSERT_TRUE(scaled) << scaled.error().message;
  ASSERT_EQ(scaled->width, 600);
  auto full = image_decode(smooth);  // stb_image, full size
  ASSERT_TRUE(full);
  EXPECT_LT(mean_abs_diff(*scaled, image_resize_srgb(*full, 600, 400)), 1.0);

  // Photos. The DCT-domain scaling is sharper than Mitchell and averages in sRGB rather than in linear
  // light, so fine high-contrast detail comes out a little darker: 2.3 levels on average for
  // kodak-01's brick wall, the worst of these (docs/benchmarks.md has PSNR figures for all assets).
  for (const char* name : {"kodak-01.jpg", "wp25-botany-flowers.jpg", "coco-107438.jpg"}) {
    std::string bytes = read_file(assets + "/images/" + name);
    ASSERT_FALSE(bytes.empty()) << name;
    auto photo = jpeg_decode_scaled(bytes, 256);
    ASSERT_TRUE(photo) << name << ": " << photo.error().message;
    auto reference = image_decode(bytes);
    ASSERT_TRUE(reference) << name;
    ASSERT_LT(photo->width, reference->width) << name;
    rgb_image shrunk = image_resize_srgb(*reference, photo->width, photo->height);
    EXPECT_LT(mean_abs_diff(*photo, shrunk), 6.0) << name;
    EXPECT_LT(mean_abs_diff(image_resize_srgb(*photo, 24, 16), image_resize_srgb(shrunk, 24, 16)), 3.0) << name;
  }
}

TEST(jpeg_decode_scaled, turns_grey_and_adobe_cmyk_jpegs_into_rgb) {
  std::string grey_pixels(64 * 48, char(77));
  auto grey = jpeg_decode_scaled(encode_with_libjpeg(64, 48, 1, JCS_GRAYSCALE, grey_pixels), 0);
  ASSERT_TRUE(grey) << grey.error().message;
  ASSERT_EQ(grey->pixels.size(), std::size_t(64) * 48 * 3);
  for (char v : grey->pixels) EXPECT_NEAR(uint8_t(v), 77, 1);

  // Adobe's convention: inverted ink. C=255-0 (no cyan), M=255-255 (full magenta), Y=255-255, K=255 (no black)
  // is red.
  std::string cmyk_pixels;
  for (int i = 0; i < 64 * 48; ++i) cmyk_pixels += std::string{char(255), char(0), char(0), char(255)};
  auto red = jpeg_decode_scaled(encode_with_libjpeg(64, 48, 4, JCS_CMYK, cmyk_pixels), 0);
  ASSERT_TRUE(red) << red.error().message;
  EXPECT_NEAR(uint8_t(red->pixels[0]), 255, 3);
  EXPECT_NEAR(uint8_t(red->pixels[1]), 0, 3);
  EXPECT_NEAR(uint8_t(red->pixels[2]), 0, 3);
}

TEST(jpeg_decode_scaled, decodes_progressive_jpegs_scaled_too) {
  rgb_image src = gradient(1600, 1200);
  auto r = jpeg_decode_scaled(encode_with_libjpeg(1600, 1200, 3, JCS_RGB, src.pixels, true), 512);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->width, 600);  // 3/8
  EXPECT_EQ(r->height, 450);
  EXPECT_LT(mean_abs_diff(*r, image_resize_srgb(src, 600, 450)), 2.0);
}

TEST(jpeg_decode_scaled, reports_libjpegs_message_for_a_truncated_file) {
  std::string bytes = read_file(assets + "/images/kodak-01.jpg");
  for (std::size_t keep : {std::size_t(300), bytes.size() / 2, bytes.size() - 2}) {  // in the header, mid-scan, no EOI
    auto r = jpeg_decode_scaled(bytes.substr(0, keep), 256);
    ASSERT_FALSE(r) << "kept " << keep << " bytes";
    EXPECT_EQ(r.error().type, error_type::invalid_image);
    EXPECT_EQ(r.error().message, "the JPEG is truncated: Premature end of JPEG file");
  }
  // image_prepare says the same (the proxy's answer to a search by a cut-off image).
  auto prepared = image_prepare(bytes.substr(0, 400), limits::upload_long_side, limits::upload_jpeg_quality);
  ASSERT_FALSE(prepared);
  EXPECT_EQ(prepared.error().type, error_type::invalid_image);
  EXPECT_NE(prepared.error().message.find("truncated"), std::string::npos) << prepared.error().message;
}

TEST(jpeg_decode_scaled, reports_libjpegs_message_for_corrupt_data) {
  // A start-of-image marker, then a frame header too short to hold anything.
  const char bogus_bytes[] = "\xFF\xD8\xFF\xC0\x00\x02 and nothing that makes sense";
  auto bogus = jpeg_decode_scaled(std::string(bogus_bytes, sizeof bogus_bytes - 1), 0);
  ASSERT_FALSE(bogus);
  EXPECT_EQ(bogus.error().type, error_type::invalid_image);
  EXPECT_EQ(bogus.error().message, "cannot decode the JPEG: Bogus marker length") << bogus.error().message;

  // A marker in the middle of the entropy-coded data: libjpeg only warns and fills the rest with grey.
  std::string bytes = read_file(assets + "/images/kodak-01.jpg");
  bytes[bytes.size() / 2] = char(0xFF);
  bytes[bytes.size() / 2 + 1] = char(0xC4);
  auto r = jpeg_decode_scaled(bytes, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().type, error_type::invalid_image);
  EXPECT_NE(r.error().message.find("Corrupt JPEG data"), std::string::npos) << r.error().message;
}

TEST(jpeg_decode_scaled, refuses_a_header_over_the_pixel_cap_before_allocating) {
  // A real JPEG whose frame header now claims 60000x60000 (3.6 gigapixels; 10.8 GB as RGB).
  std::string bytes = read_file(assets + "/images/kodak-01.jpg");
  std::size_t sof = bytes.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  for (std::size_t at : {sof + 5, sof + 7}) {  // height, then width, big-endian
    bytes[at] = char(60000 >> 8);
    bytes[at + 1] = char(60000 & 0xFF);
  }
  int w = 0, h = 0;
  auto r = jpeg_decode_scaled(bytes, 512, &w, &h);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().type, error_type::payload_too_large);
  EXPECT_NE(r.error().message.find("60000x60000"), std::string::npos) << r.error().message;
  EXPECT_EQ(w, 60000);
  EXPECT_EQ(h, 60000);
}

TEST(jpeg_decode_scaled, refuses_empty_and_oversized_input) {
  auto empty = jpeg_decode_scaled("", 512);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().type, error_type::invalid_image);
  auto huge = jpeg_decode_scaled(std::string(limits::max_image_bytes + 1, '\xFF'), 512);
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().type, error_type::payload_too_large);
}

TEST(image_prepare, shrinks_a_large_jpeg_through_the_scaled_decoder) {
  std::string jpeg = image_encode_jpeg(gradient(4000, 3000), 90);
  auto p = image_prepare(jpeg, limits::upload_long_side, limits::upload_jpeg_quality);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->original_width, 4000);
  EXPECT_EQ(p->original_height, 3000);
  EXPECT_EQ(p->width, 512);
  EXPECT_EQ(p->height, 384);
  auto back = image_decode(p->jpeg);
  ASSERT_TRUE(back);
  // Same picture as the slow way (full decode, Mitchell), within JPEG noise.
  auto full = image_decode(jpeg);
  ASSERT_TRUE(full);
  EXPECT_LT(mean_abs_diff(*back, image_resize_srgb(*full, 512, 384)), 3.0);
  // It decodes at 1/8 (500x375, 97% of the target) and enlarges by 2.4%, rather than at 2/8 (1000x750).
  EXPECT_EQ(jpeg_scaled_min_long_side(512), 497);
  auto eighth = jpeg_decode_scaled(jpeg, jpeg_scaled_min_long_side(512));
  ASSERT_TRUE(eighth);
  EXPECT_EQ(eighth->width, 500);
  EXPECT_EQ(jpeg_scaled_min_long_side(24), 24);  // small targets keep the whole long side
}

TEST(image_resize_srgb, pre_shrinks_by_whole_blocks_only_far_above_the_target) {
  EXPECT_EQ(image_box_factor(4000, 3000, 512, 384), 3);  // 1333x1000 is still >= 2x the target
  EXPECT_EQ(image_box_factor(1000, 750, 512, 384), 1);   // less than 4x: Mitchell alone
  EXPECT_EQ(image_box_factor(2048, 2048, 512, 512), 2);
  EXPECT_EQ(image_box_factor(100000, 100, 10, 10), 5);   // the tighter side decides
}

TEST(image_resize_srgb, matches_mitchell_alone_and_keeps_the_geometry) {
  rgb_image src = gradient(3001, 2003);  // not a multiple of the factor: partial last blocks
  rgb_image boxed = image_resize_srgb(src, 300, 200);  // factor 5, then Mitchell
  ASSERT_EQ(boxed.width, 300);
  ASSERT_EQ(boxed.height, 200);
  rgb_image mitchell{300, 200, std::string(std::size_t(300) * 200 * 3, '\0')};
  stbir_resize_uint8_srgb(reinterpret_cast<const unsigned char*>(src.pixels.data()), src.width, src.height, 0,
                          reinterpret_cast<unsigned char*>(mitchell.pixels.data()), 300, 200, 0, STBIR_RGB);
  EXPECT_LT(mean_abs_diff(boxed, mitchell), 1.5);
  // The gradients reach the same values at the far edges: the partial blocks shift nothing.
  auto at = [](const rgb_image& img, int x, int y, int c) {
    return int(uint8_t(img.pixels[(std::size_t(y) * img.width + x) * 3 + c]));
  };
  EXPECT_NEAR(at(boxed, 299, 0, 0), at(mitchell, 299, 0, 0), 2);
  EXPECT_NEAR(at(boxed, 0, 199, 1), at(mitchell, 0, 199, 1), 2);
}
