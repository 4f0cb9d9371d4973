#include "hnsw_index.h"

#include <algorithm>
#include <optional>

// hnswlib prints through std::cerr and has unused parameters; its headers are included as system
// headers (proxy/CMakeLists.txt) so its warnings stay out of ours.
#include <hnswlib/hnswlib.h>

namespace polylens {

namespace {

// What the graph stores for each element, and what a query passes in the same shape.
struct element {
  const void* values;  // a row of the matrix, or the prepared query
  float scale;         // int8 rows: the row's scale; unused for float32
};

struct space_params {
  std::size_t stride;
};

float distance_f32(const void* a, const void* b, const void* params) {
  const auto* x = static_cast<const element*>(a);
  const auto* y = static_cast<const element*>(b);
  return 1.0f - dot_f32(static_cast<const float*>(x->values), static_cast<const float*>(y->values),
                        static_cast<const space_params*>(params)->stride);
}

float distance_i8(const void* a, const void* b, const void* params) {
  const auto* x = static_cast<const element*>(a);
  const auto* y = static_cast<const element*>(b);
  const std::int32_t dot = dot_i8(static_cast<const std::int8_t*>(x->values), static_cast<const std::int8_t*>(y->values),
                                  static_cast<const space_params*>(params)->stride);
  return 1.0f - x->scale * y->scale * static_cast<float>(dot);
}

class row_pointer_space : public hnswlib::SpaceInterface<float> {
 public:
  explicit row_pointer_space(const vector_matrix& m)
      : params_{m.stride()}, distance_(m.storage() == vector_storage::float32 ? distance_f32 : distance_i8) {}
  std::size_t get_data_size() override { return sizeof(element); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return distance_; }
  void* get_dist_func_param() override { return &params_; }

 private:
  space_params params_;
  hnswlib::DISTFUNC<float> distance_;
};

class allowed_rows : public hnswlib::BaseFilterFunctor {
 public:
  explicit allowed_rows(const row_set& rows) : rows_(rows) {}
  bool operator()(hnswlib::labeltype label) override { return rows_.contains(label); }

 private:
  const row_set& rows_;
};

}  // namespace

struct hnsw_index::impl {
  impl(const vector_matrix& m, hnsw_params p, std::size_t capacity)
      : matrix(m), space(m), graph(&space, std::max<std::size_t>(capacity, 1024), p.m, p.ef_construction, p.seed) {}
  const vector_matrix& matrix;
  row_pointer_space space;
  hnswlib::HierarchicalNSW<float> graph;
};

hnsw_index::hnsw_index(const vector_matrix& matrix, hnsw_params params, std::size_t capacity)
    : params_(params), impl_(std::make_unique<impl>(matrix, params, capacity)) {}

hnsw_index::~hnsw_index() = default;

void hnsw_index::add(std::uint32_t row) {
  auto& g = impl_->graph;
  if (g.getCurrentElementCount() >= g.getMaxElements()) g.resizeIndex(g.getMaxElements() * 3 / 2 + 1024);
  const vector_matrix& m = impl_->matrix;
  element e{};
  if (m.storage() == vector_storage::float32) {
    e.values = m.float_row(row);
  } else {
    e.values = m.int8_row(row);
    e.scale = m.int8_scale(row);
  }
  g.addPoint(&e, row);
}

void hnsw_index::mark_deleted(std::uint32_t row) { impl_->graph.markDelete(row); }

std::vector<scored_row> hnsw_index::search(const prepared_query& query, std::size_t k, std::size_t ef,
                                           const row_set* allowed) const {
  element q{};
  if (impl_->matrix.storage() == vector_storage::float32) {
    q.values = query.values.data();
  } else {
    q.values = query.codes.data();
    q.scale = query.scale;
  }
  // hnswlib's ef is a member (setEf), shared by concurrent searches; asking for max(ef, k) results
  // with the member left at its minimum gives the same search per call, without the race.
  std::optional<allowed_rows> filter;
  if (allowed) filter.emplace(*allowed);
  auto found = impl_->graph.searchKnn(&q, std::max(ef, k), filter ? &*filter : nullptr);
  std::vector<scored_row> out;
  out.reserve(found.size());
  while (!found.empty()) {
    out.push_back({1.0f - found.top().first, static_cast<std::uint32_t>(found.top().second)});
    found.pop();
  }
  std::sort(out.begin(), out.end(), [](const scored_row& a, const scored_row& b) {
    return a.score > b.score || (a.score == b.score && a.row < b.row);
  });
  if (out.size() > k) out.resize(k);
  return out;
}

std::size_t hnsw_index::size() const { return impl_->graph.cur_element_count.load(); }

std::size_t hnsw_index::bytes() const {
  const auto& g = impl_->graph;
  const std::size_t capacity = g.max_elements_;
  const std::size_t elements = g.cur_element_count.load();
  // Level 0 (links, the element, its label), the per-element level, lock and upper-level pointer,
  // the label map, and the upper levels (about 1/M of the elements, each with M links).
  std::size_t total = capacity * (g.size_data_per_element_ + sizeof(int) + sizeof(std::mutex) + sizeof(void*));
  total += elements * (sizeof(hnswlib::labeltype) + sizeof(hnswlib::tableint) + 2 * sizeof(void*));
  total += elements / params_.m * g.size_links_per_element_;
  // A visited list of the capacity's size (unsigned short each) per concurrent search.
  total += capacity * sizeof(hnswlib::vl_type);
  return total;
}

}  // namespace polylens
