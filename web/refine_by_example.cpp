#include "refine_by_example.h"

#include "api_client.h"
#include "rocchio.h"

namespace polylens::web {

namespace {

void remember_vectors(refine_state& refine, const std::vector<search_hit>& hits) {
  for (const search_hit& hit : hits)
    if (!hit.vector.empty()) refine.vectors[hit.id] = hit.vector;
}

// Rocchio on the marks, then one kNN search with the result; the answer replaces the hits shown.
void refine_rerank(app_state& state, thumbnail_cache& thumbnails) {
  refine_state& refine = state.refine;
  std::vector<const std::vector<float>*> liked, disliked;
  for (const auto& [id, mark] : refine.marks) {
    auto found = refine.vectors.find(id);
    if (found == refine.vectors.end()) continue;  // cannot happen: marks are only taken on hits with vectors
    (mark > 0 ? liked : disliked).push_back(&found->second);
  }
  auto moved = rocchio_refine(refine.query_vector, liked, disliked);
  if (!moved) {
    refine.failure = api_failure{std::string(moved.error().type_name()), moved.error().message, 0, 0};
    return;
  }
  knn_request request;
  request.vector = std::move(*moved);
  request.k = limits::default_k;
  request.return_vectors = true;  // hits new to the list can be marked in turn
  refine.last_vector = request.vector;
  refine.refining = true;
  refine.failure.reset();

  search_state& search = state.search;
  const int generation = ++search.generation;  // a search sent meanwhile wins over this
  refine.generation = generation;
  search.status = search_status::searching;
  api_knn(request, [&state, &thumbnails, generation](api_outcome<search_response> outcome) {
    search_state& search = state.search;
    refine_state& refine = state.refine;
    if (generation != search.generation) return;
    refine.refining = false;
    ++search.answered;
    if (!outcome.ok()) {
      // The search's hits stay as they were: the re-ranking failed, not the search.
      search.status = search_status::done;
      refine.failure = std::move(outcome.failure);
      return;
    }
    search_response& response = *outcome.value;
    ++refine.refines;
    refine.refined = true;
    remember_vectors(refine, response.hits);
    search.status = search_status::done;
    search.hits = std::move(response.hits);
    search.took_ms = response.took_ms;
    search.details.kind = query_kind::refined;
    search.details.tokens = 0;
    search.details.cached = false;
    search.details.modality = response.modality;
    search.details.threshold = response.threshold;
    search.details.threshold_source = std::move(response.threshold_source);
    for (const search_hit& hit : search.hits) thumbnail_cache_request(thumbnails, hit.id);
  });
}

}  // namespace

void refine_take_search(app_state& state, const std::vector<float>& query_vector, int dims) {
  refine_state& refine = state.refine;
  refine.query_vector = query_vector;
  refine.dims = dims;
  refine.original_hits = state.search.hits;
  refine.original_took_ms = state.search.took_ms;
  refine.original_details = state.search.details;
  refine.vectors.clear();
  refine.marks.clear();
  refine.refining = false;
  refine.refined = false;
  refine.failure.reset();
  refine.last_vector.clear();
  refine.generation = state.search.generation;
  remember_vectors(refine, state.search.hits);
}

bool refine_available(const app_state& state) {
  return !state.refine.query_vector.empty() && state.refine.generation == state.search.generation &&
         state.search.status == search_status::done;
}

void refine_request_mark(app_state& state, int index, int value) {
  if (!refine_available(state) || index < 0 || index >= static_cast<int>(state.search.hits.size())) return;
  state.refine.request_index = index;
  state.refine.request_value = value;
}

void refine_request_reset(app_state& state) {
  if (refine_available(state) && (state.refine.refined || !state.refine.marks.empty())) state.refine.request_reset = true;
}

void refine_after_frame(app_state& state, thumbnail_cache& thumbnails) {
  refine_state& refine = state.refine;
  if (refine.request_reset) {
    refine.request_reset = false;
    refine.request_index = -1;
    refine.marks.clear();
    refine.refined = false;
    refine.failure.reset();
    refine.last_vector.clear();
    state.search.hits = refine.original_hits;
    state.search.took_ms = refine.original_took_ms;
    state.search.details = refine.original_details;
    ++state.search.answered;  // a new ranking on screen: the live region says so
    return;
  }
  if (refine.request_index < 0) return;
  const int index = refine.request_index;
  const int value = refine.request_value;
  refine.request_index = -1;
  if (!refine_available(state) || index >= static_cast<int>(state.search.hits.size())) return;
  const search_hit& hit = state.search.hits[static_cast<std::size_t>(index)];
  if (refine.vectors.find(hit.id) == refine.vectors.end()) return;
  auto mark = refine.marks.find(hit.id);
  if (mark != refine.marks.end() && mark->second == value) refine.marks.erase(mark);  // pressed again: off
  else refine.marks[hit.id] = value;
  refine_rerank(state, thumbnails);
}

}  // namespace polylens::web
