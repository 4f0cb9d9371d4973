#include "elasticsearch_backend.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "base64.h"
#include "log.h"
#include "retry_policy.h"

namespace polylens {

using nlohmann::json;

namespace {

std::map<std::string, std::string> auth_headers(const config& c) {
  std::map<std::string, std::string> h;
  if (!c.es_api_key.empty()) h["Authorization"] = "ApiKey " + c.es_api_key;
  else if (!c.es_username.empty()) h["Authorization"] = "Basic " + base64_encode(c.es_username + ":" + c.es_password);
  return h;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// The innermost reason of an Elasticsearch error body: the most specific thing it said.
std::string es_reason(const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("error")) return body.substr(0, 200);
  const json* e = &j["error"];
  if (e->is_string()) return e->get<std::string>();
  std::string reason;
  while (e && e->is_object()) {
    if (e->contains("reason") && (*e)["reason"].is_string()) reason = (*e)["type"].get<std::string>() + ": " + (*e)["reason"].get<std::string>();
    if (e->contains("caused_by")) e = &(*e)["caused_by"];
    else if (e->contains("root_cause") && (*e)["root_cause"].is_array() && !(*e)["root_cause"].empty())
      e = &(*e)["root_cause"][0];
    else break;
  }
  return reason.empty() ? body.substr(0, 200) : reason;
}

json mapping_for(const std::vector<vector_field>& fields) {
  json properties = {
      {"file", {{"type", "keyword"}}},
      {"title", {{"type", "text"}}},
      {"caption", {{"type", "text"}}},
      {"tags", {{"type", "keyword"}, {"fields", {{"text", {{"type", "text"}}}}}}},
      {"licence", {{"type", "keyword"}}},
      {"credit", {{"type", "keyword"}, {"index", false}}},
      {"source_url", {{"type", "keyword"}, {"index", false}}},
      {"width", {{"type", "integer"}}},
      {"height", {{"type", "integer"}}},
      {"content_hash", {{"type", "keyword"}}},
      {"ingested_at", {{"type", "date"}}},
      {"thumbnail", {{"type", "binary"}}},
  };
  for (const auto& f : fields)
    properties[f.name()] = {{"type", "dense_vector"},
                            {"dims", f.dims},
                            {"element_type", "float"},
                            {"index", true},
                            {"similarity", "cosine"},
                            {"index_options", {{"type", f.index_type}}}};
  return {{"settings", {{"number_of_shards", 1}, {"number_of_replicas", 0}}},
          {"mappings", {{"dynamic", "strict"}, {"properties", std::move(properties)}}}};
}

std::string now_iso8601() {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

elasticsearch_backend::elasticsearch_backend(const config& settings)
    : index_(settings.index_name), fields_(settings.fields), max_retries_(settings.es_max_retries),
      upstream_(settings.es_url, settings.es_connect_timeout_ms, settings.es_timeout_ms, auth_headers(settings)) {}

api_error elasticsearch_backend::failure(const upstream_response& r, const std::string& doing) const {
  const std::string where = "Elasticsearch at " + upstream_.target().origin;
  if (r.failure == transport_failure::timeout)
    return {error_type::backend_unavailable, where + " did not answer in time while " + doing};
  if (r.failure != transport_failure::none)
    return {error_type::backend_unavailable,
            where + " is unreachable (" + r.failure_text + ") while " + doing + ": is it running? (ES_URL)"};
  if (r.status == 401 || r.status == 403)
    return {error_type::backend_error,
            where + " refused our credentials (HTTP " + std::to_string(r.status) + "); check ES_API_KEY or ES_USERNAME/ES_PASSWORD"};
  std::string reason = es_reason(r.body);
  if (r.status == 404 && reason.find("index_not_found") != std::string::npos)
    return {error_type::backend_unavailable,
            "the index '" + index_ + "' does not exist in " + where + ": index some images first (polylens index <folder>)"};
  return {error_type::backend_error,
          where + " failed while " + doing + " (HTTP " + std::to_string(r.status) + " " + redact(reason) + ")"};
}

// Elasticsearch answers 429 when its queues are full and 502-504 through a load balancer that lost a
// node; both pass. Every request here is safe to repeat: reads, and writes keyed by content hash.
upstream_response elasticsearch_backend::send(const std::string& method, const std::string& path,
                                              const std::string& body, const std::string& content_type) {
  constexpr auto max_wait = std::chrono::milliseconds(5000);
  for (int attempt = 0;; ++attempt) {
    upstream_response r = upstream_.send(method, path, body, content_type);
    if (attempt >= max_retries_ || !retry_is_worth_it(r, false)) return r;
    auto wait = std::min(retry_after(r).value_or(retry_backoff(attempt, 100, 2000)), max_wait);
    log_warn("retrying Elasticsearch", {{"attempt", attempt + 1}, {"status", r.status},
                                        {"failure", r.failure_text}, {"wait_ms", wait.count()}});
    std::this_thread::sleep_for(wait);
  }
}

result<std::string> elasticsearch_backend::version() {
  auto r = send("GET", "/_nodes/_local?filter_path=nodes.*.version");
  if (r.status != 200) return failure(r, "asking its version");
  auto j = json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("nodes") && j["nodes"].is_object())
    for (const auto& [id, node] : j["nodes"].items())
      if (node.contains("version") && node["version"].is_string()) return node["version"].get<std::string>();
  return std::string("unknown");
}

result<bool> elasticsearch_backend::ensure_index() {
  auto head = send("HEAD", "/" + index_);
  if (head.status == 200) {
    auto r = send("GET", "/" + index_ + "/_mapping");
    if (r.status != 200) return failure(r, "reading the mapping of '" + index_ + "'");
    auto j = json::parse(r.body, nullptr, false);
    json properties = j.is_object() && j.contains(index_) ? j[index_]["mappings"].value("properties", json::object())
                                                          : json::object();
    for (const auto& f : fields_) {
      if (!properties.contains(f.name()))
        return api_error{error_type::backend_error,
                         "the index '" + index_ + "' has no field " + f.name() + " (configured with --fields); " +
                             "delete the index or choose another with --index, then index again"};
      int dims = properties[f.name()].value("dims", 0);
      if (dims != f.dims)
        return api_error{error_type::backend_error, "the field " + f.name() + " of index '" + index_ + "' has " +
                                                        std::to_string(dims) + " dims"};
      // Searches and /stats would otherwise report the configured type while ES uses another.
      std::string type = properties[f.name()].value("index_options", json::object()).value("type", "");
      if (!type.empty() && type != f.index_type)
        return api_error{error_type::backend_error,
                         "the field " + f.name() + " of index '" + index_ + "' is " + type + ", but --fields asks for " +
                             f.index_type + "; delete the index or choose another with --index, then index again"};
    }
    return false;
  }
  if (head.status != 404) return failure(head, "checking whether the index '" + index_ + "' exists");
  auto r = send("PUT", "/" + index_, dump(mapping_for(fields_)));
  if (r.status == 400 && r.body.find("resource_already_exists_exception") != std::string::npos) return false;
  if (r.status != 200) return failure(r, "creating the index '" + index_ + "'");
  json vector_fields = json::array();
  for (const auto& f : fields_) vector_fields.push_back(f.name() + ":" + f.index_type);
  log_info("created the index", {{"index", index_}, {"vector_fields", vector_fields}});
  return true;
}

result<long long> elasticsearch_backend::count() {
  auto r = send("GET", "/" + index_ + "/_count");
  if (r.status != 200) return failure(r, "counting documents");
  auto j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("count")) return api_error{error_type::backend_error, "Elasticsearch sent a _count without count"};
  return j["count"].get<long long>();
}

result<std::set<std::string>> elasticsearch_backend::existing_ids(const std::vector<std::string>& ids) {
  std::set<std::string> found;
  if (ids.empty()) return found;
  json body = {{"ids", ids}};
  auto r = send("POST", "/" + index_ + "/_mget?_source=false", dump(body));
  if (r.status != 200) return failure(r, "looking up existing documents");
  auto j = json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("docs"))
    for (const auto& d : j["docs"])
      if (d.value("found", false)) found.insert(d.value("_id", ""));
  return found;
}

