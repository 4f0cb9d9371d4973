// One vector field held in memory: a row per stored document, float32 or int8 (with a per-row
// scale), in fixed-size chunks so that a row never moves once written. The HNSW graph keeps
// pointers to rows instead of a second copy of every vector, and the exact scan walks a chunk as
// one contiguous block. Rows are padded with zeros to a multiple of 32 values so the dot-product
// kernels need no tail loop; padding never changes a dot product.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace polylens {

enum class vector_storage { float32, int8 };

// A query made ready for one field: normalised, padded, and quantised for an int8 field.
struct prepared_query {
  std::vector<float> values;         // float32 fields
  std::vector<std::int8_t> codes;    // int8 fields
  float scale = 0;                   // int8 fields
};

class vector_matrix {
 public:
  static constexpr std::size_t rows_per_chunk = 1024;
  static constexpr std::size_t pad_to = 32;

  vector_matrix(int dims, vector_storage storage);
  vector_matrix(vector_matrix&&) noexcept = default;
  vector_matrix& operator=(vector_matrix&&) noexcept = default;

  int dims() const { return dims_; }
  std::size_t stride() const { return stride_; }  // values per row, padded
  vector_storage storage() const { return storage_; }
  std::size_t rows() const { return rows_; }

  // Appends a row: `unit` holds dims() values of a unit vector.
  void append(const float* unit);
  // Keeps only the listed rows (ascending), which become rows 0, 1, ...: what compaction does.
  void keep_rows(const std::vector<std::uint32_t>& rows);

  const float* float_row(std::size_t row) const {
    return float_chunks_[row / rows_per_chunk].get() + (row % rows_per_chunk) * stride_;
  }
  const std::int8_t* int8_row(std::size_t row) const {
    return int8_chunks_[row / rows_per_chunk].get() + (row % rows_per_chunk) * stride_;
  }
  float int8_scale(std::size_t row) const { return scales_[row / rows_per_chunk][row % rows_per_chunk]; }

  // Normalises and pads a query (int8: also quantises it). False for a zero vector.
  bool prepare(const float* query, prepared_query& out) const;

  std::size_t bytes() const;           // allocated for the rows (whole chunks)
  std::size_t bytes_per_row() const;   // stride * element size (+ 4 for an int8 scale)

 private:
  struct free_deleter {
    void operator()(void* p) const;
  };
  template <typename T>
  using chunk = std::unique_ptr<T[], free_deleter>;

  int dims_;
  std::size_t stride_;
  vector_storage storage_;
  std::size_t rows_ = 0;
  std::vector<chunk<float>> float_chunks_;
  std::vector<chunk<std::int8_t>> int8_chunks_;
  std::vector<std::unique_ptr<float[]>> scales_;
};

}  // namespace polylens
