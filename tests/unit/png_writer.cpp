#include "png_writer.h"

#include <algorithm>
#include <cstdlib>

namespace polylens::fixtures {

namespace {

std::uint32_t crc32(const std::string& bytes) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : bytes) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void put32(std::string& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out += static_cast<char>((v >> s) & 0xFF);
}

void chunk(std::string& out, const std::string& type, const std::string& data) {
  put32(out, std::uint32_t(data.size()));
  const std::string body = type + data;
  out += body;
  put32(out, crc32(body));
}

// zlib with stored deflate blocks.
std::string zlib_stored(const std::string& data) {
  std::string out = "\x78\x01";
  std::size_t at = 0;
  do {
    const std::size_t n = std::min<std::size_t>(65535, data.size() - at);
    out += static_cast<char>(at + n == data.size() ? 1 : 0);
    out += static_cast<char>(n & 0xFF), out += static_cast<char>(n >> 8);
    out += static_cast<char>(~n & 0xFF), out += static_cast<char>((~n >> 8) & 0xFF);
    out.append(data, at, n);
    at += n;
  } while (at < data.size());
  std::uint32_t a = 1, b = 0;
  for (unsigned char c : data) a = (a + c) % 65521, b = (b + a) % 65521;
  put32(out, b << 16 | a);
  return out;
}

int samples_of(int color_type) { return color_type == 2 ? 3 : color_type == 4 ? 2 : color_type == 6 ? 4 : 1; }

int paeth(int a, int b, int c) {
  const int pa = std::abs(b - c), pb = std::abs(a - c), pc = std::abs(a + b - 2 * c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

// Packs one row of samples at the spec's depth.
std::string pack(const png_spec& s, const std::vector<std::uint16_t>& row) {
  std::string out;
  if (s.bit_depth == 16) {
    for (auto v : row) out += static_cast<char>(v >> 8), out += static_cast<char>(v & 0xFF);
  } else if (s.bit_depth == 8) {
    for (auto v : row) out += static_cast<char>(v);
  } else {
    out.assign((row.size() * s.bit_depth + 7) / 8, '\0');
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::size_t bit = i * s.bit_depth;
      out[bit / 8] = static_cast<char>(out[bit / 8] | row[i] << (8 - s.bit_depth - bit % 8));
    }
  }
  return out;
}

// Filters a packed row with filter type `f` against the previous packed row.
std::string filtered(const std::string& row, const std::string& prev, int f, int bpp) {
  std::string out(1, static_cast<char>(f));
  for (std::size_t i = 0; i < row.size(); ++i) {
    const int x = static_cast<unsigned char>(row[i]);
    const int a = i >= std::size_t(bpp) ? static_cast<unsigned char>(row[i - bpp]) : 0;
    const int b = prev.empty() ? 0 : static_cast<unsigned char>(prev[i]);
    const int c = i >= std::size_t(bpp) && !prev.empty() ? static_cast<unsigned char>(prev[i - bpp]) : 0;
    const int predictor[5] = {0, a, b, (a + b) / 2, paeth(a, b, c)};
    out += static_cast<char>((x - predictor[f]) & 0xFF);
  }
  return out;
}

}  // namespace

std::string png_write(const png_spec& s) {
  const int n = samples_of(s.color_type);
  const int bpp = std::max(1, n * s.bit_depth / 8);
  struct pass { int x0, y0, dx, dy; };
  const std::vector<pass> passes = s.interlaced ? std::vector<pass>{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8},
                                                                    {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2},
                                                                    {0, 1, 1, 2}}
                                                : std::vector<pass>{{0, 0, 1, 1}};
  std::string raw;
  int filter = 0;
  for (const pass& p : passes) {
    std::string prev;
    for (int y = p.y0; y < s.height; y += p.dy) {
      std::vector<std::uint16_t> row;
      for (int x = p.x0; x < s.width; x += p.dx)
        for (int c = 0; c < n; ++c) row.push_back(s.samples[(std::size_t(y) * s.width + x) * n + c]);
      if (row.empty()) break;
      const std::string packed = pack(s, row);
      raw += filtered(packed, prev, filter, bpp);
      filter = (filter + 1) % 5;
      prev = packed;
    }
  }
  std::string out("\x89PNG\r\n\x1A\n", 8), ihdr;
  put32(ihdr, s.width), put32(ihdr, s.height);
  ihdr += static_cast<char>(s.bit_depth), ihdr += static_cast<char>(s.color_type);
  ihdr += std::string(2, '\0'), ihdr += static_cast<char>(s.interlaced ? 1 : 0);
  chunk(out, "IHDR", ihdr);
  if (!s.palette.empty()) {
    std::string plte;
    for (auto& e : s.palette) plte.append(reinterpret_cast<const char*>(e.data()), 3);
    chunk(out, "PLTE", plte);
  }
  if (!s.palette_alpha.empty()) chunk(out, "tRNS", std::string(s.palette_alpha.begin(), s.palette_alpha.end()));
  if (s.transparent) {
    std::string trns;
    for (int c = 0; c < (s.color_type == 0 ? 1 : 3); ++c)
      trns += static_cast<char>((*s.transparent)[c] >> 8), trns += static_cast<char>((*s.transparent)[c] & 0xFF);
    chunk(out, "tRNS", trns);
  }
  // The image data in two IDAT chunks, as encoders that write fixed-size chunks do.
  const std::string z = zlib_stored(raw);
  chunk(out, "IDAT", z.substr(0, z.size() / 2));
  chunk(out, "IDAT", z.substr(z.size() / 2));
  chunk(out, "IEND", "");
  return out;
}

png_spec png_test_picture(int width, int height, int color_type, int bit_depth, bool interlaced) {
  png_spec s;
  s.width = width, s.height = height, s.color_type = color_type, s.bit_depth = bit_depth, s.interlaced = interlaced;
  const int n = samples_of(color_type);
  const std::uint32_t max = (1u << bit_depth) - 1;
  std::uint32_t seed = 7;
  auto noise = [&] { return (seed = seed * 1103515245u + 12345u) >> 16; };
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < n; ++c) {
        const bool alpha = (color_type == 4 && c == 1) || (color_type == 6 && c == 3);
        double v;  // 0..1
        if (alpha) {
          v = x < width / 3 ? 1.0 : x < 2 * width / 3 ? double(y) / height : (y / 4 % 2 ? 0.0 : 1.0);
        } else {
          v = (double(x) / width * (c + 1) + double(y) / height * (3 - c)) / 4.0;  // gradients
          v += ((x / 3 + y / 3) % 2 ? 0.1 : -0.1) + (noise() % 100) / 2000.0;     // detail and a little noise
        }
        v = std::min(1.0, std::max(0.0, v));
        s.samples.push_back(std::uint16_t(v * max + 0.5));  // for a palette, the index of a ramp
      }
  if (color_type == 3) {
    for (std::uint32_t i = 0; i <= max; ++i)
      s.palette.push_back({std::uint8_t(i * 255 / max), std::uint8_t(255 - i * 255 / max), std::uint8_t(60 + i * 120 / max)});
    // The first entries fade in from transparent; past entry 199 there is no tRNS value (opaque).
    for (std::uint32_t i = 0; i <= max && i < 200; ++i) s.palette_alpha.push_back(std::uint8_t(std::min(255u, i * 1020 / max)));
  }
  if (color_type == 0 || color_type == 2) s.transparent = std::array<std::uint16_t, 3>{
      s.samples[0], s.samples[color_type == 2 ? 1 : 0], s.samples[color_type == 2 ? 2 : 0]};
  return s;
}

}  // namespace polylens::fixtures
