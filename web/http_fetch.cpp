#include "http_fetch.h"

#include <emscripten/fetch.h>

#include <cstring>
#include <memory>

namespace polylens::web {

namespace {

constexpr unsigned request_timeout_ms = 60'000;  // a cold embedder can take a while; the UI keeps running anyway

// Lives from emscripten_fetch() until its one completion callback.
struct pending_request {
  http_callback done;
  std::string body;  // request body: emscripten copies it when sending, but keep it simple and owned
};

void on_complete(emscripten_fetch_t* fetch) {
  std::unique_ptr<pending_request> request(static_cast<pending_request*>(fetch->userData));
  http_response response;
  response.status = fetch->status;
  if (fetch->data && fetch->numBytes > 0) response.body.assign(fetch->data, static_cast<std::size_t>(fetch->numBytes));
  emscripten_fetch_close(fetch);
  request->done(std::move(response));
}

void start(const char* method, const std::string& url, std::string body, const char* const* headers,
           http_callback done) {
  auto* request = new pending_request{std::move(done), std::move(body)};
  emscripten_fetch_attr_t attr;
  emscripten_fetch_attr_init(&attr);
  std::strncpy(attr.requestMethod, method, sizeof(attr.requestMethod) - 1);
  attr.attributes = EMSCRIPTEN_FETCH_LOAD_TO_MEMORY;
  attr.timeoutMSecs = request_timeout_ms;
  attr.requestHeaders = headers;
  if (!request->body.empty()) {
    attr.requestData = request->body.data();
    attr.requestDataSize = request->body.size();
  }
  attr.userData = request;
  attr.onsuccess = on_complete;  // 2xx
  attr.onerror = on_complete;    // everything else, including 4xx/5xx with their body
  emscripten_fetch(&attr, url.c_str());
}

}  // namespace

void http_get(const std::string& url, http_callback done) { start("GET", url, {}, nullptr, std::move(done)); }

void http_post_json(const std::string& url, const std::string& json_body, http_callback done) {
  static const char* const headers[] = {"Content-Type", "application/json", nullptr};
  start("POST", url, json_body, headers, std::move(done));
}

}  // namespace polylens::web
