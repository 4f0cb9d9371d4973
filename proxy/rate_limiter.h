// Per-client token buckets for the metered and admin routes: each client may make `burst` requests at
// once, and gets `per_minute` back per minute. Memory is bounded: a bucket that has refilled is the
// same as no bucket, so idle clients are dropped, and past `max_clients` the least recently seen one
// goes. The clock is injected, so tests step time instead of sleeping.
#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace polylens {

struct rate_decision {
  bool allowed = true;
  int retry_after_s = 0;  // when refused: whole seconds until one token is back (at least 1)
};

class rate_limiter {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using clock = std::function<time_point()>;

  // per_minute 0 turns the limiter off: every take() is allowed and nothing is stored.
  rate_limiter(int per_minute, int burst, std::size_t max_clients = 10000,
               clock now = [] { return std::chrono::steady_clock::now(); });

  rate_decision take(const std::string& client);  // spends one token of `client`'s bucket
  std::size_t tracked_clients() const;
  bool enabled() const { return per_second_ > 0; }

 private:
  struct bucket {
    double tokens = 0;
    time_point updated;
    std::list<std::string>::iterator recency;  // position in recent_
  };
  double refilled(const bucket& b, time_point now) const;
  void forget_idle(time_point now);  // drops buckets that are full again, oldest first

  double per_second_;
  double burst_;
  std::size_t max_clients_;
  clock now_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
  std::list<std::string> recent_;  // most recently seen first
};

// The key a client is limited by: an IPv4 address as it is, an IPv6 address by its /64 prefix (one
// host usually holds a whole /64, so per-address limits would not hold it back), IPv4-mapped IPv6 as
// the IPv4 address. Anything unparsable is used as it is.
std::string rate_limit_client_key(const std::string& remote_addr);

}  // namespace polylens