result<std::vector<bulk_item_outcome>> elasticsearch_backend::bulk_index(const std::vector<image_document>& docs,
                                                                         bool wait) {
  const std::string ingested_at = now_iso8601();
  std::vector<bulk_item_outcome> out(docs.size());
  std::vector<std::size_t> pending(docs.size());  // indices into docs still to send
  for (std::size_t i = 0; i < docs.size(); ++i) pending[i] = i;
  // A bulk call can succeed as a whole while single items are refused; 429 (a full write queue) is
  // the one item failure worth repeating, and only those items are sent again.
  for (int attempt = 0;; ++attempt) {
    std::string ndjson;
    for (std::size_t i : pending) {
      const image_document& d = docs[i];
      ndjson += dump({{"index", {{"_id", d.id}}}}) + "\n";
      json source = {{"file", d.file},         {"title", d.title},     {"caption", d.caption},
                     {"tags", d.tags},         {"licence", d.licence}, {"credit", d.credit},
                     {"source_url", d.source_url}, {"width", d.width}, {"height", d.height},
                     {"content_hash", d.id},   {"ingested_at", ingested_at},
                     {"thumbnail", base64_encode(d.thumbnail_jpeg)}};
      for (const auto& [dims, vec] : d.vectors) source["vec_" + std::to_string(dims)] = vec;
      ndjson += dump(source) + "\n";
    }
    auto r = send("POST", "/" + index_ + "/_bulk" + (wait ? "?refresh=wait_for" : ""), ndjson,
                  "application/x-ndjson");
    if (r.status != 200) return failure(r, "bulk indexing " + std::to_string(pending.size()) + " documents");
    auto j = json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("items") || j["items"].size() != pending.size())
      return api_error{error_type::backend_error, "Elasticsearch sent a _bulk reply without one item per document"};
    std::vector<std::size_t> refused;
    for (std::size_t n = 0; n < pending.size(); ++n) {
      const json& op = j["items"][n].begin().value();
      bulk_item_outcome& o = out[pending[n]];
      o = {op.value("_id", ""), op.value("status", 0), ""};
      if (op.contains("error")) o.error = es_reason(dump({{"error", op["error"]}}));
      if (o.status == 429) refused.push_back(pending[n]);
    }
    if (refused.empty() || attempt >= max_retries_) return out;
    auto pause = retry_backoff(attempt, 100, 2000);
    log_warn("Elasticsearch refused some documents (429); sending them again",
             {{"documents", refused.size()}, {"attempt", attempt + 1}, {"wait_ms", pause.count()}});
    std::this_thread::sleep_for(pause);
    pending = std::move(refused);
  }
}

