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
  const char* value_name;
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

std::string parse_url(const std::string& text, std::string& out) {
  if (text.rfind("http://", 0) != 0 && text.rfind("https://", 0) != 0)
    return "must start with http:// or https://, got '" + text + "'";
  if (text.find('@') != std::string::npos)
    return "must not carry credentials; use the secret variables (see polylens --help)";
  out = text;
  while (!out.empty() && out.back() == '/') out.pop_back();
  return "";
}

const std::vector<std::string> index_types = {"hnsw", "int8_hnsw", "int4_hnsw", "bbq_hnsw",
                                              "flat", "int8_flat", "int4_flat", "bbq_flat"};

std::string parse_fields(const std::string& text, std::vector<vector_field>& out) {
  std::vector<vector_field> fields;
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    auto colon = item.find(':');
    vector_field field;
    std::string err = parse_int(item.substr(0, colon), limits::min_dims, limits::full_dims, field.dims);
    if (!err.empty()) return "dims in '" + item + "' " + err;
    field.index_type = colon == std::string::npos ? "hnsw" : item.substr(colon + 1);
    if (std::find(index_types.begin(), index_types.end(), field.index_type) == index_types.end())
      return "index type '" + field.index_type + "' is not one of hnsw, int8_hnsw, int4_hnsw, bbq_hnsw, flat, "
             "int8_flat, int4_flat, bbq_flat";
    for (const auto& f : fields)
      if (f.dims == field.dims) return "dims " + std::to_string(field.dims) + " listed twice";
    fields.push_back(field);
  }
  if (fields.empty()) return "needs at least one field, e.g. 1024:hnsw,256:int8_hnsw";
  std::sort(fields.begin(), fields.end(), [](auto& a, auto& b) { return a.dims > b.dims; });
  out = fields;
  return "";
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
      {"es-url", "ES_URL", "es_url", "URL", "Elasticsearch base URL",
       [](const config& c) { return c.es_url; }, [](config& c, const std::string& v) { return parse_url(v, c.es_url); }},
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
      {"metadata", "", "", "FILE",
       "index: sidecar TSV or JSON (file, tags, caption, licence, ...); default images.tsv or images.json in or beside the folder",
       STRING_OPTION(metadata_file)},
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
  out << "Polylens: multilingual image search with Jina CLIP v2 and Elasticsearch.\n\n"
         "Usage:\n"
         "  polylens serve [options]            serve the web UI and the /api/v1 routes\n"
         "  polylens index <folder> [options]   embed the images in <folder> and index them\n"
         "  polylens --help                     this text\n\n"
         "Each option can also come from an environment variable or from the JSON config file\n"
         "(--config FILE or POLYLENS_CONFIG); a flag beats the environment, which beats the file.\n\n"
         "Options:\n";
  out << "  --config FILE (env POLYLENS_CONFIG)\n      JSON object of options, keyed by the names in brackets\n";
  for (const auto& o : option_table()) {
    out << "  ";
    if (*o.flag) out << "--" << o.flag << " " << o.value_name << " ";
    out << "(";
    if (*o.env) out << "env " << o.env;
    if (*o.env && *o.file_key) out << ", ";
    if (*o.file_key) out << "file [" << o.file_key << "]";
    out << ")\n      " << o.help << "; default: " << default_text(o) << "\n";
  }
  return out.str();
}

std::string config_markdown_table() {
  std::ostringstream out;
  out << "| flag | environment | config file key | default | meaning |\n|---|---|---|---|---|\n";
  out << "| `--config FILE` | `POLYLENS_CONFIG` | | | JSON object of options, keyed by the config file keys |\n";
  for (const auto& o : option_table()) {
    out << "| " << (*o.flag ? "`--" + std::string(o.flag) + " " + o.value_name + "`" : "") << " | "
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
      if (!inline_value) {
        if (i + 1 >= argc) return config_error("--" + name + " needs a value (see polylens --help)");
        value = argv[++i];
      }
      if (name == "config") {
        config_file = value;
        continue;
      }
      const option_spec* spec = find_flag(name);
      if (!spec)
        return config_error("unknown option --" + name +
                            (name.find("key") != std::string::npos || name.find("password") != std::string::npos
                                 ? " (secrets are read from the environment or the config file only)"
                                 : "") +
                            "; see polylens --help");
      from_flags[spec] = value;
    } else if (c.command.empty()) {
      if (arg != "serve" && arg != "index") return config_error("unknown command '" + arg + "'; see polylens --help");
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

  if (c.jina_api_key.empty())
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
  if (c.command == "serve" && !c.positionals.empty())
    return config_error("polylens serve takes no arguments, got '" + c.positionals.front() + "'");
  return outcome;
}

}  // namespace polylens
