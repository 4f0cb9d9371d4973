// The results: a responsive grid of cards, best first. Each card shows the thumbnail (a spinner until it is
// uploaded), the rank, the title on up to two lines, the cosine score with a bar, and the photo's credit when it
// has one (CC BY photos must carry it wherever they are shown). Hovering a card shows its full title and tags;
// a click opens it enlarged (result_detail.h). Hits below the strong-match threshold (match_thresholds.h) come
// after a "weak matches" divider, dimmed; when none is strong, a notice says so first. The card with the
// keyboard focus (results_view.h) has a ring.
#pragma once
#include "app_state.h"
#include "thumbnail_cache.h"
#include "ui_draw.h"

namespace polylens::web {

// At the cursor, width device pixels wide; rows are laid out as ImGui items so the parent can scroll.
// Writes only state.results: a click's card, and where things were drawn.
void draw_results_grid(app_state& state, const thumbnail_cache& thumbnails, float width, const ui_scale& px);
// How wide the grid may be in a window full_width device pixels wide: wider than the text column on big
// screens (more columns, not bigger cards), the window less its margins on small ones.
float results_grid_width(float full_width, const ui_scale& px);

}  // namespace polylens::web
