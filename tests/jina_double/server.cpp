#include "server.h"

#include <httplib.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "control_state.h"
#include "deterministic_vectors.h"
#include "embedding_output.h"
#include "jina_errors.h"
#include "request_validation.h"

namespace jina_double {

namespace {

constexpr const char* marker_header = "X-Polylens-Test-Double";
constexpr const char* marker_value = "jina-embeddings";

// Inputs of the request this worker thread is answering, for the access log line (-1: not applicable).
thread_local long long logged_inputs = -1;

std::string request_id_next() {
  static std::atomic<std::uint64_t> counter{0};
  static const std::uint64_t start =
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  splitmix64 mix(start + counter.fetch_add(1));
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(mix.next()));
  return hex;
}

void answer(httplib::Response& res, const http_answer& a) {
  res.status = a.status;
  res.set_content(a.body, a.content_type.c_str());
}

// Authorization redacted to its last 4 characters: enough to tell keys apart, useless to anyone else.
nlohmann::json headers_summary(const httplib::Request& req) {
  nlohmann::json out = nlohmann::json::object();
  for (const char* name : {"Content-Type", "Accept", "Accept-Encoding", "User-Agent"})
    if (req.has_header(name)) out[name] = req.get_header_value(name);
  if (req.has_header("Authorization")) {
    std::string value = req.get_header_value("Authorization");
    out["Authorization"] = value.size() > 4 ? "..." + value.substr(value.size() - 4) : "...";
  }
  return out;
}

std::optional<jina_error> auth_check(const httplib::Request& req, const std::vector<std::string>& keys) {
  if (!req.has_header("Authorization")) return error_missing_api_key();
  std::string value = req.get_header_value("Authorization");
  constexpr std::string_view scheme = "bearer ";
  bool bearer = value.size() > scheme.size();
  for (std::size_t i = 0; bearer && i < scheme.size(); ++i)
    bearer = std::tolower(static_cast<unsigned char>(value[i])) == scheme[i];
  if (!bearer) return error_invalid_key_format();
  std::string key = value.substr(scheme.size());
  if (!key.starts_with("jina_") || key.size() != 65) return error_invalid_key_format();
  for (const auto& accepted : keys)
    if (key == accepted) return std::nullopt;
  return error_invalid_api_key();
}

// What a scripted fault answers. Contract-shaped unless the test supplied its own body.
void fault_answer(const fault_spec& fault, httplib::Response& res, const std::string& request_id) {
  if (fault.retry_after) res.set_header("Retry-After", std::to_string(*fault.retry_after));
  if (fault.malformed) {
    // Cut mid-token: a client that does not check its JSON parse will notice.
    res.status = 200;
    res.set_content(R"({"model":"jina-clip-v2","object":"list","usage":{"total_tokens":5,"prompt_tokens":5},"data":[{"object":"embedding","index":0,"embedding":[0.0123,-0.04)",
                    "application/json");
    return;
  }
  if (fault.body) {
    res.status = fault.status;
    res.set_content(fault.body->is_string() ? fault.body->get<std::string>() : fault.body->dump(), "application/json");
    return;
  }
  jina_error error = error_for_fault_status(fault.status);
  if (!fault.code.empty()) error.code = fault.code;
  if (!fault.detail.empty()) error.detail = fault.detail;
  answer(res, jina_error_answer(error, request_id));
}

// httplib has no accept hook, but it hands every accepted socket to its task queue exactly once (the
// worker then reads requests from it until the connection closes): counting there counts
// connections, and over HTTPS TLS handshakes. Each idle keep-alive connection holds a worker, so
// there are more workers than httplib's default 8.
class counting_task_queue : public httplib::TaskQueue {
 public:
  counting_task_queue(std::size_t threads, control_state& control) : pool_(threads), control_(control) {}
  void enqueue(std::function<void()> fn) override {
    control_.connection_accepted();
    pool_.enqueue(std::move(fn));
  }
  void shutdown() override { pool_.shutdown(); }

 private:
  httplib::ThreadPool pool_;
  control_state& control_;
};
constexpr std::size_t worker_threads = 32;

// Calls answered at once, for the proxy's concurrency-cap test.
struct in_flight_guard {
  control_state& control;
  explicit in_flight_guard(control_state& c) : control(c) { control.embedding_started(); }
  ~in_flight_guard() { control.embedding_finished(); }
};

void method_not_allowed(httplib::Server& svr, const std::string& path, const char* allow, bool get_allowed,
                        bool post_allowed) {
  auto handler = [allow](const httplib::Request&, httplib::Response& res) {
    res.set_header("Allow", allow);
    answer(res, jina_error_answer(error_method_not_allowed(), ""));
  };
  if (!get_allowed) svr.Get(path, handler);
  if (!post_allowed) svr.Post(path, handler);
  svr.Put(path, handler);
  svr.Patch(path, handler);
  svr.Delete(path, handler);
  svr.Options(path, handler);
}

}  // namespace

