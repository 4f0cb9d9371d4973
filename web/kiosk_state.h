// Kiosk mode's state as plain data (kiosk.h has the behaviour): part of app_state.
#pragma once
#include <string>
#include <vector>

namespace polylens::web {

struct kiosk_attract_entry {
  std::string language;  // queries.tsv's column, e.g. "ja"
  std::string query;
};

struct kiosk_state {
  bool enabled = false;
  float zoom = 1.0f;          // UI size over the normal size (1.5 in kiosk mode)
  int idle_seconds = 60;
  int attract_seconds = 6;    // how long each sample query's results stay
  bool attracting = false;
  int attract_step = 0;       // sample queries started in this loop
  int attract_answered = -1;  // search.answered when the current sample query was sent; -1: none on its way
  double next_query_at = 0;   // ms (emscripten_get_now) when the next sample query goes out
  int loops = 0;              // attract loops entered so far
  int exits = 0;              // attract loops ended by a touch or a key
  std::vector<kiosk_attract_entry> history;  // this loop's sample queries, oldest first (at most 24)
};

}  // namespace polylens::web
