#include "corrupt_variants.h"

#include <algorithm>
#include <random>

#include "image_fixtures.h"

namespace polylens::fixtures {

namespace {

std::string hex(int v) {
  static const char digits[] = "0123456789abcdef";
  return std::string("0x") + digits[(v >> 4) & 15] + digits[v & 15];
}

}  // namespace

std::vector<corrupt_variant> corrupt_variants(const std::string& valid, image_format format) {
  std::vector<corrupt_variant> out;
  out.push_back({"empty", ""});

  // Cut short: every length through the headers, then evenly spaced through the data.
  const std::size_t n = valid.size();
  for (std::size_t len = 1; len < n; len += len < 96 ? 1 : std::max<std::size_t>(1, n / 64))
    out.push_back({"truncated at " + std::to_string(len), valid.substr(0, len)});

  // Each header byte inverted in turn: sizes, lengths, offsets and flags all live there.
  for (std::size_t at = 0; at < std::min<std::size_t>(n, 64); ++at) {
    std::string bytes = valid;
    bytes[at] = static_cast<char>(~bytes[at]);
    out.push_back({"inverted byte " + std::to_string(at), bytes});
  }

  // One to four bytes anywhere xor-ed with a random non-zero value, from a fixed seed.
  std::mt19937 random(1);
  for (int i = 0; i < 200 && n > 0; ++i) {
    std::string bytes = valid, name = "flipped";
    for (int k = 1 + static_cast<int>(random() % 4); k > 0; --k) {
      std::size_t at = random() % n;
      int mask = 1 + static_cast<int>(random() % 255);
      bytes[at] = static_cast<char>(bytes[at] ^ mask);
      name += " " + hex(mask) + "@" + std::to_string(at);
    }
    out.push_back({name, bytes});
  }

  // Headers claiming far more pixels than the limit, with the rest of the file unchanged.
  for (std::int64_t side : {20000, 100000}) {
    auto claimed = with_claimed_size(valid, format, side, side);
    out.push_back({"claims " + std::to_string(claimed.width) + "x" + std::to_string(claimed.height), claimed.bytes,
                   true});
  }
  return out;
}

std::string corrupt_corpus_origin(image_format format) {
  rgb_image img = quadrants(24, 16);
  switch (format) {
    case image_format::jpeg: return jpeg_with_orientation(jpeg(img, 90), 6);
    case image_format::png: return png(img);
    case image_format::gif: {
      std::string indices;
      for (int i = 0; i < 24 * 16; ++i) indices += static_cast<char>(1 + i % 3);
      return gif(24, 16, {{0, 0, 0}, {255, 0, 0}, {0, 255, 0}, {0, 0, 255}}, {indices, indices}, true);
    }
    case image_format::bmp: return bmp(img);
    case image_format::webp: return webp_lossy(img);
    case image_format::unknown: break;
  }
  return {};
}

}  // namespace polylens::fixtures
