// The one configuration struct. Every option is declared once (config.cpp: option_table) with its
// flag, environment variable, config-file key, default and help; --help and the README's flag table
// are both generated from that table. Parsed once at start (flag over env over file over default),
// then read-only.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "api_limits.h"
#include "result.h"

namespace polylens {

// One dense_vector field per Matryoshka size: vec_<dims>, with its Elasticsearch index_options type.
struct vector_field {
  int dims = 0;
  std::string index_type;  // hnsw, int8_hnsw, int4_hnsw, bbq_hnsw, flat, int8_flat, int4_flat, bbq_flat
  std::string name() const { return "vec_" + std::to_string(dims); }
};

struct config {
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;
  std::string web_root;  // folder with index.html, polylens.js, polylens.wasm; empty = API only

  std::string jina_api_url = "https://api.jina.ai/v1/embeddings";
  std::string jina_api_key;  // secret: env or file only
  std::string jina_model = "jina-clip-v2";
  int jina_timeout_ms = 30000;
  int jina_max_retries = 2;

  std::string es_url = "http://127.0.0.1:9200";
  std::string es_api_key;   // secret
  std::string es_username;
  std::string es_password;  // secret
  int es_timeout_ms = 10000;
  int es_max_retries = 2;
  std::string index_name = "polylens";
  std::vector<vector_field> fields = {{1024, "hnsw"}, {256, "int8_hnsw"}};

  int embed_batch_size = 8;  // images per embed call when indexing
  int max_batch_size = limits::default_max_batch_size;  // inputs per /api/v1/embed, images per /api/v1/images
  int jina_concurrency = 2;  // calls in flight towards Jina at once (the free tier allows 2)
  int jina_connect_timeout_ms = 5000;
  int es_connect_timeout_ms = 3000;

  // Embedding cache: LRU by bytes, keyed by a hash of model + task + input; optionally persisted.
  std::size_t cache_bytes = 64u << 20;
  std::string cache_file;  // empty: memory only

  // Gateway policy.
  std::string admin_token;                // secret; empty: the admin routes answer 401 to everyone
  std::vector<std::string> cors_origins;  // exact origins allowed to call the API from another site
  std::string frame_ancestors = "'none'";  // CSP frame-ancestors: who may embed the UI (kiosk frames)
  int rate_limit_per_minute = 120;        // per client address, token bucket refill
  int rate_limit_burst = 30;              // bucket size
  int shutdown_grace_ms = 10000;          // SIGTERM: how long in-flight requests may take to finish
  int http_threads = 64;                  // connections served at once (httplib: a thread per connection)

  // Strong-match thresholds from the operator's own calibration (docs/match-thresholds.md); unset: the
  // calibrated table in shared/match_thresholds.h for this embedder, if it has a row.
  std::optional<float> match_threshold_text;
  std::optional<float> match_threshold_image;

  // Optional HTTPS listener beside the plain one.
  std::string https_listen;  // HOST:PORT, empty: none
  std::string tls_cert_file;
  std::string tls_key_file;

  // Not options: what the command line asked for.
  std::string command;                  // serve | index
  std::vector<std::string> positionals;  // index: the folder
  std::string metadata_file;            // index: sidecar TSV

  const vector_field* field_for_dims(int dims) const;
  int largest_dims() const;
  std::vector<std::string> secrets() const;  // values that must never appear in output
  bool cors_allows(const std::string& origin) const;
};

struct config_outcome {
  config settings;
  bool exit_now = false;  // --help and friends: text printed, nothing to run
};

// argv: the full command line. env: a lookup (getenv in production, a map in tests).
using env_lookup = const char* (*)(const char*);
result<config_outcome> config_load(int argc, const char* const* argv, env_lookup env);

std::string config_help_text();
std::string config_markdown_table();  // the README's flag table

}  // namespace polylens
