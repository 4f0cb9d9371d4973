// The embed call: POST to the Jina Embeddings API (model jina-clip-v2), always for the full 1024
// dimensions, so one call serves every Matryoshka field (shared/matryoshka.h derives the rest).
// Contract: ../shared/contracts/jina-embeddings-api.md.
#pragma once
#include <atomic>
#include <string>
#include <vector>

#include "api_messages.h"
#include "config.h"
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

class jina_client {
 public:
  explicit jina_client(const config& settings);

  // query: true for search queries (task retrieval.query, as Jina advises for the query side).
  result<embed_output> embed(const std::vector<embed_input>& inputs, bool query);

  // Who is answering: the real API, or a stand-in that announced itself with X-Polylens-Test-Double.
  embedder_info info() const;
  const std::string& url() const { return url_; }

 private:
  upstream_response send_with_retries(const std::string& body);

  std::string url_;
  std::string model_;
  int max_retries_;
  upstream_client upstream_;
  std::atomic<bool> stand_in_{false};
};

}  // namespace polylens
