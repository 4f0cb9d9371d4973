// The embedded store against Elasticsearch, in one run on one machine: the same synthetic vectors
// (bench/synthetic_embeddings.h) go into an embedded store and into two Elasticsearch indices (flat
// fields for exact search, hnsw fields for the graph), and the same queries, one at a time, go to
// the four searches (embedded exact and graph, Elasticsearch flat and hnsw). Prints one markdown
// table: latency p50/p99 of each, the ratio, Elasticsearch's own `took`, recall@10 of each graph
// against its own exact answer, and bytes per vector; then the loading times.
//
// Fair to Elasticsearch: float32 on both sides (hnsw and flat, no quantisation), the same graph
// parameters (M 16, ef_construction 100) and ef (num_candidates 100), every index force-merged to one
// segment before measuring (one graph, as the embedded store has), and warm-up queries first. Not
// fair to it, and said so in docs/embedded-store.md: its latency is measured from this client and
// includes loopback HTTP and JSON (keep-alive connections); `took` is its time without them.
//
// Driven by bench/store_vs_elasticsearch.sh, which starts Elasticsearch; never run by ctest or CI.
//   build/bench/store_vs_elasticsearch --es-url URL [--sizes 10000,100000] [--queries N] [--dir DIR]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "elasticsearch_backend.h"
#include "embedded_store.h"
#include "matryoshka.h"
#include "synthetic_embeddings.h"

using namespace polylens;
namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr int k = 10, num_candidates = 100;  // num_candidates 100 is also the embedded store's default ef for k 10
constexpr int warm_up_queries = 30;
const std::vector<int> dims_measured = {256, 1024};

double ms_since(clock_type::time_point t) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t).count();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5)];
}

template <typename T>
T or_die(result<T> r, const char* doing) {
  if (!r) {
    std::fprintf(stderr, "%s failed: %s\n", doing, r.error().message.c_str());
    std::exit(1);
  }
  return std::move(*r);
}

double overlap(const std::vector<std::string>& truth, const std::vector<std::string>& found) {
  std::set<std::string> t(truth.begin(), truth.end());
  int n = 0;
  for (const auto& id : found) n += static_cast<int>(t.count(id));
  return n / static_cast<double>(k);
}

std::vector<std::string> ids_of(const std::vector<search_hit>& hits) {
  std::vector<std::string> ids;
  for (const auto& h : hits) ids.push_back(h.id);
  return ids;
}

image_document document(int n, const std::vector<float>& full) {
  image_document d;
  d.id = "doc" + std::to_string(n);
  d.file = "photos/" + d.id + ".jpg";
  d.title = "Photo number " + std::to_string(n);
  d.tags = {"tag" + std::to_string(n % 50)};
  for (int dims : dims_measured) d.vectors[dims] = matryoshka_truncate(full, dims);
  return d;
}

std::vector<vector_field> fields_of_type(const std::string& index_type) {
  std::vector<vector_field> f;
  for (int dims : dims_measured) f.push_back({dims, index_type});
  return f;
}

// ---- loading ------------------------------------------------------------------------------------

struct load_times {
  double embedded_write_s = 0, embedded_graph_s = 0;
  double es_flat_load_s = 0, es_hnsw_load_s = 0, es_flat_merge_s = 0, es_hnsw_merge_s = 0;
};

// float32 graphs for both dims (the embedded store's `hnsw`, as Elasticsearch's); the exact scan
// runs on the same matrix.
std::unique_ptr<embedded_store> load_embedded(const std::string& dir, const std::vector<std::vector<float>>& vectors,
                                              load_times& times) {
  embedded_store_options o;
  o.directory = dir;
  o.fields = fields_of_type("hnsw");
  o.fsync = false;  // the log is only a means here
  fs::remove_all(dir);
  auto t = clock_type::now();
  {
    auto filling = o;
    filling.hnsw_threshold = static_cast<std::size_t>(-1);  // the graphs are built and timed below
    auto s = or_die(embedded_store::open(filling), "opening the embedded store");
    std::vector<image_document> batch;
    for (std::size_t n = 0; n < vectors.size(); ++n) {
      batch.push_back(document(static_cast<int>(n), vectors[n]));
      if (batch.size() == 256 || n + 1 == vectors.size()) {
        or_die(s->put(batch), "put");
        batch.clear();
      }
    }
  }
  times.embedded_write_s = ms_since(t) / 1000;
  o.hnsw_threshold = 0;
  t = clock_type::now();
  auto s = or_die(embedded_store::open(o), "reopening the embedded store");
  s->wait_for_graphs();
  times.embedded_graph_s = ms_since(t) / 1000;
  return s;
}

