#include "embedded_store.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "api_messages.h"
#include "crc32c.h"
#include "log.h"
#include "store_records.h"

namespace polylens {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t max_id_bytes = 512;  // Elasticsearch's limit for _id, so both stores take the same ids
constexpr std::size_t max_thumbnail_bytes = 16u << 20;
constexpr std::size_t compaction_record_bytes = 8u << 20;

std::optional<vector_storage> storage_for(const std::string& index_type) {
  if (index_type == "hnsw" || index_type == "flat") return vector_storage::float32;
  if (index_type == "int8_hnsw" || index_type == "int8_flat") return vector_storage::int8;
  return std::nullopt;
}

std::string field_list(const std::vector<int>& dims) {
  std::string out;
  for (int d : dims) out += (out.empty() ? "" : ", ") + vector_field{d, ""}.name();
  return out;
}

// `dims` values scaled to unit length (a zero vector stays zero).
void normalise(const float* in, int dims, float* out) {
  double norm = 0;
  for (int i = 0; i < dims; ++i) norm += double(in[i]) * in[i];
  const float inverse = norm > 0 ? static_cast<float>(1.0 / std::sqrt(norm)) : 0.0f;
  for (int i = 0; i < dims; ++i) out[i] = in[i] * inverse;
}

// Estimated cost, in dot products, of a filtered search: the exact scan touches every allowed row;
// the graph explores about ef * 2M nodes, and more in proportion as the filter rejects them.
bool exact_is_cheaper(std::size_t allowed, std::size_t live, std::size_t ef, std::size_t m) {
  return static_cast<double>(allowed) * static_cast<double>(allowed) <=
         static_cast<double>(ef) * 2.0 * static_cast<double>(m) * static_cast<double>(live);
}

}  // namespace

// ---- opening ------------------------------------------------------------------------------------

result<std::unique_ptr<embedded_store>> embedded_store::open(embedded_store_options options) {
  const auto started = std::chrono::steady_clock::now();
  if (options.directory.empty()) return api_error{error_type::invalid_request, "the embedded store needs a directory"};
  if (options.fields.empty()) return api_error{error_type::invalid_request, "the embedded store needs at least one vector field"};
  std::set<int> seen;
  for (const auto& f : options.fields) {
    if (f.dims < 64 || f.dims > 1024)
      return api_error{error_type::invalid_request,
                       "the field " + f.name() + " has " + std::to_string(f.dims) + " dims; fields have 64..1024"};
    if (!seen.insert(f.dims).second)
      return api_error{error_type::invalid_request, "the field " + f.name() + " is configured twice"};
    if (!storage_for(f.index_type))
      return api_error{error_type::invalid_request,
                       "the embedded store keeps index types hnsw, flat, int8_hnsw and int8_flat; the field " + f.name() +
                           " asks for '" + f.index_type + "'"};
  }
  std::error_code ec;
  if (!fs::exists(options.directory, ec)) {
    fs::create_directories(options.directory, ec);
    if (ec) return api_error{error_type::backend_unavailable, "cannot create the store directory " + options.directory + ": " + ec.message()};
    // The new directory's own entry must survive a power cut too, or so would nothing in it.
    fs::path created = fs::absolute(options.directory, ec).lexically_normal();
    if (!created.has_filename()) created = created.parent_path();  // a trailing slash
    if (auto s = sync_directory(created.parent_path().string()); !s) return s.error();
  }

  auto lock = directory_lock::acquire(options.directory);
  if (!lock) return lock.error();
  std::unique_ptr<embedded_store> store(new embedded_store(std::move(options)));
  store->lock_.emplace(std::move(lock).value());
  for (const auto& f : store->options_.fields) {
    bool graph = f.index_type == "hnsw" || f.index_type == "int8_hnsw";
    store->fields_.push_back(std::make_unique<field_state>(f, *storage_for(f.index_type), graph));
  }
  if (auto loaded = store->load(); !loaded) return loaded.error();

  store->open_report_.documents = store->live_count_;
  store->open_report_.milliseconds =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  store->builder_ = std::thread([s = store.get()] { s->builder_loop(); });
  store->wake_builder();
  log_info("opened the embedded store", {{"directory", store->options_.directory},
                                         {"documents", store->live_count_},
                                         {"log_bytes", store->open_report_.log.bytes},
                                         {"ms", std::round(store->open_report_.milliseconds * 10) / 10}});
  return store;
}

