#include "ui_theme.h"

namespace polylens::web {

namespace {
ImVec4 vec(ImU32 color) { return ImGui::ColorConvertU32ToFloat4(color); }
}  // namespace

void ui_theme_apply(float device_pixel_ratio) {
  ImGuiStyle& style = ImGui::GetStyle();
  style = ImGuiStyle();

  style.WindowPadding = ImVec2(14, 10);  // tooltips; the main window sets its own margins
  style.WindowBorderSize = 0;
  style.WindowRounding = 0;
  style.ChildBorderSize = 0;
  style.FramePadding = ImVec2(14, 11);
  style.FrameRounding = 8;
  style.FrameBorderSize = 1;
  style.ItemSpacing = ImVec2(12, 10);
  style.ItemInnerSpacing = ImVec2(8, 6);
  style.ScrollbarSize = 12;
  style.ScrollbarRounding = 6;
  style.GrabRounding = 6;
  style.PopupRounding = 8;
  style.PopupBorderSize = 1;

  ImVec4* c = style.Colors;
  c[ImGuiCol_Text] = vec(ui_color::text);
  c[ImGuiCol_TextDisabled] = vec(ui_color::text_faint);
  c[ImGuiCol_WindowBg] = vec(ui_color::background);
  c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_PopupBg] = vec(ui_color::card_hover);
  c[ImGuiCol_Border] = vec(ui_color::card_border);
  c[ImGuiCol_FrameBg] = vec(ui_color::card);
  c[ImGuiCol_FrameBgHovered] = vec(ui_color::card_hover);
  c[ImGuiCol_FrameBgActive] = vec(ui_color::card_hover);
  c[ImGuiCol_Button] = vec(ui_color::accent);
  c[ImGuiCol_ButtonHovered] = vec(ui_color::rgb(122, 158, 255));
  c[ImGuiCol_ButtonActive] = vec(ui_color::rgb(80, 120, 235));
  c[ImGuiCol_ScrollbarBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_ScrollbarGrab] = vec(ui_color::card_border);
  c[ImGuiCol_ScrollbarGrabHovered] = vec(ui_color::rgb(62, 68, 82));
  c[ImGuiCol_ScrollbarGrabActive] = vec(ui_color::rgb(76, 84, 100));
  c[ImGuiCol_TextSelectedBg] = vec(ui_color::rgb(99, 140, 255, 90));
  c[ImGuiCol_NavCursor] = vec(ui_color::accent);
  c[ImGuiCol_Separator] = vec(ui_color::card_border);

  style.ScaleAllSizes(device_pixel_ratio);
  style.FontSizeBase = ui_size::body;
  style.FontScaleDpi = device_pixel_ratio;
}

}  // namespace polylens::web
