#include "compare_view.h"

#include <imgui.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>

#include "browser_text.h"
#include "compare_actions.h"
#include "refine_controls.h"
#include "ui_theme.h"

namespace polylens::web {

namespace {

constexpr const char* measures_line =
    "overlap@10: how many of the first column's top 10 are also in this column's top 10. "
    "\xCF\x84: Kendall's tau over the images both top-10 lists hold (1: same order, \xE2\x88\x92" "1: reversed).";

css_rect css_of(ImVec2 min, ImVec2 max, const ui_scale& px) {
  return {min.x / px.ratio, min.y / px.ratio, (max.x - min.x) / px.ratio, (max.y - min.y) / px.ratio};
}

nlohmann::json rect_json(const css_rect& r) {
  if (r.w <= 0 || r.h <= 0) return nullptr;
  return {{"x", r.x}, {"y", r.y}, {"w", r.w}, {"h", r.h}};
}

// One line of text in any script: ImGui's atlas where it can, the browser's drawing where it must
// (browser_text.h). Returns the height used.
float draw_any_line(ImDrawList* draw, float css_size, ImVec2 pos, float max_width, ImU32 color, const std::string& text,
                    bool label) {
  if (browser_text_wanted(text, label)) {
    browser_text_request request;
    request.text = text;
    request.size = font_px(css_size);
    request.wrap_width = max_width;
    request.max_lines = 1;
    request.label = label;
    const browser_text_image& image = browser_text_get(request);
    browser_text_draw(draw, image, pos, color);
    return image.height;
  }
  draw_text_ellipsis(draw, css_size, pos, pos.x + max_width, color, text.c_str());
  return text_size(css_size, "Ag").y;
}

// A small button in the chips' style. Returns whether it was pressed.
bool small_button(const char* label, css_rect& where, const ui_scale& px, bool selected = false) {
  ImGui::PushFont(nullptr, ui_size::meta);
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(px(12), px(4)));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, px(6));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, px(1));
  ImGui::PushStyleColor(ImGuiCol_Button, selected ? ui_color::accent : ui_color::card);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, selected ? ui_color::accent : ui_color::card_hover);
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, ui_color::card_border);
  ImGui::PushStyleColor(ImGuiCol_Text, selected ? ui_color::background : ui_color::text);
  const bool pressed = ImGui::Button(label);
  if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  where = css_of(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), px);
  ImGui::PopStyleColor(4);
  ImGui::PopStyleVar(3);
  ImGui::PopFont();
  return pressed;
}

std::string timing_line(const compare_column& column) {
  char text[128];
  std::snprintf(text, sizeof text, "kNN %.1f ms \xC2\xB7 embed %.1f ms \xC2\xB7 total %.1f ms", column.took_ms.knn_ms,
                column.took_ms.embed_ms, column.took_ms.total_ms);
  return text;
}

std::string agreement_line(const compare_column& column, const std::string& reference) {
  if (!column.agreement) return "reference: the others are compared with " + reference;
  const rank_agreement& a = *column.agreement;
  char text[160];
  if (a.kendall_tau)
    std::snprintf(text, sizeof text, "overlap@%d %d/%d \xC2\xB7 \xCF\x84 %+.2f (%d shared)", a.k, a.shared, a.k,
                  *a.kendall_tau, a.shared);
  else
    std::snprintf(text, sizeof text, "overlap@%d %d/%d \xC2\xB7 \xCF\x84 n/a (under 2 shared)", a.k, a.shared, a.k);
  return text;
}

// How tall a column's header (label, query, numbers) is at this width: the columns' rows start at the tallest's
// bottom, so rank n sits at the same height in every column.
float column_header_height(const compare_column& column, const std::string& reference_label, float width,
                           const ui_scale& px) {
  const float inner = width - 2 * px(10);
  float h = px(10) + text_size(ui_size::body, "Ag").y + px(2) + text_size(ui_size::meta, "Ag").y + px(6);
  if (column.loading || column.failure) {
    h += column.failure ? text_size(ui_size::small, column.failure->message.c_str(), inner).y
                        : text_size(ui_size::small, "Ag").y;
  } else {
    h += text_size(ui_size::small, timing_line(column).c_str(), inner).y + px(2) +
         text_size(ui_size::small, agreement_line(column, reference_label).c_str(), inner).y;
  }
  return h + px(8);
}

