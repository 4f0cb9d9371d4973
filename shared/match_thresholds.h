// When a search hit is a strong match. kNN always returns k hits, however poor the best of them is, so
// the proxy marks each hit strong or weak against a score threshold, and the UI puts the weak ones
// behind a "weak matches" divider (or says there is no strong match at all).
//
// The threshold depends on the query's modality: text->image cosines sit well below image->image ones
// (CLIP's modality gap), so one number cannot serve both. It also depends on the embedder and the
// Matryoshka size, so every threshold says what it was calibrated against.
//
// Where the numbers come from: tools/calibrate_thresholds.mjs runs the bundled query set (assets/
// queries.tsv, 40 concepts x 22 languages) and every image's "more like this" against an index of
// assets/images, labels each (query, hit) pair relevant or not from the tags, and picks the threshold
// with the highest F1 per modality. docs/match-thresholds.md has the method, the numbers and how to
// re-run it against the real Jina API. tests/integration/match_thresholds.test.mjs re-runs it against
// the test double and fails when the table below no longer matches the data.
#pragma once
#include <optional>
#include <string>

namespace polylens {

// What the query was: words, a picture (uploaded, or an indexed image's "more like this"), or a vector
// the caller brought (POST /api/v1/knn: we cannot know what it came from).
enum class query_modality { text, image, vector };
const char* query_modality_name(query_modality modality);

struct match_calibration {
  bool stand_in;         // calibrated against the Jina test double (true) or the real jina-clip-v2 (false)
  int dims;              // the Matryoshka size searched
  float text_to_image;   // a text query's hit is strong at or above this cosine
  float image_to_image;  // an image query's hit is strong at or above this cosine
};

// The calibrations we have. Only the test double so far: its vectors are synthetic, so these numbers
// mean nothing for the real model. Against the real jina-clip-v2 there is no row yet; until one is
// added (or set with --match-threshold-text / --match-threshold-image), every hit counts as strong.
// Numbers from `node tools/calibrate_thresholds.mjs` on 2026-11-29 (docs/match-thresholds.md).
inline constexpr match_calibration match_calibrations[] = {
    {true, 1024, 0.374f, 0.825f},  // F1 1.00 (text), 0.73 (image: precision 1.00, recall 0.58)
    {true, 256, 0.390f, 0.825f},   // F1 1.00 (text), 0.73 (image: precision 1.00, recall 0.58)
};

// Thresholds the operator set (flags or environment), from a calibration of their own; they win.
struct match_threshold_overrides {
  std::optional<float> text_to_image;
  std::optional<float> image_to_image;
};

struct match_threshold {
  std::optional<float> value;  // none: no calibration for this embedder, size and modality
  std::string source;          // where the value comes from, in words, for the API and the UI
};

match_threshold match_threshold_for(query_modality modality, bool embedder_stand_in, int dims,
                                    const match_threshold_overrides& overrides = {});

// Strong when at or above the threshold; without a threshold nothing can be called weak.
bool match_is_strong(float score, const match_threshold& threshold);

}  // namespace polylens
