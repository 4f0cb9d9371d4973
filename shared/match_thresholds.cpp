#include "match_thresholds.h"

namespace polylens {

const char* query_modality_name(query_modality modality) {
  switch (modality) {
    case query_modality::text: return "text";
    case query_modality::image: return "image";
    case query_modality::vector: return "vector";
  }
  return "vector";
}

match_threshold match_threshold_for(query_modality modality, bool embedder_stand_in, int dims,
                                    const match_threshold_overrides& overrides) {
  if (modality == query_modality::vector)
    return {std::nullopt, "none: the query is a caller's vector, whose modality is unknown"};
  const bool text = modality == query_modality::text;
  const std::optional<float>& set = text ? overrides.text_to_image : overrides.image_to_image;
  if (set)
    return {set, std::string("set by the operator (") +
                     (text ? "--match-threshold-text" : "--match-threshold-image") + ")"};
  for (const match_calibration& c : match_calibrations) {
    if (c.stand_in != embedder_stand_in || c.dims != dims) continue;
    return {text ? c.text_to_image : c.image_to_image,
            c.stand_in ? "calibrated against the Jina test double, not the real model (docs/match-thresholds.md)"
                       : "calibrated against jina-clip-v2 (docs/match-thresholds.md)"};
  }
  return {std::nullopt, std::string("none: not calibrated for ") +
                            (embedder_stand_in ? "the Jina test double" : "this embedder") + " at " +
                            std::to_string(dims) + " dims, so every hit counts as strong (docs/match-thresholds.md)"};
}

bool match_is_strong(float score, const match_threshold& threshold) {
  return !threshold.value || score >= *threshold.value;
}

}  // namespace polylens
