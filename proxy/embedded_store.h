// The embedded vector store: the whole index in one directory, for a kiosk with two thousand images
// or a demo on a laptop, without an Elasticsearch cluster. Its methods mirror elasticsearch_backend
// (put = bulk_index) so that both can sit behind one backend interface.
//
//   DIRECTORY/documents.log      the append-only log (record_log, store_records): every put and remove
//   DIRECTORY/documents.log.tmp  a new log being written (creation, compaction); removed at open
//   DIRECTORY/LOCK               flock: one process at a time
//
// Durability: put() and remove() return only after their record is written and fdatasync'ed; that
// return is the acknowledgement. open() replays the log: an interrupted last record is cut off,
// damage anywhere before valid data fails the open with the file and byte offset.
//
// In memory: each document's metadata, one matrix per field (float32, or int8 with a per-vector
// scale, by index_type) and, for hnsw fields above `hnsw_threshold` documents, an HNSW graph built
// by a background thread (searches use the exact scan until it has caught up). Thumbnails and the
// float32 vectors as received stay in the log and are read by offset.
//
// Errors: invalid_request for bad arguments, not_found for unknown ids, backend_unavailable when the
// directory cannot be used (locked, I/O errors), backend_error when it holds something wrong.
// Thread-safe: searches and reads share a lock; put and remove take it alone. compact() takes it
// alone only to switch to the new log: while it copies, searches and reads go on and writes wait.
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "config.h"
#include "durable_io.h"
#include "hnsw_index.h"
#include "record_log.h"
#include "result.h"
#include "vector_documents.h"
#include "vector_matrix.h"
#include "vector_scan.h"

namespace polylens {

struct embedded_store_options {
  std::string directory;
  // index_type: hnsw and flat keep float32 vectors, int8_hnsw and int8_flat int8 ones; the *_flat
  // fields are always searched exactly. Dims 64..1024, each at most once.
  std::vector<vector_field> fields = {{1024, "hnsw"}, {256, "int8_hnsw"}};
  std::size_t hnsw_threshold = 20000;  // above this many documents, hnsw fields are searched in the graph
  bool fsync = true;  // off: faster writes, but an acknowledged write can be lost to a power cut
  hnsw_params hnsw;
  // Tests only: called by compact() while it copies, when writes wait and reads may run.
  std::function<void()> while_compacting;
};

enum class knn_method { automatic, exact, graph };

struct embedded_field_usage {
  std::string name;
  int dims = 0;
  std::string index_type;
  long long disk_bytes = 0;    // the float32 vectors in the log, of live documents
  long long memory_bytes = 0;  // the in-memory matrix (float32 or int8 + scale), whole chunks
  long long graph_bytes = 0;   // the HNSW graph, when there is one
  std::size_t graph_rows = 0;  // rows the graph has caught up with
  std::size_t rows = 0;        // rows in memory, removed ones included until compact()
};

struct embedded_store_open_report {
  log_replay_report log;
  std::size_t documents = 0;
  bool created = false;              // the directory held no store yet
  bool removed_unfinished_log = false;  // a documents.log.tmp from an interrupted compaction was deleted
  double milliseconds = 0;
};

class embedded_store {
 public:
  static result<std::unique_ptr<embedded_store>> open(embedded_store_options options);
  ~embedded_store();
  embedded_store(const embedded_store&) = delete;
  embedded_store& operator=(const embedded_store&) = delete;

