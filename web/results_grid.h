// The results: a responsive grid of cards, best first. Each card shows the thumbnail (a spinner until it is
// uploaded), the rank, the title on up to two lines, the cosine score with a bar, and the photo's credit when it
// has one (CC BY photos must carry it wherever they are shown). Hovering a card shows its full title and tags.
#pragma once
#include "app_state.h"
#include "thumbnail_cache.h"
#include "ui_draw.h"

namespace polylens::web {

// At the cursor, width device pixels wide; rows are laid out as ImGui items so the parent can scroll.
void draw_results_grid(const search_state& search, const thumbnail_cache& thumbnails, float width,
                       const ui_scale& px);

}  // namespace polylens::web
