// Fonts arrive after the first frame: the page starts with ImGui's built-in font, then switches to DejaVu Sans
// and merges Droid Sans Fallback into it for CJK. ImGui 1.92's atlas rasterises glyphs on demand, so neither
// needs glyph ranges and the 4 MB CJK font costs only the glyphs actually drawn.
#pragma once
#include <string>

namespace polylens::web {

struct font_file {
  const char* url;
  std::string bytes;
  bool fetched = false;  // the request finished (bytes is empty if it failed)
  bool added = false;    // in the atlas
};

struct font_loader {
  font_file main{"fonts/DejaVuSans.ttf", {}};
  font_file cjk{"fonts/DroidSansFallbackFull.ttf", {}};
};

void font_loader_start(font_loader& loader);
// Adds whatever has arrived to ImGui's atlas. Call between frames (outside NewFrame/Render).
void font_loader_add_arrived(font_loader& loader, float size_pixels);
bool font_loader_done(const font_loader& loader);

}  // namespace polylens::web
