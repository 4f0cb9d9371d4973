#include "results_grid.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "refine_controls.h"
#include "search_view_text.h"
#include "ui_theme.h"

namespace polylens::web {

namespace {

constexpr int title_max_lines = 2;
constexpr float weak_alpha = 0.5f;       // weak matches are drawn at half strength
constexpr float grid_max_width = 2560;   // CSS px: a 4K screen at 100% gets ten columns, not a narrow strip

struct tile_layout {
  float pad, image_height, line_height, bar_row_height, text_width;
};

tile_layout tile_layout_for(float tile_width, const ui_scale& px) {
  tile_layout layout;
  layout.pad = px(12);
  layout.image_height = std::round(tile_width * 0.75f);
  layout.line_height = text_size(ui_size::body, "Ag").y;
  layout.bar_row_height = text_size(ui_size::small, "0.00").y;
  layout.text_width = tile_width - 2 * layout.pad;
  return layout;
}

const char* tile_title(const search_hit& hit) { return hit.title.empty() ? hit.id.c_str() : hit.title.c_str(); }

float tile_height(const search_hit& hit, const tile_layout& layout, const ui_scale& px) {
  const int title_lines = count_lines(ui_size::body, tile_title(hit), layout.text_width, title_max_lines);
  float height = layout.image_height + layout.pad + title_lines * layout.line_height + px(10) +
                 layout.bar_row_height + layout.pad;
  if (!hit.credit.empty())
    height += px(8) + text_size(ui_size::small, hit.credit.c_str(), layout.text_width).y;
  return height;
}

void draw_thumbnail(ImDrawList* draw, ImVec2 min, ImVec2 max, const thumbnail* thumb, float rounding, float alpha,
                    const ui_scale& px) {
  draw->AddRectFilled(min, max, with_alpha(ui_color::image_well, alpha), rounding, ImDrawFlags_RoundCornersTop);
  if (thumb && thumb->status == thumbnail_status::ready && thumb->width > 0 && thumb->height > 0) {
    // Fit inside the well, keeping the aspect ratio: a result is shown whole, never cropped.
    const float well_w = max.x - min.x, well_h = max.y - min.y;
    const float scale = std::min(well_w / thumb->width, well_h / thumb->height);
    const float w = std::round(thumb->width * scale), h = std::round(thumb->height * scale);
    const ImVec2 image_min(std::round(min.x + (well_w - w) * 0.5f), std::round(min.y + (well_h - h) * 0.5f));
    const ImVec2 image_max(image_min.x + w, image_min.y + h);
    // Round only the corners that touch the card's rounded top.
    ImDrawFlags corners = ImDrawFlags_RoundCornersNone;
    if (image_min.y <= min.y + 0.5f && image_min.x <= min.x + 0.5f) corners |= ImDrawFlags_RoundCornersTopLeft;
    if (image_min.y <= min.y + 0.5f && image_max.x >= max.x - 0.5f) corners |= ImDrawFlags_RoundCornersTopRight;
    draw->AddImageRounded(ImTextureRef(static_cast<ImTextureID>(thumb->texture)), image_min, image_max,
                          ImVec2(0, 0), ImVec2(1, 1), with_alpha(IM_COL32_WHITE, alpha),
                          corners == ImDrawFlags_RoundCornersNone ? 0.0f : rounding, corners);
    return;
  }
  const ImVec2 center((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f);
  if (thumb && thumb->status == thumbnail_status::failed) {
    const char* label = "no preview";
    const ImVec2 size = text_size(ui_size::small, label);
    draw_text(draw, ui_size::small, ImVec2(center.x - size.x * 0.5f, center.y - size.y * 0.5f),
              with_alpha(ui_color::text_faint, alpha), label);
  } else {
    draw_spinner(draw, center, px(10), with_alpha(ui_color::text_faint, alpha), px(2));
  }
}

// Returns whether the card was clicked.
bool draw_tile(const search_hit& hit, int rank, const thumbnail* thumb, ImVec2 pos, float width, float height,
               const tile_layout& layout, float alpha, bool focused, const ui_scale& px) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 max(pos.x + width, pos.y + height);
  const float rounding = px(10);
  const bool hovered = ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(pos, max);
  if (hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  if (focused) {
    // The keyboard focus: a ring outside the card, in the accent colour, at full strength even when dimmed.
    const float ring = px(3), gap = px(2);
    draw->AddRect(ImVec2(pos.x - gap - ring * 0.5f, pos.y - gap - ring * 0.5f),
                  ImVec2(max.x + gap + ring * 0.5f, max.y + gap + ring * 0.5f), ui_color::accent, rounding + gap, 0, ring);
  }

  draw->AddRectFilled(pos, max, with_alpha(hovered ? ui_color::card_hover : ui_color::card, alpha), rounding);
  draw_thumbnail(draw, pos, ImVec2(max.x, pos.y + layout.image_height), thumb, rounding, alpha, px);
  draw->AddRect(pos, max, with_alpha(hovered ? ui_color::rgb(70, 78, 96) : ui_color::card_border, alpha), rounding,
                ImDrawFlags_None, px(1));

  // Rank badge on the image's top-left corner.
  char rank_text[16];
  std::snprintf(rank_text, sizeof rank_text, "#%d", rank);
  const ImVec2 rank_size = text_size(ui_size::small, rank_text);
  const ImVec2 badge_min(pos.x + px(8), pos.y + px(8));
  const ImVec2 badge_max(badge_min.x + rank_size.x + px(14), badge_min.y + rank_size.y + px(6));
  draw->AddRectFilled(badge_min, badge_max, with_alpha(ui_color::rgb(12, 14, 18, 200), alpha),
                      (badge_max.y - badge_min.y) * 0.5f);
  draw_text(draw, ui_size::small, ImVec2(badge_min.x + px(7), badge_min.y + px(3)), with_alpha(ui_color::text, alpha),
            rank_text);

  // Title: up to two lines.
  float y = pos.y + layout.image_height + layout.pad;
  const float x = pos.x + layout.pad;
  const float right = max.x - layout.pad;
  const char* title = tile_title(hit);
  draw_text_lines(draw, ui_size::body, ImVec2(x, y), layout.text_width, title_max_lines,
                  with_alpha(ui_color::text, alpha), title);
  y += count_lines(ui_size::body, title, layout.text_width, title_max_lines) * layout.line_height + px(10);

  // Score bar: cosine similarity, filled over [0, 1].
  char score_text[16];
  std::snprintf(score_text, sizeof score_text, "%.2f", hit.score);
  const ImVec2 score_size = text_size(ui_size::small, score_text);
  const float bar_h = px(6);
  const float bar_y = y + (layout.bar_row_height - bar_h) * 0.5f;
  const float bar_right = right - score_size.x - px(10);
  draw->AddRectFilled(ImVec2(x, bar_y), ImVec2(bar_right, bar_y + bar_h), with_alpha(ui_color::bar_track, alpha),
                      bar_h * 0.5f);
  const float fill = std::clamp(hit.score, 0.0f, 1.0f);
  if (fill > 0)
    draw->AddRectFilled(ImVec2(x, bar_y), ImVec2(x + std::max(bar_h, (bar_right - x) * fill), bar_y + bar_h),
                        with_alpha(hit.strong ? ui_color::accent : ui_color::text_faint, alpha), bar_h * 0.5f);
  draw_text(draw, ui_size::small, ImVec2(right - score_size.x, y), with_alpha(ui_color::text_dim, alpha), score_text);
  y += layout.bar_row_height;

  // Attribution: CC BY photos must carry their credit wherever they are shown.
  if (!hit.credit.empty())
    draw_text(draw, ui_size::small, ImVec2(x, y + px(8)), with_alpha(ui_color::text_faint, alpha), hit.credit.c_str(),
              layout.text_width);

  if (hovered && alpha >= weak_alpha) {  // not while a search is on its way (the cards are dimmer still)
    ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(px(420), FLT_MAX));
    if (ImGui::BeginTooltip()) {
      ImGui::PushTextWrapPos(px(400));
      ImGui::TextUnformatted(title);
      ImGui::PushFont(nullptr, ui_size::small);
      ImGui::PushStyleColor(ImGuiCol_Text, ui_color::text_dim);
      ImGui::Text("%s \xC2\xB7 score %.4f%s", hit.id.c_str(), hit.score, hit.strong ? "" : " \xC2\xB7 weak match");
      if (!hit.tags.empty()) {
        std::string tags;
        for (const std::string& tag : hit.tags) tags += (tags.empty() ? "" : ", ") + tag;
        ImGui::TextUnformatted(tags.c_str());
      }
      ImGui::PopStyleColor();
      ImGui::PopFont();
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
  }
  return hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left);
}

// "No strong match for ...": the best the index has is still a guess. Returns its height.
float draw_no_match_notice(const search_details& details, ImVec2 pos, float width, const ui_scale& px) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const std::string head = no_strong_match_line(details);
  std::string body = "The nearest images are shown below, dimmed";
  const std::string reason = weak_matches_reason(details);
  body += reason.empty() ? "." : ": every score is " + reason + ".";
  const float icon = text_size(ui_size::lead, "Ag").y;
  const float text_w = width - icon - px(12);
  const float head_h = text_size(ui_size::lead, head.c_str(), text_w).y;
  draw_warning_icon(draw, ImVec2(pos.x + icon * 0.45f, pos.y + icon * 0.5f), icon * 0.85f, ui_color::amber,
                    ui_color::background);
  draw_text(draw, ui_size::lead, ImVec2(pos.x + icon + px(12), pos.y), ui_color::text, head.c_str(), text_w);
  draw_text(draw, ui_size::meta, ImVec2(pos.x + icon + px(12), pos.y + head_h + px(4)), ui_color::text_dim,
            body.c_str(), text_w);
  return head_h + px(4) + text_size(ui_size::meta, body.c_str(), text_w).y;
}

// A rule across the grid with "Weak matches" and why in the middle. Returns its height.
float draw_weak_divider(const search_details& details, ImVec2 pos, float width, const ui_scale& px) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  std::string label = "Weak matches";
  const std::string reason = weak_matches_reason(details);
  if (!reason.empty() && width > px(520)) label += " \xC2\xB7 " + reason;
  const ImVec2 size = text_size(ui_size::meta, label.c_str(), width);
  const float y = pos.y + size.y * 0.5f;
  const float text_x = pos.x + std::max(0.0f, (width - size.x) * 0.5f);
  if (text_x - px(12) > pos.x) {
    draw->AddLine(ImVec2(pos.x, y), ImVec2(text_x - px(12), y), ui_color::card_border, px(1));
    draw->AddLine(ImVec2(text_x + size.x + px(12), y), ImVec2(pos.x + width, y), ui_color::card_border, px(1));
  }
  draw_text(draw, ui_size::meta, ImVec2(text_x, pos.y), ui_color::text_dim, label.c_str(), width);
  return size.y;
}

}  // namespace

