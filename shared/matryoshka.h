// Matryoshka truncation: jina-clip-v2 was trained so that the first N of its 1024 dimensions are
// themselves an embedding. We ask Jina for 1024 dimensions once and derive every smaller field here,
// which is what the API's own `dimensions` parameter does (truncate, then re-normalise).
#pragma once
#include <vector>

namespace polylens {

// The first `dims` values of `full`, scaled to unit length. A zero prefix stays zero.
std::vector<float> matryoshka_truncate(const std::vector<float>& full, int dims);

float cosine_similarity(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace polylens
