#include "refine_by_example.h"

#include <algorithm>

#include "api_client.h"
#include "api_limits.h"
#include "rocchio.h"

namespace polylens::web {

namespace {

void remember_vectors(refine_state& refine, const std::vector<search_hit>& hits) {
  for (const search_hit& hit : hits)
    if (!hit.vector.empty()) refine.vectors[hit.id] = hit.vector;
}

// The page is busy with a re-ranking request until its answer; returns the request's generation, so that a
// search sent meanwhile wins over it.
int refine_request_begins(app_state& state) {
  state.refine.refining = true;
  state.refine.failure.reset();
  const int generation = ++state.search.generation;
  state.refine.generation = generation;
  state.search.status = search_status::searching;
  return generation;
}

// Rocchio on the marks, then one kNN search with the result; the answer replaces the hits shown.
void refine_rerank(app_state& state, thumbnail_cache& thumbnails) {
  refine_state& refine = state.refine;
  std::vector<const std::vector<float>*> liked, disliked;
  for (const auto& [id, mark] : refine.marks) {
    auto found = refine.vectors.find(id);
    if (found == refine.vectors.end()) continue;  // cannot happen: marks are kept only on hits with vectors
    (mark > 0 ? liked : disliked).push_back(&found->second);
  }
  auto moved = rocchio_refine(refine.query_vector, liked, disliked);
  if (!moved) {
    refine.refining = false;  // set by a vector fetch that led here
    refine.failure = api_failure{std::string(moved.error().type_name()), moved.error().message, 0, 0};
    return;
  }
  knn_request request;
  request.vector = std::move(*moved);
  request.k = limits::default_k;
  request.return_vectors = true;  // hits new to the list can be marked in turn
  refine.last_vector = request.vector;
  const int generation = refine_request_begins(state);
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

// The first mark: the hits' vectors, by one kNN search with the search's own vector, k and dims (the same hits,
// with return_vectors). "More like this" left its image out: one more is asked for and that one dropped. Should
// the hits differ from those shown (an approximate index may), the page takes knn's: those are the ones it has
// vectors for. Then the re-ranking the mark asked for.
void refine_fetch_vectors(app_state& state, thumbnail_cache& thumbnails) {
  refine_state& refine = state.refine;
  knn_request request;
  request.vector = refine.query_vector;
  request.dims = refine.dims;
  request.k = limits::default_k + (refine.exclude_id.empty() ? 0 : 1);
  request.num_candidates = default_num_candidates(limits::default_k);  // the search's own candidate pool
  request.return_vectors = true;
  refine.fetching_vectors = true;
  ++refine.vector_fetches;
  const int generation = refine_request_begins(state);  // busy until the re-ranking that follows answers
  api_knn(request, [&state, &thumbnails, generation](api_outcome<search_response> outcome) {
    search_state& search = state.search;
    refine_state& refine = state.refine;
    if (generation != search.generation) return;
    refine.fetching_vectors = false;
    search.status = search_status::done;
    if (!outcome.ok()) {
      // The search's hits stay; the marks are taken off, as they were not applied. The next mark tries again.
      refine.refining = false;
      refine.marks.clear();
      refine.failure = std::move(outcome.failure);
      return;
    }
    std::vector<search_hit>& hits = outcome.value->hits;
    hits.erase(std::remove_if(hits.begin(), hits.end(),
                              [&](const search_hit& hit) { return hit.id == refine.exclude_id; }),
               hits.end());
    if (hits.size() > static_cast<std::size_t>(limits::default_k)) hits.resize(static_cast<std::size_t>(limits::default_k));
    remember_vectors(refine, hits);
    refine.vectors_fetched = true;
    refine.fetch_matched = hits.size() == refine.original_hits.size() &&
                           std::equal(hits.begin(), hits.end(), refine.original_hits.begin(),
                                      [](const search_hit& a, const search_hit& b) { return a.id == b.id; });
    if (!refine.fetch_matched) {
      // Not the hits shown: show knn's (the same query's answer), and keep them as the ranking Reset restores.
      for (search_hit& hit : hits) hit.vector.clear();
      refine.original_hits = hits;
      search.hits = std::move(hits);
      ++search.answered;
      for (const search_hit& hit : search.hits) thumbnail_cache_request(thumbnails, hit.id);
      for (auto mark = refine.marks.begin(); mark != refine.marks.end();)
        mark = refine.vectors.count(mark->first) ? std::next(mark) : refine.marks.erase(mark);
      if (refine.marks.empty()) {
        refine.refining = false;
        refine.failure = api_failure{"changed", "the results changed while their vectors were read; mark again", 0, 0};
        return;
      }
    }
    refine_rerank(state, thumbnails);
  });
}

}  // namespace

void refine_take_search(app_state& state, const std::vector<float>& query_vector, int dims,
                        const std::string& exclude_id) {
  refine_state& refine = state.refine;
  refine.query_vector = query_vector;
  refine.dims = dims;
  refine.exclude_id = exclude_id;
  refine.vectors_fetched = false;
  refine.fetching_vectors = false;
  refine.fetch_matched = true;
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
  if (refine.vectors_fetched && refine.vectors.find(hit.id) == refine.vectors.end()) return;
  auto mark = refine.marks.find(hit.id);
  if (mark != refine.marks.end() && mark->second == value) refine.marks.erase(mark);  // pressed again: off
  else refine.marks[hit.id] = value;
  if (!refine.vectors_fetched) return refine_fetch_vectors(state, thumbnails);  // the first mark: vectors first
  refine_rerank(state, thumbnails);
}

}  // namespace polylens::web
