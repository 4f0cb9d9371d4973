// Drawing primitives for the page: text at a size in CSS pixels, wrapping and ellipses, a spinner, a warning
// icon. Everything takes sizes in CSS pixels and draws in ImGui's device pixels (see web_window.h).
#pragma once
#include <imgui.h>

#include "css_rect.h"

namespace polylens::web {

// Layout works in CSS pixels; px() turns them into ImGui's device pixels.
struct ui_scale {
  float ratio = 1;
  float operator()(float css_pixels) const { return css_pixels * ratio; }
};

// From ImGui's device pixels to CSS pixels, for the test hook and the DOM.
inline css_rect css_of(ImVec2 min, ImVec2 max, float device_pixels_per_css_pixel) {
  const float r = device_pixels_per_css_pixel;
  return {min.x / r, min.y / r, (max.x - min.x) / r, (max.y - min.y) / r};
}
inline css_rect css_of_last_item(float device_pixels_per_css_pixel) {
  return css_of(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), device_pixels_per_css_pixel);
}

ImU32 with_alpha(ImU32 color, float alpha);  // multiplies the color's own alpha
float font_px(float css_size);               // a font size in CSS pixels, in device pixels
ImVec2 text_size(float css_size, const char* text, float wrap_width = 0.0f);
int count_lines(float css_size, const char* text, float width, int max_lines);  // clamped to [1, max_lines]
const char* next_utf8_char(const char* text, const char* end);

void draw_text(ImDrawList* draw, float css_size, ImVec2 pos, ImU32 color, const char* text, float wrap_width = 0.0f);
// One line of text cut with an ellipsis at max_x.
void draw_text_ellipsis(ImDrawList* draw, float css_size, ImVec2 pos, float max_x, ImU32 color, const char* text);
// Wrapped text over at most max_lines lines; the last line ends with an ellipsis when text remains.
void draw_text_lines(ImDrawList* draw, float css_size, ImVec2 pos, float width, int max_lines, ImU32 color,
                     const char* text);
// Wrapped text with each line centred in [left, left + width]. Returns the height used.
float draw_text_centered(ImDrawList* draw, float css_size, float left, float y, float width, ImU32 color,
                         const char* text);
void draw_spinner(ImDrawList* draw, ImVec2 center, float radius, ImU32 color, float thickness);
// Drawn, not a glyph: it shows the same before and after the fonts arrive.
void draw_warning_icon(ImDrawList* draw, ImVec2 center, float size, ImU32 fill, ImU32 mark);

}  // namespace polylens::web