int server_run(const server_config& config, const embedding_model& model) {
  const bool tls = !config.tls_cert_file.empty();
  std::unique_ptr<httplib::Server> server =
      tls ? std::make_unique<httplib::SSLServer>(config.tls_cert_file.c_str(), config.tls_key_file.c_str())
          : std::make_unique<httplib::Server>();
  if (!server->is_valid()) {
    std::cerr << "jina_double: cannot load the TLS certificate " << config.tls_cert_file << " or key "
              << config.tls_key_file << std::endl;
    return 1;
  }
  httplib::Server& svr = *server;
  svr.set_tcp_nodelay(true);  // like the real API: no delayed-ACK stall between headers and body
  control_state control;
  svr.new_task_queue = [&control] { return new counting_task_queue(worker_threads, control); };
  // httplib closes a connection after 5 requests by default, which would hide whether a client
  // reuses its connections; 1000 is nginx's default (keepalive_requests). Idle ones close after 5 s.
  svr.set_keep_alive_max_count(1000);

  // Every answer says it comes from a stand-in; the proxy labels results with it.
  svr.set_default_headers({{marker_header, marker_value}});
  // Room for a >2048-item request or an over-8 MB image, so those reach validation and get Jina's answer.
  svr.set_payload_max_length(64u << 20);

  svr.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    logged_inputs = -1;
    return httplib::Server::HandlerResponse::Unhandled;
  });

  svr.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    std::string line = "jina_double: " + req.method + " " + req.path + " " + std::to_string(res.status);
    if (logged_inputs >= 0) line += " inputs=" + std::to_string(logged_inputs);
    std::cerr << line << std::endl;
  });

  // 404 for unknown paths, and a JSON body for any error httplib produced itself (e.g. 413).
  svr.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    jina_error error = res.status == 404   ? error_not_found()
                       : res.status == 413 ? jina_error{413, "Request Entity Too Large", "", true}
                                           : jina_error{res.status, "HTTP error " + std::to_string(res.status), "", true};
    // cpp-httplib caps form-encoded bodies at 8 KB; that is what `curl -d` sends by default.
    if (res.status == 413 && req.get_header_value("Content-Type").starts_with("application/x-www-form-urlencoded"))
      error.detail += ": send the body with Content-Type: application/json";
    res.set_content(jina_error_answer(error, "").body, "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));

  svr.Post("/v1/embeddings", [&](const httplib::Request& req, httplib::Response& res) {
    in_flight_guard in_flight(control);
    std::string request_id = request_id_next();
    control.request_record(request_summary(req.body), headers_summary(req));

    std::optional<fault_spec> fault = control.fault_take();
    if (fault && fault->delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(fault->delay_ms));
    bool delay_only = fault && fault->status == 200 && !fault->malformed && !fault->body;
    if (fault && !delay_only) {
      control.fault_served();
      return fault_answer(*fault, res, request_id);
    }
    if (fault) control.fault_served();  // a delay only: the call then proceeds normally

    if (auto error = auth_check(req, config.api_keys)) return answer(res, jina_error_answer(*error, request_id));

    parse_outcome parsed = embedding_request_parse(req.body, request_id);
    if (auto* rejection = std::get_if<http_answer>(&parsed)) return answer(res, *rejection);
    const embedding_request& request = std::get<embedding_request>(parsed);
    logged_inputs = static_cast<long long>(request.inputs.size());

    embedding_response response = embedding_respond(request, model);
    control.success_record(request.inputs.size(), response.tokens);
    res.status = 200;
    res.set_content(response.body, "application/json");
  });
  method_not_allowed(svr, "/v1/embeddings", "POST", false, true);

  svr.Post("/_control/faults", [&](const httplib::Request& req, httplib::Response& res) {
    auto parsed = fault_specs_parse(req.body);
    if (auto* error = std::get_if<std::string>(&parsed))
      return answer(res, jina_error_answer({400, *error, "", true}, ""));
    auto& specs = std::get<std::vector<fault_spec>>(parsed);
    std::size_t queued = specs.size();
    control.faults_push(std::move(specs));
    nlohmann::json body = {{"queued", queued}, {"faults_pending", control.stats()["faults_pending"]}};
    res.set_content(body.dump(), "application/json");
  });
  method_not_allowed(svr, "/_control/faults", "POST", false, true);

  svr.Post("/_control/reset", [&](const httplib::Request&, httplib::Response& res) {
    control.reset();
    res.set_content(R"({"reset":true})", "application/json");
  });
  method_not_allowed(svr, "/_control/reset", "POST", false, true);

  svr.Get("/_control/stats", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(control.stats().dump(), "application/json");
  });
  method_not_allowed(svr, "/_control/stats", "GET", true, false);

  int port = config.port == 0 ? svr.bind_to_any_port(config.host) : (svr.bind_to_port(config.host, config.port) ? config.port : -1);
  if (port <= 0) {
    std::cerr << "jina_double: cannot listen on " << config.host << ":" << config.port << std::endl;
    return 1;
  }
  // Tests wait for exactly this line.
  std::cout << "jina_double listening on " << (tls ? "https" : "http") << "://" << config.host << ":" << port
            << std::endl;
  return svr.listen_after_bind() ? 0 : 1;
}

}  // namespace jina_double
