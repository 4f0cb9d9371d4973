#include "report.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "api_limits.h"
#include "content_hash.h"
#include "embedding_service.h"
#include "image_ingest.h"
#include "log.h"
#include "matryoshka.h"
#include "metrics.h"

namespace polylens {

namespace fs = std::filesystem;
using nlohmann::json;

// ---- pure pieces --------------------------------------------------------------------------------

double overlap_at_k(const std::vector<std::string>& found, const std::vector<std::string>& reference, std::size_t k) {
  std::size_t expected = std::min(k, reference.size());
  if (expected == 0) return 1.0;
  std::set<std::string> wanted(reference.begin(), reference.begin() + static_cast<std::ptrdiff_t>(expected));
  std::size_t hits = 0;
  for (std::size_t i = 0; i < found.size() && i < k; ++i) hits += wanted.erase(found[i]);
  return double(hits) / double(expected);
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  double at = std::clamp(p, 0.0, 1.0) * double(values.size() - 1);
  auto low = static_cast<std::size_t>(std::floor(at));
  std::size_t high = std::min(low + 1, values.size() - 1);
  return values[low] + (values[high] - values[low]) * (at - double(low));
}

vector_matrix vector_matrix_make(const std::vector<std::vector<float>>& full, int dims) {
  vector_matrix m;
  m.dims = dims;
  m.values.reserve(full.size() * static_cast<std::size_t>(dims));
  for (const auto& v : full) {
    auto t = matryoshka_truncate(v, dims);
    t.resize(static_cast<std::size_t>(dims), 0.0f);
    m.values.insert(m.values.end(), t.begin(), t.end());
  }
  return m;
}

namespace {
// Eight partial sums: the compiler may not reorder a float reduction, the CPU can overlap these.
float dot(const float* a, const float* b, int n) {
  float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) s[j] += a[i + j] * b[i + j];
  float total = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
  for (; i < n; ++i) total += a[i] * b[i];
  return total;
}
}  // namespace

