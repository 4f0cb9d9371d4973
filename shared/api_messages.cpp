#include "api_messages.h"

#include <nlohmann/json.hpp>

#include "api_limits.h"
#include "content_hash.h"
#include "json_fields.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>

namespace polylens {

using nlohmann::json;

namespace {

api_error bad_field(const std::string& message) { return {error_type::invalid_request, message}; }

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

bool is_blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

// A float vector as JSON numbers in their shortest decimal form that reads back as the same float. json holds
// numbers as doubles, and a float widened to double prints with 17 digits (0.1f: 0.10000000149011612): twice
// the bytes for a 1024-dim vector, and no more exact.
json float_vector_json(const std::vector<float>& values) {
  json out = json::array();
  char text[32];
  for (float v : values) {
    for (int digits = 6; digits <= 9; ++digits) {
      std::snprintf(text, sizeof text, "%.*g", digits, static_cast<double>(v));
      if (std::strtof(text, nullptr) == v) break;
    }
    out.push_back(std::strtod(text, nullptr));
  }
  return out;
}

json embedder_to_json(const embedder_info& e) {
  return {{"model", e.model}, {"label", e.label}, {"stand_in", e.stand_in}};
}
embedder_info embedder_from_json(const json& j) {
  return {j.value("model", ""), j.value("label", ""), j.value("stand_in", false)};
}

}  // namespace

int default_num_candidates(int k) { return std::min(10000, std::max(100, k * 10)); }

namespace {
// "return_vectors" (search and knn take it alike) and "return_query_vector" (search only).
result<bool> read_flag(const json& value, const std::string& key) {
  if (!value.is_boolean()) return bad_field("'" + key + "' must be true or false");
  return value.get<bool>();
}

// num_candidates is checked once k is known, whatever the order of the fields.
std::optional<api_error> check_num_candidates(int num_candidates, int k) {
  if (num_candidates != 0 && num_candidates < k)
    return json_fields::bad("'num_candidates' (" + std::to_string(num_candidates) + ") cannot be less than 'k' (" +
                            std::to_string(k) + ")");
  return std::nullopt;
}
constexpr std::size_t max_tags = 32, max_tag_bytes = 128, max_metadata_bytes = 1024;

// The kNN options search and knn share: k, dims, num_candidates, tags. nullopt when `key` is none
// of them; otherwise whether it was read, or what is wrong with it.
std::optional<result<bool>> read_knn_option(const std::string& key, const json& value, int& k, int& dims,
                                            int& num_candidates, std::vector<std::string>& tags) {
  auto read_int = [&](int& target, long long min, long long max) -> result<bool> {
    auto v = json_fields::integer(value, key, min, max);
    if (!v) return v.error();
    target = *v;
    return true;
  };
  if (key == "k") return read_int(k, limits::min_k, limits::max_k);
  if (key == "dims") return read_int(dims, limits::min_dims, limits::full_dims);
  if (key == "num_candidates") return read_int(num_candidates, 1, 10000);
  if (key == "tags") {
    auto list = json_fields::text_list(value, "tags", max_tags, max_tag_bytes);
    if (!list) return result<bool>(list.error());
    tags = std::move(*list);
    return result<bool>(true);
  }
  return std::nullopt;
}
}  // namespace

result<search_request> search_request_parse(std::string_view body) {
  auto parsed = json_fields::object_body(body);
  if (!parsed) return parsed.error();
  search_request request;
  int given = 0;
  for (const auto& [key, value] : parsed->items()) {
    if (key == "text") {
      if (!value.is_string()) return bad_field("'text' must be a string");
      request.text = value.get<std::string>();
      if (is_blank(request.text)) return bad_field("'text' is empty: type something to search for");
      if (request.text.size() > limits::max_query_text_bytes)
        return bad_field("'text' is longer than " + std::to_string(limits::max_query_text_bytes) + " bytes");
      ++given;
    } else if (key == "image") {
      if (!value.is_string()) return bad_field("'image' must be a base64 string");
      request.image_base64 = value.get<std::string>();
      if (request.image_base64.empty()) return bad_field("'image' is empty");
      ++given;
    } else if (key == "id") {
      auto id = json_fields::text(value, "id", 64);
      if (!id) return id.error();
      request.id = *id;
      ++given;
    } else if (key == "return_vectors" || key == "return_query_vector") {
      auto flag = read_flag(value, key);
      if (!flag) return flag.error();
      (key == "return_vectors" ? request.return_vectors : request.return_query_vector) = *flag;
    } else if (auto read = read_knn_option(key, value, request.k, request.dims, request.num_candidates, request.tags)) {
      if (!*read) return read->error();
    } else {
      return json_fields::unknown_field(
          key, "the search request",
          "text, image or id, k, dims, num_candidates, tags, return_vectors, return_query_vector");
    }
  }
  if (given == 0) return bad_field("give 'text' or 'image' (or the 'id' of an indexed image) to search for");
  if (given > 1) return bad_field("give only one of 'text', 'image' and 'id'");
  if (auto e = check_num_candidates(request.num_candidates, request.k ? request.k : limits::default_k)) return *e;
  return request;
}

result<embed_request> embed_request_parse(std::string_view body, std::size_t max_inputs) {
  auto parsed = json_fields::object_body(body);
  if (!parsed) return parsed.error();
  embed_request request;
  bool has_inputs = false;
  for (const auto& [key, value] : parsed->items()) {
    if (key == "inputs") {
      if (!value.is_array()) return bad_field("'inputs' must be an array of {\"text\": ...} or {\"image\": ...}");
      if (value.empty()) return bad_field("'inputs' is empty: give at least one text or image");
      if (value.size() > max_inputs)
        return bad_field("'inputs' has " + std::to_string(value.size()) + " items; at most " +
                         std::to_string(max_inputs) + " per call");
      for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string where = "inputs[" + std::to_string(i) + "]";
        const json& item = value[i];
        if (!item.is_object()) return bad_field("'" + where + "' must be an object: {\"text\": ...} or {\"image\": ...}");
        for (const auto& [field, unused] : item.items())
          if (field != "text" && field != "image") return json_fields::unknown_field(field, where, "text or image");
        if (item.size() != 1)
          return bad_field("'" + where + "' must have exactly one of 'text' or 'image'");
        bool is_image = item.contains("image");
        auto text = json_fields::text(item.begin().value(), where + (is_image ? ".image" : ".text"),
                                      is_image ? limits::max_request_body_bytes : limits::max_query_text_bytes);
        if (!text) return text.error();
        request.inputs.push_back({is_image, std::move(*text)});
      }
      has_inputs = true;
    } else if (key == "dims") {
      auto dims = json_fields::integer(value, "dims", limits::min_dims, limits::full_dims);
      if (!dims) return dims.error();
      request.dims = *dims;
    } else if (key == "task") {
      if (value != "query" && value != "document") return bad_field("'task' must be \"query\" or \"document\"");
      request.query = value == "query";
    } else {
      return json_fields::unknown_field(key, "the embed request", "inputs, dims, task");
    }
  }
  if (!has_inputs) return bad_field("'inputs' is missing: give [{\"text\": ...}] or [{\"image\": <base64>}]");
  return request;
}

