// The proxy's HTTP server: cpp-httplib behind our own request and response types. Handlers never
// see httplib; every error leaves as the one JSON envelope (404 and 405 too); every request is
// logged as one JSON line.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api_error.h"

namespace httplib {
class Server;
}

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

class http_server {
 public:
  http_server();
  ~http_server();

  void add_routes(const std::vector<route>& routes);
  bool serve_static(const std::string& folder);  // false when the folder does not exist
  // Binds (port 0 = any free port) and returns the bound port, or -1.
  int bind(const std::string& host, int port);
  void run();  // blocks until stop()
  void stop();

 private:
  std::unique_ptr<httplib::Server> server_;
  std::vector<route> routes_;
};

}  // namespace polylens
