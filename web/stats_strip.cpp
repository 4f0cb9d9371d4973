#include "stats_strip.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "search_view_text.h"
#include "ui_theme.h"

namespace polylens::web {

const char* stats_cache_word(const search_details& details) {
  if (details.kind == query_kind::similar || details.kind == query_kind::refined) return "none";
  return details.cached ? "hit" : "miss";
}

std::vector<stats_chip> stats_strip_chips(const app_state& state) {
  const search_state& search = state.search;
  std::vector<stats_chip> chips;
  if (search.status != search_status::done) return chips;
  const search_details& d = search.details;
  const int n = static_cast<int>(search.hits.size());
  const int strong = strong_hit_count(search.hits);

  std::string count = std::to_string(n) + (n == 1 ? " result" : " results");
  if (d.threshold && n > 0) count += strong == 0 ? " \xC2\xB7 none strong" : " \xC2\xB7 " + std::to_string(strong) + " strong";
  chips.push_back({count, {}, false});
  if (d.kind == query_kind::similar)
    chips.push_back({"embed: none", "More like this searches with the image's stored vector: nothing is embedded.", false});
  else if (d.kind == query_kind::refined)
    chips.push_back({"embed: none", "Refined by example: the page moved the query vector itself, nothing is embedded.", false});
  else
    chips.push_back({"embed " + format_ms(search.took_ms.embed_ms), "Asking the embedder (or its cache) for the query's vector", false});
  chips.push_back({"kNN " + format_ms(search.took_ms.knn_ms), "The nearest-neighbour search in the vector store", false});
  chips.push_back({"total " + format_ms(search.took_ms.total_ms), "Everything the proxy did for this search", false});
  chips.push_back({std::to_string(d.tokens) + (d.tokens == 1 ? " token" : " tokens"),
                   "What the embedder billed for this query (0 when the cache answered or nothing was embedded)", false});
  const std::string cache = stats_cache_word(d);
  chips.push_back({cache == "none" ? std::string("cache: not used") : "cache " + cache,
                   cache == "hit"    ? "The query's vector came from the proxy's embedding cache"
                   : cache == "miss" ? "The query was embedded now, and is cached for next time"
                                     : "No embedding was needed",
                   false});
  if (d.threshold) {
    char text[64];
    std::snprintf(text, sizeof text, "strong \xE2\x89\xA5 %.3f (%s)", *d.threshold,
                  d.modality == query_modality::text ? "text" : "image");
    chips.push_back({text, "The strong-match threshold for this kind of query: " + d.threshold_source, false});
  } else if (!d.threshold_source.empty()) {
    chips.push_back({"no match threshold", d.threshold_source, true});
  }
  if (state.health.report && !state.health.report->backend.empty()) {
    const health_report& h = *state.health.report;
    chips.push_back({h.backend + (h.backend_version.empty() ? "" : " " + h.backend_version),
                     "The vector store, index \xE2\x80\x9C" + h.index + "\xE2\x80\x9D", false});
  }
  if (search.embedder) {
    const embedder_info& e = *search.embedder;
    std::string name = e.label.empty() ? e.model : e.label;
    if (e.stand_in && name.find("stand-in") == std::string::npos) name += " (stand-in)";
    chips.push_back({name, e.stand_in ? "Results come from a test stand-in, not the real model" : "The embedding model", e.stand_in});
  }
  return chips;
}

void draw_stats_strip(app_state& state, ImVec2 pos, float width, const ui_scale& px) {
  results_layout& where = state.results.layout;
  const std::vector<stats_chip> chips = stats_strip_chips(state);
  where.stats_chips.clear();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float line = text_size(ui_size::meta, "Ag").y;
  const float pad_x = px(8), pad_y = px(2), gap = px(6);
  const float chip_h = line + 2 * pad_y;
  float x = pos.x, y = pos.y;
  for (const stats_chip& chip : chips) {
    where.stats_chips.push_back(chip.text);
    const float text_w = text_size(ui_size::meta, chip.text.c_str()).x;
    const bool fits = text_w + 2 * pad_x <= width;
    const float w = fits ? std::ceil(text_w) + 2 * pad_x : width;
    if (x > pos.x && x + w > pos.x + width) {  // wrap
      x = pos.x;
      y += chip_h + gap;
    }
    const ImVec2 min(x, y), max(x + w, y + chip_h);
    draw->AddRectFilled(min, max, chip.warning ? ui_color::amber : ui_color::card, px(6));
    const ImU32 color = chip.warning ? ui_color::amber_text : ui_color::text_dim;
    if (fits) draw_text(draw, ui_size::meta, ImVec2(x + pad_x, y + pad_y), color, chip.text.c_str());
    else draw_text_ellipsis(draw, ui_size::meta, ImVec2(x + pad_x, y + pad_y), max.x - pad_x, color, chip.text.c_str());
    if (!chip.tooltip.empty() && ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(min, max)) {
      ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(px(420), FLT_MAX));
      if (ImGui::BeginTooltip()) {
        ImGui::PushTextWrapPos(px(400));
        ImGui::TextUnformatted(chip.tooltip.c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
      }
    }
    x += w + gap;
  }
  const float height = chips.empty() ? line : y + chip_h - pos.y;
  ImGui::SetCursorScreenPos(pos);
  ImGui::Dummy(ImVec2(width, height));
  where.stats_strip = {pos.x / px.ratio, pos.y / px.ratio, width / px.ratio, height / px.ratio};
}

}  // namespace polylens::web
