// What the page does, as verbs: each starts requests and lets their callbacks update app_state.
#pragma once
#include "app_state.h"
#include "thumbnail_cache.h"

namespace polylens::web {

void app_check_health(app_state& state);
// Asks /healthz again (the image count changed), showing the last answer until the new one arrives.
void app_refresh_health(app_state& state);
// Sends the query box's text as it is (the proxy judges it: an empty query comes back as its 400 message), then
// fetches the thumbnails of the hits.
void app_search(app_state& state, thumbnail_cache& thumbnails);
// Sends any search (an image, "more like this") and takes its answer as app_search does. `subject` is the
// query in words, for the page ("No strong match for ...").
void app_search_for(app_state& state, thumbnail_cache& thumbnails, search_request request, query_kind kind,
                    std::string subject);

}  // namespace polylens::web
