// GET /api/v1/stats (what the index holds and what the proxy spent) and GET /metrics (the same
// counters for Prometheus).
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>

#include "services.h"

namespace polylens {

namespace {
// _disk_usage makes Elasticsearch read every segment, so its answer is kept for a while.
struct disk_usage_memo {
  std::mutex mutex;
  std::chrono::steady_clock::time_point taken;
  std::map<std::string, vector_field_storage> bytes;
  bool valid = false;
};
constexpr auto disk_usage_ttl = std::chrono::seconds(30);

result<std::map<std::string, vector_field_storage>> field_bytes(vector_store& backend) {
  static disk_usage_memo memo;
  std::lock_guard lock(memo.mutex);
  auto now = std::chrono::steady_clock::now();
  if (memo.valid && now - memo.taken < disk_usage_ttl) return memo.bytes;
  auto fresh = backend.vector_field_storage_by_name();
  if (!fresh) return fresh.error();

  memo.bytes = *fresh;
  memo.taken = now;
  memo.valid = true;
  return memo.bytes;
}
}  // namespace

http_response handle_stats(services& s, const http_request&) {
  auto documents = s.backend.count();
  if (!documents) return http_response::error(documents.error());
  auto bytes = field_bytes(s.backend);
  if (!bytes) return http_response::error(bytes.error());

  nlohmann::json fields = nlohmann::json::array();
  auto per_image = [&](long long b) { return *documents > 0 ? double(b) / double(*documents) : 0.0; };
  for (const auto& f : s.settings.fields) {
    vector_field_storage st = bytes->count(f.name()) ? bytes->at(f.name()) : vector_field_storage{};
    fields.push_back({{"name", f.name()},
                      {"dims", f.dims},
                      {"index_type", f.index_type},
                      {"bytes", st.bytes},
                      {"bytes_per_image", per_image(st.bytes)},
                      // Quantised types keep the float vectors on disk too (for rescoring); what a
                      // search reads is the quantised copy and the graph.
                      {"storage", {{"raw_vectors", st.raw_bytes}, {"quantised", st.quantised_bytes}, {"graph", st.graph_bytes}}}});
  }
  nlohmann::json counters = s.metrics.snapshot();
  embedding_cache_stats cache = s.embedder.cache_stats();
  counters["cache"]["entries"] = cache.entries;
  counters["cache"]["bytes"] = cache.bytes;
  counters["cache"]["budget"] = cache.budget;
  const nlohmann::json& by_use = counters["tokens_by_use"];
  auto info = s.embedder.info();
  nlohmann::json body = {{"index", s.backend.index_name()},
                         {"documents", *documents},
                         {"fields", std::move(fields)},
                         {"cache", counters["cache"]},
                         {"tokens", counters["tokens"]},
                         // Billed by this process since it started, from the embedder's usage (a
                         // `polylens index` run is another process: its log line has its own figure).
                         {"tokens_per_image", by_use["images_indexed"]["per_input"]},
                         {"tokens_per_query", by_use["text_queries"]["per_input"]},
                         {"tokens_by_use", by_use},
                         {"requests", counters["requests"]},
                         {"upstream", counters["upstream"]},
                         {"embedder", {{"model", info.model}, {"label", info.label}, {"stand_in", info.stand_in}}}};
  return http_response::json(body.dump());
}

http_response handle_metrics(services& s, const http_request&) {
  http_response out;
  out.content_type = "text/plain; version=0.0.4";
  out.body = s.metrics.prometheus_text();
  return out;
}

}  // namespace polylens
