// A row of chips, one per language of assets/queries.tsv (22), each labelled with the language's own name. A click
// puts that language's sample query in the box and searches; clicking the same chip again moves on to the next
// concept. Labels in scripts ImGui cannot draw (العربية, हिन्दी, ไทย, ...) are drawn by the browser
// (browser_text.h) as labels: with the fonts already there, so showing the chips fetches no script font.
#pragma once
#include "app_state.h"
#include "ui_draw.h"

namespace polylens::web {

// Draws the chips in rows across [left, left + width] at the cursor. Returns whether one was clicked (the query
// is then in state.query, ready to search).
// The language's own name ("Español", "日本語") for a queries.tsv column code; the code itself when unknown.
const char* language_label(const char* code);

bool draw_language_chips(app_state& state, float left, float width, const ui_scale& px);

}  // namespace polylens::web