result<bool> elasticsearch_backend::refresh() {
  auto r = send("POST", "/" + index_ + "/_refresh");
  if (r.status != 200) return failure(r, "refreshing the index");
  return true;
}

result<std::vector<search_hit>> elasticsearch_backend::knn(const vector_field& field, const knn_query& query) {
  json knn = {{"field", field.name()},
              {"query_vector", query.vector},
              {"k", query.k},
              {"num_candidates", query.num_candidates ? query.num_candidates : default_num_candidates(query.k)}};
  // Filters go inside the knn section: Elasticsearch applies them during the graph search, so k
  // matching images are still found (a post-filter could leave fewer).
  json filters = json::array();
  if (!query.tags.empty()) filters.push_back({{"terms", {{"tags", query.tags}}}});
  if (!query.exclude_id.empty())
    filters.push_back({{"bool", {{"must_not", {{"ids", {{"values", {query.exclude_id}}}}}}}}});
  if (!filters.empty()) knn["filter"] = filters;
  json body = {{"knn", std::move(knn)}, {"_source", {"title", "tags", "credit", "caption", "width", "height"}}, {"size", query.k}};
  auto r = send("POST", "/" + index_ + "/_search", dump(body));
  if (r.status != 200) return failure(r, "searching " + field.name());
  auto j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("hits")) return api_error{error_type::backend_error, "Elasticsearch sent a search reply without hits"};
  std::vector<search_hit> hits;
  for (const auto& h : j["hits"]["hits"]) {
    const json& src = h.value("_source", json::object());
    search_hit hit;
    hit.id = h.value("_id", "");
    hit.score = 2.0f * h.value("_score", 0.0f) - 1.0f;  // cosine _score is (1 + cos) / 2
    hit.title = src.value("title", "");
    hit.tags = src.value("tags", std::vector<std::string>{});
    hit.credit = src.value("credit", "");
    hit.caption = src.value("caption", "");
    if (src.contains("width") && src["width"].is_number_integer()) hit.width = src["width"].get<int>();
    if (src.contains("height") && src["height"].is_number_integer()) hit.height = src["height"].get<int>();
    hits.push_back(std::move(hit));
  }
  return hits;
}

