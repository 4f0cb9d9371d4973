#include "script_text_state.h"

#include <nlohmann/json.hpp>

#include "browser_text.h"
#include "text_scripts.h"

namespace polylens::web {

namespace {

nlohmann::json script_names(unsigned scripts) {
  static constexpr std::pair<unsigned, const char*> names[] = {
      {script_arabic, "arabic"}, {script_hebrew, "hebrew"}, {script_devanagari, "devanagari"},
      {script_bengali, "bengali"}, {script_thai, "thai"}, {script_other_complex, "other"}, {script_cjk, "cjk"},
      {script_hangul, "hangul"}};
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [bit, name] : names)
    if (scripts & bit) out.push_back(name);
  return out;
}

nlohmann::json rect_json(const css_rect& r) {
  if (r.w <= 0 || r.h <= 0) return nullptr;
  return {{"x", r.x}, {"y", r.y}, {"w", r.w}, {"h", r.h}};
}

}  // namespace

nlohmann::json script_text_json(const script_text_state& text) {
  using nlohmann::json;
  const query_text_view& q = text.query;
  json chips = json::array();
  for (const language_chip_view& chip : text.chips)
    chips.push_back({{"lang", chip.lang}, {"label", chip.label}, {"next_query", chip.next_query},
                     {"renderer", chip.browser ? "browser" : "imgui"}, {"rect", rect_json(chip.rect)}});
  const browser_text_stats stats = browser_text_statistics();
  return {
      {"query", {{"renderer", q.browser ? "browser" : "imgui"},
                 {"direction", q.rtl ? "rtl" : "ltr"},
                 {"shown", q.shown},
                 {"preedit", q.preedit},
                 {"caret", q.caret},
                 {"caret_x", q.caret_x < 0 ? json(nullptr) : json(q.caret_x)},
                 {"text_rect", rect_json(q.text_rect)}}},
      {"chips", std::move(chips)},
      {"fonts", {{"requested", script_names(stats.fonts_requested)},
                 {"loaded", script_names(stats.fonts_loaded)},
                 {"cjk_in_atlas", stats.cjk_in_atlas},
                 {"scripts_seen", script_names(browser_text_scripts_seen())}}},
      {"browser_text", {{"cached", stats.cached}, {"rendered", stats.rendered}}},
  };
}

}  // namespace polylens::web
