#include "config.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api_limits.h"

namespace polylens {

namespace {

api_error config_error(const std::string& message) { return {error_type::invalid_request, message}; }

// An option's value arrives as text from a flag, the environment or the file; `apply` parses it
// into the struct or says what is wrong with it.
struct option_spec {
  const char* flag;  // without "--"; empty for secrets, which never go on a command line (ps shows it)
  const char* env;
  const char* file_key;
  const char* value_name;  // empty: a switch, given without a value (--keep)
  const char* help;
  std::function<std::string(const config&)> show_default;
  std::function<std::string(config&, const std::string&)> apply;  // returns an error message or ""
};

std::string parse_int(const std::string& text, int min, int max, int& out) {
  try {
    std::size_t used = 0;
    long long v = std::stoll(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
    if (v < min || v > max)
      return "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + text;
    out = static_cast<int>(v);
    return "";
  } catch (const std::exception&) {
    return "must be a whole number, got '" + text + "'";
  }
}

// A cosine similarity threshold: a number in [-1, 1].
std::string parse_threshold(const std::string& text, std::optional<float>& out) {
  try {
    std::size_t used = 0;
    double v = std::stod(text, &used);
    if (used != text.size() || !(v >= -1.0 && v <= 1.0)) throw std::invalid_argument(text);
    out = static_cast<float>(v);
    return "";
  } catch (const std::exception&) {
    return "must be a cosine similarity between -1 and 1, e.g. 0.25, got '" + text + "'";
  }
}

std::string threshold_text(const std::optional<float>& value) {
  if (!value) return "(calibrated: shared/match_thresholds.h)";
  std::ostringstream out;
  out << *value;
  return out.str();
}

std::string parse_bytes(const std::string& text, std::size_t& out) {
  constexpr unsigned long long max_bytes = 64ull << 30;
  if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != std::string::npos)
    return "must be a number of bytes, got '" + text + "'";
  unsigned long long v = std::stoull(text);
  if (v > max_bytes) return "must be at most " + std::to_string(max_bytes) + " bytes (64 GiB), got " + text;
  out = static_cast<std::size_t>(v);
  return "";
}

std::string parse_store_kind(const std::string& v, std::string& out) {
  if (v != "embedded" && v != "elasticsearch") return "must be 'embedded' or 'elasticsearch', got '" + v + "'";
  out = v;
  return "";
}

std::string parse_url(const std::string& text, std::string& out) {
  if (text.rfind("http://", 0) != 0 && text.rfind("https://", 0) != 0)
    return "must start with http:// or https://, got '" + text + "'";
  if (text.find('@') != std::string::npos)
    return "must not carry credentials; use the secret variables (see polylens --help)";
  out = text;
  while (!out.empty() && out.back() == '/') out.pop_back();
  return "";
}

std::string index_types_text() {
  std::string text;
  for (const auto& t : vector_index_types()) text += (text.empty() ? "" : ", ") + t;
  return text;
}

bool is_index_type(const std::string& type) {
  const auto& types = vector_index_types();
  return std::find(types.begin(), types.end(), type) != types.end();
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) items.push_back(item);
  return items;
}

// Every message names the field ("vec_65") and the item as written, so a long --fields list
// points at the one to fix.
std::string parse_fields(const std::string& text, std::vector<vector_field>& out) {
  std::vector<vector_field> fields;
  for (const auto& item : split_list(text)) {
    auto colon = item.find(':');
    std::string dims_text = item.substr(0, colon);
    vector_field field;
    std::string err = parse_int(dims_text, limits::min_dims, limits::full_dims, field.dims);
    if (!err.empty()) return "field '" + item + "' (vec_" + dims_text + "): dims " + err;
    field.index_type = colon == std::string::npos ? "hnsw" : item.substr(colon + 1);
    if (auto problem = vector_field_problem(field); !problem.empty()) return problem;
    for (const auto& f : fields)
      if (f.dims == field.dims) return "field " + field.name() + ": dims " + std::to_string(field.dims) + " listed twice";
    fields.push_back(field);
  }
  if (fields.empty()) return "needs at least one field, e.g. 1024:hnsw,256:int8_hnsw";
  std::sort(fields.begin(), fields.end(), [](auto& a, auto& b) { return a.dims > b.dims; });
  out = fields;
  return "";
}

// report: --dims 1024,512,... (each a Matryoshka size Polylens offers), largest first.
std::string parse_dims_list(const std::string& text, std::vector<int>& out) {
  std::vector<int> dims;
  for (const auto& item : split_list(text)) {
    int d = 0;
    if (auto err = parse_int(item, limits::min_dims, limits::full_dims, d); !err.empty()) return "has '" + item + "': " + err;
    if (std::find(dims.begin(), dims.end(), d) == dims.end()) dims.push_back(d);
  }
  if (dims.empty()) return "needs at least one size, e.g. 1024,256";
  std::sort(dims.rbegin(), dims.rend());
  out = dims;
  return "";
}

// report: --types hnsw,int8_hnsw,... in the order given.
std::string parse_types_list(const std::string& text, std::vector<std::string>& out) {
  std::vector<std::string> types;
  for (const auto& item : split_list(text)) {
    if (!is_index_type(item)) return "has '" + item + "', which is not one of " + index_types_text();
    if (std::find(types.begin(), types.end(), item) == types.end()) types.push_back(item);
  }
  if (types.empty()) return "needs at least one index type, e.g. hnsw,int8_hnsw";
  out = types;
  return "";
}

std::string parse_choice(const std::string& text, const std::vector<std::string>& choices, std::string& out) {
  if (std::find(choices.begin(), choices.end(), text) != choices.end()) {
    out = text;
    return "";
  }
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
  return "must be one of " + list + ", got '" + text + "'";
}

// Elasticsearch's rescore_vector.oversample: 0 (off) or 1.0..10.0.
std::string parse_oversample(const std::string& text, double& out) {
  try {
    std::size_t used = 0;
    double v = std::stod(text, &used);
    if (used != text.size() || !(v == 0 || (v >= 1.0 && v <= 10.0)))
      return "must be 0 (off) or between 1 and 10, as Elasticsearch's oversample, got " + text;
    out = v;
    return "";
  } catch (const std::exception&) {
    return "must be a number, got '" + text + "'";
  }
}

std::string parse_switch(const std::string& text, bool& out) {
  if (text == "true" || text == "1") out = true;
  else if (text == "false" || text == "0") out = false;
  else return "takes no value (or =true / =false), got '" + text + "'";
  return "";
}

template <typename T>
std::string join(const std::vector<T>& items) {
  std::ostringstream out;
  for (std::size_t i = 0; i < items.size(); ++i) out << (i ? "," : "") << items[i];
  return out.str();
}

std::string parse_origins(const std::string& text, std::vector<std::string>& out) {
  std::vector<std::string> origins;
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    if (item.empty()) continue;
    if (item.rfind("http://", 0) != 0 && item.rfind("https://", 0) != 0)
      return "has '" + item + "': an origin is scheme://host[:port], e.g. https://kiosk.example.org";
    if (item.find('/', item.find("://") + 3) != std::string::npos)
      return "has '" + item + "': an origin has no path (drop the trailing /...)";
    origins.push_back(item);
  }
  out = origins;
  return "";
}

