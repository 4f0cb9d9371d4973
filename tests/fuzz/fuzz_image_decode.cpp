// A libFuzzer target for one decoder, through the production entry point image_decode (format
// sniffing, header size check, decoder, EXIF orientation), and for JPEG and PNG also through
// image_decode_fitted, the upload route. It is compiled once per format with
// POLYLENS_FUZZ_FORMAT set to jpeg, png, gif, bmp or webp; that format's magic bytes are forced onto
// every input, so mutations explore its decoder instead of ending in the sniffer.
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "image_format.h"
#include "image_preprocess.h"

namespace {

using polylens::image_format;

// Far below production's cap: a header claiming a few megapixels is then refused at once, and the
// biggest image a mutation can make still decodes well inside libFuzzer's per-input time limit.
constexpr int max_pixels = 1 << 20;

struct magic {
  std::size_t at;
  std::string_view bytes;
};

std::vector<magic> magic_of(image_format format) {
  switch (format) {
    case image_format::jpeg: return {{0, "\xFF\xD8\xFF"}};
    case image_format::png: return {{0, "\x89PNG\r\n\x1A\n"}};
    case image_format::gif: return {{0, "GIF89a"}};
    case image_format::bmp: return {{0, "BM"}};
    case image_format::webp: return {{0, "RIFF"}, {8, "WEBP"}};
    case image_format::unknown: break;
  }
  return {};
}

const std::vector<magic> magics = magic_of(image_format::POLYLENS_FUZZ_FORMAT);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  for (const magic& m : magics)
    if (bytes.size() >= m.at + m.bytes.size()) bytes.replace(m.at, m.bytes.size(), m.bytes);
  auto decoded = polylens::image_decode(bytes, max_pixels);
  // Beyond "no crash": what image_decode promises its callers.
  if (decoded) {
    const auto& img = *decoded;
    if (img.width <= 0 || img.height <= 0 || std::int64_t{img.width} * img.height > max_pixels ||
        img.pixels.size() != static_cast<std::size_t>(img.width) * img.height * 3)
      std::abort();
  } else if (decoded.error().message.empty()) {
    std::abort();
  }
  // JPEGs also take the browser's route: libjpeg-turbo's DCT-scaled decode (jpeg_decoder.h). Only
  // inputs image_decode accepted, so its small pixel cap bounds the work here too.
  if (image_format::POLYLENS_FUZZ_FORMAT == image_format::jpeg && decoded) {
    auto fitted = polylens::image_decode_fitted(bytes, 512);
    if (fitted ? fitted->pixels.size() != static_cast<std::size_t>(fitted->width) * fitted->height * 3 ||
                     std::max(fitted->width, fitted->height) > 512
               : fitted.error().message.empty())
      std::abort();
  }
  // PNGs take a route of their own too: decoded row by row and shrunk as the rows arrive
  // (png_decoder.h, image_fit_rows), whatever image_decode said, since the route does its own checks.
  // 4 px on the long side puts the seeds (16x12) through the box pre-shrink. Where both succeed, the
  // row-by-row result must be exactly image_fit_within's of the full picture.
  if (image_format::POLYLENS_FUZZ_FORMAT == image_format::png) {
    auto fitted = polylens::image_decode_fitted(bytes, 4, nullptr, nullptr, max_pixels);
    if (fitted ? fitted->pixels.size() != static_cast<std::size_t>(fitted->width) * fitted->height * 3 ||
                     std::max(fitted->width, fitted->height) > 4
               : fitted.error().message.empty())
      std::abort();
    if (fitted.ok() != decoded.ok()) std::abort();  // one decoder: both routes agree on what is valid
    if (fitted && decoded && fitted->pixels != polylens::image_fit_within(*decoded, 4).pixels) std::abort();
  }
  return 0;
}
