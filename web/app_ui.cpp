#include "app_ui.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>

#include "compare_view.h"
#include "connection_panel.h"
#include "ingest_panel.h"
#include "language_chips.h"
#include "query_text.h"
#include "query_image_card.h"
#include "refine_controls.h"
#include "results_grid.h"
#include "stats_strip.h"
#include "ui_draw.h"
#include "ui_theme.h"

namespace polylens::web {

namespace {

constexpr const char* stand_in_notice = "Results come from a test stand-in for Jina CLIP v2, not the real model";
constexpr const char* query_hint = "Search your images in any language\xE2\x80\xA6";  // U+2026

// --- Banner -----------------------------------------------------------------------------------------------------

// Full-width amber strip across the top of the window. Returns its height.
float draw_stand_in_banner(const ui_scale& px) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetWindowPos();
  const float width = ImGui::GetWindowWidth();
  const float wrap = std::max(px(200), width - px(2 * 28 + 40));
  const ImVec2 text = text_size(ui_size::meta, stand_in_notice, wrap);
  const float height = text.y + px(22);
  draw->AddRectFilled(origin, ImVec2(origin.x + width, origin.y + height), ui_color::amber);
  const float icon = px(18);
  const float content_width = icon + px(10) + text.x;
  const float x = origin.x + std::max(px(16), (width - content_width) * 0.5f);
  draw_warning_icon(draw, ImVec2(x + icon * 0.5f, origin.y + height * 0.5f), icon, ui_color::amber_text,
                    ui_color::amber);
  draw_text(draw, ui_size::meta, ImVec2(x + icon + px(10), origin.y + px(11)), ui_color::amber_text, stand_in_notice, wrap);
  return height;
}

// --- Header: title and service status --------------------------------------------------------------------------

void draw_header(const app_state& state, float left, float width, const ui_scale& px) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const char* title = "Polylens";
  const char* tagline = "multilingual image search";
  const ImVec2 title_size = text_size(ui_size::title, title);
  const ImVec2 tagline_size = text_size(ui_size::meta, tagline);

  // Right: a status dot and what the proxy said about itself.
  char status[160];
  ImU32 dot = ui_color::text_faint;
  ImU32 color = ui_color::text_dim;
  if (!state.health.loaded) {
    std::snprintf(status, sizeof status, "connecting\xE2\x80\xA6");
  } else if (state.health.report) {
    const health_report& health = *state.health.report;
    const char* backend = health.backend.empty() ? "backend" : health.backend.c_str();
    if (!health.backend_reachable) {
      std::snprintf(status, sizeof status, "%s unreachable", backend);
      dot = color = ui_color::error;
    } else {
      if (health.doc_count >= 0)
        std::snprintf(status, sizeof status, "%s \xC2\xB7 %lld image%s", backend, health.doc_count,
                      health.doc_count == 1 ? "" : "s");
      else
        std::snprintf(status, sizeof status, "%s \xC2\xB7 no index", backend);
      dot = health.ok ? ui_color::ok : ui_color::amber;
    }
  } else {
    const std::string& message = state.health.failure->message;
    std::snprintf(status, sizeof status, "%s", message.empty() ? "cannot reach the proxy" : message.c_str());
    dot = color = ui_color::error;
  }
  const float dot_space = px(16);
  const ImVec2 status_size = text_size(ui_size::meta, status, width - dot_space);

