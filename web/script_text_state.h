// What the page shows of text in other scripts, as plain data: how the query box was drawn (by ImGui or by the
// browser, in which direction, with which composition) and the language chips. query_text and language_chips
// write it; test_hook reads it (script_text_json).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "ingest_state.h"  // css_rect

namespace polylens::web {

struct query_text_view {
  bool browser = false;   // the browser drew the box's text this frame (else ImGui did)
  bool rtl = false;       // the text's paragraph direction
  std::string shown;      // what the box shows: the query with the composition inserted at the caret
  std::string preedit;    // the input method's composition, not yet committed ("" when none)
  int caret = 0;          // byte offset of the caret in `shown`
  float caret_x = -1;     // where the caret was drawn, CSS pixels from the canvas's left (-1: not drawn)
  css_rect text_rect;     // where the text's layout box was drawn (CSS pixels; empty when ImGui drew it)
  float shift = 0;        // horizontal scroll of long text, device pixels (kept between frames)
  bool had_selection = false;  // last frame (the arrow keys then collapse it, as ImGui does)
  int caret_next = -1;    // where query_text put the caret itself, for ImGui to take in at the next frame
};

struct language_chip_view {
  std::string lang;       // the column of assets/queries.tsv
  std::string label;      // the language's own name
  std::string next_query; // what a click searches for
  bool browser = false;   // the browser drew the label
  css_rect rect;
};

struct script_text_state {
  query_text_view query;
  std::vector<language_chip_view> chips;  // as drawn last frame, in queries.tsv's column order
  std::vector<int> chip_clicks;           // per language: the next concept is clicks % concepts
};

// For window.polylens.state().text (test_hook.h): the above, plus the browser text cache and the script fonts.
nlohmann::json script_text_json(const script_text_state& text);

}  // namespace polylens::web
