// What route handlers work with: the read-only config, the embedder (behind its cache), the
// vector store and the counters.
#pragma once
#include "config.h"
#include "elasticsearch_backend.h"
#include "http_server.h"
#include "embedding_service.h"
#include "metrics.h"

namespace polylens {

struct services {
  const config& settings;
  embedding_service& embedder;
  elasticsearch_backend& backend;
  metrics_registry& metrics;
};

http_response handle_search(services& s, const http_request& req);     // POST /api/v1/search
http_response handle_thumbnail(services& s, const http_request& req);  // GET /api/v1/images/{id}/thumbnail
http_response handle_health(services& s, const http_request& req);     // GET /healthz

}  // namespace polylens
