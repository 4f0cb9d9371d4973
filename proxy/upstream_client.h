// HTTP(S) client for the two upstreams (the Jina API and Elasticsearch): keep-alive connections in a
// small pool, so a search does not pay a TCP or TLS handshake each time; connect and read timeouts
// from config. HTTPS verifies the server's certificate and host name against the system CA store
// (OpenSSL's default paths: /etc/ssl/certs/ca-certificates.crt on Debian; the standard SSL_CERT_FILE
// and SSL_CERT_DIR environment variables replace it, e.g. for a private CA).
// The only place outside http_server.cpp that knows cpp-httplib.
#pragma once
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace httplib {
class Client;
}

namespace polylens {

enum class transport_failure {
  none,
  connect,  // no connection: refused, unreachable, DNS, or the connect timeout
  closed,   // the connection dropped before a whole answer arrived (well before the read timeout)
  timeout,  // no answer within the read timeout
  tls,      // TLS handshake or certificate verification failed
  other,
};

struct upstream_response {
  int status = 0;  // 0 when the request never got an answer
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  transport_failure failure = transport_failure::none;
  std::string failure_text;  // what went wrong, for messages
  bool new_connection = false;  // this request opened a connection (and, over HTTPS, did a handshake)

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
  upstream_client(const std::string& url, int connect_timeout_ms, int read_timeout_ms,
                  std::map<std::string, std::string> fixed_headers);
  ~upstream_client();

  // path is appended to the URL's own path. method: GET, POST, PUT, HEAD, DELETE. Thread-safe: each
  // call borrows a connection of its own from the pool.
  upstream_response send(const std::string& method, const std::string& path, const std::string& body = "",
                         const std::string& content_type = "application/json");
  const upstream_target& target() const { return target_; }
  int read_timeout_ms() const { return read_timeout_ms_; }
  // TCP connections opened so far (each one a TLS handshake over HTTPS): the keep-alive check.
  long long connections_opened() const { return connections_opened_.load(); }

 private:
  std::unique_ptr<httplib::Client> borrow();
  void give_back(std::unique_ptr<httplib::Client> client);

  upstream_target target_;
  int connect_timeout_ms_;
  int read_timeout_ms_;
  std::map<std::string, std::string> fixed_headers_;
  std::atomic<long long> connections_opened_{0};
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<httplib::Client>> idle_;
};

}  // namespace polylens
