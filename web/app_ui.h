// Draws one frame of the page from app_state: one full-window ImGui window without decorations.
// The only state it writes is the query text (ImGui edits the buffer in place) and where the query box is.
#pragma once
#include "app_state.h"
#include "thumbnail_cache.h"

namespace polylens::web {

// What the person asked for during this frame; main.cpp turns it into app_actions calls.
struct ui_intent {
  bool search = false;
};

ui_intent app_ui_draw(app_state& state, const thumbnail_cache& thumbnails, float device_pixel_ratio);

}  // namespace polylens::web
