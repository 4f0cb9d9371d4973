// Every damaged variant of a valid file in each format either decodes to a sane image or is refused
// with a message that says what is wrong; none crashes. The fuzz build runs the same variants under
// AddressSanitizer (tests/fuzz).
#include <gtest/gtest.h>

#include <cctype>
#include <iostream>

#include "api_limits.h"
#include "corrupt_variants.h"
#include "image_preprocess.h"

using namespace polylens;

namespace {

class image_corrupt_corpus : public testing::TestWithParam<image_format> {};

}  // namespace

TEST_P(image_corrupt_corpus, every_variant_decodes_sanely_or_says_why_not) {
  const image_format format = GetParam();
  const std::string valid = fixtures::corrupt_corpus_origin(format);
  ASSERT_TRUE(image_decode(valid)) << "the valid " << image_format_name(format) << " must decode";
  int decoded = 0, refused = 0;
  for (const auto& v : fixtures::corrupt_variants(valid, format)) {
    auto r = image_decode(v.bytes);
    if (r) {
      ++decoded;
      EXPECT_FALSE(v.claims_huge_size) << v.name << " decoded as " << r->width << "x" << r->height;
      EXPECT_GT(r->width, 0) << v.name;
      EXPECT_GT(r->height, 0) << v.name;
      EXPECT_LE(std::int64_t{r->width} * r->height, limits::max_image_pixels) << v.name;
      EXPECT_EQ(r->pixels.size(), std::size_t(r->width) * r->height * 3) << v.name;
      continue;
    }
    ++refused;
    const api_error& e = r.error();
    EXPECT_TRUE(e.type == error_type::invalid_image || e.type == error_type::payload_too_large) << v.name;
    // Non-empty, and it names the file: the format, or "image" when the bytes no longer say which.
    EXPECT_TRUE(e.message.find(image_format_name(format)) != std::string::npos ||
                e.message.find("image") != std::string::npos)
        << v.name << ": '" << e.message << "'";
    if (v.claims_huge_size) {
      EXPECT_EQ(e.type, error_type::payload_too_large) << v.name << ": " << e.message;
    }
  }
  // Both outcomes occur: the variants really are damaged, and the decoders do not refuse everything.
  EXPECT_GT(refused, 0);
  std::cout << image_format_name(format) << ": " << decoded << " variants decoded, " << refused << " refused\n";
}

INSTANTIATE_TEST_SUITE_P(formats, image_corrupt_corpus,
                         testing::Values(image_format::jpeg, image_format::png, image_format::gif, image_format::bmp,
                                         image_format::webp),
                         [](const testing::TestParamInfo<image_format>& info) {
                           std::string name(image_format_name(info.param));
                           for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                           return name;
                         });
