#include "app_actions.h"

#include "api_client.h"
#include "api_limits.h"
#include "compare_actions.h"
#include "image_query.h"
#include "refine_by_example.h"
#include "proxy_endpoint.h"

namespace polylens::web {

// The state and the cache live as long as the page (one app object in main.cpp), so callbacks may hold them.

void app_check_health(app_state& state) {
  state.health = {};
  connection_state& connection = state.connection;
  connection.checking = true;
  ++connection.attempts;
  api_get_health([&state](api_outcome<health_report> outcome) {
    connection_state& connection = state.connection;
    if (outcome.ok() || outcome.failure.http_status != 0) {
      connection.problem = proxy_problem::none;
      connection.checking = false;
      state.health.loaded = true;
      if (outcome.ok()) state.health.report = std::move(*outcome.value);
      else state.health.failure = std::move(outcome.failure);
      return;
    }
    // No HTTP answer: unreachable, or refused by CORS? The browser says neither; a no-cors probe tells.
    proxy_endpoint_diagnose("/healthz", [&state, failure = std::move(outcome.failure)](proxy_problem problem) mutable {
      if (problem == proxy_problem::cors_refused) {
        failure.type = "cors_refused";
        failure.message = "the proxy at " + proxy_display_name() + " refused this page's origin (CORS)";
      }
      state.connection.problem = problem;
      state.connection.checking = false;
      state.health.loaded = true;
      state.health.failure = std::move(failure);
    });
  });
}

void app_refresh_health(app_state& state) {
  api_get_health([&state](api_outcome<health_report> outcome) {
    if (!outcome.ok()) return;  // keep showing the last good answer; the next refresh may do better
    state.health.report = std::move(*outcome.value);
    state.health.failure.reset();
  });
}

void app_search(app_state& state, thumbnail_cache& thumbnails) {
  if (state.compare.mode != compare_mode::search) return compare_request_run(state);  // the tabs' own searches
  image_query_clear(state, thumbnails);  // words now, not the image
  search_request request;
  request.text = state.query;
  app_search_for(state, thumbnails, std::move(request), query_kind::text, state.query);
}

void app_search_for(app_state& state, thumbnail_cache& thumbnails, search_request request, query_kind kind,
                    std::string subject) {
  search_state& search = state.search;
  const int generation = ++search.generation;
  search.status = search_status::searching;
  search.query = request.text;
  search.failure.reset();

  request.k = limits::default_k;
  // The query's vector alone (+13.5 KB of JSON at 1024 dims: 17.4 KB for 12 hits), so results can be refined by
  // example without embedding again; the hits' vectors (179.6 KB with them) come only on a mark (refine_by_example.h).
  request.return_query_vector = true;
  api_search(request, [&state, &thumbnails, generation, kind, subject = std::move(subject), id = request.id](
                          api_outcome<search_response> outcome) {
    search_state& search = state.search;
    if (generation != search.generation) return;  // a newer search is on its way
    ++search.answered;
    search.details = {};
    search.details.kind = kind;
    search.details.subject = subject;
    if (!outcome.ok()) {
      search.status = search_status::error;
      search.failure = std::move(outcome.failure);
      search.hits.clear();
      // No HTTP answer: the proxy went away (or never was there); find out why and offer Retry.
      if (search.failure->http_status == 0 && !state.connection.checking) app_check_health(state);
      return;
    }
    search_response& response = *outcome.value;
    search.status = search_status::done;
    search.hits = std::move(response.hits);
    search.took_ms = response.took_ms;
    search.embedder = std::move(response.embedder);
    search.details.tokens = response.tokens;
    search.details.cached = response.cached;
    search.details.dims = response.dims;
    search.details.modality = response.modality;
    search.details.threshold = response.threshold;
    search.details.threshold_source = std::move(response.threshold_source);
    refine_take_search(state, response.query_vector, response.dims, id);
    for (const search_hit& hit : search.hits) thumbnail_cache_request(thumbnails, hit.id);
  });
}

}  // namespace polylens::web