result<knn_request> knn_request_parse(std::string_view body) {
  auto parsed = json_fields::object_body(body);
  if (!parsed) return parsed.error();
  knn_request request;
  for (const auto& [key, value] : parsed->items()) {
    if (key == "vector") {
      auto v = json_fields::vector(value, "vector", limits::min_dims, limits::full_dims);
      if (!v) return v.error();
      request.vector = std::move(*v);
    } else if (key == "return_vectors") {
      auto flag = read_flag(value, key);
      if (!flag) return flag.error();
      request.return_vectors = *flag;
    } else if (auto read = read_knn_option(key, value, request.k, request.dims, request.num_candidates, request.tags)) {
      if (!*read) return read->error();
    } else {
      return json_fields::unknown_field(key, "the knn request", "vector, k, num_candidates, dims, tags, return_vectors");
    }
  }
  if (request.vector.empty()) return bad_field("'vector' is missing");
  if (request.dims != 0 && static_cast<std::size_t>(request.dims) != request.vector.size())
    return bad_field("'dims' is " + std::to_string(request.dims) + " but 'vector' has " +
                     std::to_string(request.vector.size()) + " numbers");
  if (auto e = check_num_candidates(request.num_candidates, request.k ? request.k : limits::default_k)) return *e;
  return request;
}

