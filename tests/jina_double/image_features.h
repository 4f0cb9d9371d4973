// Pixel features that survive what the proxy and the web client do to an image before sending it
// (shrinking to 512 or 256 px, JPEG re-encoding): a coarse colour layout and a colour histogram.
#pragma once
#include <array>

#include "image_preprocess.h"

namespace jina_double {

constexpr int signature_grid = 8;

// Mean colour (averaged in linear light, expressed in sRGB 0..255) of each cell of an 8x8 grid laid over the whole image, whatever its size.
struct image_signature {
  std::array<float, signature_grid * signature_grid * 3> cells{};
};

image_signature image_signature_of(const polylens::rgb_image& image);

// Root-mean-square difference per cell value, in 0..255 units: 0 for the same pixels, a few units for
// a resized or re-encoded copy, tens for a different photo.
float signature_distance(const image_signature& a, const image_signature& b);

// Fraction of pixels in each of 4x4x4 colour bins (two bits per channel).
constexpr int colour_bins = 64;
std::array<double, colour_bins> colour_histogram_of(const polylens::rgb_image& image);

}  // namespace jina_double
