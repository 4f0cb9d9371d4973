// Where things are on the page, in CSS pixels: the unit the test hook reports and Playwright clicks in.
// Plain data (no ImGui) so state headers can hold rects; ui_draw.h converts from ImGui's device pixels.
#pragma once

namespace polylens::web {

// A rectangle in CSS pixels, relative to the canvas's top-left corner.
struct css_rect {
  float x = 0, y = 0, w = 0, h = 0;
};

}  // namespace polylens::web
