// Searching with an image: one dropped on the page (while "Add images" is closed), one pasted from the
// clipboard, or an indexed image's "more like this". A dropped or pasted image is decoded and shrunk here in
// WebAssembly (shared's image_prepare: 512 px, JPEG), exactly as the proxy would, so only what the model
// sees crosses the network; the card under the query box shows the original's and the upload's size in
// pixels and bytes, with a preview. "More like this" uploads nothing: the proxy searches with the indexed
// image's stored vector.
//
// image_query.js does the browser's half: it takes the file from the drop or the paste event, asks
// image_query_begin whether to read it, and hands its bytes over, once, later.
#pragma once
#include <string>
#include <string_view>

#include "app_state.h"
#include "thumbnail_cache.h"

namespace polylens::web {

void image_query_install(app_state& state, thumbnail_cache& thumbnails);

// A file to search with has arrived (source: "drop" or "paste"; files: how many the drop held). Returns the
// number to read it under, or 0 when it is refused unread (too large: the page says so).
int image_query_begin(app_state& state, thumbnail_cache& thumbnails, std::string source, std::string name,
                      double size_bytes, int files);
void image_query_bytes(app_state& state, thumbnail_cache& thumbnails, int sequence, std::string_view bytes);
void image_query_unreadable(app_state& state, thumbnail_cache& thumbnails, int sequence, std::string reason);
// Something was dropped that holds no file to search with (a folder, a link): the page says why.
void image_query_refused(app_state& state, std::string reason);

// "More like this": the hit's stored vector is the query.
void image_query_similar(app_state& state, thumbnail_cache& thumbnails, const search_hit& hit);
// Back to words: the card goes (between frames: its preview texture is deleted).
void image_query_clear(app_state& state, thumbnail_cache& thumbnails);

}  // namespace polylens::web

// Called by image_query.js.
extern "C" {
int polylens_query_image_begin(const char* source, const char* name, double size_bytes, int files);
void polylens_query_image_bytes(int sequence, const unsigned char* bytes, int size);
void polylens_query_image_unreadable(int sequence, const char* reason);
void polylens_query_image_refused(const char* reason);
}
