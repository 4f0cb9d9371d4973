// Refine by example: mark results "more like this" (+1) or "less like this" (-1) and the page re-ranks them
// itself. Every search answers with its query vector only (return_query_vector, ~13.5 KB of JSON at 1024
// dims); the hits' vectors are fetched on the first mark, by one /api/v1/knn with that vector, the same k and dims, and
// return_vectors: the same vector on the same field finds the same hits, now with their vectors. Rocchio
// (shared/rocchio.h) then moves the query towards the liked and away from the disliked, and /api/v1/knn
// searches with the moved vector; later marks reuse the vectors already fetched (one request each). No
// embedding is asked for: the marks cost no tokens. Reset puts the search's own ranking back, without a request.
#pragma once
#include <string>
#include <vector>

#include "app_state.h"
#include "thumbnail_cache.h"

namespace polylens::web {

// A search answered: keep its query vector (marks and vectors of an older search are dropped). exclude_id: the
// image a "more like this" search started from, which its hits leave out.
void refine_take_search(app_state& state, const std::vector<float>& query_vector, int dims,
                        const std::string& exclude_id);
// Whether the shown results can be refined: a search answered with its vectors, and nothing newer is on its way.
bool refine_available(const app_state& state);
// Asks (for after the frame) to mark result `index`: the same mark again takes it off.
void refine_request_mark(app_state& state, int index, int value);
void refine_request_reset(app_state& state);
// After the frame: the marks and Reset asked for, then the re-ranking they call for.
void refine_after_frame(app_state& state, thumbnail_cache& thumbnails);

}  // namespace polylens::web
