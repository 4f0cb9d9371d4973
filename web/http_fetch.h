// Asynchronous HTTP for the browser, on emscripten_fetch (XHR underneath). The callback runs later, from the
// browser's event loop, never inside a frame; nothing here blocks.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace polylens::web {

struct http_response {
  int status = 0;    // 0: no HTTP answer at all (network error, refused connection, timeout)
  std::string body;  // the body as received, also for 4xx/5xx (the API's error envelope)
  int retry_after_seconds = 0;  // from a Retry-After header in seconds (429, 503), else 0
};

using http_callback = std::function<void(http_response)>;
using http_headers = std::vector<std::pair<std::string, std::string>>;

void http_get(const std::string& url, http_callback done);
// extra_headers: e.g. Authorization. Their values are handed to the browser and kept nowhere else.
void http_post_json(const std::string& url, const std::string& json_body, http_callback done,
                    const http_headers& extra_headers = {});

}  // namespace polylens::web
