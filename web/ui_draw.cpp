#include "ui_draw.h"

#include <imgui_internal.h>  // RenderTextEllipsis, ImTextCharFromUtf8

#include <algorithm>
#include <cmath>
#include <cstring>

#include "browser_text.h"

namespace polylens::web {

ImU32 with_alpha(ImU32 color, float alpha) {
  unsigned a = (color >> IM_COL32_A_SHIFT) & 0xFF;
  a = static_cast<unsigned>(std::lround(a * std::clamp(alpha, 0.0f, 1.0f)));
  return (color & ~IM_COL32_A_MASK) | (a << IM_COL32_A_SHIFT);
}

float font_px(float css_size) { return css_size * ImGui::GetStyle().FontScaleDpi; }

// Text ImGui's atlas cannot draw (right to left, shaped, CJK before its font) goes to the browser: browser_text.h.
// Every function below asks first; the same request gives the same cached image in measuring and drawing.
namespace {
const browser_text_image& browser_image(float css_size, const char* text, float wrap_width, int max_lines = 0,
                                        bool center = false) {
  browser_text_request request;
  request.text = text;
  request.size = font_px(css_size);
  request.wrap_width = wrap_width;
  request.max_lines = max_lines;
  request.center = center;
  return browser_text_get(request);
}
}  // namespace

ImVec2 text_size(float css_size, const char* text, float wrap_width) {
  if (browser_text_wanted(text)) {
    const browser_text_image& image = browser_image(css_size, text, wrap_width);
    return ImVec2(image.width, image.height);
  }
  return ImGui::GetFont()->CalcTextSizeA(font_px(css_size), FLT_MAX, wrap_width, text);
}

void draw_text(ImDrawList* draw, float css_size, ImVec2 pos, ImU32 color, const char* text, float wrap_width) {
  if (browser_text_wanted(text)) return browser_text_draw(draw, browser_image(css_size, text, wrap_width), pos, color);
  draw->AddText(ImGui::GetFont(), font_px(css_size), pos, color, text, nullptr, wrap_width);
}

const char* next_utf8_char(const char* text, const char* end) {
  unsigned int c = 0;
  return text + std::max(1, ImTextCharFromUtf8(&c, text, end));
}

void draw_text_ellipsis(ImDrawList* draw, float css_size, ImVec2 pos, float max_x, ImU32 color, const char* text) {
  if (browser_text_wanted(text)) {
    const browser_text_image& image = browser_image(css_size, text, max_x - pos.x, 1);
    return browser_text_draw(draw, image, ImVec2(image.rtl ? max_x - image.width : pos.x, pos.y), color);
  }
  ImGui::PushFont(nullptr, css_size);
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::RenderTextEllipsis(draw, pos, ImVec2(max_x, pos.y + ImGui::GetFontSize() * 1.3f), max_x, text, nullptr,
                            nullptr);
  ImGui::PopStyleColor();
  ImGui::PopFont();
}

namespace {
// One line of word-wrapped text: [begin, end) to draw, and where the next line starts. Leading
// spaces are skipped and trailing ones trimmed; a glyph wider than the line still advances.
struct wrapped_line {
  const char* begin;
  const char* end;
  const char* next;
};

wrapped_line next_wrapped_line(ImFont* font, float size, const char* text, const char* end, float width) {
  while (text < end && (*text == ' ' || *text == '\n')) ++text;
  const char* wrap = font->CalcWordWrapPosition(size, text, end, width);
  if (wrap == text && text < end) wrap = next_utf8_char(text, end);
  const char* line_end = wrap;
  while (line_end > text && line_end[-1] == ' ') --line_end;
  return {text, line_end, wrap};
}
}  // namespace

void draw_text_lines(ImDrawList* draw, float css_size, ImVec2 pos, float width, int max_lines, ImU32 color,
                     const char* text) {
  if (browser_text_wanted(text)) {
    // Right-to-left text keeps to the right edge, as a dir="auto" paragraph does.
    const browser_text_image& image = browser_image(css_size, text, width, max_lines);
    return browser_text_draw(draw, image, ImVec2(image.rtl ? pos.x + width - image.width : pos.x, pos.y), color);
  }
  ImFont* font = ImGui::GetFont();
  const float size = font_px(css_size);
  const float line_height = text_size(css_size, "Ag").y;
  const char* end = text + std::strlen(text);
  for (int line = 0; line < max_lines && text < end; ++line) {
    wrapped_line l = next_wrapped_line(font, size, text, end, width);
    if (line == max_lines - 1) {
      draw_text_ellipsis(draw, css_size, pos, pos.x + width, color, l.begin);
      return;
    }
    draw->AddText(font, size, pos, color, l.begin, l.end);
    text = l.next;
    pos.y += line_height;
  }
}

float draw_text_centered(ImDrawList* draw, float css_size, float left, float y, float width, ImU32 color,
                         const char* text) {
  if (browser_text_wanted(text)) {
    const browser_text_image& image = browser_image(css_size, text, width, 0, true);
    browser_text_draw(draw, image, ImVec2(std::round(left + (width - image.width) * 0.5f), y), color);
    return image.height;
  }
  ImFont* font = ImGui::GetFont();
  const float size = font_px(css_size);
  const float line_height = text_size(css_size, "Ag").y;
  const char* end = text + std::strlen(text);
  float height = 0;
  while (text < end) {
    wrapped_line l = next_wrapped_line(font, size, text, end, width);
    if (l.begin == l.end && l.next >= end) break;  // only trailing spaces were left
    const float line_width = font->CalcTextSizeA(size, FLT_MAX, 0.0f, l.begin, l.end).x;
    draw->AddText(font, size, ImVec2(std::round(left + (width - line_width) * 0.5f), y + height), color, l.begin, l.end);
    height += line_height;
    text = l.next;
  }
  return height;
}

int count_lines(float css_size, const char* text, float width, int max_lines) {
  if (browser_text_wanted(text)) return std::clamp(browser_image(css_size, text, width, max_lines).lines, 1, max_lines);
  const float line_height = text_size(css_size, "Ag").y;
  const int lines = static_cast<int>(std::lround(text_size(css_size, text, width).y / line_height));
  return std::clamp(lines, 1, max_lines);
}

void draw_spinner(ImDrawList* draw, ImVec2 center, float radius, ImU32 color, float thickness) {
  const float start = static_cast<float>(ImGui::GetTime()) * 6.0f;
  draw->PathArcTo(center, radius, start, start + IM_PI * 1.4f, 24);
  draw->PathStroke(color, ImDrawFlags_None, thickness);
}

void draw_warning_icon(ImDrawList* draw, ImVec2 center, float size, ImU32 fill, ImU32 mark) {
  const float h = size * 0.9f;
  draw->AddTriangleFilled(ImVec2(center.x, center.y - h * 0.55f), ImVec2(center.x + size * 0.55f, center.y + h * 0.45f),
                          ImVec2(center.x - size * 0.55f, center.y + h * 0.45f), fill);
  draw->AddRectFilled(ImVec2(center.x - size * 0.06f, center.y - h * 0.22f),
                      ImVec2(center.x + size * 0.06f, center.y + h * 0.14f), mark, size * 0.05f);
  draw->AddCircleFilled(ImVec2(center.x, center.y + h * 0.28f), size * 0.075f, mark);
}

}  // namespace polylens::web
