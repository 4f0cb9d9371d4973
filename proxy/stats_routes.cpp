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
  std::map<std::string, long long> bytes;
  bool valid = false;
};
constexpr auto disk_usage_ttl = std::chrono::seconds(30);

result<std::map<std::string, long long>> field_bytes(vector_store& backend) {
  static disk_usage_memo memo;
  std::lock_guard lock(memo.mutex);
  auto now = std::chrono::steady_clock::now();
  if (memo.valid && now - memo.taken < disk_usage_ttl) return memo.bytes;
  auto fresh = backend.vector_field_bytes();
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
  for (const auto& f : s.settings.fields) {
    long long b = bytes->count(f.name()) ? bytes->at(f.name()) : 0;
    fields.push_back({{"name", f.name()},
                      {"dims", f.dims},
                      {"index_type", f.index_type},
                      {"bytes", b},
                      {"bytes_per_image", *documents > 0 ? double(b) / double(*documents) : 0.0}});
  }
  nlohmann::json counters = s.metrics.snapshot();
  embedding_cache_stats cache = s.embedder.cache_stats();
  counters["cache"]["entries"] = cache.entries;
  counters["cache"]["bytes"] = cache.bytes;
  counters["cache"]["budget"] = cache.budget;
  auto info = s.embedder.info();
  nlohmann::json body = {{"index", s.backend.index_name()},
                         {"documents", *documents},
                         {"fields", std::move(fields)},
                         {"cache", counters["cache"]},
                         {"tokens", counters["tokens"]},
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
