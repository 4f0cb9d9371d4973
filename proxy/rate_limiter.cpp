#include "rate_limiter.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace polylens {

rate_limiter::rate_limiter(int per_minute, int burst, std::size_t max_clients, clock now)
    : per_second_(std::max(per_minute, 0) / 60.0),
      burst_(std::max(burst, 1)),
      max_clients_(std::max<std::size_t>(max_clients, 1)),
      now_(std::move(now)) {}

double rate_limiter::refilled(const bucket& b, time_point now) const {
  double elapsed_s = std::chrono::duration<double>(now - b.updated).count();
  return std::min(burst_, b.tokens + std::max(elapsed_s, 0.0) * per_second_);
}

void rate_limiter::forget_idle(time_point now) {
  while (!recent_.empty()) {
    auto oldest = buckets_.find(recent_.back());
    // Stop at the first still refilling: each call frees what it looks at, so the sweep costs O(1)
    // amortised; a full bucket behind a refilling one waits for a later call, or for the cap.
    if (refilled(oldest->second, now) < burst_) return;
    buckets_.erase(oldest);
    recent_.pop_back();
  }
}

rate_decision rate_limiter::take(const std::string& client) {
  if (!enabled()) return {};
  time_point now = now_();
  std::lock_guard lock(mutex_);
  forget_idle(now);

  auto found = buckets_.find(client);
  if (found == buckets_.end()) {
    if (buckets_.size() >= max_clients_) {  // over the cap: the least recently seen client starts afresh
      buckets_.erase(recent_.back());
      recent_.pop_back();
    }
    recent_.push_front(client);
    found = buckets_.emplace(client, bucket{burst_, now, recent_.begin()}).first;
  } else {
    recent_.splice(recent_.begin(), recent_, found->second.recency);
  }

  bucket& b = found->second;
  b.tokens = refilled(b, now);
  b.updated = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {};
  }
  double wait_s = (1.0 - b.tokens) / per_second_;
  return {false, std::max(1, static_cast<int>(std::ceil(wait_s - 1e-9)))};
}

std::size_t rate_limiter::tracked_clients() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

std::string rate_limit_client_key(const std::string& remote_addr) {
  in6_addr v6{};
  if (inet_pton(AF_INET6, remote_addr.c_str(), &v6) != 1) return remote_addr;  // IPv4, or not an address
  const unsigned char* b = v6.s6_addr;
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    char v4[INET_ADDRSTRLEN];
    std::snprintf(v4, sizeof v4, "%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
    return v4;
  }
  char prefix[32];
  std::snprintf(prefix, sizeof prefix, "%x:%x:%x:%x::/64", (b[0] << 8) | b[1], (b[2] << 8) | b[3],
                (b[4] << 8) | b[5], (b[6] << 8) | b[7]);
  return prefix;
}

}  // namespace polylens
