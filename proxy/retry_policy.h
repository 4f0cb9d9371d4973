// When and how long to wait before asking an upstream again, shared by the Jina client and the
// Elasticsearch backend: jittered exponential backoff, and the upstream's own Retry-After first.
#pragma once
#include <chrono>
#include <optional>

#include "upstream_client.h"

namespace polylens {

// A refused or dropped connection, 429 and the transient 5xx are worth another try; every other
// answer is final. A read timeout is not retried: the caller has already waited the whole timeout.
bool retry_is_worth_it(const upstream_response& r, bool retry_500);

// Retry-After as delta-seconds or an HTTP-date (RFC 9110 10.2.3); nullopt when absent or unreadable.
std::optional<std::chrono::milliseconds> retry_after(const upstream_response& r);

// Attempt 0 waits base/2..base, then twice that each time, never more than cap.
std::chrono::milliseconds retry_backoff(int attempt, int base_ms, int cap_ms);

}  // namespace polylens
