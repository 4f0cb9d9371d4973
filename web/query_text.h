// The query box's text when ImGui cannot draw it: right-to-left and shaped scripts, CJK before the CJK font is
// in the atlas, and an input method's composition (shown inline at the caret, underlined, before it is
// committed). ImGui keeps the buffer, the editing and the keys; it is only told to draw its text, caret and
// selection in transparent ink, and the browser's rendering of the same text (browser_text.h) is drawn over
// the box, with the caret and selection placed by the browser's own layout of that text.
//
// Exact: the text as shown (bidi, shaping, the font's own glyphs), the caret's position for the caret's logical
// offset, the selection's highlighted spans, the composition's underline, plain arrow keys and clicks. Approximate: for a logical offset at
// a boundary between right-to-left and left-to-right runs, two visual positions are right and the browser picks
// one; Left and Right move the caret on screen, but with Shift or Ctrl they move it in logical order (so in
// right-to-left text Shift+Left selects to the right); a click puts the caret at the browser's nearest caret
// position, but a drag selects by ImGui's own left-to-right measure of the unshaped text.
#pragma once
#include "app_state.h"
#include "ui_draw.h"

namespace polylens::web {

struct query_text_frame {
  bool hidden = false;  // ImGui's own text, caret and selection were made transparent
};

// Just before the query box's InputText.
query_text_frame query_text_begin(const app_state& state);
// Just after it (the InputText is still the last item, its style still pushed).
void query_text_end(app_state& state, const query_text_frame& frame, const ui_scale& px);

}  // namespace polylens::web
