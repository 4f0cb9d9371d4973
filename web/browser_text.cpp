#include "browser_text.h"

#include <GLES3/gl3.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>

#include "gl_texture.h"
#include "text_scripts.h"

// Implemented in browser_text.js.
extern "C" {
void polylens_js_text_render(const char* text, float size, float wrap_width, int max_lines, int center,
                             unsigned scripts, int label, int rtl, int mark_begin, int mark_end, unsigned texture,
                             float* out);
int polylens_js_text_caret(const char* text, float size, unsigned scripts, int rtl, int caret, int selection_begin,
                           int selection_end, float* out, int max_spans);
int polylens_js_text_hit(const char* text, float size, unsigned scripts, int rtl, float x);
int polylens_js_text_step(const char* text, float size, unsigned scripts, int rtl, int caret, int step);
int polylens_js_text_generation();
int polylens_js_text_fonts();
}

namespace polylens::web {

namespace {

constexpr int unused_frames_before_eviction = 600;  // about 10 s at 60 frames per second

// The page's one text renderer: it lives as long as the page, like ImGui's own context.
struct renderer {
  std::unordered_map<std::string, browser_text_image> images;
  int frame = 0;
  int generation = 0;
  bool cjk_in_atlas = false;
  unsigned scripts_seen = 0;
  long long rendered = 0;
};
renderer the_renderer;

std::string cache_key(const browser_text_request& r) {
  char layout[96];
  std::snprintf(layout, sizeof layout, "\x1f%.2f|%.1f|%d|%d|%d|%d|%d", r.size, r.wrap_width, r.max_lines,
                r.center ? 1 : 0, r.label ? 1 : 0, r.mark_begin, r.mark_end);
  std::string key(r.text);
  key += layout;
  return key;
}

}  // namespace

bool browser_text_wanted(std::string_view text, bool label) {
  // The common case first: nothing outside ASCII.
  bool ascii = true;
  for (char c : text) ascii &= static_cast<unsigned char>(c) < 0x80;
  if (ascii) return false;
  const unsigned scripts = text_scripts(text);
  if (!label) the_renderer.scripts_seen |= scripts;
  if (scripts & scripts_needing_browser) return true;
  return (scripts & script_cjk) && !the_renderer.cjk_in_atlas;
}

const browser_text_image& browser_text_get(const browser_text_request& request) {
  renderer& r = the_renderer;
  auto [it, inserted] = r.images.try_emplace(cache_key(request));
  browser_text_image& image = it->second;
  image.last_used = r.frame;
  if (!inserted) return image;

  const std::string text(request.text);  // NUL-terminated for the JS side
  image.scripts = text_scripts(text);
  image.rtl = text_base_direction(text) == text_direction::rtl;
  image.texture = gl_texture_new();
  float out[7] = {};
  polylens_js_text_render(text.c_str(), request.size, request.wrap_width, request.max_lines, request.center,
                          image.scripts, request.label, image.rtl, request.mark_begin, request.mark_end,
                          image.texture, out);
  image.width = out[0];
  image.height = out[1];
  image.image_width = out[2];
  image.image_height = out[3];
  image.pad_x = out[4];
  image.pad_y = out[5];
  image.lines = static_cast<int>(out[6]);
  ++r.rendered;
  return image;
}

void browser_text_draw(ImDrawList* draw, const browser_text_image& image, ImVec2 pos, ImU32 color) {
  // Whole device pixels, so the texture's pixels land 1:1 on the canvas's.
  const ImVec2 min(std::round(pos.x - image.pad_x), std::round(pos.y - image.pad_y));
  const ImVec2 max(min.x + image.image_width, min.y + image.image_height);
  draw->AddImage(ImTextureRef(static_cast<ImTextureID>(image.texture)), min, max, ImVec2(0, 0), ImVec2(1, 1), color);
}

browser_text_caret browser_text_measure_caret(std::string_view text, float size, int caret, int selection_begin,
                                              int selection_end) {
  constexpr int max_spans = 8;
  const std::string s(text);
  float out[1 + 2 * max_spans] = {};
  const int spans = polylens_js_text_caret(s.c_str(), size, text_scripts(s),
                                           text_base_direction(s) == text_direction::rtl, caret, selection_begin,
                                           selection_end, out, max_spans);
  browser_text_caret result;
  result.caret_x = out[0];
  for (int i = 0; i < spans; ++i) result.selection.emplace_back(out[1 + 2 * i], out[2 + 2 * i]);
  return result;
}

int browser_text_hit(std::string_view text, float size, float x) {
  const std::string s(text);
  return polylens_js_text_hit(s.c_str(), size, text_scripts(s), text_base_direction(s) == text_direction::rtl, x);
}

int browser_text_step(std::string_view text, float size, int caret, int step) {
  const std::string s(text);
  return polylens_js_text_step(s.c_str(), size, text_scripts(s), text_base_direction(s) == text_direction::rtl,
                               caret, step);
}

void browser_text_new_frame(bool cjk_in_atlas) {
  renderer& r = the_renderer;
  ++r.frame;
  const int generation = polylens_js_text_generation();
  // Once CJK is in the atlas, ImGui draws it: the browser's CJK images are no longer asked for and age out.
  r.cjk_in_atlas = cjk_in_atlas;
  for (auto it = r.images.begin(); it != r.images.end();) {
    if (generation != r.generation || r.frame - it->second.last_used > unused_frames_before_eviction) {
      GLuint texture = it->second.texture;
      glDeleteTextures(1, &texture);
      it = r.images.erase(it);
    } else {
      ++it;
    }
  }
  r.generation = generation;
}

unsigned browser_text_scripts_seen() { return the_renderer.scripts_seen; }

browser_text_stats browser_text_statistics() {
  const renderer& r = the_renderer;
  const int fonts = polylens_js_text_fonts();
  return {static_cast<int>(r.images.size()), r.rendered, static_cast<unsigned>(fonts & 0xFF),
          static_cast<unsigned>((fonts >> 8) & 0xFF), r.cjk_in_atlas};
}

}  // namespace polylens::web
