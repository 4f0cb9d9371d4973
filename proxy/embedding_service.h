// Embeddings as the routes and the indexer see them: the Jina client behind the embedding cache,
// with token and cache counts going to the metrics. Every vector is the full 1024 dimensions.
#pragma once
#include <string>
#include <vector>

#include "api_messages.h"
#include "config.h"
#include "jina_client.h"
#include "metrics.h"
#include "result.h"

namespace polylens {

struct embedded_item {
  std::vector<float> vector;  // 1024 dims, unit length
  bool cached = false;        // answered from the cache, not the embedder
};

struct embed_batch {
  std::vector<embedded_item> items;  // one per input, in input order
  int tokens = 0;                    // billed for this call (0 when everything was cached)
};

struct embedding_cache_stats {
  std::size_t entries = 0;
  std::size_t bytes = 0;
  std::size_t budget = 0;
};

class embedding_service {
 public:
  embedding_service(const config& settings, metrics_registry& metrics);
  ~embedding_service();

  // query: search queries get task retrieval.query; documents do not (the contract, section 2.3).
  result<embed_batch> embed(const std::vector<embed_input>& inputs, bool query);

  embedder_info info() const { return client_.info(); }
  const std::string& url() const { return client_.url(); }
  embedding_cache_stats cache_stats() const;
  void persist();  // writes the cache file, when one is configured

 private:
  jina_client client_;
  metrics_registry& metrics_;
};

}  // namespace polylens
