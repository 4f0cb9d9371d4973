#include "font_loader.h"

#include <imgui.h>
#include <imgui_internal.h>  // ImFontAtlasFontDiscardBakes

#include "http_fetch.h"

namespace polylens::web {

namespace {

void fetch_font(font_file& file) {
  file.requested = true;
  // The loader lives as long as the page (part of the one app object), so the callback may hold the file.
  http_get(file.url, [&file](http_response response) {
    file.fetched = true;
    if (response.status == 200) file.bytes = std::move(response.body);
  });
}

ImFont* add_font(font_file& file, float size_pixels, bool merge) {
  ImFontConfig config;
  config.FontDataOwnedByAtlas = false;  // the atlas copies the bytes; we free ours right after
  config.MergeMode = merge;
  ImFont* font = ImGui::GetIO().Fonts->AddFontFromMemoryTTF(file.bytes.data(), static_cast<int>(file.bytes.size()),
                                                            size_pixels, &config);
  file.bytes = {};
  file.added = font != nullptr;
  return font;
}

}  // namespace

void font_loader_start(font_loader& loader) { fetch_font(loader.main); }

void font_loader_want_cjk(font_loader& loader) {
  if (!loader.cjk.requested) fetch_font(loader.cjk);
}

void font_loader_add_arrived(font_loader& loader, float size_pixels) {
  if (!loader.main.added && !loader.main.bytes.empty()) {
    if (ImFont* font = add_font(loader.main, size_pixels, false)) ImGui::GetIO().FontDefault = font;
  }
  // Merging goes into the last font added, so the fallback waits for the main font.
  if (loader.main.added && !loader.cjk.added && !loader.cjk.bytes.empty()) {
    ImFont* font = add_font(loader.cjk, size_pixels, true);
    // Glyphs already looked up in the main font and found missing stay cached as missing (ImGui 1.92.2b does not
    // discard them on merge): drop the bakes so CJK text drawn before this moment is rasterised again.
    if (font) ImFontAtlasFontDiscardBakes(ImGui::GetIO().Fonts, font, 0);
  }
}

bool font_loader_done(const font_loader& loader) {
  return loader.main.added && (!loader.cjk.requested || loader.cjk.added);
}

}  // namespace polylens::web