result<std::vector<float>> elasticsearch_backend::vector_of(const std::string& id, const vector_field& field) {
  // From 9.2 vectors are left out of _source unless asked for.
  json body = {{"query", {{"ids", {{"values", {id}}}}}},
               {"_source", {{"includes", {field.name()}}, {"exclude_vectors", false}}},
               {"size", 1}};
  auto r = send("POST", "/" + index_ + "/_search", dump(body));
  if (r.status != 200) return failure(r, "reading the vector of an image");
  auto j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("hits") || j["hits"]["hits"].empty())
    return api_error{error_type::not_found, "no image with id '" + id + "'"};
  const json& src = j["hits"]["hits"][0].value("_source", json::object());
  if (!src.contains(field.name()) || !src[field.name()].is_array())
    return api_error{error_type::backend_error, "the image '" + id + "' has no " + field.name() + " vector"};
  return src[field.name()].get<std::vector<float>>();
}

result<std::vector<std::vector<float>>> elasticsearch_backend::vectors_of(const std::vector<std::string>& ids,
                                                                         const vector_field& field) {
  if (ids.empty()) return std::vector<std::vector<float>>{};
  json body = {{"query", {{"ids", {{"values", ids}}}}},
               {"_source", {{"includes", {field.name()}}, {"exclude_vectors", false}}},
               {"size", ids.size()}};
  auto r = send("POST", "/" + index_ + "/_search", dump(body));
  if (r.status != 200) return failure(r, "reading the vectors of images");
  auto j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("hits")) return api_error{error_type::backend_error, "unexpected answer reading vectors"};
  std::map<std::string, std::vector<float>> by_id;
  for (const json& hit : j["hits"].value("hits", json::array())) {
    const json& src = hit.value("_source", json::object());
    if (src.contains(field.name()) && src[field.name()].is_array())
      by_id[hit.value("_id", "")] = src[field.name()].get<std::vector<float>>();
  }
  std::vector<std::vector<float>> out;
  for (const std::string& id : ids) {
    auto found = by_id.find(id);
    if (found == by_id.end()) return api_error{error_type::not_found, "no " + field.name() + " vector for image '" + id + "'"};
    out.push_back(std::move(found->second));
  }
  return out;
}

result<bool> elasticsearch_backend::remove(const std::string& id) {
  auto r = send("DELETE", "/" + index_ + "/_doc/" + id + "?refresh=wait_for");
  if (r.status == 404 && r.body.find("index_not_found") == std::string::npos) return false;
  if (r.status != 200) return failure(r, "deleting an image");
  return true;
}

result<std::map<std::string, vector_field_storage>> elasticsearch_backend::vector_field_storage_by_name() {
  auto r = send("POST", "/" + index_ + "/_disk_usage?run_expensive_tasks=true");
  if (r.status != 200) return failure(r, "measuring disk usage");
  auto j = json::parse(r.body, nullptr, false);
  std::map<std::string, vector_field_storage> out;
  if (!j.is_object() || !j.contains(index_)) return out;
  const json& fields = j[index_].value("fields", json::object());
  for (const auto& f : fields_) {
    vector_field_storage& s = out[f.name()];
    if (!fields.contains(f.name())) continue;
    // total_in_bytes sums every part of the field (knn_vectors, and doc values or stored fields if a
    // vector ever lands there); for an indexed dense_vector it equals knn_vectors_in_bytes.
    s.bytes = fields[f.name()].value("total_in_bytes", fields[f.name()].value("knn_vectors_in_bytes", 0LL));
  }
  // The split by file type. Older versions have no per-field off_heap section: the split stays 0.
  auto stats = send("GET", "/" + index_ + "/_stats/dense_vector");
  if (stats.status != 200) return out;
  auto sj = json::parse(stats.body, nullptr, false);
  json per_field = json::object();
  if (sj.is_object() && sj.contains("indices") && sj["indices"].contains(index_)) {
    json dv = sj["indices"][index_].value("primaries", json::object()).value("dense_vector", json::object());
    if (dv.contains("off_heap") && dv["off_heap"].contains("fielddata")) per_field = dv["off_heap"]["fielddata"];
  }
  for (auto& [name, s] : out) {
    if (!per_field.contains(name)) continue;
    const json& f = per_field[name];
    s.raw_bytes = f.value("vec_size_bytes", 0LL);
    s.quantised_bytes = f.value("veq_size_bytes", 0LL) + f.value("veb_size_bytes", 0LL);
    s.graph_bytes = f.value("vex_size_bytes", 0LL);
  }
  return out;
}

