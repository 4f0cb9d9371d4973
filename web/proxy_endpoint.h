// Where the proxy is. The bundle (index.html, polylens.js/.wasm, fonts/) can be served by any static host; the API
// then lives elsewhere, named by `?proxy=URL` in the page's address or by `config.json` beside index.html
// ({"proxy": "https://..."}); the query parameter wins; with neither, the page's own origin.
//
// A request that gets no HTTP answer at all cannot tell why: the browser gives the page the same network error for
// "nothing listens there" and "the proxy answered but did not allow this origin" (CORS). proxy_endpoint_diagnose
// tells them apart with a second, `no-cors` request: that one is sent without CORS checks and resolves (with an
// opaque answer) whenever the proxy answered at all, so "it answered that, but not the real request" means CORS.
#pragma once
#include <functional>
#include <string>

namespace polylens::web {

enum class proxy_source { same_origin, query, config_file };
const char* proxy_source_name(proxy_source source);

enum class proxy_problem { none, unreachable, cors_refused };
const char* proxy_problem_name(proxy_problem problem);

struct proxy_endpoint {
  bool resolved = false;       // the query parameter was read, config.json fetched (or found missing)
  proxy_source source = proxy_source::same_origin;
  std::string base;            // "" (same origin) or "https://host[:port][/prefix]" without a trailing slash
  std::string page_origin;     // this page's origin, for the CORS explanation
};

const proxy_endpoint& proxy_endpoint_current();
// Reads ?proxy= or config.json (asynchronously), then calls `done` once. Call once, at start-up.
void proxy_endpoint_resolve(std::function<void()> done);
// The absolute URL of an API path ("/api/v1/search") on the proxy.
std::string proxy_url(const std::string& path);
// The proxy in words: its base URL, or this page's origin when it is the same.
std::string proxy_display_name();
// After a request to `path` got no HTTP answer: was the proxy unreachable, or did it refuse this origin?
void proxy_endpoint_diagnose(const std::string& path, std::function<void(proxy_problem)> done);

}  // namespace polylens::web
