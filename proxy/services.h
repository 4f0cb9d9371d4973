// What route handlers work with: the read-only config, the embedder (behind its cache), the
// vector store and the counters.
#pragma once
#include "config.h"
#include "vector_store.h"
#include "http_server.h"
#include "embedding_service.h"
#include "metrics.h"

namespace polylens {

struct services {
  const config& settings;
  embedding_service& embedder;
  vector_store& backend;
  metrics_registry& metrics;
};

http_response handle_search(services& s, const http_request& req);        // POST /api/v1/search
http_response handle_embed(services& s, const http_request& req);         // POST /api/v1/embed
http_response handle_knn(services& s, const http_request& req);           // POST /api/v1/knn
http_response handle_add_images(services& s, const http_request& req);    // POST /api/v1/images
http_response handle_delete_image(services& s, const http_request& req);  // DELETE /api/v1/images/{id}
http_response handle_thumbnail(services& s, const http_request& req);     // GET /api/v1/images/{id}/thumbnail
http_response handle_stats(services& s, const http_request& req);         // GET /api/v1/stats
http_response handle_metrics(services& s, const http_request& req);       // GET /metrics
http_response handle_health(services& s, const http_request& req);        // GET /healthz
http_response handle_ready(services& s, const http_request& req);         // GET /readyz

}  // namespace polylens
