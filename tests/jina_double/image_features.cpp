#include "image_features.h"

#include <algorithm>
#include <cmath>

namespace jina_double {

namespace {
// Averages are taken in linear light because that is how image_fit_within (stb, sRGB-aware) shrinks:
// averaging sRGB values instead made 200 px copies of high-contrast photos drift by up to 11 units.
struct srgb_tables {
  std::array<double, 256> to_linear{};
  srgb_tables() {
    for (int i = 0; i < 256; ++i) {
      double c = i / 255.0;
      to_linear[i] = c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    }
  }
};
const srgb_tables& tables() {
  static const srgb_tables t;
  return t;
}
double linear_to_srgb255(double v) {
  double c = v <= 0.0031308 ? v * 12.92 : 1.055 * std::pow(v, 1.0 / 2.4) - 0.055;
  return 255.0 * c;
}
}  // namespace

image_signature image_signature_of(const polylens::rgb_image& image) {
  image_signature out;
  if (image.width <= 0 || image.height <= 0) return out;
  const auto* pixels = reinterpret_cast<const unsigned char*>(image.pixels.data());
  const auto& to_linear = tables().to_linear;
  const long long w = image.width, h = image.height;
  for (int cy = 0; cy < signature_grid; ++cy) {
    // Cell edges rounded outwards, so images smaller than the grid still give every cell a pixel.
    long long y0 = cy * h / signature_grid, y1 = std::min(h, ((cy + 1) * h + signature_grid - 1) / signature_grid);
    for (int cx = 0; cx < signature_grid; ++cx) {
      long long x0 = cx * w / signature_grid, x1 = std::min(w, ((cx + 1) * w + signature_grid - 1) / signature_grid);
      double sum[3] = {0, 0, 0};
      for (long long y = y0; y < y1; ++y) {
        const unsigned char* row = pixels + (y * w + x0) * 3;
        for (long long x = x0; x < x1; ++x, row += 3) {
          sum[0] += to_linear[row[0]];
          sum[1] += to_linear[row[1]];
          sum[2] += to_linear[row[2]];
        }
      }
      double count = double((y1 - y0) * (x1 - x0));
      for (int c = 0; c < 3; ++c) out.cells[(cy * signature_grid + cx) * 3 + c] = static_cast<float>(linear_to_srgb255(sum[c] / count));
    }
  }
  return out;
}

float signature_distance(const image_signature& a, const image_signature& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.cells.size(); ++i) {
    double d = double(a.cells[i]) - b.cells[i];
    sum += d * d;
  }
  return static_cast<float>(std::sqrt(sum / double(a.cells.size())));
}

std::array<double, colour_bins> colour_histogram_of(const polylens::rgb_image& image) {
  std::array<double, colour_bins> bins{};
  const auto* p = reinterpret_cast<const unsigned char*>(image.pixels.data());
  std::size_t n = static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height);
  for (std::size_t i = 0; i < n; ++i, p += 3) bins[(p[0] >> 6) * 16 + (p[1] >> 6) * 4 + (p[2] >> 6)] += 1;
  if (n > 0)
    for (double& b : bins) b /= double(n);
  return bins;
}

}  // namespace jina_double
