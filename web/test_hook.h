// window.polylens.state(): a read-only snapshot of app_state for end-to-end tests (and curious humans in the
// console). It reads; it never drives the UI.
//
//   {"ready": bool, "frame": n, "frame_ms_total" (ms in the frame function, summed), "query": "...",
//    "status": "idle"|"searching"|"done"|"error",
//    "error": null | {"type", "message", "status" (HTTP; 0 when no answer came, or none was asked for)},
//    "hits": [{"rank", "id", "score", "title", "credit"}], "thumbnails_loaded": n,
//    "embedder": null | {"label", "stand_in"},
//    "health": null | {"doc_count", "backend"}, "health_error": null | {"type", "message"},
//    "fonts_loaded": bool, "query_box": {"x", "y", "w", "h"},      (rectangles in CSS pixels)
//    "drop_hint": "" | what the page said about files dropped while the Add-images panel was closed,
//    "ingest": {"panel_open", "token_set" (never the token), "token_focused", "running", "cancelled", "stopped",
//               "total", "done", "created", "exists", "failed", "not_processed", "batches_sent", "batch_size",
//               "batch_errors": ["..."], "errors": [{"file", "kind", "reason"}],
//               "files": [{"file", "status", "id"}], "summary", "notice",
//               "ui": {"toggle_button", "token_box", "cancel_button", "retry_button", "drop_zone"}},
//    "text": {"query": {"renderer": "imgui"|"browser", "direction": "ltr"|"rtl", "shown", "preedit", "caret" (bytes),
//                       "caret_x", "text_rect"},
//             "chips": [{"lang", "label", "next_query", "renderer", "rect"}],
//             "fonts": {"requested", "loaded", "scripts_seen": ["arabic", "cjk", ...], "cjk_in_atlas"},
//             "browser_text": {"cached", "rendered"}}},
//    and the results view's keys (results_view.cpp: results_view_hook): each hit's "strong", "tags",
//    "caption", "width", "height", "tile"; "search_kind", "match", "stats", "query_image", "results_ui",
//    "viewport"; the comparison tabs' and refine by example's (compare_view.cpp: compare_hook): "compare"
//    {"mode", "runs", "answered", "columns": [{"label", "lang", "query", "dims", "ids", "took_ms", "agreement", ...}],
//    "tabs", ...}, "refine" {"available", "marks", "refining", "refines", "vector_fetches",
//    "more_buttons", "less_buttons", ...},
//    "connection": {"resolved", "source": "same_origin"|"query"|"config", "proxy" (URL), "problem": ""|"unreachable"|
//                   "cors", "checking", "attempts", "retry_button"},
//    "kiosk": {"enabled", "zoom" (rects above are CSS pixels / zoom), "idle_seconds", "attract_seconds",
//              "attracting", "loops", "exits", "attract_history": [{"language", "query"}]}}
#pragma once
#include <string>

#include "app_state.h"
#include "thumbnail_cache.h"

namespace polylens::web {

void test_hook_install(const app_state& state, const thumbnail_cache& thumbnails);
std::string test_hook_state_json(const app_state& state, const thumbnail_cache& thumbnails);

}  // namespace polylens::web

// Called by test_hook.js: the JSON above, valid until the next call.
extern "C" const char* polylens_state_json();