result<std::vector<stored_vector>> elasticsearch_backend::stored_vectors(const vector_field& field) {
  // A point in time keeps the pages consistent; _shard_doc is the cheapest order to page through.
  auto opened = send("POST", "/" + index_ + "/_pit?keep_alive=2m");
  if (opened.status != 200) return failure(opened, "opening a point in time on '" + index_ + "'");
  auto pit = json::parse(opened.body, nullptr, false);
  if (!pit.is_object() || !pit.contains("id")) return api_error{error_type::backend_error, "Elasticsearch sent a _pit reply without id"};
  std::string pit_id = pit["id"].get<std::string>();
  std::vector<stored_vector> out;
  json search_after;
  std::optional<api_error> problem;
  for (;;) {
    json body = {{"size", 200},
                 {"pit", {{"id", pit_id}, {"keep_alive", "2m"}}},
                 {"sort", json::array({"_shard_doc"})},
                 {"_source", {{"includes", {field.name(), "width", "height"}}, {"exclude_vectors", false}}},
                 {"track_total_hits", false}};
    if (!search_after.is_null()) body["search_after"] = search_after;
    auto r = send("POST", "/_search", dump(body));
    if (r.status != 200) {
      problem = failure(r, "reading the stored vectors of '" + index_ + "'");
      break;
    }
    auto j = json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("hits")) {
      problem = api_error{error_type::backend_error, "Elasticsearch sent a search reply without hits"};
      break;
    }
    if (j.contains("pit_id") && j["pit_id"].is_string()) pit_id = j["pit_id"].get<std::string>();
    const json& hits = j["hits"]["hits"];
    if (hits.empty()) break;
    for (const auto& h : hits) {
      const json& src = h.value("_source", json::object());
      if (!src.contains(field.name()) || !src[field.name()].is_array()) continue;  // a document without this field
      stored_vector v;
      v.id = h.value("_id", "");
      v.vector = src[field.name()].get<std::vector<float>>();
      v.width = src.value("width", 0);
      v.height = src.value("height", 0);
      out.push_back(std::move(v));
    }
    search_after = hits.back()["sort"];
  }
  send("DELETE", "/_pit", dump({{"id", pit_id}}));
  if (problem) return *problem;
  return out;
}

result<knn_ids_answer> elasticsearch_backend::knn_ids(const vector_field& field, const std::vector<float>& vector,
                                                      int k, int num_candidates, double oversample) {
  json knn = {{"field", field.name()}, {"query_vector", vector}, {"k", k}, {"num_candidates", num_candidates}};
  if (oversample > 0) knn["rescore_vector"] = {{"oversample", oversample}};
  json body = {{"knn", std::move(knn)}, {"_source", false}, {"size", k}};
  std::string text = dump(body);
  auto started = std::chrono::steady_clock::now();
  auto r = send("POST", "/" + index_ + "/_search", text);
  double wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (r.status != 200) return failure(r, "searching " + field.name() + " of '" + index_ + "'");
  auto j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("hits")) return api_error{error_type::backend_error, "Elasticsearch sent a search reply without hits"};
  knn_ids_answer out;
  out.took_ms = j.value("took", 0);
  out.wall_ms = wall_ms;
  for (const auto& h : j["hits"]["hits"]) out.ids.push_back(h.value("_id", ""));
  return out;
}

result<std::map<std::string, json>> elasticsearch_backend::vector_index_options() {
  auto r = send("GET", "/" + index_ + "/_mapping");
  if (r.status != 200) return failure(r, "reading the mapping of '" + index_ + "'");
  auto j = json::parse(r.body, nullptr, false);
  std::map<std::string, json> out;
  if (!j.is_object() || !j.contains(index_)) return out;
  const json properties = j[index_]["mappings"].value("properties", json::object());
  for (const auto& [name, field] : properties.items())
    if (field.value("type", "") == "dense_vector") out[name] = field.value("index_options", json::object());
  return out;
}

