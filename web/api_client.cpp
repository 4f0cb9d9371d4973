#include "api_client.h"

#include "http_fetch.h"
#include "proxy_endpoint.h"

namespace polylens::web {

namespace {

constexpr const char* health_path = "/healthz";
constexpr const char* search_path = "/api/v1/search";
constexpr const char* knn_path = "/api/v1/knn";
constexpr const char* images_path = "/api/v1/images/";
constexpr const char* add_images_path = "/api/v1/images";

api_failure failure_from(const http_response& response) {
  if (response.status == 0) return {"network_error", "cannot reach the proxy at " + proxy_display_name(), 0, 0};
  api_error error = api_error_from_response(response.status, response.body);
  return {std::string(error.type_name()), error.message, response.status, response.retry_after_seconds};
}

api_failure failure_from(const api_error& error, int http_status) {
  return {std::string(error.type_name()), error.message, http_status, 0};
}

// The body of a 2xx answer, parsed by shared's strict parser; anything else becomes a failure.
template <typename T, typename Parse>
api_outcome<T> outcome_from(const http_response& response, Parse parse) {
  api_outcome<T> outcome;
  if (response.status < 200 || response.status >= 300) {
    outcome.failure = failure_from(response);
    return outcome;
  }
  auto parsed = parse(response.body);
  if (parsed) outcome.value = std::move(parsed.value());
  else outcome.failure = failure_from(parsed.error(), response.status);
  return outcome;
}

bool is_unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

std::string percent_encode(const std::string& text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (is_unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string api_thumbnail_url(const std::string& image_id) {
  return proxy_url(images_path + percent_encode(image_id) + "/thumbnail");
}

void api_get_health(std::function<void(api_outcome<health_report>)> done) {
  http_get(proxy_url(health_path), [done = std::move(done)](http_response response) {
    // A degraded proxy may answer 503 with a full report (status "degraded"): show it rather than "HTTP 503".
    if (response.status != 0 && (response.status < 200 || response.status >= 300)) {
      if (auto report = health_report_parse(response.body)) {
        api_outcome<health_report> outcome;
        outcome.value = std::move(report.value());
        done(std::move(outcome));
        return;
      }
    }
    done(outcome_from<health_report>(response, health_report_parse));
  });
}

void api_search(const search_request& request, std::function<void(api_outcome<search_response>)> done) {
  http_post_json(proxy_url(search_path), search_request_to_json(request), [done = std::move(done)](http_response response) {
    done(outcome_from<search_response>(response, search_response_parse));
  });
}

void api_knn(const knn_request& request, std::function<void(api_outcome<search_response>)> done) {
  http_post_json(knn_path, knn_request_to_json(request), [done = std::move(done)](http_response response) {
    done(outcome_from<search_response>(response, search_response_parse));
  });
}

void api_add_images(const std::vector<image_upload>& images, const std::string& admin_token,
                    std::function<void(api_outcome<images_response>)> done) {
  http_post_json(
      proxy_url(add_images_path), images_request_to_json(images),
      [done = std::move(done)](http_response response) {
        done(outcome_from<images_response>(response, images_response_parse));
      },
      {{"Authorization", "Bearer " + admin_token}});
}

void api_get_thumbnail(const std::string& image_id, std::function<void(api_outcome<std::string>)> done) {
  http_get(api_thumbnail_url(image_id), [done = std::move(done)](http_response response) {
    api_outcome<std::string> outcome;
    if (response.status >= 200 && response.status < 300) outcome.value = std::move(response.body);
    else outcome.failure = failure_from(response);
    done(std::move(outcome));
  });
}

}  // namespace polylens::web
