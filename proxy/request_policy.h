// The gateway's cross-cutting policy, decided in one place before any route runs (style.md #6):
// path sanity, CORS (same origin, allow-listed origins, preflight), rate limits for the metered and
// admin routes, and the admin token. Also the security headers every response carries. It knows
// nothing of cpp-httplib: http_server.cpp fills a policy_request and applies the verdict.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config.h"
#include "http_server.h"
#include "rate_limiter.h"

namespace polylens {

// What the policy looks at, taken from one request.
struct policy_request {
  std::string method;         // as sent
  std::string path;           // percent-decoded, as routed
  std::string host;           // the Host header
  std::string origin;         // the Origin header; empty when absent
  std::string authorization;  // the Authorization header
  std::string remote_addr;
  bool tls = false;                   // arrived on the HTTPS listener
  std::optional<route_access> route;  // the route for this method and path; none: static file or 404
  std::string path_methods;           // methods the routes accept on this path ("POST", "GET, DELETE"); empty: no route
};

using header_list = std::vector<std::pair<std::string, std::string>>;

struct policy_verdict {
  std::optional<http_response> answer;  // set: send this (a refusal or a preflight) and skip the handler
  header_list headers;                  // add to whatever the response turns out to be (CORS)
};

class request_policy {
 public:
  explicit request_policy(const config& settings, rate_limiter::clock now = [] {
    return std::chrono::steady_clock::now();
  });

  policy_verdict check(const policy_request& request);

  // CSP hash sources ('sha256-...') of the web shell's inline scripts: those run, nothing else inline.
  void allow_inline_scripts(const std::vector<std::string>& hash_sources);
  // The headers every response carries: API, static files and errors alike.
  const header_list& response_headers() const { return response_headers_; }

 private:
  std::optional<http_response> check_admin_token(const std::string& authorization) const;
  void build_response_headers();

  const config& settings_;
  rate_limiter limiter_;
  bool admin_enabled_;
  std::array<unsigned char, 32> admin_token_digest_{};  // SHA-256: compared in constant time, whatever the length
  std::vector<std::string> inline_script_hashes_;
  header_list response_headers_;
};

// The 'sha256-<base64>' CSP sources of the inline <script> elements (those without src) of an HTML page.
std::vector<std::string> csp_inline_script_hashes(std::string_view html);

// Whether `origin` (scheme://host[:port]) is the origin the request came to (Host header, listener's
// scheme), ignoring case and default ports.
bool origin_is_same(std::string_view origin, std::string_view host, bool tls);

}  // namespace polylens
