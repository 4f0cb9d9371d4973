// Everything the page shows, as plain data. Network callbacks write it, app_ui reads it (and edits only the
// query text and the admin token), test_hook serialises it. No GL, no ImGui, no browser calls here.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "api_client.h"
#include "api_messages.h"
#include "api_limits.h"
#include "compare_state.h"
#include "connection_state.h"
#include "ingest_state.h"
#include "kiosk_state.h"
#include "script_text_state.h"
#include "search_view_state.h"

namespace polylens::web {

enum class search_status { idle, searching, done, error };
const char* search_status_name(search_status status);

struct health_state {
  bool loaded = false;                  // the request has finished, well or badly
  std::optional<health_report> report;  // set when it went well
  std::optional<api_failure> failure;   // set when it did not
};

struct search_state {
  search_status status = search_status::idle;
  int generation = 0;             // bumped per search; answers to older searches are dropped
  int answered = 0;               // searches whose answer (or error) was taken, so a test can wait for the next
  std::string query;              // the text that was sent
  std::vector<search_hit> hits;   // ranked, best first
  search_timing took_ms;
  std::optional<embedder_info> embedder;  // who embedded the last query, as the answer says
  std::optional<api_failure> failure;
  search_details details;  // the kind of query, threshold, tokens, cache (search_view_state.h)
};

struct app_state {
  // The query box's buffer: ImGui edits it in place. Its size is the proxy's limit, so the box cannot exceed it.
  char query[limits::max_query_text_bytes + 1] = {};
  health_state health;
  connection_state connection;  // why the proxy gave no answer, if it did not (connection_state.h)
  kiosk_state kiosk;            // ?kiosk=1: touch screen, no admin, attract loop when idle (kiosk.h)
  search_state search;
  ingest_state ingest;
  query_image_state query_image;  // the image searched with, if any
  results_view_state results;     // keyboard focus, the enlarged view, the ARIA live region
  // A drop the page could not use (a folder while the Add-images panel is closed): why (until the next action).
  std::string drop_hint;

  int frame = 0;               // frames drawn so far
  double frame_ms_total = 0;   // time spent in the frame function, summed over those frames (bench/web_client.mjs)
  bool fonts_loaded = false;   // DejaVu Sans, and the CJK fallback once asked for, are in the atlas
  css_rect query_box;          // where the query box was drawn last frame
  bool query_focused = false;  // the query box has the keyboard
  // The text field that has the keyboard (or had it last): where text_input_bridge puts its input.
  css_rect text_box;
  bool text_secret = false;    // that field is a password field (the admin token)
  script_text_state text;      // the query box's text in other scripts, the language chips
  compare_state compare;       // the Search | Dims | Languages tabs and their comparisons (compare_state.h)
  refine_state refine;         // "more like this" / "less like this" marks and the re-ranking
};

// The embedder to describe in the banner and the test hook: the last search's if any, else /healthz's.
const embedder_info* app_current_embedder(const app_state& state);
bool app_is_ready(const app_state& state);  // first frame drawn and /healthz answered (or failed)

}  // namespace polylens::web
