#include "http_server.h"

#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include "api_limits.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "request_policy.h"

namespace polylens {

struct http_server::compiled_route {
  route spec;
  std::regex pattern;
};

namespace {

// ---- One request's state, from the pre-routing step to the access log ------------------------------
// cpp-httplib runs a request's pre-routing handler, route or file handler, error handler and logger on
// one worker thread, one request after another, so the state of the request being answered lives in
// a thread_local. `request` tells a fresh request (say, a malformed one that skipped pre-routing) from
// the one already begun.
struct request_context {
  const httplib::Request* request = nullptr;
  std::string id;
  std::chrono::steady_clock::time_point started;
  std::string route = "unrouted";  // the pattern of the route for this path, "static", or "unrouted"
  std::string path_methods;        // methods the routes accept on this path, for 405 and preflights
  std::optional<http_response> deferred;  // the policy's answer, held until the body has been read
  nlohmann::json log_fields = nlohmann::json::object();  // a handler's extra access-log fields
};
thread_local request_context current;

std::string new_request_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

void write(const http_response& from, httplib::Response& to) {
  to.status = from.status;
  for (const auto& [k, v] : from.headers) to.set_header(k, v);
  if (!from.body.empty() || !from.content_type.empty()) to.set_content(from.body, from.content_type);
}

void write_error(const api_error& error, httplib::Response& res) {
  res.status = error.http_status();
  res.set_content(api_error{error.type, redact(error.message)}.to_json(), "application/json");
}

// "embed;dur=3.1, knn;dur=4.2, total;dur=7.9" -> {"embed_ms":3.1,"knn_ms":4.2}
void add_timing_fields(const std::string& server_timing, nlohmann::json& fields) {
  std::stringstream items(server_timing);
  std::string item;
  while (std::getline(items, item, ',')) {
    auto start = item.find_first_not_of(' ');
    if (start == std::string::npos) continue;
    std::string name = item.substr(start, item.find(';', start) - start);
    auto dur = item.find("dur=");
    if ((name != "embed" && name != "knn") || dur == std::string::npos) continue;
    try {
      fields[name + "_ms"] = std::stod(item.substr(dur + 4));
    } catch (const std::exception&) {
    }
  }
}

// Metrics labels must stay few: httplib answers 400 to unknown methods but still reports what was sent.
std::string method_label(const std::string& method) {
  static const char* known[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE"};
  for (const char* m : known)
    if (method == m) return method;
  return "other";
}

// ---- Request bodies --------------------------------------------------------------------------------
// cpp-httplib 0.11 reads a body only for these methods, and never drains one it did not read: the
// unread bytes would be parsed as the next request on the connection. So a refusal of such a
// request is sent only after its body has been read (the policy's verdict waits in
// request_context::deferred), and every such body is read here, through httplib's content reader,
// under one limit: httplib itself bounds only a Content-Length body, not a chunked one, nor what a
// compressed one inflates to. Past the limit the rest is read and dropped, so the connection stays
// in step, and the answer is 413.
bool method_has_body(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

struct body_read {
  std::string body;
  std::optional<api_error> error;  // over the limit, or unreadable
};

body_read read_body(const httplib::Request& req, const httplib::Response& res, const httplib::ContentReader& reader) {
  body_read out;
  bool too_large = false;
  auto receive = [&](const char* data, std::size_t n) {
    if (!too_large && out.body.size() + n <= limits::max_request_body_bytes) {
      out.body.append(data, n);
    } else if (!too_large) {
      too_large = true;
      std::string().swap(out.body);
    }
    return true;
  };
  // Multipart bodies are read too (and dropped part by part): the API takes JSON only.
  bool read = req.is_multipart_form_data()
                  ? reader([](const httplib::MultipartFormData&) { return true; }, [](const char*, std::size_t) { return true; })
                  : reader(receive);
  if (too_large || (!read && res.status == 413))
    out.error = api_error{error_type::payload_too_large, "the request body is over the limit of " +
                                                              std::to_string(limits::max_request_body_bytes) + " bytes"};
  else if (!read)
    out.error = api_error{error_type::invalid_request, "the request body could not be read: cut short, or bad chunked "
                                                       "encoding or Content-Encoding"};
  return out;
}

// How a body is framed and encoded, checked before it is read. httplib would inflate a compressed
// body before any limit applies (12 MiB of gzip inflate to 12 GB) and no client of this API
// compresses, so the Content-Encoding header is dropped (the body is read as it came, within the
// limit) and the request refused. Content-Length beside Transfer-Encoding is how requests are
// smuggled past a front proxy that reads the other one (RFC 9112, section 6.1).
std::optional<http_response> check_body_framing(const httplib::Request& req) {
  std::optional<http_response> refusal;
  if (req.has_header("Content-Encoding")) {
    std::string encoding = req.get_header_value("Content-Encoding");
    // httplib hands pre-routing its own, non-const Request as const; its body reader reads this header later.
    const_cast<httplib::Request&>(req).headers.erase("Content-Encoding");
    if (lower(encoding) != "identity")
      refusal = http_response::error({error_type::invalid_request, "request bodies with Content-Encoding '" +
                                                                       encoding.substr(0, 40) +
                                                                       "' are not accepted: send the JSON uncompressed"});
  }
  if (!refusal && req.has_header("Transfer-Encoding") && req.has_header("Content-Length"))
    refusal = http_response::error({error_type::invalid_request,
                                    "a request may carry Content-Length or Transfer-Encoding, not both"});
  return refusal;
}

std::string openssl_reasons() {
  std::string reasons;
  while (unsigned long code = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(code);
    reasons += (reasons.empty() ? "" : "; ") + std::string(reason ? reason : "unknown OpenSSL error");
  }
  return reasons.empty() ? "no detail from OpenSSL" : reasons;
}

// ---- Stopping: SIGTERM and SIGINT reach run() through a pipe --------------------------------------
// A signal handler may do almost nothing; writing a byte to a pipe is one of the few things it may do.
int stop_pipe[2] = {-1, -1};

void on_stop_signal(int) {
  char byte = 1;
  [[maybe_unused]] auto written = ::write(stop_pipe[1], &byte, 1);
}

void open_stop_pipe() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (::pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) log_error("cannot create the stop pipe; signals will not stop the proxy gracefully");
  });
}

}  // namespace

