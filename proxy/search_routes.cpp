// POST /api/v1/search: text or image in, ranked images out. One embed call, one kNN call.
#include <chrono>

#include "api_messages.h"
#include "base64.h"
#include "image_preprocess.h"
#include "api_limits.h"
#include "matryoshka.h"
#include "services.h"

namespace polylens {

namespace {
double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

std::string dims_offered(const config& c) {
  std::string out;
  for (const auto& f : c.fields) out += (out.empty() ? "" : ", ") + std::to_string(f.dims);
  return out;
}
}  // namespace

http_response handle_search(services& s, const http_request& req) {
  auto started = std::chrono::steady_clock::now();
  auto parsed = search_request_parse(req.body);
  if (!parsed) return http_response::error(parsed.error());
  const search_request& request = *parsed;

  int dims = request.dims ? request.dims : s.settings.largest_dims();
  const vector_field* field = s.settings.field_for_dims(dims);
  if (!field)
    return http_response::error({error_type::invalid_request, "'dims' " + std::to_string(dims) +
                                                                  " is not offered by this index; choose one of " +
                                                                  dims_offered(s.settings)});
  int k = request.k ? request.k : limits::default_k;

  embed_input input;
  if (!request.text.empty()) {
    input = {embed_input::kind::text, request.text};
  } else {
    auto bytes = base64_decode(request.image_base64);
    if (!bytes) return http_response::error({error_type::invalid_request, "'image' is not valid base64 (RFC 4648, no data: prefix)"});
    // The browser resizes before uploading; this also covers other clients, and validates the image.
    auto prepared = image_prepare(*bytes, limits::upload_long_side, limits::upload_jpeg_quality);
    if (!prepared) return http_response::error(prepared.error());
    input = {embed_input::kind::image, std::move(prepared->jpeg)};
  }

  auto embed_started = std::chrono::steady_clock::now();
  auto embedded = s.embedder.embed({input}, true);
  double embed_ms = ms_since(embed_started);
  if (!embedded) return http_response::error(embedded.error());

  auto knn_started = std::chrono::steady_clock::now();
  auto hits = s.backend.knn(*field, matryoshka_truncate(embedded->items.front().vector, dims), k);
  double knn_ms = ms_since(knn_started);
  if (!hits) return http_response::error(hits.error());

  search_response response;
  response.hits = std::move(*hits);
  response.took_ms = {embed_ms, knn_ms, ms_since(started)};
  response.embedder = s.embedder.info();
  response.dims = dims;
  response.tokens = embedded->tokens;
  http_response out = http_response::json(search_response_to_json(response));
  out.headers["Server-Timing"] = "embed;dur=" + std::to_string(embed_ms) + ", knn;dur=" + std::to_string(knn_ms) +
                                 ", total;dur=" + std::to_string(response.took_ms.total_ms);
  return out;
}

}  // namespace polylens
