#include "rocchio.h"

#include <cmath>
#include <string>

namespace polylens {

namespace {

// Adds scale · mean(vectors) to out; false when one has the wrong length.
bool add_mean(std::vector<float>& out, const std::vector<const std::vector<float>*>& vectors, float scale) {
  if (vectors.empty()) return true;
  const float each = scale / static_cast<float>(vectors.size());
  for (const std::vector<float>* v : vectors) {
    if (!v || v->size() != out.size()) return false;
    for (std::size_t i = 0; i < out.size(); ++i) out[i] += each * (*v)[i];
  }
  return true;
}

}  // namespace

result<std::vector<float>> rocchio_refine(const std::vector<float>& query,
                                          const std::vector<const std::vector<float>*>& liked,
                                          const std::vector<const std::vector<float>*>& disliked,
                                          const rocchio_weights& weights) {
  if (query.empty()) return api_error{error_type::invalid_request, "the query has no vector to refine"};
  std::vector<float> out(query.size());
  for (std::size_t i = 0; i < query.size(); ++i) out[i] = weights.alpha * query[i];
  if (!add_mean(out, liked, weights.beta) || !add_mean(out, disliked, -weights.gamma))
    return api_error{error_type::invalid_request,
                     "a marked result's vector does not have the query's " + std::to_string(query.size()) + " dims"};
  double norm = 0;
  for (float x : out) norm += static_cast<double>(x) * x;
  norm = std::sqrt(norm);
  if (!(norm > 1e-12)) return api_error{error_type::invalid_request, "the refined query cancels out to zero"};
  for (float& x : out) x = static_cast<float>(x / norm);
  return out;
}

}  // namespace polylens
