// GET /api/v1/images/{id}/thumbnail: the JPEG stored with the document.
#include <regex>

#include "services.h"

namespace polylens {

http_response handle_thumbnail(services& s, const http_request& req) {
  const std::string& id = req.path_params.at(0);
  // Ids are content hashes; checking the shape keeps anything else out of the Elasticsearch path.
  static const std::regex id_shape("[0-9a-f]{32}");
  if (!std::regex_match(id, id_shape))
    return http_response::error({error_type::invalid_request, "'" + id.substr(0, 80) + "' is not an image id (32 hex digits)"});
  auto jpeg = s.backend.thumbnail(id);
  if (!jpeg) return http_response::error(jpeg.error());
  http_response out;
  out.content_type = "image/jpeg";
  out.body = std::move(*jpeg);
  out.headers["Cache-Control"] = "public, max-age=31536000, immutable";  // the id is the content's hash
  return out;
}

}  // namespace polylens
