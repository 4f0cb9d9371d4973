// How much two ranked result lists agree, for the comparison views (two Matryoshka fields, one concept in
// several languages). Two numbers, each stated on screen with its definition:
//   overlap@k  = |top-k(a) ∩ top-k(b)| / k: do the lists find the same images at all;
//   Kendall τ  = (concordant − discordant) / (n(n−1)/2) over the n images both top-k lists hold, each list
//                ranking them in its own order (τ-a: there are no ties in a ranking). 1: the shared images come
//                in the same order, −1: reversed. With fewer than 2 shared images there is no order to compare.
// Why Kendall's τ over shared items rather than over the union: an image missing from one list has no rank
// there, and inventing one (k+1) mixes "found in a different order" with "not found", which overlap@k already
// counts.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace polylens {

struct rank_agreement {
  int k = 0;       // the depth compared
  int shared = 0;  // images in both top-k lists
  double overlap = 0;                 // shared / k
  std::optional<double> kendall_tau;  // none when shared < 2
};

// a and b are ids, best first; each is cut to its first k (k <= 0: compare the longer list's length).
rank_agreement rank_agreement_of(const std::vector<std::string>& a, const std::vector<std::string>& b, int k);

}  // namespace polylens
