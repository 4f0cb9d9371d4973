#include "jina_client.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "base64.h"
#include "api_limits.h"
#include "log.h"

namespace polylens {

using nlohmann::json;

namespace {
constexpr const char* official_host = "api.jina.ai";
constexpr const char* stand_in_header = "x-polylens-test-double";

bool retryable(const upstream_response& r) {
  if (r.failure == transport_failure::connect) return true;
  return r.status == 429 || r.status == 500 || r.status == 502 || r.status == 503;
}

// Exponential backoff with full jitter; Retry-After (seconds) wins when the API sends it.
std::chrono::milliseconds backoff(int attempt, const upstream_response& r) {
  std::string retry_after = r.header("retry-after");
  if (!retry_after.empty()) {
    try {
      return std::chrono::milliseconds(std::min(std::stoi(retry_after), 30) * 1000);
    } catch (const std::exception&) {
    }
  }
  static thread_local std::mt19937 rng{std::random_device{}()};
  int cap = 250 << std::min(attempt, 5);
  return std::chrono::milliseconds(std::uniform_int_distribution<int>(cap / 2, cap)(rng));
}

std::string upstream_detail(const upstream_response& r) {
  auto body = json::parse(r.body, nullptr, false);
  std::string detail, code;
  if (body.is_object()) {
    if (body.contains("detail") && body["detail"].is_string()) detail = body["detail"];
    if (body.contains("code") && body["code"].is_string()) code = body["code"];
  }
  if (detail.size() > 300) detail = detail.substr(0, 300) + "...";
  std::string out = "HTTP " + std::to_string(r.status);
  if (!code.empty()) out += " " + code;
  if (!detail.empty()) out += ": " + detail;
  return redact(out);
}

api_error map_failure(const upstream_response& r, const std::string& host) {
  const std::string where = "the Jina API (" + host + ")";
  if (r.failure == transport_failure::timeout)
    return {error_type::embedder_timeout, where + " did not answer in time (" + r.failure_text + ")"};
  if (r.failure != transport_failure::none)
    return {error_type::embedder_error, "cannot reach " + where + ": " + r.failure_text};
  std::string detail = upstream_detail(r);
  if (r.status == 401)
    return {error_type::embedder_auth_failed,
            where + " refused the API key (" + detail + "); check JINA_API_KEY"};
  bool out_of_balance = r.status == 402 || (r.status == 403 && (detail.find("BALANCE") != std::string::npos ||
                                                                detail.find("balance") != std::string::npos));
  if (out_of_balance)
    return {error_type::embedder_auth_failed,
            where + " says the API key has run out of tokens (" + detail + "); top up the key or use another"};
  if (r.status == 403)
    return {error_type::embedder_auth_failed, where + " refused the request (" + detail + ")"};
  if (r.status == 429) return {error_type::embedder_error, where + " is rate limiting us (" + detail + ")"};
  if (r.status == 504) return {error_type::embedder_timeout, where + " timed out (" + detail + ")"};
  return {error_type::embedder_error, where + " failed (" + detail + ")"};
}
}  // namespace

jina_client::jina_client(const config& settings)
    : url_(settings.jina_api_url),
      model_(settings.jina_model),
      max_retries_(settings.jina_max_retries),
      upstream_(settings.jina_api_url, settings.jina_timeout_ms,
                {{"Authorization", "Bearer " + settings.jina_api_key},
                 {"Accept", "application/json"},
                 {"Accept-Encoding", "identity"}}) {}

embedder_info jina_client::info() const {
  embedder_info out;
  out.model = model_;
  out.stand_in = stand_in_.load();
  if (out.stand_in) out.label = "Jina test double (stand-in, not the real " + model_ + ")";
  else if (upstream_.target().host == official_host) out.label = "Jina " + model_ + " (" + official_host + ")";
  else out.label = model_ + " at " + upstream_.target().host;
  return out;
}

upstream_response jina_client::send_with_retries(const std::string& body) {
  for (int attempt = 0;; ++attempt) {
    upstream_response r = upstream_.send("POST", "", body);
    if (!r.header(stand_in_header).empty() && !stand_in_.exchange(true))
      log_warn("the embedder is a TEST DOUBLE, not the real Jina CLIP v2: results are a stand-in",
               {{"embedder_url", url_}});
    if (attempt >= max_retries_ || !retryable(r)) return r;
    auto wait = backoff(attempt, r);
    log_warn("retrying the Jina API", {{"attempt", attempt + 1}, {"status", r.status},
                                        {"failure", r.failure_text}, {"wait_ms", wait.count()}});
    std::this_thread::sleep_for(wait);
  }
}

result<embed_output> jina_client::embed(const std::vector<embed_input>& inputs, bool query) {
  json items = json::array();
  for (const auto& in : inputs) {
    if (in.type == embed_input::kind::text) items.push_back({{"text", in.value}});
    else items.push_back({{"image", base64_encode(in.value)}});
  }
  json request = {{"model", model_},
                  {"input", std::move(items)},
                  {"dimensions", limits::full_dims},
                  {"normalized", true},
                  {"embedding_type", "float"}};
  if (query) request["task"] = "retrieval.query";

  upstream_response r = send_with_retries(request.dump(-1, ' ', false, json::error_handler_t::replace));
  if (r.failure != transport_failure::none || r.status != 200) return map_failure(r, upstream_.target().host);

  auto body = json::parse(r.body, nullptr, false);
  auto malformed = [&](const std::string& why) {
    return api_error{error_type::embedder_error, "the Jina API (" + upstream_.target().host +
                                                     ") sent a response we cannot use: " + why};
  };
  if (!body.is_object() || !body.contains("data") || !body["data"].is_array()) return malformed("no 'data' array");
  embed_output out;
  out.vectors.resize(inputs.size());
  for (const auto& item : body["data"]) {
    if (!item.is_object() || !item.contains("index") || !item["index"].is_number_integer() ||
        !item.contains("embedding") || !item["embedding"].is_array())
      return malformed("an item without index or embedding");
    auto index = item["index"].get<long long>();
    if (index < 0 || index >= static_cast<long long>(inputs.size())) return malformed("index out of range");
    auto& vec = out.vectors[static_cast<std::size_t>(index)];
    for (const auto& v : item["embedding"]) {
      if (!v.is_number()) return malformed("a non-numeric embedding value");
      vec.push_back(v.get<float>());
    }
    if (vec.size() != static_cast<std::size_t>(limits::full_dims))
      return malformed("an embedding of " + std::to_string(vec.size()) + " dimensions instead of " +
                       std::to_string(limits::full_dims));
  }
  for (const auto& vec : out.vectors)
    if (vec.empty()) return malformed("fewer embeddings than inputs");
  if (body.contains("usage") && body["usage"].is_object() && body["usage"].contains("total_tokens") &&
      body["usage"]["total_tokens"].is_number_integer())
    out.tokens = body["usage"]["total_tokens"].get<int>();
  return out;
}

}  // namespace polylens
