// The synthetic embeddings every store bench loads, so that two benches (or two stores in one
// bench) see the same vectors for the same seed. Header-only: each bench is one program.
#pragma once
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "matryoshka.h"

namespace polylens {

// Synthetic embeddings with structure, as photo collections have: a 48-dim latent point (a
// Gaussian mixture of 50 themes) mapped into 1024 dims by a fixed random matrix, plus isotropic
// noise, unit length; smaller fields are its Matryoshka truncations. Uniformly random 1024-dim
// vectors would be the hardest case for any graph (every neighbour nearly equidistant) and nothing
// like real embeddings.
class embedding_source {
 public:
  static constexpr int latent = 48, themes = 50;
  explicit embedding_source(std::uint64_t seed) : rng_(seed) {
    std::mt19937_64 fixed(12345);  // the same space for documents and queries
    std::normal_distribution<float> normal;
    basis_.resize(1024 * latent);
    for (auto& x : basis_) x = normal(fixed);
    for (int t = 0; t < themes; ++t) {
      std::vector<float> c(latent);
      for (auto& x : c) x = 2.0f * normal(fixed);
      themes_.push_back(std::move(c));
    }
  }
  // --data random: uniformly random unit vectors instead, the pessimistic case.
  static inline bool uniform = false;
  std::vector<float> next() {
    if (uniform) {
      std::vector<float> v(1024);
      for (auto& x : v) x = normal_(rng_);
      return matryoshka_truncate(v, 1024);
    }
    const auto& theme = themes_[rng_() % themes_.size()];
    std::vector<float> z(latent);
    for (int j = 0; j < latent; ++j) z[static_cast<std::size_t>(j)] = theme[static_cast<std::size_t>(j)] + normal_(rng_);
    std::vector<float> v(1024);
    for (int i = 0; i < 1024; ++i) {
      float x = 0.3f * normal_(rng_) * std::sqrt(float(latent));
      for (int j = 0; j < latent; ++j) x += basis_[static_cast<std::size_t>(i * latent + j)] * z[static_cast<std::size_t>(j)];
      v[static_cast<std::size_t>(i)] = x;
    }
    return matryoshka_truncate(v, 1024);
  }

 private:
  std::mt19937_64 rng_;
  std::normal_distribution<float> normal_;
  std::vector<float> basis_;
  std::vector<std::vector<float>> themes_;
};

// "10000,100000" as numbers: both benches' --sizes.
inline std::vector<int> bench_int_list(const std::string& text) {
  std::vector<int> numbers;
  for (std::size_t p = 0; p < text.size();) {
    const std::size_t comma = text.find(',', p);
    numbers.push_back(std::stoi(text.substr(p, comma - p)));
    p = comma == std::string::npos ? text.size() : comma + 1;
  }
  return numbers;
}

}  // namespace polylens