http_response http_response::json(std::string body, int status) {
  http_response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

http_response http_response::error(const api_error& error) {
  http_response r;
  r.status = error.http_status();
  r.body = api_error{error.type, redact(error.message)}.to_json();
  r.log["error"] = error.type_name();  // upstream failures show in the access log by their type
  return r;
}

http_server::http_server(const config& settings, metrics_registry& metrics)
    : settings_(settings),
      metrics_(metrics),
      policy_(std::make_unique<request_policy>(settings)),
      server_(std::make_unique<httplib::Server>()) {
  open_stop_pipe();
}

http_server::~http_server() = default;

void http_server::add_routes(const std::vector<route>& routes) {
  for (const auto& r : routes) routes_.push_back({r, std::regex(r.pattern)});
}

bool http_server::serve_static(const std::string& folder) {
  if (!std::filesystem::is_directory(folder)) return false;
  static_folder_ = folder;
  // The shell's inline bootstrap script may run under the CSP; no other inline script can.
  std::ifstream shell(std::filesystem::path(folder) / "index.html", std::ios::binary);
  std::string html((std::istreambuf_iterator<char>(shell)), std::istreambuf_iterator<char>());
  policy_->allow_inline_scripts(csp_inline_script_hashes(html));
  return true;
}

namespace {
// Socket-level settings: they must be in place before the listening socket is made (bind).
void configure_sockets(httplib::Server& server, int threads) {
  // httplib writes a response's headers and body separately; without TCP_NODELAY on the accepted
  // socket, Nagle holds the body until the client's delayed ACK: +40 ms per request on a kept-alive
  // connection (measured, docs/benchmarks.md). set_tcp_nodelay() does not reach accepted sockets in
  // this httplib; an option on the listening socket does (Linux copies it to accepted ones). Also
  // SO_REUSEADDR instead of httplib's default SO_REUSEPORT, which would let a second process share
  // the port silently.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
  });
  // httplib serves a connection per worker thread for as long as it is kept alive; its default of
  // 8 workers let 8 idle browser connections lock everyone else out (measured).
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  server.set_keep_alive_timeout(5);
}
}  // namespace

int http_server::bind(const std::string& host, int port) {
  configure_sockets(*server_, settings_.http_threads);
  if (port == 0) return server_->bind_to_any_port(host);
  return server_->bind_to_port(host, port) ? port : -1;
}

