// The "Add images" panel: the admin token (masked), where to drop files, a progress bar with the counts, Cancel
// or Retry, the batch errors and the per-file problems (undecodable, too large, duplicate, ...), and a summary.
// Draws from app_state.ingest; the only state it writes is the token (ImGui edits it in place) and where its
// controls are (for the test hook).
#pragma once
#include "app_state.h"
#include "ui_draw.h"

namespace polylens::web {

struct ingest_panel_intent {
  bool close = false;
  bool cancel = false;
  bool retry = false;
};

// At the cursor, width device pixels wide.
ingest_panel_intent draw_ingest_panel(app_state& state, float width, const ui_scale& px);
// Over everything, while files are dragged over the page: where they will go (or why they will not).
void draw_drop_overlay(const app_state& state, const ui_scale& px);

// One line saying where the run stands ("37 of 120 files · 30 added · ..."), also for the test hook.
std::string ingest_summary(const ingest_state& ingest);

}  // namespace polylens::web
