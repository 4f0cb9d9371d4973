// The page's one button style: rounded, meta-sized text, a hand cursor; primary ones in the accent colour,
// the rest flat on the card. Records where it was drawn for the test hook.
#pragma once
#include "ui_draw.h"

namespace polylens::web {

// At the cursor. `padding_y` in CSS pixels: the panels' buttons sit in a row of text, the cards' stand alone.
bool flat_button(const char* label, bool primary, float padding_y, css_rect& where, const ui_scale& px);
float flat_button_width(const char* label, const ui_scale& px);

}  // namespace polylens::web