std::string embedded_store::log_path() const { return options_.directory + "/" + log_file_name; }

result<bool> embedded_store::load() {
  const std::string path = log_path();
  const std::string unfinished = options_.directory + "/" + unfinished_log_name;
  std::error_code ec;
  if (fs::exists(unfinished, ec)) {
    // A compaction (or the creation of the store) stopped before its rename: the old log, if any,
    // is still whole and current.
    log_warn("removing an unfinished new log left by an interrupted compaction", {{"file", unfinished}});
    if (!fs::remove(unfinished, ec) && ec)
      return api_error{error_type::backend_unavailable, "cannot remove " + unfinished + ": " + ec.message()};
    if (auto s = sync_directory(options_.directory); !s) return s.error();
    open_report_.removed_unfinished_log = true;
  }
  if (!fs::exists(path, ec)) {
    for (const auto& f : options_.fields) schema_dims_.push_back(f.dims);
    auto fresh = record_log::create(unfinished);
    if (!fresh) return fresh.error();
    if (auto a = (*fresh)->append(store_record_schema(schema_dims_)); !a) return a.error();
    if (auto c = (*fresh)->commit_as(path); !c) return c.error();
    schema_dims_.clear();
    open_report_.created = true;
  }

  auto opened = record_log::open(
      path, [this](std::uint64_t offset, std::string_view payload) { return replay(offset, payload); },
      &open_report_.log, options_.fsync);
  if (!opened) {
    if (schema_problem_) return api_error{error_type::backend_error, *schema_problem_};
    return opened.error();
  }
  log_ = std::move(opened).value();
  if (open_report_.log.truncated_bytes > 0)
    log_warn("cut off an interrupted write at the end of the store log (it was never acknowledged)",
             {{"file", path}, {"bytes", open_report_.log.truncated_bytes}, {"at", open_report_.log.truncated_reason}});
  if (schema_dims_.empty()) {
    // An empty file (a store created by hand, or cut back to nothing): start it properly.
    for (const auto& f : options_.fields) schema_dims_.push_back(f.dims);
    if (auto a = log_->append(store_record_schema(schema_dims_)); !a) return a.error();
    if (auto s = log_->sync(); !s) return s.error();
    for (auto& f : fields_) {
      f->vector_offset = 0;
      for (int d : schema_dims_) {
        if (d == f->field.dims) break;
        f->vector_offset += 4u * static_cast<std::size_t>(d);
      }
    }
  }
  squeeze_removed_rows();
  return true;
}

