#include "results_view.h"

#include <emscripten.h>
#include <imgui.h>
#include <imgui_internal.h>  // ClearActiveID: Down leaves the query box

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "image_query.h"
#include "query_image_card.h"
#include "compare_actions.h"
#include "refine_by_example.h"
#include "refine_controls.h"
#include "search_view_text.h"
#include "stats_strip.h"

// Implemented in aria_live.js.
extern "C" {
void polylens_js_live_install();
void polylens_js_live_results(const char* json);
void polylens_js_live_focus(const char* text);
void polylens_js_slash_install();
}

namespace polylens::web {

namespace {

app_state* slash_target = nullptr;  // the page's one app_state (main.cpp)

bool pressed(ImGuiKey key) { return ImGui::IsKeyPressed(key, true); }

// The card above (direction -1) or below (+1) `from` on screen: in the nearest row that way, the one whose
// middle is nearest. Rows are not all full (the weak matches start a row of their own), so this goes by
// where the cards were drawn, not by index arithmetic. -1 when there is no row that way.
int card_beside(const std::vector<css_rect>& tiles, int from, int direction) {
  const css_rect& f = tiles[static_cast<std::size_t>(from)];
  bool found = false;
  float row_y = 0;
  for (const css_rect& t : tiles) {
    if (t.w <= 0) continue;
    const bool beyond = direction > 0 ? t.y > f.y + 1 : t.y < f.y - 1;
    if (beyond && (!found || (direction > 0 ? t.y < row_y : t.y > row_y))) {
      row_y = t.y;
      found = true;
    }
  }
  if (!found) return -1;
  const float middle = f.x + f.w / 2;
  int best = -1;
  float best_distance = 0;
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    const css_rect& t = tiles[i];
    if (t.w <= 0 || std::abs(t.y - row_y) > 1) continue;
    const float distance = std::abs(t.x + t.w / 2 - middle);
    if (best < 0 || distance < best_distance) {
      best = static_cast<int>(i);
      best_distance = distance;
    }
  }
  return best;
}

void focus_card(results_view_state& v, int index) {
  v.focused = index;
  v.keyboard = true;
  v.scroll_to_focused = true;
}

std::string hit_words(const search_hit& hit, int rank, const search_details& details) {
  std::string words = std::to_string(rank) + ". " + (hit.title.empty() ? hit.id : hit.title) + ", score " +
                      format_score(hit.score);
  if (details.threshold) words += hit.strong ? ", strong match" : ", weak match";
  return words;
}

// The live region's one-line summary of an answer.
std::string answer_summary(const search_state& search) {
  const search_details& d = search.details;
  if (search.status == search_status::error)
    return "Search failed: " + (search.failure ? search.failure->message : std::string("no answer"));
  const int n = static_cast<int>(search.hits.size());
  if (n == 0) return "No results for " + query_subject_phrase(d) + ".";
  const int strong = strong_hit_count(search.hits);
  std::string line = std::to_string(n) + (n == 1 ? " result" : " results") + " for " + query_subject_phrase(d) + ".";
  if (!d.threshold) return line;
  if (strong == 0) return no_strong_match_line(d) + ": " + std::to_string(n) + " weak matches.";
  return line + " " + std::to_string(strong) + " strong, " + std::to_string(n - strong) + " weak.";
}

void announce_answer(const search_state& search) {
  nlohmann::json items = nlohmann::json::array();
  int rank = 0;
  for (const search_hit& hit : search.hits) {
    ++rank;
    items.push_back({{"rank", rank}, {"title", hit.title}, {"score", format_score(hit.score)}, {"strong", hit.strong},
                     {"text", hit_words(hit, rank, search.details)}});
  }
  const nlohmann::json data = {{"summary", answer_summary(search)}, {"items", std::move(items)}};
  polylens_js_live_results(data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

std::string focus_words(const app_state& state) {
  const results_view_state& v = state.results;
  const std::vector<search_hit>& hits = state.search.hits;
  const int n = static_cast<int>(hits.size());
  if (v.open >= 0 && v.open < n) {
    const search_hit& hit = hits[static_cast<std::size_t>(v.open)];
    std::string words = "Opened result " + hit_words(hit, v.open + 1, state.search.details) + ".";
    if (!hit.caption.empty()) words += " " + hit.caption;
    return words + " M: more like this. Escape: close.";
  }
  if (v.keyboard && v.focused >= 0 && v.focused < n)
    return "Result " + hit_words(hits[static_cast<std::size_t>(v.focused)], v.focused + 1, state.search.details) +
           ", " + std::to_string(v.focused + 1) + " of " + std::to_string(n) + ". Enter opens it.";
  return {};
}

nlohmann::json rect_json(const css_rect& r) {
  if (r.w <= 0 || r.h <= 0) return nullptr;
  return {{"x", r.x}, {"y", r.y}, {"w", r.w}, {"h", r.h}};
}

}  // namespace

void results_view_install(app_state& state) {
  slash_target = &state;
  polylens_js_live_install();
  polylens_js_slash_install();
}

void results_view_keyboard(app_state& state) {
  results_view_state& v = state.results;
  const int n = static_cast<int>(state.search.hits.size());
  if (v.focused >= n) v.focused = n - 1;

  // The enlarged card has the keyboard while it is open.
  if (v.open >= 0) {
    if (v.focus_query) {  // '/': close it and go to the box
      v.open = -1;
      v.keyboard = false;
    } else if (pressed(ImGuiKey_Escape)) {
      focus_card(v, v.open);
      v.open = -1;
    } else if (pressed(ImGuiKey_LeftArrow) && v.open > 0) {
      v.focused = --v.open;
    } else if (pressed(ImGuiKey_RightArrow) && v.open + 1 < n) {
      v.focused = ++v.open;
    } else if (pressed(ImGuiKey_M)) {
      v.request_similar = v.open;
    }
    return;
  }

  if (ImGui::GetIO().WantTextInput) {  // a text field has the keyboard: only Down, out of the query box
    if (state.query_focused && n > 0 && pressed(ImGuiKey_DownArrow)) {
      ImGui::ClearActiveID();
      focus_card(v, 0);
    }
    return;
  }
  compare_keyboard(state);  // 1 / 2 / 3: the tabs; [ and ]: the concept (compare_actions.h)
  if (n == 0) return;

  const bool any_arrow = pressed(ImGuiKey_LeftArrow) || pressed(ImGuiKey_RightArrow) || pressed(ImGuiKey_UpArrow) ||
                         pressed(ImGuiKey_DownArrow) || pressed(ImGuiKey_Home) || pressed(ImGuiKey_End);
  if (any_arrow && (!v.keyboard || v.focused < 0)) {
    // The first arrow shows where the keyboard is (the card clicked last, or the first) before moving it.
    focus_card(v, std::max(0, v.focused));
    return;
  }
  if (v.keyboard && v.focused >= 0) {
    const bool laid_out = v.layout.tiles.size() == static_cast<std::size_t>(n);
    int to = v.focused;
    if (pressed(ImGuiKey_LeftArrow)) to = std::max(0, to - 1);
    if (pressed(ImGuiKey_RightArrow)) to = std::min(n - 1, to + 1);
    if (pressed(ImGuiKey_Home)) to = 0;
    if (pressed(ImGuiKey_End)) to = n - 1;
    if (pressed(ImGuiKey_DownArrow) && laid_out) {
      const int below = card_beside(v.layout.tiles, to, +1);
      if (below >= 0) to = below;
    }
    if (pressed(ImGuiKey_UpArrow) && laid_out) {
      const int above = card_beside(v.layout.tiles, to, -1);
      if (above < 0) {  // from the first row, back to the box
        v.keyboard = false;
        v.focus_query = true;
        return;
      }
      to = above;
    }
    if (to != v.focused) focus_card(v, to);
    refine_keyboard(state, v.focused);  // + / − / 0: refine by example (refine_controls.h)
    if (pressed(ImGuiKey_Enter) || pressed(ImGuiKey_KeypadEnter) || pressed(ImGuiKey_Space)) v.open = v.focused;
    else if (pressed(ImGuiKey_M)) v.request_similar = v.focused;
    else if (pressed(ImGuiKey_Escape)) {
      v.keyboard = false;
      v.focus_query = true;
    }
  }
}

void results_view_after_frame(app_state& state, thumbnail_cache& thumbnails) {
  compare_after_frame(state, thumbnails);  // the comparison tabs' searches (compare_actions.h)
  refine_after_frame(state, thumbnails);   // marks and Reset (refine_by_example.h)
  results_view_state& v = state.results;
  const std::vector<search_hit>& hits = state.search.hits;
  if (v.request_clear_image) {
    v.request_clear_image = false;
    image_query_clear(state, thumbnails);
  }
  if (v.request_similar >= 0) {
    const int index = v.request_similar;
    v.request_similar = -1;
    if (index < static_cast<int>(hits.size())) {
      const search_hit hit = hits[static_cast<std::size_t>(index)];  // a copy: the search replaces the hits
      v.open = -1;
      image_query_similar(state, thumbnails, hit);
    }
  }
  // A new answer: the keyboard (if it was on the cards) goes to the first one, and the live region is
  // rewritten.
  if (state.search.answered != v.announced) {
    v.announced = state.search.answered;
    v.open = -1;
    if (hits.empty()) {
      v.focused = -1;
      v.keyboard = false;
    } else {
      v.focused = v.keyboard ? 0 : -1;
      v.scroll_to_focused = v.keyboard;
    }
    announce_answer(state.search);
  }
  const std::string words = focus_words(state);
  if (words != v.focus_announced) {
    v.focus_announced = words;
    polylens_js_live_focus(words.c_str());
  }
}

void results_view_hook(nlohmann::json& snapshot, const app_state& state, const thumbnail_cache& thumbnails) {
  using nlohmann::json;
  const search_state& search = state.search;
  const results_view_state& v = state.results;
  const results_layout& l = v.layout;
  const search_details& d = search.details;

  json& hits = snapshot["hits"];
  for (std::size_t i = 0; i < hits.size() && i < search.hits.size(); ++i) {
    const search_hit& hit = search.hits[i];
    hits[i]["strong"] = hit.strong;
    hits[i]["tags"] = hit.tags;
    hits[i]["caption"] = hit.caption;
    hits[i]["width"] = hit.width;
    hits[i]["height"] = hit.height;
    hits[i]["tile"] = i < l.tiles.size() ? rect_json(l.tiles[i]) : json(nullptr);
  }

  const int strong = strong_hit_count(search.hits);
  const bool answered = search.status == search_status::done;
  snapshot["search_kind"] = query_kind_name(d.kind);
  snapshot["match"] = {
      {"modality", query_modality_name(d.modality)},
      {"threshold", d.threshold ? json(std::round(double(*d.threshold) * 1e6) / 1e6) : json(nullptr)},  // as the API says it
      {"threshold_source", d.threshold_source},
      {"strong", strong},
      {"weak", static_cast<int>(search.hits.size()) - strong},
      {"no_strong_match", answered && !search.hits.empty() && strong == 0},
      {"notice", rect_json(l.no_match_notice) == nullptr ? json(nullptr) : json(no_strong_match_line(d))},
      {"notice_rect", rect_json(l.no_match_notice)},
      {"divider", rect_json(l.divider)},
  };

  json stats = nullptr;
  if (answered) {
    stats = {{"embed_ms", search.took_ms.embed_ms},
             {"knn_ms", search.took_ms.knn_ms},
             {"total_ms", search.took_ms.total_ms},
             {"tokens", d.tokens},
             {"cache", stats_cache_word(d)},
             {"dims", d.dims},
             {"backend", state.health.report ? json(state.health.report->backend) : json(nullptr)},
             {"backend_version", state.health.report ? json(state.health.report->backend_version) : json(nullptr)},
             {"embedder", search.embedder ? json(search.embedder->label) : json(nullptr)},
             {"stand_in", search.embedder ? json(search.embedder->stand_in) : json(nullptr)},
             {"chips", l.stats_chips},
             {"rect", rect_json(l.stats_strip)}};
  }
  snapshot["stats"] = std::move(stats);

  const query_image_state& q = state.query_image;
  json image = nullptr;
  if (q.kind != query_kind::text) {
    const thumbnail* preview = q.preview_key.empty() ? nullptr : thumbnail_cache_find(thumbnails, q.preview_key);
    image = {{"kind", query_kind_name(q.kind)},
             {"source", q.source},
             {"name", q.name},
             {"id", q.id.empty() ? json(nullptr) : json(q.id)},
             {"note", q.note},
             {"reading", q.reading},
             {"original", {{"bytes", q.original_bytes}, {"width", q.original_width}, {"height", q.original_height}}},
             {"uploaded", {{"bytes", q.uploaded_bytes}, {"width", q.uploaded_width}, {"height", q.uploaded_height}}},
             {"sizes_line", query_image_sizes_line(q)},
             {"preview_ready", preview && preview->status == thumbnail_status::ready},
             {"card", rect_json(l.query_image_card)},
             {"clear_button", rect_json(l.query_image_clear)}};
  }
  snapshot["query_image"] = std::move(image);

  json detail = nullptr;
  if (v.open >= 0) {
    detail = {{"index", v.open},
              {"rect", rect_json(l.detail)},
              {"image", rect_json(l.detail_image)},
              {"more_like_this_button", rect_json(l.more_like_this_button)},
              {"close_button", rect_json(l.close_button)}};
  }
  snapshot["results_ui"] = {{"focused", v.focused},
                            {"keyboard", v.keyboard},
                            {"open", v.open},
                            {"detail", std::move(detail)},
                            {"columns", l.columns},
                            {"grid", rect_json(l.grid)},
                            {"focus_announced", v.focus_announced}};
  const ImGuiIO& io = ImGui::GetIO();
  snapshot["viewport"] = {{"device_pixel_ratio", ImGui::GetStyle().FontScaleDpi},
                          {"width", io.DisplaySize.x},
                          {"height", io.DisplaySize.y}};
}

}  // namespace polylens::web

extern "C" EMSCRIPTEN_KEEPALIVE void polylens_focus_query() {
  using namespace polylens::web;
  if (slash_target) slash_target->results.focus_query = true;
}
