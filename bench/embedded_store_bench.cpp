// Measures the embedded vector store on this machine and prints markdown tables:
//   1. start-up: open() on a store of --startup-docs documents (default 100,000, with the default
//      fields 1024:hnsw + 256:int8_hnsw and 16 KB thumbnails), with the log in the page cache and
//      after it was evicted (posix_fadvise DONTNEED), and the process's memory after open;
//   2. single-query latency of the exact scan and of the HNSW graph at 10,000 and 100,000 documents,
//      256 and 1024 dims, float32 and int8, with the graph's recall@10 against the exact answer,
//      and memory per vector.
// Not run by ctest or CI (minutes of work, and the numbers are the machine's as much as the code's).
// docs/embedded-store.md records a run and the method.
//
//   build/bench/embedded_store_bench [--dir DIR] [--startup-docs N] [--sizes 10000,100000] [--queries N]
//                                    [--data latent|random] [--configs both|default|swapped]
#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "crc32c.h"
#include "embedded_store.h"
#include "matryoshka.h"
#include "synthetic_embeddings.h"

using namespace polylens;
namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

double ms_since(clock_type::time_point t) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t).count();
}

long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string key;
  long value = 0;
  while (in >> key) {
    if (key == "VmRSS:") {
      in >> value;
      return value;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5)];
}

image_document document(int n, const std::vector<float>& full, const std::vector<int>& dims, std::size_t thumbnail) {
  image_document d;
  d.id = "doc" + std::to_string(n);
  d.file = "photos/" + d.id + ".jpg";
  d.title = "Photo number " + std::to_string(n);
  d.tags = {"tag" + std::to_string(n % 50), "all"};
  d.licence = "CC0";
  d.width = 1024;
  d.height = 768;
  d.thumbnail_jpeg.assign(thumbnail, static_cast<char>(n));
  for (int k : dims) d.vectors[k] = matryoshka_truncate(full, k);
  return d;
}

void fill(embedded_store& store, int docs, const std::vector<int>& dims, std::size_t thumbnail, std::uint64_t seed) {
  embedding_source source(seed);
  std::vector<image_document> batch;
  for (int n = 0; n < docs; ++n) {
    batch.push_back(document(n, source.next(), dims, thumbnail));
    if (batch.size() == 64 || n + 1 == docs) {
      auto r = store.put(batch);
      if (!r) {
        std::fprintf(stderr, "put failed: %s\n", r.error().message.c_str());
        std::exit(1);
      }
      batch.clear();
    }
  }
}

std::unique_ptr<embedded_store> open_or_die(const embedded_store_options& o) {
  auto s = embedded_store::open(o);
  if (!s) {
    std::fprintf(stderr, "open failed: %s\n", s.error().message.c_str());
    std::exit(1);
  }
  return std::move(s).value();
}

void evict_from_page_cache(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  ::fdatasync(fd);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
}

// ---- 1. start-up ----------------------------------------------------------------------------------

void bench_startup(const std::string& dir, int docs) {
  embedded_store_options o;
  o.directory = dir + "/startup";
  o.hnsw_threshold = static_cast<std::size_t>(-1);  // no graph builder competing for the cores here
  fs::remove_all(o.directory);
  auto t = clock_type::now();
  {
    auto s = open_or_die(o);
    fill(*s, docs, {1024, 256}, 16 * 1024, 1);
  }
  const double write_s = ms_since(t) / 1000;
  const std::string log = o.directory + "/documents.log";
  const double log_mb = static_cast<double>(fs::file_size(log)) / 1e6;

  std::vector<double> warm, cold;
  long rss_before = 0, rss_after = 0;
  for (int i = 0; i < 3; ++i) {
    evict_from_page_cache(log);
    t = clock_type::now();
    { auto s = open_or_die(o); cold.push_back(ms_since(t)); }
    ::malloc_trim(0);  // give freed memory back, so the growth below is this open's own
    rss_before = rss_kib();
    t = clock_type::now();
    {
      auto s = open_or_die(o);
      warm.push_back(ms_since(t));
      rss_after = rss_kib();
    }
  }
  // CRC-32C speed, since start-up checks every byte of the log.
  std::string block(64u << 20, 'x');
  t = clock_type::now();
  std::uint32_t c = 0;
  for (int i = 0; i < 8; ++i) c = crc32c(block.data(), block.size(), c);
  const double crc_gbs = 8.0 * static_cast<double>(block.size()) / 1e9 / (ms_since(t) / 1000);

  std::printf("\n### Start-up: %d documents (fields 1024:hnsw + 256:int8_hnsw, 16 KB thumbnails)\n\n", docs);
  std::printf("| what | value |\n|---|---|\n");
  std::printf("| writing them (put, 64 per call, fsync on) | %.1f s (%.0f documents/s) |\n", write_s, docs / write_s);
  std::printf("| log size | %.0f MB (%.1f KB per document) |\n", log_mb, log_mb * 1000 / docs);
  std::printf("| open(), log in the page cache (best of 3) | %.0f ms |\n", *std::min_element(warm.begin(), warm.end()));
  std::printf("| open(), log evicted first (best of 3) | %.0f ms |\n", *std::min_element(cold.begin(), cold.end()));
  std::printf("| memory after open (RSS growth) | %.0f MB (%.0f bytes per document) |\n",
              static_cast<double>(rss_after - rss_before) / 1024, static_cast<double>(rss_after - rss_before) * 1024 / docs);
  std::printf("| CRC-32C speed | %.1f GB/s |\n", crc_gbs);
  std::fflush(stdout);
  fs::remove_all(o.directory);
}

