// Counters for /api/v1/stats and /metrics (Prometheus text format). Thread-safe; cheap enough to
// call on every request.
#pragma once
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>

namespace polylens {

// What an embed call was for, so /stats can say what an image and a query cost. One call is one
// bill (Jina's usage is per call), so a call is classed as a whole: a mixed batch is "other".
enum class token_use { images_indexed, text_queries, image_queries, other };
const char* token_use_name(token_use use);

class metrics_registry {
 public:
  // route: the route's pattern as registered (e.g. "/api/v1/search"), or "static" / "unrouted".
  void count_request(const std::string& method, const std::string& route, int status, double duration_ms);
  void count_cache(bool hit, long long n = 1);
  // tokens billed for one embed call of `inputs` inputs (the cache misses it carried).
  void add_tokens(long long tokens, token_use use, long long inputs);
  // upstream: "jina" or "elasticsearch"; status 0 for a transport failure.
  void count_upstream(const std::string& upstream, int status);

  long long cache_hits() const;
  long long cache_misses() const;
  long long tokens() const;

  std::string prometheus_text() const;
  // requests, cache, tokens, tokens_by_use ({use: {tokens, inputs, per_input}}), upstream calls
  nlohmann::json snapshot() const;

 private:
  struct request_totals {
    long long count = 0;
    double duration_ms_sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, request_totals> requests_;  // method, route, status
  std::map<std::pair<std::string, int>, long long> upstream_;
  struct billed {
    long long tokens = 0, inputs = 0;
  };
  long long cache_hits_ = 0, cache_misses_ = 0, tokens_ = 0;
  std::map<token_use, billed> billed_;
};

}  // namespace polylens
