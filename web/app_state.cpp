#include "app_state.h"

namespace polylens::web {

const char* search_status_name(search_status status) {
  switch (status) {
    case search_status::idle: return "idle";
    case search_status::searching: return "searching";
    case search_status::done: return "done";
    case search_status::error: return "error";
  }
  return "idle";
}

const embedder_info* app_current_embedder(const app_state& state) {
  if (state.search.embedder) return &*state.search.embedder;
  if (state.health.report) return &state.health.report->embedder;
  return nullptr;
}

bool app_is_ready(const app_state& state) { return state.frame > 0 && state.health.loaded; }

}  // namespace polylens::web
