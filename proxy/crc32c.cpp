#include "crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace polylens {

namespace {

constexpr std::uint32_t castagnoli_reflected = 0x82F63B78u;

// Slicing-by-8: table[k][b] is the CRC of byte b followed by k zero bytes.
struct crc_tables {
  std::array<std::array<std::uint32_t, 256>, 8> t{};
  constexpr crc_tables() {
    for (std::uint32_t b = 0; b < 256; ++b) {
      std::uint32_t c = b;
      for (int i = 0; i < 8; ++i) c = (c >> 1) ^ ((c & 1u) ? castagnoli_reflected : 0u);
      t[0][b] = c;
    }
    for (std::size_t k = 1; k < 8; ++k)
      for (std::uint32_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFFu];
  }
};
constexpr crc_tables tables;

std::uint32_t crc_table_driven(const unsigned char* p, std::size_t n, std::uint32_t crc) {
  const auto& t = tables.t;
  while (n >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);  // little-endian hosts only (static_assert in the store)
    word ^= crc;
    crc = t[7][word & 0xFF] ^ t[6][(word >> 8) & 0xFF] ^ t[5][(word >> 16) & 0xFF] ^ t[4][(word >> 24) & 0xFF] ^
          t[3][(word >> 32) & 0xFF] ^ t[2][(word >> 40) & 0xFF] ^ t[1][(word >> 48) & 0xFF] ^ t[0][word >> 56];
    p += 8;
    n -= 8;
  }
  while (n--) crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xFFu];
  return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) std::uint64_t crc_words(const unsigned char* p, std::size_t n, std::uint64_t c) {
  for (; n >= 8; n -= 8, p += 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    c = _mm_crc32_u64(c, word);
  }
  return c;
}

// The crc32 instruction takes 3 cycles but can start one every cycle, so three independent streams
// over three stripes of a block go about three times as fast as one. The CRC register is linear in
// its starting value: crc(r, A B) = shift_B(crc(r, A)) ^ crc(0, B), where shift_B runs r through
// |B| zero bytes; for a fixed |B| that shift is four 256-entry tables.
constexpr std::size_t stripe_bytes = 4096;

struct shift_tables {
  std::uint32_t t[4][256];
  shift_tables() {
    static const unsigned char zeros[stripe_bytes] = {};
    for (int k = 0; k < 4; ++k)
      for (std::uint32_t b = 0; b < 256; ++b)
        t[k][b] = crc_table_driven(zeros, stripe_bytes, b << (8 * k));
  }
  std::uint32_t shift(std::uint32_t r) const {
    return t[0][r & 0xFF] ^ t[1][(r >> 8) & 0xFF] ^ t[2][(r >> 16) & 0xFF] ^ t[3][r >> 24];
  }
};

__attribute__((target("sse4.2"))) std::uint32_t crc_sse42(const unsigned char* p, std::size_t n, std::uint32_t crc) {
  static const shift_tables tables;
  std::uint64_t c = crc;
  while (n > 0 && (reinterpret_cast<std::uintptr_t>(p) & 7u)) {
    c = _mm_crc32_u8(static_cast<std::uint32_t>(c), *p++);
    --n;
  }
  while (n >= 3 * stripe_bytes) {
    std::uint64_t a = c, b = 0, d = 0;
    const unsigned char* q = p;
    for (std::size_t i = 0; i < stripe_bytes; i += 8, q += 8) {
      std::uint64_t x, y, z;
      std::memcpy(&x, q, 8);
      std::memcpy(&y, q + stripe_bytes, 8);
      std::memcpy(&z, q + 2 * stripe_bytes, 8);
      a = _mm_crc32_u64(a, x);
      b = _mm_crc32_u64(b, y);
      d = _mm_crc32_u64(d, z);
    }
    const std::uint32_t ab = tables.shift(static_cast<std::uint32_t>(a)) ^ static_cast<std::uint32_t>(b);
    c = tables.shift(ab) ^ static_cast<std::uint32_t>(d);
    p += 3 * stripe_bytes;
    n -= 3 * stripe_bytes;
  }
  c = crc_words(p, n, c);
  p += n & ~std::size_t{7};
  n &= 7;
  while (n--) c = _mm_crc32_u8(static_cast<std::uint32_t>(c), *p++);
  return static_cast<std::uint32_t>(c);
}

bool have_sse42() {
  static const bool yes = __builtin_cpu_supports("sse4.2");
  return yes;
}
#endif

}  // namespace

std::uint32_t crc32c_portable(const void* data, std::size_t size, std::uint32_t crc) {
  return ~crc_table_driven(static_cast<const unsigned char*>(data), size, ~crc);
}

std::uint32_t crc32c(const void* data, std::size_t size, std::uint32_t crc) {
#if defined(__x86_64__)
  if (have_sse42()) return ~crc_sse42(static_cast<const unsigned char*>(data), size, ~crc);
#endif
  return crc32c_portable(data, size, crc);
}

}  // namespace polylens
