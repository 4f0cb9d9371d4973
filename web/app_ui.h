// Draws one frame of the page from app_state: one full-window ImGui window without decorations.
// The only state it writes is what ImGui edits in place (the query text, the admin token) and where the text
// fields and buttons are.
#pragma once
#include "app_state.h"
#include "thumbnail_cache.h"

namespace polylens::web {

// What the person asked for during this frame; main.cpp turns it into app_actions calls.
struct ui_intent {
  bool search = false;
  bool toggle_ingest_panel = false;  // "Add images" or the panel's Close
  bool cancel_ingest = false;
  bool retry_ingest = false;
  bool retry_connection = false;  // the connection panel's Retry
};

ui_intent app_ui_draw(app_state& state, const thumbnail_cache& thumbnails, float device_pixel_ratio);

}  // namespace polylens::web
