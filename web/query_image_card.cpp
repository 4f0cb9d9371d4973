#include "query_image_card.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "search_view_text.h"
#include "ui_theme.h"

namespace polylens::web {

namespace {

std::string pixels(int w, int h) {
  return std::to_string(w) + " \xC3\x97 " + std::to_string(h) + " px";  // U+00D7
}

std::string card_title(const query_image_state& q, bool searching) {
  if (q.kind == query_kind::similar) return "More like \xE2\x80\x9C" + q.name + "\xE2\x80\x9D";
  if (q.reading) return "Reading " + q.name + "\xE2\x80\xA6";
  const std::string lead = searching ? "Searching with " : "Results for ";
  if (q.name == pasted_image_name) return lead + "the pasted image";
  return lead + "the dropped image " + q.name;
}

// Over everything while files are dragged over the page with "Add images" closed: a drop searches.
void draw_query_drop_overlay(const app_state& state, const ui_scale& px) {
  if (!state.ingest.drop_hover || state.ingest.panel_open) return;  // the panel draws its own
  ImDrawList* draw = ImGui::GetForegroundDrawList();
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  const ImVec2 min = viewport->Pos, max(viewport->Pos.x + viewport->Size.x, viewport->Pos.y + viewport->Size.y);
  draw->AddRectFilled(min, max, ui_color::rgb(17, 19, 24, 210));
  const float inset = px(16);
  draw->AddRect(ImVec2(min.x + inset, min.y + inset), ImVec2(max.x - inset, max.y - inset), ui_color::accent, px(16),
                ImDrawFlags_None, px(2));
  const char* text = "Drop an image to search with it";
  const char* sub = "It is shrunk to 512 px here before it is sent. (To add images to the index, open â"
                    "Add imagesâ first.)";
  const float width = std::min(viewport->Size.x - px(48), px(560));
  const float left = min.x + (viewport->Size.x - width) * 0.5f;
  ImGui::PushFont(nullptr, ui_size::lead);
  const float y = min.y + viewport->Size.y * 0.42f;
  const float h = draw_text_centered(draw, ui_size::lead, left, y, width, ui_color::text, text);
  draw_text_centered(draw, ui_size::meta, left, y + h + px(8), width, ui_color::text_dim, sub);
  ImGui::PopFont();
}

}  // namespace

std::string query_image_sizes_line(const query_image_state& q) {
  std::string line;
  if (q.original_width > 0) line = "original " + pixels(q.original_width, q.original_height);
  if (q.original_bytes > 0) line += (line.empty() ? "original " : ", ") + format_bytes(q.original_bytes);
  if (q.kind == query_kind::similar) {
    line += (line.empty() ? "" : " \xC2\xB7 ") + std::string("nothing uploaded: the proxy searches with its stored vector");
  } else if (q.uploaded_bytes > 0) {
    line += " \xE2\x86\x92 uploaded " + pixels(q.uploaded_width, q.uploaded_height) + ", " +
            format_bytes(q.uploaded_bytes) + " (JPEG, shrunk here)";
  }
  return line;
}

void draw_query_image_card(app_state& state, const thumbnail_cache& thumbnails, float left, float width,
                           const ui_scale& px) {
  const query_image_state& q = state.query_image;
  results_layout& where = state.results.layout;
  where.query_image_card = {};
  where.query_image_clear = {};
  draw_query_drop_overlay(state, px);  // (drawn on the foreground list: where this is called does not matter)
  if (q.kind == query_kind::text) return;

  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 pos(left, ImGui::GetCursorScreenPos().y + px(8));
  const float pad = px(10), preview = px(72), close = px(28);
  const float text_x = pos.x + pad + preview + px(12);
  const float text_w = std::max(px(80), width - (text_x - pos.x) - close - pad);
  const std::string title = card_title(q, state.search.status == search_status::searching);
  const std::string sizes = query_image_sizes_line(q);
  float text_h = text_size(ui_size::body, title.c_str(), text_w).y;
  if (!sizes.empty()) text_h += px(4) + text_size(ui_size::meta, sizes.c_str(), text_w).y;
  if (!q.note.empty()) text_h += px(4) + text_size(ui_size::meta, q.note.c_str(), text_w).y;
  const float height = std::max(preview, text_h) + 2 * pad;
  const ImVec2 max(pos.x + width, pos.y + height);
  draw->AddRectFilled(pos, max, ui_color::card, px(10));
  draw->AddRect(pos, max, ui_color::card_border, px(10), ImDrawFlags_None, px(1));

  // The preview, whole, centred in its square.
  const ImVec2 well_min(pos.x + pad, pos.y + pad), well_max(well_min.x + preview, well_min.y + preview);
  draw->AddRectFilled(well_min, well_max, ui_color::image_well, px(6));
  const thumbnail* thumb = q.preview_key.empty() ? nullptr : thumbnail_cache_find(thumbnails, q.preview_key);
  if (thumb && thumb->status == thumbnail_status::ready && thumb->width > 0 && thumb->height > 0) {
    const float scale = std::min(preview / thumb->width, preview / thumb->height);
    const float w = std::round(thumb->width * scale), h = std::round(thumb->height * scale);
    const ImVec2 image_min(std::round(well_min.x + (preview - w) * 0.5f), std::round(well_min.y + (preview - h) * 0.5f));
    draw->AddImage(ImTextureRef(static_cast<ImTextureID>(thumb->texture)), image_min,
                   ImVec2(image_min.x + w, image_min.y + h));
  } else {
    draw_spinner(draw, ImVec2((well_min.x + well_max.x) * 0.5f, (well_min.y + well_max.y) * 0.5f), px(9),
                 ui_color::text_faint, px(2));
  }

  float y = pos.y + pad;
  draw_text(draw, ui_size::body, ImVec2(text_x, y), ui_color::text, title.c_str(), text_w);
  y += text_size(ui_size::body, title.c_str(), text_w).y;
  if (!sizes.empty()) {
    draw_text(draw, ui_size::meta, ImVec2(text_x, y + px(4)), ui_color::text_dim, sizes.c_str(), text_w);
    y += px(4) + text_size(ui_size::meta, sizes.c_str(), text_w).y;
  }
  if (!q.note.empty()) draw_text(draw, ui_size::meta, ImVec2(text_x, y + px(4)), ui_color::text_faint, q.note.c_str(), text_w);

  // The x: back to searching with words (the results stay until the next search).
  ImGui::SetCursorScreenPos(ImVec2(max.x - pad - close + px(4), pos.y + pad - px(2)));
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 0.0f);
  ImGui::PushStyleColor(ImGuiCol_Button, ui_color::card);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ui_color::card_hover);
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, ui_color::card_border);
  if (ImGui::Button("\xC3\x97##query_image_clear", ImVec2(close - px(4), close - px(4)))) state.results.request_clear_image = true;
  if (ImGui::IsItemHovered()) {
    ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    ImGui::SetTooltip("Put the image away");
  }
  const ImVec2 bmin = ImGui::GetItemRectMin(), bmax = ImGui::GetItemRectMax();
  where.query_image_clear = css_of(bmin, bmax, px.ratio);
  ImGui::PopStyleColor(3);
  ImGui::PopStyleVar(2);

  where.query_image_card = {pos.x / px.ratio, pos.y / px.ratio, width / px.ratio, height / px.ratio};
  ImGui::SetCursorScreenPos(ImVec2(left, pos.y));
  ImGui::Dummy(ImVec2(width, height));
}

}  // namespace polylens::web
