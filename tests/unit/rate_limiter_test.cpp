// The token bucket with a hand-stepped clock: no sleeps, no timing assertions.
#include "rate_limiter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

using namespace polylens;
using namespace std::chrono_literals;

namespace {
struct fake_clock {
  rate_limiter::time_point now{};
  rate_limiter::clock source() {
    return [this] { return now; };
  }
};
}  // namespace

TEST(rate_limiter, allows_a_full_burst_then_refuses_with_the_wait_for_one_token) {
  fake_clock clock;
  rate_limiter limiter(60, 3, 100, clock.source());  // one token a second
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.take("10.0.0.1").allowed) << i;
  rate_decision over = limiter.take("10.0.0.1");
  EXPECT_FALSE(over.allowed);
  EXPECT_EQ(over.retry_after_s, 1);
}

TEST(rate_limiter, refills_at_the_configured_rate) {
  fake_clock clock;
  rate_limiter limiter(6, 1, 100, clock.source());  // one token every 10 s
  EXPECT_TRUE(limiter.take("a").allowed);
  EXPECT_EQ(limiter.take("a").retry_after_s, 10);
  clock.now += 4s;
  EXPECT_EQ(limiter.take("a").retry_after_s, 6);  // a refused call costs nothing
  clock.now += 6s;
  EXPECT_TRUE(limiter.take("a").allowed);
  EXPECT_FALSE(limiter.take("a").allowed);
}

TEST(rate_limiter, retry_after_rounds_up_to_whole_seconds_and_is_at_least_one) {
  fake_clock clock;
  rate_limiter limiter(120, 1, 100, clock.source());  // one token every 0.5 s
  EXPECT_TRUE(limiter.take("a").allowed);
  EXPECT_EQ(limiter.take("a").retry_after_s, 1);
  rate_limiter slow(7, 1, 100, clock.source());  // 60/7 = 8.57 s per token
  EXPECT_TRUE(slow.take("a").allowed);
  EXPECT_EQ(slow.take("a").retry_after_s, 9);
}

TEST(rate_limiter, never_holds_more_than_the_burst) {
  fake_clock clock;
  rate_limiter limiter(60, 2, 100, clock.source());
  EXPECT_TRUE(limiter.take("a").allowed);
  clock.now += 1h;
  EXPECT_TRUE(limiter.take("a").allowed);
  EXPECT_TRUE(limiter.take("a").allowed);
  EXPECT_FALSE(limiter.take("a").allowed);
}

TEST(rate_limiter, clients_have_separate_buckets) {
  fake_clock clock;
  rate_limiter limiter(60, 1, 100, clock.source());
  EXPECT_TRUE(limiter.take("a").allowed);
  EXPECT_FALSE(limiter.take("a").allowed);
  EXPECT_TRUE(limiter.take("b").allowed);
}

TEST(rate_limiter, zero_per_minute_turns_it_off_and_stores_nothing) {
  fake_clock clock;
  rate_limiter limiter(0, 1, 100, clock.source());
  EXPECT_FALSE(limiter.enabled());
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.take("a").allowed);
  EXPECT_EQ(limiter.tracked_clients(), 0u);
}

TEST(rate_limiter, forgets_clients_whose_bucket_has_refilled) {
  fake_clock clock;
  rate_limiter limiter(60, 5, 100, clock.source());
  for (int i = 0; i < 50; ++i) limiter.take("client-" + std::to_string(i));
  EXPECT_EQ(limiter.tracked_clients(), 50u);
  clock.now += 2s;  // one token each spent, one second per token: all full again
  limiter.take("newcomer");
  EXPECT_EQ(limiter.tracked_clients(), 1u);
}

TEST(rate_limiter, keeps_a_bucket_that_is_still_refilling) {
  fake_clock clock;
  rate_limiter limiter(60, 3, 100, clock.source());
  for (int i = 0; i < 3; ++i) limiter.take("busy");
  clock.now += 1s;
  limiter.take("other");
  EXPECT_EQ(limiter.tracked_clients(), 2u);
  EXPECT_TRUE(limiter.take("busy").allowed);   // one token back
  EXPECT_FALSE(limiter.take("busy").allowed);  // and no more: it was not forgotten
}

TEST(rate_limiter, past_max_clients_the_least_recently_seen_is_dropped) {
  fake_clock clock;
  rate_limiter limiter(1, 1, 3, clock.source());  // slow refill: nothing becomes idle during the test
  limiter.take("a");
  limiter.take("b");
  limiter.take("c");
  limiter.take("a");  // a is now the most recent; b the least
  limiter.take("d");
  EXPECT_EQ(limiter.tracked_clients(), 3u);
  EXPECT_FALSE(limiter.take("a").allowed);  // still tracked, still empty
  EXPECT_FALSE(limiter.take("c").allowed);
  EXPECT_TRUE(limiter.take("b").allowed);   // was dropped, so it starts afresh
}

TEST(rate_limit_client_key, ipv4_as_is_ipv6_by_its_64_prefix_mapped_ipv4_as_ipv4) {
  EXPECT_EQ(rate_limit_client_key("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(rate_limit_client_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(rate_limit_client_key("2001:db8:1:2:bbbb:cccc:dddd:eeee"), "2001:db8:1:2::/64");
  EXPECT_NE(rate_limit_client_key("2001:db8:1:3::1"), rate_limit_client_key("2001:db8:1:2::1"));
  EXPECT_EQ(rate_limit_client_key("::ffff:198.51.100.9"), "198.51.100.9");
  EXPECT_EQ(rate_limit_client_key("::1"), "0:0:0:0::/64");
  EXPECT_EQ(rate_limit_client_key("not an address"), "not an address");
}
