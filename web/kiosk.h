// Kiosk mode (`?kiosk=1`): a public touch screen. The page goes full screen on the first touch or key (browsers
// only allow it from a gesture), the UI is drawn larger for fingers, there is no Add images panel (nor file drop)
// and no context menu, text selection or zoom gesture. After `&idle=SECONDS` (default 60) without a touch or a
// key it clears the query and runs an attract loop: sample queries from assets/queries.tsv (the language chips'
// table), one language and script after another, each a real search with its results shown for
// `&attract=SECONDS` (default 6). Any touch or key ends the loop (that input does nothing else) and leaves an
// empty page ready for a query.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include "app_state.h"
#include "thumbnail_cache.h"
#include "ui_draw.h"

namespace polylens::web {

// Reads ?kiosk=, &idle=, &attract= and, in kiosk mode, installs the page's listeners. Call once, before the first
// frame; state.kiosk is read-only afterwards except through kiosk_update.
void kiosk_install(app_state& state);
// Once per frame, after the UI is drawn: idle timeout, the attract loop's next query, leaving it on input.
void kiosk_update(app_state& state, thumbnail_cache& thumbnails);
// Over everything while attracting: the invitation to touch.
void kiosk_draw_attract(const app_state& state, const ui_scale& px);
// The "kiosk" key of the test hook.
void kiosk_hook(nlohmann::json& snapshot, const app_state& state);

}  // namespace polylens::web
