#include "http_fetch.h"

#include <emscripten/fetch.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace polylens::web {

namespace {

constexpr unsigned request_timeout_ms = 60'000;  // a cold embedder can take a while; the UI keeps running anyway

// Lives from emscripten_fetch() until its one completion callback.
struct pending_request {
  http_callback done;
  std::string body;                         // request body: emscripten copies it when sending, but keep it owned
  std::vector<std::string> header_strings;  // name, value, name, value, ...
  std::vector<const char*> header_list;     // pointers into header_strings, null-terminated, as emscripten wants
};

// The Retry-After header in whole seconds (the proxy and Elasticsearch send seconds, not dates), or 0.
int retry_after_seconds(emscripten_fetch_t* fetch) {
  const std::size_t length = emscripten_fetch_get_response_headers_length(fetch);
  if (length == 0) return 0;
  std::string headers(length + 1, '\0');
  emscripten_fetch_get_response_headers(fetch, headers.data(), headers.size());
  for (char& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::size_t at = headers.find("retry-after:");
  if (at == std::string::npos) return 0;
  return std::max(0, std::atoi(headers.c_str() + at + std::strlen("retry-after:")));
}

void on_complete(emscripten_fetch_t* fetch) {
  std::unique_ptr<pending_request> request(static_cast<pending_request*>(fetch->userData));
  http_response response;
  response.status = fetch->status;
  if (fetch->data && fetch->numBytes > 0) response.body.assign(fetch->data, static_cast<std::size_t>(fetch->numBytes));
  if (response.status == 429 || response.status == 503) response.retry_after_seconds = retry_after_seconds(fetch);
  emscripten_fetch_close(fetch);
  request->done(std::move(response));
}

void start(const char* method, const std::string& url, std::string body, const http_headers& headers,
           http_callback done) {
  auto* request = new pending_request{std::move(done), std::move(body), {}, {}};
  for (const auto& [name, value] : headers) {
    request->header_strings.push_back(name);
    request->header_strings.push_back(value);
  }
  for (const std::string& s : request->header_strings) request->header_list.push_back(s.c_str());
  request->header_list.push_back(nullptr);
  emscripten_fetch_attr_t attr;
  emscripten_fetch_attr_init(&attr);
  std::strncpy(attr.requestMethod, method, sizeof(attr.requestMethod) - 1);
  attr.attributes = EMSCRIPTEN_FETCH_LOAD_TO_MEMORY;
  attr.timeoutMSecs = request_timeout_ms;
  attr.requestHeaders = headers.empty() ? nullptr : request->header_list.data();
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

void http_get(const std::string& url, http_callback done) { start("GET", url, {}, {}, std::move(done)); }

void http_post_json(const std::string& url, const std::string& json_body, http_callback done,
                    const http_headers& extra_headers) {
  http_headers headers = {{"Content-Type", "application/json"}};
  headers.insert(headers.end(), extra_headers.begin(), extra_headers.end());
  start("POST", url, json_body, headers, std::move(done));
}

}  // namespace polylens::web