std::string fields_text(const std::vector<vector_field>& fields) {
  std::string text;
  for (const auto& f : fields) text += (text.empty() ? "" : ",") + std::to_string(f.dims) + ":" + f.index_type;
  return text;
}

std::string read_secret_file(const std::string& path, std::string& out) {
  std::ifstream in(path);
  if (!in) return "cannot read the file '" + path + "'";
  std::getline(in, out);
  while (!out.empty() && (out.back() == '\r' || out.back() == ' ')) out.pop_back();
  if (out.empty()) return "the file '" + path + "' is empty";
  return "";
}

#define STRING_OPTION(member) \
  [](const config& c) { return c.member; }, [](config& c, const std::string& v) { c.member = v; return std::string(); }
#define SECRET_OPTION(member) \
  [](const config&) { return std::string("(none)"); }, \
      [](config& c, const std::string& v) { c.member = v; return std::string(); }

const std::vector<option_spec>& option_table() {
  static const std::vector<option_spec> table = {
      {"listen", "POLYLENS_LISTEN", "listen", "HOST:PORT", "address the proxy listens on",
       [](const config& c) { return c.listen_host + ":" + std::to_string(c.listen_port); },
       [](config& c, const std::string& v) -> std::string {
         auto colon = v.rfind(':');
         if (colon == std::string::npos || colon == 0) return "must be HOST:PORT, got '" + v + "'";
         c.listen_host = v.substr(0, colon);
         return parse_int(v.substr(colon + 1), 0, 65535, c.listen_port);
       }},
      {"web-root", "POLYLENS_WEB_ROOT", "web_root", "DIR", "folder of the web bundle served at / (empty: API only)",
       STRING_OPTION(web_root)},
      {"jina-api-url", "JINA_API_URL", "jina_api_url", "URL", "the Jina Embeddings endpoint",
       [](const config& c) { return c.jina_api_url; },
       [](config& c, const std::string& v) { return parse_url(v, c.jina_api_url); }},
      {"", "JINA_API_KEY", "jina_api_key", "KEY", "Jina API key (secret: environment or config file only)",
       SECRET_OPTION(jina_api_key)},
      {"jina-api-key-file", "JINA_API_KEY_FILE", "jina_api_key_file", "FILE", "read the Jina API key from this file",
       [](const config&) { return std::string("(none)"); },
       [](config& c, const std::string& v) { return read_secret_file(v, c.jina_api_key); }},
      {"jina-timeout-ms", "JINA_TIMEOUT_MS", "jina_timeout_ms", "MS", "read timeout for one Jina call",
       [](const config& c) { return std::to_string(c.jina_timeout_ms); },
       [](config& c, const std::string& v) { return parse_int(v, 100, 600000, c.jina_timeout_ms); }},
      {"jina-max-retries", "JINA_MAX_RETRIES", "jina_max_retries", "N",
       "retries after a Jina 429/5xx or connection error (exponential backoff, honours Retry-After)",
       [](const config& c) { return std::to_string(c.jina_max_retries); },
       [](config& c, const std::string& v) { return parse_int(v, 0, 10, c.jina_max_retries); }},
      {"backend", "POLYLENS_BACKEND", "backend", "embedded|elasticsearch",
       "where vectors live; default: elasticsearch when ES_URL is set, else the embedded store in --data-dir",
       [](const config& c) { return c.backend.empty() ? std::string("(auto)") : c.backend; },
       [](config& c, const std::string& v) { return parse_store_kind(v, c.backend); }},
      {"data-dir", "POLYLENS_DATA_DIR", "data_dir", "DIR", "the embedded store's directory (created when missing)",
       STRING_OPTION(data_dir)},
      {"hnsw-threshold", "POLYLENS_HNSW_THRESHOLD", "hnsw_threshold", "N",
       "embedded store: exact search up to this many images, an HNSW graph above",
       [](const config& c) { return std::to_string(c.hnsw_threshold); },
       [](config& c, const std::string& v) { return parse_int(v, 0, 100000000, c.hnsw_threshold); }},
      {"es-url", "ES_URL", "es_url", "URL", "Elasticsearch base URL; setting it selects Elasticsearch",
       [](const config& c) { return c.es_url.empty() ? std::string("(none)") : c.es_url; },
       [](config& c, const std::string& v) { return parse_url(v, c.es_url); }},
      {"", "ES_API_KEY", "es_api_key", "KEY", "Elasticsearch API key, the 'encoded' form (secret)",
       SECRET_OPTION(es_api_key)},
      {"es-username", "ES_USERNAME", "es_username", "USER", "Elasticsearch user for basic auth",
       STRING_OPTION(es_username)},
      {"", "ES_PASSWORD", "es_password", "PASSWORD", "Elasticsearch password (secret)", SECRET_OPTION(es_password)},
      {"es-timeout-ms", "ES_TIMEOUT_MS", "es_timeout_ms", "MS", "read timeout for one Elasticsearch call",
       [](const config& c) { return std::to_string(c.es_timeout_ms); },
       [](config& c, const std::string& v) { return parse_int(v, 100, 600000, c.es_timeout_ms); }},
      {"es-max-retries", "ES_MAX_RETRIES", "es_max_retries", "N",
       "retries after an Elasticsearch 429/502/503/504 or a refused connection (jittered backoff)",
       [](const config& c) { return std::to_string(c.es_max_retries); },
       [](config& c, const std::string& v) { return parse_int(v, 0, 10, c.es_max_retries); }},
      {"index", "POLYLENS_INDEX", "index", "NAME", "Elasticsearch index name", STRING_OPTION(index_name)},
      {"fields", "POLYLENS_FIELDS", "fields", "DIMS:TYPE,...",
       "Matryoshka vector fields and their index_options type (64..1024 dims)",
       [](const config& c) { return fields_text(c.fields); },
       [](config& c, const std::string& v) { return parse_fields(v, c.fields); }},
      {"embed-batch-size", "POLYLENS_EMBED_BATCH_SIZE", "embed_batch_size", "N", "images per embed call when indexing",
       [](const config& c) { return std::to_string(c.embed_batch_size); },
       [](config& c, const std::string& v) { return parse_int(v, 1, 64, c.embed_batch_size); }},
      {"max-batch-size", "POLYLENS_MAX_BATCH_SIZE", "max_batch_size", "N",
       "inputs per /api/v1/embed call and images per /api/v1/images call",
       [](const config& c) { return std::to_string(c.max_batch_size); },
       [](config& c, const std::string& v) { return parse_int(v, 1, 256, c.max_batch_size); }},
      {"jina-concurrency", "JINA_CONCURRENCY", "jina_concurrency", "N", "Jina calls in flight at once; more wait",
       [](const config& c) { return std::to_string(c.jina_concurrency); },
       [](config& c, const std::string& v) { return parse_int(v, 1, 256, c.jina_concurrency); }},
      {"jina-connect-timeout-ms", "JINA_CONNECT_TIMEOUT_MS", "jina_connect_timeout_ms", "MS",
       "connect timeout towards the Jina API",
       [](const config& c) { return std::to_string(c.jina_connect_timeout_ms); },
       [](config& c, const std::string& v) { return parse_int(v, 50, 60000, c.jina_connect_timeout_ms); }},
      {"es-connect-timeout-ms", "ES_CONNECT_TIMEOUT_MS", "es_connect_timeout_ms", "MS",
       "connect timeout towards Elasticsearch",
       [](const config& c) { return std::to_string(c.es_connect_timeout_ms); },
       [](config& c, const std::string& v) { return parse_int(v, 50, 60000, c.es_connect_timeout_ms); }},
      {"cache-bytes", "POLYLENS_CACHE_BYTES", "cache_bytes", "BYTES", "embedding cache budget (0 turns it off)",
       [](const config& c) { return std::to_string(c.cache_bytes); },
       [](config& c, const std::string& v) { return parse_bytes(v, c.cache_bytes); }},
      {"cache-file", "POLYLENS_CACHE_FILE", "cache_file", "FILE",
       "keep the embedding cache in this file across restarts (empty: memory only)", STRING_OPTION(cache_file)},
      {"", "POLYLENS_ADMIN_TOKEN", "admin_token", "TOKEN",
       "token for the admin routes (POST/DELETE /api/v1/images), sent as 'Authorization: Bearer TOKEN' (secret)",
       SECRET_OPTION(admin_token)},
      {"cors-origins", "POLYLENS_CORS_ORIGINS", "cors_origins", "ORIGIN,...",
       "origins allowed to call the API from another site, e.g. https://kiosk.example.org (empty: same origin only)",
       [](const config& c) {
         std::string text;
         for (const auto& o : c.cors_origins) text += (text.empty() ? "" : ",") + o;
         return text;
       },
       [](config& c, const std::string& v) { return parse_origins(v, c.cors_origins); }},
      {"frame-ancestors", "POLYLENS_FRAME_ANCESTORS", "frame_ancestors", "SOURCES",
       "CSP frame-ancestors: who may show the UI in a frame (a kiosk shell, say)", STRING_OPTION(frame_ancestors)},
      {"rate-limit-per-minute", "POLYLENS_RATE_LIMIT_PER_MINUTE", "rate_limit_per_minute", "N",
       "API requests per minute per client address (0 turns the limit off)",
       [](const config& c) { return std::to_string(c.rate_limit_per_minute); },
       [](config& c, const std::string& v) { return parse_int(v, 0, 1000000, c.rate_limit_per_minute); }},
      {"rate-limit-burst", "POLYLENS_RATE_LIMIT_BURST", "rate_limit_burst", "N", "requests a client may make at once",
       [](const config& c) { return std::to_string(c.rate_limit_burst); },
       [](config& c, const std::string& v) { return parse_int(v, 1, 1000000, c.rate_limit_burst); }},
      {"shutdown-grace-ms", "POLYLENS_SHUTDOWN_GRACE_MS", "shutdown_grace_ms", "MS",
       "on SIGTERM, how long requests in flight may take to finish",
       [](const config& c) { return std::to_string(c.shutdown_grace_ms); },
       [](config& c, const std::string& v) { return parse_int(v, 0, 600000, c.shutdown_grace_ms); }},
      {"http-threads", "POLYLENS_HTTP_THREADS", "http_threads", "N",
       "connections served at once; each kept-alive browser connection holds one for up to 5 s idle",
       [](const config& c) { return std::to_string(c.http_threads); },
       [](config& c, const std::string& v) { return parse_int(v, 2, 1024, c.http_threads); }},
      {"match-threshold-text", "POLYLENS_MATCH_THRESHOLD_TEXT", "match_threshold_text", "COSINE",
       "a text query's hits at or above this score are strong matches, the rest weak (docs/match-thresholds.md)",
       [](const config& c) { return threshold_text(c.match_threshold_text); },
       [](config& c, const std::string& v) { return parse_threshold(v, c.match_threshold_text); }},
      {"match-threshold-image", "POLYLENS_MATCH_THRESHOLD_IMAGE", "match_threshold_image", "COSINE",
       "the same for image queries and \"more like this\", whose scores sit higher",
       [](const config& c) { return threshold_text(c.match_threshold_image); },
       [](config& c, const std::string& v) { return parse_threshold(v, c.match_threshold_image); }},
      {"https-listen", "POLYLENS_HTTPS_LISTEN", "https_listen", "HOST:PORT",
       "also serve HTTPS here (needs --tls-cert and --tls-key)", STRING_OPTION(https_listen)},
      {"tls-cert", "POLYLENS_TLS_CERT", "tls_cert", "FILE", "PEM certificate chain for --https-listen",
       STRING_OPTION(tls_cert_file)},
      {"tls-key", "POLYLENS_TLS_KEY", "tls_key", "FILE", "PEM private key for --https-listen", STRING_OPTION(tls_key_file)},
      {"from", "", "", "embedded|elasticsearch", "migrate: the store to copy from",
       [](const config&) { return std::string("(none)"); },
       [](config& c, const std::string& v) { return parse_store_kind(v, c.migrate_from); }},
      {"to", "", "", "embedded|elasticsearch", "migrate: the store to copy into",
       [](const config&) { return std::string("(none)"); },
       [](config& c, const std::string& v) { return parse_store_kind(v, c.migrate_to); }},
      {"metadata", "", "", "FILE",
       "index: sidecar TSV or JSON (file, tags, caption, licence, ...); default images.tsv or images.json in or beside the folder",
       STRING_OPTION(metadata_file)},
      {"dims", "", "", "DIMS,...", "report: Matryoshka sizes to measure (64..1024)",
       [](const config& c) { return join(c.report.dims); },
       [](config& c, const std::string& v) { return parse_dims_list(v, c.report.dims); }},
      {"types", "", "", "TYPE,...",
       "report: index_options types to measure; combinations Elasticsearch refuses are listed as skipped",
       [](const config& c) { return join(c.report.types); },
       [](config& c, const std::string& v) { return parse_types_list(v, c.report.types); }},
      {"queries", "", "", "FILE", "report: TSV of queries, one column per language (concept, match_tags, en, es, ...)",
       STRING_OPTION(report.queries_file)},
      {"k", "", "", "N", "report: hits compared per query (overlap@k, recall@k)",
       [](const config& c) { return std::to_string(c.report.k); },
       [](config& c, const std::string& v) { return parse_int(v, 1, 100, c.report.k); }},
      {"num-candidates", "", "", "N",
       "report: kNN candidates per search (k..10000; 0: what searches use, max(100, 10 k))",
       [](const config& c) { return std::to_string(c.report.num_candidates); },
       [](config& c, const std::string& v) { return parse_int(v, 0, 10000, c.report.num_candidates); }},
      {"format", "", "", "FORMAT", "report: table, markdown or json",
       [](const config& c) { return c.report.format; },
       [](config& c, const std::string& v) { return parse_choice(v, {"table", "markdown", "json"}, c.report.format); }},
      {"output", "", "", "FILE", "report: write the result to FILE instead of stdout", STRING_OPTION(report.output_file)},
      {"synthetic", "", "", "N",
       "report: also index N noisy copies of the stored vectors, to see quantisation at a larger scale",
       [](const config& c) { return std::to_string(c.report.synthetic); },
       [](config& c, const std::string& v) { return parse_int(v, 0, 200000, c.report.synthetic); }},
      {"images", "", "", "DIR",
       "report: measure tokens per image by embedding the originals in DIR and their 512 px copies (spends tokens)",
       STRING_OPTION(report.images_dir)},
      {"rescore", "", "", "F",
       "report: also measure each quantised field with query-time rescore_vector oversample F (0: off)",
       [](const config& c) {
         std::ostringstream v;
         v << c.report.rescore;
         return v.str();
       },
       [](config& c, const std::string& v) { return parse_oversample(v, c.report.rescore); }},
      {"keep", "", "", "", "report: keep the scratch indices instead of deleting them",
       [](const config& c) { return std::string(c.report.keep ? "true" : "false"); },
       [](config& c, const std::string& v) { return parse_switch(v, c.report.keep); }},
  };
  return table;
}

