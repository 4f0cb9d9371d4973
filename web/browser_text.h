// Strings the browser draws. ImGui's atlas draws one glyph per code point, left to right: right for Latin, Greek,
// Cyrillic and CJK, wrong for Arabic and Hebrew (right to left, joined), Devanagari, Bengali and Thai (shaped).
// Those strings go to browser_text.js instead, which draws them on a 2D canvas with the browser's own bidi,
// shaping and fonts, and uploads the canvas into a texture; here they are cached by (string, size, layout) and
// drawn as ImGui images, tinted to the colour asked for.
//
// Why the browser and not HarfBuzz in WebAssembly: see README.md, "Text in every script" (it costs no bytes in
// polylens.wasm, gets bidi and line breaking too, and can use the fonts the system already has).
//
// Which strings: those text_scripts() says need bidi or shaping, and CJK ones until the CJK font is in ImGui's
// atlas (the CJK font is fetched only once CJK content appears; the browser's own fonts draw it meanwhile).
// Everything else stays in ImGui's atlas, which is cheaper per frame.
#pragma once
#include <imgui.h>

#include <string_view>
#include <vector>

namespace polylens::web {

struct browser_text_request {
  std::string_view text;
  float size = 0;        // device pixels: the ImGui font size (= line height) the string stands in for
  float wrap_width = 0;  // device pixels; 0: one line, never wrapped
  int max_lines = 0;     // 0: as many as it takes; else the last line ends in an ellipsis if text is left
  bool center = false;   // centre each line in the widest one (else: left, or right for right-to-left text)
  // A label (a chip): drawn with fonts already there, never fetches a script font. Content text (queries,
  // titles, messages) fetches its script's font the first time it appears.
  bool label = false;
  int mark_begin = -1, mark_end = -1;  // byte range to underline: an input method's composition
};

struct browser_text_image {
  unsigned texture = 0;
  float width = 0, height = 0;  // the layout box (widest line x lines x size), device pixels
  float image_width = 0, image_height = 0, pad_x = 0, pad_y = 0;  // the texture: the box plus room for overhangs
  int lines = 0;
  bool rtl = false;             // paragraph direction (first strong character)
  unsigned scripts = 0;         // text_scripts() of the string
  int last_used = 0;            // frame number, for eviction
};

// Whether `text` must be drawn by the browser (see above). Content text also counts towards the scripts seen.
bool browser_text_wanted(std::string_view text, bool label = false);
// The cached image for this request, drawn by the browser now if it is not cached.
const browser_text_image& browser_text_get(const browser_text_request& request);
// Draws the image with its layout box's top-left corner at `pos`, tinted `color`.
void browser_text_draw(ImDrawList* draw, const browser_text_image& image, ImVec2 pos, ImU32 color);

// Where a caret and a selection fall in the browser's one-line layout of `text` (device pixels from its left).
struct browser_text_caret {
  float caret_x = 0;
  std::vector<ImVec2> selection;  // [left, right] spans, one per direction run
};
browser_text_caret browser_text_measure_caret(std::string_view text, float size, int caret, int selection_begin,
                                              int selection_end);

// The byte offset whose caret position in that layout is nearest to x (device pixels from the text's left edge):
// where a click in the text puts the caret.
int browser_text_hit(std::string_view text, float size, float x);
// The byte offset one caret position left (step < 0) or right (step > 0) of byte offset `caret` on screen: the
// arrow keys in a browser's text field. In right-to-left text, left is logically forward.
int browser_text_step(std::string_view text, float size, int caret, int step);

// Once per frame, before ImGui::NewFrame: drops every texture if a script font arrived since (they are drawn
// again, now in that font), and those unused for a while.
void browser_text_new_frame(bool cjk_in_atlas);
// Scripts (text_script bits) of the content text seen so far: main.cpp fetches the CJK font on the first CJK.
unsigned browser_text_scripts_seen();

struct browser_text_stats {
  int cached = 0;                  // textures held now
  long long rendered = 0;          // strings the browser has drawn since the page started
  unsigned fonts_requested = 0;    // text_script bits whose font was asked for
  unsigned fonts_loaded = 0;       // ... and has arrived
  bool cjk_in_atlas = false;
};
browser_text_stats browser_text_statistics();

}  // namespace polylens::web
