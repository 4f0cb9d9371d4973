// Exact nearest-neighbour search: the dot product of the query with every allowed row of a field,
// keeping the best k in a heap. Vectors are unit length, so the dot product is the cosine.
// The kernels are compiled at -O3 for three targets (x86-64-v4 with AVX-512, v3 with AVX2 and FMA,
// and the baseline) and the processor picks one at load time; each keeps 32 independent
// accumulators so GCC vectorises the loop without being allowed to reorder one float sum.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "vector_matrix.h"

namespace polylens {

// n: a multiple of vector_matrix::pad_to.
float dot_f32(const float* a, const float* b, std::size_t n);
std::int32_t dot_i8(const std::int8_t* a, const std::int8_t* b, std::size_t n);

// The rows a search may return: a bitmap over row numbers.
class row_set {
 public:
  row_set() = default;
  explicit row_set(std::size_t rows) : rows_(rows), words_((rows + 63) / 64, 0) {}
  void insert(std::size_t row) { words_[row / 64] |= std::uint64_t{1} << (row % 64); }
  void erase(std::size_t row) { words_[row / 64] &= ~(std::uint64_t{1} << (row % 64)); }
  bool contains(std::size_t row) const { return row < rows_ && (words_[row / 64] >> (row % 64)) & 1u; }
  void resize(std::size_t rows) {
    rows_ = rows;
    words_.resize((rows + 63) / 64, 0);
  }
  std::size_t rows() const { return rows_; }
  std::size_t count() const;
  const std::vector<std::uint64_t>& words() const { return words_; }
  std::vector<std::uint64_t>& words() { return words_; }

 private:
  std::size_t rows_ = 0;
  std::vector<std::uint64_t> words_;
};

struct scored_row {
  float score = 0;  // cosine
  std::uint32_t row = 0;
};

// The best k rows of `allowed`, best first (ties: the lower row first).
std::vector<scored_row> scan_top_k(const vector_matrix& matrix, const prepared_query& query, std::size_t k,
                                   const row_set& allowed);

// The cosine of the query with one row (int8 fields: of the quantised vectors).
float score_row(const vector_matrix& matrix, const prepared_query& query, std::size_t row);

}  // namespace polylens
