#include "image_fixtures.h"

#include <stb_image_write.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "jpeg_segments.h"

namespace polylens::fixtures {

namespace {

void stb_append(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

void put_le(std::string& s, std::size_t at, std::uint32_t v, int size) {
  for (int i = 0; i < size; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
void put_be(std::string& s, std::size_t at, std::uint32_t v, int size) {
  for (int i = 0; i < size; ++i) s[at + i] = static_cast<char>((v >> (8 * (size - 1 - i))) & 0xFF);
}
std::string le(std::uint32_t v, int size) {
  std::string s(static_cast<std::size_t>(size), '\0');
  put_le(s, 0, v, size);
  return s;
}
std::uint32_t get_le(const std::string& s, std::size_t at, int size) {
  std::uint32_t v = 0;
  for (int i = size - 1; i >= 0; --i) v = (v << 8) | static_cast<std::uint8_t>(s[at + i]);
  return v;
}

std::uint32_t crc32(std::string_view bytes) {  // PNG's CRC (ISO 3309), bit by bit: fixtures are tiny
  std::uint32_t crc = 0xFFFFFFFFu;
  for (char c : bytes) {
    crc ^= static_cast<std::uint8_t>(c);
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

std::string from_webp_buffer(std::uint8_t* out, std::size_t size) {
  if (size == 0) throw std::runtime_error("libwebp could not encode the fixture");
  std::string s(reinterpret_cast<const char*>(out), size);
  WebPFree(out);
  return s;
}

std::string rgba_of(const rgb_image& image) {
  std::string rgba;
  rgba.reserve(image.pixels.size() / 3 * 4);
  for (std::size_t i = 0; i < image.pixels.size(); i += 3) rgba.append(image.pixels, i, 3).push_back('\xFF');
  return rgba;
}

}  // namespace

rgb_image solid(int width, int height, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  rgb_image img{width, height, {}};
  for (int i = 0; i < width * height; ++i) img.pixels += {static_cast<char>(r), static_cast<char>(g), static_cast<char>(b)};
  return img;
}

rgb_image quadrants(int width, int height) {
  static constexpr std::array<std::array<std::uint8_t, 3>, 4> colours = {{{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}}};
  rgb_image img{width, height, {}};
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const auto& c = colours[(y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1)];
      img.pixels += {static_cast<char>(c[0]), static_cast<char>(c[1]), static_cast<char>(c[2])};
    }
  return img;
}

std::string png(const rgb_image& image) {
  std::string out;
  stbi_write_png_to_func(stb_append, &out, image.width, image.height, 3, image.pixels.data(), image.width * 3);
  return out;
}

std::string png_rgba(int width, int height, const std::string& rgba) {
  std::string out;
  stbi_write_png_to_func(stb_append, &out, width, height, 4, rgba.data(), width * 4);
  return out;
}

std::string bmp(const rgb_image& image) {
  std::string out;
  stbi_write_bmp_to_func(stb_append, &out, image.width, image.height, 3, image.pixels.data());
  return out;
}

std::string jpeg(const rgb_image& image, int quality) {
  std::string out;
  stbi_write_jpg_to_func(stb_append, &out, image.width, image.height, 3, image.pixels.data(), quality);
  return out;
}

std::string exif_app1(int orientation, bool big_endian) {
  auto put = [&](std::string& s, std::size_t at, std::uint32_t v, int size) {
    big_endian ? put_be(s, at, v, size) : put_le(s, at, v, size);
  };
  // TIFF header (8 bytes), IFD0 at 8 with two entries (2 + 2 * 12 + 4 bytes), then the Make string.
  // The Make entry comes first so the reader has to step over an entry whose value lies elsewhere.
  std::string tiff(8 + 30 + 6, '\0');
  tiff[0] = tiff[1] = big_endian ? 'M' : 'I';
  put(tiff, 2, 42, 2);
  put(tiff, 4, 8, 4);
  put(tiff, 8, 2, 2);                                    // two entries
  put(tiff, 10, 0x010F, 2); put(tiff, 12, 2, 2);         // Make, ASCII,
  put(tiff, 14, 6, 4);      put(tiff, 18, 38, 4);        //   6 bytes at offset 38
  put(tiff, 22, 0x0112, 2); put(tiff, 24, 3, 2);         // Orientation, SHORT,
  put(tiff, 26, 1, 4);      put(tiff, 30, static_cast<std::uint32_t>(orientation), 2);  // one value
  put(tiff, 34, 0, 4);                                   // no IFD1
  tiff.replace(38, 6, std::string("Phone\0", 6));
  std::string payload = std::string("Exif\0\0", 6) + tiff;
  std::string segment = "\xFF\xE1" + std::string(2, '\0') + payload;
  put_be(segment, 2, static_cast<std::uint32_t>(payload.size() + 2), 2);
  return segment;
}

std::string jpeg_with_orientation(const std::string& jpeg, int orientation, bool big_endian) {
  return jpeg.substr(0, 2) + exif_app1(orientation, big_endian) + jpeg.substr(2);
}

std::string gif(int width, int height, const std::vector<gif_colour>& palette, const std::vector<std::string>& frames,
                bool transparent_zero) {
  // LZW with a 7-bit minimum code size keeps every code 8 bits wide as long as a clear code comes
  // before the table reaches 256 entries, so each pixel is one byte: valid GIF, no compressor.
  constexpr int clear = 128, end = 129, literals_per_clear = 100;
  std::string out = "GIF89a" + le(width, 2) + le(height, 2);
  out += {'\xF6', '\0', '\0'};  // a 128-entry global colour table, background 0, square pixels
  for (int i = 0; i < 128; ++i) {
    gif_colour c = i < static_cast<int>(palette.size()) ? palette[i] : gif_colour{0, 0, 0};
    out += {static_cast<char>(c.r), static_cast<char>(c.g), static_cast<char>(c.b)};
  }
  if (frames.size() > 1) out += std::string("\x21\xFF\x0BNETSCAPE2.0\x03\x01\0\0\0", 19);  // loop forever
  for (const std::string& indices : frames) {
    // Graphic control: dispose "leave in place", 100 ms, the transparent flag.
    out += {'\x21', '\xF9', '\x04', static_cast<char>(transparent_zero ? 0x05 : 0x04), 10, 0, 0, 0};
    out += "\x2C" + le(0, 2) + le(0, 2) + le(width, 2) + le(height, 2) + '\0';
    std::string codes(1, static_cast<char>(clear));
    for (std::size_t i = 0; i < indices.size(); ++i) {
      if (i > 0 && i % literals_per_clear == 0) codes += static_cast<char>(clear);
      codes += indices[i];
    }
    codes += static_cast<char>(end);
    out += '\x07';  // minimum code size
    for (std::size_t at = 0; at < codes.size(); at += 255) {
      std::size_t n = std::min<std::size_t>(255, codes.size() - at);
      out += static_cast<char>(n);
      out += codes.substr(at, n);
    }
    out += '\0';
  }
  return out + '\x3B';
}

std::string webp_lossy(const rgb_image& image, float quality) {
  std::uint8_t* out = nullptr;
  std::size_t size = WebPEncodeRGB(reinterpret_cast<const std::uint8_t*>(image.pixels.data()), image.width,
                                   image.height, image.width * 3, quality, &out);
  return from_webp_buffer(out, size);
}

std::string webp_lossless_rgba(int width, int height, const std::string& rgba) {
  std::uint8_t* out = nullptr;
  std::size_t size =
      WebPEncodeLosslessRGBA(reinterpret_cast<const std::uint8_t*>(rgba.data()), width, height, width * 4, &out);
  return from_webp_buffer(out, size);
}

std::string webp_animation(int canvas_width, int canvas_height, const rgb_image& first, int x, int y,
                           const rgb_image& second) {
  std::string frames[2] = {webp_lossless_rgba(first.width, first.height, rgba_of(first)),
                           webp_lossless_rgba(second.width, second.height, rgba_of(second))};
  WebPMux* mux = WebPMuxNew();
  for (int i = 0; i < 2; ++i) {
    WebPMuxFrameInfo frame{};
    frame.bitstream = {reinterpret_cast<const std::uint8_t*>(frames[i].data()), frames[i].size()};
    frame.x_offset = i == 0 ? x : 0;
    frame.y_offset = i == 0 ? y : 0;
    frame.duration = 100;
    frame.id = WEBP_CHUNK_ANMF;
    frame.dispose_method = WEBP_MUX_DISPOSE_NONE;
    frame.blend_method = WEBP_MUX_NO_BLEND;
    if (WebPMuxPushFrame(mux, &frame, 1) != WEBP_MUX_OK) throw std::runtime_error("WebPMuxPushFrame failed");
  }
  WebPMuxAnimParams params{0xFFFFFFFFu, 0};  // white background, loop forever
  WebPData assembled{};
  if (WebPMuxSetCanvasSize(mux, canvas_width, canvas_height) != WEBP_MUX_OK ||
      WebPMuxSetAnimationParams(mux, &params) != WEBP_MUX_OK || WebPMuxAssemble(mux, &assembled) != WEBP_MUX_OK)
    throw std::runtime_error("could not assemble the animated WebP fixture");
  std::string out(reinterpret_cast<const char*>(assembled.bytes), assembled.size);
  WebPDataClear(&assembled);
  WebPMuxDelete(mux);
  return out;
}

resized_header with_claimed_size(const std::string& file, image_format format, std::int64_t width,
                                 std::int64_t height) {
  resized_header r{file, width, height};
  auto clamp = [&](std::int64_t most) {
    r.width = std::min(r.width, most);
    r.height = std::min(r.height, most);
  };
  switch (format) {
    case image_format::png:  // IHDR's data, then its CRC, which must cover the change
      put_be(r.bytes, 16, static_cast<std::uint32_t>(width), 4);
      put_be(r.bytes, 20, static_cast<std::uint32_t>(height), 4);
      put_be(r.bytes, 29, crc32(std::string_view(r.bytes).substr(12, 17)), 4);
      break;
    case image_format::bmp:
      put_le(r.bytes, 18, static_cast<std::uint32_t>(width), 4);
      put_le(r.bytes, 22, static_cast<std::uint32_t>(height), 4);
      break;
    case image_format::gif:
      clamp(65535);
      put_le(r.bytes, 6, static_cast<std::uint32_t>(r.width), 2);
      put_le(r.bytes, 8, static_cast<std::uint32_t>(r.height), 2);
      break;
    case image_format::jpeg: {
      clamp(65535);
      std::size_t at = 0;
      jpeg_segments_walk(file, [&](const jpeg_segment& s) {
        if (!jpeg_segment_is_frame_header(s.marker)) return true;
        at = static_cast<std::size_t>(s.payload.data() - file.data());
        return false;
      });
      if (at == 0) throw std::runtime_error("the JPEG fixture has no frame header");
      put_be(r.bytes, at + 1, static_cast<std::uint32_t>(r.height), 2);
      put_be(r.bytes, at + 3, static_cast<std::uint32_t>(r.width), 2);
      break;
    }
    case image_format::webp:
      if (file.compare(12, 4, "VP8X") == 0) {  // the canvas of an extended file: 24 bits of size - 1
        clamp(std::int64_t{1} << 24);
        put_le(r.bytes, 24, static_cast<std::uint32_t>(r.width - 1), 3);
        put_le(r.bytes, 27, static_cast<std::uint32_t>(r.height - 1), 3);
      } else if (file.compare(12, 4, "VP8 ") == 0) {  // 14-bit sizes after the frame tag and start code
        clamp(16383);
        put_le(r.bytes, 26, static_cast<std::uint32_t>(r.width), 2);
        put_le(r.bytes, 28, static_cast<std::uint32_t>(r.height), 2);
      } else if (file.compare(12, 4, "VP8L") == 0) {  // 14 bits of width - 1, then height - 1
        clamp(16384);
        std::uint32_t bits = get_le(file, 21, 4) & ~0x0FFFFFFFu;
        put_le(r.bytes, 21, bits | std::uint32_t(r.width - 1) | (std::uint32_t(r.height - 1) << 14), 4);
      } else {
        throw std::runtime_error("with_claimed_size: an unknown WebP chunk");
      }
      break;
    case image_format::unknown:
      throw std::runtime_error("with_claimed_size needs a format");
  }
  return r;
}

}  // namespace polylens::fixtures
