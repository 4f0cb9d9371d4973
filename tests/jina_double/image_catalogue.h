// The images the double "knows": every row of assets/images.tsv, with its tags, the concepts those
// tags carry, and a pixel signature, so an incoming image (the same photo, resized and re-encoded by
// the proxy) can be recognised and given an embedding that reflects what it shows.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "image_features.h"
#include "lexicon.h"
#include "tsv_table.h"

namespace jina_double {

struct known_image {
  std::string file;               // e.g. "weavly-eiffel-tower.jpg"
  std::vector<std::string> tags;  // lower-case, trimmed
  std::vector<int> concepts;      // indices into the lexicon, sorted
  image_signature signature;
  int width = 0, height = 0;
};

struct image_match {
  int index = -1;          // into image_catalogue::images(); -1 when nothing is close enough
  int nearest = -1;        // the closest known image, even when too far to count as a match
  float distance = 0;      // signature_distance to `nearest`
};

class image_catalogue {
 public:
  // Measured over the 118 assets (tests/unit/jina_double_model_test.cpp re-checks it): copies shrunk
  // to 512, 256 or 200 px and re-encoded as JPEG quality 70..90 stay within 2.9 of their original
  // (3.7 at quality 40; 7.0 even at 64 px), while the two closest distinct photos (kodak-01, skimage-coins)
  // are 25.8 apart. 10 sits between with a margin of more than 2.5x on either side.
  static constexpr float match_threshold = 10.0f;

  // Reads images.tsv and decodes every listed file under images/; throws std::runtime_error naming
  // the file that cannot be read or decoded.
  static image_catalogue load(const std::filesystem::path& assets_dir, const lexicon& words);

  // For tests that build a catalogue without files.
  void add(known_image image) { images_.push_back(std::move(image)); }

  const std::vector<known_image>& images() const { return images_; }
  int find(std::string_view file) const;  // -1 when unknown
  image_match match(const image_signature& signature) const;

 private:
  std::vector<known_image> images_;
};

// The concepts whose match tags include one of `tags` (both compared lower-case and trimmed).
std::vector<int> concepts_for_tags(const lexicon& words, const std::vector<std::string>& tags);

}  // namespace jina_double
