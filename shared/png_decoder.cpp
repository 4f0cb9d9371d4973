#include "png_decoder.h"

#include <libdeflate.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace polylens {

namespace {

api_error invalid(const std::string& why) { return {error_type::invalid_image, "cannot decode the PNG: " + why}; }

std::uint32_t be32(const unsigned char* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

// ---- Chunks ---------------------------------------------------------------------------------------

struct png_file {
  std::int64_t width = 0, height = 0;
  int bit_depth = 0, color_type = 0;
  bool interlaced = false;
  int samples = 0;                                // per pixel, as stored: 1 (grey, palette), 2, 3 or 4
  std::array<std::array<unsigned char, 4>, 256> palette{};  // RGBA; alpha from tRNS
  int palette_size = 0;
  bool has_key = false;                           // tRNS of a grey or RGB image: the transparent colour
  std::array<std::uint16_t, 3> key{};
  std::vector<std::string_view> idat;             // the zlib stream, in pieces
};

int samples_of(int color_type) {
  switch (color_type) {
    case 0: return 1;
    case 2: return 3;
    case 3: return 1;
    case 4: return 2;
    case 6: return 4;
  }
  return 0;
}

bool depth_allowed(int color_type, int depth) {
  switch (color_type) {
    case 0: return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3: return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2: case 4: case 6: return depth == 8 || depth == 16;
  }
  return false;
}

// Reads the chunks up to IEND. The size is checked as soon as IHDR is read, before anything else.
// CRCs are not checked (stb_image does not either): a damaged byte in the image data still fails
// zlib's Adler-32, and one elsewhere can only change a size or a colour that is checked anyway.
result<png_file> read_chunks(std::string_view bytes, std::int64_t max_pixels) {
  if (bytes.size() < 8 || bytes.substr(0, 8) != std::string_view("\x89PNG\r\n\x1A\n", 8))
    return invalid("it has no PNG signature");
  png_file png;
  bool have_header = false;
  auto u = reinterpret_cast<const unsigned char*>(bytes.data());
  for (std::size_t at = 8;;) {
    // A file cut short after its image data still decodes (browsers show it too); inflating says
    // whether the image data itself is whole.
    if (bytes.size() - at < 8 && have_header && !png.idat.empty()) break;
    if (bytes.size() - at < 8) return invalid(have_header ? "it is truncated: it has no image data" : "it has no IHDR");
    const std::uint32_t length = be32(u + at);
    const std::string_view type = bytes.substr(at + 4, 4);
    if (length > 0x7FFFFFFFu || bytes.size() - at - 8 < std::uint64_t{length})
      return invalid("it is truncated: its " + std::string(type) + " chunk runs past the end");
    const unsigned char* data = u + at + 8;
    at += 8 + std::size_t{length} + std::min<std::size_t>(4, bytes.size() - at - 8 - length);  // CRC, if present
    if (!have_header) {
      if (type != "IHDR" || length != 13) return invalid("it does not start with IHDR");
      png.width = be32(data), png.height = be32(data + 4);
      png.bit_depth = data[8], png.color_type = data[9];
      if (auto error = rgb_image_size_error("PNG", png.width, png.height, max_pixels)) return *error;
      if (!depth_allowed(png.color_type, png.bit_depth))
        return invalid("colour type " + std::to_string(png.color_type) + " with bit depth " +
                       std::to_string(png.bit_depth) + " does not exist");
      if (data[10] != 0 || data[11] != 0) return invalid("its compression or filter method is unknown");
      if (data[12] > 1) return invalid("its interlace method is unknown");
      png.interlaced = data[12] == 1;
      png.samples = samples_of(png.color_type);
      for (auto& entry : png.palette) entry = {0, 0, 0, 255};  // out-of-range indices come out black
      have_header = true;
      continue;
    }
    if (type == "IEND") break;
    if (type == "IDAT") {
      png.idat.push_back({reinterpret_cast<const char*>(data), length});
    } else if (type == "PLTE") {
      if (length % 3 != 0 || length == 0 || length > 768) return invalid("its palette has a bad length");
      png.palette_size = int(length / 3);
      for (int i = 0; i < png.palette_size; ++i)
        png.palette[i] = {data[3 * i], data[3 * i + 1], data[3 * i + 2], 255};
    } else if (type == "tRNS") {
      if (png.color_type == 3) {
        if (png.palette_size == 0 || int(length) > png.palette_size) return invalid("tRNS does not fit its palette");
        for (std::uint32_t i = 0; i < length; ++i) png.palette[i][3] = data[i];
      } else if (png.color_type == 0 || png.color_type == 2) {
        if (length != std::uint32_t(png.color_type == 0 ? 2 : 6)) return invalid("tRNS has a bad length");
        png.has_key = true;
        for (std::uint32_t i = 0; i < length / 2; ++i) png.key[i] = std::uint16_t(data[2 * i] << 8 | data[2 * i + 1]);
      }  // images with an alpha channel have no use for tRNS: ignored, as libpng does
    } else if (type == "CgBI") {
      return invalid("it is an Apple CgBI PNG, which only Apple's software reads");
    } else if (type[0] >= 'A' && type[0] <= 'Z') {
      return invalid("it has an unknown critical chunk '" + std::string(type) + "'");
    }
  }
  if (png.idat.empty()) return invalid("it has no image data (IDAT)");
  if (png.color_type == 3 && png.palette_size == 0) return invalid("it has no palette (PLTE)");
  return png;
}

// ---- Inflate --------------------------------------------------------------------------------------

// Adam7's seven passes, each a sub-image of every dx-th pixel of every dy-th row from (x0, y0); a
// plain PNG is one pass of all pixels.
struct pass {
  int x0, y0, dx, dy;
};
constexpr pass adam7[7] = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
                           {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};
constexpr pass whole = {0, 0, 1, 1};

std::int64_t pass_width(const png_file& png, const pass& p) { return (png.width - p.x0 + p.dx - 1) / p.dx; }
std::int64_t pass_height(const png_file& png, const pass& p) { return (png.height - p.y0 + p.dy - 1) / p.dy; }
std::int64_t row_bytes(const png_file& png, std::int64_t width) {
  return (width * png.samples * png.bit_depth + 7) / 8;
}

// The bytes the zlib stream must inflate to: each row of each pass, plus its filter-type byte.
std::uint64_t filtered_size(const png_file& png) {
  std::uint64_t total = 0;
  for (const pass& p : png.interlaced ? std::vector<pass>(adam7, adam7 + 7) : std::vector<pass>{whole}) {
    const std::int64_t w = pass_width(png, p), h = pass_height(png, p);
    if (w > 0 && h > 0) total += std::uint64_t(h) * std::uint64_t(1 + row_bytes(png, w));
  }
  return total;
}

const char* libdeflate_result_name(libdeflate_result r) {
  switch (r) {
    case LIBDEFLATE_SUCCESS: return "LIBDEFLATE_SUCCESS";
    case LIBDEFLATE_BAD_DATA: return "LIBDEFLATE_BAD_DATA (the data is corrupt)";
    case LIBDEFLATE_SHORT_OUTPUT: return "LIBDEFLATE_SHORT_OUTPUT (the data ends early)";
    case LIBDEFLATE_INSUFFICIENT_SPACE: return "LIBDEFLATE_INSUFFICIENT_SPACE (more data than the image needs)";
  }
  return "an unknown result";
}

result<std::vector<unsigned char>> inflate_image_data(const png_file& png) {
  const std::uint64_t expected = filtered_size(png);
  // At most 8 bytes per pixel plus a byte per row, under the pixel cap: this only guards wasm32's size_t.
  if (expected > std::uint64_t(SIZE_MAX / 2)) return invalid("its image data would not fit in memory");
  // libdeflate takes the whole stream at once: join the IDAT chunks when there are several.
  std::string joined;
  std::string_view stream = png.idat.front();
  if (png.idat.size() > 1) {
    for (std::string_view piece : png.idat) joined.append(piece);
    stream = joined;
  }
  std::vector<unsigned char> out(static_cast<std::size_t>(expected));
  std::unique_ptr<libdeflate_decompressor, void (*)(libdeflate_decompressor*)> inflater(
      libdeflate_alloc_decompressor(), libdeflate_free_decompressor);
  if (!inflater) return api_error{error_type::internal_error, "libdeflate could not allocate its decompressor"};
  // The zlib header by hand, then the raw deflate stream: its Adler-32 is not checked (stb_image does
  // not either), which saves a pass over the inflated bytes. Damage that inflating does not notice
  // changes colours at worst; the sizes are fixed by IHDR.
  const auto* z = reinterpret_cast<const unsigned char*>(stream.data());
  if (stream.size() < 2 || (z[0] & 0x0F) != 8 || (z[0] >> 4) > 7 || (z[0] << 8 | z[1]) % 31 != 0 || (z[1] & 0x20))
    return invalid("its image data does not start with a zlib header");
  std::size_t got = 0;
  const libdeflate_result r =
      libdeflate_deflate_decompress(inflater.get(), z + 2, stream.size() - 2, out.data(), out.size(), &got);
  if (r != LIBDEFLATE_SUCCESS) return invalid(std::string("its image data does not inflate: libdeflate says ") +
                                              libdeflate_result_name(r));
  if (got != out.size())
    return invalid("its image data is " + std::to_string(got) + " bytes; its size needs " + std::to_string(out.size()));
  return out;
}

// ---- Unfilter ---------------------------------------------------------------------------------------

int paeth(int a, int b, int c) {
  const int pa = std::abs(b - c), pb = std::abs(a - c), pc = std::abs(a + b - 2 * c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

// Undoes one row's filter in place. prev is the row above, already unfiltered (zeros for a pass's
// first row). bpp, the bytes per complete pixel (at least 1), is a template argument so that the
// loops over each byte's left neighbour compile to straight code for each pixel size.
template <int bpp>
void unfilter_row(unsigned char* row, const unsigned char* prev, std::size_t n, int filter) {
  switch (filter) {
    case 1:
      for (std::size_t i = bpp; i < n; ++i) row[i] = static_cast<unsigned char>(row[i] + row[i - bpp]);
      break;
    case 2:
      for (std::size_t i = 0; i < n; ++i) row[i] = static_cast<unsigned char>(row[i] + prev[i]);
      break;
    case 3:
      for (std::size_t i = 0; i < std::min<std::size_t>(bpp, n); ++i) row[i] = static_cast<unsigned char>(row[i] + (prev[i] >> 1));
      for (std::size_t i = bpp; i < n; ++i) row[i] = static_cast<unsigned char>(row[i] + ((row[i - bpp] + prev[i]) >> 1));
      break;
    case 4:
      for (std::size_t i = 0; i < std::min<std::size_t>(bpp, n); ++i) row[i] = static_cast<unsigned char>(row[i] + prev[i]);
      for (std::size_t i = bpp; i < n; ++i)
        row[i] = static_cast<unsigned char>(row[i] + paeth(row[i - bpp], prev[i], prev[i - bpp]));
      break;
  }
}

void unfilter(unsigned char* row, const unsigned char* prev, std::size_t n, int filter, int bpp) {
  switch (bpp) {
    case 1: return unfilter_row<1>(row, prev, n, filter);
    case 2: return unfilter_row<2>(row, prev, n, filter);
    case 3: return unfilter_row<3>(row, prev, n, filter);
    case 4: return unfilter_row<4>(row, prev, n, filter);
    case 6: return unfilter_row<6>(row, prev, n, filter);
    case 8: return unfilter_row<8>(row, prev, n, filter);
  }
}

// ---- Rows to RGB ------------------------------------------------------------------------------------

// rgb_image_from_rgba_on_white's (c * a + 255 * (255 - a) + 127) / 255, without the division:
// t is at most 65152, and for every t up to there (t + 1 + (t >> 8)) >> 8 == t / 255 (checked
// exhaustively), so the whole sum stays in 16 bits. An opaque pixel (a = 255) comes out unchanged.
inline unsigned char on_white(int c, int a) {
  const unsigned t = unsigned(c * a + 255 * (255 - a) + 127);
  return static_cast<unsigned char>((t + 1 + (t >> 8)) >> 8);
}

// 8-bit RGBA to RGB on white, the common case: browsers, phones and screenshot tools write RGBA even
// for opaque pictures. `out` has room for 4 bytes past the row (each SIMD store writes 16 for 12).
void rgba8_to_rgb(const unsigned char* in, int width, unsigned char* out) {
  int x = 0;
#ifdef __wasm_simd128__
  // Four pixels at a time in 16-bit lanes: the same arithmetic as on_white, eight channels at once.
  const v128_t k255 = wasm_i16x8_splat(255), k127 = wasm_i16x8_splat(127), k1 = wasm_i16x8_splat(1);
  auto flatten = [&](v128_t px) {  // two pixels, RGBA, in 16-bit lanes
    const v128_t a = wasm_i16x8_shuffle(px, px, 3, 3, 3, 3, 7, 7, 7, 7);
    v128_t t = wasm_i16x8_add(wasm_i16x8_mul(px, a), wasm_i16x8_add(wasm_i16x8_mul(wasm_i16x8_sub(k255, a), k255), k127));
    return wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_add(t, k1), wasm_u16x8_shr(t, 8)), 8);
  };
  for (; x + 4 <= width; x += 4, in += 16, out += 12) {
    const v128_t px = wasm_v128_load(in);
    const v128_t rgba = wasm_u8x16_narrow_i16x8(flatten(wasm_u16x8_extend_low_u8x16(px)),
                                                flatten(wasm_u16x8_extend_high_u8x16(px)));
    wasm_v128_store(out, wasm_i8x16_shuffle(rgba, rgba, 0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0, 0, 0, 0));
  }
#endif
  for (; x < width; ++x, in += 4, out += 3) {
    const int a = in[3];
    out[0] = on_white(in[0], a), out[1] = on_white(in[1], a), out[2] = on_white(in[2], a);
  }
}

// One unfiltered row of `width` pixels to RGB, flattened on white.
void row_to_rgb(const png_file& png, const unsigned char* in, int width, unsigned char* out) {
  const int depth = png.bit_depth;
  if (png.color_type == 6 && depth == 8) return rgba8_to_rgb(in, width, out);
  if (png.color_type == 2 && depth == 8 && !png.has_key) {
    std::memcpy(out, in, std::size_t(width) * 3);
    return;
  }
  // Everything else, sample by sample: sample(i) is the i-th sample of the row at its stored depth.
  auto sample = [&](std::int64_t i) -> int {
    switch (depth) {
      case 16: return in[2 * i] << 8 | in[2 * i + 1];
      case 8: return in[i];
      default: {
        const std::int64_t bit = i * depth;
        return (in[bit / 8] >> (8 - depth - bit % 8)) & ((1 << depth) - 1);
      }
    }
  };
  auto to8 = [&](int v) { return depth == 16 ? v >> 8 : depth == 8 ? v : v * 255 / ((1 << depth) - 1); };
  const int n = png.samples;
  for (int x = 0; x < width; ++x, out += 3) {
    int r, g, b, a = 255;
    switch (png.color_type) {
      case 0: {
        const int v = sample(x);
        r = g = b = to8(v);
        if (png.has_key && v == png.key[0]) a = 0;
        break;
      }
      case 2: {
        const int vr = sample(3 * x), vg = sample(3 * x + 1), vb = sample(3 * x + 2);
        r = to8(vr), g = to8(vg), b = to8(vb);
        if (png.has_key && vr == png.key[0] && vg == png.key[1] && vb == png.key[2]) a = 0;
        break;
      }
      case 3: {
        const auto& entry = png.palette[sample(x)];
        r = entry[0], g = entry[1], b = entry[2], a = entry[3];
        break;
      }
      case 4: r = g = b = to8(sample(n * x)), a = to8(sample(n * x + 1)); break;
      default: r = to8(sample(n * x)), g = to8(sample(n * x + 1)), b = to8(sample(n * x + 2)), a = to8(sample(n * x + 3));
    }
    out[0] = on_white(r, a), out[1] = on_white(g, a), out[2] = on_white(b, a);
  }
}

// Unfilters the rows of one pass in place, calling on_row(y, rgb) for each.
template <typename on_row_fn>
result<bool> each_pass_row(const png_file& png, const pass& p, unsigned char*& data, on_row_fn on_row) {
  const std::int64_t w = pass_width(png, p), h = pass_height(png, p);
  if (w <= 0 || h <= 0) return true;
  const std::size_t n = static_cast<std::size_t>(row_bytes(png, w));
  const int bpp = std::max(1, png.samples * png.bit_depth / 8);
  const std::vector<unsigned char> zeros(n, 0);
  std::vector<unsigned char> rgb(static_cast<std::size_t>(w) * 3 + 4);  // + 4: rgba8_to_rgb's last store
  const unsigned char* prev = zeros.data();
  for (std::int64_t y = 0; y < h; ++y) {
    const int filter = data[0];
    unsigned char* row = data + 1;
    if (filter > 4) return invalid("row " + std::to_string(y) + " has filter type " + std::to_string(filter));
    unfilter(row, prev, n, filter, bpp);
    row_to_rgb(png, row, int(w), rgb.data());
    on_row(y, rgb.data());
    prev = row;
    data += 1 + n;
  }
  return true;
}

}  // namespace

result<bool> png_decode_rows(std::string_view bytes, std::int64_t max_pixels, image_row_sink& sink) {
  auto png = read_chunks(bytes, max_pixels);
  if (!png) return png.error();
  auto filtered = inflate_image_data(*png);
  if (!filtered) return filtered.error();
  const int width = int(png->width), height = int(png->height);
  unsigned char* data = filtered->data();
  if (!png->interlaced) {
    sink.begin(width, height);
    return each_pass_row(*png, whole, data, [&](std::int64_t, const unsigned char* rgb) { sink.row(rgb); });
  }
  // Adam7: the passes are put together into the full picture first; then its rows go to the sink.
  rgb_image full{width, height, std::string(std::size_t(width) * height * 3, '\0')};
  auto* pixels = reinterpret_cast<unsigned char*>(full.pixels.data());
  for (const pass& p : adam7) {
    auto done = each_pass_row(*png, p, data, [&](std::int64_t y, const unsigned char* rgb) {
      unsigned char* to = pixels + (std::size_t(p.y0 + y * p.dy) * width + p.x0) * 3;
      for (std::int64_t x = 0, w = pass_width(*png, p); x < w; ++x, to += 3 * p.dx, rgb += 3)
        to[0] = rgb[0], to[1] = rgb[1], to[2] = rgb[2];
    });
    if (!done) return done.error();
  }
  sink.begin(width, height);
  for (int y = 0; y < height; ++y) sink.row(pixels + std::size_t(y) * width * 3);
  return true;
}

namespace {
// Collects the rows into one picture.
class whole_image_sink : public image_row_sink {
 public:
  rgb_image image;
  void begin(int width, int height) override {
    image = {width, height, {}};
    image.pixels.reserve(std::size_t(width) * height * 3);
  }
  void row(const unsigned char* rgb) override {
    image.pixels.append(reinterpret_cast<const char*>(rgb), std::size_t(image.width) * 3);
  }
};
}  // namespace

result<rgb_image> png_decode(std::string_view bytes, std::int64_t max_pixels) {
  whole_image_sink sink;
  auto done = png_decode_rows(bytes, max_pixels, sink);
  if (!done) return done.error();
  return std::move(sink.image);
}

}  // namespace polylens
