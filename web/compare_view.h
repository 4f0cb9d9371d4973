// The comparison tabs on the page: a "Search | Dims | Languages" switcher under the box, and, while a comparison
// tab is open, its columns in place of the results grid. Each column: its label and query, its numbers (kNN
// time, overlap@10 and Kendall's τ against the first column), then its top 10 as small ranked thumbnails; rows
// also found in the first column carry an accent bar. The measures are defined on screen.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include "app_state.h"
#include "thumbnail_cache.h"
#include "ui_draw.h"

namespace polylens::web {

// The switcher, across [left, left + width] at the cursor.
void draw_compare_tabs(app_state& state, float left, float width, const ui_scale& px);
// The open comparison, at the cursor, width device pixels wide.
void draw_compare_view(app_state& state, const thumbnail_cache& thumbnails, float width, const ui_scale& px);
// The test hook's "compare" key (and refine's, refine_controls.h).
void compare_hook(nlohmann::json& snapshot, const app_state& state);

}  // namespace polylens::web
