// The vector store, on Elasticsearch 9: one index, one dense_vector field per Matryoshka size,
// documents keyed by the content hash of the image. Contract: ../shared/contracts/elasticsearch-9-knn.md.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "config.h"
#include "result.h"
#include "upstream_client.h"
#include "vector_documents.h"
#include "vector_store.h"

namespace polylens {

// A kNN answer reduced to what the size/quality report compares: ids in rank order and the time.
struct knn_ids_answer {
  std::vector<std::string> ids;
  int took_ms = 0;       // Elasticsearch's own `took` (whole milliseconds)
  double wall_ms = 0;    // the HTTP round trip, as this client saw it
};

// A stored document's vector, as the report reads it back.
struct stored_vector {
  std::string id;
  std::vector<float> vector;
  int width = 0, height = 0;  // of the original image
};

class elasticsearch_backend final : public vector_store {
 public:
  explicit elasticsearch_backend(const config& settings);
  const char* kind() const override { return "elasticsearch"; }

  result<std::string> version() override;
  // Creates the index with its mapping when missing; checks an existing one has every configured field.
  result<bool> ensure_index() override;
  result<long long> count() override;
  result<std::set<std::string>> existing_ids(const std::vector<std::string>& ids) override;
  // wait: return once the documents are searchable (refresh=wait_for), for writes a caller reads back.
  result<std::vector<bulk_item_outcome>> bulk_index(const std::vector<image_document>& docs, bool wait) override;
  result<bool> refresh() override;
  result<std::vector<search_hit>> knn(const vector_field& field, const knn_query& query) override;
  result<std::string> thumbnail(const std::string& id) override;
  // The stored vector of one image in one field; not_found when there is no such image.
  result<std::vector<float>> vector_of(const std::string& id, const vector_field& field) override;
  // One _search for all of them: twelve round trips cost more than the kNN search itself.
  result<std::vector<std::vector<float>>> vectors_of(const std::vector<std::string>& ids,
                                                     const vector_field& field) override;
  result<bool> remove(const std::string& id) override;  // false: there was no such image
  // What each configured vector field takes on disk, by field name (_disk_usage, split by
  // _stats/dense_vector). _disk_usage makes Elasticsearch read every segment: callers memoise it.
  result<std::map<std::string, vector_field_storage>> vector_field_storage_by_name() override;

  // ---- for `polylens report` (scratch indices and reading every stored vector) ----
  // Every document's vector in `field`, with the original's width and height (a point-in-time scan).
  result<std::vector<stored_vector>> stored_vectors(const vector_field& field);
  // A kNN search that returns ids only, with Elasticsearch's and the client's time. oversample > 0
  // asks for query-time rescoring of a quantised field on its float vectors (rescore_vector).
  result<knn_ids_answer> knn_ids(const vector_field& field, const std::vector<float>& vector, int k, int num_candidates,
                                 double oversample = 0);
  // The index_options of every dense_vector field as Elasticsearch applied them (its defaults included).
  result<std::map<std::string, nlohmann::json>> vector_index_options();
  // Merges the index down to max_segments and waits for it (as a task, so no HTTP timeout cuts it short).
  result<bool> force_merge(int max_segments);
  result<int> search_segments();   // segments searches see now
  result<bool> delete_index();     // false: there was no such index

  result<std::vector<image_document>> documents_after(const std::string& after_id, std::size_t limit) override;

  const std::string& index_name() const override { return index_; }
  std::string url_for_display() const override { return upstream_.target().origin; }

 private:
  api_error failure(const upstream_response& r, const std::string& doing) const;
  upstream_response send(const std::string& method, const std::string& path, const std::string& body = "",
                         const std::string& content_type = "application/json");

  std::string index_;
  std::vector<vector_field> fields_;
  int max_retries_;
  upstream_client upstream_;
};

}  // namespace polylens
