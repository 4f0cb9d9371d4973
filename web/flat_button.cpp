#include "flat_button.h"

#include "ui_theme.h"

namespace polylens::web {

namespace {
constexpr float padding_x = 14;  // CSS px
}

float flat_button_width(const char* label, const ui_scale& px) {
  return text_size(ui_size::meta, label).x + 2 * px(padding_x);
}

bool flat_button(const char* label, bool primary, float padding_y, css_rect& where, const ui_scale& px) {
  ImGui::PushFont(nullptr, ui_size::meta);
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(px(padding_x), px(padding_y)));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, px(8));
  if (!primary) {
    ImGui::PushStyleColor(ImGuiCol_Button, ui_color::card_hover);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ui_color::card_border);
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, ui_color::bar_track);
  }
  const bool pressed = ImGui::Button(label);
  if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  where = css_of_last_item(px.ratio);
  if (!primary) ImGui::PopStyleColor(3);
  ImGui::PopStyleVar(2);
  ImGui::PopFont();
  return pressed;
}

}  // namespace polylens::web
