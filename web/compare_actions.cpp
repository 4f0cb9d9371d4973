#include "compare_actions.h"

#include <imgui.h>

#include <algorithm>
#include <cstring>

#include "api_client.h"
#include "language_chips.h"

namespace polylens::web {

namespace {

#include "sample_queries.inc"  // generated from assets/queries.tsv (web/gen_sample_queries.mjs)

int language_index(const char* lang) {
  for (int i = 0; i < sample_language_count; ++i)
    if (std::strcmp(sample_languages[i], lang) == 0) return i;
  return -1;
}

std::string trimmed(const char* text) {
  std::string s(text);
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::vector<std::string> ids_of(const std::vector<search_hit>& hits) {
  std::vector<std::string> ids;
  for (const search_hit& hit : hits) ids.push_back(hit.id);
  return ids;
}

// Every column answered: score each against the first.
void score_columns(compare_state& compare) {
  if (compare.columns.empty() || compare.columns[0].failure) return;
  const std::vector<std::string> reference = ids_of(compare.columns[0].hits);
  for (std::size_t i = 1; i < compare.columns.size(); ++i) {
    compare_column& column = compare.columns[i];
    if (!column.failure) column.agreement = rank_agreement_of(reference, ids_of(column.hits), compare_k);
  }
}

// Column i's /api/v1/search. one_at_a_time: the next column's is sent when this one has answered.
void send_column(app_state& state, thumbnail_cache& thumbnails, int generation, std::size_t i, bool one_at_a_time) {
  compare_column& column = state.compare.columns[i];
  search_request request;
  request.text = column.query;
  request.k = compare_k;
  request.dims = column.dims;
  api_search(request, [&state, &thumbnails, generation, i, one_at_a_time](api_outcome<search_response> outcome) {
    compare_state& compare = state.compare;
    if (generation != compare.generation || i >= compare.columns.size()) return;  // a newer comparison
    compare_column& column = compare.columns[i];
    column.loading = false;
    if (outcome.ok()) {
      column.hits = std::move(outcome.value->hits);
      column.took_ms = outcome.value->took_ms;
      column.answered_dims = outcome.value->dims;
      for (const search_hit& hit : column.hits) thumbnail_cache_request(thumbnails, hit.id);
    } else {
      column.failure = std::move(outcome.failure);
    }
    if (one_at_a_time && i + 1 < compare.columns.size()) return send_column(state, thumbnails, generation, i + 1, true);
    const bool all_done = std::none_of(compare.columns.begin(), compare.columns.end(),
                                       [](const compare_column& c) { return c.loading; });
    if (all_done) {
      score_columns(compare);
      ++compare.answered;
    }
  });
}

// One /api/v1/search per column. Dims sends them one after the other, so neither field's kNN time includes the
// other's search competing for the same store; languages sends them all at once (their times are not the point).
void run_columns(app_state& state, thumbnail_cache& thumbnails, bool one_at_a_time) {
  compare_state& compare = state.compare;
  const int generation = ++compare.generation;
  ++compare.runs;
  compare.hint.clear();
  for (compare_column& column : compare.columns) column.loading = true;
  if (compare.columns.empty()) return;
  if (one_at_a_time) return send_column(state, thumbnails, generation, 0, true);
  for (std::size_t i = 0; i < compare.columns.size(); ++i) send_column(state, thumbnails, generation, i, false);
}

// Dims: the query box's text against the largest and the smallest configured field (/healthz's dims).
void run_dims(app_state& state, thumbnail_cache& thumbnails) {
  compare_state& compare = state.compare;
  const std::string query = trimmed(state.query);
  std::vector<int> dims = state.health.report ? state.health.report->dims : std::vector<int>{};
  std::sort(dims.begin(), dims.end(), std::greater<int>());
  if (query.empty()) {
    compare.hint = "Type a query above, then press Enter or Compare: it is searched in both fields.";
    return;
  }
  if (dims.size() < 2) {
    compare.hint = dims.empty() ? "The proxy has not said which fields it has (/healthz)."
                                : "This index has one vector field only: there is nothing to compare it with.";
    return;
  }
  compare.subject = query;
  compare.columns.clear();
  for (int d : {dims.front(), dims.back()}) {
    compare_column column;
    column.label = std::to_string(d) + " dims";
    column.query = query;
    column.dims = d;
    compare.columns.push_back(std::move(column));
  }
  run_columns(state, thumbnails, true);
}

// Languages: the current concept's sample query in each of compare_languages.
void run_languages(app_state& state, thumbnail_cache& thumbnails) {
  compare_state& compare = state.compare;
  compare.subject = sample_concepts[compare.concept_index];
  compare.columns.clear();
  for (const char* lang : compare_languages) {
    const int l = language_index(lang);
    if (l < 0) continue;
    compare_column column;
    column.label = language_label(lang);
    column.lang = lang;
    column.query = sample_queries[l][compare.concept_index];
    compare.columns.push_back(std::move(column));
  }
  run_columns(state, thumbnails, false);
}

}  // namespace

const char* compare_mode_name(compare_mode mode) {
  switch (mode) {
    case compare_mode::search: return "search";
    case compare_mode::dims: return "dims";
    case compare_mode::languages: return "languages";
  }
  return "search";
}

int compare_concept_count() { return sample_concept_count; }
const char* compare_concept_name(int concept_index) {
  return concept_index >= 0 && concept_index < sample_concept_count ? sample_concepts[concept_index] : "";
}
const char* compare_sample_query(const char* lang, int concept_index) {
  const int l = language_index(lang);
  return l >= 0 && concept_index >= 0 && concept_index < sample_concept_count ? sample_queries[l][concept_index] : "";
}

void compare_set_mode(app_state& state, compare_mode mode) {
  compare_state& compare = state.compare;
  if (compare.mode == mode) return;
  compare.mode = mode;
  ++compare.generation;  // answers for the tab left behind are dropped
  compare.columns.clear();
  compare.hint.clear();
  if (mode == compare_mode::languages || (mode == compare_mode::dims && !trimmed(state.query).empty()))
    compare.request_run = true;
}

void compare_request_run(app_state& state) {
  if (state.compare.mode != compare_mode::search) state.compare.request_run = true;
}

void compare_keyboard(app_state& state) {
  if (ImGui::IsKeyPressed(ImGuiKey_1, false)) compare_set_mode(state, compare_mode::search);
  else if (ImGui::IsKeyPressed(ImGuiKey_2, false)) compare_set_mode(state, compare_mode::dims);
  else if (ImGui::IsKeyPressed(ImGuiKey_3, false)) compare_set_mode(state, compare_mode::languages);
  else if (state.compare.mode == compare_mode::languages && ImGui::IsKeyPressed(ImGuiKey_LeftBracket, false))
    state.compare.request_concept_step = -1;
  else if (state.compare.mode == compare_mode::languages && ImGui::IsKeyPressed(ImGuiKey_RightBracket, false))
    state.compare.request_concept_step = +1;
}

void compare_after_frame(app_state& state, thumbnail_cache& thumbnails) {
  compare_state& compare = state.compare;
  if (compare.request_concept_step != 0) {
    compare.concept_index = (compare.concept_index + compare.request_concept_step + sample_concept_count) % sample_concept_count;
    compare.request_concept_step = 0;
    compare.request_run = true;
  }
  if (!compare.request_run) return;
  compare.request_run = false;
  if (compare.mode == compare_mode::dims) run_dims(state, thumbnails);
  else if (compare.mode == compare_mode::languages) run_languages(state, thumbnails);
}

}  // namespace polylens::web