result<int> http_server::bind_https() {
  const std::string& listen = settings_.https_listen;
  auto colon = listen.rfind(':');
  int port = -1;
  try {
    if (colon != std::string::npos && colon > 0) port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535)
    return api_error{error_type::invalid_request, "--https-listen must be HOST:PORT, got '" + listen + "'"};
  std::string host = listen.substr(0, colon);

  const std::string& cert = settings_.tls_cert_file;
  const std::string& key = settings_.tls_key_file;
  for (const auto* file : {&cert, &key})
    if (!std::ifstream(*file))
      return api_error{error_type::invalid_request, "cannot read the TLS " + std::string(file == &cert ? "certificate" : "key") +
                                                        " file '" + *file + "' (--" + (file == &cert ? "tls-cert" : "tls-key") + ")"};

  std::string failure;
  auto server = std::make_unique<httplib::SSLServer>([&](SSL_CTX& ctx) {
    ERR_clear_error();
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
    if (SSL_CTX_use_certificate_chain_file(&ctx, cert.c_str()) != 1) {
      failure = "the TLS certificate file '" + cert + "' (--tls-cert) is not a PEM certificate chain: " + openssl_reasons();
      return false;
    }
    // OpenSSL checks the key against the certificate as it loads it.
    if (SSL_CTX_use_PrivateKey_file(&ctx, key.c_str(), SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(&ctx) != 1) {
      bool mismatch = ERR_GET_REASON(ERR_peek_error()) == X509_R_KEY_VALUES_MISMATCH;
      failure = mismatch ? "the TLS key '" + key + "' (--tls-key) does not belong to the certificate '" + cert + "' (--tls-cert)"
                         : "the TLS key file '" + key + "' (--tls-key) is not an unencrypted PEM private key";
      failure += ": " + openssl_reasons();
      return false;
    }
    return true;
  });
  if (!server->is_valid())
    return api_error{error_type::invalid_request, failure.empty() ? "cannot set up TLS: " + openssl_reasons() : failure};
  configure_sockets(*server, settings_.http_threads);
  int bound = port == 0 ? server->bind_to_any_port(host) : (server->bind_to_port(host, port) ? port : -1);
  if (bound < 0) return api_error{error_type::invalid_request, "cannot listen for HTTPS on " + listen + ": is the port in use?"};
  tls_server_ = std::move(server);
  return bound;
}

// ---- The one place every request passes through ------------------------------------------------------
void http_server::install(httplib::Server& server, bool tls) {
  server.set_payload_max_length(limits::max_request_body_bytes);
  server.set_read_timeout(30, 0);
  server.set_keep_alive_max_count(1000);

  // Starts a request's context and gives its response the headers every response carries. Runs from
  // pre-routing, and from the error handler for requests too malformed to be routed.
  auto begin = [this](const httplib::Request& req, httplib::Response& res) {
    if (current.request == &req) return;
    current = request_context{};
    current.request = &req;
    current.id = new_request_id();
    current.started = std::chrono::steady_clock::now();
    ++in_flight_;
    for (const auto& [name, value] : policy_->response_headers()) res.set_header(name, value);
    res.set_header("X-Request-Id", current.id);
  };

  server.set_pre_routing_handler([this, tls, begin](const httplib::Request& req, httplib::Response& res) {
    begin(req, res);
    policy_request p;
    p.method = req.method;
    p.path = req.path;
    p.host = req.get_header_value("Host");
    p.origin = req.get_header_value("Origin");
    p.authorization = req.get_header_value("Authorization");
    p.remote_addr = req.remote_addr;
    p.tls = tls;
    const std::string& method = req.method == "HEAD" ? std::string("GET") : req.method;
    // The route for this method, or else the first route on this path (a preflight or a 405 is
    // still logged and counted under the pattern, which keeps the metrics' labels few).
    for (const auto& r : routes_) {
      if (!std::regex_match(req.path, r.pattern)) continue;
      if (current.path_methods.empty()) current.route = r.spec.pattern;
      if (current.path_methods.find(r.spec.method) == std::string::npos)
        current.path_methods += (current.path_methods.empty() ? "" : ", ") + std::string(r.spec.method);
      if (!p.route && method == r.spec.method) {
        p.route = r.spec.access;
        current.route = r.spec.pattern;
      }
    }
    p.path_methods = current.path_methods;

    policy_verdict verdict = policy_->check(p);
    for (const auto& [name, value] : verdict.headers) res.set_header(name, value);
    if (method_has_body(req.method) && !verdict.answer) verdict.answer = check_body_framing(req);
    if (!verdict.answer) return httplib::Server::HandlerResponse::Unhandled;
    if (method_has_body(req.method)) {  // answered once the body is read: see read_body
      current.deferred = std::move(verdict.answer);
      return httplib::Server::HandlerResponse::Unhandled;
    }
    write(*verdict.answer, res);
    return httplib::Server::HandlerResponse::Handled;
  });

  // Responses httplib makes itself (no route or file, body too large, bad request line) get the
  // envelope; a 404 on a path a route serves under another method is a 405.
  server.set_error_handler(httplib::Server::HandlerWithResponse([begin](const httplib::Request& req, httplib::Response& res) {
    begin(req, res);
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (current.deferred) {
      write(*current.deferred, res);
      return httplib::Server::HandlerResponse::Handled;
    }
    api_error error{res.status >= 500 ? error_type::internal_error : error_type::invalid_request,
                    "HTTP " + std::to_string(res.status)};
    if (res.status == 404 && !current.path_methods.empty()) {
      res.set_header("Allow", current.path_methods);
      error = {error_type::method_not_allowed,
               req.method + " is not allowed on " + req.path + "; use " + current.path_methods};
    } else if (res.status == 404) {
      error = {error_type::not_found, "no route or file for " + req.path};
    } else if (res.status == 413) {
      error = {error_type::payload_too_large,
               "the request body is over the limit of " + std::to_string(limits::max_request_body_bytes) + " bytes"};
    } else if (res.status == 400) {
      error = {error_type::invalid_request, "malformed HTTP request"};
    } else if (res.status == 414) {  // no error type of its own: a 400 that says what is wrong
      error = {error_type::invalid_request, "the request line is too long (the path and query may be at most 8 KiB)"};
    }
    write_error(error, res);
    return httplib::Server::HandlerResponse::Handled;
  }));

  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log_error("unhandled exception", {{"request_id", current.id}, {"what", what}});
    write_error({error_type::internal_error, "internal error; the proxy log has the details (request " + current.id + ")"}, res);
  });

  // The access log and the request metrics, once per request, after the answer went out.
  server.set_logger([this, tls](const httplib::Request& req, const httplib::Response& res) {
    bool begun = current.request == &req;
    double ms = begun ? ms_since(current.started) : 0.0;
    nlohmann::json fields = begun ? std::move(current.log_fields) : nlohmann::json::object();
    fields.update(nlohmann::json{{"request_id", begun ? current.id : new_request_id()},
                                 {"method", req.method.substr(0, 16)},
                                 {"route", begun ? current.route : "unrouted"},
                                 {"path", req.path.substr(0, 512)},
                                 {"status", res.status},
                                 {"bytes", res.body.size()},
                                 {"remote", req.remote_addr},
                                 {"ms", ms}});
    if (tls) fields["tls"] = true;
    if (res.has_header("Server-Timing")) add_timing_fields(res.get_header_value("Server-Timing"), fields);
    log_info("request", std::move(fields));
    metrics_.count_request(method_label(req.method), begun ? current.route : "unrouted", res.status, ms);
    if (begun) --in_flight_;
    current = request_context{};
  });

  // What every route handler gets: our request type, the request id, the body; what it returns
  // becomes the response, and its log fields go to the access log.
  auto answer = [](const route& spec, const httplib::Request& req, httplib::Response& res, std::string body) {
    http_request in;
    in.method = req.method;
    in.path = req.path;
    in.body = std::move(body);
    in.request_id = current.id;
    for (std::size_t i = 1; i < req.matches.size(); ++i) in.path_params.push_back(req.matches[i]);
    for (const auto& [k, v] : req.headers) in.headers[lower(k)] = v;
    http_response out = spec.handler(in);
    if (!out.headers.count("Server-Timing"))
      out.headers["Server-Timing"] = "total;dur=" + std::to_string(ms_since(current.started));
    current.log_fields = std::move(out.log);
    write(out, res);
  };
  for (const auto& r : routes_) {
    const route& spec = r.spec;
    std::string method = spec.method;
    if (method_has_body(method)) {
      auto with_body = [spec, answer](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        body_read read = read_body(req, res, reader);
        if (current.deferred) return write(*current.deferred, res);
        if (read.error) return write_error(*read.error, res);
        answer(spec, req, res, std::move(read.body));
      };
      if (method == "POST") server.Post(spec.pattern, with_body);
      else if (method == "PUT") server.Put(spec.pattern, with_body);
      else if (method == "PATCH") server.Patch(spec.pattern, with_body);
      else server.Delete(spec.pattern, with_body);
    } else {
      server.Get(spec.pattern, [spec, answer](const httplib::Request& req, httplib::Response& res) { answer(spec, req, res, {}); });
    }
  }
  // Bodies sent to paths no route takes are read under the same limit (httplib would hold a chunked
  // one whole); the error handler then answers 404 or 405, or the policy's deferred answer.
  auto no_route = [](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    body_read read = read_body(req, res, reader);
    if (current.deferred) return write(*current.deferred, res);
    if (read.error) return write_error(*read.error, res);
    res.status = 404;
  };
  const char* any_path = R"([\s\S]*)";
  server.Post(any_path, no_route).Put(any_path, no_route).Patch(any_path, no_route).Delete(any_path, no_route);

  if (!static_folder_.empty()) {
    server.set_mount_point("/", static_folder_);
    // Browsers compile .wasm streamingly only when served as application/wasm.
    server.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");
    server.set_file_extension_and_mimetype_mapping("js", "text/javascript");
    server.set_file_extension_and_mimetype_mapping("ttf", "font/ttf");
    server.set_file_request_handler([](const httplib::Request&, httplib::Response&) { current.route = "static"; });
  }
}

