// The playground's comparisons and refine-by-example, as plain data (no GL, no ImGui, no browser calls).
//   Dims:      the same query against two Matryoshka fields (the largest and the smallest configured), side by
//              side, with overlap@k, Kendall's τ and each field's kNN time.
//   Languages: one concept of assets/queries.tsv in several languages, side by side, each compared with the
//              first column (rank_agreement.h says what the numbers mean).
//   Refine:    results marked "more like this" / "less like this" move the query vector in the browser (Rocchio,
//              shared/rocchio.h), and /api/v1/knn searches again with it: no new embedding.
// Network callbacks write it, the UI reads it and leaves requests for after the frame.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api_client.h"
#include "api_messages.h"
#include "ingest_state.h"  // css_rect
#include "rank_agreement.h"
#include "search_view_state.h"

namespace polylens::web {

enum class compare_mode { search, dims, languages };
const char* compare_mode_name(compare_mode mode);

constexpr int compare_k = 10;  // the depth every comparison is made at (overlap@10)

struct compare_column {
  std::string label;  // "1024 dims" or the language's own name
  std::string lang;   // languages: the queries.tsv column ("en", "ja", ...)
  std::string query;  // the text sent
  int dims = 0;       // the field asked for (0: the default)
  bool loading = false;
  std::optional<api_failure> failure;
  std::vector<search_hit> hits;
  search_timing took_ms;
  int answered_dims = 0;                   // as the answer says
  std::optional<rank_agreement> agreement;  // against column 0 (none for column 0, or until both answered)
  // Where it was drawn (CSS px), for the test hook.
  css_rect rect;
  std::vector<css_rect> rows;
};

struct compare_state {
  compare_mode mode = compare_mode::search;
  int generation = 0;  // bumped per comparison; answers to older ones are dropped
  int runs = 0;        // comparisons started
  int answered = 0;    // comparisons whose every column answered (well or badly)
  std::string subject;  // the query (dims) or the concept (languages)
  int concept_index = 0;  // languages: the concept's row in assets/queries.tsv
  std::vector<compare_column> columns;
  std::string hint;     // why nothing ran ("Type a query first")
  // Asked for during the frame, done after it (results_view_after_frame).
  bool request_run = false;
  int request_concept_step = 0;  // -1 / +1: the previous / next concept
  // Where things were drawn (CSS px).
  css_rect tabs[3];
  css_rect run_button, previous_concept, next_concept, summary;
};

// Refine by example: the search's query vector (return_query_vector), its hits' vectors (fetched on the first
// mark) and the marks on its results.
struct refine_state {
  std::vector<float> query_vector;  // of the last search; empty: nothing to refine
  int dims = 0;
  std::string exclude_id;  // "more like this": the image searched from, left out of the hits as the search did
  bool vectors_fetched = false;   // the hits' vectors came (one /api/v1/knn with query_vector, on the first mark)
  bool fetching_vectors = false;  // that request is on its way
  int vector_fetches = 0;         // such requests sent (one per search at most, unless one failed)
  bool fetch_matched = true;      // its hits were the search's own (else they replaced them)
  std::vector<search_hit> original_hits;        // the search's own ranking, for Reset
  search_timing original_took_ms;
  search_details original_details;
  std::map<std::string, std::vector<float>> vectors;  // every hit's seen since the fetch, by id
  std::map<std::string, int> marks;                 // +1 more like this, -1 less like this
  bool refining = false;
  int generation = 0;   // the search.generation the refine belongs to
  int refines = 0;      // re-rankings answered
  bool refined = false;  // the hits shown are a re-ranking, not the search's own
  std::optional<api_failure> failure;
  std::vector<float> last_vector;  // the last refined query sent to /api/v1/knn
  // Asked for during the frame (buttons, keys), done after it.
  int request_index = -1, request_value = 0;
  bool request_reset = false;
  // Where things were drawn (CSS px): per hit, in rank order.
  std::vector<css_rect> more_buttons, less_buttons;
  css_rect bar, reset_button;
};

}  // namespace polylens::web
