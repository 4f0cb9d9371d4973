#include "int8_vectors.h"

#include <algorithm>
#include <cmath>

namespace polylens {

float int8_quantize(const float* values, std::size_t dims, std::int8_t* codes) {
  float largest = 0;
  for (std::size_t i = 0; i < dims; ++i) largest = std::max(largest, std::fabs(values[i]));
  if (largest == 0) {
    std::fill(codes, codes + dims, std::int8_t{0});
    return 0;
  }
  const float to_code = 127.0f / largest;
  for (std::size_t i = 0; i < dims; ++i) {
    float c = std::nearbyint(values[i] * to_code);
    codes[i] = static_cast<std::int8_t>(std::clamp(c, -127.0f, 127.0f));
  }
  return largest / 127.0f;
}

void int8_dequantize(const std::int8_t* codes, float scale, std::size_t dims, float* values) {
  for (std::size_t i = 0; i < dims; ++i) values[i] = scale * static_cast<float>(codes[i]);
}

}  // namespace polylens
