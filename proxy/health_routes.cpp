// GET /healthz: what the proxy talks to and whether it answers. Always 200 with the details, so a
// UI can show what is wrong; "status" says ok or degraded.
#include <nlohmann/json.hpp>

#include "services.h"

namespace polylens {

http_response handle_health(services& s, const http_request&) {
  health_report report;
  report.embedder = s.embedder.info();
  report.embedder_url = s.embedder.url();
  report.backend = s.backend.kind();
  report.index = s.backend.index_name();
  for (const auto& f : s.settings.fields) report.dims.push_back(f.dims);
  report.max_batch_size = s.settings.max_batch_size;
  if (auto version = s.backend.version()) {
    report.backend_reachable = true;
    report.backend_version = *version;
    if (auto count = s.backend.count()) report.doc_count = *count;
  }
  report.ok = report.backend_reachable && report.doc_count >= 0;
  return http_response::json(health_report_to_json(report));
}

}  // namespace polylens

namespace polylens {

// GET /readyz: 200 once the proxy can answer searches (Elasticsearch reachable, the index there),
// 503 with the reason otherwise. The embedder is not probed: that would spend tokens.
http_response handle_ready(services& s, const http_request&) {
  auto count = s.backend.count();
  if (!count) return http_response::error(count.error());
  return http_response::json(nlohmann::json({{"ready", true}, {"documents", *count}}).dump());
}

}  // namespace polylens
