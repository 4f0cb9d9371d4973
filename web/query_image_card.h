// The card under the query box while the results are for an image: a small preview of it, what it is (the
// dropped or pasted file, or the indexed image "more like this" started from), the original's size in pixels
// and bytes against what was uploaded after shrinking here, and an x to put it away.
#pragma once
#include "app_state.h"
#include "thumbnail_cache.h"
#include "ui_draw.h"

namespace polylens::web {

// At the cursor, width device pixels wide (nothing when the query is words). Writes only state.results:
// where it was drawn, and whether its x was pressed.
void draw_query_image_card(app_state& state, const thumbnail_cache& thumbnails, float left, float width,
                           const ui_scale& px);

// "original 768 × 512 px, 245.1 KB → uploaded 512 × 341 px, 61.2 KB (JPEG)", as the card says it.
std::string query_image_sizes_line(const query_image_state& image);

}  // namespace polylens::web
