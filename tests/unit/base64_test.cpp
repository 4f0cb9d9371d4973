#include "base64.h"

#include <gtest/gtest.h>

using polylens::base64_decode;
using polylens::base64_encode;

TEST(base64, encodes_rfc4648_vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(base64, round_trips_every_byte_value) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (std::size_t n = 0; n < bytes.size(); n += 37) {
    auto decoded = base64_decode(base64_encode(bytes.substr(0, n)));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, bytes.substr(0, n));
  }
}

TEST(base64, rejects_what_is_not_strict_base64) {
  EXPECT_FALSE(base64_decode("Zm9"));         // length not a multiple of 4
  EXPECT_FALSE(base64_decode("Zm9v\n"));      // whitespace
  EXPECT_FALSE(base64_decode("Zm=v"));        // padding in the middle
  EXPECT_FALSE(base64_decode("Z==="));        // too much padding
  EXPECT_FALSE(base64_decode("data:image/png;base64,Zm9v"));
  EXPECT_FALSE(base64_decode("Zm9v!A=="));
}