// One column: header, numbers, rows (from header_height down). Returns its height.
float draw_column(compare_column& column, const std::set<std::string>& reference_ids, bool is_reference,
                  const std::string& reference_label, const thumbnail_cache& thumbnails, ImVec2 at, float width,
                  float header_height, const ui_scale& px) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float pad = px(10);
  const float inner = width - 2 * pad;
  float y = at.y + pad;
  y += draw_any_line(draw, ui_size::body, ImVec2(at.x + pad, y), inner, ui_color::text, column.label, true) + px(2);
  y += draw_any_line(draw, ui_size::meta, ImVec2(at.x + pad, y), inner, ui_color::text_dim, "\xE2\x80\x9C" + column.query + "\xE2\x80\x9D", false) + px(6);
  const float line = text_size(ui_size::small, "Ag").y;
  if (column.loading) {
    draw_spinner(draw, ImVec2(at.x + pad + line * 0.5f, y + line * 0.5f), line * 0.38f, ui_color::accent, px(2));
    draw_text(draw, ui_size::small, ImVec2(at.x + pad + line + px(6), y), ui_color::text_dim, "Searching\xE2\x80\xA6");
    y += line;
  } else if (column.failure) {
    const char* message = column.failure->message.c_str();
    draw_text(draw, ui_size::small, ImVec2(at.x + pad, y), ui_color::error, message, inner);
    y += text_size(ui_size::small, message, inner).y;
  } else {
    // Wrapped, not cut: in a narrow column the numbers are what matters.
    const std::string timing = timing_line(column), agreement = agreement_line(column, reference_label);
    draw_text(draw, ui_size::small, ImVec2(at.x + pad, y), ui_color::text_dim, timing.c_str(), inner);
    y += text_size(ui_size::small, timing.c_str(), inner).y + px(2);
    draw_text(draw, ui_size::small, ImVec2(at.x + pad, y), is_reference ? ui_color::text_faint : ui_color::accent,
              agreement.c_str(), inner);
    y += text_size(ui_size::small, agreement.c_str(), inner).y;
  }
  y = std::max(y + px(8), at.y + header_height);

  // The ranked thumbnails.
  const float thumb = std::min(px(56), inner * 0.3f);
  const float row_h = thumb + px(6);
  column.rows.assign(column.hits.size(), css_rect{});
  const float alpha = column.loading ? 0.45f : 1.0f;
  for (std::size_t i = 0; i < column.hits.size(); ++i) {
    const search_hit& hit = column.hits[i];
    const ImVec2 row_min(at.x + pad, y), row_max(at.x + pad + inner, y + thumb);
    column.rows[i] = css_of(row_min, row_max, px);
    if (!is_reference && reference_ids.count(hit.id))
      draw->AddRectFilled(ImVec2(row_min.x - px(6), row_min.y), ImVec2(row_min.x - px(3), row_max.y),
                          with_alpha(ui_color::accent, alpha));
    draw->AddRectFilled(row_min, ImVec2(row_min.x + thumb, row_max.y), with_alpha(ui_color::image_well, alpha), px(4));
    const thumbnail* t = thumbnail_cache_find(thumbnails, hit.id);
    if (t && t->status == thumbnail_status::ready && t->width > 0 && t->height > 0) {
      const float scale = std::min(thumb / t->width, thumb / t->height);
      const float w = std::round(t->width * scale), h = std::round(t->height * scale);
      const ImVec2 image_min(std::round(row_min.x + (thumb - w) * 0.5f), std::round(row_min.y + (thumb - h) * 0.5f));
      draw->AddImage(ImTextureRef(static_cast<ImTextureID>(t->texture)), image_min, ImVec2(image_min.x + w, image_min.y + h),
                     ImVec2(0, 0), ImVec2(1, 1), with_alpha(IM_COL32_WHITE, alpha));
    }
    char rank[32];
    std::snprintf(rank, sizeof rank, "#%zu \xC2\xB7 %.3f", i + 1, hit.score);
    const float text_x = row_min.x + thumb + px(8);
    draw_text(draw, ui_size::small, ImVec2(text_x, row_min.y + px(2)), with_alpha(ui_color::text_dim, alpha), rank);
    draw_text_ellipsis(draw, ui_size::small, ImVec2(text_x, row_min.y + px(4) + line), row_max.x,
                       with_alpha(ui_color::text, alpha), hit.title.empty() ? hit.id.c_str() : hit.title.c_str());
    y += row_h;
  }
  y += pad;
  const float height = y - at.y;
  draw->AddRect(at, ImVec2(at.x + width, at.y + height), ui_color::card_border, px(8), ImDrawFlags_None, px(1));
  column.rect = css_of(at, ImVec2(at.x + width, at.y + height), px);
  return height;
}

