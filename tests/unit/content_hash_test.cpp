// shared/content_hash: our own SHA-256 (the browser has no OpenSSL) against the FIPS 180-4 example
// vectors, and against OpenSSL on every length around the block boundaries and on split updates, so
// the browser and the proxy give a file the same id.
#include "content_hash.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <fstream>
#include <iterator>
#include <random>

using namespace polylens;

namespace {

std::string openssl_sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::string random_bytes(std::size_t n, std::mt19937& rng) {
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xFF);
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST(sha256, matches_the_fips_180_4_examples) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                       "mnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  EXPECT_EQ(sha256_hex(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(sha256, matches_openssl_on_every_length_up_to_four_blocks) {
  std::mt19937 rng(42);
  for (std::size_t n = 0; n <= 260; ++n) {
    const std::string bytes = random_bytes(n, rng);
    ASSERT_EQ(sha256_hex(bytes), openssl_sha256_hex(bytes)) << n << " bytes";
  }
}

TEST(sha256, gives_the_same_digest_however_the_input_is_split) {
  std::mt19937 rng(7);
  const std::string bytes = random_bytes(100'003, rng);
  const std::string expected = openssl_sha256_hex(bytes);
  for (std::size_t piece : {1u, 3u, 55u, 56u, 63u, 64u, 65u, 4096u, 99'999u}) {
    sha256 h;
    for (std::size_t at = 0; at < bytes.size(); at += piece) h.update(std::string_view(bytes).substr(at, piece));
    const sha256::digest d = h.finish();
    std::string hex;
    for (std::uint8_t b : d) {
      hex += "0123456789abcdef"[b >> 4];
      hex += "0123456789abcdef"[b & 15];
    }
    EXPECT_EQ(hex, expected) << "pieces of " << piece;
  }
}

TEST(content_hash, is_the_first_128_bits_of_sha256_in_lower_case_hex) {
  const std::string photo = read_file(std::string(POLYLENS_ASSETS_DIR) + "/images/kodak-01.jpg");
  ASSERT_FALSE(photo.empty());
  const std::string id = content_hash(photo);
  EXPECT_EQ(id, openssl_sha256_hex(photo).substr(0, 32));
  EXPECT_TRUE(is_content_hash(id));
}

TEST(content_hash, recognises_only_32_lower_case_hex_digits) {
  EXPECT_TRUE(is_content_hash("0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(is_content_hash(""));
  EXPECT_FALSE(is_content_hash("0123456789abcdef0123456789abcde"));    // 31
  EXPECT_FALSE(is_content_hash("0123456789abcdef0123456789abcdef0"));  // 33
  EXPECT_FALSE(is_content_hash("0123456789ABCDEF0123456789abcdef"));   // upper case
  EXPECT_FALSE(is_content_hash("0123456789abcdeg0123456789abcdef"));   // not hex
  EXPECT_FALSE(is_content_hash("_search_________________________"));
}
