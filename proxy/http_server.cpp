#include "http_server.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <regex>

#include "api_limits.h"
#include "log.h"

namespace polylens {

namespace {

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

void write(const http_response& from, httplib::Response& to) {
  to.status = from.status;
  for (const auto& [k, v] : from.headers) to.set_header(k, v);
  to.set_content(from.body, from.content_type);
}

// Headers every response carries (policy for kiosks and CSP come with the gateway work).
void set_common_headers(httplib::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
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
  return r;
}

http_server::http_server() : server_(std::make_unique<httplib::Server>()) {
  server_->set_payload_max_length(limits::max_request_body_bytes);
  server_->set_read_timeout(30, 0);
  server_->set_keep_alive_max_count(1000);
  server_->set_tcp_nodelay(true);  // small JSON answers must not wait for the client's delayed ACK

  // Responses httplib makes itself (no route, body too large, bad request line) get the envelope;
  // a 405 is a path we know under another method.
  server_->set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    api_error error{error_type::internal_error, "HTTP " + std::to_string(res.status)};
    if (res.status == 404) {
      std::string allowed;
      for (const auto& r : routes_)
        if (std::regex_match(req.path, std::regex(r.pattern))) allowed += (allowed.empty() ? "" : ", ") + std::string(r.method);
      if (!allowed.empty()) {
        res.status = 405;
        res.set_header("Allow", allowed);
        error = {error_type::method_not_allowed, req.method + " is not allowed on " + req.path + "; use " + allowed};
      } else {
        error = {error_type::not_found, "no route or file for " + req.path};
      }
    } else if (res.status == 413) {
      error = {error_type::payload_too_large,
               "the request body is over the limit of " + std::to_string(limits::max_request_body_bytes) + " bytes"};
    } else if (res.status == 400) {
      error = {error_type::invalid_request, "malformed HTTP request"};
    }
    set_common_headers(res);
    res.set_content(error.to_json(), "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));

  server_->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log_error("unhandled exception", {{"what", what}});
    res.status = 500;
    res.set_content(api_error{error_type::internal_error, "internal error; the proxy log has the details"}.to_json(),
                    "application/json");
  });

  server_->set_logger([](const httplib::Request& req, const httplib::Response& res) {
    nlohmann::json fields = {{"method", req.method}, {"path", req.path}, {"status", res.status},
                             {"bytes", res.body.size()}, {"remote", req.remote_addr}};
    if (res.has_header("X-Request-Id")) fields["request_id"] = res.get_header_value("X-Request-Id");
    if (res.has_header("Server-Timing")) fields["timing"] = res.get_header_value("Server-Timing");
    log_info("request", std::move(fields));
  });
}

http_server::~http_server() = default;

void http_server::add_routes(const std::vector<route>& routes) {
  for (const auto& r : routes) {
    routes_.push_back(r);
    http_handler handler = r.handler;
    auto adapter = [handler](const httplib::Request& req, httplib::Response& res) {
      auto started = std::chrono::steady_clock::now();
      http_request in;
      in.method = req.method;
      in.path = req.path;
      in.body = req.body;
      in.request_id = new_request_id();
      for (std::size_t i = 1; i < req.matches.size(); ++i) in.path_params.push_back(req.matches[i]);
      for (const auto& [k, v] : req.headers) in.headers[lower(k)] = v;
      http_response out = handler(in);
      auto took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
      out.headers["X-Request-Id"] = in.request_id;
      if (!out.headers.count("Server-Timing")) out.headers["Server-Timing"] = "total;dur=" + std::to_string(took);
      set_common_headers(res);
      write(out, res);
    };
    std::string method = r.method;
    if (method == "GET") server_->Get(r.pattern, adapter);
    else if (method == "POST") server_->Post(r.pattern, adapter);
    else if (method == "DELETE") server_->Delete(r.pattern, adapter);
    else if (method == "PUT") server_->Put(r.pattern, adapter);
  }
}

bool http_server::serve_static(const std::string& folder) {
  if (!server_->set_mount_point("/", folder)) return false;
  // Browsers compile .wasm streamingly only when served as application/wasm.
  server_->set_file_extension_and_mimetype_mapping("wasm", "application/wasm");
  server_->set_file_extension_and_mimetype_mapping("js", "text/javascript");
  server_->set_file_extension_and_mimetype_mapping("ttf", "font/ttf");
  server_->set_file_request_handler([](const httplib::Request&, httplib::Response& res) { set_common_headers(res); });
  return true;
}

int http_server::bind(const std::string& host, int port) {
  if (port == 0) return server_->bind_to_any_port(host);
  return server_->bind_to_port(host, port) ? port : -1;
}

void http_server::run() { server_->listen_after_bind(); }
void http_server::stop() { server_->stop(); }

}  // namespace polylens
