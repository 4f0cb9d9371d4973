#include "rank_agreement.h"

#include <algorithm>
#include <unordered_map>

namespace polylens {

rank_agreement rank_agreement_of(const std::vector<std::string>& a, const std::vector<std::string>& b, int k) {
  rank_agreement out;
  out.k = k > 0 ? k : static_cast<int>(std::max(a.size(), b.size()));
  if (out.k == 0) return out;
  const std::size_t depth = static_cast<std::size_t>(out.k);
  std::unordered_map<std::string, int> rank_in_b;
  for (std::size_t i = 0; i < std::min(depth, b.size()); ++i) rank_in_b.emplace(b[i], static_cast<int>(i));

  // The shared images in a's order, with their rank in b.
  std::vector<int> b_ranks;
  for (std::size_t i = 0; i < std::min(depth, a.size()); ++i) {
    auto found = rank_in_b.find(a[i]);
    if (found != rank_in_b.end()) b_ranks.push_back(found->second);
  }
  out.shared = static_cast<int>(b_ranks.size());
  out.overlap = static_cast<double>(out.shared) / out.k;
  if (out.shared < 2) return out;
  long long concordant = 0, discordant = 0;
  for (std::size_t i = 0; i < b_ranks.size(); ++i)
    for (std::size_t j = i + 1; j < b_ranks.size(); ++j) (b_ranks[i] < b_ranks[j] ? concordant : discordant) += 1;
  const double pairs = static_cast<double>(out.shared) * (out.shared - 1) / 2;
  out.kendall_tau = (concordant - discordant) / pairs;
  return out;
}

}  // namespace polylens
