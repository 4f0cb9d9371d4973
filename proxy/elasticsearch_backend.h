// The vector store, on Elasticsearch 9: one index, one dense_vector field per Matryoshka size,
// documents keyed by the content hash of the image. Contract: ../shared/contracts/elasticsearch-9-knn.md.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "config.h"
#include "result.h"
#include "upstream_client.h"
#include "vector_documents.h"
#include "vector_store.h"

namespace polylens {

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
  result<bool> remove(const std::string& id) override;  // false: there was no such image
  // Bytes each vector field takes on disk (the _disk_usage API: raw vectors, graph, quantised copies).
  result<std::map<std::string, long long>> vector_field_bytes() override;

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