std::unique_ptr<elasticsearch_backend> es_index(const std::string& url, const std::string& name,
                                                const std::string& index_type) {
  config c;
  c.es_url = url;
  c.index_name = name;
  c.fields = fields_of_type(index_type);
  c.es_timeout_ms = 600000;  // a bulk call while merges run can take a while on 2 cores
  return std::make_unique<elasticsearch_backend>(c);
}

// _bulk in calls of 500 documents from two threads, a refresh, then a force merge to one segment: Lucene builds one
// graph per segment and a search visits every segment's graph, so an unmerged index would be
// measured at a disadvantage the embedded store (one graph) does not have.
void load_es(elasticsearch_backend& es, const std::vector<std::vector<float>>& vectors, double& load_s, double& merge_s) {
  or_die(es.delete_index(), "deleting an old bench index");
  or_die(es.ensure_index(), "creating the bench index");
  // Two client threads, so that Elasticsearch indexes one bulk call while the next one is encoded
  // (one bulk call on one shard is one write thread).
  constexpr std::size_t per_call = 500;
  std::atomic<std::size_t> next_call{0};
  auto sender = [&] {
    for (;;) {
      const std::size_t first = next_call.fetch_add(1) * per_call;
      if (first >= vectors.size()) return;
      std::vector<image_document> batch;
      for (std::size_t n = first; n < std::min(vectors.size(), first + per_call); ++n)
        batch.push_back(document(static_cast<int>(n), vectors[n]));
      for (const auto& o : or_die(es.bulk_index(batch, false), "bulk indexing"))
        if (o.status != 200 && o.status != 201) {
          std::fprintf(stderr, "Elasticsearch refused %s: %d %s\n", o.id.c_str(), o.status, o.error.c_str());
          std::exit(1);
        }
    }
  };
  auto t = clock_type::now();
  std::thread second(sender);
  sender();
  second.join();
  or_die(es.refresh(), "refreshing");
  load_s = ms_since(t) / 1000;
  t = clock_type::now();
  or_die(es.force_merge(1), "force-merging");
  or_die(es.refresh(), "refreshing");
  merge_s = ms_since(t) / 1000;
  const int segments = or_die(es.search_segments(), "counting segments");
  const long long docs = or_die(es.count(), "counting");
  if (segments != 1 || docs != static_cast<long long>(vectors.size())) {
    std::fprintf(stderr, "%s: %d segments and %lld documents after the merge\n", es.index_name().c_str(), segments, docs);
    std::exit(1);
  }
}

// ---- measuring ----------------------------------------------------------------------------------

struct latency {
  std::vector<double> ms, took_ms;
  double p50() const { return percentile(ms, 0.5); }
  double p99() const { return percentile(ms, 0.99); }
};

struct table_row {
  int docs = 0, dims = 0;
  bool graph = false;
  latency embedded, es;
  double embedded_recall = 0, es_recall = 0;  // graph rows: against the same store's exact answer
  double exact_agreement = 0;                 // exact rows: the two exact answers' overlap (a check)
  double embedded_bytes = 0, es_bytes = 0;    // per vector
};

