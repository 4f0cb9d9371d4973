// The vector store the routes, the indexer and `polylens migrate` work with. Two implementations:
// Elasticsearch (elasticsearch_backend, for scale) and the embedded store (embedded_backend, the
// zero-setup default when no ES_URL is configured). Every route behaves the same on both.
#pragma once
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "config.h"
#include "result.h"
#include "vector_documents.h"

namespace polylens {

class vector_store {
 public:
  virtual ~vector_store() = default;

  virtual const char* kind() const = 0;  // "elasticsearch" or "embedded"
  virtual result<std::string> version() = 0;
  // Creates the index (or data directory) when missing; checks an existing one has every configured
  // field. true: it was created now.
  virtual result<bool> ensure_index() = 0;
  virtual result<long long> count() = 0;
  virtual result<std::set<std::string>> existing_ids(const std::vector<std::string>& ids) = 0;
  // One outcome per document, in order. wait: return once the documents are searchable.
  virtual result<std::vector<bulk_item_outcome>> bulk_index(const std::vector<image_document>& docs, bool wait) = 0;
  virtual result<bool> refresh() = 0;
  virtual result<std::vector<search_hit>> knn(const vector_field& field, const knn_query& query) = 0;
  virtual result<std::string> thumbnail(const std::string& id) = 0;
  // The stored vector of one image in one field; not_found when there is no such image.
  virtual result<std::vector<float>> vector_of(const std::string& id, const vector_field& field) = 0;
  // The stored vectors of several images in one field, in the order asked (search's return_vectors);
  // not_found when one is missing. By default one vector_of each: right for a store that reads locally, and
  // a remote one overrides it with one request.
  virtual result<std::vector<std::vector<float>>> vectors_of(const std::vector<std::string>& ids,
                                                             const vector_field& field) {
    std::vector<std::vector<float>> out;
    for (const std::string& id : ids) {
      auto v = vector_of(id, field);
      if (!v) return v.error();
      out.push_back(std::move(*v));
    }
    return out;
  }
  virtual result<bool> remove(const std::string& id) = 0;  // false: there was no such image
  // What each configured vector field takes, by field name (raw vectors, quantised copies, graph).
  // May be slow (Elasticsearch reads every segment): callers memoise it.
  virtual result<std::map<std::string, vector_field_storage>> vector_field_storage_by_name() = 0;
  // Whole documents (metadata, thumbnail, every configured vector) with ids after `after_id`, in id
  // order, at most `limit`: how `polylens migrate` reads a store from end to end.
  virtual result<std::vector<image_document>> documents_after(const std::string& after_id, std::size_t limit) = 0;

  virtual const std::string& index_name() const = 0;  // the index, or the data directory
  virtual std::string url_for_display() const = 0;    // where it lives, without credentials
};

// The store `settings` names: --backend, or Elasticsearch when ES_URL is set, else the embedded one.
// Opening the embedded store takes its directory lock; Elasticsearch is not contacted yet.
result<std::unique_ptr<vector_store>> vector_store_open(const config& settings);

}  // namespace polylens