std::vector<std::size_t> exact_top_k(const vector_matrix& docs, const std::vector<float>& query, std::size_t k) {
  std::vector<std::pair<float, std::size_t>> scored;
  scored.reserve(docs.rows());
  for (std::size_t i = 0; i < docs.rows(); ++i) scored.emplace_back(dot(docs.row(i), query.data(), docs.dims), i);
  std::size_t n = std::min(k, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(n), scored.end(),
                    [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(scored[i].second);
  return out;
}

std::vector<std::vector<float>> synthetic_copies(const std::vector<std::vector<float>>& originals, int n, double noise,
                                                 std::uint64_t seed) {
  std::vector<std::vector<float>> out;
  if (originals.empty() || n <= 0) return out;
  const std::size_t dims = originals.front().size();
  std::vector<double> mean(dims, 0), spread(dims, 0);
  for (const auto& v : originals)
    for (std::size_t d = 0; d < dims; ++d) mean[d] += v[d];
  for (auto& m : mean) m /= double(originals.size());
  for (const auto& v : originals)
    for (std::size_t d = 0; d < dims; ++d) spread[d] += (v[d] - mean[d]) * (v[d] - mean[d]);
  for (auto& s : spread) s = std::sqrt(s / double(originals.size()));
  // mt19937_64's output is fixed by the standard; std::normal_distribution's is not, hence Box-Muller.
  std::mt19937_64 bits(seed);
  auto uniform = [&] { return (double(bits() >> 11) + 0.5) * 0x1.0p-53; };  // (0, 1)
  out.reserve(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j) {
    const auto& base = originals[static_cast<std::size_t>(j) % originals.size()];
    std::vector<float> copy(dims);
    for (std::size_t d = 0; d < dims; d += 2) {
      double r = std::sqrt(-2.0 * std::log(uniform())), angle = 2.0 * M_PI * uniform();
      copy[d] = float(base[d] + noise * spread[d] * r * std::cos(angle));
      if (d + 1 < dims) copy[d + 1] = float(base[d + 1] + noise * spread[d + 1] * r * std::sin(angle));
    }
    out.push_back(matryoshka_truncate(copy, static_cast<int>(dims)));
  }
  return out;
}

long long image_tokens_by_tiles(int width, int height) {
  if (width <= 0 || height <= 0) return 0;
  long long across = (width + 511) / 512, down = (height + 511) / 512;
  return across * down * 4000;
}

std::pair<int, int> size_fit_within(int width, int height, int long_side) {
  int longest = std::max(width, height);
  if (longest <= long_side) return {width, height};
  double scale = double(long_side) / longest;
  return {std::max(1, int(std::lround(width * scale))), std::max(1, int(std::lround(height * scale)))};
}

result<std::vector<report_query>> report_queries_load(const std::string& tsv_path, std::vector<std::string>& languages,
                                                      int& concepts) {
  std::ifstream in(tsv_path);
  if (!in) return api_error{error_type::invalid_request, "cannot read the queries file '" + tsv_path + "' (--queries FILE)"};
  auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::string cell;
    std::stringstream s(line);
    while (std::getline(s, cell, '\t')) {
      while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
      cells.push_back(cell);
    }
    return cells;
  };
  std::string line;
  std::getline(in, line);
  auto header = split(line);
  if (header.size() < 3 || header[0] != "concept")
    return api_error{error_type::invalid_request, "the queries file '" + tsv_path +
                                                      "' needs a header 'concept<TAB>match_tags<TAB><language>...'"};
  std::size_t first_language = header[1] == "match_tags" ? 2 : 1;
  languages.assign(header.begin() + static_cast<std::ptrdiff_t>(first_language), header.end());
  std::vector<report_query> out;
  concepts = 0;
  while (std::getline(in, line)) {
    auto cells = split(line);
    if (cells.empty() || cells[0].empty()) continue;
    ++concepts;
    for (std::size_t i = first_language; i < cells.size() && i < header.size(); ++i)
      if (!cells[i].empty()) out.push_back({cells[0], header[i], cells[i]});
  }
  if (out.empty()) return api_error{error_type::invalid_request, "the queries file '" + tsv_path + "' holds no queries"};
  return out;
}

// ---- the run ------------------------------------------------------------------------------------

namespace {

using clock_type = std::chrono::steady_clock;
constexpr double synthetic_noise = 0.5;
constexpr std::uint64_t synthetic_seed = 20261129;
constexpr int warm_up_queries = 10;
constexpr std::size_t bulk_batch = 200;

void progress(const std::string& text) {
  std::fprintf(stderr, "report: %s\n", text.c_str());
  std::fflush(stderr);
}

std::string first_line_of(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (key.empty() || line.rfind(key, 0) == 0) return line.substr(key.size());
  return "";
}

std::string machine_description() {
  std::ostringstream out;
  out << std::thread::hardware_concurrency() << " cores";
  std::string mem = first_line_of("/proc/meminfo", "MemTotal:");
  if (!mem.empty()) {
    long long kb = std::atoll(mem.c_str());
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f GiB", double(kb) / (1024.0 * 1024.0));
    out << ", " << buf;
  }
  std::string os = first_line_of("/etc/os-release", "PRETTY_NAME=");
  os.erase(std::remove(os.begin(), os.end(), '"'), os.end());
  utsname u{};
  if (uname(&u) == 0) out << ", " << (os.empty() ? std::string(u.sysname) : os) << " (kernel " << u.release << ", " << u.machine << ")";
  return out.str();
}

std::string date_utc() {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

std::vector<fs::path> image_files(const fs::path& folder) {
  static const std::set<std::string> extensions = {".jpg", ".jpeg", ".png", ".gif", ".bmp"};
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(folder)) {
    std::string ext = entry.path().extension().string();
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (entry.is_regular_file() && extensions.count(ext)) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A scratch index is deleted however the run ends (unless --keep), so a failure leaves nothing behind.
struct scratch_index {
  elasticsearch_backend backend;
  bool keep;
  scratch_index(const config& settings, bool keep_it) : backend(settings), keep(keep_it) {}
  ~scratch_index() {
    if (!keep) backend.delete_index();
  }
};

struct query_set {
  std::vector<report_query> queries;
  std::vector<std::vector<float>> vectors;  // 1024 dims, one per query
};

int fail(const api_error& e) {
  log_error(e.message);
  return 1;
}

// The scratch indices' order: hnsw first (vec_1024 hnsw is the reference every overlap needs),
// then as asked.
std::vector<std::string> build_order(const std::vector<std::string>& types) {
  std::vector<std::string> order = {"hnsw"};
  for (const auto& t : types)
    if (t != "hnsw") order.push_back(t);
  return order;
}

int type_rank(const std::string& type) {
  const auto& all = vector_index_types();
  return static_cast<int>(std::find(all.begin(), all.end(), type) - all.begin());
}

// Embeds every query once, one call per language so the usage per call is a per-language figure.
result<query_set> embed_queries(std::vector<report_query> queries, const std::vector<std::string>& languages,
                                embedding_service& embedder, report_data& report) {
  query_set out;
  for (const auto& language : languages) {
    std::vector<report_query> batch;
    for (const auto& q : queries)
      if (q.language == language) batch.push_back(q);
    if (batch.empty()) continue;
    std::vector<embed_input> inputs;
    for (const auto& q : batch) inputs.push_back({embed_input::kind::text, q.text});
    auto embedded = embedder.embed(inputs, true);
    if (!embedded) return embedded.error();
    report.query_tokens[language] = {static_cast<long long>(batch.size()), embedded->tokens};
    for (std::size_t i = 0; i < batch.size(); ++i) {
      out.queries.push_back(batch[i]);
      out.vectors.push_back(std::move(embedded->items[i].vector));
    }
  }
  return out;
}

// Tokens per image measured through the embedder: the files as they are, then the 512 px copies
// the indexer and the browser send. One call per batch, document task, cache off.
std::optional<api_error> measure_image_tokens(const config& settings, embedding_service& embedder,
                                              const std::map<std::string, std::vector<float>>& stored, report_data& report) {
  auto files = image_files(report.images_dir);
  auto batch_size = static_cast<std::size_t>(settings.embed_batch_size);
  double cosine_sum = 0;
  report.consistency_min_cosine = 1;
  for (std::size_t start = 0; start < files.size(); start += batch_size) {
    std::vector<embed_input> originals, resized;
    std::vector<std::string> ids;
    for (std::size_t i = start; i < files.size() && i < start + batch_size; ++i) {
      std::ifstream in(files[i], std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      const std::string name = files[i].filename().string();
      if (bytes.size() > limits::max_image_bytes) {
        report.images_not_measured.push_back(name + ": over the API's 8 MB per image");
        continue;
      }
      auto prepared = ingest_prepare(bytes, name, {});
      if (!prepared) {
        report.images_not_measured.push_back(name + ": " + prepared.error().message);
        continue;
      }
      ids.push_back(prepared->doc.id);
      originals.push_back({embed_input::kind::image, std::move(bytes)});
      resized.push_back({embed_input::kind::image, std::move(prepared->upload_jpeg)});
    }
    if (originals.empty()) continue;
    auto before = embedder.embed(originals, false);
    if (!before) return before.error();
    auto after = embedder.embed(resized, false);
    if (!after) return after.error();
    report.image_tokens_before_measured.items += static_cast<long long>(originals.size());
    report.image_tokens_before_measured.tokens += before->tokens;
    report.image_tokens_after_measured.items += static_cast<long long>(resized.size());
    report.image_tokens_after_measured.tokens += after->tokens;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      auto it = stored.find(ids[i]);
      if (it == stored.end()) continue;
      double c = cosine_similarity(it->second, after->items[i].vector);
      cosine_sum += c;
      report.consistency_min_cosine = std::min(report.consistency_min_cosine, c);
      ++report.consistency_matched;
    }
  }
  progress("tokens per image: " + std::to_string(report.image_tokens_before_measured.items) + " of " +
           std::to_string(files.size()) + " files embedded as they are and at 512 px");
  if (report.consistency_matched) report.consistency_mean_cosine = cosine_sum / report.consistency_matched;
  else report.consistency_min_cosine = 0;
  return std::nullopt;
}

}  // namespace

int report_run(const config& settings) {
  const auto started = clock_type::now();
  const report_options& options = settings.report;
  report_data report;
  report.date_utc = date_utc();
  report.machine = machine_description();
  {
    std::istringstream load(first_line_of("/proc/loadavg", ""));
    std::string one, five, fifteen;
    load >> one >> five >> fifteen;
    report.load_average = one + " " + five + " " + fifteen;
  }
  report.index = settings.index_name;
  report.k = options.k;
  report.num_candidates = options.num_candidates ? options.num_candidates : default_num_candidates(options.k);
  report.synthetic = options.synthetic;
  report.synthetic_noise = options.synthetic ? synthetic_noise : 0;
  report.scratch_kept = options.keep;
  report.rescore = options.rescore;

  // Unusable flag values first (exit 2), before anything is spent.
  auto loaded = report_queries_load(options.queries_file, report.languages, report.concepts);
  if (!loaded) {
    std::fprintf(stderr, "polylens: %s\n", loaded.error().message.c_str());
    return 2;
  }
  if (!options.images_dir.empty() && !fs::is_directory(options.images_dir)) {
    std::fprintf(stderr, "polylens: --images '%s' is not a folder\n", options.images_dir.c_str());
    return 2;
  }
  if (!options.output_file.empty()) {
    fs::path parent = fs::path(options.output_file).parent_path();
    if (!parent.empty() && !fs::is_directory(parent)) {
      std::fprintf(stderr, "polylens: --output '%s': the folder '%s' does not exist\n", options.output_file.c_str(),
                   parent.string().c_str());
      return 2;
    }
  }
  report.images_dir = options.images_dir;
  report.images_measured = !options.images_dir.empty();

  // Force merges, _disk_usage and bulk loads of thousands of vectors take longer than a search.
  config es_settings = settings;
  es_settings.es_timeout_ms = std::max(settings.es_timeout_ms, 300000);
  elasticsearch_backend source(es_settings);
  auto version = source.version();
  if (!version) return fail(version.error());
  report.es_version = *version;

  // ---- the stored vectors -----------------------------------------------------------------------
  const vector_field full_field{limits::full_dims, "hnsw"};
  auto mapped = source.vector_index_options();
  if (!mapped) return fail(mapped.error());
  if (!mapped->count(full_field.name()))
    return fail({error_type::invalid_request, "the index '" + settings.index_name + "' has no " + full_field.name() +
                                                  " field: the report derives every size from the 1024-dim vectors "
                                                  "(index with --fields including 1024)"});
  progress("reading the stored 1024-dim vectors of '" + settings.index_name + "' from Elasticsearch " + report.es_version);
  auto stored = source.stored_vectors(full_field);
  if (!stored) return fail(stored.error());
  if (stored->empty())
    return fail({error_type::invalid_request, "the index '" + settings.index_name +
                                                  "' holds no documents: index some images first (polylens index <folder>)"});
  report.stored_documents = static_cast<long long>(stored->size());
  std::vector<std::string> ids;
  std::vector<std::vector<float>> full_vectors;
  std::map<std::string, std::vector<float>> stored_by_id;
  for (auto& s : *stored) {
    if (s.width > 0 && s.height > 0) {
      auto [w, h] = size_fit_within(s.width, s.height, limits::upload_long_side);
      report.image_tokens_before_formula.items++;
      report.image_tokens_before_formula.tokens += image_tokens_by_tiles(s.width, s.height);
      report.image_tokens_after_formula.items++;
      report.image_tokens_after_formula.tokens += image_tokens_by_tiles(w, h);
    } else {
      ++report.images_without_size;
    }
    ids.push_back(s.id);
    full_vectors.push_back(s.vector);
    stored_by_id[s.id] = std::move(s.vector);
  }
  stored->clear();
  if (options.synthetic > 0) {
    auto copies = synthetic_copies(full_vectors, options.synthetic, synthetic_noise, synthetic_seed);
    double cosine_sum = 0;
    for (std::size_t j = 0; j < copies.size(); ++j) {
      cosine_sum += cosine_similarity(copies[j], full_vectors[j % report.stored_documents]);
      char id[32];
      std::snprintf(id, sizeof id, "synthetic-%06zu", j);
      ids.push_back(id);
    }
    report.synthetic_cosine = cosine_sum / double(copies.size());
    for (auto& c : copies) full_vectors.push_back(std::move(c));
    progress("added " + std::to_string(options.synthetic) + " synthetic copies (mean cosine with their original " +
             std::to_string(report.synthetic_cosine) + ")");
  }

  // ---- the queries, embedded once ---------------------------------------------------------------
  config embed_settings = settings;
  embed_settings.cache_bytes = 0;  // every query billed and counted, none answered from a cache
  embed_settings.cache_file.clear();
  metrics_registry metrics;
  embedding_service embedder(embed_settings, metrics);
  progress("embedding " + std::to_string(loaded->size()) + " queries (" + std::to_string(report.languages.size()) +
           " languages) with " + embedder.url());
  auto query_set_or = embed_queries(std::move(*loaded), report.languages, embedder, report);
  if (!query_set_or) return fail(query_set_or.error());
  const query_set& qs = *query_set_or;
  report.queries = static_cast<long long>(qs.queries.size());
  report.embedder = embedder.info();
  if (report.embedder.stand_in)
    log_warn("THE QUERY VECTORS COME FROM A TEST DOUBLE OF THE JINA API (a stand-in), NOT FROM THE REAL jina-clip-v2 MODEL");

  // ---- the plan ---------------------------------------------------------------------------------
  std::map<std::string, std::vector<int>> dims_by_type;
  for (const auto& type : build_order(options.types)) {
    const bool asked = std::find(options.types.begin(), options.types.end(), type) != options.types.end();
    std::vector<int> dims;
    for (int d : options.dims) {
      if (!asked) continue;
      vector_field f{d, type};
      if (auto why = vector_field_problem(f); !why.empty()) report.skipped.push_back({f, why});
      else dims.push_back(d);
    }
    if (type == "hnsw" && std::find(dims.begin(), dims.end(), limits::full_dims) == dims.end())
      dims.insert(dims.begin(), limits::full_dims);  // the reference, measured even when not asked for
    if (!dims.empty()) dims_by_type[type] = dims;
  }

  std::map<int, vector_matrix> docs_by_dims;
  auto docs_of = [&](int dims) -> const vector_matrix& {
    auto it = docs_by_dims.find(dims);
    if (it == docs_by_dims.end()) it = docs_by_dims.emplace(dims, vector_matrix_make(full_vectors, dims)).first;
    return it->second;
  };
  std::map<int, std::vector<std::vector<std::string>>> exact_by_dims;
  auto exact_of = [&](int dims) -> const std::vector<std::vector<std::string>>& {
    auto it = exact_by_dims.find(dims);
    if (it != exact_by_dims.end()) return it->second;
    const vector_matrix& docs = docs_of(dims);
    std::vector<std::vector<std::string>> tops;
    for (const auto& q : qs.vectors) {
      std::vector<std::string> top;
      for (std::size_t row : exact_top_k(docs, matryoshka_truncate(q, dims), static_cast<std::size_t>(options.k)))
        top.push_back(ids[row]);
      tops.push_back(std::move(top));
    }
    return exact_by_dims.emplace(dims, std::move(tops)).first->second;
  };

  {
    const vector_matrix& docs = docs_of(limits::full_dims);
    const auto k = static_cast<std::size_t>(options.k);
    std::vector<double> rank1, half, at_k, gaps;
    for (const auto& q : qs.vectors) {
      auto top = exact_top_k(docs, q, k + 1);
      auto score = [&](std::size_t rank) { return double(dot(docs.row(top[rank]), q.data(), docs.dims)); };
      if (top.empty()) continue;
      rank1.push_back(score(0));
      half.push_back(score(std::min(top.size(), (k + 1) / 2) - 1));
      at_k.push_back(score(std::min(top.size(), k) - 1));
      if (top.size() > k) gaps.push_back(score(k - 1) - score(k));
    }
    auto mean = [](const std::vector<double>& v) {
      double sum = 0;
      for (double x : v) sum += x;
      return v.empty() ? 0.0 : sum / double(v.size());
    };
    report.cosine_rank1 = mean(rank1);
    report.cosine_rank_half = mean(half);
    report.cosine_rank_k = mean(at_k);
    report.median_gap_at_k = percentile(gaps, 0.5);
  }

  // ---- one scratch index per type ---------------------------------------------------------------
  std::vector<std::vector<std::string>> reference_tops;  // vec_1024 hnsw, per query
  for (const auto& type : build_order(options.types)) {
    if (!dims_by_type.count(type)) continue;
    config scratch_settings = es_settings;
    scratch_settings.index_name = settings.index_name + "-report-" + type;
    scratch_settings.fields.clear();
    for (int d : dims_by_type[type]) scratch_settings.fields.push_back({d, type});
    report.scratch_indices.push_back(scratch_settings.index_name);
    scratch_index scratch(scratch_settings, options.keep);
    elasticsearch_backend& es = scratch.backend;
    if (auto gone = es.delete_index(); !gone) return fail(gone.error());  // left by an interrupted run
    if (auto created = es.ensure_index(); !created) return fail(created.error());

    progress(type + ": indexing " + std::to_string(ids.size()) + " documents into '" + scratch_settings.index_name + "'");
    for (std::size_t start = 0; start < ids.size(); start += bulk_batch) {
      std::vector<image_document> docs;
      for (std::size_t i = start; i < ids.size() && i < start + bulk_batch; ++i) {
        image_document doc;
        doc.id = ids[i];
        for (int d : dims_by_type[type]) doc.vectors[d] = docs_of(d).row_vector(i);
        docs.push_back(std::move(doc));
      }
      auto stored_batch = es.bulk_index(docs, false);
      if (!stored_batch) return fail(stored_batch.error());
      for (const auto& item : *stored_batch)
        if (!item.error.empty()) return fail({error_type::backend_error, "indexing into '" + scratch_settings.index_name +
                                                                             "' failed for " + item.id + ": " + item.error});
    }
    // One segment, so every type's bytes are measured on the same footing (no half-merged graphs).
    progress(type + ": force-merging to one segment");
    if (auto r = es.refresh(); !r) return fail(r.error());
    if (auto r = es.force_merge(1); !r) return fail(r.error());
    if (auto r = es.refresh(); !r) return fail(r.error());
    auto segments = es.search_segments();
    if (!segments) return fail(segments.error());
    auto storage = es.vector_field_storage_by_name();
    if (!storage) return fail(storage.error());
    auto applied = es.vector_index_options();
    if (!applied) return fail(applied.error());
    auto count = es.count();
    if (!count) return fail(count.error());

    for (const auto& field : scratch_settings.fields) {
      const json applied_options = (*applied)[field.name()];
      // As configured; then, for a quantised field that does not rescore already, with query-time
      // rescoring on its float vectors (--rescore).
      std::vector<double> oversamples = {0};
      const bool quantised = type != "hnsw" && type != "flat";
      const double mapped_oversample =
          applied_options.contains("rescore_vector") ? applied_options["rescore_vector"].value("oversample", 0.0) : 0.0;
      if (options.rescore > 0 && quantised && mapped_oversample != options.rescore) oversamples.push_back(options.rescore);
      for (double oversample : oversamples) {
        report_row row;
        row.field = field;
        row.reference = field.dims == limits::full_dims && type == "hnsw";
        row.query_oversample = oversample;
        row.index_name = scratch_settings.index_name;
        row.documents = *count;
        row.segments = *segments;
        row.storage = (*storage)[field.name()];
        row.index_options = applied_options;
        const auto& exact = exact_of(field.dims);
        const auto& exact_full = exact_of(limits::full_dims);

        std::vector<std::vector<float>> vectors;
        for (const auto& q : qs.vectors) vectors.push_back(matryoshka_truncate(q, field.dims));
        // The first searches of a field load its files and warm the JIT; they are not counted.
        for (std::size_t i = 0; i < vectors.size() && i < warm_up_queries; ++i)
          if (auto w = es.knn_ids(field, vectors[i], options.k, report.num_candidates, oversample); !w)
            return fail(w.error());
        std::vector<double> took, wall;
        std::vector<std::vector<std::string>> tops;
        for (std::size_t i = 0; i < vectors.size(); ++i) {
          auto answer = es.knn_ids(field, vectors[i], options.k, report.num_candidates, oversample);
          if (!answer) return fail(answer.error());
          took.push_back(answer->took_ms);
          wall.push_back(answer->wall_ms);
          tops.push_back(std::move(answer->ids));
        }
        if (row.reference) reference_tops = tops;
        const auto k = static_cast<std::size_t>(options.k);
        for (std::size_t i = 0; i < tops.size(); ++i) {
          double o = overlap_at_k(tops[i], reference_tops[i], k);
          double e = overlap_at_k(tops[i], exact_full[i], k);
          double r = overlap_at_k(tops[i], exact[i], k);
          double t = !tops[i].empty() && !reference_tops[i].empty() && tops[i][0] == reference_tops[i][0] ? 1.0 : 0.0;
          for (report_figures* f : {&row.all, &row.by_language[qs.queries[i].language]}) {
            f->overlap += o;
            f->overlap_exact += e;
            f->recall += r;
            f->top1 += t;
            ++f->queries;
          }
        }
        auto average = [](report_figures& f) {
          if (!f.queries) return;
          f.overlap /= f.queries;
          f.overlap_exact /= f.queries;
          f.recall /= f.queries;
          f.top1 /= f.queries;
        };
        average(row.all);
        for (auto& [language, f] : row.by_language) average(f);
        row.p50_took_ms = percentile(took, 0.5);
        row.p50_wall_ms = percentile(wall, 0.5);
        row.p90_wall_ms = percentile(wall, 0.9);
        char line[240];
        std::snprintf(line, sizeof line, "%s%s %s: %lld bytes, overlap@%d %.3f, recall@%d %.3f, p50 %.2f ms", type.c_str(),
                      oversample > 0 ? " + query rescore" : "", field.name().c_str(), row.storage.bytes, options.k,
                      row.all.overlap, options.k, row.all.recall, row.p50_wall_ms);
        progress(line);
        report.rows.push_back(std::move(row));
      }
    }
  }
  std::sort(report.rows.begin(), report.rows.end(), [](const report_row& a, const report_row& b) {
    if (a.field.dims != b.field.dims) return a.field.dims > b.field.dims;
    if (a.field.index_type != b.field.index_type) return type_rank(a.field.index_type) < type_rank(b.field.index_type);
    return a.query_oversample < b.query_oversample;
  });

  // ---- tokens per image, measured (only when asked: with the real API it costs money) ----------
  if (report.images_measured) {
    progress("measuring tokens per image with the files in " + report.images_dir);
    if (auto problem = measure_image_tokens(settings, embedder, stored_by_id, report)) return fail(*problem);
  }

  report.seconds = std::chrono::duration<double>(clock_type::now() - started).count();
  std::string text = options.format == "json"       ? report_to_json(report)
                     : options.format == "markdown" ? report_to_markdown(report)
                                                    : report_to_table(report);
  if (options.output_file.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  } else {
    std::ofstream out(options.output_file, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return fail({error_type::internal_error, "cannot write '" + options.output_file + "'"});
    progress("wrote " + options.output_file);
  }
  return 0;
}

}  // namespace polylens
