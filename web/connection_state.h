// What the page knows about its connection to the proxy, beyond /healthz's answer: why no answer came.
#pragma once
#include "ingest_state.h"  // css_rect
#include "proxy_endpoint.h"

namespace polylens::web {

struct connection_state {
  proxy_problem problem = proxy_problem::none;  // set once a request without an HTTP answer has been diagnosed
  bool checking = false;                        // /healthz (or its diagnosis) is on its way
  int attempts = 0;                             // health checks started, so a test can wait for a retry
  css_rect retry_button;                        // where Retry was drawn last frame (CSS pixels; empty: not shown)
};

}  // namespace polylens::web
