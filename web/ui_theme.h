// Look and feel: one palette, one style, all sizes in CSS pixels scaled by the device pixel ratio (ImGui works
// in device pixels on the web, see web_window.h).
#pragma once
#include <imgui.h>

namespace polylens::web {

namespace ui_size {
constexpr float body = 18.0f;     // main text, CSS px
constexpr float title = 30.0f;    // "Polylens"
constexpr float lead = 21.0f;     // the empty page's invitation
constexpr float meta = 15.0f;     // status, banner, the line under the box, example chips
constexpr float small = 14.0f;    // rank badges, scores, credits
constexpr float tile_min = 220.0f;
constexpr float content_max = 1400.0f;  // wider screens get margins, not wider tiles rows
}  // namespace ui_size

namespace ui_color {
constexpr ImU32 rgb(unsigned r, unsigned g, unsigned b, unsigned a = 255) { return IM_COL32(r, g, b, a); }
constexpr ImU32 background = rgb(17, 19, 24);
constexpr ImU32 card = rgb(28, 31, 38);
constexpr ImU32 card_hover = rgb(35, 39, 48);
constexpr ImU32 card_border = rgb(44, 49, 60);
constexpr ImU32 image_well = rgb(11, 12, 15);
constexpr ImU32 text = rgb(230, 232, 236);
constexpr ImU32 text_dim = rgb(150, 157, 170);
constexpr ImU32 text_faint = rgb(110, 116, 128);
constexpr ImU32 accent = rgb(99, 140, 255);
constexpr ImU32 accent_soft = rgb(99, 140, 255, 46);
constexpr ImU32 ok = rgb(72, 199, 142);
constexpr ImU32 error = rgb(255, 107, 107);
constexpr ImU32 amber = rgb(245, 177, 0);
constexpr ImU32 amber_text = rgb(38, 27, 0);
constexpr ImU32 bar_track = rgb(48, 53, 64);
}  // namespace ui_color

// Rebuilds ImGui's style for this ratio (call again when it changes: browser zoom, moving to another screen).
void ui_theme_apply(float device_pixel_ratio);

}  // namespace polylens::web
