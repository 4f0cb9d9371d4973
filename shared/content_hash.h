// Document ids are content hashes, so the same image is never stored twice, whoever sends it: the
// indexer and POST /api/v1/images hash the file natively, the browser hashes it in WebAssembly
// before shrinking it, and all of them get the same id. Self-contained SHA-256 (FIPS 180-4), since
// OpenSSL is not there in the browser; tests/unit/content_hash_test.cpp holds it to the standard's
// vectors and to OpenSSL.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace polylens {

class sha256 {
 public:
  using digest = std::array<std::uint8_t, 32>;

  sha256();
  sha256& update(std::string_view bytes);
  digest finish();  // once; the object is spent afterwards

 private:
  void compress(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> block_{};
  std::size_t block_used_ = 0;
  std::uint64_t total_bytes_ = 0;
};

std::string sha256_hex(std::string_view bytes);  // all 256 bits, 64 lower-case hex digits

// The first 128 bits of SHA-256, as 32 lower-case hex digits.
std::string content_hash(std::string_view bytes);
// Has the shape of a content hash: exactly 32 lower-case hex digits.
bool is_content_hash(std::string_view text);

}  // namespace polylens
