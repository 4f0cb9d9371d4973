// The Polylens HTTP API as typed asynchronous calls, to the proxy that proxy_endpoint.h names (by default the page's
// origin). Each call reports once, later, with either the parsed answer or an api_failure the UI can show as it is.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api_messages.h"

namespace polylens::web {

// Why a call failed: the proxy's error envelope (type and message), or "network_error" when no HTTP answer came
// back at all. (shared's api_error has no network case: the proxy never sends one.)
struct api_failure {
  std::string type;
  std::string message;
  int http_status = 0;          // 0 when there was no HTTP answer
  int retry_after_seconds = 0;  // what a 429 or 503 asked for, else 0
};

template <typename T>
struct api_outcome {
  std::optional<T> value;
  api_failure failure;  // meaningful only when !value
  bool ok() const { return value.has_value(); }
};

void api_get_health(std::function<void(api_outcome<health_report>)> done);
void api_search(const search_request& request, std::function<void(api_outcome<search_response>)> done);
// A kNN search with a vector the page computed (refine by example): no embedding.
void api_knn(const knn_request& request, std::function<void(api_outcome<search_response>)> done);
// Admin: stores a batch of images (POST /api/v1/images). The token goes into the Authorization header and
// nowhere else.
void api_add_images(const std::vector<image_upload>& images, const std::string& admin_token,
                    std::function<void(api_outcome<images_response>)> done);
// The thumbnail's bytes (JPEG, long side <= limits::thumbnail_long_side).
void api_get_thumbnail(const std::string& image_id, std::function<void(api_outcome<std::string>)> done);

std::string api_thumbnail_url(const std::string& image_id);

}  // namespace polylens::web