std::optional<std::string> embedded_store::replay(std::uint64_t offset, std::string_view payload) {
  auto kind = store_record_kind_of(payload);
  if (!kind) return "a record of unknown kind " + std::to_string(payload.empty() ? -1 : int(payload[0]));
  if (schema_dims_.empty() && *kind != store_record_kind::schema)
    return std::string("the log does not start with its schema record");
  switch (*kind) {
    case store_record_kind::schema: {
      if (!schema_dims_.empty()) return std::string("a second schema record");
      std::vector<int> dims;
      if (auto problem = store_record_read_schema(payload, dims)) return problem;
      std::vector<int> stored = dims, wanted;
      for (const auto& f : options_.fields) wanted.push_back(f.dims);
      std::sort(stored.begin(), stored.end());
      std::sort(wanted.begin(), wanted.end());
      if (stored != wanted) {
        schema_problem_ = "the store in " + options_.directory + " holds the fields " + field_list(dims) +
                          ", but it was opened with " + field_list(wanted) +
                          "; open it with the same fields (--fields), or use another directory for a new store";
        return schema_problem_;
      }
      schema_dims_ = dims;
      for (auto& f : fields_) {
        f->vector_offset = 0;
        for (int d : schema_dims_) {
          if (d == f->field.dims) break;
          f->vector_offset += 4u * static_cast<std::size_t>(d);
        }
      }
      return std::nullopt;
    }
    case store_record_kind::put: {
      std::vector<stored_doc_view> views;
      if (auto problem = store_record_read_put(payload, schema_dims_, views)) return problem;
      std::vector<std::vector<float>> buffers(fields_.size());
      std::vector<const float*> vectors(fields_.size());
      for (const auto& v : views) {
        doc_entry d;
        d.id = v.id;
        d.file = v.file;
        d.title = v.title;
        d.caption = v.caption;
        d.licence = v.licence;
        d.credit = v.credit;
        d.source_url = v.source_url;
        d.tags.assign(v.tags.begin(), v.tags.end());
        d.width = v.width;
        d.height = v.height;
        d.offset = offset + record_log::header_bytes + v.start;
        d.size = v.layout.size;
        d.vectors_at = v.layout.vectors_at;
        d.thumbnail_at = v.layout.thumbnail_at;
        d.thumbnail_size = v.layout.thumbnail_size;
        d.thumbnail_crc = v.layout.thumbnail_crc;
        for (std::size_t i = 0; i < fields_.size(); ++i) {
          buffers[i].resize(static_cast<std::size_t>(fields_[i]->field.dims));
          std::memcpy(buffers[i].data(), v.vectors + fields_[i]->vector_offset, 4 * buffers[i].size());
          vectors[i] = buffers[i].data();
        }
        add_row(std::move(d), vectors);
      }
      return std::nullopt;
    }
    case store_record_kind::remove: {
      std::vector<std::string> ids;
      if (auto problem = store_record_read_remove(payload, ids)) return problem;
      for (const auto& id : ids)
        if (auto it = row_of_.find(id); it != row_of_.end()) retire_row(it->second);
      return std::nullopt;
    }
  }
  return std::string("unreachable");
}

embedded_store::~embedded_store() {
  stop_ = true;
  wake_builder();
  if (builder_.joinable()) builder_.join();
}

// ---- rows -----------------------------------------------------------------------------------------

void embedded_store::add_row(doc_entry doc, const std::vector<const float*>& vectors) {
  if (auto it = row_of_.find(doc.id); it != row_of_.end()) retire_row(it->second);
  const auto row = static_cast<std::uint32_t>(docs_.size());
  std::vector<float> unit;
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    unit.resize(static_cast<std::size_t>(fields_[i]->field.dims));
    normalise(vectors[i], fields_[i]->field.dims, unit.data());
    fields_[i]->matrix.append(unit.data());
  }
  for (const auto& tag : doc.tags) {
    auto& rows = rows_with_tag_[tag];
    if (rows.empty() || rows.back() != row) rows.push_back(row);
  }
  row_of_[doc.id] = row;
  docs_.push_back(std::move(doc));
  live_.resize(docs_.size());
  live_.insert(row);
  ++live_count_;
}

void embedded_store::retire_row(std::uint32_t row) {
  if (!live_.contains(row)) return;
  live_.erase(row);
  --live_count_;
  if (auto it = row_of_.find(docs_[row].id); it != row_of_.end() && it->second == row) row_of_.erase(it);
  // A row the graph has seen was live then (rows never come back), so it is in the graph.
  for (auto& f : fields_)
    if (f->graph && row < f->graph_rows.load(std::memory_order_relaxed)) f->graph->mark_deleted(row);
}

