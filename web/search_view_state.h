// The results view as plain data, beyond the hits themselves: what kind of query made them and what the
// answer said about them (threshold, tokens, cache), the image being searched with (dropped, pasted, or an
// indexed image's "more like this"), the keyboard focus and the enlarged view, and where things were drawn
// (for the test hook). Network callbacks and the keyboard write it, the UI reads it. No GL, no ImGui here.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "api_client.h"
#include "api_messages.h"
#include "ingest_state.h"  // css_rect

namespace polylens::web {

enum class query_kind {
  text,     // the query box's words
  image,    // a dropped or pasted image, shrunk here and uploaded
  similar,  // "more like this": an indexed image's stored vector, nothing uploaded
  refined,  // refine by example: the last query moved by the marked results, in the browser (refine_by_example.h)
};
const char* query_kind_name(query_kind kind);

// What the last answer said besides its hits (search_response without the hits).
struct search_details {
  query_kind kind = query_kind::text;
  std::string subject;  // the query in words: the text, the image's file name, or the title it is like
  int tokens = 0;
  bool cached = false;
  int dims = 0;
  query_modality modality = query_modality::text;
  std::optional<float> threshold;  // none: the embedder has no calibration, every hit counts as strong
  std::string threshold_source;
};

// The image a search was made with, for the card under the query box.
struct query_image_state {
  query_kind kind = query_kind::text;  // image or similar while a card is shown; text: none
  std::string source;                  // "drop", "paste" or "more like this"
  std::string name;                    // the file's name, or the title of the image it is like
  std::string id;                      // "more like this": the indexed image's id
  std::string note;                    // e.g. "Searching with the first of 3 dropped files."
  double original_bytes = 0;           // 0 when not known ("more like this")
  int original_width = 0, original_height = 0;
  double uploaded_bytes = 0;           // the JPEG sent (before base64); 0: nothing was uploaded
  int uploaded_width = 0, uploaded_height = 0;
  std::string preview_key;             // its picture in the thumbnail cache: "query:N", or the image's id
  bool reading = false;                // the browser is reading the file's bytes
  int sequence = 0;                    // bumped per image; bytes that arrive for an older one are dropped
};

// Where the results view drew things last frame, in CSS pixels (for the test hook, which only reads).
struct results_layout {
  int columns = 0;
  css_rect grid;                 // the column the cards are laid out in
  std::vector<css_rect> tiles;   // one per hit, in rank order (w == 0: scrolled out of sight)
  css_rect divider;              // the "weak matches" divider (w == 0: not shown)
  css_rect no_match_notice;      // "No strong match for ..." (w == 0: not shown)
  css_rect stats_strip;
  std::vector<std::string> stats_chips;  // the strip's texts, as drawn
  css_rect query_image_card;
  css_rect query_image_clear;    // the card's x button
  css_rect detail;               // the enlarged view's card (w == 0: closed)
  css_rect detail_image;
  css_rect more_like_this_button;
  css_rect close_button;
};

struct results_view_state {
  int focused = -1;         // the card with the keyboard focus, -1: none
  bool keyboard = false;    // the keyboard is on the cards: the focus ring shows
  int open = -1;            // the card shown enlarged, -1: none
  bool scroll_to_focused = false;
  bool focus_query = false;      // give the query box the keyboard on the next frame ('/')
  int request_similar = -1;      // "more like this" was asked for this card; done after the frame
  bool request_clear_image = false;  // the query image card's x was pressed
  int announced = -1;            // search.answered as last written to the ARIA live region
  std::string focus_announced;   // what the focus live region says now
  results_layout layout;
};

}  // namespace polylens::web
