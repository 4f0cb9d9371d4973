#include "request_policy.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

namespace polylens {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

std::array<unsigned char, 32> sha256(std::string_view bytes) {
  std::array<unsigned char, 32> digest{};
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), nullptr, EVP_sha256(), nullptr);
  return digest;
}

// Static files are looked up below the web root; a path that could climb out of it, or that the
// file system reads differently from how it was routed (NUL, backslash), reaches neither a file nor
// a route. httplib checks '..' too; this is the second lock, and it answers with our envelope.
bool path_is_suspicious(std::string_view path) {
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) return true;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (path.substr(start, end - start) == "..") return true;
    start = end + 1;
  }
  return false;
}

// "host:80" over http and "host:443" over https are "host" to a browser's Origin.
std::string without_default_port(std::string host_port, bool tls) {
  std::string_view port = tls ? ":443" : ":80";
  if (host_port.size() > port.size() && host_port.compare(host_port.size() - port.size(), port.size(), port) == 0)
    host_port.resize(host_port.size() - port.size());
  return host_port;
}

http_response refusal(error_type type, std::string message) {
  return http_response::error({type, std::move(message)});
}

}  // namespace

bool origin_is_same(std::string_view origin, std::string_view host, bool tls) {
  std::string_view scheme = tls ? "https://" : "http://";
  if (host.empty() || !starts_with_nocase(origin, scheme)) return false;
  return without_default_port(lower(origin.substr(scheme.size())), tls) == without_default_port(lower(host), tls);
}

std::vector<std::string> csp_inline_script_hashes(std::string_view html) {
  std::vector<std::string> hashes;
  std::string lowered = lower(html);
  for (std::size_t open = lowered.find("<script"); open != std::string::npos; open = lowered.find("<script", open + 1)) {
    std::size_t tag_end = lowered.find('>', open);
    if (tag_end == std::string::npos) break;
    char after = lowered[open + 7];
    if (after != '>' && !std::isspace(static_cast<unsigned char>(after))) continue;  // <scripts>, say
    std::string_view tag(lowered.data() + open, tag_end - open);
    std::size_t close = lowered.find("</script", tag_end);
    if (close == std::string::npos) break;
    if (tag.find(" src=") != std::string_view::npos || tag.find("\tsrc=") != std::string_view::npos ||
        tag.find("\nsrc=") != std::string_view::npos)
      continue;
    // The browser hashes the text after its input stream has turned CR LF and lone CR into LF.
    std::string text;
    std::string_view body = html.substr(tag_end + 1, close - tag_end - 1);
    for (std::size_t i = 0; i < body.size(); ++i) {
      if (body[i] != '\r') text += body[i];
      else if (i + 1 >= body.size() || body[i + 1] != '\n') text += '\n';
    }
    auto digest = sha256(text);
    unsigned char encoded[64];
    int n = EVP_EncodeBlock(encoded, digest.data(), static_cast<int>(digest.size()));
    hashes.push_back("'sha256-" + std::string(reinterpret_cast<char*>(encoded), n) + "'");
  }
  return hashes;
}

request_policy::request_policy(const config& settings, rate_limiter::clock now)
    : settings_(settings),
      limiter_(settings.rate_limit_per_minute, settings.rate_limit_burst, 10000, std::move(now)),
      admin_enabled_(!settings.admin_token.empty()),
      admin_token_digest_(sha256(settings.admin_token)) {
  build_response_headers();
}

void request_policy::allow_inline_scripts(const std::vector<std::string>& hash_sources) {
  inline_script_hashes_ = hash_sources;
  build_response_headers();
}

void request_policy::build_response_headers() {
  std::string frame_ancestors = settings_.frame_ancestors.empty() ? "'none'" : settings_.frame_ancestors;
  // The UI is WebAssembly: compiling it needs 'wasm-unsafe-eval' (not 'unsafe-eval'); it draws into a
  // canvas, fetches JSON, fonts and thumbnails from this origin, and ImGui's shell styles inline.
  std::string script_src = "'self' 'wasm-unsafe-eval'";
  for (const auto& h : inline_script_hashes_) script_src += " " + h;
  std::string csp = "default-src 'self'; script-src " + script_src +
                    "; connect-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
                    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors " +
                    frame_ancestors;
  response_headers_ = {
      {"Content-Security-Policy", csp},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      // Every answer depends on the Origin (allowed, refused, or same-origin), so caches must key on it.
      {"Vary", "Origin"},
  };
  // Browsers older than CSP level 2 only know X-Frame-Options, which can say "never" but not "only these".
  if (frame_ancestors == "'none'") response_headers_.emplace_back("X-Frame-Options", "DENY");
}

