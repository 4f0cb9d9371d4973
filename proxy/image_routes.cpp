// The image routes: GET /api/v1/images/{id}/thumbnail (open), POST /api/v1/images and
// DELETE /api/v1/images/{id} (admin; the token is checked before these handlers run).
#include <nlohmann/json.hpp>

#include "api_messages.h"
#include "base64.h"
#include "content_hash.h"
#include "image_ingest.h"
#include "services.h"

namespace polylens {

namespace {
// Ids are content hashes; checking the shape keeps anything else out of the Elasticsearch path.
result<std::string> image_id_param(const http_request& req) {
  const std::string& id = req.path_params.at(0);
  if (!is_content_hash(id))
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
  images_response answer;
  answer.items.resize(uploads->size());
  std::vector<ingest_item> ready;
  std::vector<std::size_t> ready_index;
  for (std::size_t i = 0; i < uploads->size(); ++i) {
    const image_upload& u = (*uploads)[i];
    image_item_outcome& slot = answer.items[i];
    slot.index = i;
    const std::string where = "images[" + std::to_string(i) + "].image";
    auto bytes = base64_decode(u.image_base64);
    if (!bytes) {
      slot.error_type = error_type_name(error_type::invalid_request);
      slot.error_message = "'" + where + "' is not valid base64";
      continue;
    }
    image_metadata meta{u.title, u.caption, u.tags, u.licence, u.credit, u.source};
    const std::string file = !u.file.empty() ? u.file : !u.title.empty() ? u.title : "upload-" + std::to_string(i);
    auto prepared = ingest_prepare(*bytes, file, meta, {u.id, u.original_width, u.original_height});
    if (!prepared) {
      slot.error_type = prepared.error().type_name();
      slot.error_message = "'" + where + "': " + prepared.error().message;
      continue;
    }
    ready.push_back(std::move(*prepared));
    ready_index.push_back(i);
  }
  if (!ready.empty()) {
    auto stored = ingest_store(std::move(ready), s.settings, s.embedder, s.backend, true);
    if (!stored) return http_response::error(stored.error());
    answer.tokens = stored->tokens;
    for (std::size_t n = 0; n < stored->outcomes.size(); ++n) {
      const ingest_outcome& o = stored->outcomes[n];
      image_item_outcome& slot = answer.items[ready_index[n]];
      slot.status = o.status;
      slot.id = o.id;
      if (o.status == ingest_status::failed) {
        slot.error_type = error_type_name(error_type::backend_error);
        slot.error_message = o.error;
      }
    }
  }
  http_response out = http_response::json(images_response_to_json(answer));
  out.log = {{"images", uploads->size()}, {"tokens", answer.tokens}};
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