  // Everything on one line when it fits; on narrow screens the tagline goes, then the status moves below.
  const float gap = px(14);
  const bool tagline_fits = title_size.x + gap + tagline_size.x + gap * 2 + dot_space + status_size.x <= width;
  const bool status_fits = title_size.x + gap * 2 + dot_space + status_size.x <= width;
  const float text_y = pos.y + title_size.y - tagline_size.y - px(3);  // small text sits on the title's baseline
  draw_text(draw, ui_size::title, pos, ui_color::text, title);
  if (tagline_fits) draw_text(draw, ui_size::meta, ImVec2(left + title_size.x + gap, text_y), ui_color::text_dim, tagline);
  const ImVec2 status_pos = status_fits ? ImVec2(left + width - status_size.x, text_y)
                                        : ImVec2(left + dot_space, pos.y + title_size.y + px(4));
  draw_text(draw, ui_size::meta, status_pos, color, status, width - dot_space);
  draw->AddCircleFilled(ImVec2(status_pos.x - px(10), status_pos.y + tagline_size.y * 0.5f), px(4), dot);

  ImGui::Dummy(ImVec2(width, status_fits ? title_size.y : title_size.y + px(4) + status_size.y));
}

// --- Search box -------------------------------------------------------------------------------------------------

bool draw_search_row(app_state& state, float left, float width, const ui_scale& px) {
  bool submit = false;
  ImGui::SetCursorScreenPos(ImVec2(left, ImGui::GetCursorScreenPos().y));
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(px(16), px(13)));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, px(10));
  const float button_width = width < px(520) ? px(96) : px(128);
  const float spacing = ImGui::GetStyle().ItemSpacing.x;

  // A search page starts with the cursor in the box; '/' puts it back there (results_view.h).
  if (state.frame == 0 || state.results.focus_query) ImGui::SetKeyboardFocusHere();
  state.results.focus_query = false;
  ImGui::SetNextItemWidth(width - button_width - spacing);
  const query_text_frame query_text = query_text_begin(state);  // what ImGui cannot draw, the browser does
  if (ImGui::InputTextWithHint("##query", query_hint, state.query, sizeof state.query,
                               ImGuiInputTextFlags_EnterReturnsTrue)) {
    submit = true;
    ImGui::SetKeyboardFocusHere(-1);  // keep typing after Enter
  }
  query_text_end(state, query_text, px);
  state.query_focused = ImGui::IsItemActive();
  const ImVec2 box_min = ImGui::GetItemRectMin(), box_max = ImGui::GetItemRectMax();
  state.query_box = css_of(box_min, box_max, px.ratio);

  ImGui::SameLine();
  ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 0.0f);
  if (ImGui::Button("Search", ImVec2(button_width, box_max.y - box_min.y))) submit = true;
  if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  ImGui::PopStyleVar(3);
  return submit;
}

// The "Add images" button at the right end of the line under the box (the panel has its own Close).
// Returns whether it was pressed; `space` is the width it takes, so the line's text stays clear of it.
bool draw_add_images_button(app_state& state, float left, float width, float& space, const ui_scale& px) {
  space = 0;
  if (state.ingest.panel_open) return false;
  // While a run goes on with the panel closed, the button shows how far it is.
  char label[64] = "+ Add images";
  if (state.ingest.running)
    std::snprintf(label, sizeof label, "Adding images: %d / %zu", ingest_done(state.ingest), state.ingest.files.size());
  ImGui::PushFont(nullptr, ui_size::meta);
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(px(10), px(3)));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, px(6));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, px(1));
  ImGui::PushStyleColor(ImGuiCol_Button, ui_color::card);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ui_color::card_hover);
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, ui_color::card_border);
  const float button_width = ImGui::CalcTextSize(label).x + px(20);
  const ImVec2 row = ImGui::GetCursorScreenPos();
  ImGui::SetCursorScreenPos(ImVec2(left + width - button_width, row.y - px(3)));
  const bool pressed = ImGui::Button(label);
  if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
  state.ingest.layout.toggle_button = css_of(min, max, px.ratio);
  ImGui::PopStyleColor(3);
  ImGui::PopStyleVar(3);
  ImGui::PopFont();
  ImGui::SetCursorScreenPos(row);
  space = button_width + px(16);
  return pressed;
}