float results_grid_width(float full_width, const ui_scale& px) {
  return std::max(px(120), std::min(full_width - 2 * px(28), px(grid_max_width)));
}

void draw_results_grid(app_state& state, const thumbnail_cache& thumbnails, float width, const ui_scale& px) {
  const search_state& search = state.search;
  results_view_state& view = state.results;
  results_layout& where = view.layout;
  const float gap = px(16);
  const int columns = std::max(1, static_cast<int>((width + gap) / (px(ui_size::tile_min) + gap)));
  const float tile_width = std::floor((width - gap * (columns - 1)) / columns);
  const tile_layout layout = tile_layout_for(tile_width, px);
  const float alpha = search.status == search_status::searching ? 0.45f : 1.0f;
  ImGui::Dummy(ImVec2(width, px(6)));  // room for the focus ring above the first row (the list clips there)
  ImGui::SetCursorScreenPos(ImVec2(ImGui::GetItemRectMin().x, ImGui::GetItemRectMax().y));
  const ImVec2 start = ImGui::GetCursorScreenPos();
  // Every row starts at the grid's left edge: ImGui would put it back at the enclosing group's, which on wide
  // screens is the narrower text column's.
  auto row_start_at = [&start] { ImGui::SetCursorScreenPos(ImVec2(start.x, ImGui::GetCursorScreenPos().y)); };
  where.columns = columns;
  where.tiles.assign(search.hits.size(), css_rect{});
  where.divider = {};
  where.no_match_notice = {};

  const int count = static_cast<int>(search.hits.size());
  const int first_weak = first_weak_hit(search.hits);
  if (count > 0 && first_weak == 0 && search.status == search_status::done) {
    row_start_at();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float h = draw_no_match_notice(search.details, at, width, px);
    where.no_match_notice = css_of(at, ImVec2(at.x + width, at.y + h), px.ratio);
    ImGui::Dummy(ImVec2(width, h + px(8)));
  }
  // Rows of strong hits, then (after the divider) rows of weak ones: a weak hit never shares a row.
  for (int row_start = 0; row_start < count;) {
    if (row_start == first_weak) {
      row_start_at();
      const ImVec2 at = ImGui::GetCursorScreenPos();
      const float h = draw_weak_divider(search.details, at, width, px);
      where.divider = css_of(at, ImVec2(at.x + width, at.y + h), px.ratio);
      ImGui::Dummy(ImVec2(width, h + px(6)));
    }
    const int row_end = std::min(row_start < first_weak ? first_weak : count, row_start + columns);
    float row_height = 0;
    for (int i = row_start; i < row_end; ++i) row_height = std::max(row_height, tile_height(search.hits[i], layout, px));
    row_start_at();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const bool has_focus = view.focused >= row_start && view.focused < row_end;
    if (has_focus && view.scroll_to_focused && origin.y < ImGui::GetWindowPos().y) {
      ImGui::SetScrollHereY(0.0f);
      view.scroll_to_focused = false;
    }
    for (int i = row_start; i < row_end; ++i) {
      const ImVec2 pos(origin.x + (i - row_start) * (tile_width + gap), origin.y);
      where.tiles[i] = css_of(pos, ImVec2(pos.x + tile_width, pos.y + row_height), px.ratio);
    }
    if (ImGui::IsRectVisible(origin, ImVec2(origin.x + width, origin.y + row_height))) {
      for (int i = row_start; i < row_end; ++i) {
        const ImVec2 pos(origin.x + (i - row_start) * (tile_width + gap), origin.y);
        const search_hit& hit = search.hits[i];
        const bool focused = view.keyboard && view.focused == i;
        const float tile_alpha = alpha * (hit.strong ? 1.0f : weak_alpha);
        const bool clicked = draw_tile(hit, i + 1, thumbnail_cache_find(thumbnails, hit.id), pos, tile_width,
                                       row_height, layout, tile_alpha, focused, px);
        // "More / less like this" sit on the card: a click on them is theirs, not the card's.
        const bool on_refine = draw_refine_card_buttons(state, i, pos.x + tile_width, pos.y, tile_alpha, px);
        if (clicked && !on_refine) {
          view.open = i;
          view.focused = i;
          view.keyboard = false;  // the mouse chose: no ring until the keyboard is used again
        }
      }
    }
    ImGui::Dummy(ImVec2(width, row_height));
    row_start_at();
    if (has_focus && view.scroll_to_focused) {
      const float window_bottom = ImGui::GetWindowPos().y + ImGui::GetWindowHeight();
      if (origin.y + row_height > window_bottom) ImGui::SetScrollHereY(1.0f);
      view.scroll_to_focused = false;
    }
    ImGui::Dummy(ImVec2(width, gap - ImGui::GetStyle().ItemSpacing.y * 2));
    row_start = row_end;
  }
  where.grid = css_of(start, ImVec2(start.x + width, ImGui::GetCursorScreenPos().y), px.ratio);
}

}  // namespace polylens::web