const option_spec* find_flag(const std::string& flag) {
  for (const auto& o : option_table())
    if (*o.flag && flag == o.flag) return &o;
  return nullptr;
}

std::string default_text(const option_spec& o) {
  std::string text = o.show_default(config{});
  return text.empty() ? "(none)" : text;
}

std::string file_value_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace

const std::vector<std::string>& vector_index_types() {
  static const std::vector<std::string> types = {"hnsw", "int8_hnsw", "int4_hnsw", "bbq_hnsw",
                                                 "flat", "int8_flat", "int4_flat", "bbq_flat"};
  return types;
}

std::string vector_field_problem(const vector_field& field) {
  const std::string where = "field " + field.name() + " (" + std::to_string(field.dims) + ":" + field.index_type + "): ";
  if (!is_index_type(field.index_type))
    return where + "index type '" + field.index_type + "' is not one of " + index_types_text();
  if (field.dims < limits::min_dims || field.dims > limits::full_dims)
    return where + "dims must be between " + std::to_string(limits::min_dims) + " and " +
           std::to_string(limits::full_dims) + ", got " + std::to_string(field.dims);
  if (field.index_type.rfind("int4_", 0) == 0 && field.dims % 2 != 0)
    return where + "Elasticsearch's int4 types need an even number of dims; use " + std::to_string(field.dims - 1) +
           " or " + std::to_string(field.dims + 1);
  if (field.index_type.rfind("bbq_", 0) == 0 && field.dims < 64)
    return where + "Elasticsearch's bbq types need at least 64 dims";
  return "";
}

