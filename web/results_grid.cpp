#include "results_grid.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "ui_theme.h"

namespace polylens::web {

namespace {

constexpr int title_max_lines = 2;

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

void draw_tile(const search_hit& hit, int rank, const thumbnail* thumb, ImVec2 pos, float width, float height,
               const tile_layout& layout, float alpha, const ui_scale& px) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 max(pos.x + width, pos.y + height);
  const float rounding = px(10);
  const bool hovered = ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(pos, max);

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
                        with_alpha(ui_color::accent, alpha), bar_h * 0.5f);
  draw_text(draw, ui_size::small, ImVec2(right - score_size.x, y), with_alpha(ui_color::text_dim, alpha), score_text);
  y += layout.bar_row_height;

  // Attribution: CC BY photos must carry their credit wherever they are shown.
  if (!hit.credit.empty())
    draw_text(draw, ui_size::small, ImVec2(x, y + px(8)), with_alpha(ui_color::text_faint, alpha), hit.credit.c_str(),
              layout.text_width);

  if (hovered && alpha >= 1.0f) {
    ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(px(420), FLT_MAX));
    if (ImGui::BeginTooltip()) {
      ImGui::PushTextWrapPos(px(400));
      ImGui::TextUnformatted(title);
      ImGui::PushFont(nullptr, ui_size::small);
      ImGui::PushStyleColor(ImGuiCol_Text, ui_color::text_dim);
      ImGui::Text("%s \xC2\xB7 score %.4f", hit.id.c_str(), hit.score);
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
}

}  // namespace

void draw_results_grid(const search_state& search, const thumbnail_cache& thumbnails, float width,
                       const ui_scale& px) {
  const float gap = px(16);
  const int columns = std::max(1, static_cast<int>((width + gap) / (px(ui_size::tile_min) + gap)));
  const float tile_width = std::floor((width - gap * (columns - 1)) / columns);
  const tile_layout layout = tile_layout_for(tile_width, px);
  const float alpha = search.status == search_status::searching ? 0.45f : 1.0f;

  const int count = static_cast<int>(search.hits.size());
  for (int row_start = 0; row_start < count; row_start += columns) {
    const int row_end = std::min(count, row_start + columns);
    float row_height = 0;
    for (int i = row_start; i < row_end; ++i) row_height = std::max(row_height, tile_height(search.hits[i], layout, px));
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    if (ImGui::IsRectVisible(origin, ImVec2(origin.x + width, origin.y + row_height))) {
      for (int i = row_start; i < row_end; ++i) {
        const ImVec2 pos(origin.x + (i - row_start) * (tile_width + gap), origin.y);
        draw_tile(search.hits[i], i + 1, thumbnail_cache_find(thumbnails, search.hits[i].id), pos, tile_width,
                  row_height, layout, alpha, px);
      }
    }
    ImGui::Dummy(ImVec2(width, row_height));
    ImGui::Dummy(ImVec2(width, gap - ImGui::GetStyle().ItemSpacing.y * 2));
  }
}

}  // namespace polylens::web
