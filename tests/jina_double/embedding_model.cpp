#include "embedding_model.h"

#include <string>

namespace jina_double {

// Seeds are prefixed by kind, so a word can never collide with a concept id or a file name.
embedding_model::embedding_model(lexicon words, image_catalogue images, embedding_weights weights)
    : words_(std::move(words)), images_(std::move(images)), weights_(weights) {
  for (const auto& entry : words_.concepts()) concept_directions_.push_back(matryoshka_direction("concept:" + entry.id));
  modality_offset_ = matryoshka_direction("modality:image");
  for (const auto& image : images_.images()) {
    std::vector<double> sum(full_dims, 0.0);
    for (int c : image.concepts) add_scaled(sum, concept_directions_[c], 1.0);
    add_scaled(sum, matryoshka_direction("image:" + image.file), weights_.image_identity);
    add_scaled(sum, modality_offset_, weights_.modality_offset);
    known_vectors_.push_back(normalised_floats(sum));
  }
}

embedding_model embedding_model::load(const std::filesystem::path& assets_dir) {
  lexicon words = lexicon::load(assets_dir / "queries.tsv");
  image_catalogue images = image_catalogue::load(assets_dir, words);
  return embedding_model(std::move(words), std::move(images));
}

std::vector<float> embedding_model::embed_text(std::string_view text) const {
  text_analysis analysis = words_.analyse(text);
  std::vector<double> sum(full_dims, 0.0);
  for (int c : analysis.concepts) add_scaled(sum, concept_directions_[c], 1.0);
  for (const auto& word : analysis.unknown_words)
    add_scaled(sum, matryoshka_direction("word:" + word), weights_.unknown_word);
  // Nothing at all (empty or punctuation only): still a valid, deterministic vector.
  if (analysis.concepts.empty() && analysis.unknown_words.empty())
    add_scaled(sum, matryoshka_direction("text:" + std::string(text)), 1.0);
  return normalised_floats(sum);
}

image_embedding embedding_model::embed_image(const polylens::rgb_image& image) const {
  image_embedding out;
  out.match = images_.match(image_signature_of(image));
  out.vector = out.match.index >= 0 ? known_vectors_[out.match.index] : colour_vector(image);
  return out;
}

// An unknown photo has no meaning the double could know, but similar colours should still land near
// each other: a histogram-weighted sum of per-bin directions, plus the modality offset.
std::vector<float> embedding_model::colour_vector(const polylens::rgb_image& image) const {
  auto histogram = colour_histogram_of(image);
  std::vector<double> colour(full_dims, 0.0);
  for (int b = 0; b < colour_bins; ++b)
    if (histogram[b] > 0) add_scaled(colour, matryoshka_direction("colour-bin:" + std::to_string(b)), histogram[b]);
  std::vector<float> unit_colour = normalised_floats(colour);
  std::vector<double> sum(unit_colour.begin(), unit_colour.end());
  add_scaled(sum, modality_offset_, weights_.modality_offset);
  return normalised_floats(sum);
}

}  // namespace jina_double
