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

// The valid file each format's corpus starts from: small, with what tends to hide bugs (an EXIF
// segment in the JPEG, two frames and transparency in the GIF).
std::string corrupt_corpus_origin(image_format format);

}  // namespace polylens::fixtures
