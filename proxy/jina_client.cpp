#include "jina_client.h"

#include "retry_policy.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <thread>

#include "api_limits.h"
#include "base64.h"
#include "log.h"

namespace polylens {

using nlohmann::json;
using std::chrono::milliseconds;

namespace {
constexpr const char* official_host = "api.jina.ai";
constexpr const char* stand_in_header = "x-polylens-test-double";
// A Retry-After longer than this is not waited out: the caller gets the 429 at once, saying so.
// Jina's per-minute windows clear within 60 s; a search should not hang that long.
constexpr milliseconds max_retry_after{30'000};
constexpr int backoff_base_ms = 250;
constexpr int backoff_cap_ms = 8'000;

// Contract section 5.2: 429 and the transient 5xx are worth another try; every other 4xx is final
// (a bad key, an empty balance or a refused request will not change by asking again).
bool retryable(const upstream_response& r) { return retry_is_worth_it(r, true); }

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

// Contract section 5.2: the same empty balance has been 402 with only `detail` (2024) and 403 with
// code AUTHZ_INSUFFICIENT_BALANCE (2026).
bool out_of_balance(int status, const std::string& detail) {
  if (status == 402) return true;
  if (status != 403) return false;
  for (const char* sign : {"BALANCE", "balance", "token-quota"})
    if (detail.find(sign) != std::string::npos) return true;
  return false;
}

api_error map_failure(const upstream_response& r, const std::string& host, int calls, const std::string& gave_up_why) {
  const std::string where = "the Jina API (" + host + ")";
  const std::string tries = calls > 1 ? " after " + std::to_string(calls) + " attempts" : "";
  if (r.failure == transport_failure::timeout)
    return {error_type::embedder_timeout,
            where + " did not answer in time (" + r.failure_text + "; JINA_TIMEOUT_MS sets the limit)"};
  if (r.failure != transport_failure::none)
    return {error_type::embedder_error, "cannot reach " + where + ": " + r.failure_text + tries};
  std::string detail = upstream_detail(r);
  if (r.status == 401)
    return {error_type::embedder_auth_failed, where + " refused the API key (" + detail + "); check JINA_API_KEY"};
  if (out_of_balance(r.status, detail))
    return {error_type::embedder_auth_failed,
            where + " says the API key has run out of tokens (" + detail + "); top up the key or use another"};
  if (r.status == 403) return {error_type::embedder_auth_failed, where + " refused the request (" + detail + ")"};
  std::string why = gave_up_why.empty() ? "" : "; " + gave_up_why;
  if (r.status == 429)
    return {error_type::embedder_error, where + " is rate limiting us (" + detail + ")" + tries + why};
  if (r.status == 504) return {error_type::embedder_timeout, where + " timed out (" + detail + ")" + tries + why};
  return {error_type::embedder_error, where + " failed (" + detail + ")" + tries + why};
}
}  // namespace

// ---- call_slots ----------------------------------------------------------------------------------

bool call_slots::acquire(milliseconds patience) {
  std::unique_lock lock(mutex_);
  const std::uint64_t ticket = next_ticket_++;
  waiting_.push_back(ticket);
  bool got = changed_.wait_for(lock, patience, [&] { return waiting_.front() == ticket && in_flight_ < slots_; });
  waiting_.erase(std::find(waiting_.begin(), waiting_.end(), ticket));
  if (got) ++in_flight_;
  // The next in line may now be at the front (or a slot may be free for it).
  changed_.notify_all();
  return got;
}

void call_slots::release() {
  {
    std::lock_guard lock(mutex_);
    --in_flight_;
  }
  changed_.notify_all();
}

int call_slots::in_flight() const {
  std::lock_guard lock(mutex_);
  return in_flight_;
}

// ---- jina_client ---------------------------------------------------------------------------------

jina_client::jina_client(const config& settings, metrics_registry& metrics)
    : url_(settings.jina_api_url),
      model_(settings.jina_model),
      max_retries_(settings.jina_max_retries),
      timeout_ms_(settings.jina_timeout_ms),
      metrics_(metrics),
      upstream_(settings.jina_api_url, settings.jina_connect_timeout_ms, settings.jina_timeout_ms,
                {{"Authorization", "Bearer " + settings.jina_api_key},
                 {"Accept", "application/json"},
                 {"Accept-Encoding", "identity"}}),
      slots_(settings.jina_concurrency),
      official_(upstream_.target().host == official_host) {}

embedder_info jina_client::info() const {
  embedder_info out;
  out.model = model_;
  out.stand_in = stand_in_.load();
  if (out.stand_in) out.label = "Jina test double (stand-in, not the real " + model_ + ")";
  else if (official_) out.label = "Jina " + model_ + " (" + official_host + ")";
  else out.label = model_ + " at " + upstream_.target().host;
  return out;
}

result<jina_client::attempts> jina_client::send_with_retries(const std::string& body) {
  attempts out;
  for (;;) {
    // Waiting for a slot is bounded like the call itself: past that, the caller hears why.
    if (!slots_.acquire(milliseconds(timeout_ms_)))
      return api_error{error_type::embedder_timeout,
                       "the embedder is saturated: " + std::to_string(slots_.slots()) + " calls to the Jina API (" +
                           upstream_.target().host + ") were in flight and none finished within " +
                           std::to_string(timeout_ms_) +
                           " ms (JINA_CONCURRENCY, JINA_TIMEOUT_MS); try again shortly"};
    out.last = upstream_.send("POST", "", body);
    slots_.release();
    ++out.count;
    metrics_.count_upstream("jina", out.last.status);
    if (out.last.status != 0) answered_ = true;
    if (!out.last.header(stand_in_header).empty() && !stand_in_.exchange(true))
      log_warn("the embedder is a TEST DOUBLE, not the real Jina CLIP v2: results are a stand-in",
               {{"embedder_url", url_}});

    if (!retryable(out.last) || out.count > max_retries_) return out;
    milliseconds wait = retry_backoff(out.count - 1, backoff_base_ms, backoff_cap_ms);
    if (auto asked = retry_after(out.last)) {
      if (*asked > max_retry_after) {
        out.gave_up_why = "it asks us to wait " + std::to_string((asked->count() + 999) / 1000) +
                          " s before retrying, longer than the " + std::to_string(max_retry_after.count() / 1000) +
                          " s we wait";
        return out;
      }
      wait = *asked;
    }
    log_warn("retrying the Jina API", {{"attempt", out.count}, {"of", max_retries_ + 1}, {"status", out.last.status},
                                        {"failure", out.last.failure_text}, {"wait_ms", wait.count()}});
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

  auto sent = send_with_retries(request.dump(-1, ' ', false, json::error_handler_t::replace));
  if (!sent) return sent.error();
  const upstream_response& r = sent->last;
  if (r.failure != transport_failure::none || r.status != 200)
    return map_failure(r, upstream_.target().host, sent->count, sent->gave_up_why);

  auto malformed = [&](const std::string& why) {
    return api_error{error_type::embedder_error, "the Jina API (" + upstream_.target().host +
                                                     ") sent a response we cannot use: " + why};
  };
  auto body = json::parse(r.body, nullptr, false);
  if (body.is_discarded()) return malformed("the body is not JSON (" + std::to_string(r.body.size()) + " bytes)");
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
    if (!vec.empty()) return malformed("index " + std::to_string(index) + " twice");
    for (const auto& v : item["embedding"]) {
      if (!v.is_number() || !std::isfinite(v.get<double>())) return malformed("a non-numeric embedding value");
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
