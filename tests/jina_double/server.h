// The HTTP face of the double: cpp-httplib lives only in server.cpp.
#pragma once
#include <string>
#include <vector>

#include "embedding_model.h"

namespace jina_double {

struct server_config {
  std::string host = "127.0.0.1";
  int port = 0;                       // 0: any free port
  std::vector<std::string> api_keys;  // accepted bearer keys, each 65 characters starting with jina_
  std::string tls_cert_file;          // both set: HTTPS (PEM files), for the proxy's TLS tests
  std::string tls_key_file;
};

// Binds, prints "jina_double listening on http(s)://HOST:PORT" to stdout, then serves until the
// process ends. Returns a process exit code (non-zero when it cannot bind or load the TLS files).
int server_run(const server_config& config, const embedding_model& model);

}  // namespace jina_double
