#include "api_error.h"

#include <nlohmann/json.hpp>

namespace polylens {

namespace {
struct error_type_info {
  error_type type;
  int status;
  const char* name;
};

constexpr error_type_info error_types[] = {
    {error_type::invalid_json, 400, "invalid_json"},
    {error_type::invalid_request, 400, "invalid_request"},
    {error_type::invalid_image, 400, "invalid_image"},
    {error_type::payload_too_large, 413, "payload_too_large"},
    {error_type::unauthorized, 401, "unauthorized"},
    {error_type::forbidden, 403, "forbidden"},
    {error_type::not_found, 404, "not_found"},
    {error_type::method_not_allowed, 405, "method_not_allowed"},
    {error_type::rate_limited, 429, "rate_limited"},
    {error_type::embedder_auth_failed, 502, "embedder_auth_failed"},
    {error_type::embedder_error, 502, "embedder_error"},
    {error_type::embedder_timeout, 504, "embedder_timeout"},
    {error_type::backend_unavailable, 503, "backend_unavailable"},
    {error_type::backend_error, 502, "backend_error"},
    {error_type::internal_error, 500, "internal_error"},
};

const error_type_info& info_of(error_type type) {
  for (const auto& info : error_types)
    if (info.type == type) return info;
  return error_types[std::size(error_types) - 1];
}
}  // namespace

int error_type_http_status(error_type type) { return info_of(type).status; }
std::string_view error_type_name(error_type type) { return info_of(type).name; }

int api_error::http_status() const { return error_type_http_status(type); }
std::string_view api_error::type_name() const { return error_type_name(type); }

std::string api_error::to_json() const {
  nlohmann::json body = {{"error", {{"code", http_status()}, {"type", type_name()}, {"message", message}}}};
  // Replace rather than throw: a message may quote a client's invalid UTF-8.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

api_error api_error_from_response(int http_status, std::string_view body) {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_object()) {
    const auto& e = parsed["error"];
    std::string type = e.value("type", "");
    for (const auto& info : error_types)
      if (type == info.name) return {info.type, e.value("message", "")};
  }
  auto type = http_status >= 500 ? error_type::internal_error : error_type::invalid_request;
  return {type, "HTTP " + std::to_string(http_status) + " without an error envelope"};
}

}  // namespace polylens
