#include "matryoshka.h"

#include <algorithm>
#include <cmath>

namespace polylens {

std::vector<float> matryoshka_truncate(const std::vector<float>& full, int dims) {
  std::size_t n = std::min(full.size(), static_cast<std::size_t>(std::max(dims, 0)));
  std::vector<float> out(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
  double norm = 0;
  for (float v : out) norm += double(v) * v;
  norm = std::sqrt(norm);
  if (norm > 0)
    for (float& v : out) v = static_cast<float>(v / norm);
  return out;
}

float cosine_similarity(const std::vector<float>& a, const std::vector<float>& b) {
  std::size_t n = std::min(a.size(), b.size());
  double dot = 0, na = 0, nb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    dot += double(a[i]) * b[i];
    na += double(a[i]) * a[i];
    nb += double(b[i]) * b[i];
  }
  if (na == 0 || nb == 0) return 0;
  return static_cast<float>(dot / std::sqrt(na * nb));
}

}  // namespace polylens
