// When the proxy cannot be reached or refuses this page's origin: a card saying which, and where the proxy was
// looked for, with a Retry button. Everything else on the page stays as it is (the query box still works and will
// say the same if used).
#pragma once
#include "app_state.h"
#include "ui_draw.h"

namespace polylens::web {

// At the cursor, `width` device pixels wide, only while /healthz got no HTTP answer. Returns whether Retry was
// pressed.
bool draw_connection_panel(app_state& state, float width, const ui_scale& px);

}  // namespace polylens::web
