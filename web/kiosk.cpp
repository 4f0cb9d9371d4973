#include "kiosk.h"

#include <emscripten.h>
#include <imgui.h>
#include <imgui_internal.h>  // ClearActiveID: the query box lets go of its text

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "app_actions.h"
#include "image_query.h"
#include "ui_theme.h"
#include "web_window.h"

extern "C" {
void polylens_js_kiosk_params(int* out);  // kiosk.js
void polylens_js_kiosk_install();
double polylens_js_kiosk_idle_ms();
void polylens_js_kiosk_set_attract(int on);
int polylens_js_kiosk_take_exit();
}

namespace polylens::web {

namespace {

#include "sample_queries.inc"  // the language chips' table (web/gen_sample_queries.mjs)

constexpr float kiosk_zoom = 1.5f;  // fingers, and a screen seen from a step away
constexpr std::size_t max_history = 24;
constexpr const char* attract_invitation = "Touch anywhere to search, in any language";

// The attract loop's order: a different script at almost every step, so a passer-by sees the point quickly.
// Languages of queries.tsv not listed here come after these.
constexpr const char* attract_order[] = {"en", "ja", "ar", "ru", "hi", "ko", "es", "zh", "el", "th", "he",
                                         "fr", "bn", "uk", "de", "vi", "pt", "tr", "it", "id", "nl", "pl"};

std::vector<int> attract_languages() {
  std::vector<int> order;
  for (const char* code : attract_order)
    for (int i = 0; i < sample_language_count; ++i)
      if (std::strcmp(sample_languages[i], code) == 0) order.push_back(i);
  for (int i = 0; i < sample_language_count; ++i)
    if (std::find(order.begin(), order.end(), i) == order.end()) order.push_back(i);
  return order;
}

// An empty page: no query, no results, nothing open. Answers still on their way are dropped.
void reset_page(app_state& state, thumbnail_cache& thumbnails) {
  // While the query box is being edited, ImGui keeps its own copy of the text and writes it back over ours.
  ImGui::ClearActiveID();
  image_query_clear(state, thumbnails);
  state.query[0] = '\0';
  search_state& search = state.search;
  ++search.generation;
  search.status = search_status::idle;
  search.query.clear();
  search.hits.clear();
  search.failure.reset();
  search.details = {};
  state.results.open = -1;
  state.results.focused = -1;
  state.results.keyboard = false;
  state.drop_hint.clear();
}

void send_next_sample(app_state& state, thumbnail_cache& thumbnails) {
  kiosk_state& kiosk = state.kiosk;
  static const std::vector<int> languages = attract_languages();
  const int step = kiosk.attract_step++;
  const int language = languages[static_cast<std::size_t>(step) % languages.size()];
  const char* query = sample_queries[language][step % sample_concept_count];
  std::strncpy(state.query, query, sizeof state.query - 1);
  state.query[sizeof state.query - 1] = '\0';
  kiosk.history.push_back({sample_languages[language], query});
  if (kiosk.history.size() > max_history) kiosk.history.erase(kiosk.history.begin());
  kiosk.attract_answered = state.search.answered;
  app_search(state, thumbnails);
}

void enter_attract(app_state& state, thumbnail_cache& thumbnails, double now) {
  kiosk_state& kiosk = state.kiosk;
  kiosk.attracting = true;
  ++kiosk.loops;
  kiosk.attract_step = 0;
  kiosk.attract_answered = -1;
  kiosk.next_query_at = now;
  kiosk.history.clear();
  polylens_js_kiosk_set_attract(1);
  reset_page(state, thumbnails);
}

void leave_attract(app_state& state, thumbnail_cache& thumbnails) {
  kiosk_state& kiosk = state.kiosk;
  kiosk.attracting = false;
  ++kiosk.exits;
  polylens_js_kiosk_set_attract(0);
  reset_page(state, thumbnails);
  state.results.focus_query = true;  // ready to type
}

}  // namespace

void kiosk_install(app_state& state) {
  int params[3] = {};
  polylens_js_kiosk_params(params);
  kiosk_state& kiosk = state.kiosk;
  kiosk.enabled = params[0] != 0;
  if (!kiosk.enabled) return;
  if (params[1] > 0) kiosk.idle_seconds = params[1];
  if (params[2] > 0) kiosk.attract_seconds = params[2];
  kiosk.zoom = kiosk_zoom;
  web_window_set_ui_zoom(kiosk.zoom);
  polylens_js_kiosk_install();
}

void kiosk_update(app_state& state, thumbnail_cache& thumbnails) {
  kiosk_state& kiosk = state.kiosk;
  if (!kiosk.enabled) return;
  const double now = emscripten_get_now();
  if (!kiosk.attracting) {
    // Only with a proxy that answers: a broken kiosk shows why (connection_panel.h), not a loop of errors.
    const bool proxy_up = state.health.report.has_value();
    if (proxy_up && polylens_js_kiosk_idle_ms() >= kiosk.idle_seconds * 1000.0) enter_attract(state, thumbnails, now);
    return;
  }
  if (polylens_js_kiosk_take_exit()) {
    leave_attract(state, thumbnails);
    return;
  }
  if (kiosk.attract_answered >= 0) {  // a sample query is on its way: its results stay for attract_seconds
    if (state.search.answered > kiosk.attract_answered) {
      kiosk.attract_answered = -1;
      kiosk.next_query_at = now + kiosk.attract_seconds * 1000.0;
    }
  } else if (now >= kiosk.next_query_at) {
    send_next_sample(state, thumbnails);
  }
}

void kiosk_draw_attract(const app_state& state, const ui_scale& px) {
  if (!state.kiosk.attracting) return;
  ImDrawList* draw = ImGui::GetForegroundDrawList();
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  const ImVec2 text = text_size(ui_size::lead, attract_invitation);
  const ImVec2 pad(px(28), px(16));
  const ImVec2 size(text.x + 2 * pad.x, text.y + 2 * pad.y);
  const ImVec2 min(viewport->Pos.x + (viewport->Size.x - size.x) * 0.5f, viewport->Pos.y + viewport->Size.y - size.y - px(28));
  const ImVec2 max(min.x + size.x, min.y + size.y);
  draw->AddRectFilled(min, max, ui_color::accent, size.y * 0.5f);
  draw_text(draw, ui_size::lead, ImVec2(min.x + pad.x, min.y + pad.y), ui_color::text, attract_invitation);
}

void kiosk_hook(nlohmann::json& snapshot, const app_state& state) {
  const kiosk_state& kiosk = state.kiosk;
  nlohmann::json history = nlohmann::json::array();
  for (const kiosk_attract_entry& e : kiosk.history) history.push_back({{"language", e.language}, {"query", e.query}});
  snapshot["kiosk"] = {{"enabled", kiosk.enabled},       {"zoom", kiosk.zoom},
                       {"idle_seconds", kiosk.idle_seconds}, {"attract_seconds", kiosk.attract_seconds},
                       {"attracting", kiosk.attracting}, {"loops", kiosk.loops},
                       {"exits", kiosk.exits},           {"attract_history", std::move(history)}};
}

}  // namespace polylens::web