result<bool> elasticsearch_backend::force_merge(int max_segments) {
  auto r = send("POST", "/" + index_ + "/_forcemerge?max_num_segments=" + std::to_string(max_segments) +
                            "&wait_for_completion=false");
  if (r.status != 200) return failure(r, "force-merging '" + index_ + "'");
  auto j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("task")) return api_error{error_type::backend_error, "Elasticsearch sent a _forcemerge reply without task"};
  const std::string task = j["task"].get<std::string>();
  for (;;) {
    // Straight to the upstream, not send(): "still running" is an answer here, not a failure to retry.
    auto t = upstream_.send("GET", "/_tasks/" + task + "?wait_for_completion=true&timeout=5s");
    if (t.status == 200) {
      auto tj = json::parse(t.body, nullptr, false);
      if (tj.is_object() && tj.value("completed", false)) {
        if (tj.contains("error")) return api_error{error_type::backend_error, "force-merging '" + index_ + "' failed: " +
                                                                                  es_reason(dump({{"error", tj["error"]}}))};
        return true;
      }
      continue;
    }
    // Still running when the wait ran out: 9.2 answers 429 timeout_exception ("timed out after
    // [5s]"), older versions 408 or 500. Ask again.
    if (t.status == 408 || ((t.status == 429 || t.status >= 500) && t.body.find("timed out") != std::string::npos)) continue;
    return failure(t, "waiting for the force merge of '" + index_ + "'");
  }
}

result<int> elasticsearch_backend::search_segments() {
  auto r = send("GET", "/_cat/segments/" + index_ + "?format=json&h=segment,searchable");
  if (r.status != 200) return failure(r, "listing the segments of '" + index_ + "'");
  auto j = json::parse(r.body, nullptr, false);
  int n = 0;
  if (j.is_array())
    for (const auto& s : j)
      if (s.value("searchable", "") == "true") ++n;
  return n;
}

result<bool> elasticsearch_backend::delete_index() {
  auto r = send("DELETE", "/" + index_);
  if (r.status == 404) return false;
  if (r.status != 200) return failure(r, "deleting the index '" + index_ + "'");
  return true;
}

result<std::string> elasticsearch_backend::thumbnail(const std::string& id) {
  auto r = send("GET", "/" + index_ + "/_doc/" + id + "?_source_includes=thumbnail");
  if (r.status == 404 && r.body.find("index_not_found") == std::string::npos)
    return api_error{error_type::not_found, "no image with id '" + id + "'"};
  if (r.status != 200) return failure(r, "reading a thumbnail");
  auto j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.value("found", false)) return api_error{error_type::not_found, "no image with id '" + id + "'"};
  auto bytes = base64_decode(j["_source"].value("thumbnail", ""));
  if (!bytes || bytes->empty()) return api_error{error_type::not_found, "the image '" + id + "' has no thumbnail"};
  return *bytes;
}

// Sorted on content_hash, which equals _id: sorting on _id itself needs fielddata, off by default.
result<std::vector<image_document>> elasticsearch_backend::documents_after(const std::string& after_id,
                                                                          std::size_t limit) {
  json body = {{"query", {{"match_all", json::object()}}},
               {"sort", {{{"content_hash", "asc"}}}},
               {"size", limit},
               {"_source", {{"exclude_vectors", false}}}};
  if (!after_id.empty()) body["search_after"] = {after_id};
  auto r = send("POST", "/" + index_ + "/_search", dump(body));
  if (r.status != 200) return failure(r, "reading documents after '" + after_id + "'");
  auto j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("hits")) return api_error{error_type::backend_error, "Elasticsearch sent a search reply without hits"};
  std::vector<image_document> out;
  for (const auto& h : j["hits"]["hits"]) {
    const json& src = h.value("_source", json::object());
    image_document d;
    d.id = h.value("_id", "");
    d.file = src.value("file", "");
    d.title = src.value("title", "");
    d.caption = src.value("caption", "");
    d.tags = src.value("tags", std::vector<std::string>{});
    d.licence = src.value("licence", "");
    d.credit = src.value("credit", "");
    d.source_url = src.value("source_url", "");
    d.width = src.value("width", 0);
    d.height = src.value("height", 0);
    auto thumbnail = base64_decode(src.value("thumbnail", ""));
    if (!thumbnail) return api_error{error_type::backend_error, "the thumbnail of '" + d.id + "' is not valid base64"};
    d.thumbnail_jpeg = std::move(*thumbnail);
    for (const auto& f : fields_)
      if (src.contains(f.name()) && src[f.name()].is_array()) d.vectors[f.dims] = src[f.name()].get<std::vector<float>>();
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace polylens
