// jina_double: a local stand-in for the Jina Embeddings API (jina-clip-v2), for Polylens' tests only.
//   jina_double --assets DIR --port N [--host 127.0.0.1] [--api-key KEY]... [--tls-cert FILE --tls-key FILE] [--help]
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>

#include "embedding_model.h"
#include "server.h"

namespace {

// 65 characters starting with jina_, the format the real API demands (contract section 1).
constexpr std::string_view default_api_key = "jina_test_double_key_00000000000000000000000000000000000000000000";
static_assert(default_api_key.size() == 65);

struct option_doc {
  const char* flag;
  const char* value;
  const char* help;
};

// Each option declared once; --help is printed from this table.
constexpr option_doc options[] = {
    {"--assets", "DIR", "folder holding images/, images.tsv and queries.tsv (required)"},
    {"--port", "N", "TCP port; 0 picks a free one (required)"},
    {"--host", "HOST", "address to listen on (default 127.0.0.1)"},
    {"--api-key", "KEY", "accepted bearer key, repeatable; 65 characters starting with jina_ (default: the built-in "
                         "test key jina_test_double_key_000...)"},
    {"--tls-cert", "FILE", "serve HTTPS with this PEM certificate (needs --tls-key)"},
    {"--tls-key", "FILE", "the PEM private key of --tls-cert"},
    {"--help", "", "print this help"},
};

void usage(std::ostream& out) {
  out << "jina_double: TEST DOUBLE of the Jina Embeddings API (POST /v1/embeddings, jina-clip-v2).\n"
         "For tests only: its vectors are synthetic, not produced by the real model.\n\n"
         "usage: jina_double --assets DIR --port N [--host 127.0.0.1] [--api-key KEY]...\n"
         "                   [--tls-cert FILE --tls-key FILE] [--help]\n\n";
  for (const auto& o : options) {
    std::string left = std::string(o.flag) + (o.value[0] ? std::string(" ") + o.value : "");
    out << "  " << left << std::string(left.size() < 16 ? 16 - left.size() : 1, ' ') << o.help << "\n";
  }
  out << "\nControl API (tests only): POST /_control/faults, POST /_control/reset, GET /_control/stats\n";
}

int fail(const std::string& message) {
  std::cerr << "jina_double: " << message << "\n";
  usage(std::cerr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  jina_double::server_config config;
  std::string assets;
  bool port_given = false;

  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      usage(std::cout);
      return 0;
    }
    if (i + 1 >= argc) return fail("missing value after " + std::string(arg));
    std::string value = argv[++i];
    if (arg == "--assets") {
      assets = value;
    } else if (arg == "--port") {
      char* end = nullptr;
      long port = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || port < 0 || port > 65535) return fail("--port must be 0..65535");
      config.port = static_cast<int>(port);
      port_given = true;
    } else if (arg == "--host") {
      config.host = value;
    } else if (arg == "--tls-cert") {
      config.tls_cert_file = value;
    } else if (arg == "--tls-key") {
      config.tls_key_file = value;
    } else if (arg == "--api-key") {
      if (!value.starts_with("jina_") || value.size() != 65)
        return fail("--api-key must be 65 characters starting with jina_, as real keys are");
      config.api_keys.push_back(value);
    } else {
      return fail("unknown option " + std::string(arg));
    }
  }
  if (assets.empty()) return fail("--assets is required");
  if (!port_given) return fail("--port is required (0 picks a free port)");
  if (config.tls_cert_file.empty() != config.tls_key_file.empty())
    return fail("--tls-cert and --tls-key go together");
  if (config.api_keys.empty()) config.api_keys.emplace_back(default_api_key);

  std::cerr << "jina_double: this is a TEST DOUBLE of the Jina Embeddings API, not the real jina-clip-v2: "
               "its vectors are synthetic and only meaningful for Polylens' test assets.\n";
  try {
    auto model = jina_double::embedding_model::load(std::filesystem::path(assets));
    std::cerr << "jina_double: " << model.words().concepts().size() << " concepts in "
              << model.words().languages().size() << " languages, " << model.images().images().size()
              << " known images from " << assets << "\n";
    return jina_double::server_run(config, model);
  } catch (const std::exception& e) {
    std::cerr << "jina_double: cannot start: " << e.what() << "\n";
    return 1;
  }
}
