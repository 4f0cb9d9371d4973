// The double's only source of "randomness": vectors derived from strings, bit-identical on every
// machine and every run, so a test that fails once fails everywhere.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

namespace jina_double {

constexpr int full_dims = 1024;  // jina-clip-v2's output size

// FNV-1a (64 bit): std::hash<std::string> differs between standard libraries.
std::uint64_t fnv1a_64(std::string_view bytes);

// splitmix64: tiny, well mixed, and the same everywhere (std::mt19937 is, but its distributions are not).
class splitmix64 {
 public:
  explicit splitmix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  double next_unit();      // uniform in [0, 1)
  double next_gaussian();  // mean 0, variance 1 (see the .cpp for why not Box-Muller)

 private:
  std::uint64_t state_;
};

// A Gaussian vector whose component d has standard deviation exp(-d/160): like a Matryoshka model,
// most of the energy sits in the leading dimensions (about 55% in the first 64, 96% in the first 256),
// so truncated vectors keep the meaning. Not normalised: callers add several and normalise the sum.
std::vector<double> matryoshka_gaussian(std::string_view seed);

// Unit-length version of the above.
std::vector<double> matryoshka_direction(std::string_view seed);

void add_scaled(std::vector<double>& sum, const std::vector<double>& v, double weight);

// Scales to unit length and narrows to float. A zero vector stays zero.
std::vector<float> normalised_floats(const std::vector<double>& v);

}  // namespace jina_double