// ---- Running and stopping ------------------------------------------------------------------------------
void http_server::stop() { on_stop_signal(0); }

void http_server::run() {
  install(*server_, false);
  if (tls_server_) install(*tls_server_, true);

  // A client that hangs up mid-answer must not kill the proxy: OpenSSL writes with write(2), which
  // raises SIGPIPE (plain sockets are written with MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
  char stale;
  while (::read(stop_pipe[0], &stale, 1) > 0) {
  }
  struct sigaction on_stop {};
  on_stop.sa_handler = on_stop_signal;
  sigemptyset(&on_stop.sa_mask);
  on_stop.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &on_stop, nullptr);
  sigaction(SIGINT, &on_stop, nullptr);

  std::mutex done_mutex;
  std::condition_variable done_changed;
  bool done = false;
  std::thread stopper([&] {
    pollfd wait_for_stop{stop_pipe[0], POLLIN, 0};
    while (::poll(&wait_for_stop, 1, -1) < 0 && errno == EINTR) {
    }
    {
      std::lock_guard lock(done_mutex);
      if (done) return;
    }
    // A second signal ends the process at once, the way an impatient operator expects.
    std::signal(SIGTERM, SIG_DFL);
    std::signal(SIGINT, SIG_DFL);
    // httplib's stop() closes the listening socket, and its listen call returns once the requests in
    // flight are answered. stop() does nothing to a listener that has not started yet (a signal
    // right at start-up), so this is tried again until each has been stopped while running.
    bool plain_stopped = false, tls_stopped = !tls_server_;
    auto stop_listeners = [&] {
      if (!plain_stopped && server_->is_running()) {
        server_->stop();
        plain_stopped = true;
      }
      if (!tls_stopped && tls_server_->is_running()) {
        tls_server_->stop();
        tls_stopped = true;
      }
    };
    stop_listeners();
    log_info("stopping: accepting no new connections; letting the requests in flight finish",
             {{"in_flight", in_flight_.load()}, {"grace_ms", settings_.shutdown_grace_ms}});
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(settings_.shutdown_grace_ms);
    std::unique_lock lock(done_mutex);
    while (!done) {
      lock.unlock();
      stop_listeners();
      lock.lock();
      auto now = std::chrono::steady_clock::now();
      if (done_changed.wait_until(lock, std::min(deadline, now + std::chrono::milliseconds(20)), [&] { return done; }))
        break;
      // Past the grace, idle keep-alive connections may still linger (they close within httplib's
      // keep-alive timeout, 5 s); only requests in flight are worth failing the exit for.
      if (std::chrono::steady_clock::now() >= deadline && in_flight_.load() > 0) {
        log_error("shutdown grace expired: exiting with requests still in flight",
                  {{"in_flight", in_flight_.load()}, {"grace_ms", settings_.shutdown_grace_ms}});
        std::_Exit(1);
      }
    }
  });

  std::thread tls_listener;
  if (tls_server_) tls_listener = std::thread([this] { tls_server_->listen_after_bind(); });
  server_->listen_after_bind();
  stop();  // the plain listener is done, so the other one goes too (a no-op after a signal)
  if (tls_listener.joinable()) tls_listener.join();
  {
    std::lock_guard lock(done_mutex);
    done = true;
  }
  done_changed.notify_all();
  stopper.join();
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGINT, SIG_DFL);
  log_info("stopped accepting; every request in flight has finished");
}

}  // namespace polylens
