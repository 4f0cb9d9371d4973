// Keyboard and screen-reader access to the results, and what the results view does between frames.
//
// Keys (ImGui reads them; '/' comes from aria_live.js, which sees the character whatever the layout):
//   /            the query box takes the keyboard (from anywhere but a text field)
//   Down         from the query box: onto the first result
//   arrows       Left / Right: the previous / next card; Up / Down: the card above / below on screen (the
//                weak matches start a row of their own); Up from the first row goes back to the box
//   Home / End   first / last card
//   Enter        opens the focused card enlarged (result_detail.h); Left / Right there: previous / next
//   M            more like the focused (or open) card
//   Esc          closes the enlarged card; on the cards, back to the query box
// The card with the keyboard has a ring (results_grid.cpp).
//
// The ARIA live regions (aria_live.js) are rewritten once per answer (every result: rank, title, score,
// strong or weak) and whenever the keyboard moves to another card or opens one.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include "app_state.h"
#include "thumbnail_cache.h"

namespace polylens::web {

void results_view_install(app_state& state);  // the live regions and the '/' listener
// After ImGui::NewFrame, before the page is drawn: the keys above.
void results_view_keyboard(app_state& state);
// After the frame is rendered: "more like this" and the card's x (they change textures), a new answer's
// focus and live region.
void results_view_after_frame(app_state& state, thumbnail_cache& thumbnails);

// Adds the results view to the test hook's snapshot (test_hook.cpp): hits' strong, tags, caption, size and
// card, the match state, the stats strip, the query image, focus, the enlarged view, the viewport.
void results_view_hook(nlohmann::json& snapshot, const app_state& state, const thumbnail_cache& thumbnails);

}  // namespace polylens::web

extern "C" void polylens_focus_query();  // aria_live.js, on '/'