const vector_field* config::field_for_dims(int dims) const {
  for (const auto& f : fields)
    if (f.dims == dims) return &f;
  return nullptr;
}

int config::largest_dims() const { return fields.empty() ? 0 : fields.front().dims; }

bool config::cors_allows(const std::string& origin) const {
  return std::find(cors_origins.begin(), cors_origins.end(), origin) != cors_origins.end();
}

std::vector<std::string> config::secrets() const {
  std::vector<std::string> out;
  for (const auto* s : {&jina_api_key, &es_api_key, &es_password, &admin_token})
    if (!s->empty()) out.push_back(*s);
  return out;
}

std::string config_help_text() {
  std::ostringstream out;
  out << "Polylens: multilingual image search with Jina CLIP v2, on an embedded vector store or Elasticsearch.\n\n"
         "Usage:\n"
         "  polylens serve [options]            serve the web UI and the /api/v1 routes\n"
         "  polylens index <folder> [options]   embed the images in <folder> and index them\n"
         "  polylens migrate --from embedded --to elasticsearch [options]\n"
         "                                      copy every image, vector and thumbnail to the other store\n"
         "                                      (no embed calls; resumable; also --from elasticsearch --to embedded)\n"
         "  polylens report [options]           for each vector size and index type: bytes on disk, overlap@k\n"
         "                                      and recall@k against 1024-dim float, p50 latency, tokens\n"
         "  polylens --help                     this text\n\n"
         "Each option can also come from an environment variable or from the JSON config file\n"
         "(--config FILE or POLYLENS_CONFIG); a flag beats the environment, which beats the file.\n\n"
         "Options:\n";
  out << "  --config FILE (env POLYLENS_CONFIG)\n      JSON object of options, keyed by the names in brackets\n";
  for (const auto& o : option_table()) {
    out << "  ";
    if (*o.flag) out << "--" << o.flag << (*o.value_name ? " " : "") << o.value_name;
    if (*o.env || *o.file_key) {
      out << (*o.flag ? " (" : "(");
      if (*o.env) out << "env " << o.env;
      if (*o.env && *o.file_key) out << ", ";
      if (*o.file_key) out << "file [" << o.file_key << "]";
      out << ")";
    }
    out << "\n      " << o.help << "; default: " << default_text(o) << "\n";
  }
  return out.str();
}

