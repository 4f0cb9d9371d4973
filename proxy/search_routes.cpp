// The read routes that spend work: POST /api/v1/search (embed + kNN in one round trip),
// POST /api/v1/embed (vectors only) and POST /api/v1/knn (a vector the caller already has).
#include <chrono>
#include <nlohmann/json.hpp>

#include "api_limits.h"
#include "api_messages.h"
#include "base64.h"
#include "content_hash.h"
#include "image_preprocess.h"
#include "matryoshka.h"
#include "services.h"

namespace polylens {

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t).count();
}

std::string dims_offered(const config& c) {
  std::string out;
  for (const auto& f : c.fields) out += (out.empty() ? "" : ", ") + std::to_string(f.dims);
  return out;
}

result<const vector_field*> field_for(const config& c, int dims) {
  const vector_field* field = c.field_for_dims(dims);
  if (!field)
    return api_error{error_type::invalid_request, "'dims' " + std::to_string(dims) +
                                                      " is not offered by this index; choose one of " + dims_offered(c)};
  return field;
}

// Base64 to the JPEG the embedder sees: validated, decoded and shrunk to 512 px. The browser
// resizes before uploading; this also covers every other client.
result<std::string> image_for_embedder(const std::string& base64, const std::string& field_name) {
  auto bytes = base64_decode(base64);
  if (!bytes) return api_error{error_type::invalid_request, "'" + field_name + "' is not valid base64 (RFC 4648, no data: prefix)"};
  auto prepared = image_prepare(*bytes, limits::upload_long_side, limits::upload_jpeg_quality);
  if (!prepared) return api_error{prepared.error().type, "'" + field_name + "': " + prepared.error().message};
  return std::move(prepared->jpeg);
}

// Marks each hit strong or weak against the threshold for this modality, embedder and size, and says
// in the response which threshold that was (shared/match_thresholds.h).
void mark_matches(search_response& response, const services& s, query_modality modality) {
  const config& c = s.settings;
  const match_threshold threshold = match_threshold_for(modality, response.embedder.stand_in, response.dims,
                                                        {c.match_threshold_text, c.match_threshold_image});
  response.modality = modality;
  response.threshold = threshold.value;
  response.threshold_source = threshold.source;
  for (search_hit& hit : response.hits) hit.strong = match_is_strong(hit.score, threshold);
}

// return_vectors: each hit's stored vector in the searched field, read after the kNN search in one request
// (vector_store::vectors_of), so that took_ms.knn stays the search's own time.
result<bool> attach_hit_vectors(services& s, const vector_field& field, std::vector<search_hit>& hits) {
  std::vector<std::string> ids;
  for (const search_hit& hit : hits) ids.push_back(hit.id);
  auto stored = s.backend.vectors_of(ids, field);
  if (!stored) return stored.error();
  for (std::size_t i = 0; i < hits.size(); ++i) hits[i].vector = std::move((*stored)[i]);
  return true;
}

std::string server_timing(double embed_ms, double knn_ms, double total_ms) {
  return "embed;dur=" + std::to_string(embed_ms) + ", knn;dur=" + std::to_string(knn_ms) +
         ", total;dur=" + std::to_string(total_ms);
}

}  // namespace

http_response handle_search(services& s, const http_request& req) {
  auto started = clock_type::now();
  auto parsed = search_request_parse(req.body);
  if (!parsed) return http_response::error(parsed.error());
  const search_request& request = *parsed;
  auto field = field_for(s.settings, request.dims ? request.dims : s.settings.largest_dims());
  if (!field) return http_response::error(field.error());

  knn_query query;
  query.k = request.k ? request.k : limits::default_k;
  query.num_candidates = request.num_candidates;
  query.tags = request.tags;
  double embed_ms = 0, lookup_ms = 0;  // lookup: reading a stored vector from Elasticsearch (by id)
  int tokens = 0;
  bool cached = false;
  auto query_vector_started = clock_type::now();
  if (!request.id.empty()) {
    // More like this: the stored vector is the query; no embed call.
    if (!is_content_hash(request.id))
      return http_response::error({error_type::invalid_request, "'id' is not an image id (32 hex digits)"});
    auto stored = s.backend.vector_of(request.id, **field);
    if (!stored) return http_response::error(stored.error());
    query.vector = std::move(*stored);
    query.exclude_id = request.id;
  } else {
    embed_input input{embed_input::kind::text, request.text};
    if (request.text.empty()) {
      auto jpeg = image_for_embedder(request.image_base64, "image");
      if (!jpeg) return http_response::error(jpeg.error());
      input = {embed_input::kind::image, std::move(*jpeg)};
    }
    auto embedded = s.embedder.embed({input}, true);
    if (!embedded) return http_response::error(embedded.error());
    tokens = embedded->tokens;
    cached = embedded->items.front().cached;
    query.vector = matryoshka_truncate(embedded->items.front().vector, (*field)->dims);
  }
  (request.id.empty() ? embed_ms : lookup_ms) = ms_since(query_vector_started);

  auto knn_started = clock_type::now();
  auto hits = s.backend.knn(**field, query);
  double knn_ms = lookup_ms + ms_since(knn_started);
  if (!hits) return http_response::error(hits.error());
  if (request.return_vectors) {
    if (auto attached = attach_hit_vectors(s, **field, *hits); !attached) return http_response::error(attached.error());
  }

  search_response response;
  // return_query_vector: the vector alone, already at hand (no store request).
  if (request.return_vectors || request.return_query_vector) response.query_vector = query.vector;
  response.hits = std::move(*hits);
  response.took_ms = {embed_ms, knn_ms, ms_since(started)};
  response.embedder = s.embedder.info();
  response.dims = (*field)->dims;
  response.tokens = tokens;
  response.cached = cached;
  // "More like this" searches with an image's stored vector: an image query like any other.
  mark_matches(response, s, request.text.empty() ? query_modality::image : query_modality::text);
  http_response out = http_response::json(search_response_to_json(response));
  out.headers["Server-Timing"] = server_timing(embed_ms, knn_ms, response.took_ms.total_ms);
  // Which upstreams answered: the embedder (or the cache, or nobody for "more like this") and Elasticsearch.
  out.log = {{"cache", request.id.empty() ? (cached ? "hit" : "miss") : "none"},
             {"dims", response.dims},
             {"upstream", {{"jina", request.id.empty() && !cached ? "200" : "-"}, {"elasticsearch", "200"}}}};
  return out;
}

