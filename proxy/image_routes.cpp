// The image routes: GET /api/v1/images/{id}/thumbnail (open), POST /api/v1/images and
// DELETE /api/v1/images/{id} (admin; the token is checked before these handlers run).
#include <nlohmann/json.hpp>
#include <regex>

#include "base64.h"
#include "image_ingest.h"
#include "services.h"

namespace polylens {

bool is_image_id(const std::string& id) {
  // Ids are content hashes; checking the shape keeps anything else out of the Elasticsearch path.
  static const std::regex id_shape("[0-9a-f]{32}");
  return std::regex_match(id, id_shape);
}

namespace {
result<std::string> image_id_param(const http_request& req) {
  const std::string& id = req.path_params.at(0);
  if (!is_image_id(id))
    return api_error{error_type::invalid_request, "'" + id.substr(0, 80) + "' is not an image id (32 hex digits)"};
  return id;
}
}  // namespace

http_response handle_thumbnail(services& s, const http_request& req) {
  auto id = image_id_param(req);
  if (!id) return http_response::error(id.error());
  auto jpeg = s.backend.thumbnail(*id);
  if (!jpeg) return http_response::error(jpeg.error());
  http_response out;
  out.content_type = "image/jpeg";
  out.body = std::move(*jpeg);
  out.headers["Cache-Control"] = "public, max-age=31536000, immutable";  // the id is the content's hash
  return out;
}

http_response handle_add_images(services& s, const http_request& req) {
  auto uploads = images_request_parse(req.body, static_cast<std::size_t>(s.settings.max_batch_size));
  if (!uploads) return http_response::error(uploads.error());

  // Per item: a bad image is reported in its slot and the rest still go in.
  nlohmann::json items = nlohmann::json::array();
  std::vector<ingest_item> ready;
  std::vector<std::size_t> ready_index;
  std::vector<nlohmann::json> slots(uploads->size());
  for (std::size_t i = 0; i < uploads->size(); ++i) {
    const image_upload& u = (*uploads)[i];
    const std::string where = "images[" + std::to_string(i) + "].image";
    auto bytes = base64_decode(u.image_base64);
    if (!bytes) {
      slots[i] = {{"index", i}, {"status", "failed"},
                  {"error", {{"type", "invalid_request"}, {"message", "'" + where + "' is not valid base64"}}}};
      continue;
    }
    image_metadata meta{u.title, u.caption, u.tags, u.licence, u.credit, u.source};
    auto prepared = ingest_prepare(*bytes, u.title.empty() ? "upload-" + std::to_string(i) : u.title, meta);
    if (!prepared) {
      slots[i] = {{"index", i}, {"status", "failed"},
                  {"error", {{"type", prepared.error().type_name()}, {"message", "'" + where + "': " + prepared.error().message}}}};
      continue;
    }
    ready.push_back(std::move(*prepared));
    ready_index.push_back(i);
  }
  int tokens = 0;
  if (!ready.empty()) {
    auto stored = ingest_store(std::move(ready), s.settings, s.embedder, s.backend, true);
    if (!stored) return http_response::error(stored.error());
    tokens = stored->tokens;
    for (std::size_t n = 0; n < stored->outcomes.size(); ++n) {
      const ingest_outcome& o = stored->outcomes[n];
      nlohmann::json slot = {{"index", ready_index[n]}, {"id", o.id}, {"status", ingest_status_name(o.status)}};
      if (o.status == ingest_status::failed)
        slot["error"] = {{"type", "backend_error"}, {"message", o.error}};
      slots[ready_index[n]] = std::move(slot);
    }
  }
  for (auto& slot : slots) items.push_back(std::move(slot));
  nlohmann::json body = {{"items", std::move(items)}, {"usage", {{"tokens", tokens}}}};
  http_response out = http_response::json(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  out.log = {{"images", uploads->size()}, {"tokens", tokens}};
  return out;
}

http_response handle_delete_image(services& s, const http_request& req) {
  auto id = image_id_param(req);
  if (!id) return http_response::error(id.error());
  auto removed = s.backend.remove(*id);
  if (!removed) return http_response::error(removed.error());
  if (!*removed) return http_response::error({error_type::not_found, "no image with id '" + *id + "'"});
  return http_response::json(nlohmann::json({{"id", *id}, {"deleted", true}}).dump());
}

}  // namespace polylens
