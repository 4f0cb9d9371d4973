// One result enlarged, over the page: its picture as large as the stored thumbnail allows, the title, the
// rank and score (strong or weak match), the tags, caption, credit line and the original's size, with
// "More like this" and Close. A click outside the card, Close or Esc put it away; the arrow keys move to the
// previous or next result and M searches for more like it (results_view.h reads those keys).
#pragma once
#include "app_state.h"
#include "thumbnail_cache.h"

namespace polylens::web {

// Call after app_ui_draw and before ImGui::Render: a window of its own, in front of the page. Writes only
// state.results (closing, "more like this" asked for, where its parts were drawn).
void draw_result_detail(app_state& state, const thumbnail_cache& thumbnails, float device_pixel_ratio);

}  // namespace polylens::web
