#include "upstream_client.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>

namespace polylens {

namespace {
constexpr std::size_t max_idle_connections = 8;

// Set by the socket-options hook, which httplib calls on the requesting thread for every socket it
// creates: tells send() that this request opened a connection instead of reusing one.
thread_local bool opened_a_connection = false;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// httplib reports a read timeout and a peer that hung up alike (Error::Read); the clock tells them apart.
void describe_failure(httplib::Error err, double elapsed_ms, int connect_timeout_ms, int read_timeout_ms,
                      const httplib::Client& client, upstream_response& out) {
  using httplib::Error;
  switch (err) {
    case Error::Connection:
      out.failure = transport_failure::connect;
      out.failure_text = "could not connect (refused, unreachable or unknown host)";
      return;
    case Error::ConnectionTimeout:
      out.failure = transport_failure::connect;
      out.failure_text = "could not connect within " + std::to_string(connect_timeout_ms) + " ms";
      return;
    case Error::Read:
      if (elapsed_ms >= read_timeout_ms * 0.9) {
        out.failure = transport_failure::timeout;
        out.failure_text = "no answer within " + std::to_string(read_timeout_ms) + " ms";
      } else {
        out.failure = transport_failure::closed;
        out.failure_text = "the connection closed before the answer was complete";
      }
      return;
    case Error::Write:
      out.failure = transport_failure::closed;
      out.failure_text = "the connection broke while sending the request";
      return;
    case Error::SSLConnection:
      out.failure = transport_failure::tls;
      out.failure_text = "the TLS handshake failed";
      return;
    case Error::SSLLoadingCerts:
      out.failure = transport_failure::tls;
      out.failure_text = "cannot load the CA certificates (system store, or SSL_CERT_FILE / SSL_CERT_DIR)";
      return;
    case Error::SSLServerVerification: {
      out.failure = transport_failure::tls;
      long verify = client.get_openssl_verify_result();
      out.failure_text = verify == X509_V_OK
                             ? std::string("the server's TLS certificate does not name this host")
                             : std::string("the server's TLS certificate does not verify (") +
                                   X509_verify_cert_error_string(verify) +
                                   "; the CA store is the system's, or SSL_CERT_FILE)";
      return;
    }
    default:
      out.failure = transport_failure::other;
      out.failure_text = httplib::to_string(err);
      return;
  }
}
}  // namespace

std::string upstream_response::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

bool upstream_target_parse(const std::string& url, upstream_target& out) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return false;
  std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return false;
  auto host_start = scheme_end + 3;
  auto path_start = url.find('/', host_start);
  std::string authority = url.substr(host_start, path_start == std::string::npos ? std::string::npos : path_start - host_start);
  if (authority.empty() || authority.find('@') != std::string::npos) return false;  // credentials go in headers
  out.origin = scheme + "://" + authority;
  out.path_prefix = path_start == std::string::npos ? "" : url.substr(path_start);
  while (!out.path_prefix.empty() && out.path_prefix.back() == '/') out.path_prefix.pop_back();
  out.host = authority;
  return true;
}

upstream_client::upstream_client(const std::string& url, int connect_timeout_ms, int read_timeout_ms,
                                 std::map<std::string, std::string> fixed_headers)
    : connect_timeout_ms_(connect_timeout_ms),
      read_timeout_ms_(read_timeout_ms),
      fixed_headers_(std::move(fixed_headers)) {
  upstream_target_parse(url, target_);  // config validated the URL already
}

upstream_client::~upstream_client() = default;

std::unique_ptr<httplib::Client> upstream_client::borrow() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!idle_.empty()) {
      auto client = std::move(idle_.back());  // the most recently used: the likeliest to be alive
      idle_.pop_back();
      return client;
    }
  }
  auto client = std::make_unique<httplib::Client>(target_.origin);
  client->set_keep_alive(true);
  // httplib writes headers and body separately; with Nagle's algorithm the body then waits for the
  // peer's delayed ACK (~40 ms on Linux) on every request. Measured: 43 ms -> 1 ms per embed call.
  client->set_tcp_nodelay(true);
  client->set_socket_options([](int) { opened_a_connection = true; });
  client->set_connection_timeout(std::chrono::milliseconds(connect_timeout_ms_));
  client->set_read_timeout(std::chrono::milliseconds(read_timeout_ms_));
  client->set_write_timeout(std::chrono::milliseconds(read_timeout_ms_));
  client->set_compress(false);  // upstream bodies are small JSON; keep replies uncompressed
  // httplib verifies by default; said here so that it stays so. No CA path is set, so OpenSSL's
  // default paths apply, and with them SSL_CERT_FILE / SSL_CERT_DIR.
  client->enable_server_certificate_verification(true);
  return client;
}

void upstream_client::give_back(std::unique_ptr<httplib::Client> client) {
  std::lock_guard lock(pool_mutex_);
  if (idle_.size() < max_idle_connections) idle_.push_back(std::move(client));
}

upstream_response upstream_client::send(const std::string& method, const std::string& path, const std::string& body,
                                        const std::string& content_type) {
  auto client = borrow();
  httplib::Headers headers;
  for (const auto& [k, v] : fixed_headers_) headers.emplace(k, v);
  std::string full_path = target_.path_prefix + path;
  opened_a_connection = false;
  auto started = std::chrono::steady_clock::now();
  httplib::Result res = [&] {
    if (method == "GET") return client->Get(full_path, headers);
    if (method == "HEAD") return client->Head(full_path, headers);
    if (method == "DELETE") return client->Delete(full_path, headers, body, content_type);
    if (method == "PUT") return client->Put(full_path, headers, body, content_type);
    return client->Post(full_path, headers, body, content_type);
  }();

  upstream_response out;
  if (!res) {
    double elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    describe_failure(res.error(), elapsed_ms, connect_timeout_ms_, read_timeout_ms_, *client, out);
  }
  // A socket whose connect failed is not a connection (a host with several addresses tries each).
  out.new_connection = opened_a_connection && out.failure != transport_failure::connect;
  if (out.new_connection) connections_opened_.fetch_add(1);
  if (!res) return out;  // a failed connection is not reused
  out.status = res->status;
  out.body = std::move(res->body);
  for (const auto& [k, v] : res->headers) out.headers[lower(k)] = v;
  give_back(std::move(client));
  return out;
}

}  // namespace polylens