http_response handle_embed(services& s, const http_request& req) {
  auto started = clock_type::now();
  auto parsed = embed_request_parse(req.body, static_cast<std::size_t>(s.settings.max_batch_size));
  if (!parsed) return http_response::error(parsed.error());
  int dims = parsed->dims ? parsed->dims : limits::full_dims;
  std::vector<embed_input> inputs;
  for (std::size_t i = 0; i < parsed->inputs.size(); ++i) {
    const auto& item = parsed->inputs[i];
    if (!item.is_image) {
      inputs.push_back({embed_input::kind::text, item.value});
      continue;
    }
    auto jpeg = image_for_embedder(item.value, "inputs[" + std::to_string(i) + "].image");
    if (!jpeg) return http_response::error(jpeg.error());
    inputs.push_back({embed_input::kind::image, std::move(*jpeg)});
  }
  auto embedded = s.embedder.embed(inputs, parsed->query);
  if (!embedded) return http_response::error(embedded.error());

  nlohmann::json data = nlohmann::json::array();
  int hits = 0;
  for (std::size_t i = 0; i < embedded->items.size(); ++i) {
    const embedded_item& item = embedded->items[i];
    hits += item.cached;
    data.push_back({{"index", i}, {"embedding", matryoshka_truncate(item.vector, dims)}, {"cached", item.cached}});
  }
  double total_ms = ms_since(started);
  nlohmann::json body = {{"data", std::move(data)},
                         {"dims", dims},
                         {"usage", {{"tokens", embedded->tokens}}},
                         {"embedder", {{"model", s.embedder.info().model}, {"label", s.embedder.info().label},
                                       {"stand_in", s.embedder.info().stand_in}}}};
  http_response out = http_response::json(body.dump());
  out.headers["Server-Timing"] = "embed;dur=" + std::to_string(total_ms) + ", total;dur=" + std::to_string(total_ms);
  out.log = {{"inputs", inputs.size()}, {"cache_hits", hits}};
  return out;
}

http_response handle_knn(services& s, const http_request& req) {
  auto started = clock_type::now();
  auto parsed = knn_request_parse(req.body);
  if (!parsed) return http_response::error(parsed.error());
  int dims = parsed->dims ? parsed->dims : static_cast<int>(parsed->vector.size());
  const vector_field* field = s.settings.field_for_dims(dims);
  if (!field && parsed->dims) return http_response::error(field_for(s.settings, dims).error());
  if (!field)
    return http_response::error({error_type::invalid_request,
                                 "'vector' has " + std::to_string(dims) + " numbers, and this index has no field of " +
                                     std::to_string(dims) + " dims; send a vector of " + dims_offered(s.settings)});

  knn_query query;
  query.vector = std::move(parsed->vector);
  query.k = parsed->k ? parsed->k : limits::default_k;
  query.num_candidates = parsed->num_candidates;
  query.tags = std::move(parsed->tags);
  auto hits = s.backend.knn(*field, query);
  if (!hits) return http_response::error(hits.error());
  const double knn_ms = ms_since(started);
  if (parsed->return_vectors) {
    if (auto attached = attach_hit_vectors(s, *field, *hits); !attached) return http_response::error(attached.error());
  }

  search_response response;
  if (parsed->return_vectors) response.query_vector = query.vector;
  response.hits = std::move(*hits);
  double total_ms = ms_since(started);
  response.took_ms = {0, knn_ms, total_ms};
  response.embedder = s.embedder.info();
  response.dims = dims;
  mark_matches(response, s, query_modality::vector);
  http_response out = http_response::json(search_response_to_json(response));
  out.headers["Server-Timing"] = server_timing(0, knn_ms, total_ms);
  return out;
}

}  // namespace polylens
