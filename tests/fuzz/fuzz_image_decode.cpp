// A libFuzzer target for one decoder, through the production entry point image_decode (format
// sniffing, header size check, decoder, EXIF orientation). It is compiled once per format with
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
  return 0;
}
