// The embed call: POST to the Jina Embeddings API (model jina-clip-v2), always for the full 1024
// dimensions, so one call serves every Matryoshka field (shared/matryoshka.h derives the rest).
// At most jina_concurrency calls are in flight (the free tier allows 2); 429, 5xx and dropped
// connections are retried up to jina_max_retries times. Contract: ../shared/contracts/jina-embeddings-api.md.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "api_messages.h"
#include "config.h"
#include "metrics.h"
#include "result.h"
#include "upstream_client.h"

namespace polylens {

struct embed_input {
  enum class kind { text, image } type = kind::text;
  std::string value;  // the text, or the image bytes (sent base64)
};

struct embed_output {
  std::vector<std::vector<float>> vectors;  // one per input, in input order, 1024 dims, unit length
  int tokens = 0;
};

// A counting semaphore that serves waiters in arrival order and lets them give up.
class call_slots {
 public:
  explicit call_slots(int slots) : slots_(slots) {}
  // False when no slot came free within `patience`.
  bool acquire(std::chrono::milliseconds patience);
  void release();
  int in_flight() const;
  int slots() const { return slots_; }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::uint64_t> waiting_;  // tickets, oldest first
  std::uint64_t next_ticket_ = 0;
  int slots_;
  int in_flight_ = 0;
};

class jina_client {
 public:
  jina_client(const config& settings, metrics_registry& metrics);

  // query: true for search queries (task retrieval.query, as Jina advises for the query side).
  result<embed_output> embed(const std::vector<embed_input>& inputs, bool query);

  // Who is answering: the real API, or a stand-in that announced itself with X-Polylens-Test-Double.
  embedder_info info() const;
  // True once info() can be trusted: the URL is the official API, or an answer has arrived (a
  // stand-in announces itself only in its answers).
  bool identity_known() const { return official_ || answered_.load(); }
  const std::string& url() const { return url_; }
  // Connections opened towards the Jina API so far (each a TLS handshake over HTTPS).
  long long connections_opened() const { return upstream_.connections_opened(); }
  int calls_in_flight() const { return slots_.in_flight(); }

 private:
  struct attempts {
    upstream_response last;
    int count = 0;           // calls made
    std::string gave_up_why;  // set when a retryable failure was not retried (e.g. a long Retry-After)
  };
  result<attempts> send_with_retries(const std::string& body);

  std::string url_;
  std::string model_;
  int max_retries_;
  int timeout_ms_;
  metrics_registry& metrics_;
  upstream_client upstream_;
  call_slots slots_;
  bool official_;
  std::atomic<bool> answered_{false};
  std::atomic<bool> stand_in_{false};
};

}  // namespace polylens