std::string config_markdown_table() {
  std::ostringstream out;
  out << "| flag | environment | config file key | default | meaning |\n|---|---|---|---|---|\n";
  out << "| `--config FILE` | `POLYLENS_CONFIG` | | | JSON object of options, keyed by the config file keys |\n";
  for (const auto& o : option_table()) {
    std::string flag = *o.flag ? "--" + std::string(o.flag) + (*o.value_name ? " " + std::string(o.value_name) : "") : "";
    out << "| " << (flag.empty() ? "" : "`" + flag + "`") << " | "
        << (*o.env ? "`" + std::string(o.env) + "`" : "") << " | "
        << (*o.file_key ? "`" + std::string(o.file_key) + "`" : "") << " | `" << default_text(o) << "` | "
        << o.help << " |\n";
  }
  return out.str();
}

result<config_outcome> config_load(int argc, const char* const* argv, env_lookup env) {
  config_outcome outcome;
  config& c = outcome.settings;
  std::map<const option_spec*, std::string> from_flags;
  std::string config_file;
  if (const char* v = env("POLYLENS_CONFIG")) config_file = v;

  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h" || arg == "help") {
      std::cout << config_help_text();
      outcome.exit_now = true;
      return outcome;
    }
    if (arg == "--help-markdown") {
      std::cout << config_markdown_table();
      outcome.exit_now = true;
      return outcome;
    }
    if (arg.rfind("--", 0) == 0) {
      std::string name = arg.substr(2), value;
      auto eq = name.find('=');
      bool inline_value = eq != std::string::npos;
      if (inline_value) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      const option_spec* spec = name == "config" ? nullptr : find_flag(name);
      if (!spec && name != "config")
        return config_error("unknown option --" + name +
                            (name.find("key") != std::string::npos || name.find("password") != std::string::npos
                                 ? " (secrets are read from the environment or the config file only)"
                                 : "") +
                            "; see polylens --help");
      const bool is_switch = spec && !*spec->value_name;
      if (!inline_value && is_switch) {
        value = "true";
      } else if (!inline_value) {
        if (i + 1 >= argc) return config_error("--" + name + " needs a value (see polylens --help)");
        value = argv[++i];
      }
      if (!spec) {
        config_file = value;
        continue;
      }
      from_flags[spec] = value;
    } else if (c.command.empty()) {
      if (arg != "serve" && arg != "index" && arg != "migrate" && arg != "report")
        return config_error("unknown command '" + arg + "'; see polylens --help");
      c.command = arg;
    } else {
      c.positionals.push_back(arg);
    }
  }
  if (c.command.empty()) c.command = "serve";

  // Lowest precedence first, so each later source overwrites.
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in) return config_error("cannot read the config file '" + config_file + "'");
    auto file = nlohmann::json::parse(in, nullptr, false);
    if (!file.is_object()) return config_error("the config file '" + config_file + "' is not a JSON object");
    for (const auto& [key, value] : file.items()) {
      const option_spec* spec = nullptr;
      for (const auto& o : option_table())
        if (*o.file_key && key == o.file_key) spec = &o;
      if (!spec) return config_error("unknown key '" + key + "' in the config file '" + config_file + "'");
      if (auto err = spec->apply(c, file_value_text(value)); !err.empty())
        return config_error("'" + key + "' in " + config_file + " " + err);
    }
  }
  for (const auto& o : option_table()) {
    if (!*o.env) continue;
    const char* v = env(o.env);
    if (v && *v)
      if (auto err = o.apply(c, v); !err.empty()) return config_error(std::string(o.env) + " " + err);
  }
  for (const auto& [spec, value] : from_flags)
    if (auto err = spec->apply(c, value); !err.empty()) return config_error("--" + std::string(spec->flag) + " " + err);

  for (const auto& [spec, value] : from_flags)
    if (c.command != "report" && std::string(spec->help).rfind("report: ", 0) == 0)
      return config_error("--" + std::string(spec->flag) + " is only used by polylens report (see polylens --help)");
  if (c.report.num_candidates != 0 && c.report.num_candidates < c.report.k)
    return config_error("--num-candidates " + std::to_string(c.report.num_candidates) + " is less than --k " +
                        std::to_string(c.report.k) + " (Elasticsearch needs at least k)");
  if (c.jina_api_key.empty() && c.command != "migrate")
    return config_error(
        "no Jina API key: set JINA_API_KEY (get one at https://jina.ai/embeddings), or JINA_API_KEY_FILE, "
        "or jina_api_key in the config file");
  if (!c.es_api_key.empty() && !c.es_username.empty())
    return config_error("set either ES_API_KEY or ES_USERNAME/ES_PASSWORD, not both");
  if (!c.https_listen.empty() && (c.tls_cert_file.empty() || c.tls_key_file.empty()))
    return config_error("--https-listen needs --tls-cert and --tls-key (PEM files)");
  if (c.https_listen.empty() && (!c.tls_cert_file.empty() || !c.tls_key_file.empty()))
    return config_error("--tls-cert and --tls-key are only used with --https-listen HOST:PORT");
  if (!c.admin_token.empty() && c.admin_token.size() < 16)
    return config_error("POLYLENS_ADMIN_TOKEN is shorter than 16 characters: use a long random token");
  if (c.command == "index" && c.positionals.size() != 1)
    return config_error("polylens index needs exactly one folder: polylens index <folder>");
  if (c.store_kind() == "elasticsearch" && c.es_url.empty() && c.command != "migrate")
    return config_error("--backend elasticsearch needs ES_URL (e.g. http://127.0.0.1:9200)");
  if (c.command == "migrate") {
    if (c.migrate_from.empty() || c.migrate_to.empty() || c.migrate_from == c.migrate_to)
      return config_error("polylens migrate needs --from and --to, two different stores: "
                          "--from embedded --to elasticsearch, or --from elasticsearch --to embedded");
    if (c.es_url.empty()) return config_error("polylens migrate needs ES_URL for the Elasticsearch side");
    if (!c.positionals.empty()) return config_error("polylens migrate takes no arguments, got '" + c.positionals.front() + "'");
  }
  if (c.command != "migrate" && (!c.migrate_from.empty() || !c.migrate_to.empty()))
    return config_error("--from and --to are options of polylens migrate");
  if ((c.command == "serve" || c.command == "report") && !c.positionals.empty())
    return config_error("polylens " + c.command + " takes no arguments, got '" + c.positionals.front() + "'");
  if (c.command == "report" && c.store_kind() != "elasticsearch")
    return config_error("polylens report measures Elasticsearch's index types: set ES_URL");
  return outcome;
}

}  // namespace polylens
