// The proxy's HTTP server: cpp-httplib behind our own request and response types. Handlers never
// see httplib. One pre-routing step applies the gateway policy (request_policy.h) to every request
// before any route or file handler runs; every error leaves as the one JSON envelope (404 and 405
// too); every response carries the security headers; every request is logged as one JSON line and
// counted in the metrics, from one place. Optionally a second listener serves the same over HTTPS.
#pragma once
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api_error.h"
#include "result.h"

namespace httplib {
class Server;
class SSLServer;
}  // namespace httplib

namespace polylens {

struct http_request {
  std::string method;
  std::string path;
  std::string body;
  std::string request_id;
  std::vector<std::string> path_params;  // the regex groups of the route pattern
  std::map<std::string, std::string> headers;  // lower-case names
};

struct http_response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
  nlohmann::json log = nlohmann::json::object();  // extra access-log fields; never sent to the client

  static http_response json(std::string body, int status = 200);
  static http_response error(const api_error& error);
};

using http_handler = std::function<http_response(const http_request&)>;

// Who may call a route, and whether calls count against the client's rate limit.
enum class route_access {
  open,     // anyone, unmetered (health, thumbnails)
  metered,  // anyone, rate-limited per client (routes that spend embedder tokens or kNN work)
  admin,    // the admin token only, rate-limited (writes)
};

struct route {
  const char* method;   // GET, POST, DELETE
  const char* pattern;  // an ECMAScript regex over the whole path; groups become path_params
  route_access access;
  http_handler handler;
};

struct config;
class metrics_registry;
class request_policy;

class http_server {
 public:
  http_server(const config& settings, metrics_registry& metrics);
  ~http_server();

  void add_routes(const std::vector<route>& routes);
  bool serve_static(const std::string& folder);  // false when the folder does not exist
  // Binds (port 0 = any free port) and returns the bound port, or -1.
  int bind(const std::string& host, int port);
  // The HTTPS listener of settings.https_listen (HOST:PORT, port 0 = any free port) with the PEM
  // certificate chain and key of settings.tls_cert_file and tls_key_file: the bound port, or why not.
  result<int> bind_https();
  // Serves on the bound listeners until SIGTERM, SIGINT or stop(). Then it stops accepting, lets the
  // requests in flight finish and returns; past settings.shutdown_grace_ms it logs what it abandons
  // and exits the process with status 1.
  void run();
  void stop();  // async-signal-safe

 private:
  struct compiled_route;
  void install(httplib::Server& server, bool tls);

  const config& settings_;
  metrics_registry& metrics_;
  std::unique_ptr<request_policy> policy_;
  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<httplib::SSLServer> tls_server_;
  std::vector<compiled_route> routes_;
  std::string static_folder_;
  std::atomic<int> in_flight_{0};
};

}  // namespace polylens
