#include "api_messages.h"

#include <nlohmann/json.hpp>

#include "api_limits.h"

namespace polylens {

using nlohmann::json;

namespace {

api_error bad_field(const std::string& message) { return {error_type::invalid_request, message}; }

result<json> parse_object(std::string_view body) {
  auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return api_error{error_type::invalid_json, "the body is not valid JSON (UTF-8)"};
  if (!parsed.is_object()) return api_error{error_type::invalid_json, "the body must be a JSON object"};
  return parsed;
}

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

bool is_blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

json embedder_to_json(const embedder_info& e) {
  return {{"model", e.model}, {"label", e.label}, {"stand_in", e.stand_in}};
}
embedder_info embedder_from_json(const json& j) {
  return {j.value("model", ""), j.value("label", ""), j.value("stand_in", false)};
}

}  // namespace

result<search_request> search_request_parse(std::string_view body) {
  auto parsed = parse_object(body);
  if (!parsed) return parsed.error();
  search_request request;
  for (const auto& [key, value] : parsed->items()) {
    if (key == "text") {
      if (!value.is_string()) return bad_field("'text' must be a string");
      request.text = value.get<std::string>();
      if (is_blank(request.text)) return bad_field("'text' is empty: type something to search for");
      if (request.text.size() > limits::max_query_text_bytes)
        return bad_field("'text' is longer than " + std::to_string(limits::max_query_text_bytes) + " bytes");
    } else if (key == "image") {
      if (!value.is_string()) return bad_field("'image' must be a base64 string");
      request.image_base64 = value.get<std::string>();
      if (request.image_base64.empty()) return bad_field("'image' is empty");
    } else if (key == "k") {
      if (!value.is_number_integer()) return bad_field("'k' must be an integer");
      auto k = value.get<long long>();
      if (k < limits::min_k || k > limits::max_k)
        return bad_field("'k' must be between " + std::to_string(limits::min_k) + " and " +
                         std::to_string(limits::max_k) + ", got " + std::to_string(k));
      request.k = static_cast<int>(k);
    } else if (key == "dims") {
      if (!value.is_number_integer()) return bad_field("'dims' must be an integer");
      auto dims = value.get<long long>();
      if (dims < limits::min_dims || dims > limits::full_dims)
        return bad_field("'dims' must be between " + std::to_string(limits::min_dims) + " and " +
                         std::to_string(limits::full_dims) + ", got " + std::to_string(dims));
      request.dims = static_cast<int>(dims);
    } else {
      return bad_field("unknown field '" + key + "'; expected text or image, k, dims");
    }
  }
  if (request.text.empty() == request.image_base64.empty())
    return bad_field(request.text.empty() ? "give 'text' or 'image' to search for"
                                          : "give either 'text' or 'image', not both");
  return request;
}

std::string search_request_to_json(const search_request& request) {
  json body = json::object();
  // An empty text is still sent as text, so the proxy's answer names the real problem.
  if (request.image_base64.empty()) body["text"] = request.text;
  else body["image"] = request.image_base64;
  if (request.k > 0) body["k"] = request.k;
  if (request.dims > 0) body["dims"] = request.dims;
  return dump(body);
}

std::string search_response_to_json(const search_response& response) {
  json hits = json::array();
  for (const auto& hit : response.hits) {
    json h = {{"id", hit.id}, {"score", hit.score}, {"title", hit.title}, {"tags", hit.tags}};
    if (!hit.credit.empty()) h["credit"] = hit.credit;
    hits.push_back(std::move(h));
  }
  json body = {
      {"hits", std::move(hits)},
      {"took_ms",
       {{"embed", response.took_ms.embed_ms}, {"knn", response.took_ms.knn_ms}, {"total", response.took_ms.total_ms}}},
      {"embedder", embedder_to_json(response.embedder)},
      {"dims", response.dims},
      {"usage", {{"tokens", response.tokens}}},
  };
  return dump(body);
}

result<search_response> search_response_parse(std::string_view body) {
  auto parsed = parse_object(body);
  if (!parsed) return parsed.error();
  try {
    const json& j = *parsed;
    search_response response;
    for (const auto& h : j.at("hits")) {
      search_hit hit;
      hit.id = h.at("id").get<std::string>();
      hit.score = h.at("score").get<float>();
      hit.title = h.value("title", "");
      hit.tags = h.value("tags", std::vector<std::string>{});
      hit.credit = h.value("credit", "");
      response.hits.push_back(std::move(hit));
    }
    const json& took = j.at("took_ms");
    response.took_ms = {took.value("embed", 0.0), took.value("knn", 0.0), took.value("total", 0.0)};
    response.embedder = embedder_from_json(j.value("embedder", json::object()));
    response.dims = j.value("dims", 0);
    response.tokens = j.value("usage", json::object()).value("tokens", 0);
    return response;
  } catch (const json::exception& e) {
    return api_error{error_type::invalid_json, std::string("unexpected search response: ") + e.what()};
  }
}

std::string health_report_to_json(const health_report& r) {
  json body = {
      {"status", r.ok ? "ok" : "degraded"},
      {"embedder", {{"url", r.embedder_url}, {"model", r.embedder.model}, {"label", r.embedder.label},
                    {"stand_in", r.embedder.stand_in}}},
      {"backend", {{"kind", r.backend}, {"reachable", r.backend_reachable}, {"version", r.backend_version},
                   {"index", r.index}, {"doc_count", r.doc_count}}},
      {"dims", r.dims},
  };
  return dump(body);
}

result<health_report> health_report_parse(std::string_view body) {
  auto parsed = parse_object(body);
  if (!parsed) return parsed.error();
  try {
    const json& j = *parsed;
    health_report r;
    r.ok = j.value("status", "") == "ok";
    const json& e = j.at("embedder");
    r.embedder = embedder_from_json(e);
    r.embedder_url = e.value("url", "");
    const json& b = j.at("backend");
    r.backend = b.value("kind", "");
    r.backend_reachable = b.value("reachable", false);
    r.backend_version = b.value("version", "");
    r.index = b.value("index", "");
    r.doc_count = b.value("doc_count", -1LL);
    r.dims = j.value("dims", std::vector<int>{});
    return r;
  } catch (const json::exception& e) {
    return api_error{error_type::invalid_json, std::string("unexpected health report: ") + e.what()};
  }
}

}  // namespace polylens
