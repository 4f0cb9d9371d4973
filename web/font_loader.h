// Fonts arrive after the first frame: the page starts with ImGui's built-in font, then switches to DejaVu Sans
// and, once CJK text first appears (font_loader_want_cjk), merges Droid Sans Fallback into it. ImGui 1.92's atlas
// rasterises glyphs on demand, so neither needs glyph ranges. A page that never shows CJK content never fetches
// the 4 MB CJK font; until it is in the atlas, the browser draws CJK text (browser_text.h).
#pragma once
#include <string>

namespace polylens::web {

struct font_file {
  const char* url;
  std::string bytes;
  bool requested = false;  // the request was made
  bool fetched = false;  // the request finished (bytes is empty if it failed)
  bool added = false;    // in the atlas
};

struct font_loader {
  font_file main{"fonts/DejaVuSans.ttf", {}};
  font_file cjk{"fonts/DroidSansFallbackFull.ttf", {}};
};

void font_loader_start(font_loader& loader);  // the main font
void font_loader_want_cjk(font_loader& loader);  // the CJK font, unless already asked for
// Adds whatever has arrived to ImGui's atlas. Call between frames (outside NewFrame/Render).
void font_loader_add_arrived(font_loader& loader, float size_pixels);
bool font_loader_done(const font_loader& loader);  // every font asked for is in the atlas

}  // namespace polylens::web
