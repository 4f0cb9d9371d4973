// The stats strip, under the query box once a search has answered: how many results and how many are strong,
// the latency split (embed, kNN, total, as the proxy measured them), the tokens the query cost, whether the
// embedding cache answered, the strong-match threshold, and who did the work: the vector store (from
// /healthz) and the embedder, a test double being labelled as one.
#pragma once
#include <string>
#include <vector>

#include "app_state.h"
#include "ui_draw.h"

namespace polylens::web {

struct stats_chip {
  std::string text;
  std::string tooltip;  // more words on hover, or empty
  bool warning = false; // drawn in amber (a stand-in embedder)
};

// What the strip shows for the last answer, in order (empty unless a search is done).
std::vector<stats_chip> stats_strip_chips(const app_state& state);
// "hit", "miss", or "none" ("more like this" embeds nothing).
const char* stats_cache_word(const search_details& details);

// At `pos`, wrapping within width device pixels; takes its height as an ImGui item. Records where it was.
void draw_stats_strip(app_state& state, ImVec2 pos, float width, const ui_scale& px);

}  // namespace polylens::web