std::vector<table_row> measure(int docs, embedded_store& store, elasticsearch_backend& es_flat,
                               elasticsearch_backend& es_hnsw, const std::vector<std::vector<float>>& queries) {
  std::vector<table_row> rows;
  auto usage = store.vector_field_usage();
  auto flat_bytes = or_die(es_flat.vector_field_storage_by_name(), "_disk_usage");
  auto hnsw_bytes = or_die(es_hnsw.vector_field_storage_by_name(), "_disk_usage");
  for (std::size_t fi = 0; fi < dims_measured.size(); ++fi) {
    const vector_field field{dims_measured[fi], "hnsw"};
    table_row exact_row, graph_row;
    exact_row.docs = graph_row.docs = docs;
    exact_row.dims = graph_row.dims = field.dims;
    graph_row.graph = true;
    const double n = docs;
    exact_row.embedded_bytes = static_cast<double>(usage[fi].memory_bytes) / n;
    graph_row.embedded_bytes = static_cast<double>(usage[fi].memory_bytes + usage[fi].graph_bytes) / n;
    exact_row.es_bytes = static_cast<double>(flat_bytes[field.name()].bytes) / n;
    graph_row.es_bytes = static_cast<double>(hnsw_bytes[field.name()].bytes) / n;

    // The four searches of one query run back to back, so other work on the machine slows all four alike.
    auto one_query = [&](const std::vector<float>& full, bool record) {
      knn_query q;
      q.vector = matryoshka_truncate(full, field.dims);
      q.k = k;
      q.num_candidates = num_candidates;
      auto t = clock_type::now();
      auto exact = or_die(store.knn_using(field, q, knn_method::exact), "embedded exact search");
      const double exact_ms = ms_since(t);
      knn_method used = knn_method::automatic;
      t = clock_type::now();
      auto graph = or_die(store.knn_using(field, q, knn_method::graph, &used), "embedded graph search");
      const double graph_ms = ms_since(t);
      if (used != knn_method::graph) std::fprintf(stderr, "warning: the embedded graph search fell back to the exact scan\n");
      auto flat = or_die(es_flat.knn_ids(field, q.vector, k, num_candidates), "Elasticsearch flat search");
      auto hnsw = or_die(es_hnsw.knn_ids(field, q.vector, k, num_candidates), "Elasticsearch hnsw search");
      if (!record) return;
      exact_row.embedded.ms.push_back(exact_ms);
      graph_row.embedded.ms.push_back(graph_ms);
      exact_row.es.ms.push_back(flat.wall_ms);
      exact_row.es.took_ms.push_back(flat.took_ms);
      graph_row.es.ms.push_back(hnsw.wall_ms);
      graph_row.es.took_ms.push_back(hnsw.took_ms);
      const auto exact_ids = ids_of(exact);
      graph_row.embedded_recall += overlap(exact_ids, ids_of(graph));
      graph_row.es_recall += overlap(flat.ids, hnsw.ids);
      exact_row.exact_agreement += overlap(exact_ids, flat.ids);
    };
    for (int i = 0; i < warm_up_queries; ++i) one_query(queries[static_cast<std::size_t>(i) % queries.size()], false);
    for (const auto& qv : queries) one_query(qv, true);
    const double nq = static_cast<double>(queries.size());
    graph_row.embedded_recall /= nq;
    graph_row.es_recall /= nq;
    exact_row.exact_agreement /= nq;
    rows.push_back(std::move(exact_row));
    rows.push_back(std::move(graph_row));
    std::fprintf(stderr, "measured: %d documents, %d dims\n", docs, field.dims);
  }
  return rows;
}

// The table is printed a row at a time as the sizes complete, so a long run shows its first rows early.
void print_table_header(int queries) {
  std::printf("\n### One query at a time, k = %d, num_candidates = %d, float32 on both sides (%d queries per row)\n\n",
              k, num_candidates, queries);
  std::printf("| documents | dims | search | embedded p50 / p99 (ms) | Elasticsearch p50 / p99 (ms) | ES ÷ embedded, p50 / p99 "
              "| ES `took` p50 / p99 (ms) | recall@10 embedded / ES | bytes per vector embedded / ES |\n");
  std::printf("|--:|--:|---|--:|--:|--:|--:|--:|--:|\n");
  std::fflush(stdout);
}