// The row above the columns: what is being compared, and its controls.
void draw_controls(app_state& state, float width, const ui_scale& px) {
  compare_state& compare = state.compare;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const float line = text_size(ui_size::meta, "Ag").y;
  compare.previous_concept = compare.next_concept = compare.run_button = {};
  if (compare.mode == compare_mode::languages) {
    if (small_button("\xE2\x97\x80 previous  [", compare.previous_concept, px)) compare.request_concept_step = -1;
    ImGui::SameLine();
    if (small_button("next  ] \xE2\x96\xB6", compare.next_concept, px)) compare.request_concept_step = +1;
    ImGui::SameLine();
    char text[160];
    std::snprintf(text, sizeof text, "Concept %d of %d: %s (the language chips' sample queries, assets/queries.tsv)",
                  compare.concept_index + 1, compare_concept_count(), compare_concept_name(compare.concept_index));
    const ImVec2 text_at(ImGui::GetCursorScreenPos().x + px(6), at.y + px(4));
    draw_text_ellipsis(draw, ui_size::meta, text_at, at.x + width, ui_color::text_dim, text);
  } else {
    if (small_button("Compare", compare.run_button, px)) compare.request_run = true;
    ImGui::SameLine();
    const std::vector<int>& dims = state.health.report ? state.health.report->dims : std::vector<int>{};
    std::string fields;
    for (int d : dims) fields += (fields.empty() ? "" : ", ") + std::to_string(d);
    const std::string text = "The query box's text against the largest and the smallest field (this index: " +
                             (fields.empty() ? std::string("?") : fields) + " dims), top 10 each";
    draw_text_ellipsis(draw, ui_size::meta, ImVec2(ImGui::GetCursorScreenPos().x + px(6), at.y + px(4)), at.x + width,
                       ui_color::text_dim, text.c_str());
  }
  ImGui::SetCursorScreenPos(ImVec2(at.x, at.y + line + px(14)));
  const ImVec2 summary_at = ImGui::GetCursorScreenPos();
  const float h = text_size(ui_size::small, measures_line, width).y;
  draw_text(draw, ui_size::small, summary_at, ui_color::text_faint, measures_line, width);
  compare.summary = css_of(summary_at, ImVec2(summary_at.x + width, summary_at.y + h), px);
  ImGui::Dummy(ImVec2(width, h + px(10)));
  if (!compare.hint.empty()) {
    const ImVec2 hint_at = ImGui::GetCursorScreenPos();
    draw_text(draw, ui_size::meta, hint_at, ui_color::amber, compare.hint.c_str(), width);
    ImGui::Dummy(ImVec2(width, text_size(ui_size::meta, compare.hint.c_str(), width).y + px(10)));
  }
}

}  // namespace

void draw_compare_tabs(app_state& state, float left, float width, const ui_scale& px) {
  struct tab {
    compare_mode mode;
    const char* label;
  };
  constexpr tab tabs[] = {{compare_mode::search, "1  Search"}, {compare_mode::dims, "2  Dims"},
                          {compare_mode::languages, "3  Languages"}};
  ImGui::SetCursorScreenPos(ImVec2(left, ImGui::GetCursorScreenPos().y));
  for (int i = 0; i < 3; ++i) {
    if (i > 0) ImGui::SameLine(0, px(4));
    ImGui::PushID(i);
    if (small_button(tabs[i].label, state.compare.tabs[i], px, state.compare.mode == tabs[i].mode))
      compare_set_mode(state, tabs[i].mode);
    ImGui::PopID();
  }
  (void)width;
}

