#include "control_state.h"

#include <algorithm>

#include "base64.h"

namespace jina_double {

using nlohmann::json;

namespace {

std::optional<int> int_in_range(const json& value, int lo, int hi) {
  if (!value.is_number_integer()) return std::nullopt;
  long long n = value.get<long long>();
  if (n < lo || n > hi) return std::nullopt;
  return static_cast<int>(n);
}

std::variant<fault_spec, std::string> fault_spec_parse(const json& j) {
  if (!j.is_object()) return std::string("a fault must be a JSON object");
  fault_spec spec;
  for (const auto& [key, value] : j.items()) {
    if (key == "status") {
      auto n = int_in_range(value, 100, 599);
      if (!n) return std::string("status must be an integer in 100..599");
      spec.status = *n;
    } else if (key == "retry_after") {
      if (value.is_null()) continue;
      auto n = int_in_range(value, 0, 86400);
      if (!n) return std::string("retry_after must be null or an integer number of seconds");
      spec.retry_after = n;
    } else if (key == "times") {
      auto n = int_in_range(value, 1, 1'000'000);
      if (!n) return std::string("times must be an integer >= 1");
      spec.times = *n;
    } else if (key == "delay_ms") {
      auto n = int_in_range(value, 0, 600'000);
      if (!n) return std::string("delay_ms must be an integer in 0..600000");
      spec.delay_ms = *n;
    } else if (key == "malformed") {
      if (!value.is_boolean()) return std::string("malformed must be a boolean");
      spec.malformed = value.get<bool>();
    } else if (key == "body") {
      if (!value.is_null()) spec.body = value;
    } else if (key == "code" || key == "detail") {
      if (value.is_null()) continue;
      if (!value.is_string()) return key + " must be a string";
      (key == "code" ? spec.code : spec.detail) = value.get<std::string>();
    } else {
      return "unknown fault field '" + key +
             "' (known: status, retry_after, times, delay_ms, malformed, body, code, detail)";
    }
  }
  if (spec.malformed && spec.body) return std::string("malformed and body cannot be combined");
  return spec;
}

// Decoded size of an image value, or the value itself when it is a URL.
json image_summary(const std::string& value) {
  if (value.starts_with("http://") || value.starts_with("https://")) return value;
  std::string_view data = value;
  if (data.starts_with("data:")) {
    std::size_t comma = data.find(',');
    data.remove_prefix(comma == std::string_view::npos ? data.size() : comma + 1);
  }
  std::string compact;
  for (char c : data)
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') compact += c;
  if (auto bytes = polylens::base64_decode(compact)) return bytes->size();
  return value.size();
}

void summarise_item(json& item) {
  if (item.is_object() && item.contains("image") && item["image"].is_string())
    item["image"] = image_summary(item["image"].get<std::string>());
}

}  // namespace

std::variant<std::vector<fault_spec>, std::string> fault_specs_parse(std::string_view body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) return std::string("the body is not valid JSON");
  std::vector<fault_spec> specs;
  const json list = doc.is_array() ? doc : json::array({doc});
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto parsed = fault_spec_parse(list[i]);
    if (auto* error = std::get_if<std::string>(&parsed))
      return doc.is_array() ? "fault " + std::to_string(i) + ": " + *error : *error;
    specs.push_back(std::get<fault_spec>(std::move(parsed)));
  }
  return specs;
}

json fault_spec_to_json(const fault_spec& spec) {
  return {{"status", spec.status},
          {"retry_after", spec.retry_after ? json(*spec.retry_after) : json()},
          {"times", spec.times},
          {"delay_ms", spec.delay_ms},
          {"malformed", spec.malformed},
          {"body", spec.body ? *spec.body : json()},
          {"code", spec.code.empty() ? json() : json(spec.code)},
          {"detail", spec.detail.empty() ? json() : json(spec.detail)}};
}

json request_summary(std::string_view body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) {
    constexpr std::size_t keep = 2000;
    return std::string(body.substr(0, keep));
  }
  if (doc.is_object() && doc.contains("input")) {
    json& input = doc["input"];
    if (input.is_array())
      for (json& item : input) summarise_item(item);
    else
      summarise_item(input);
  }
  return doc;
}

void control_state::faults_push(std::vector<fault_spec> specs) {
  std::lock_guard lock(mutex_);
  for (auto& spec : specs) faults_.push_back(std::move(spec));
}

std::optional<fault_spec> control_state::fault_take() {
  std::lock_guard lock(mutex_);
  if (faults_.empty()) return std::nullopt;
  fault_spec spec = faults_.front();
  if (--faults_.front().times <= 0) faults_.pop_front();
  spec.times = 1;
  return spec;
}

void control_state::reset() {
  std::lock_guard lock(mutex_);
  faults_.clear();
  embedding_requests_ = inputs_ = tokens_ = faults_served_ = connections_accepted_ = 0;
  max_in_flight_ = in_flight_;  // calls still being answered count towards the next peak
  last_request_ = nullptr;
  last_request_headers_ = nullptr;
}

void control_state::request_record(json summary, json headers) {
  std::lock_guard lock(mutex_);
  ++embedding_requests_;
  last_request_ = std::move(summary);
  last_request_headers_ = std::move(headers);
}

void control_state::fault_served() {
  std::lock_guard lock(mutex_);
  ++faults_served_;
}

void control_state::success_record(std::size_t inputs, long long tokens) {
  std::lock_guard lock(mutex_);
  inputs_ += static_cast<long long>(inputs);
  tokens_ += tokens;
}

void control_state::connection_accepted() {
  std::lock_guard lock(mutex_);
  ++connections_accepted_;
}

void control_state::embedding_started() {
  std::lock_guard lock(mutex_);
  max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
}

void control_state::embedding_finished() {
  std::lock_guard lock(mutex_);
  --in_flight_;
}

json control_state::stats() const {
  std::lock_guard lock(mutex_);
  json pending = json::array();
  for (const auto& spec : faults_) pending.push_back(fault_spec_to_json(spec));
  return {{"embedding_requests", embedding_requests_},
          {"inputs", inputs_},
          {"tokens", tokens_},
          {"faults_served", faults_served_},
          {"faults_pending", std::move(pending)},
          {"last_request", last_request_},
          {"last_request_headers", last_request_headers_},
          {"connections_accepted", connections_accepted_},
          {"in_flight", in_flight_},
          {"max_in_flight", max_in_flight_}};
}

}  // namespace jina_double