void embedded_store::squeeze_removed_rows() {
  if (live_count_ == docs_.size()) return;
  std::vector<std::uint32_t> keep;
  keep.reserve(live_count_);
  for (std::uint32_t row = 0; row < docs_.size(); ++row)
    if (live_.contains(row)) keep.push_back(row);
  for (auto& f : fields_) {
    // The graph points at rows that are about to move: drop it; the builder makes a new one.
    f->graph.reset();
    f->graph_rows.store(0, std::memory_order_release);
    f->matrix.keep_rows(keep);
  }
  std::vector<doc_entry> docs;
  docs.reserve(keep.size());
  for (std::uint32_t row : keep) docs.push_back(std::move(docs_[row]));
  docs_ = std::move(docs);
  docs_.shrink_to_fit();
  row_of_.clear();
  rows_with_tag_.clear();
  live_ = row_set(docs_.size());
  for (std::uint32_t row = 0; row < docs_.size(); ++row) {
    live_.insert(row);
    row_of_[docs_[row].id] = row;
    for (const auto& tag : docs_[row].tags) {
      auto& rows = rows_with_tag_[tag];
      if (rows.empty() || rows.back() != row) rows.push_back(row);
    }
  }
}

// ---- writes ---------------------------------------------------------------------------------------

std::optional<std::string> embedded_store::check_document(const image_document& doc) const {
  if (doc.id.empty()) return std::string("the document has no id");
  if (doc.id.size() > max_id_bytes)
    return "the id is " + std::to_string(doc.id.size()) + " bytes long; at most " + std::to_string(max_id_bytes);
  for (const auto& [dims, values] : doc.vectors)
    if (std::none_of(fields_.begin(), fields_.end(), [&](const auto& f) { return f->field.dims == dims; }))
      return "a vector of " + std::to_string(dims) + " dims, but the store has no field " + vector_field{dims, ""}.name();
  for (const auto& f : fields_) {
    auto it = doc.vectors.find(f->field.dims);
    if (it == doc.vectors.end()) return "no vector for the field " + f->field.name();
    if (it->second.size() != static_cast<std::size_t>(f->field.dims))
      return "the vector for " + f->field.name() + " has " + std::to_string(it->second.size()) + " values";
    double norm = 0;
    for (float x : it->second) {
      if (!std::isfinite(x)) return "the vector for " + f->field.name() + " holds a value that is not a finite number";
      norm += double(x) * x;
    }
    if (norm == 0) return "the vector for " + f->field.name() + " is all zeros (cosine similarity needs a direction)";
  }
  if (doc.thumbnail_jpeg.size() > max_thumbnail_bytes)
    return "the thumbnail is " + std::to_string(doc.thumbnail_jpeg.size()) + " bytes; at most " +
           std::to_string(max_thumbnail_bytes);
  if (store_record_doc_bytes(doc, schema_dims_) + 5 > record_log::max_payload_bytes)
    return std::string("the document is too large to store");
  return std::nullopt;
}

result<std::vector<bulk_item_outcome>> embedded_store::put(const std::vector<image_document>& docs) {
  std::vector<bulk_item_outcome> out(docs.size());
  std::vector<std::size_t> valid;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    out[i].id = docs[i].id;
    if (auto problem = check_document(docs[i])) {
      out[i].status = 400;
      out[i].error = *problem;
    } else {
      valid.push_back(i);
    }
  }
  if (valid.empty()) return out;

  std::lock_guard writing(write_mutex_);
  std::unique_lock lock(mutex_);
  std::vector<const float*> vectors(fields_.size());
  // Normally one record for the whole call. A call over the record limit takes several, each synced
  // before the next is written, so the log never has more than one record in flight.
  for (std::size_t next = 0; next < valid.size();) {
    std::string payload;
    store_record_put_begin(payload);
    struct placed {
      std::size_t doc;
      std::size_t start;
      stored_doc_layout layout;
    };
    std::vector<placed> batch;
    while (next < valid.size()) {
      const image_document& d = docs[valid[next]];
      if (!batch.empty() && payload.size() + store_record_doc_bytes(d, schema_dims_) > record_log::max_payload_bytes)
        break;
      std::size_t start = payload.size();
      batch.push_back({valid[next], start, store_record_put_add(payload, d, schema_dims_)});
      ++next;
    }
    store_record_put_finish(payload, static_cast<std::uint32_t>(batch.size()));
    auto at = log_->append(payload);
    if (!at) return at.error();
    if (options_.fsync)
      if (auto s = log_->sync(); !s) return s.error();
    // Durable: now visible.
    for (const auto& p : batch) {
      const image_document& d = docs[p.doc];
      doc_entry e{d.id, d.file, d.title, d.caption, d.licence, d.credit, d.source_url, d.tags, d.width, d.height};
      e.offset = *at + p.start;
      e.size = p.layout.size;
      e.vectors_at = p.layout.vectors_at;
      e.thumbnail_at = p.layout.thumbnail_at;
      e.thumbnail_size = p.layout.thumbnail_size;
      e.thumbnail_crc = p.layout.thumbnail_crc;
      for (std::size_t i = 0; i < fields_.size(); ++i) vectors[i] = d.vectors.at(fields_[i]->field.dims).data();
      out[p.doc].status = row_of_.count(d.id) ? 200 : 201;
      add_row(std::move(e), vectors);
    }
  }
  lock.unlock();
  wake_builder();
  return out;
}

