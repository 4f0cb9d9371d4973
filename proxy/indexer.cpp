#include "indexer.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <unistd.h>

#include "elasticsearch_backend.h"
#include "image_ingest.h"
#include "image_metadata.h"
#include "embedding_service.h"
#include "log.h"

namespace polylens {

namespace fs = std::filesystem;

namespace {

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

std::string metadata_path(const config& c, const fs::path& folder) {
  if (!c.metadata_file.empty()) return c.metadata_file;
  for (const auto& candidate : {folder / "images.tsv", folder.parent_path() / "images.tsv"})
    if (fs::exists(candidate)) return candidate.string();
  return "";
}

struct progress {
  std::size_t total = 0, done = 0, indexed = 0, skipped = 0, failed = 0;
  long long tokens = 0;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  bool interactive = isatty(STDERR_FILENO);

  void print() const {
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    double rate = seconds > 0 ? double(indexed) / seconds : 0;
    double eta = rate > 0 ? double(total - done) / rate : 0;
    int width = 30, filled = total ? int(width * done / total) : width;
    // On a terminal the bar redraws in place; in a log file each update is its own line.
    std::fprintf(stderr, "%s[%s%s] %zu/%zu  %.1f img/s  ETA %.0fs  tokens %lld  skipped %zu  failed %zu %s",
                 interactive ? "\r" : "", std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(), done, total, rate, eta,
                 tokens, skipped, failed, interactive ? "" : "\n");
    std::fflush(stderr);
  }
};

// Reads one file and prepares it; an error names the file and the decoder's reason.
result<ingest_item> prepare_file(const fs::path& path, const std::map<std::string, image_metadata>& metadata) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return api_error{error_type::invalid_image, "cannot read " + path.string()};
  auto it = metadata.find(path.filename().string());
  return ingest_prepare(bytes, path.filename().string(), it == metadata.end() ? image_metadata{} : it->second);
}

}  // namespace

int indexer_run(const config& settings) {
  fs::path folder = settings.positionals.at(0);
  if (!fs::is_directory(folder)) {
    log_error("not a folder", {{"folder", folder.string()}});
    return 1;
  }
  std::map<std::string, image_metadata> metadata;
  if (std::string tsv = metadata_path(settings, folder); !tsv.empty()) {
    auto loaded = image_metadata_load(tsv);
    if (!loaded) {
      log_error(loaded.error().message);
      return 1;
    }
    metadata = std::move(*loaded);
    log_info("read metadata", {{"file", tsv}, {"rows", metadata.size()}});
  } else {
    log_warn("no metadata file (images.tsv in or beside the folder, or --metadata): titles come from file names");
  }

  metrics_registry metrics;
  embedding_service embedder(settings, metrics);
  elasticsearch_backend backend(settings);
  if (auto created = backend.ensure_index(); !created) {
    log_error(created.error().message);
    return 1;
  }

  auto files = image_files(folder);
  progress p;
  p.total = files.size();
  log_info("indexing", {{"folder", folder.string()}, {"images", files.size()}, {"index", backend.index_name()},
                        {"embedder", embedder.url()}});
  std::vector<std::string> failures;
  auto batch_size = static_cast<std::size_t>(settings.embed_batch_size);

  for (std::size_t start = 0; start < files.size(); start += batch_size) {
    std::vector<ingest_item> batch;
    std::size_t end = std::min(files.size(), start + batch_size);
    for (std::size_t i = start; i < end; ++i) {
      auto prepared = prepare_file(files[i], metadata);
      if (prepared) {
        batch.push_back(std::move(*prepared));
      } else {
        failures.push_back(files[i].filename().string() + ": " + prepared.error().message);
        ++p.failed;
      }
    }
    std::vector<std::string> names;
    for (const auto& b : batch) names.push_back(b.doc.file);
    auto stored = ingest_store(std::move(batch), settings, embedder, backend, false);
    if (!stored) {
      if (p.interactive) std::fprintf(stderr, "\n");
      log_error(stored.error().message);
      return 1;
    }
    p.tokens += stored->tokens;
    for (std::size_t i = 0; i < stored->outcomes.size(); ++i) {
      const ingest_outcome& o = stored->outcomes[i];
      if (o.status == ingest_status::created) ++p.indexed;
      else if (o.status == ingest_status::exists) ++p.skipped;
      else {
        ++p.failed;
        failures.push_back(names[i] + ": " + o.error);
      }
    }
    p.done = end;
    p.print();
  }
  if (p.interactive) std::fprintf(stderr, "\n");
  if (auto refreshed = backend.refresh(); !refreshed) log_warn(refreshed.error().message);
  for (const auto& f : failures) log_error("not indexed", {{"reason", f}});
  log_info("indexing finished", {{"indexed", p.indexed}, {"already_indexed", p.skipped}, {"failed", p.failed},
                                 {"tokens", p.tokens},
                                 {"tokens_per_image", p.indexed ? double(p.tokens) / double(p.indexed) : 0.0},
                                 {"embedder", embedder.info().label}});
  return failures.empty() ? 0 : 1;
}

}  // namespace polylens
