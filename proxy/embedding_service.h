// Embeddings as the routes and the indexer see them: the Jina client behind the embedding cache,
// with token and cache counts going to the metrics. Every vector is the full 1024 dimensions.
// Thread-safe.
#pragma once
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "api_messages.h"
#include "config.h"
#include "embedding_cache.h"
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

// What a call carrying these inputs is billed as (metrics.h): images as documents are indexing,
// query-task calls are searches, anything mixed is "other".
token_use token_use_of(const std::vector<embed_input>& inputs, bool query);

class embedding_service {
 public:
  embedding_service(const config& settings, metrics_registry& metrics);
  ~embedding_service();

  // query: search queries get task retrieval.query; documents do not (the contract, section 2.3).
  // Looks every input up in the cache and sends only the misses to the embedder, in one call; when
  // everything is cached there is no call and tokens is 0. Texts are sent normalised
  // (embedding_text_normalise), so a cached vector is exactly the vector of its key's text. One
  // exception: until an embedder other than api.jina.ai has answered once, nothing is answered from
  // the cache, because only its answers tell whether it is a stand-in (results must say so).
  result<embed_batch> embed(const std::vector<embed_input>& inputs, bool query);

  // One tiny call straight to the embedder, past the cache, so a stand-in announces itself before
  // anyone searches (main calls it at start; embed() may answer from the cache and never ask).
  result<embedder_info> probe();

  embedder_info info() const { return client_.info(); }
  const std::string& url() const { return client_.url(); }
  embedding_cache_stats cache_stats() const;
  // Writes the cache file atomically, when one is configured, the cache is on and something changed
  // since it was loaded or last written. Failures are logged, never thrown. main calls it at
  // shutdown; the destructor calls it too, so a clean exit never loses the cache.
  void persist();

  // Connections opened towards the Jina API so far (each one a TLS handshake over HTTPS).
  long long upstream_connections_opened() const { return client_.connections_opened(); }
  // Jina calls in flight now (at most jina_concurrency).
  int upstream_calls_in_flight() const { return client_.calls_in_flight(); }

 private:
  std::string model_;
  std::string cache_file_;
  metrics_registry& metrics_;
  embedding_cache cache_;
  jina_client client_;
  std::mutex persist_mutex_;
  std::uint64_t persisted_changes_ = 0;  // cache_.changes() when the file last matched the cache
};

}  // namespace polylens