result<bool> embedded_store::remove(const std::string& id) {
  std::lock_guard writing(write_mutex_);
  std::unique_lock lock(mutex_);
  auto it = row_of_.find(id);
  if (it == row_of_.end()) return false;
  if (auto at = log_->append(store_record_remove({id})); !at) return at.error();
  if (options_.fsync)
    if (auto s = log_->sync(); !s) return s.error();
  retire_row(it->second);
  return true;
}

result<bool> embedded_store::compact() {
  // The copy needs the live rows and their offsets to stay still: writes wait on write_mutex_, and
  // mutex_ is only shared, so searches and reads (which never change them) go on. The exclusive
  // lock is taken for the switch to the new log only.
  std::lock_guard writing(write_mutex_);
  std::shared_lock copying(mutex_);
  const std::string unfinished = options_.directory + "/" + unfinished_log_name;
  auto fresh = record_log::create(unfinished);
  if (!fresh) return fresh.error();
  auto abandon = [&](const api_error& e) -> result<bool> {
    fresh->reset();
    ::unlink(unfinished.c_str());
    return e;
  };
  if (auto a = (*fresh)->append(store_record_schema(schema_dims_)); !a) return abandon(a.error());

  // Documents are copied as they are encoded, a few megabytes per record.
  std::vector<std::uint64_t> new_offset(docs_.size(), 0);
  std::string payload, encoded;
  std::vector<std::pair<std::uint32_t, std::size_t>> pending;  // row, start in payload
  auto flush = [&]() -> std::optional<api_error> {
    if (pending.empty()) return std::nullopt;
    store_record_put_finish(payload, static_cast<std::uint32_t>(pending.size()));
    auto at = (*fresh)->append(payload);
    if (!at) return at.error();
    for (const auto& [row, start] : pending) new_offset[row] = *at + start;
    pending.clear();
    return std::nullopt;
  };
  store_record_put_begin(payload);
  for (std::uint32_t row = 0; row < docs_.size(); ++row) {
    if (!live_.contains(row)) continue;
    const doc_entry& d = docs_[row];
    if (!pending.empty() && payload.size() + d.size > compaction_record_bytes) {
      if (auto e = flush()) return abandon(*e);
      store_record_put_begin(payload);
    }
    encoded.resize(d.size);
    if (auto r = log_->read_at(d.offset, encoded.data(), d.size); !r) return abandon(r.error());
    pending.emplace_back(row, payload.size());
    store_record_put_add_encoded(payload, encoded);
  }
  if (auto e = flush()) return abandon(*e);
  if (options_.while_compacting) options_.while_compacting();
  copying.unlock();

  std::unique_lock lock(mutex_);
  const std::uint64_t before = log_->size();
  auto committed = (*fresh)->commit_as(log_path());
  // A failure after the rename (syncing the directory) still leaves the new log in place: switch to
  // it, and report the failure.
  if (!committed && (*fresh)->path() != log_path()) return abandon(committed.error());

  log_ = std::move(fresh).value();
  for (std::uint32_t row = 0; row < docs_.size(); ++row)
    if (live_.contains(row)) docs_[row].offset = new_offset[row];
  squeeze_removed_rows();
  log_info("compacted the embedded store", {{"directory", options_.directory},
                                           {"documents", live_count_},
                                           {"bytes_before", before},
                                           {"bytes_after", log_->size()}});
  lock.unlock();
  wake_builder();
  return committed;
}

