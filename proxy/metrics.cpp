#include "metrics.h"

#include <sstream>

namespace polylens {

const char* token_use_name(token_use use) {
  switch (use) {
    case token_use::images_indexed: return "images_indexed";
    case token_use::text_queries: return "text_queries";
    case token_use::image_queries: return "image_queries";
    case token_use::other: break;
  }
  return "other";
}

namespace {
constexpr token_use all_token_uses[] = {token_use::images_indexed, token_use::text_queries, token_use::image_queries,
                                        token_use::other};
}

void metrics_registry::count_request(const std::string& method, const std::string& route, int status,
                                     double duration_ms) {
  std::lock_guard lock(mutex_);
  auto& t = requests_[{method, route, status}];
  ++t.count;
  t.duration_ms_sum += duration_ms;
}

void metrics_registry::count_cache(bool hit, long long n) {
  std::lock_guard lock(mutex_);
  (hit ? cache_hits_ : cache_misses_) += n;
}

void metrics_registry::add_tokens(long long tokens, token_use use, long long inputs) {
  std::lock_guard lock(mutex_);
  tokens_ += tokens;
  billed_[use].tokens += tokens;
  billed_[use].inputs += inputs;
}

void metrics_registry::count_upstream(const std::string& upstream, int status) {
  std::lock_guard lock(mutex_);
  ++upstream_[{upstream, status}];
}

long long metrics_registry::cache_hits() const {
  std::lock_guard lock(mutex_);
  return cache_hits_;
}
long long metrics_registry::cache_misses() const {
  std::lock_guard lock(mutex_);
  return cache_misses_;
}
long long metrics_registry::tokens() const {
  std::lock_guard lock(mutex_);
  return tokens_;
}

std::string metrics_registry::prometheus_text() const {
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  out << "# HELP polylens_http_requests_total HTTP requests answered, by method, route and status.\n"
         "# TYPE polylens_http_requests_total counter\n";
  for (const auto& [key, t] : requests_)
    out << "polylens_http_requests_total{method=\"" << std::get<0>(key) << "\",route=\"" << std::get<1>(key)
        << "\",status=\"" << std::get<2>(key) << "\"} " << t.count << "\n";
  out << "# HELP polylens_http_request_duration_milliseconds_sum Time spent answering, by method, route and status.\n"
         "# TYPE polylens_http_request_duration_milliseconds_sum counter\n";
  for (const auto& [key, t] : requests_)
    out << "polylens_http_request_duration_milliseconds_sum{method=\"" << std::get<0>(key) << "\",route=\""
        << std::get<1>(key) << "\",status=\"" << std::get<2>(key) << "\"} " << t.duration_ms_sum << "\n";
  out << "# HELP polylens_embedding_cache_hits_total Inputs answered from the embedding cache.\n"
         "# TYPE polylens_embedding_cache_hits_total counter\n"
      << "polylens_embedding_cache_hits_total " << cache_hits_ << "\n"
      << "# HELP polylens_embedding_cache_misses_total Inputs sent to the embedder.\n"
         "# TYPE polylens_embedding_cache_misses_total counter\n"
      << "polylens_embedding_cache_misses_total " << cache_misses_ << "\n"
      << "# HELP polylens_embedder_tokens_total Tokens the embedder billed.\n"
         "# TYPE polylens_embedder_tokens_total counter\n"
      << "polylens_embedder_tokens_total " << tokens_ << "\n"
      << "# HELP polylens_embedder_tokens_by_use_total Tokens the embedder billed, by what the call was for.\n"
         "# TYPE polylens_embedder_tokens_by_use_total counter\n";
  for (token_use use : all_token_uses) {
    auto it = billed_.find(use);
    out << "polylens_embedder_tokens_by_use_total{use=\"" << token_use_name(use) << "\"} "
        << (it == billed_.end() ? 0 : it->second.tokens) << "\n";
  }
  out << "# HELP polylens_embedder_inputs_billed_total Inputs sent to the embedder, by what the call was for.\n"
         "# TYPE polylens_embedder_inputs_billed_total counter\n";
  for (token_use use : all_token_uses) {
    auto it = billed_.find(use);
    out << "polylens_embedder_inputs_billed_total{use=\"" << token_use_name(use) << "\"} "
        << (it == billed_.end() ? 0 : it->second.inputs) << "\n";
  }
  out
      << "# HELP polylens_upstream_requests_total Calls to the upstreams, by upstream and status (0: no answer).\n"
         "# TYPE polylens_upstream_requests_total counter\n";
  for (const auto& [key, n] : upstream_)
    out << "polylens_upstream_requests_total{upstream=\"" << key.first << "\",status=\"" << key.second << "\"} " << n
        << "\n";
  return out.str();
}

nlohmann::json metrics_registry::snapshot() const {
  std::lock_guard lock(mutex_);
  long long requests = 0;
  for (const auto& [key, t] : requests_) requests += t.count;
  long long lookups = cache_hits_ + cache_misses_;
  nlohmann::json upstream = nlohmann::json::object();
  for (const auto& [key, n] : upstream_) upstream[key.first][std::to_string(key.second)] = n;
  nlohmann::json by_use = nlohmann::json::object();
  for (token_use use : all_token_uses) {
    auto it = billed_.find(use);
    billed b = it == billed_.end() ? billed{} : it->second;
    by_use[token_use_name(use)] = {{"tokens", b.tokens},
                                   {"inputs", b.inputs},
                                   {"per_input", b.inputs ? nlohmann::json(double(b.tokens) / double(b.inputs)) : nlohmann::json()}};
  }
  return {{"requests", requests},
          {"cache", {{"hits", cache_hits_}, {"misses", cache_misses_},
                     {"hit_ratio", lookups ? double(cache_hits_) / double(lookups) : 0.0}}},
          {"tokens", tokens_},
          {"tokens_by_use", std::move(by_use)},
          {"upstream", upstream}};
}

}  // namespace polylens
