#include "language_chips.h"

#include <imgui.h>

#include <cmath>
#include <cstdio>
#include <cstring>

#include "browser_text.h"
#include "ui_theme.h"

namespace polylens::web {

namespace {

#include "sample_queries.inc"  // generated from assets/queries.tsv (web/gen_sample_queries.mjs)

// Each language by its own name: the chip says which language the sample query will be in.
struct language_name {
  const char* code;
  const char* name;
};
constexpr language_name language_names[] = {
    {"en", "English"}, {"es", "Español"}, {"fr", "Français"}, {"pt", "Português"}, {"de", "Deutsch"},
    {"it", "Italiano"}, {"nl", "Nederlands"}, {"pl", "Polski"}, {"ru", "Русский"}, {"uk", "Українська"},
    {"tr", "Türkçe"}, {"ar", "العربية"}, {"he", "עברית"}, {"hi", "हिन्दी"}, {"bn", "বাংলা"},
    {"th", "ไทย"}, {"vi", "Tiếng Việt"}, {"id", "Indonesia"}, {"zh", "中文"}, {"ja", "日本語"},
    {"ko", "한국어"}, {"el", "Ελληνικά"},
};

}  // namespace

const char* language_label(const char* code) {
  for (const language_name& l : language_names)
    if (std::strcmp(l.code, code) == 0) return l.name;
  return code;  // a language added to queries.tsv without a name here still gets a chip
}

bool draw_language_chips(app_state& state, float left, float width, const ui_scale& px) {
  script_text_state& text = state.text;
  text.chip_clicks.resize(sample_language_count, 0);
  text.chips.clear();

  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float size = font_px(ui_size::meta);
  const float pad_x = px(11), pad_y = px(5), gap = px(6);
  const float height = size + 2 * pad_y;
  const float top = ImGui::GetCursorScreenPos().y;
  float x = left, y = top;
  bool submit = false;

  for (int i = 0; i < sample_language_count; ++i) {
    const char* label = language_label(sample_languages[i]);
    const bool browser = browser_text_wanted(label, true);
    browser_text_request request;
    request.text = label;
    request.size = size;
    request.label = true;
    const float label_width = browser ? browser_text_get(request).width : text_size(ui_size::meta, label).x;
    const float chip_width = std::round(label_width + 2 * pad_x);
    if (x > left && x + chip_width > left + width) {
      x = left;
      y += height + gap;
    }
    ImGui::SetCursorScreenPos(ImVec2(x, y));
    ImGui::PushID(i);
    const bool pressed = ImGui::InvisibleButton("language", ImVec2(chip_width, height));
    ImGui::PopID();
    const bool hovered = ImGui::IsItemHovered(), held = ImGui::IsItemActive();
    if (hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    const ImVec2 min(x, y), max(x + chip_width, y + height);
    draw->AddRectFilled(min, max, held ? ui_color::card_border : hovered ? ui_color::card_hover : ui_color::card,
                        height * 0.5f);
    draw->AddRect(min, max, ui_color::card_border, height * 0.5f, ImDrawFlags_None, px(1));
    const ImU32 ink = hovered ? ui_color::text : ui_color::text_dim;
    const ImVec2 at(x + pad_x, y + pad_y);
    if (browser) browser_text_draw(draw, browser_text_get(request), at, ink);
    else draw_text(draw, ui_size::meta, at, ink, label);

    int& clicks = text.chip_clicks[i];
    if (pressed) {
      std::snprintf(state.query, sizeof state.query, "%s", sample_queries[i][clicks % sample_concept_count]);
      ++clicks;
      submit = true;
    }
    text.chips.push_back({sample_languages[i], label, sample_queries[i][clicks % sample_concept_count], browser,
                          {x / px.ratio, y / px.ratio, chip_width / px.ratio, height / px.ratio}});
    x += chip_width + gap;
  }
  ImGui::SetCursorScreenPos(ImVec2(left, y + height));
  ImGui::Dummy(ImVec2(width, 0));
  return submit;
}

}  // namespace polylens::web
