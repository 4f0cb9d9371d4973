// An HNSW graph over one field's rows (hnswlib, header-only, fetched by scripts/setup.sh). The graph
// does not copy the vectors: each of its elements is a pointer to a row of the field's
// vector_matrix (whose rows never move), and the distance is 1 - the dot product of the two rows,
// int8 ones included. Labels are row numbers. Deleted rows are marked (hnswlib's markDelete) and
// still route searches; compaction renumbers rows, so the store then builds a new graph.
//
// Thread safety: search() may run in many threads at once; add() and mark_deleted() must not run
// while anything else uses the graph (the store's lock sees to that).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "vector_matrix.h"
#include "vector_scan.h"

namespace polylens {

struct hnsw_params {
  std::size_t m = 16;                 // links per node (Elasticsearch's default)
  std::size_t ef_construction = 100;  // candidates while inserting (Elasticsearch's default)
  std::size_t seed = 100;
};

class hnsw_index {
 public:
  hnsw_index(const vector_matrix& matrix, hnsw_params params, std::size_t capacity);
  ~hnsw_index();
  hnsw_index(const hnsw_index&) = delete;
  hnsw_index& operator=(const hnsw_index&) = delete;

  void add(std::uint32_t row);  // grows the graph's capacity as needed
  void mark_deleted(std::uint32_t row);
  // The best k rows by cosine, exploring `ef` candidates. `allowed` (may be null: every row) is
  // checked inside the graph search (hnswlib's filter functor), so k matches are still found when
  // the graph holds them, at the price of exploring further.
  std::vector<scored_row> search(const prepared_query& query, std::size_t k, std::size_t ef,
                                 const row_set* allowed) const;

  std::size_t size() const;   // elements added, deleted ones included
  std::size_t bytes() const;  // memory the graph holds (estimate from hnswlib's own allocations)
  std::size_t m() const { return params_.m; }

 private:
  struct impl;
  hnsw_params params_;
  std::unique_ptr<impl> impl_;
};

}  // namespace polylens