result<std::vector<image_upload>> images_request_parse(std::string_view body, std::size_t max_images) {
  auto parsed = json_fields::object_body(body);
  if (!parsed) return parsed.error();
  std::vector<image_upload> images;
  bool has_images = false;
  for (const auto& [key, value] : parsed->items()) {
    if (key != "images") return json_fields::unknown_field(key, "the images request", "images");
    if (!value.is_array()) return bad_field("'images' must be an array of {\"image\": <base64>, \"title\": ...}");
    if (value.empty()) return bad_field("'images' is empty");
    if (value.size() > max_images)
      return bad_field("'images' has " + std::to_string(value.size()) + " items; at most " +
                       std::to_string(max_images) + " per call");
    for (std::size_t i = 0; i < value.size(); ++i) {
      const std::string where = "images[" + std::to_string(i) + "]";
      if (!value[i].is_object()) return bad_field("'" + where + "' must be an object");
      image_upload upload;
      bool has_width = false, has_height = false;
      for (const auto& [field, v] : value[i].items()) {
        const std::string name = where + "." + field;
        if (field == "id") {
          if (!v.is_string() || !is_content_hash(v.get<std::string>()))
            return bad_field("'" + name + "' must be the original file's content hash: 32 lower-case hex digits, " +
                             "the first 128 bits of its SHA-256");
          upload.id = v.get<std::string>();
        } else if (field == "file") {
          auto f = json_fields::text(v, name, max_metadata_bytes);
          if (!f) return f.error();
          upload.file = std::move(*f);
        } else if (field == "original_width" || field == "original_height") {
          auto side = json_fields::integer(v, name, 1, limits::max_image_pixels);
          if (!side) return side.error();
          (field == "original_width" ? upload.original_width : upload.original_height) = *side;
          (field == "original_width" ? has_width : has_height) = true;
        } else if (field == "image") {
          auto b64 = json_fields::text(v, name, limits::max_request_body_bytes);
          if (!b64) return b64.error();
          upload.image_base64 = std::move(*b64);
        } else if (field == "tags") {
          auto tags = json_fields::text_list(v, name, max_tags, max_tag_bytes);
          if (!tags) return tags.error();
          upload.tags = std::move(*tags);
        } else if (field == "title" || field == "caption" || field == "source" || field == "licence" ||
                   field == "credit") {
          auto t = json_fields::text(v, name, max_metadata_bytes, true);
          if (!t) return t.error();
          std::string& target = field == "title"     ? upload.title
                                : field == "caption" ? upload.caption
                                : field == "source"  ? upload.source
                                : field == "licence" ? upload.licence
                                                     : upload.credit;
          target = std::move(*t);
        } else {
          return json_fields::unknown_field(field, where,
                                            "image, title, caption, tags, source, licence, credit, id, file, "
                                            "original_width, original_height");
        }
      }
      if (upload.image_base64.empty()) return bad_field("'" + where + ".image' is missing");
      if (has_width != has_height)
        return bad_field("'" + where + (has_width ? ".original_height" : ".original_width") +
                         "' is missing: give original_width and original_height together");
      if (static_cast<long long>(upload.original_width) * upload.original_height > limits::max_image_pixels)
        return bad_field("'" + where + ".original_width' x 'original_height' is " +
                         std::to_string(static_cast<long long>(upload.original_width) * upload.original_height) +
                         " pixels, over the " + std::to_string(limits::max_image_pixels) +
                         " an image may have");
      images.push_back(std::move(upload));
    }
    has_images = true;
  }
  if (!has_images) return bad_field("'images' is missing");
  return images;
}

std::string images_request_to_json(const std::vector<image_upload>& images) {
  json items = json::array();
  for (const image_upload& u : images) {
    json item = {{"image", u.image_base64}};
    auto put = [&item](const char* key, const std::string& value) {
      if (!value.empty()) item[key] = value;
    };
    put("id", u.id);
    put("file", u.file);
    put("title", u.title);
    put("caption", u.caption);
    put("source", u.source);
    put("licence", u.licence);
    put("credit", u.credit);
    if (!u.tags.empty()) item["tags"] = u.tags;
    if (u.original_width > 0 && u.original_height > 0) {
      item["original_width"] = u.original_width;
      item["original_height"] = u.original_height;
    }
    items.push_back(std::move(item));
  }
  return dump(json{{"images", std::move(items)}});
}

const char* image_item_status_name(image_item_status status) {
  switch (status) {
    case image_item_status::created: return "created";
    case image_item_status::exists: return "exists";
    case image_item_status::failed: break;
  }
  return "failed";
}

std::string images_response_to_json(const images_response& response) {
  json items = json::array();
  for (const image_item_outcome& o : response.items) {
    json item = {{"index", o.index}};
    if (!o.id.empty()) item["id"] = o.id;
    item["status"] = image_item_status_name(o.status);
    if (o.status == image_item_status::failed)
      item["error"] = {{"type", o.error_type}, {"message", o.error_message}};
    items.push_back(std::move(item));
  }
  return dump(json{{"items", std::move(items)}, {"usage", {{"tokens", response.tokens}}}});
}

result<images_response> images_response_parse(std::string_view body) {
  auto parsed = json_fields::object_body(body);
  if (!parsed) return parsed.error();
  try {
    const json& j = *parsed;
    images_response response;
    for (const json& item : j.at("items")) {
      image_item_outcome o;
      o.index = item.at("index").get<std::size_t>();
      const std::string status = item.at("status").get<std::string>();
      if (status == "created") o.status = image_item_status::created;
      else if (status == "exists") o.status = image_item_status::exists;
      else if (status == "failed") o.status = image_item_status::failed;
      else throw std::runtime_error("unknown item status '" + status + "'");
      o.id = item.value("id", "");
      if (item.contains("error")) {
        o.error_type = item.at("error").value("type", "");
        o.error_message = item.at("error").value("message", "");
      }
      response.items.push_back(std::move(o));
    }
    response.tokens = j.value("usage", json::object()).value("tokens", 0);
    return response;
  } catch (const std::exception& e) {
    return api_error{error_type::invalid_json, std::string("unexpected images response: ") + e.what()};
  }
}

