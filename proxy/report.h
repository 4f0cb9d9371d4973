// polylens report: for every Matryoshka size and index type, what the vectors cost on disk and how
// much of the 1024-dim float ranking they keep. It reads the stored 1024-dim vectors back (no image
// is embedded again), builds one scratch index per index type, sends every query of a multilingual
// query set to every field, and prints one table: text, markdown (docs/index-size-quality.md) or JSON.
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api_messages.h"
#include "config.h"
#include "elasticsearch_backend.h"
#include "result.h"

namespace polylens {

// Exit code: 0 done, 1 an upstream or the index failed, 2 a flag's value is unusable.
int report_run(const config& settings);

// ---- what one run measured ----------------------------------------------------------------------

struct report_figures {
  double overlap = 0;  // mean overlap@k with vec_1024 hnsw's top k
  double overlap_exact = 0;  // mean overlap@k with exact 1024-dim float search (what no approximation loses)
  double recall = 0;   // mean recall@k against exact (brute-force float) search on the same dims
  double top1 = 0;     // share of queries whose first hit is vec_1024 hnsw's first hit
  int queries = 0;
};

struct report_row {
  vector_field field;
  bool reference = false;       // vec_1024 hnsw: what overlap is measured against
  double query_oversample = 0;  // > 0: searched with query-time rescore_vector (--rescore)
  std::string index_name;       // the scratch index it lived in
  long long documents = 0;
  int segments = 0;             // searchable segments when measured (1 after the force merge)
  vector_field_storage storage;
  nlohmann::json index_options;  // as Elasticsearch applied them, its defaults included
  report_figures all;
  std::map<std::string, report_figures> by_language;
  double p50_took_ms = 0;  // Elasticsearch's `took`, whole milliseconds
  double p50_wall_ms = 0;  // the HTTP round trip from this process
  double p90_wall_ms = 0;
};

struct report_skip {
  vector_field field;
  std::string reason;
};

struct report_token_count {
  long long items = 0;
  long long tokens = 0;
  double mean() const { return items ? double(tokens) / double(items) : 0.0; }
};

struct report_data {
  std::string date_utc;
  std::string machine;       // cores, memory, OS
  std::string load_average;  // /proc/loadavg when the run started: the machine is shared
  std::string es_version;
  std::string index;         // the source index
  embedder_info embedder;
  int k = 10;
  int num_candidates = 0;
  double rescore = 0;  // --rescore: the query-time oversample of the extra rows
  long long stored_documents = 0;
  int synthetic = 0;
  double synthetic_noise = 0;   // copies: original + noise × (per-dimension spread) × N(0, 1)
  double synthetic_cosine = 0;  // mean cosine of a copy with its original, at 1024 dims
  int concepts = 0;
  std::vector<std::string> languages;
  long long queries = 0;
  // How hard the query set is, from exact search at 1024 dims: the mean cosine at rank 1, k/2 and
  // k, and the median gap between rank k and k+1. A small gap means the end of the top k is a
  // near-tie that any approximation may reorder.
  double cosine_rank1 = 0, cosine_rank_half = 0, cosine_rank_k = 0, median_gap_at_k = 0;
  std::vector<report_row> rows;
  std::vector<report_skip> skipped;
  std::vector<std::string> scratch_indices;
  bool scratch_kept = false;
  double seconds = 0;

  // Tokens. Per query: measured, one embed call per language, cache off.
  std::map<std::string, report_token_count> query_tokens;
  // Per image from the contract's formula (4000 tokens per started 512 px tile) and the stored
  // width and height: the original as is, and shrunk to 512 px on the long side as the browser and
  // the indexer do.
  report_token_count image_tokens_before_formula, image_tokens_after_formula;
  long long images_without_size = 0;
  // Per image measured through the embedder (--images): the original files, then their 512 px copies.
  bool images_measured = false;
  std::string images_dir;
  report_token_count image_tokens_before_measured, image_tokens_after_measured;
  std::vector<std::string> images_not_measured;  // "file: why"
  // The fresh embedding of each 512 px copy against the vector stored for that file: close to 1
  // when the index was built by this embedder, which the comparison of queries with it assumes.
  int consistency_matched = 0;
  double consistency_mean_cosine = 0, consistency_min_cosine = 0;
};

std::string report_to_json(const report_data& report);
std::string report_to_table(const report_data& report);
std::string report_to_markdown(const report_data& report);

// ---- pure pieces (tests/unit/report_test.cpp) ---------------------------------------------------

// |found[:k] ∩ reference[:k]| / min(k, |reference|); 1 when the reference is empty.
double overlap_at_k(const std::vector<std::string>& found, const std::vector<std::string>& reference, std::size_t k);

// The p-quantile (0..1) by linear interpolation; 0 for no values.
double percentile(std::vector<double> values, double p);

// Rows of unit vectors of one size, contiguous: every document truncated to `dims` and re-normalised.
struct vector_matrix {
  int dims = 0;
  std::vector<float> values;
  std::size_t rows() const { return dims ? values.size() / static_cast<std::size_t>(dims) : 0; }
  const float* row(std::size_t i) const { return values.data() + i * static_cast<std::size_t>(dims); }
  std::vector<float> row_vector(std::size_t i) const { return {row(i), row(i) + dims}; }
};
vector_matrix vector_matrix_make(const std::vector<std::vector<float>>& full, int dims);

// Exact search: the rows with the k highest cosines to `query` (unit length, same dims), best
// first; ties go to the lower row.
std::vector<std::size_t> exact_top_k(const vector_matrix& docs, const std::vector<float>& query, std::size_t k);

// n noisy copies, deterministic for a seed: copy j = normalise(original[j mod count] + noise ×
// spread_d × N(0, 1)), with spread_d each dimension's standard deviation over the originals, so
// the copies keep the Matryoshka shape (most energy in the leading dimensions).
std::vector<std::vector<float>> synthetic_copies(const std::vector<std::vector<float>>& originals, int n, double noise,
                                                 std::uint64_t seed);

// The contract's image billing (jina-embeddings-api.md, section 8): 4000 tokens per started
// 512 x 512 tile. The exact rule is unpublished; this is the documented summary.
long long image_tokens_by_tiles(int width, int height);

// The size an image has after shrinking to long_side (never enlarged), rounded as
// shared/image_preprocess.cpp rounds it.
std::pair<int, int> size_fit_within(int width, int height, int long_side);

struct report_query {
  std::string concept_name;
  std::string language;
  std::string text;
};
// queries.tsv: a header `concept match_tags <lang> <lang> ...`, one row per concept; empty cells are skipped.
result<std::vector<report_query>> report_queries_load(const std::string& tsv_path, std::vector<std::string>& languages,
                                                      int& concepts);

}  // namespace polylens
