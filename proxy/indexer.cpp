#include "indexer.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <unistd.h>

#include "content_hash.h"
#include "elasticsearch_backend.h"
#include "image_metadata.h"
#include "image_preprocess.h"
#include "embedding_service.h"
#include "api_limits.h"
#include "log.h"
#include "matryoshka.h"

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

struct pending_image {
  image_document doc;
  std::string upload_jpeg;
};

// Reads, hashes and prepares one file; an error names the file and the decoder's reason.
result<pending_image> prepare_file(const fs::path& path, const std::map<std::string, image_metadata>& metadata) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return api_error{error_type::invalid_image, "cannot read " + path.string()};
  auto decoded = image_decode(bytes);
  if (!decoded) return decoded.error();
  pending_image p;
  p.doc.id = content_hash(bytes);
  p.doc.file = path.filename().string();
  p.doc.width = decoded->width;
  p.doc.height = decoded->height;
  p.upload_jpeg = image_encode_jpeg(image_fit_within(*decoded, limits::upload_long_side), limits::upload_jpeg_quality);
  p.doc.thumbnail_jpeg =
      image_encode_jpeg(image_fit_within(*decoded, limits::thumbnail_long_side), limits::thumbnail_jpeg_quality);
  auto it = metadata.find(p.doc.file);
  if (it != metadata.end()) {
    p.doc.title = it->second.title;
    p.doc.caption = it->second.caption;
    p.doc.tags = it->second.tags;
    p.doc.licence = it->second.licence;
    p.doc.credit = it->second.credit;
    p.doc.source_url = it->second.source_url;
  } else {
    p.doc.title = title_from_file_name(p.doc.file);
  }
  return p;
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
  std::set<std::string> seen_ids;
  auto batch_size = static_cast<std::size_t>(settings.embed_batch_size);

  for (std::size_t start = 0; start < files.size(); start += batch_size) {
    std::vector<pending_image> batch;
    std::size_t end = std::min(files.size(), start + batch_size);
    for (std::size_t i = start; i < end; ++i) {
      auto prepared = prepare_file(files[i], metadata);
      if (!prepared) {
        failures.push_back(files[i].filename().string() + ": " + prepared.error().message);
        ++p.failed;
      } else if (!seen_ids.insert(prepared->doc.id).second) {
        ++p.skipped;  // the same bytes twice in one folder
      } else {
        batch.push_back(std::move(*prepared));
      }
    }
    std::vector<std::string> ids;
    for (const auto& b : batch) ids.push_back(b.doc.id);
    auto existing = backend.existing_ids(ids);
    if (!existing) {
      if (p.interactive) std::fprintf(stderr, "\n");
      log_error(existing.error().message);
      return 1;
    }
    std::vector<pending_image> todo;
    for (auto& b : batch) {
      if (existing->count(b.doc.id)) ++p.skipped;
      else todo.push_back(std::move(b));
    }
    if (!todo.empty()) {
      std::vector<embed_input> inputs;
      for (const auto& t : todo) inputs.push_back({embed_input::kind::image, t.upload_jpeg});
      auto embedded = embedder.embed(inputs, false);
      if (!embedded) {
        if (p.interactive) std::fprintf(stderr, "\n");
        log_error(embedded.error().message);
        return 1;
      }
      p.tokens += embedded->tokens;
      std::vector<image_document> docs;
      for (std::size_t i = 0; i < todo.size(); ++i) {
        for (const auto& f : settings.fields)
          todo[i].doc.vectors[f.dims] = matryoshka_truncate(embedded->items[i].vector, f.dims);
        docs.push_back(std::move(todo[i].doc));
      }
      auto stored = backend.bulk_index(docs);
      if (!stored) {
        if (p.interactive) std::fprintf(stderr, "\n");
        log_error(stored.error().message);
        return 1;
      }
      for (const auto& item : *stored) {
        if (item.error.empty()) ++p.indexed;
        else {
          ++p.failed;
          failures.push_back(item.id + ": " + item.error);
        }
      }
    }
    p.done = end;
    p.print();
  }
  if (p.interactive) std::fprintf(stderr, "\n");
  if (auto refreshed = backend.refresh(); !refreshed) log_warn(refreshed.error().message);
  for (const auto& f : failures) log_error("not indexed", {{"reason", f}});
  log_info("indexing finished", {{"indexed", p.indexed}, {"already_indexed", p.skipped}, {"failed", p.failed},
                                 {"tokens", p.tokens}, {"embedder", embedder.info().label}});
  return failures.empty() ? 0 : 1;
}

}  // namespace polylens
