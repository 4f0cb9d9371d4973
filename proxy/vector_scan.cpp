#include "vector_scan.h"

#include <algorithm>
#include <bit>

namespace polylens {

namespace {

#if defined(__x86_64__) && !defined(__clang__)
#define POLYLENS_KERNEL __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define POLYLENS_KERNEL
#endif

constexpr std::size_t lanes = 32;
static_assert(vector_matrix::pad_to % lanes == 0);

POLYLENS_KERNEL float dot_f32_kernel(const float* __restrict a, const float* __restrict b, std::size_t n) {
  float acc[lanes] = {};
  for (std::size_t i = 0; i < n; i += lanes)
    for (std::size_t j = 0; j < lanes; ++j) acc[j] += a[i + j] * b[i + j];
  float sum = 0;
  for (std::size_t j = 0; j < lanes; ++j) sum += acc[j];
  return sum;
}

POLYLENS_KERNEL std::int32_t dot_i8_kernel(const std::int8_t* __restrict a, const std::int8_t* __restrict b,
                                           std::size_t n) {
  std::int32_t acc[lanes] = {};  // 1024 * 127 * 127 fits in an int32 many times over
  for (std::size_t i = 0; i < n; i += lanes)
    for (std::size_t j = 0; j < lanes; ++j) acc[j] += std::int32_t{a[i + j]} * std::int32_t{b[i + j]};
  std::int32_t sum = 0;
  for (std::size_t j = 0; j < lanes; ++j) sum += acc[j];
  return sum;
}

// Scores the listed rows of one chunk (rows are `stride` values apart from `base`): the inner loop
// of the scan, one call per chunk so the kernel is inlined into each target's clone.
POLYLENS_KERNEL void score_f32(const float* __restrict base, std::size_t stride, const std::uint16_t* rows,
                               std::size_t count, const float* __restrict query, float* __restrict out) {
  for (std::size_t r = 0; r < count; ++r) {
    const float* row = base + rows[r] * stride;
    float acc[lanes] = {};
    for (std::size_t i = 0; i < stride; i += lanes)
      for (std::size_t j = 0; j < lanes; ++j) acc[j] += row[i + j] * query[i + j];
    float sum = 0;
    for (std::size_t j = 0; j < lanes; ++j) sum += acc[j];
    out[r] = sum;
  }
}

POLYLENS_KERNEL void score_i8(const std::int8_t* __restrict base, std::size_t stride, const std::uint16_t* rows,
                              std::size_t count, const std::int8_t* __restrict query, std::int32_t* __restrict out) {
  for (std::size_t r = 0; r < count; ++r) {
    const std::int8_t* row = base + rows[r] * stride;
    std::int32_t acc[lanes] = {};
    for (std::size_t i = 0; i < stride; i += lanes)
      for (std::size_t j = 0; j < lanes; ++j) acc[j] += std::int32_t{row[i + j]} * std::int32_t{query[i + j]};
    std::int32_t sum = 0;
    for (std::size_t j = 0; j < lanes; ++j) sum += acc[j];
    out[r] = sum;
  }
}

// Better first: a higher score, then a lower row.
bool better(const scored_row& a, const scored_row& b) { return a.score > b.score || (a.score == b.score && a.row < b.row); }

// The best k seen so far; the heap's top is the worst of them.
class top_k {
 public:
  explicit top_k(std::size_t k) : k_(k) { heap_.reserve(k + 1); }
  void offer(float score, std::uint32_t row) {
    if (k_ == 0) return;
    scored_row s{score, row};
    if (heap_.size() < k_) {
      heap_.push_back(s);
      std::push_heap(heap_.begin(), heap_.end(), better);
    } else if (better(s, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), better);
      heap_.back() = s;
      std::push_heap(heap_.begin(), heap_.end(), better);
    }
  }
  std::vector<scored_row> take() {
    std::sort_heap(heap_.begin(), heap_.end(), better);
    return std::move(heap_);
  }

 private:
  std::size_t k_;
  std::vector<scored_row> heap_;
};

}  // namespace

float dot_f32(const float* a, const float* b, std::size_t n) { return dot_f32_kernel(a, b, n); }
std::int32_t dot_i8(const std::int8_t* a, const std::int8_t* b, std::size_t n) { return dot_i8_kernel(a, b, n); }

std::size_t row_set::count() const {
  std::size_t n = 0;
  for (std::uint64_t w : words_) n += static_cast<std::size_t>(std::popcount(w));
  return n;
}

float score_row(const vector_matrix& m, const prepared_query& q, std::size_t row) {
  if (m.storage() == vector_storage::float32) return dot_f32(m.float_row(row), q.values.data(), m.stride());
  return m.int8_scale(row) * q.scale * static_cast<float>(dot_i8(m.int8_row(row), q.codes.data(), m.stride()));
}

std::vector<scored_row> scan_top_k(const vector_matrix& m, const prepared_query& q, std::size_t k,
                                   const row_set& allowed) {
  top_k best(k);
  constexpr std::size_t chunk = vector_matrix::rows_per_chunk;
  static_assert(chunk <= 65536, "row numbers within a chunk are 16-bit");
  std::uint16_t listed[chunk];
  float scores[chunk];
  std::int32_t dots[chunk];
  const auto& words = allowed.words();
  const std::size_t rows = std::min(m.rows(), allowed.rows());
  for (std::size_t first = 0; first < rows; first += chunk) {
    // The allowed rows of this chunk, from the bitmap.
    std::size_t count = 0;
    const std::size_t end = std::min(rows, first + chunk);
    for (std::size_t w = first / 64; w * 64 < end; ++w) {
      std::uint64_t bits = words[w];
      if (w * 64 + 64 > end) bits &= (std::uint64_t{1} << (end - w * 64)) - 1;
      while (bits) {
        listed[count++] = static_cast<std::uint16_t>(w * 64 + static_cast<std::size_t>(std::countr_zero(bits)) - first);
        bits &= bits - 1;
      }
    }
    if (count == 0) continue;
    if (m.storage() == vector_storage::float32) {
      score_f32(m.float_row(first), m.stride(), listed, count, q.values.data(), scores);
      for (std::size_t i = 0; i < count; ++i) best.offer(scores[i], static_cast<std::uint32_t>(first + listed[i]));
    } else {
      score_i8(m.int8_row(first), m.stride(), listed, count, q.codes.data(), dots);
      for (std::size_t i = 0; i < count; ++i) {
        std::size_t row = first + listed[i];
        best.offer(m.int8_scale(row) * q.scale * static_cast<float>(dots[i]), static_cast<std::uint32_t>(row));
      }
    }
  }
  return best.take();
}

}  // namespace polylens