void print_row(const table_row& r) {
  char recall[64];
  if (r.graph) std::snprintf(recall, sizeof recall, "%.3f / %.3f", r.embedded_recall, r.es_recall);
  else std::snprintf(recall, sizeof recall, "(exact; agree %.3f)", r.exact_agreement);
  std::printf("| %d | %d | %s | %.3f / %.3f | %.3f / %.3f | %.1f / %.1f | %.0f / %.0f | %s | %.0f / %.0f |\n", r.docs,
              r.dims, r.graph ? "HNSW" : "exact", r.embedded.p50(), r.embedded.p99(), r.es.p50(), r.es.p99(),
              r.es.p50() / r.embedded.p50(), r.es.p99() / r.embedded.p99(), percentile(r.es.took_ms, 0.5),
              percentile(r.es.took_ms, 0.99), recall, r.embedded_bytes, r.es_bytes);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::string es_url, dir = (fs::temp_directory_path() / ("polylens-vs-es-" + std::to_string(::getpid()))).string();
  int queries = 300;
  std::vector<int> sizes = {10000, 100000};
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--es-url") es_url = v;
    else if (a == "--dir") dir = v;
    else if (a == "--queries") queries = std::stoi(v);
    else if (a == "--sizes") sizes = bench_int_list(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (es_url.empty() || queries < 1) {
    std::fprintf(stderr, "usage: store_vs_elasticsearch --es-url URL [--sizes 10000,100000] [--queries N] [--dir DIR]\n");
    return 2;
  }
  auto probe = es_index(es_url, "polylens-bench-probe", "flat");
  const std::string es_version = or_die(probe->version(), "asking Elasticsearch its version");
  std::printf("## Embedded store vs Elasticsearch %s (%u hardware threads, latent-structure data)\n", es_version.c_str(),
              std::thread::hardware_concurrency());

  std::vector<std::vector<float>> query_vectors;
  embedding_source query_source(3);  // new points from the same distribution as the documents
  for (int i = 0; i < queries; ++i) query_vectors.push_back(query_source.next());

  std::vector<std::pair<int, load_times>> loads;
  print_table_header(queries);
  for (int docs : sizes) {
    std::vector<std::vector<float>> vectors;
    embedding_source source(2);
    for (int n = 0; n < docs; ++n) vectors.push_back(source.next());
    load_times times;
    auto store = load_embedded(dir + "/store-" + std::to_string(docs), vectors, times);
    std::fprintf(stderr, "embedded: %d documents written in %.1f s, graphs in %.1f s\n", docs, times.embedded_write_s,
                 times.embedded_graph_s);
    auto flat = es_index(es_url, "polylens-bench-flat-" + std::to_string(docs), "flat");
    auto hnsw = es_index(es_url, "polylens-bench-hnsw-" + std::to_string(docs), "hnsw");
    load_es(*flat, vectors, times.es_flat_load_s, times.es_flat_merge_s);
    std::fprintf(stderr, "Elasticsearch flat: loaded in %.1f s, merged in %.1f s\n", times.es_flat_load_s, times.es_flat_merge_s);
    load_es(*hnsw, vectors, times.es_hnsw_load_s, times.es_hnsw_merge_s);
    std::fprintf(stderr, "Elasticsearch hnsw: loaded in %.1f s, merged in %.1f s\n", times.es_hnsw_load_s, times.es_hnsw_merge_s);
    vectors.clear();
    vectors.shrink_to_fit();
    for (const auto& row : measure(docs, *store, *flat, *hnsw, query_vectors)) print_row(row);
    loads.emplace_back(docs, times);
    store.reset();
    fs::remove_all(dir + "/store-" + std::to_string(docs));
    flat->delete_index();
    hnsw->delete_index();
  }
  std::printf("\n### Loading (both dims per store or index)\n\n");
  std::printf("| documents | embedded: put (256 per call, no fsync) | embedded: both graphs | ES flat: _bulk (500 per call) + refresh "
              "| ES flat: force merge | ES hnsw: _bulk + refresh | ES hnsw: force merge to 1 segment |\n");
  std::printf("|--:|--:|--:|--:|--:|--:|--:|\n");
  for (const auto& [docs, t] : loads)
    std::printf("| %d | %.1f s | %.1f s | %.1f s | %.1f s | %.1f s | %.1f s |\n", docs, t.embedded_write_s,
                t.embedded_graph_s, t.es_flat_load_s, t.es_flat_merge_s, t.es_hnsw_load_s, t.es_hnsw_merge_s);
  fs::remove_all(dir);
  return 0;
}