// One line under the box: progress, the error, or the stats strip. Fixed height until a search is done, so
// nothing below jumps.
void draw_meta_line(app_state& state, float left, float width, const ui_scale& px) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 pos(left, ImGui::GetCursorScreenPos().y);
  const float line = text_size(ui_size::meta, "Ag").y;
  const search_state& search = state.search;
  switch (search.status) {
    case search_status::idle:
      break;
    case search_status::searching:
      draw_spinner(draw, ImVec2(pos.x + line * 0.5f, pos.y + line * 0.5f), line * 0.38f, ui_color::accent, px(2));
      draw_text(draw, ui_size::meta, ImVec2(pos.x + line + px(6), pos.y), ui_color::text_dim, "Searching\xE2\x80\xA6");
      break;
    case search_status::error: {
      draw_warning_icon(draw, ImVec2(pos.x + line * 0.45f, pos.y + line * 0.5f), line * 0.9f, ui_color::error,
                        ui_color::background);
      const std::string& message = search.failure ? search.failure->message : std::string("search failed");
      draw_text(draw, ui_size::meta, ImVec2(pos.x + line + px(6), pos.y), ui_color::error, message.c_str(),
                width - line - px(6));
      ImGui::Dummy(ImVec2(width, text_size(ui_size::meta, message.c_str(), width - line - px(6)).y));
      return;
    }
    case search_status::done:
      draw_stats_strip(state, pos, width, px);  // counts, timings, tokens, cache, who answered
      return;
  }
  ImGui::Dummy(ImVec2(width, line));
}

// Before the first search: a short invitation (the language chips above the results offer sample queries).
void draw_empty_page(float width, const ui_scale& px) {
  ImGui::Dummy(ImVec2(width, px(40)));
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float column = std::min(width, px(620));
  const float left = ImGui::GetCursorScreenPos().x + (width - column) * 0.5f;
  float y = ImGui::GetCursorScreenPos().y;
  y += draw_text_centered(draw, ui_size::lead, left, y, column, ui_color::text,
                          "Find images by describing them, in any language.");
  y += px(8);
  y += draw_text_centered(draw, ui_size::meta, left, y, column, ui_color::text_dim,
                          "Text and images share one embedding space, so a query in French, Japanese or Russian "
                          "finds the same photos as one in English. Pick a language above for a sample query.");
  ImGui::Dummy(ImVec2(width, y - ImGui::GetCursorScreenPos().y));
}

}  // namespace

