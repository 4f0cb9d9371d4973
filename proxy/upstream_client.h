// HTTP(S) client for the two upstreams (the Jina API and Elasticsearch): keep-alive connections in a
// small pool, so a search does not pay a TCP or TLS handshake each time; timeouts from config.
// The only place outside http_server.cpp that knows cpp-httplib.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace httplib {
class Client;
}

namespace polylens {

enum class transport_failure { none, connect, timeout, other };

struct upstream_response {
  int status = 0;  // 0 when the request never got an answer
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  transport_failure failure = transport_failure::none;
  std::string failure_text;  // what the transport said, for messages

  std::string header(const std::string& lower_name) const;
};

struct upstream_target {
  std::string origin;       // scheme://host[:port]
  std::string path_prefix;  // "" or "/something"
  std::string host;         // for messages
};
// Splits "https://api.jina.ai/v1/embeddings" into origin and path; false when it is not http(s).
bool upstream_target_parse(const std::string& url, upstream_target& out);

class upstream_client {
 public:
  upstream_client(const std::string& url, int timeout_ms, std::map<std::string, std::string> fixed_headers);
  ~upstream_client();

  // path is appended to the URL's own path. method: GET, POST, PUT, HEAD, DELETE.
  upstream_response send(const std::string& method, const std::string& path, const std::string& body = "",
                         const std::string& content_type = "application/json");
  const upstream_target& target() const { return target_; }

 private:
  std::unique_ptr<httplib::Client> borrow();
  void give_back(std::unique_ptr<httplib::Client> client);

  upstream_target target_;
  int timeout_ms_;
  std::map<std::string, std::string> fixed_headers_;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<httplib::Client>> idle_;
};

}  // namespace polylens
