#include "test_hook.h"

#include <emscripten.h>

#include <nlohmann/json.hpp>

#include "compare_view.h"
#include "ingest_panel.h"
#include "kiosk.h"
#include "proxy_endpoint.h"
#include "results_view.h"

namespace polylens::web {

namespace {

const app_state* hooked_state = nullptr;
const thumbnail_cache* hooked_thumbnails = nullptr;

nlohmann::json failure_json(const std::optional<api_failure>& failure) {
  if (!failure) return nullptr;
  return {{"type", failure->type}, {"message", failure->message}, {"status", failure->http_status}};
}

nlohmann::json rect_json(const css_rect& r) {
  if (r.w <= 0 || r.h <= 0) return nullptr;
  return {{"x", r.x}, {"y", r.y}, {"w", r.w}, {"h", r.h}};
}

// The Add-images panel. Never the admin token itself: only whether one is typed.
nlohmann::json ingest_json(const ingest_state& in) {
  using nlohmann::json;
  json files = json::array(), errors = json::array();
  for (const ingest_file& f : in.files) {
    files.push_back({{"file", f.name}, {"status", ingest_file_status_name(f.status)},
                     {"id", f.id.empty() ? json(nullptr) : json(f.id)}});
    if (f.problem != ingest_problem::none)
      errors.push_back({{"file", f.name}, {"kind", ingest_problem_name(f.problem)}, {"reason", f.reason}});
  }
  const ingest_panel_layout& l = in.layout;
  return {
      {"panel_open", in.panel_open},
      {"token_set", in.admin_token[0] != '\0'},
      {"token_focused", in.token_focused},
      {"running", in.running},
      {"cancelled", in.cancelled},
      {"stopped", in.stopped},
      {"uploading", in.uploading},
      {"drop_hover", in.drop_hover},
      {"total", in.files.size()},
      {"done", ingest_done(in)},
      {"created", in.created},
      {"exists", in.exists},
      {"failed", in.failed},
      {"not_processed", in.not_processed},
      {"batches_sent", in.batches_sent},
      {"batch_size", in.batch_size},
      {"batch_errors", in.batch_errors},
      {"errors", std::move(errors)},
      {"files", std::move(files)},
      {"skipped_not_images", in.skipped_not_images},
      {"notice", in.notice},
      {"summary", ingest_summary(in)},
      {"ui", {{"toggle_button", rect_json(l.toggle_button)},
              {"token_box", rect_json(l.token_box)},
              {"cancel_button", rect_json(l.cancel_button)},
              {"retry_button", rect_json(l.retry_button)},
              {"drop_zone", rect_json(l.drop_zone)}}},
  };
}

}  // namespace

extern "C" void polylens_js_test_hook_install();  // test_hook.js

void test_hook_install(const app_state& state, const thumbnail_cache& thumbnails) {
  hooked_state = &state;
  hooked_thumbnails = &thumbnails;
  polylens_js_test_hook_install();
}

std::string test_hook_state_json(const app_state& state, const thumbnail_cache& thumbnails) {
  using nlohmann::json;
  json hits = json::array();
  int rank = 0, thumbnails_loaded = 0;
  for (const search_hit& hit : state.search.hits) {
    hits.push_back({{"rank", ++rank}, {"id", hit.id}, {"score", hit.score}, {"title", hit.title},
                    {"credit", hit.credit.empty() ? json(nullptr) : json(hit.credit)}});
    const thumbnail* thumb = thumbnail_cache_find(thumbnails, hit.id);
    if (thumb && thumb->status == thumbnail_status::ready) ++thumbnails_loaded;
  }
  json embedder = nullptr;
  if (const embedder_info* e = app_current_embedder(state)) embedder = {{"label", e->label}, {"stand_in", e->stand_in}};
  json health = nullptr;
  if (state.health.report) health = {{"doc_count", state.health.report->doc_count}, {"backend", state.health.report->backend}};
  const css_rect& box = state.query_box;
  json snapshot = {
      {"ready", app_is_ready(state)},
      {"frame", state.frame},
      {"frame_ms_total", state.frame_ms_total},
      {"query", std::string(state.query)},
      {"status", search_status_name(state.search.status)},
      {"error", failure_json(state.search.failure)},
      {"hits", std::move(hits)},
      {"thumbnails_loaded", thumbnails_loaded},
      {"embedder", std::move(embedder)},
      {"health", std::move(health)},
      {"health_error", failure_json(state.health.failure)},
      {"fonts_loaded", state.fonts_loaded},
      {"query_box", {{"x", box.x}, {"y", box.y}, {"w", box.w}, {"h", box.h}}},
      {"query_focused", state.query_focused},
      {"searches_answered", state.search.answered},
      {"drop_hint", state.drop_hint},
      {"ingest", ingest_json(state.ingest)},
      {"text", script_text_json(state.text)},
  };
  results_view_hook(snapshot, state, thumbnails);  // match, stats, query_image, results_ui, viewport
  compare_hook(snapshot, state);                    // compare, refine
  const proxy_endpoint& endpoint = proxy_endpoint_current();
  snapshot["connection"] = {{"resolved", endpoint.resolved}, {"source", proxy_source_name(endpoint.source)},
                            {"proxy", proxy_display_name()}, {"problem", proxy_problem_name(state.connection.problem)},
                            {"checking", state.connection.checking}, {"attempts", state.connection.attempts},
                            {"retry_button", rect_json(state.connection.retry_button)}};
  kiosk_hook(snapshot, state);  // kiosk mode, the attract loop
  return snapshot.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace polylens::web

extern "C" EMSCRIPTEN_KEEPALIVE const char* polylens_state_json() {
  using namespace polylens::web;
  static std::string json;
  json = hooked_state ? test_hook_state_json(*hooked_state, *hooked_thumbnails) : std::string("{\"ready\":false}");
  return json.c_str();
}
