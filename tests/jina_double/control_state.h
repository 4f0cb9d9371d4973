// What tests script and inspect through /_control: a FIFO of faults to inject into the next calls of
// POST /v1/embeddings, and counters plus a redacted copy of the last request. Shared by the server's
// worker threads, so every member function locks.
#pragma once
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace jina_double {

// One entry of POST /_control/faults, e.g. {"status":429,"retry_after":1,"times":2}.
struct fault_spec {
  int status = 200;                 // 200 with neither malformed nor body: a slow success (delay only)
  std::optional<int> retry_after;   // seconds; sent as Retry-After when set
  int times = 1;                    // how many consecutive calls it applies to
  int delay_ms = 0;                 // sleep before answering
  bool malformed = false;           // answer 200 with a truncated, non-JSON body
  std::optional<nlohmann::json> body;  // answer exactly this (a string is sent raw)
  std::string code;                 // override the contract's code for `status` (e.g. RATE_TOKEN_LIMIT_EXCEEDED)
  std::string detail;               // override the detail text
};

// A single spec object or an array of them; unknown fields and bad values are errors, so a typo in a
// test fails loudly instead of injecting nothing.
std::variant<std::vector<fault_spec>, std::string> fault_specs_parse(std::string_view body);
nlohmann::json fault_spec_to_json(const fault_spec& spec);

// The request body as tests want to inspect it: JSON, with every image value replaced by its decoded
// byte length (URLs kept), so stats stay small. A body that is not JSON is returned as a (cut) string.
nlohmann::json request_summary(std::string_view body);

class control_state {
 public:
  void faults_push(std::vector<fault_spec> specs);
  // The fault for the call arriving now, if any; uses up one of its `times`.
  std::optional<fault_spec> fault_take();
  void reset();

  // Every call of POST /v1/embeddings, before anything else happens to it.
  void request_record(nlohmann::json summary, nlohmann::json headers);
  void fault_served();
  void success_record(std::size_t inputs, long long tokens);

  // Every TCP connection the server accepts (over HTTPS, every TLS handshake).
  void connection_accepted();
  // Around each call of POST /v1/embeddings, for the peak of calls answered at once.
  void embedding_started();
  void embedding_finished();

  // {"embedding_requests","inputs","tokens","faults_served","faults_pending","last_request",
  //  "last_request_headers","connections_accepted","in_flight","max_in_flight"}
  nlohmann::json stats() const;

 private:
  mutable std::mutex mutex_;
  std::deque<fault_spec> faults_;
  long long embedding_requests_ = 0;
  long long inputs_ = 0;
  long long tokens_ = 0;
  long long faults_served_ = 0;
  long long connections_accepted_ = 0;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
  nlohmann::json last_request_;
  nlohmann::json last_request_headers_;
};

}  // namespace jina_double
