// polylens: the proxy (serve), the indexer (index) and the size/quality report (report). Holds the secrets; the browser never sees them.
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "config.h"
#include "migrate.h"
#include "vector_store.h"
#include "http_server.h"
#include "indexer.h"
#include "embedding_service.h"
#include "metrics.h"
#include "log.h"
#include "report.h"
#include "services.h"

namespace {

// A stand-in announces itself on its first answer; asking once at start lets /healthz and the UI
// say so before anyone searches. The real API is not probed: that would spend tokens.
void probe_embedder(polylens::embedding_service& embedder) {
  if (embedder.url().find("://api.jina.ai/") != std::string::npos) return;
  auto probe = embedder.probe();
  if (!probe) polylens::log_warn("the embedder did not answer the start-up probe", {{"error", probe.error().message}});
}

int serve(const polylens::config& settings) {
  using namespace polylens;
  metrics_registry metrics;
  embedding_service embedder(settings, metrics);
  auto store = vector_store_open(settings);
  if (!store) {
    log_error(store.error().message);
    return 1;
  }
  vector_store& backend = **store;
  services s{settings, embedder, backend, metrics};

  if (auto version = backend.version(); !version) {
    log_warn("Elasticsearch is not reachable yet; searches answer 503 until it is", {{"error", version.error().message}});
  } else if (auto created = backend.ensure_index(); !created) {
    log_error(created.error().message);
    return 1;
  }
  probe_embedder(embedder);

  http_server server(settings, metrics);
  // clang-format off
  server.add_routes({
      {"POST",   "/api/v1/search",                      route_access::metered, [&](const http_request& r) { return handle_search(s, r); }},
      {"POST",   "/api/v1/embed",                       route_access::metered, [&](const http_request& r) { return handle_embed(s, r); }},
      {"POST",   "/api/v1/knn",                         route_access::metered, [&](const http_request& r) { return handle_knn(s, r); }},
      {"POST",   "/api/v1/images",                      route_access::admin,   [&](const http_request& r) { return handle_add_images(s, r); }},
      {"DELETE", R"(/api/v1/images/([^/]+))",           route_access::admin,   [&](const http_request& r) { return handle_delete_image(s, r); }},
      {"GET",    R"(/api/v1/images/([^/]+)/thumbnail)", route_access::open,    [&](const http_request& r) { return handle_thumbnail(s, r); }},
      {"GET",    "/api/v1/stats",                       route_access::open,    [&](const http_request& r) { return handle_stats(s, r); }},
      {"GET",    "/metrics",                            route_access::open,    [&](const http_request& r) { return handle_metrics(s, r); }},
      {"GET",    "/healthz",                            route_access::open,    [&](const http_request& r) { return handle_health(s, r); }},
      {"GET",    "/readyz",                             route_access::open,    [&](const http_request& r) { return handle_ready(s, r); }},
  });
  // clang-format on
  if (!settings.web_root.empty()) {
    if (!std::filesystem::is_regular_file(std::filesystem::path(settings.web_root) / "index.html")) {
      log_error("the web root has no index.html: build the web client (scripts/build.sh) or fix --web-root",
                {{"web_root", settings.web_root}});
      return 1;
    }
    server.serve_static(settings.web_root);
  }
  int port = server.bind(settings.listen_host, settings.listen_port);
  if (port < 0) {
    log_error("cannot listen: is the port in use?", {{"listen", settings.listen_host + ":" + std::to_string(settings.listen_port)}});
    return 1;
  }
  std::string https_url;
  if (!settings.https_listen.empty()) {
    auto https_port = server.bind_https();
    if (!https_port) {
      log_error(https_port.error().message);
      return 1;
    }
    https_url = "https://" + settings.https_listen.substr(0, settings.https_listen.rfind(':')) + ":" + std::to_string(*https_port);
  }
  auto info = embedder.info();
  log_info("serving", {{"url", "http://" + settings.listen_host + ":" + std::to_string(port)},
                       {"embedder", info.label}, {"stand_in", info.stand_in},
                       {"store", backend.kind()}, {"store_at", backend.url_for_display()}, {"index", backend.index_name()}});
  if (info.stand_in)
    log_warn("RESULTS COME FROM A TEST DOUBLE OF THE JINA API, NOT FROM THE REAL jina-clip-v2 MODEL");
  // Tests and scripts wait for this line on stdout.
  std::printf("polylens listening on http://%s:%d\n", settings.listen_host.c_str(), port);
  if (!https_url.empty()) std::printf("polylens listening on %s\n", https_url.c_str());
  std::fflush(stdout);
  server.run();  // until SIGTERM or SIGINT, then drains the requests in flight
  embedder.persist();
  log_info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto loaded = polylens::config_load(argc, argv, [](const char* name) -> const char* { return std::getenv(name); });
  if (!loaded) {
    std::fprintf(stderr, "polylens: %s\n", loaded.error().message.c_str());
    return 2;
  }
  if (loaded->exit_now) return 0;
  const polylens::config& settings = loaded->settings;
  polylens::log_register_secrets(settings.secrets());
  if (settings.command == "index") return polylens::indexer_run(settings);
  if (settings.command == "migrate") return polylens::migrate_run(settings);
  if (settings.command == "report") return polylens::report_run(settings);
  return serve(settings);
}
