// Asynchronous HTTP for the browser, on emscripten_fetch (XHR underneath). The callback runs later, from the
// browser's event loop, never inside a frame; nothing here blocks.
#pragma once
#include <functional>
#include <string>

namespace polylens::web {

struct http_response {
  int status = 0;    // 0: no HTTP answer at all (network error, refused connection, timeout)
  std::string body;  // the body as received, also for 4xx/5xx (the API's error envelope)
};

using http_callback = std::function<void(http_response)>;

void http_get(const std::string& url, http_callback done);
void http_post_json(const std::string& url, const std::string& json_body, http_callback done);

}  // namespace polylens::web