std::string search_request_to_json(const search_request& request) {
  json body = json::object();
  // An empty text is still sent as text, so the proxy's answer names the real problem.
  if (!request.image_base64.empty()) body["image"] = request.image_base64;
  else if (!request.id.empty()) body["id"] = request.id;
  else body["text"] = request.text;
  if (request.num_candidates > 0) body["num_candidates"] = request.num_candidates;
  if (!request.tags.empty()) body["tags"] = request.tags;
  if (request.k > 0) body["k"] = request.k;
  if (request.dims > 0) body["dims"] = request.dims;
  if (request.return_vectors) body["return_vectors"] = true;
  if (request.return_query_vector) body["return_query_vector"] = true;
  return dump(body);
}

std::string knn_request_to_json(const knn_request& request) {
  json body = {{"vector", float_vector_json(request.vector)}};
  if (request.num_candidates > 0) body["num_candidates"] = request.num_candidates;
  if (!request.tags.empty()) body["tags"] = request.tags;
  if (request.k > 0) body["k"] = request.k;
  if (request.dims > 0) body["dims"] = request.dims;
  if (request.return_vectors) body["return_vectors"] = true;
  return dump(body);
}

std::string search_response_to_json(const search_response& response) {
  json hits = json::array();
  for (const auto& hit : response.hits) {
    json h = {{"id", hit.id}, {"score", hit.score}, {"strong", hit.strong}, {"title", hit.title}, {"tags", hit.tags}};
    if (!hit.credit.empty()) h["credit"] = hit.credit;
    if (!hit.caption.empty()) h["caption"] = hit.caption;
    if (hit.width > 0 && hit.height > 0) {
      h["width"] = hit.width;
      h["height"] = hit.height;
    }
    if (!hit.vector.empty()) h["vector"] = float_vector_json(hit.vector);
    hits.push_back(std::move(h));
  }
  json body = {
      {"hits", std::move(hits)},
      {"took_ms",
       {{"embed", response.took_ms.embed_ms}, {"knn", response.took_ms.knn_ms}, {"total", response.took_ms.total_ms}}},
      {"embedder", embedder_to_json(response.embedder)},
      {"dims", response.dims},
      {"usage", {{"tokens", response.tokens}}},
      {"cached", response.cached},
      {"modality", query_modality_name(response.modality)},
      // Rounded to 6 places: the float 0.374f is 0.37400001287... as a double, which says nothing more.
      {"threshold", response.threshold ? json(std::round(double(*response.threshold) * 1e6) / 1e6) : json(nullptr)},
      {"threshold_source", response.threshold_source},
  };
  if (!response.query_vector.empty()) body["query_vector"] = float_vector_json(response.query_vector);
  return dump(body);
}

result<search_response> search_response_parse(std::string_view body) {
  auto parsed = json_fields::object_body(body);
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
      hit.caption = h.value("caption", "");
      hit.width = h.value("width", 0);
      hit.height = h.value("height", 0);
      hit.strong = h.value("strong", true);
      if (h.contains("vector")) hit.vector = h.at("vector").get<std::vector<float>>();
      response.hits.push_back(std::move(hit));
    }
    const json& took = j.at("took_ms");
    response.took_ms = {took.value("embed", 0.0), took.value("knn", 0.0), took.value("total", 0.0)};
    response.embedder = embedder_from_json(j.value("embedder", json::object()));
    response.dims = j.value("dims", 0);
    response.tokens = j.value("usage", json::object()).value("tokens", 0);
    response.cached = j.value("cached", false);
    const std::string modality = j.value("modality", "text");
    response.modality = modality == "image" ? query_modality::image
                        : modality == "vector" ? query_modality::vector
                                               : query_modality::text;
    if (j.contains("threshold") && j.at("threshold").is_number()) response.threshold = j.at("threshold").get<float>();
    response.threshold_source = j.value("threshold_source", "");
    if (j.contains("query_vector")) response.query_vector = j.at("query_vector").get<std::vector<float>>();
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
      {"max_batch_size", r.max_batch_size},
  };
  return dump(body);
}

result<health_report> health_report_parse(std::string_view body) {
  auto parsed = json_fields::object_body(body);
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
    r.max_batch_size = j.value("max_batch_size", 0);
    return r;
  } catch (const json::exception& e) {
    return api_error{error_type::invalid_json, std::string("unexpected health report: ") + e.what()};
  }
}

}  // namespace polylens
