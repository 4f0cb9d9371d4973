// Per-vector int8 quantisation, for the fields configured as int8_hnsw or int8_flat: each value
// becomes round(127 * x / max|x|), and the vector keeps one float scale, max|x| / 127. A 256-dim
// vector then takes 256 + 4 bytes instead of 1024, and a dot product of two quantised vectors is
// scale_a * scale_b * (an integer dot product). On unit vectors the cosine error stays well under
// 0.01 (tests/unit/vector_store_parts_test.cpp measures it).
#pragma once
#include <cstddef>
#include <cstdint>

namespace polylens {

// Writes `dims` codes, returns the scale. A zero vector gets zero codes and scale 0.
float int8_quantize(const float* values, std::size_t dims, std::int8_t* codes);

void int8_dequantize(const std::int8_t* codes, float scale, std::size_t dims, float* values);

}  // namespace polylens
