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

// The index_options types a field may have, in Elasticsearch's upgrade order within each family.
const std::vector<std::string>& vector_index_types();

// Why Elasticsearch 9.2 would refuse this field's mapping, naming the field; "" when it takes it.
// Within the 64..1024 dims Polylens offers, ES refuses only int4 with odd dims (checked against a
// live 9.2.4: "int4_hnsw only supports even dimensions"); bbq needs at least 64 dims.
std::string vector_field_problem(const vector_field& field);

// What `polylens report` measures; the flags live in the one option table like every other.
struct report_options {
  std::vector<int> dims = {1024, 512, 256, 128, 64};
  std::vector<std::string> types = {"hnsw", "int8_hnsw", "int4_hnsw", "bbq_hnsw"};
  std::string queries_file = "assets/queries.tsv";
  int k = 10;
  int num_candidates = 0;        // 0: what searches use, default_num_candidates(k)
  std::string format = "table";  // table | markdown | json
  std::string output_file;       // empty: stdout
  int synthetic = 0;             // noisy copies of the stored vectors added to every scratch index
  std::string images_dir;        // measure tokens per image through the embedder (originals and resized)
  double rescore = 0;            // > 0: also measure int8/int4 fields with query-time rescore_vector oversample
  bool keep = false;             // keep the scratch indices
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

  // Where vectors live: "elasticsearch", "embedded", or empty for Elasticsearch when es_url is set
  // and the embedded store otherwise (see store_kind()).
  std::string backend;
  std::string data_dir = "polylens-data";  // the embedded store's directory
  int hnsw_threshold = 20000;              // embedded: above this many images, search an HNSW graph

  std::string es_url;  // empty: not configured
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
  std::string command;                  // serve | index | migrate | report
  std::vector<std::string> positionals;  // index: the folder
  std::string metadata_file;            // index: sidecar TSV
  std::string migrate_from, migrate_to;  // migrate: "embedded" or "elasticsearch"
  report_options report;                // report: what to measure

  std::string store_kind() const { return !backend.empty() ? backend : es_url.empty() ? "embedded" : "elasticsearch"; }
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
