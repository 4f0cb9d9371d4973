#include "retry_policy.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <random>
#include <string>

namespace polylens {

using std::chrono::milliseconds;

bool retry_is_worth_it(const upstream_response& r, bool retry_500) {
  if (r.failure == transport_failure::connect || r.failure == transport_failure::closed) return true;
  if (r.failure != transport_failure::none) return false;
  return r.status == 429 || (retry_500 && r.status == 500) || r.status == 502 || r.status == 503 || r.status == 504;
}

std::optional<milliseconds> retry_after(const upstream_response& r) {
  std::string value = r.header("retry-after");
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (value.size() > 6) return milliseconds(999'999'000);  // days: as good as forever here
    return milliseconds(std::stoll(value) * 1000);
  }
  std::tm tm{};
  if (!strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) return std::nullopt;
  auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
  auto wait = std::chrono::duration_cast<milliseconds>(when - std::chrono::system_clock::now());
  return std::max(wait, milliseconds(0));
}

milliseconds retry_backoff(int attempt, int base_ms, int cap_ms) {
  static thread_local std::mt19937 rng{std::random_device{}()};
  int cap = std::min(base_ms << std::min(attempt, 10), cap_ms);
  return milliseconds(std::uniform_int_distribution<int>(cap / 2, cap)(rng));
}

}  // namespace polylens
