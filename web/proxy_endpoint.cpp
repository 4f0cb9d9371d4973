#include "proxy_endpoint.h"

#include <emscripten.h>

#include <map>
#include <utility>

namespace polylens::web {

namespace {

proxy_endpoint endpoint;
std::function<void()> on_resolved;
std::map<int, std::function<void(proxy_problem)>> probes;  // by token, until the probe answers
int next_probe = 0;

}  // namespace

extern "C" void polylens_js_proxy_resolve();                      // proxy_endpoint.js
extern "C" void polylens_js_proxy_probe(const char* url, int token);

const char* proxy_source_name(proxy_source source) {
  switch (source) {
    case proxy_source::same_origin: return "same_origin";
    case proxy_source::query: return "query";
    case proxy_source::config_file: return "config";
  }
  return "?";
}

const char* proxy_problem_name(proxy_problem problem) {
  switch (problem) {
    case proxy_problem::none: return "";
    case proxy_problem::unreachable: return "unreachable";
    case proxy_problem::cors_refused: return "cors";
  }
  return "?";
}

const proxy_endpoint& proxy_endpoint_current() { return endpoint; }

void proxy_endpoint_resolve(std::function<void()> done) {
  on_resolved = std::move(done);
  polylens_js_proxy_resolve();
}

std::string proxy_url(const std::string& path) { return endpoint.base + path; }

std::string proxy_display_name() { return endpoint.base.empty() ? endpoint.page_origin : endpoint.base; }

void proxy_endpoint_diagnose(const std::string& path, std::function<void(proxy_problem)> done) {
  // Same origin: no CORS involved, so no answer means no proxy.
  if (endpoint.base.empty()) {
    done(proxy_problem::unreachable);
    return;
  }
  const int token = ++next_probe;
  probes[token] = std::move(done);
  polylens_js_proxy_probe(proxy_url(path).c_str(), token);
}

}  // namespace polylens::web

using namespace polylens::web;

extern "C" EMSCRIPTEN_KEEPALIVE void polylens_proxy_resolved(int source, const char* base, const char* origin) {
  endpoint.resolved = true;
  endpoint.source = source == 1 ? proxy_source::query : source == 2 ? proxy_source::config_file : proxy_source::same_origin;
  endpoint.base = base;
  endpoint.page_origin = origin;
  if (on_resolved) std::exchange(on_resolved, nullptr)();
}

extern "C" EMSCRIPTEN_KEEPALIVE void polylens_proxy_probed(int token, int reachable) {
  auto it = probes.find(token);
  if (it == probes.end()) return;
  auto done = std::move(it->second);
  probes.erase(it);
  done(reachable ? proxy_problem::cors_refused : proxy_problem::unreachable);
}