// ---- reads ----------------------------------------------------------------------------------------

result<long long> embedded_store::count() {
  std::shared_lock lock(mutex_);
  return static_cast<long long>(live_count_);
}

result<std::set<std::string>> embedded_store::existing_ids(const std::vector<std::string>& ids) {
  std::shared_lock lock(mutex_);
  std::set<std::string> found;
  for (const auto& id : ids)
    if (row_of_.count(id)) found.insert(id);
  return found;
}

std::uint64_t embedded_store::log_bytes() {
  std::shared_lock lock(mutex_);
  return log_->size();
}

embedded_store::field_state* embedded_store::find_field(const vector_field& field) {
  for (auto& f : fields_)
    if (f->field.dims == field.dims) return f.get();
  return nullptr;
}

row_set embedded_store::allowed_rows(const knn_query& query) const {
  row_set allowed = live_;
  if (!query.tags.empty()) {
    row_set tagged(docs_.size());
    for (const auto& tag : query.tags)
      if (auto it = rows_with_tag_.find(tag); it != rows_with_tag_.end())
        for (std::uint32_t row : it->second) tagged.insert(row);
    auto& words = allowed.words();
    for (std::size_t w = 0; w < words.size(); ++w) words[w] &= tagged.words()[w];
  }
  if (!query.exclude_id.empty())
    if (auto it = row_of_.find(query.exclude_id); it != row_of_.end()) allowed.erase(it->second);
  return allowed;
}

std::vector<search_hit> embedded_store::hits_for(const std::vector<scored_row>& rows) const {
  std::vector<search_hit> hits;
  hits.reserve(rows.size());
  for (const auto& r : rows) {
    const doc_entry& d = docs_[r.row];
    hits.push_back({d.id, std::clamp(r.score, -1.0f, 1.0f), d.title, d.tags, d.credit});
  }
  return hits;
}

result<std::vector<search_hit>> embedded_store::knn(const vector_field& field, const knn_query& query) {
  return knn_using(field, query, knn_method::automatic);
}