void draw_compare_view(app_state& state, const thumbnail_cache& thumbnails, float width, const ui_scale& px) {
  compare_state& compare = state.compare;
  draw_controls(state, width, px);
  if (compare.columns.empty()) return;
  const int n = static_cast<int>(compare.columns.size());
  const float gap = px(12);
  // Narrow screens: fewer columns per row, more rows.
  const int per_row = std::max(1, std::min(n, static_cast<int>((width + gap) / (px(200) + gap))));
  const float column_width = std::floor((width - gap * (per_row - 1)) / per_row);
  std::set<std::string> reference_ids;
  for (const search_hit& hit : compare.columns[0].hits) reference_ids.insert(hit.id);
  const ImVec2 start = ImGui::GetCursorScreenPos();
  float y = start.y;
  for (int row = 0; row * per_row < n; ++row) {
    float row_height = 0, header_height = 0;
    const int first = row * per_row, last = std::min(n, (row + 1) * per_row);
    for (int c = first; c < last; ++c)
      header_height = std::max(header_height, column_header_height(compare.columns[static_cast<std::size_t>(c)],
                                                                   compare.columns[0].label, column_width, px));
    for (int c = first; c < last; ++c) {
      const ImVec2 at(start.x + (c - first) * (column_width + gap), y);
      row_height = std::max(row_height, draw_column(compare.columns[static_cast<std::size_t>(c)], reference_ids, c == 0,
                                                    compare.columns[0].label, thumbnails, at, column_width,
                                                    header_height, px));
    }
    y += row_height + gap;
  }
  ImGui::SetCursorScreenPos(start);
  ImGui::Dummy(ImVec2(width, y - start.y));
}

void compare_hook(nlohmann::json& snapshot, const app_state& state) {
  using nlohmann::json;
  const compare_state& compare = state.compare;
  json columns = json::array();
  for (const compare_column& c : compare.columns) {
    json ids = json::array(), rows = json::array();
    for (const search_hit& hit : c.hits) ids.push_back(hit.id);
    for (const css_rect& r : c.rows) rows.push_back(rect_json(r));
    json agreement = nullptr;
    if (c.agreement)
      agreement = {{"k", c.agreement->k}, {"shared", c.agreement->shared}, {"overlap", c.agreement->overlap},
                   {"kendall_tau", c.agreement->kendall_tau ? json(*c.agreement->kendall_tau) : json(nullptr)}};
    columns.push_back({{"label", c.label},
                       {"lang", c.lang},
                       {"query", c.query},
                       {"dims", c.answered_dims},
                       {"loading", c.loading},
                       {"error", c.failure ? json({{"type", c.failure->type}, {"message", c.failure->message}}) : json(nullptr)},
                       {"ids", std::move(ids)},
                       {"took_ms", {{"embed", c.took_ms.embed_ms}, {"knn", c.took_ms.knn_ms}, {"total", c.took_ms.total_ms}}},
                       {"timing_line", c.loading || c.failure ? json(nullptr) : json(timing_line(c))},
                       {"agreement", std::move(agreement)},
                       {"agreement_line", c.loading || c.failure || compare.columns.empty()
                                              ? json(nullptr)
                                              : json(agreement_line(c, compare.columns[0].label))},
                       {"rect", rect_json(c.rect)},
                       {"rows", std::move(rows)}});
  }
  snapshot["compare"] = {
      {"mode", compare_mode_name(compare.mode)},
      {"runs", compare.runs},
      {"answered", compare.answered},
      {"subject", compare.subject},
      {"concept", compare_concept_name(compare.concept_index)},
      {"hint", compare.hint},
      {"measures", measures_line},
      {"columns", std::move(columns)},
      {"tabs", {rect_json(compare.tabs[0]), rect_json(compare.tabs[1]), rect_json(compare.tabs[2])}},
      {"run_button", rect_json(compare.run_button)},
      {"previous_concept", rect_json(compare.previous_concept)},
      {"next_concept", rect_json(compare.next_concept)},
  };
  refine_hook(snapshot, state);
}

}  // namespace polylens::web
