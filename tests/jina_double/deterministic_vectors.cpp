#include "deterministic_vectors.h"

#include <cmath>

namespace jina_double {

std::uint64_t fnv1a_64(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::uint64_t splitmix64::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

double splitmix64::next_unit() { return double(next() >> 11) * 0x1.0p-53; }

// Irwin-Hall (sum of 12 uniforms minus 6) instead of Box-Muller: it needs only + and -, which IEEE
// arithmetic rounds identically everywhere, whereas log() and cos() may differ in the last bit between
// libm implementations. The missing far tails do not matter for a stand-in embedding.
double splitmix64::next_gaussian() {
  double sum = 0;
  for (int i = 0; i < 12; ++i) sum += next_unit();
  return sum - 6.0;
}

std::vector<double> matryoshka_gaussian(std::string_view seed) {
  // exp(-1/160) written out, so the profile does not depend on the platform's exp().
  constexpr double decay_per_dim = 0.9937694906233947;
  splitmix64 rng(fnv1a_64(seed));
  std::vector<double> v(full_dims);
  double scale = 1.0;
  for (double& x : v) {
    x = rng.next_gaussian() * scale;
    scale *= decay_per_dim;
  }
  return v;
}

std::vector<double> matryoshka_direction(std::string_view seed) {
  std::vector<double> v = matryoshka_gaussian(seed);
  double norm = 0;
  for (double x : v) norm += x * x;
  norm = std::sqrt(norm);
  for (double& x : v) x /= norm;
  return v;
}

void add_scaled(std::vector<double>& sum, const std::vector<double>& v, double weight) {
  if (sum.size() < v.size()) sum.resize(v.size(), 0.0);
  for (std::size_t i = 0; i < v.size(); ++i) sum[i] += weight * v[i];
}

std::vector<float> normalised_floats(const std::vector<double>& v) {
  double norm = 0;
  for (double x : v) norm += x * x;
  norm = std::sqrt(norm);
  std::vector<float> out(v.size(), 0.0f);
  if (norm == 0) return out;
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = static_cast<float>(v[i] / norm);
  return out;
}

}  // namespace jina_double
