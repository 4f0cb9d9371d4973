// The embedded store behind the vector_store interface: the default when no ES_URL is configured.
#pragma once
#include <memory>

#include "embedded_store.h"
#include "vector_store.h"

namespace polylens {

class embedded_backend final : public vector_store {
 public:
  static result<std::unique_ptr<embedded_backend>> open(const config& settings);

  const char* kind() const override { return "embedded"; }
  result<std::string> version() override;
  result<bool> ensure_index() override { return created_; }
  result<long long> count() override { return store_->count(); }
  result<std::set<std::string>> existing_ids(const std::vector<std::string>& ids) override {
    return store_->existing_ids(ids);
  }
  // Every write is durable and searchable when put() returns, so `wait` changes nothing.
  result<std::vector<bulk_item_outcome>> bulk_index(const std::vector<image_document>& docs, bool) override {
    return store_->put(docs);
  }
  result<bool> refresh() override { return true; }
  result<std::vector<search_hit>> knn(const vector_field& field, const knn_query& query) override {
    return store_->knn(field, query);
  }
  result<std::string> thumbnail(const std::string& id) override { return store_->thumbnail(id); }
  result<std::vector<float>> vector_of(const std::string& id, const vector_field& field) override {
    return store_->vector_of(id, field);
  }
  result<bool> remove(const std::string& id) override { return store_->remove(id); }
  result<std::map<std::string, vector_field_storage>> vector_field_storage_by_name() override;
  result<std::vector<image_document>> documents_after(const std::string& after_id, std::size_t limit) override {
    return store_->documents_after(after_id, limit);
  }
  const std::string& index_name() const override { return store_->directory(); }
  std::string url_for_display() const override { return "embedded:" + store_->directory(); }

 private:
  explicit embedded_backend(std::unique_ptr<embedded_store> store, bool created)
      : store_(std::move(store)), created_(created) {}
  std::unique_ptr<embedded_store> store_;
  bool created_;
};

}  // namespace polylens
