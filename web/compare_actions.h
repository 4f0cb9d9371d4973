// What the comparison tabs do (compare_state.h): each comparison is several /api/v1/search calls at once, one
// per column, answered into compare_state; once every column has answered, each is scored against the first
// (rank_agreement.h). Requests made during the frame run after it.
#pragma once
#include "app_state.h"
#include "thumbnail_cache.h"

namespace polylens::web {

// The languages compared, in column order: the first is the reference the others are scored against. Latin,
// Cyrillic, Arabic (right to left) and CJK scripts.
constexpr const char* compare_languages[] = {"en", "es", "ru", "ar", "ja"};

// Switches the tab; a comparison tab with nothing shown yet runs at once (when it can).
void compare_set_mode(app_state& state, compare_mode mode);
void compare_request_run(app_state& state);  // Search / Enter while a comparison tab is open
// 1 / 2 / 3 pick a tab; [ and ] the previous / next concept in Languages. Only while no text field has the keys.
void compare_keyboard(app_state& state);
// After the frame: the run or concept step asked for.
void compare_after_frame(app_state& state, thumbnail_cache& thumbnails);

// The concept names and the sample query of a concept in a language (assets/queries.tsv).
int compare_concept_count();
const char* compare_concept_name(int concept_index);
const char* compare_sample_query(const char* lang, int concept_index);

}  // namespace polylens::web
