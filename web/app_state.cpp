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

const char* ingest_file_status_name(ingest_file_status status) {
  switch (status) {
    case ingest_file_status::queued: return "queued";
    case ingest_file_status::reading: return "reading";
    case ingest_file_status::prepared: return "prepared";
    case ingest_file_status::uploading: return "uploading";
    case ingest_file_status::created: return "created";
    case ingest_file_status::exists: return "exists";
    case ingest_file_status::failed: return "failed";
    case ingest_file_status::not_processed: return "not_processed";
  }
  return "queued";
}

const char* ingest_problem_name(ingest_problem problem) {
  switch (problem) {
    case ingest_problem::none: return "none";
    case ingest_problem::undecodable: return "undecodable";
    case ingest_problem::too_large: return "too_large";
    case ingest_problem::duplicate: return "duplicate";
    case ingest_problem::unreadable: return "unreadable";
    case ingest_problem::rejected: return "rejected";
    case ingest_problem::not_uploaded: return "not_uploaded";
  }
  return "none";
}

int ingest_done(const ingest_state& ingest) { return ingest.created + ingest.exists + ingest.failed; }

}  // namespace polylens::web