std::optional<http_response> request_policy::check_admin_token(const std::string& authorization) const {
  std::optional<http_response> refused;
  if (!admin_enabled_) {
    refused = refusal(error_type::unauthorized,
                      "the admin routes are disabled until POLYLENS_ADMIN_TOKEN (or admin_token in the config file) "
                      "is set to a long random token; then send it as 'Authorization: Bearer <token>'");
  } else if (authorization.empty()) {
    refused = refusal(error_type::unauthorized,
                      "this route needs the admin token: send 'Authorization: Bearer <POLYLENS_ADMIN_TOKEN>'");
  } else if (!starts_with_nocase(authorization, "bearer ")) {
    refused = refusal(error_type::unauthorized, "the Authorization header must be 'Bearer <POLYLENS_ADMIN_TOKEN>'");
  } else {
    std::string_view token(authorization);
    token.remove_prefix(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    // Comparing digests keeps the time independent of where the tokens differ and of their lengths.
    auto digest = sha256(token);
    if (CRYPTO_memcmp(digest.data(), admin_token_digest_.data(), digest.size()) == 0) return std::nullopt;
    refused = refusal(error_type::unauthorized, "the admin token is wrong: it is not the POLYLENS_ADMIN_TOKEN this "
                                                "proxy was started with");
    refused->headers["WWW-Authenticate"] = "Bearer realm=\"polylens\", error=\"invalid_token\"";
    return refused;
  }
  refused->headers["WWW-Authenticate"] = "Bearer realm=\"polylens\"";
  return refused;
}

policy_verdict request_policy::check(const policy_request& r) {
  policy_verdict verdict;
  if (path_is_suspicious(r.path)) {
    verdict.answer = refusal(error_type::not_found, "no route or file for " + r.path);
    return verdict;
  }

  // CORS. A browser sends Origin on cross-site calls (and on same-site POSTs); only allow-listed
  // sites may read our answers, and any other is refused outright, so a foreign page cannot even
  // spend the embedder's tokens blind.
  bool cross_origin = !r.origin.empty() && !origin_is_same(r.origin, r.host, r.tls);
  if (cross_origin) {
    if (!settings_.cors_allows(r.origin)) {
      std::string origin = r.origin.substr(0, 200);
      bool listable = starts_with_nocase(origin, "https://") || starts_with_nocase(origin, "http://");
      verdict.answer = refusal(
          error_type::forbidden,
          "the origin '" + origin + "' may not call this API; " +
              (listable ? "to allow it, add it to --cors-origins (POLYLENS_CORS_ORIGINS), e.g. POLYLENS_CORS_ORIGINS=" + origin
                        : "only http:// and https:// origins can be allowed, through --cors-origins "
                          "(POLYLENS_CORS_ORIGINS); a sandboxed frame or a file:// page sends 'null'"));
      return verdict;
    }
    verdict.headers = {{"Access-Control-Allow-Origin", r.origin},
                       {"Access-Control-Expose-Headers", "Retry-After, Server-Timing, X-Request-Id"}};
  }

  if (r.method == "OPTIONS") {
    if (r.path_methods.empty()) {
      verdict.answer = refusal(error_type::not_found, "no route for " + r.path);
      return verdict;
    }
    http_response preflight;
    preflight.status = 204;
    preflight.content_type.clear();
    preflight.headers["Allow"] = r.path_methods + ", OPTIONS";
    if (cross_origin) {
      preflight.headers["Access-Control-Allow-Methods"] = r.path_methods;
      preflight.headers["Access-Control-Allow-Headers"] = "content-type, authorization";
      preflight.headers["Access-Control-Max-Age"] = "600";
    }
    verdict.answer = std::move(preflight);
    return verdict;
  }

  if (!r.route || *r.route == route_access::open) return verdict;

  // Metered before authenticated: the limit also bounds guesses at the admin token.
  auto rate = limiter_.take(rate_limit_client_key(r.remote_addr));
  if (!rate.allowed) {
    verdict.answer = refusal(error_type::rate_limited,
                             "too many requests from " + r.remote_addr + ": at most " +
                                 std::to_string(settings_.rate_limit_per_minute) + " per minute, " +
                                 std::to_string(settings_.rate_limit_burst) + " at once; retry in " +
                                 std::to_string(rate.retry_after_s) + " s");
    verdict.answer->headers["Retry-After"] = std::to_string(rate.retry_after_s);
    return verdict;
  }
  if (*r.route == route_access::admin) verdict.answer = check_admin_token(r.authorization);
  return verdict;
}

}  // namespace polylens
