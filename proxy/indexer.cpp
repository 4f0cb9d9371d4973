#include "indexer.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "vector_store.h"
#include "image_ingest.h"
#include "image_metadata.h"
#include "embedding_service.h"
#include "log.h"
#include "progress_bar.h"

namespace polylens {

namespace fs = std::filesystem;

namespace {

// Every image below the folder, subfolders included, in a stable order so a restarted run walks the
// same path. Hidden files and folders (.thumbnails, .git) are skipped.
std::vector<fs::path> image_files(const fs::path& folder) {
  static const std::set<std::string> extensions = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp"};
  std::vector<fs::path> out;
  auto options = fs::directory_options::skip_permission_denied;
  for (auto it = fs::recursive_directory_iterator(folder, options); it != fs::recursive_directory_iterator(); ++it) {
    const fs::path& path = it->path();
    if (path.filename().string().rfind('.', 0) == 0) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    std::string ext = path.extension().string();
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (it->is_regular_file() && extensions.count(ext)) out.push_back(path);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string metadata_path(const config& c, const fs::path& folder) {
  if (!c.metadata_file.empty()) return c.metadata_file;
  for (const auto& dir : {folder, folder.parent_path()})
    for (const char* name : {"images.tsv", "images.json"})
      if (fs::exists(dir / name)) return (dir / name).string();
  return "";
}

struct counts {
  std::size_t indexed = 0, skipped = 0, failed = 0;
  long long tokens = 0;
  std::string text() const {
    return "tokens " + std::to_string(tokens) + "  skipped " + std::to_string(skipped) + "  failed " + std::to_string(failed);
  }
};

// Reads one file and prepares it; an error names the file and the decoder's reason. Its name is the
// path below the folder; a sidecar row may name it that way or by its bare file name.
result<ingest_item> prepare_file(const fs::path& path, const fs::path& folder,
                                 const std::map<std::string, image_metadata>& metadata) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return api_error{error_type::invalid_image, "cannot read " + path.string()};
  std::string name = path.lexically_relative(folder).generic_string();
  auto it = metadata.find(name);
  if (it == metadata.end()) it = metadata.find(path.filename().string());
  return ingest_prepare(bytes, name, it == metadata.end() ? image_metadata{} : it->second);
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
    log_warn("no metadata file (images.tsv or images.json in or beside the folder, or --metadata): titles come from file names");
  }

  metrics_registry metrics;
  embedding_service embedder(settings, metrics);
  auto store = vector_store_open(settings);
  if (!store) {
    log_error(store.error().message);
    return 1;
  }
  vector_store& backend = **store;
  if (auto created = backend.ensure_index(); !created) {
    log_error(created.error().message);
    return 1;
  }

  auto files = image_files(folder);
  progress_bar bar(files.size(), "img");
  counts p;
  log_info("indexing", {{"folder", folder.string()}, {"images", files.size()}, {"store", backend.kind()}, {"index", backend.index_name()},
                        {"embedder", embedder.url()}});
  std::vector<std::string> failures;
  auto batch_size = static_cast<std::size_t>(settings.embed_batch_size);

  for (std::size_t start = 0; start < files.size(); start += batch_size) {
    std::vector<ingest_item> batch;
    std::size_t end = std::min(files.size(), start + batch_size);
    for (std::size_t i = start; i < end; ++i) {
      auto prepared = prepare_file(files[i], folder, metadata);
      if (prepared) {
        batch.push_back(std::move(*prepared));
      } else {
        failures.push_back(files[i].lexically_relative(folder).generic_string() + ": " + prepared.error().message);
        ++p.failed;
      }
    }
    std::vector<std::string> names;
    for (const auto& b : batch) names.push_back(b.doc.file);
    auto stored = ingest_store(std::move(batch), settings, embedder, backend, false);
    if (!stored) {
      bar.finish();
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
    bar.update(end, p.indexed, p.text());
  }
  bar.finish();
  if (auto refreshed = backend.refresh(); !refreshed) log_warn(refreshed.error().message);
  for (const auto& f : failures) log_error("not indexed", {{"reason", f}});
  log_info("indexing finished", {{"indexed", p.indexed}, {"already_indexed", p.skipped}, {"failed", p.failed},
                                 {"tokens", p.tokens},
                                 {"tokens_per_image", p.indexed ? double(p.tokens) / double(p.indexed) : 0.0},
                                 {"embedder", embedder.info().label}});
  return failures.empty() ? 0 : 1;
}

}  // namespace polylens