result<std::vector<search_hit>> embedded_store::knn_using(const vector_field& field, const knn_query& query,
                                                          knn_method method, knn_method* used) {
  field_state* f = find_field(field);
  if (!f) {
    std::vector<int> dims;
    for (const auto& g : fields_) dims.push_back(g->field.dims);
    return api_error{error_type::invalid_request,
                     "the store has no field " + field.name() + " (its fields: " + field_list(dims) + ")"};
  }
  if (query.vector.size() != static_cast<std::size_t>(f->field.dims))
    return api_error{error_type::invalid_request, "the query vector has " + std::to_string(query.vector.size()) +
                                                      " values; the field " + f->field.name() + " has " +
                                                      std::to_string(f->field.dims) + " dims"};
  if (query.k < 1) return api_error{error_type::invalid_request, "k must be at least 1"};
  for (float x : query.vector)
    if (!std::isfinite(x)) return api_error{error_type::invalid_request, "the query vector holds a value that is not a finite number"};
  prepared_query prepared;
  if (!f->matrix.prepare(query.vector.data(), prepared))
    return api_error{error_type::invalid_request, "the query vector is all zeros"};

  std::shared_lock lock(mutex_);
  const bool filtered = !query.tags.empty() || !query.exclude_id.empty();
  row_set allowed = allowed_rows(query);
  const std::size_t allowed_count = filtered ? allowed.count() : live_count_;
  const std::size_t k = std::min(static_cast<std::size_t>(query.k), allowed_count);
  const std::size_t ef = std::max<std::size_t>(
      query.num_candidates > 0 ? static_cast<std::size_t>(query.num_candidates)
                               : static_cast<std::size_t>(default_num_candidates(query.k)),
      k);
  // The graph is used only once it has caught up with every row: read graph_rows first (acquire),
  // then the graph the builder published before it.
  const bool graph_ready = f->graph_rows.load(std::memory_order_acquire) == f->matrix.rows() && f->graph != nullptr;
  bool want_graph = method == knn_method::graph;
  if (method == knn_method::automatic)
    want_graph = f->uses_graph && live_count_ > options_.hnsw_threshold &&
                 !(query.tags.size() && exact_is_cheaper(allowed_count, live_count_, ef, options_.hnsw.m));

  std::vector<scored_row> best;
  knn_method ran = knn_method::exact;
  if (want_graph && graph_ready && k > 0) {
    best = f->graph->search(prepared, k, ef, filtered ? &allowed : nullptr);
    ran = knn_method::graph;
  }
  if (ran == knn_method::exact || best.size() < k) {
    best = scan_top_k(f->matrix, prepared, k, allowed);
    ran = knn_method::exact;
  }
  if (used) *used = ran;
  return hits_for(best);
}

result<std::string> embedded_store::thumbnail(const std::string& id) {
  std::shared_lock lock(mutex_);
  auto it = row_of_.find(id);
  if (it == row_of_.end()) return api_error{error_type::not_found, "no image with id '" + id + "'"};
  const doc_entry& d = docs_[it->second];
  if (d.thumbnail_size == 0) return api_error{error_type::not_found, "the image '" + id + "' has no thumbnail"};
  std::string bytes(d.thumbnail_size, '\0');
  const std::uint64_t at = d.offset + d.thumbnail_at;
  if (auto r = log_->read_at(at, bytes.data(), bytes.size()); !r) return r.error();
  if (crc32c(bytes.data(), bytes.size()) != d.thumbnail_crc)
    return api_error{error_type::backend_error, "the thumbnail of '" + id + "' at byte " + std::to_string(at) + " of " +
                                                    log_->path() + " fails its checksum: the file was damaged after the store opened it"};
  return bytes;
}

result<std::vector<float>> embedded_store::vector_of(const std::string& id, const vector_field& field) {
  field_state* f = find_field(field);
  if (!f) return api_error{error_type::invalid_request, "the store has no field " + field.name()};
  std::shared_lock lock(mutex_);
  auto it = row_of_.find(id);
  if (it == row_of_.end()) return api_error{error_type::not_found, "no image with id '" + id + "'"};
  const doc_entry& d = docs_[it->second];
  std::vector<float> v(static_cast<std::size_t>(f->field.dims));
  if (auto r = log_->read_at(d.offset + d.vectors_at + f->vector_offset, v.data(), 4 * v.size()); !r) return r.error();
  return v;
}

