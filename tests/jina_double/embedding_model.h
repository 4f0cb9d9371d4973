// The stand-in for jina-clip-v2: deterministic 1024-dim unit vectors built so tests can assert on
// meaning. Each concept of the lexicon has a fixed direction; a text points along the concepts it names
// (in any of the 22 languages, with exactly the same vector), a known photo along the concepts of its
// tags. Images also carry a shared "modality offset", so text->image cosines sit below image->image
// ones, as with the real CLIP model.
#pragma once
#include <filesystem>
#include <string_view>
#include <vector>

#include "deterministic_vectors.h"
#include "image_catalogue.h"
#include "image_preprocess.h"
#include "lexicon.h"

namespace jina_double {

// Relative weights of the parts summed before normalising. A concept direction has weight 1.
struct embedding_weights {
  double unknown_word = 0.15;     // per leftover word of a text: a little noise, not meaning
  double image_identity = 0.35;   // per known image: tells photos of the same concept apart
  double modality_offset = 0.6;   // every image: the modality gap
};

struct image_embedding {
  std::vector<float> vector;  // unit length, full_dims
  image_match match;          // which known image it was recognised as, if any
};

class embedding_model {
 public:
  embedding_model(lexicon words, image_catalogue images, embedding_weights weights = {});
  // lexicon from assets/queries.tsv, catalogue from assets/images.tsv and assets/images/.
  static embedding_model load(const std::filesystem::path& assets_dir);

  std::vector<float> embed_text(std::string_view text) const;
  image_embedding embed_image(const polylens::rgb_image& image) const;

  // The vector any copy of catalogue image `index` gets.
  const std::vector<float>& known_image_vector(int index) const { return known_vectors_[index]; }
  const std::vector<double>& concept_direction(int concept_index) const { return concept_directions_[concept_index]; }

  const lexicon& words() const { return words_; }
  const image_catalogue& images() const { return images_; }

 private:
  std::vector<float> colour_vector(const polylens::rgb_image& image) const;

  lexicon words_;
  image_catalogue images_;
  embedding_weights weights_;
  std::vector<std::vector<double>> concept_directions_;
  std::vector<double> modality_offset_;
  std::vector<std::vector<float>> known_vectors_;
};

}  // namespace jina_double
