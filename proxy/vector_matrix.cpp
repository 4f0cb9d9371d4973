#include "vector_matrix.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

#include "int8_vectors.h"

namespace polylens {

namespace {

template <typename T>
T* allocate_chunk(std::size_t values) {
  // 64-byte alignment: a row of 32 floats or 64 int8 values is then whole cache lines.
  void* p = std::aligned_alloc(64, ((values * sizeof(T) + 63) / 64) * 64);
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, values * sizeof(T));
  return static_cast<T*>(p);
}

}  // namespace

void vector_matrix::free_deleter::operator()(void* p) const { std::free(p); }

vector_matrix::vector_matrix(int dims, vector_storage storage)
    : dims_(dims), stride_((static_cast<std::size_t>(dims) + pad_to - 1) / pad_to * pad_to), storage_(storage) {}

void vector_matrix::append(const float* unit) {
  const std::size_t chunk_index = rows_ / rows_per_chunk, in_chunk = rows_ % rows_per_chunk;
  if (storage_ == vector_storage::float32) {
    if (chunk_index == float_chunks_.size())
      float_chunks_.emplace_back(allocate_chunk<float>(rows_per_chunk * stride_));
    float* row = float_chunks_[chunk_index].get() + in_chunk * stride_;
    std::memcpy(row, unit, sizeof(float) * static_cast<std::size_t>(dims_));
    std::memset(row + dims_, 0, sizeof(float) * (stride_ - static_cast<std::size_t>(dims_)));
  } else {
    if (chunk_index == int8_chunks_.size()) {
      int8_chunks_.emplace_back(allocate_chunk<std::int8_t>(rows_per_chunk * stride_));
      scales_.emplace_back(new float[rows_per_chunk]());
    }
    std::int8_t* row = int8_chunks_[chunk_index].get() + in_chunk * stride_;
    scales_[chunk_index][in_chunk] = int8_quantize(unit, static_cast<std::size_t>(dims_), row);
    std::memset(row + dims_, 0, stride_ - static_cast<std::size_t>(dims_));
  }
  ++rows_;
}

void vector_matrix::keep_rows(const std::vector<std::uint32_t>& rows) {
  // In place, front to back: row i is written from a row >= i, so nothing is overwritten unread.
  for (std::size_t to = 0; to < rows.size(); ++to) {
    std::size_t from = rows[to];
    if (from == to) continue;
    if (storage_ == vector_storage::float32) {
      std::memcpy(const_cast<float*>(float_row(to)), float_row(from), sizeof(float) * stride_);
    } else {
      std::memcpy(const_cast<std::int8_t*>(int8_row(to)), int8_row(from), stride_);
      scales_[to / rows_per_chunk][to % rows_per_chunk] = int8_scale(from);
    }
  }
  rows_ = rows.size();
  const std::size_t chunks = (rows_ + rows_per_chunk - 1) / rows_per_chunk;
  if (float_chunks_.size() > chunks) float_chunks_.resize(chunks);
  if (int8_chunks_.size() > chunks) int8_chunks_.resize(chunks);
  if (scales_.size() > chunks) scales_.resize(chunks);
}

bool vector_matrix::prepare(const float* query, prepared_query& out) const {
  double norm = 0;
  for (int i = 0; i < dims_; ++i) norm += double(query[i]) * query[i];
  if (norm == 0 || !std::isfinite(norm)) return false;
  const float inverse = static_cast<float>(1.0 / std::sqrt(norm));
  std::vector<float> unit(stride_, 0.0f);
  for (int i = 0; i < dims_; ++i) unit[static_cast<std::size_t>(i)] = query[i] * inverse;
  if (storage_ == vector_storage::float32) {
    out.values = std::move(unit);
  } else {
    out.codes.assign(stride_, 0);
    out.scale = int8_quantize(unit.data(), static_cast<std::size_t>(dims_), out.codes.data());
  }
  return true;
}

std::size_t vector_matrix::bytes_per_row() const {
  return storage_ == vector_storage::float32 ? stride_ * sizeof(float) : stride_ + sizeof(float);
}

std::size_t vector_matrix::bytes() const {
  const std::size_t chunks = storage_ == vector_storage::float32 ? float_chunks_.size() : int8_chunks_.size();
  return chunks * rows_per_chunk * bytes_per_row();
}

}  // namespace polylens