result<std::vector<image_document>> embedded_store::documents_after(const std::string& after_id, std::size_t limit) {
  std::vector<image_document> out;
  {
    std::shared_lock lock(mutex_);
    std::vector<std::string> ids;
    for (const auto& [id, row] : row_of_)
      if (id > after_id) ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    if (ids.size() > limit) ids.resize(limit);
    for (const auto& id : ids) {
      const doc_entry& d = docs_[row_of_.at(id)];
      image_document doc;
      doc.id = d.id;
      doc.file = d.file;
      doc.title = d.title;
      doc.caption = d.caption;
      doc.tags = d.tags;
      doc.licence = d.licence;
      doc.credit = d.credit;
      doc.source_url = d.source_url;
      doc.width = d.width;
      doc.height = d.height;
      out.push_back(std::move(doc));
    }
  }
  // Thumbnails and vectors are read from the log outside the lock, one call each; a document removed
  // meanwhile is left out.
  std::vector<image_document> complete;
  for (auto& doc : out) {
    auto thumb = thumbnail(doc.id);
    if (thumb) doc.thumbnail_jpeg = std::move(*thumb);
    else if (thumb.error().type != error_type::not_found) return thumb.error();  // damage is never skipped
    else if (thumb.error().message.rfind("no image", 0) == 0) continue;       // removed meanwhile
    bool gone = false;
    for (const auto& f : fields_) {
      auto v = vector_of(doc.id, f->field);
      if (!v && v.error().type == error_type::not_found) { gone = true; break; }
      if (!v) return v.error();
      doc.vectors[f->field.dims] = std::move(*v);
    }
    if (!gone) complete.push_back(std::move(doc));
  }
  return complete;
}

std::vector<embedded_field_usage> embedded_store::vector_field_usage() {
  std::lock_guard build(build_mutex_);  // the graphs' sizes change while the builder works
  std::shared_lock lock(mutex_);
  std::vector<embedded_field_usage> out;
  for (const auto& f : fields_) {
    embedded_field_usage u;
    u.name = f->field.name();
    u.dims = f->field.dims;
    u.index_type = f->field.index_type;
    u.disk_bytes = static_cast<long long>(live_count_) * 4 * f->field.dims;
    u.memory_bytes = static_cast<long long>(f->matrix.bytes());
    u.rows = f->matrix.rows();
    u.graph_rows = f->graph_rows.load(std::memory_order_acquire);
    if (u.graph_rows > 0 && f->graph) u.graph_bytes = static_cast<long long>(f->graph->bytes());
    out.push_back(std::move(u));
  }
  return out;
}

result<std::map<std::string, long long>> embedded_store::vector_field_bytes() {
  std::map<std::string, long long> out;
  for (const auto& u : vector_field_usage()) out[u.name] = u.disk_bytes + u.memory_bytes + u.graph_bytes;
  return out;
}

// ---- the graph builder ------------------------------------------------------------------------------

void embedded_store::wake_builder() {
  {
    std::lock_guard lock(wake_mutex_);
    wake_flag_ = true;
  }
  wake_.notify_one();
}

void embedded_store::builder_loop() {
  for (;;) {
    {
      std::unique_lock lock(wake_mutex_);
      wake_.wait(lock, [&] { return wake_flag_ || stop_.load(); });
      wake_flag_ = false;
    }
    // Small steps, the shared lock released between them, so writers wait at most one step.
    for (bool more = true; more && !stop_.load();) {
      std::lock_guard build(build_mutex_);
      more = graph_step(256);
    }
    if (stop_.load()) return;
  }
}

bool embedded_store::graph_step(std::size_t rows_per_field) {
  std::shared_lock lock(mutex_);
  bool more = false;
  for (auto& f : fields_) {
    if (!f->uses_graph) continue;
    const std::size_t rows = f->matrix.rows();
    const std::size_t done = f->graph_rows.load(std::memory_order_relaxed);
    if (done >= rows) continue;
    // Searches do not touch the graph while graph_rows < rows, so it may change under this shared lock.
    if (!f->graph) {
      if (live_count_ <= options_.hnsw_threshold) continue;
      f->graph = std::make_unique<hnsw_index>(f->matrix, options_.hnsw, rows + rows / 4);
    }
    const std::size_t end = rows - done > rows_per_field ? done + rows_per_field : rows;
    for (std::size_t row = done; row < end; ++row)
      if (live_.contains(row)) f->graph->add(static_cast<std::uint32_t>(row));
    f->graph_rows.store(end, std::memory_order_release);
    more = more || end < rows;
  }
  return more;
}

void embedded_store::wait_for_graphs() {
  for (;;) {
    std::lock_guard build(build_mutex_);
    if (!graph_step(static_cast<std::size_t>(-1))) return;
  }
}

}  // namespace polylens
