// Damaged copies of a valid image file, the kinds real uploads and attackers produce: cut short,
// bit-flipped, empty, or with a header claiming an enormous size. Deterministic (fixed seed), so a
// failure names a variant that reproduces. Used by the unit test and, under ASan, by the fuzz build.
#pragma once
#include <string>
#include <vector>

#include "image_format.h"

namespace polylens::fixtures {

struct corrupt_variant {
  std::string name;   // e.g. "truncated at 37", "flipped 0x20 at 12"
  std::string bytes;
  bool claims_huge_size = false;  // the header claims 20000x20000 or more (as far as the format can say)
};

std::vector<corrupt_variant> corrupt_variants(const std::string& valid, image_format format);

}  // namespace polylens::fixtures
