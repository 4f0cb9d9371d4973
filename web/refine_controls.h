// What refine by example puts on the page (refine_by_example.h does the work): a "+" and a "−" button on each
// result card, a line above the grid saying what the ranking is (the marks, the formula, "no new embedding")
// with Reset, and the keys: + / − on the focused card, 0 for Reset.
#pragma once
#include <imgui.h>

#include <nlohmann/json_fwd.hpp>

#include "app_state.h"
#include "ui_draw.h"

namespace polylens::web {

// Over card `index` (its top-right corner at `card_max_x`, `card_y`). Returns whether the mouse is over a
// button, so the card's own click (open it enlarged) does not fire too.
bool draw_refine_card_buttons(app_state& state, int index, float card_max_x, float card_y, float alpha,
                              const ui_scale& px);
// The line above the grid, at the cursor, once a search can be refined. Draws nothing otherwise.
void draw_refine_bar(app_state& state, float width, const ui_scale& px);
// Called with the cards' keyboard (results_view_keyboard): + / = and − on the focused card, 0 for Reset.
void refine_keyboard(app_state& state, int focused);
// The test hook's "refine" key.
void refine_hook(nlohmann::json& snapshot, const app_state& state);

}  // namespace polylens::web
