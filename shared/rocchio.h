// Relevance feedback without a new embedding: Rocchio's formula (Rocchio 1971; Manning, Raghavan & Schütze,
// "Introduction to Information Retrieval", §9.1.1) moves the query vector towards the results marked "more like
// this" and away from those marked "less like this":
//   q' = α·q + β·mean(liked) − γ·mean(disliked), then scaled to unit length (the index compares cosines).
// The browser runs it on the search's query vector (return_query_vector) and its hits' vectors (fetched once,
// through /api/v1/knn with return_vectors) and searches again through /api/v1/knn: the embedder is not called again.
#pragma once
#include <vector>

#include "result.h"

namespace polylens {

// The textbook's defaults: the original query dominates, positive feedback counts more than negative.
struct rocchio_weights {
  float alpha = 1.0f;
  float beta = 0.75f;
  float gamma = 0.15f;
};

// Every vector must have the query's length (invalid_request otherwise). With nothing liked or disliked the
// answer is the query itself, normalised. A result that cancels out to zero is refused too: it has no direction.
result<std::vector<float>> rocchio_refine(const std::vector<float>& query,
                                          const std::vector<const std::vector<float>*>& liked,
                                          const std::vector<const std::vector<float>*>& disliked,
                                          const rocchio_weights& weights = {});

}  // namespace polylens
