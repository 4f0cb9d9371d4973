#include "image_query.h"

#include <emscripten.h>

#include <cstdio>

#include "api_limits.h"
#include "app_actions.h"
#include "base64.h"
#include "image_preprocess.h"
#include "search_view_text.h"

extern "C" void polylens_js_image_query_install();  // image_query.js

namespace polylens::web {

namespace {

// The page's one app (main.cpp), which outlives every event.
app_state* query_state = nullptr;
thumbnail_cache* query_thumbnails = nullptr;
int preview_number = 0;

std::string mebibytes(double bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", bytes / (1024.0 * 1024.0));
  return text;
}

void forget_preview(query_image_state& q, thumbnail_cache& thumbnails) {
  // Only previews made here; an indexed image's thumbnail stays for its card.
  if (q.preview_key.rfind("query:", 0) == 0) thumbnail_cache_forget(thumbnails, q.preview_key);
  q.preview_key.clear();
}

// Fails the query before any request: the page shows it as the search's error, like the proxy's own.
void fail_query(app_state& state, const std::string& type, std::string message) {
  search_state& search = state.search;
  ++search.generation;  // an answer still on its way is for an image no longer wanted
  ++search.answered;
  search.status = search_status::error;
  search.failure = api_failure{type, std::move(message), 0, 0};
  search.hits.clear();
  search.details = {};
  search.details.kind = query_kind::image;
  search.details.subject = state.query_image.name;
  // No card for an image nothing was searched with: the error under the box names the file.
  state.query_image.kind = query_kind::text;
  state.query_image.reading = false;
}

}  // namespace

void image_query_install(app_state& state, thumbnail_cache& thumbnails) {
  query_state = &state;
  query_thumbnails = &thumbnails;
  polylens_js_image_query_install();
}

int image_query_begin(app_state& state, thumbnail_cache& thumbnails, std::string source, std::string name,
                      double size_bytes, int files) {
  query_image_state& q = state.query_image;
  forget_preview(q, thumbnails);
  const int sequence = q.sequence + 1;
  q = {};
  q.sequence = sequence;
  q.kind = query_kind::image;
  q.source = std::move(source);
  q.name = q.source == "paste" ? pasted_image_name : name.empty() ? "dropped image" : std::move(name);
  q.original_bytes = size_bytes;
  if (files > 1) q.note = "Searching with the first of " + std::to_string(files) + " dropped files.";
  state.drop_hint.clear();
  if (size_bytes > static_cast<double>(limits::max_image_bytes)) {
    // Refused unread, as the Add-images panel does: the proxy would refuse it anyway.
    fail_query(state, "payload_too_large",
               "'" + q.name + "' is " + mebibytes(size_bytes) + "; the limit is " +
                   mebibytes(static_cast<double>(limits::max_image_bytes)) + " per image");
    return 0;
  }
  q.reading = true;
  state.search.status = search_status::searching;
  state.search.failure.reset();
  ++state.search.generation;  // whatever was on its way is superseded by this image
  return sequence;
}

void image_query_bytes(app_state& state, thumbnail_cache& thumbnails, int sequence, std::string_view bytes) {
  query_image_state& q = state.query_image;
  if (sequence != q.sequence || !q.reading) return;  // a newer image came meanwhile
  q.reading = false;
  q.original_bytes = static_cast<double>(bytes.size());
  auto prepared = image_prepare(bytes, limits::upload_long_side, limits::upload_jpeg_quality);
  if (!prepared) {
    fail_query(state, std::string(prepared.error().type_name()), "'" + q.name + "': " + prepared.error().message);
    return;
  }
  q.original_width = prepared->original_width;
  q.original_height = prepared->original_height;
  q.uploaded_width = prepared->width;
  q.uploaded_height = prepared->height;
  q.uploaded_bytes = static_cast<double>(prepared->jpeg.size());
  // The preview is the upload itself, shrunk to thumbnail size: what the model sees, framed small.
  if (auto shown = image_decode(prepared->jpeg)) {
    q.preview_key = "query:" + std::to_string(++preview_number);
    thumbnail_cache_put(thumbnails, q.preview_key, image_fit_within(*shown, limits::thumbnail_long_side));
  }
  search_request request;
  request.image_base64 = base64_encode(prepared->jpeg);
  app_search_for(state, thumbnails, std::move(request), query_kind::image, q.name);
}

void image_query_unreadable(app_state& state, thumbnail_cache&, int sequence, std::string reason) {
  query_image_state& q = state.query_image;
  if (sequence != q.sequence || !q.reading) return;
  q.reading = false;
  fail_query(state, "unreadable", "the browser could not read '" + q.name + "' (" + reason + ")");
}

void image_query_refused(app_state& state, std::string reason) { state.drop_hint = std::move(reason); }

void image_query_similar(app_state& state, thumbnail_cache& thumbnails, const search_hit& hit) {
  query_image_state& q = state.query_image;
  forget_preview(q, thumbnails);
  const int sequence = q.sequence + 1;
  q = {};
  q.sequence = sequence;
  q.kind = query_kind::similar;
  q.source = "more like this";
  q.name = hit.title.empty() ? hit.id : hit.title;
  q.id = hit.id;
  q.original_width = hit.width;
  q.original_height = hit.height;
  q.preview_key = hit.id;  // its thumbnail, already in the cache
  state.drop_hint.clear();
  search_request request;
  request.id = hit.id;
  app_search_for(state, thumbnails, std::move(request), query_kind::similar, q.name);
}

void image_query_clear(app_state& state, thumbnail_cache& thumbnails) {
  query_image_state& q = state.query_image;
  forget_preview(q, thumbnails);
  const int sequence = q.sequence;
  q = {};
  q.sequence = sequence;  // a file still being read is no longer wanted
}

}  // namespace polylens::web

using namespace polylens::web;

extern "C" EMSCRIPTEN_KEEPALIVE int polylens_query_image_begin(const char* source, const char* name,
                                                               double size_bytes, int files) {
  if (!query_state) return 0;
  return image_query_begin(*query_state, *query_thumbnails, source, name, size_bytes, files);
}

extern "C" EMSCRIPTEN_KEEPALIVE void polylens_query_image_bytes(int sequence, const unsigned char* bytes, int size) {
  if (query_state)
    image_query_bytes(*query_state, *query_thumbnails, sequence,
                      std::string_view(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size)));
}

extern "C" EMSCRIPTEN_KEEPALIVE void polylens_query_image_unreadable(int sequence, const char* reason) {
  if (query_state) image_query_unreadable(*query_state, *query_thumbnails, sequence, reason);
}

extern "C" EMSCRIPTEN_KEEPALIVE void polylens_query_image_refused(const char* reason) {
  if (query_state) image_query_refused(*query_state, reason);
}