  result<long long> count();
  result<std::set<std::string>> existing_ids(const std::vector<std::string>& ids);
  // Stores the documents (replacing any with the same id) and returns one outcome per document, in
  // order: 201 created, 200 replaced, 400 refused (with the reason). Durable when it returns.
  result<std::vector<bulk_item_outcome>> put(const std::vector<image_document>& docs);
  result<std::vector<search_hit>> knn(const vector_field& field, const knn_query& query);
  // The same search with the method chosen by the caller (tests, the bench); `used` says which ran:
  // a graph search that cannot find k allowed rows falls back to the exact scan.
  result<std::vector<search_hit>> knn_using(const vector_field& field, const knn_query& query, knn_method method,
                                            knn_method* used = nullptr);
  result<std::string> thumbnail(const std::string& id);
  // The vector as put() received it, read from the log.
  result<std::vector<float>> vector_of(const std::string& id, const vector_field& field);
  result<bool> remove(const std::string& id);  // false: there was no such image
  // Whole documents (metadata, thumbnail, every vector) with ids after `after_id`, in id order.
  result<std::vector<image_document>> documents_after(const std::string& after_id, std::size_t limit);
  // Per field: vectors on disk + the in-memory matrix + the graph, like Elasticsearch's _disk_usage
  // counts raw vectors, quantised copies and the graph.
  result<std::map<std::string, long long>> vector_field_bytes();
  std::vector<embedded_field_usage> vector_field_usage();
  // Rewrites the log with only the live documents and drops removed rows from memory: a new file,
  // synced, renamed over the old one, the directory synced. Searches and reads run during the copy;
  // writes wait for the end. A crash at any point leaves the old log
  // or the new one, whole. Graphs are rebuilt in the background afterwards.
  result<bool> compact();

  // Builds now, in the calling thread, whatever the graphs have not caught up with yet.
  void wait_for_graphs();
  const embedded_store_open_report& open_report() const { return open_report_; }
  const std::string& directory() const { return options_.directory; }
  std::uint64_t log_bytes();

  static constexpr const char* log_file_name = "documents.log";
  static constexpr const char* unfinished_log_name = "documents.log.tmp";

 private:
  struct doc_entry {
    std::string id, file, title, caption, licence, credit, source_url;
    std::vector<std::string> tags;
    int width = 0, height = 0;
    std::uint64_t offset = 0;  // of the document's encoded bytes in the log
    std::uint32_t size = 0, vectors_at = 0, thumbnail_at = 0, thumbnail_size = 0, thumbnail_crc = 0;
  };
  struct field_state {
    field_state(vector_field f, vector_storage storage, bool graph)
        : field(std::move(f)), matrix(field.dims, storage), uses_graph(graph) {}
    vector_field field;
    vector_matrix matrix;
    bool uses_graph;
    std::size_t vector_offset = 0;  // bytes from a document's vectors_at to this field's vector
    std::unique_ptr<hnsw_index> graph;
    std::atomic<std::size_t> graph_rows{0};  // rows [0, graph_rows) were offered to the graph
  };

  explicit embedded_store(embedded_store_options options) : options_(std::move(options)) {}
  result<bool> load();
  std::optional<std::string> replay(std::uint64_t offset, std::string_view payload);
  std::optional<std::string> check_document(const image_document& doc) const;
  void add_row(doc_entry doc, const std::vector<const float*>& vectors);
  void retire_row(std::uint32_t row);
  void squeeze_removed_rows();
  field_state* find_field(const vector_field& field);
  row_set allowed_rows(const knn_query& query) const;
  std::vector<search_hit> hits_for(const std::vector<scored_row>& rows) const;
  std::string log_path() const;

  // The background graph builder.
  void builder_loop();
  bool graph_step(std::size_t rows_per_field);  // true: work remains
  void wake_builder();

  embedded_store_options options_;
  embedded_store_open_report open_report_;
  std::optional<directory_lock> lock_;
  std::unique_ptr<record_log> log_;
  std::vector<int> schema_dims_;  // the log's field order
  std::optional<std::string> schema_problem_;
  std::vector<std::unique_ptr<field_state>> fields_;  // in options_.fields order

  // Taken before mutex_ by put, remove and compact: held through a compaction's copy, it keeps the
  // rows and offsets still while mutex_ is only shared, so searches go on.
  std::mutex write_mutex_;
  mutable std::shared_mutex mutex_;
  std::vector<doc_entry> docs_;  // by row
  row_set live_;
  std::size_t live_count_ = 0;
  std::unordered_map<std::string, std::uint32_t> row_of_;
  std::unordered_map<std::string, std::vector<std::uint32_t>> rows_with_tag_;

  std::mutex build_mutex_;  // one graph builder at a time (the thread, or wait_for_graphs)
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool wake_flag_ = false;
  std::atomic<bool> stop_{false};
  std::thread builder_;
};

}  // namespace polylens