// ---- 2. latency, recall, memory ------------------------------------------------------------------

struct row {
  int docs;
  vector_field field;
  double exact_p50, exact_p95, graph_p50, graph_p95, recall, build_s, matrix_bytes, graph_bytes;
};

std::vector<row> bench_search(const std::string& dir, int docs, const std::vector<vector_field>& fields, int queries) {
  embedded_store_options o;
  o.directory = dir + "/search-" + std::to_string(docs) + "-" + fields[0].index_type;
  o.fields = fields;
  o.hnsw_threshold = 0;
  o.fsync = false;  // the log is only a means here; no thumbnails either
  fs::remove_all(o.directory);
  std::vector<int> dims;
  for (const auto& f : fields) dims.push_back(f.dims);
  {
    auto filling = o;
    filling.hnsw_threshold = static_cast<std::size_t>(-1);  // no graph yet: its build is timed below
    auto s = open_or_die(filling);
    fill(*s, docs, dims, 0, 2);
  }
  auto t = clock_type::now();
  auto s = open_or_die(o);  // its builder thread starts at once; wait_for_graphs() shares the work
  s->wait_for_graphs();
  const double build_s = ms_since(t) / 1000;

  embedding_source source(3);  // queries: new points from the same distribution
  std::vector<std::vector<float>> query_vectors;
  for (int i = 0; i < queries; ++i) query_vectors.push_back(source.next());

  std::vector<row> rows;
  auto usage = s->vector_field_usage();
  for (std::size_t fi = 0; fi < fields.size(); ++fi) {
    const auto& f = fields[fi];
    std::vector<double> exact_ms, graph_ms;
    double recall_sum = 0;
    for (const auto& full : query_vectors) {
      knn_query q;
      q.vector = matryoshka_truncate(full, f.dims);
      q.k = 10;
      t = clock_type::now();
      auto exact = s->knn_using(f, q, knn_method::exact);
      exact_ms.push_back(ms_since(t));
      knn_method used;
      t = clock_type::now();
      auto graph = s->knn_using(f, q, knn_method::graph, &used);
      graph_ms.push_back(ms_since(t));
      if (used != knn_method::graph) std::fprintf(stderr, "warning: the graph search fell back to the exact scan\n");
      std::set<std::string> truth;
      for (const auto& h : *exact) truth.insert(h.id);
      int found = 0;
      for (const auto& h : *graph) found += static_cast<int>(truth.count(h.id));
      recall_sum += found / 10.0;
    }
    rows.push_back({docs, f, percentile(exact_ms, 0.5), percentile(exact_ms, 0.95), percentile(graph_ms, 0.5),
                    percentile(graph_ms, 0.95), recall_sum / queries, build_s,
                    static_cast<double>(usage[fi].memory_bytes) / docs, static_cast<double>(usage[fi].graph_bytes) / docs});
  }
  s.reset();
  fs::remove_all(o.directory);
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = (fs::temp_directory_path() / ("polylens-bench-" + std::to_string(::getpid()))).string();
  int startup_docs = 100000, queries = 200;
  std::string configs = "both";  // default: 1024:hnsw + 256:int8_hnsw; swapped: 1024:int8_hnsw + 256:hnsw
  std::vector<int> sizes = {10000, 100000};
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--dir") dir = v;
    else if (a == "--startup-docs") startup_docs = std::stoi(v);
    else if (a == "--queries") queries = std::stoi(v);
    else if (a == "--data") embedding_source::uniform = v == "random";
    else if (a == "--configs") configs = v;
    else if (a == "--sizes") sizes = bench_int_list(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  fs::create_directories(dir);
  std::printf("## Embedded store bench (%u hardware threads, %s data)\n", std::thread::hardware_concurrency(),
              embedding_source::uniform ? "uniformly random" : "latent-structure");
  if (startup_docs > 0) bench_startup(dir, startup_docs);

  std::vector<row> rows;
  for (int docs : sizes) {
    if (docs <= 0) continue;  // --sizes 0: start-up only
    // The default fields, then the same sizes with the other storage.
    for (auto fields : {std::vector<vector_field>{{1024, "hnsw"}, {256, "int8_hnsw"}},
                        std::vector<vector_field>{{1024, "int8_hnsw"}, {256, "hnsw"}}}) {
      if (configs != "both" && (configs == "default") != (fields[0].index_type == "hnsw")) continue;
      auto r = bench_search(dir, docs, fields, queries);
      rows.insert(rows.end(), r.begin(), r.end());
      std::fprintf(stderr, "done: %d documents, %s\n", docs, fields[0].index_type.c_str());
    }
  }
  if (rows.empty()) return 0;
  std::printf("\n### One query, k = 10, one thread (%d queries each; graph: M 16, ef_construction 100, ef = num_candidates 100)\n\n", queries);
  std::printf("| documents | field | storage | exact p50 / p95 (ms) | HNSW p50 / p95 (ms) | recall@10 | bytes per vector: matrix + graph | graph build (both fields) |\n");
  std::printf("|--:|--:|---|--:|--:|--:|--:|--:|\n");
  for (const auto& r : rows)
    std::printf("| %d | %d | %s | %.2f / %.2f | %.3f / %.3f | %.3f | %.0f + %.0f | %.1f s |\n", r.docs, r.field.dims,
                r.field.index_type == "hnsw" ? "float32" : "int8", r.exact_p50, r.exact_p95, r.graph_p50, r.graph_p95,
                r.recall, r.matrix_bytes, r.graph_bytes, r.build_s);
  fs::remove_all(dir);
  return 0;
}
