// What route handlers work with: the read-only config and the two upstream clients.
#pragma once
#include "config.h"
#include "elasticsearch_backend.h"
#include "http_server.h"
#include "jina_client.h"

namespace polylens {

struct services {
  const config& settings;
  jina_client& embedder;
  elasticsearch_backend& backend;
};

http_response handle_search(services& s, const http_request& req);     // POST /api/v1/search
http_response handle_thumbnail(services& s, const http_request& req);  // GET /api/v1/images/{id}/thumbnail
http_response handle_health(services& s, const http_request& req);     // GET /healthz

}  // namespace polylens