ui_intent app_ui_draw(app_state& state, const thumbnail_cache& thumbnails, float device_pixel_ratio) {
  const ui_scale px{device_pixel_ratio};
  ui_intent intent;

  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->Pos);
  ImGui::SetNextWindowSize(viewport->Size);
  // No window padding: the banner and the results' scrollbar reach the window's edges; margins are ours.
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::Begin("Polylens", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PopStyleVar();
  ImGui::PushFont(nullptr, ui_size::body);

  float top = px(22);
  const embedder_info* embedder = app_current_embedder(state);
  if (embedder && embedder->stand_in) top += draw_stand_in_banner(px);

  // A centred column: wide screens get margins rather than ever-longer lines.
  const float full_width = viewport->Size.x;
  const float width = std::max(px(120), std::min(full_width - 2 * px(28), px(ui_size::content_max)));
  const float left = viewport->Pos.x + std::floor((full_width - width) * 0.5f);

  ImGui::SetCursorScreenPos(ImVec2(left, viewport->Pos.y + top));
  draw_header(state, left, width, px);
  ImGui::Dummy(ImVec2(width, px(6)));
  if (draw_search_row(state, left, width, px)) intent.search = true;
  ImGui::SetCursorScreenPos(ImVec2(left, ImGui::GetCursorScreenPos().y + px(2)));
  float button_space = 0;
  if (!state.kiosk.enabled && draw_add_images_button(state, left, width, button_space, px))
    intent.toggle_ingest_panel = true;  // admin: never in kiosk mode
  draw_meta_line(state, left, width - button_space, px);
  if (!state.drop_hint.empty()) {
    // Files were dropped while the panel was closed: say where they should go rather than ignore them.
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 at(left, ImGui::GetCursorScreenPos().y + px(4));
    const float line = text_size(ui_size::meta, "Ag").y;
    draw_warning_icon(draw, ImVec2(at.x + line * 0.45f, at.y + line * 0.5f), line * 0.9f, ui_color::amber,
                      ui_color::background);
    draw_text(draw, ui_size::meta, ImVec2(at.x + line + px(6), at.y), ui_color::amber, state.drop_hint.c_str(),
              width - line - px(6));
    ImGui::SetCursorScreenPos(at);
    ImGui::Dummy(ImVec2(width, text_size(ui_size::meta, state.drop_hint.c_str(), width - line - px(6)).y));
  }
  ImGui::SetCursorScreenPos(ImVec2(left, ImGui::GetCursorScreenPos().y + px(10)));
  draw_compare_tabs(state, left, width, px);  // Search | Dims | Languages (compare_view.h)
  ImGui::SetCursorScreenPos(ImVec2(left, ImGui::GetCursorScreenPos().y + px(6)));
  if (draw_language_chips(state, left, width, px)) intent.search = true;
  draw_query_image_card(state, thumbnails, left, width, px);  // the image searched with, if any
  ImGui::SetCursorScreenPos(ImVec2(left, ImGui::GetCursorScreenPos().y + px(8)));

  // The results scroll on their own while the header and the box stay put. The child spans the whole window so
  // its scrollbar sits at the window's edge; the column is centred again inside it.
  ImGui::SetCursorScreenPos(ImVec2(viewport->Pos.x, ImGui::GetCursorScreenPos().y));
  ImGui::BeginChild("results", ImVec2(viewport->Size.x, 0), ImGuiChildFlags_None, ImGuiWindowFlags_NoBackground);
  ImGui::SetCursorScreenPos(ImVec2(left, ImGui::GetCursorScreenPos().y));
  ImGui::BeginGroup();
  if (draw_connection_panel(state, width, px)) intent.retry_connection = true;
  if (state.connection.problem != proxy_problem::none) ImGui::Dummy(ImVec2(width, px(12)));
  if (state.ingest.panel_open) {
    const ingest_panel_intent panel = draw_ingest_panel(state, width, px);
    intent.toggle_ingest_panel |= panel.close;
    intent.cancel_ingest = panel.cancel;
    intent.retry_ingest = panel.retry;
    ImGui::Dummy(ImVec2(width, px(12)));
  } else {
    state.ingest.token_focused = false;
  }
  if (state.compare.mode != compare_mode::search) {
    draw_compare_view(state, thumbnails, width, px);  // the comparison's columns instead of the grid
  } else if (state.search.hits.empty() && state.search.status != search_status::done) {
    if (state.search.status != search_status::searching) draw_empty_page(width, px);
  } else {
    // Wider than the text column on big screens: more columns rather than margins.
    draw_refine_bar(state, width, px);  // what the ranking is, and Reset (refine_controls.h)
    const float grid_width = results_grid_width(full_width, px);
    ImGui::SetCursorScreenPos(
        ImVec2(viewport->Pos.x + std::floor((full_width - grid_width) * 0.5f), ImGui::GetCursorScreenPos().y));
    draw_results_grid(state, thumbnails, grid_width, px);
  }
  ImGui::Dummy(ImVec2(width, px(16)));
  ImGui::EndGroup();
  ImGui::EndChild();

  draw_drop_overlay(state, px);
  ImGui::PopFont();
  ImGui::End();

  // The hidden DOM input follows the field being edited: the token while it has the keyboard, else the query.
  state.text_secret = state.ingest.token_focused;
  state.text_box = state.text_secret ? state.ingest.layout.token_box : state.query_box;
  return intent;
}

}  // namespace polylens::web
